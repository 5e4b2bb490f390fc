# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""Container Service for Kubernetes (CS 2015-12-15) reads: a cluster, its node pools, its nodes.

One function per operation, each going through Session.call, returning snake_case dicts.
DescribeClusterNodePools has no paging (one call returns every pool); DescribeClusterNodes
pages at most 100 nodes: the first page tells the total, so the rest are fetched in parallel
(bounded) and a cluster of n nodes costs exactly ceil(n/100) calls.
"""

from __future__ import annotations

import math
from typing import Any
from typing import Dict
from typing import List
from typing import Optional

from ansible_collections.alibabacloud.apig.plugins.module_utils._client import Session
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
    client = session.client("cs")
    body = session.call("DescribeClusterDetail", lambda: client.describe_cluster_detail(cluster_id)).body.to_map()
    return cluster_from_wire(body)


def describe_node_pools(session: Session, cluster_id: str) -> List[Dict[str, Any]]:
    """Every node pool of the cluster, in one call. Raises ApiError for an unknown cluster."""
    client = session.client("cs")
    request = session.models("cs").DescribeClusterNodePoolsRequest()
    body = session.call(
        "DescribeClusterNodePools", lambda: client.describe_cluster_node_pools(cluster_id, request)
    ).body.to_map()
    return [node_pool_from_wire(item) for item in body.get("nodepools") or []]


def describe_cluster_nodes(
    session: Session,
    cluster_id: str,
    nodepool_id: Optional[str] = None,
) -> List[Dict[str, Any]]:
    """Every node of the cluster (or of one node pool), ceil(n/100) calls (one when it has no node)."""
    client = session.client("cs")
    models = session.models("cs")

    def page(number: int) -> Dict[str, Any]:
        # The SDK types both paging fields as strings.
        request = models.DescribeClusterNodesRequest(
            nodepool_id=nodepool_id, page_number=str(number), page_size=str(NODES_PAGE_SIZE)
        )
        return session.call(
            "DescribeClusterNodes", lambda: client.describe_cluster_nodes(cluster_id, request)
        ).body.to_map()

    first = page(1)
    nodes = [node_from_wire(n) for n in first.get("nodes") or []]
    total = (first.get("page") or {}).get("total_count")
    if total is None:
        # Without a total, walk on until a short page.
        number = 1
        last_count = len(nodes)
        while last_count >= NODES_PAGE_SIZE:
            number += 1
            batch = [node_from_wire(n) for n in page(number).get("nodes") or []]
            nodes.extend(batch)
            last_count = len(batch)
        return nodes
    pages = math.ceil(int(total) / NODES_PAGE_SIZE)
    for body in bounded_map(page, list(range(2, pages + 1))):
        nodes.extend(node_from_wire(n) for n in body.get("nodes") or [])
    return nodes
