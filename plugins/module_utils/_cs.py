# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""Container Service for Kubernetes (CS 2015-12-15) reads: a cluster, its node pools, its nodes.

One function per operation, each going through Session.call, returning snake_case dicts.
DescribeClusterNodePools has no paging (one call returns every pool); DescribeClusterNodes
pages at most 100 nodes: the first page tells the total and how many nodes a page really holds,
so the rest are fetched in parallel (bounded) at that size (_paging). A cluster of n nodes costs
exactly ceil(n/100) calls from a server that serves what it is asked, ceil(n/c) from one that caps
its pages at c. Answers are read raw and checked against their contract (_answer_contract): no `nodes`
or `nodepools` is malformed, not empty, and the nodes over all pages must number `page.total_count`.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import Optional

from ansible_collections.alibabacloud.apig.plugins.module_utils._answer_contract import POOLS_SELECTED
from ansible_collections.alibabacloud.apig.plugins.module_utils._answer_contract import items_of
from ansible_collections.alibabacloud.apig.plugins.module_utils._answer_contract import read_checked
from ansible_collections.alibabacloud.apig.plugins.module_utils._answer_contract import stated_total
from ansible_collections.alibabacloud.apig.plugins.module_utils._client import Session
from ansible_collections.alibabacloud.apig.plugins.module_utils._paging import NumberedPage
from ansible_collections.alibabacloud.apig.plugins.module_utils._paging import collect_numbered_pages
from ansible_collections.alibabacloud.apig.plugins.module_utils._parallel import bounded_map

NODES_PAGE_SIZE = 100  # DescribeClusterNodes takes pageSize 1-100


def cluster_from_wire(body: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "cluster_id": body.get("cluster_id"),
        "name": body.get("name"),
        "cluster_type": body.get("cluster_type"),
        "profile": body.get("profile"),
        "state": body.get("state"),
        "vpc_id": body.get("vpc_id") or None,
        "security_group_id": body.get("security_group_id") or None,
        "container_cidr": body.get("container_cidr") or None,
    }


def node_pool_from_wire(item: Dict[str, Any]) -> Dict[str, Any]:
    info = item.get("nodepool_info") or {}
    scaling = item.get("scaling_group") or {}
    status = item.get("status") or {}
    group_ids = list(scaling.get("security_group_ids") or [])
    # Older pools only fill the deprecated single-id field.
    if not group_ids and scaling.get("security_group_id"):
        group_ids = [scaling["security_group_id"]]
    return {
        "nodepool_id": info.get("nodepool_id"),
        "name": info.get("name"),
        "type": info.get("type"),
        "is_default": bool(info.get("is_default")),
        "security_group_ids": group_ids,
        "vswitch_ids": list(scaling.get("vswitch_ids") or []),
        "total_nodes": status.get("total_nodes"),
    }


def node_from_wire(item: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "instance_id": item.get("instance_id"),
        "node_name": item.get("node_name"),
        "nodepool_id": item.get("nodepool_id") or None,
        "private_ips": list(item.get("ip_address") or []),
        "instance_role": item.get("instance_role"),
        "state": item.get("state"),
    }


def describe_cluster(session: Session, cluster_id: str) -> Dict[str, Any]:
    """DescribeClusterDetail. Raises ApiError (ErrorClusterNotFound) for an unknown cluster."""
    answer = read_checked(session, "DescribeClusterDetail", "describe_cluster_detail", cluster_id)
    return cluster_from_wire(answer.body)


def describe_node_pools(session: Session, cluster_id: str) -> List[Dict[str, Any]]:
    """Every node pool of the cluster, in one call. Raises ApiError for an unknown cluster."""
    request = session.models("cs").DescribeClusterNodePoolsRequest()
    answer = read_checked(session, "DescribeClusterNodePools", "describe_cluster_node_pools", cluster_id, request)
    return [node_pool_from_wire(item) for item in items_of(answer)]


def describe_cluster_nodes(
    session: Session,
    cluster_id: str,
    nodepool_id: Optional[str] = None,
    pools_selected: bool = False,
) -> List[Dict[str, Any]]:
    """Every node of the cluster (or of one node pool).

    ceil(n/100) calls (one when it has no node) from a server that serves pages of 100; ceil(n/c)
    from one that caps its pages at c nodes. pools_selected: a source selects node pools, so a node
    that names no pool cannot be placed and its answer is malformed (_answer_contract.POOLS_SELECTED).
    """
    models = session.models("cs")
    conditions = frozenset([POOLS_SELECTED]) if pools_selected else frozenset()

    def page(number: int, size: int) -> NumberedPage:
        # The SDK types both paging fields as strings.
        request = models.DescribeClusterNodesRequest(
            nodepool_id=nodepool_id, page_number=str(number), page_size=str(size)
        )
        answer = read_checked(
            session, "DescribeClusterNodes", "describe_cluster_nodes", cluster_id, request, conditions=conditions
        )
        return NumberedPage(items_of(answer), stated_total(answer), answer)

    nodes = collect_numbered_pages(page, NODES_PAGE_SIZE, map_pages=bounded_map, identity=lambda n: n["instance_id"])
    return [node_from_wire(node) for node in nodes]
