# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""CS (Container Service for Kubernetes, ACK) 2015-12-15: clusters, node pools and nodes.

ROA style without an envelope: the answer is the resource itself, with snake_case keys; errors
are ``{code, message, requestId}``.

============================  ======  ===========================================================
action                        method  path and inputs
============================  ======  ===========================================================
DescribeClusterDetail         GET     /clusters/{cluster_id}
DescribeClusterNodePools      GET     /clusters/{cluster_id}/nodepools ?NodepoolName (no paging)
DescribeClusterNodes          GET     /clusters/{cluster_id}/nodes ?nodepool_id instanceIds nodeIps
                                      nodeNames state (comma lists) pageNumber pageSize (1-100,
                                      default 10); the answer's page{page_number,page_size,
                                      total_count} drives paging
============================  ======  ===========================================================

A node pool's ``scaling_group.security_group_ids`` lists the groups new nodes get; the deprecated
``security_group_id`` repeats the first. The groups a node really carries are its ECS instance's:
they drift apart when someone edits an instance, which is why callers look at both.

Errors: unknown cluster 404 ``ErrorClusterNotFound``; unknown ``nodepool_id`` 404
``ErrorNodePoolNotFound``; a bad page parameter 400 ``InvalidParameter``.

With the ``page_cap`` knob, DescribeClusterNodes answers at most that many nodes a page, and its
``page.page_size`` says so (pages are cut at that size: page N starts at (N-1) * the capped size).
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import Optional

from .protocol import ApiError
from .protocol import Call
from .world import Cluster
from .world import NodePool
from .world import World

PRODUCT = "cs"
VERSION = "2015-12-15"
STYLE = "cs"
NO_PERMISSION = (403, "NoPermission", "You are not authorized to perform this action: {auth_action}.")
MAX_PAGE_SIZE = 100
WRITES = ()
CREATED = "2025-01-06T16:00:00+08:00"


def host(region: str) -> str:
    return f"cs.{region}.aliyuncs.com"


def render(request_id: str, result: Dict[str, Any]) -> Dict[str, Any]:
    return result


def _cluster(world: World, call: Call) -> Cluster:
    cluster = world.clusters.get(call.path["cluster_id"])
    if cluster is None:
        raise ApiError(404, "ErrorClusterNotFound", f"The cluster {call.path['cluster_id']} does not exist.")
    return cluster


def _comma_list(call: Call, name: str) -> Optional[set]:
    raw = call.str(name)
    return None if raw is None else {v.strip() for v in raw.split(",") if v.strip()}


def describe_cluster_detail(world: World, call: Call) -> Dict[str, Any]:
    cluster = _cluster(world, call)
    return {
        "cluster_id": cluster.id,
        "name": cluster.name,
        "cluster_type": cluster.cluster_type,
        "cluster_spec": "ack.pro.small",
        "profile": "Default",
        "state": cluster.state,
        "region_id": cluster.region,
        "zone_id": world.vswitches[cluster.vswitch_ids[0]].zone if cluster.vswitch_ids else "",
        "vpc_id": cluster.vpc_id,
        "vswitch_id": cluster.vswitch_ids[0] if cluster.vswitch_ids else "",
        "vswitch_ids": list(cluster.vswitch_ids),
        "security_group_id": cluster.security_group_id,
        "container_cidr": cluster.container_cidr,
        "service_cidr": "172.21.0.0/20",
        "network_mode": "vpc",
        "proxy_mode": "ipvs",
        "current_version": "1.31.1-aliyun.1",
        "size": len(cluster.nodes),
        "created": CREATED,
        "updated": CREATED,
        "resource_group_id": "rg-emulator-default",
        "deletion_protection": False,
        "tags": [],
    }


def describe_cluster_node_pools(world: World, call: Call) -> Dict[str, Any]:
    cluster = _cluster(world, call)
    name = call.str("NodepoolName")
    pools = [p for p in cluster.node_pools if name is None or p.name == name]
    return {"nodepools": [_node_pool(cluster, p) for p in pools]}


def _node_pool(cluster: Cluster, pool: NodePool) -> Dict[str, Any]:
    total = sum(1 for n in cluster.nodes if n.node_pool_id == pool.id)
    return {
        "nodepool_info": {
            "nodepool_id": pool.id,
            "name": pool.name,
            "type": "ess",
            "is_default": pool.is_default,
            "region_id": cluster.region,
            "resource_group_id": "rg-emulator-default",
            "created": CREATED,
            "updated": CREATED,
        },
        "status": {
            "state": "active",
            "total_nodes": total,
            "healthy_nodes": total,
            "serving_nodes": total,
            "failed_nodes": 0,
            "initial_nodes": 0,
            "offline_nodes": 0,
            "removing_nodes": 0,
        },
        "scaling_group": {
            "scaling_group_id": "asg-" + pool.id.split("-", 1)[-1],
            "vswitch_ids": list(pool.vswitch_ids),
            "security_group_ids": list(pool.security_group_ids),
            "security_group_id": pool.security_group_ids[0] if pool.security_group_ids else "",
            "instance_types": ["ecs.g7.large"],
            "instance_charge_type": "PostPaid",
            "desired_size": total,
        },
    }


def describe_cluster_nodes(world: World, call: Call) -> Dict[str, Any]:
    cluster = _cluster(world, call)
    page_number = call.int("pageNumber", 1)
    page_size = world.knobs.cap(call.int("pageSize", 10, maximum=MAX_PAGE_SIZE))
    pool_id = call.str("nodepool_id")
    if pool_id is not None and cluster.node_pool(pool_id) is None:
        raise ApiError(404, "ErrorNodePoolNotFound", f"The node pool {pool_id} does not exist in cluster {cluster.id}.")
    instance_ids = _comma_list(call, "instanceIds")
    node_ips = _comma_list(call, "nodeIps")
    node_names = _comma_list(call, "nodeNames")
    state = call.str("state")
    found = []
    for node in cluster.nodes:
        instance = world.instances[node.instance_id]
        if pool_id is not None and node.node_pool_id != pool_id:
            continue
        if instance_ids is not None and node.instance_id not in instance_ids:
            continue
        if node_ips is not None and not node_ips.intersection(instance.private_ips):
            continue
        if node_names is not None and node.name not in node_names:
            continue
        if state not in (None, "all") and node.state != state:
            continue
        found.append((node, instance))
    start = (page_number - 1) * page_size
    nodes: List[Dict[str, Any]] = []
    for node, instance in found[start : start + page_size]:
        nodes.append(
            {
                "instance_id": instance.id,
                "instance_name": instance.name,
                "host_name": instance.name,
                "node_name": node.name,
                "nodepool_id": node.node_pool_id,
                "ip_address": list(instance.private_ips),
                "instance_role": "Worker",
                "instance_status": instance.status,
                "instance_type": instance.instance_type,
                "instance_type_family": ".".join(instance.instance_type.split(".")[:2]),
                "instance_charge_type": "PostPaid",
                "image_id": "aliyun_3_x64_20G_alibase_20250101.vhd",
                "state": node.state,
                "node_status": "Ready" if node.state == "running" else "Unknown",
                "is_aliyun_node": True,
                "creation_time": CREATED,
                "expired_time": "",
                "error_message": "",
                "source": "ess_attach",
                "spot_strategy": "NoSpot",
            }
        )
    return {"nodes": nodes, "page": {"page_number": page_number, "page_size": page_size, "total_count": len(found)}}


ROUTES = (
    ("GET", "/clusters/{cluster_id}", "DescribeClusterDetail", describe_cluster_detail),
    ("GET", "/clusters/{cluster_id}/nodepools", "DescribeClusterNodePools", describe_cluster_node_pools),
    ("GET", "/clusters/{cluster_id}/nodes", "DescribeClusterNodes", describe_cluster_nodes),
)
