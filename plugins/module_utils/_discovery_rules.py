# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""The pure rules of backend discovery: what was read (Observations) -> the groups, the instances and the findings.

The vendor's step 1 ("find the security group of the nodes the service runs on") as rules, with
its FAQ turned into findings: a node whose groups differ from its node pool's (the rule was put
on the wrong group), an instance with several groups (each needs the rule), ids that do not
exist, items in another VPC. resolve_sources turns what was read into one SourceResolution per
source; build_discovery turns them and the groups ECS returned into backend_sg_info's result.
No I/O: _discovery.py reads, these decide; unit tests drive them with plain dicts.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import NamedTuple
from typing import Optional
from typing import Sequence
from typing import Set
from typing import Tuple

from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import CLUSTER_NOT_FOUND
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import (
    INSTANCE_GROUPS_DIFFER_FROM_NODEPOOL,
)
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import INSTANCE_IN_OTHER_VPC
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import INSTANCE_MULTIPLE_SECURITY_GROUPS
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import INSTANCE_NOT_FOUND
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import NO_SECURITY_GROUPS_FOUND
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import SECURITY_GROUP_IN_OTHER_VPC
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import SECURITY_GROUP_NOT_FOUND
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import TAGS_MATCH_NO_INSTANCE
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import finding
from ansible_collections.alibabacloud.apig.plugins.module_utils._node_pools import nodes_of_source
from ansible_collections.alibabacloud.apig.plugins.module_utils._node_pools import select_node_pools
from ansible_collections.alibabacloud.apig.plugins.module_utils._service_endpoints import required_port_ranges
from ansible_collections.alibabacloud.apig.plugins.module_utils._sources import ALL_SERVICES
from ansible_collections.alibabacloud.apig.plugins.module_utils._sources import Source
from ansible_collections.alibabacloud.apig.plugins.module_utils._sources import TagSet

# --- what was read -----------------------------------------------------------------------------


class ClusterObservation(NamedTuple):
    found: bool
    node_pools: Tuple[Dict[str, Any], ...] = ()
    # DescribeClusterDetail, read only for a cluster without node pools (ACK Serverless): its own group.
    cluster: Optional[Dict[str, Any]] = None
    # DescribeClusterNodes, when nodes were inspected; None when they were not listed.
    nodes: Optional[Tuple[Dict[str, Any], ...]] = None


class Observations(NamedTuple):
    clusters: Dict[str, ClusterObservation]
    instances: Dict[str, Dict[str, Any]]  # every instance read, by id (only instances that exist)
    tag_matches: Dict[TagSet, Tuple[str, ...]]  # instance ids each tag set matched
    groups: Dict[str, Dict[str, Any]]  # every group read, by id (only groups that exist)
    # The gateway's services with their endpoints' groups (_services), and what could not be mapped; read
    # only when a source names gateway_services.
    services: Tuple[Dict[str, Any], ...] = ()
    service_findings: Tuple[Dict[str, Any], ...] = ()


# --- the pure part -------------------------------------------------------------------------------


class _GroupRef:
    """Why a source needs a group: the node pools or instances that carry it, or the user named it."""

    def __init__(self) -> None:
        self.node_pools: Set[str] = set()
        self.instances: Set[str] = set()
        self.explicit = False


class SourceResolution:
    """One source resolved against what was read, before the groups themselves are known."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.group_refs: Dict[str, _GroupRef] = {}
        self.instances: Dict[str, Dict[str, Any]] = {}
        self.findings: List[Dict[str, Any]] = []
        # gateway_services: group -> the ranges its endpoints use ("start/end"); None for other sources.
        self.service_port_ranges: Optional[Dict[str, List[str]]] = None

    def ref(self, group_id: str) -> _GroupRef:
        return self.group_refs.setdefault(group_id, _GroupRef())


def _other_vpc(item_vpc: Optional[str], vpc_id: Optional[str]) -> bool:
    return bool(vpc_id) and item_vpc != vpc_id


def _add_instance(
    resolution: SourceResolution,
    instance_id: str,
    obs: Observations,
    vpc_id: Optional[str],
    how: str,
    node: Optional[Dict[str, Any]] = None,
    cluster_id: Optional[str] = None,
) -> Optional[Dict[str, Any]]:
    instance = obs.instances.get(instance_id)
    nodepool_id = node.get("nodepool_id") if node else None
    if instance is None:
        resolution.findings.append(
            finding(
                INSTANCE_NOT_FOUND,
                f"instance {instance_id} ({how}) was not found by ECS DescribeInstances in this region"
                + (": the node may have been released" if node else ""),
                instance_id=instance_id,
                cluster_id=cluster_id,
                nodepool_id=nodepool_id,
            )
        )
        return None
    if _other_vpc(instance.get("vpc_id"), vpc_id):
        resolution.findings.append(
            finding(
                INSTANCE_IN_OTHER_VPC,
                f"instance {instance_id} ({how}) is in {instance.get('vpc_id')}, not in {vpc_id}: "
                "it and its security groups are left out",
                instance_id=instance_id,
                vpc_id=instance.get("vpc_id"),
                expected_vpc_id=vpc_id,
            )
        )
        return None
    entry = resolution.instances.get(instance_id)
    if entry is None:
        entry = {
            "instance_id": instance_id,
            "name": instance.get("name"),
            "status": instance.get("status"),
            "vpc_id": instance.get("vpc_id"),
            "vswitch_id": instance.get("vswitch_id"),
            "security_group_ids": list(instance.get("security_group_ids") or []),
            "private_ips": list(instance.get("private_ips") or (node or {}).get("private_ips") or []),
            "cluster_id": None,
            "nodepool_id": None,
        }
        resolution.instances[instance_id] = entry
    if node is not None:
        entry["cluster_id"] = cluster_id
        entry["nodepool_id"] = nodepool_id
    for group_id in entry["security_group_ids"]:
        resolution.ref(group_id).instances.add(instance_id)
    return entry


def _resolve_cluster(
    resolution: SourceResolution, obs: Observations, vpc_id: Optional[str], inspect_nodes: bool
) -> None:
    source = resolution.source
    cluster_id = source.cluster_id
    observed = obs.clusters.get(cluster_id)
    if observed is None or not observed.found:
        resolution.findings.append(
            finding(CLUSTER_NOT_FOUND, f"ACK cluster {cluster_id} was not found in this region", cluster_id=cluster_id)
        )
        return
    pools, pool_findings = select_node_pools(source, observed.node_pools)
    resolution.findings.extend(pool_findings)
    for pool in pools:
        for group_id in pool.get("security_group_ids") or []:
            resolution.ref(group_id).node_pools.add(pool["nodepool_id"])
    if not observed.node_pools and observed.cluster and observed.cluster.get("security_group_id"):
        # No node pool (ACK Serverless, or a cluster without pools): the cluster's own group guards the pods.
        resolution.ref(observed.cluster["security_group_id"])
    if not inspect_nodes or observed.nodes is None:
        return
    pools_by_id = {p["nodepool_id"]: p for p in observed.node_pools}
    for node in nodes_of_source(source, observed.node_pools, observed.nodes):
        how = "node of cluster {}{}".format(
            cluster_id, f", node pool {node['nodepool_id']}" if node.get("nodepool_id") else ""
        )
        entry = _add_instance(resolution, node["instance_id"], obs, vpc_id, how, node=node, cluster_id=cluster_id)
        if entry is None:
            continue
        pool = pools_by_id.get(node.get("nodepool_id"))
        if pool is not None and set(entry["security_group_ids"]) != set(pool.get("security_group_ids") or []):
            resolution.findings.append(_drift_finding(entry, pool, cluster_id))


def _drift_finding(entry: Dict[str, Any], pool: Dict[str, Any], cluster_id: str) -> Dict[str, Any]:
    """INSTANCE_GROUPS_DIFFER_FROM_NODEPOOL: a node's groups are not its node pool's scaling group's."""
    carried = entry["security_group_ids"]
    configured = list(pool.get("security_group_ids") or [])
    extra = sorted(set(carried) - set(configured))
    missing = sorted(set(configured) - set(carried))
    details = (["also carries " + ", ".join(extra)] if extra else []) + (
        ["does not carry " + ", ".join(missing)] if missing else []
    )
    return finding(
        INSTANCE_GROUPS_DIFFER_FROM_NODEPOOL,
        "node {} of node pool {} ({}) carries security groups {} but the node pool's scaling group has {} "
        "(the node {}): a rule only on the node pool's groups may not reach this node, so every group "
        "it carries is in the result".format(
            entry["instance_id"],
            pool["nodepool_id"],
            pool.get("name"),
            ", ".join(carried) or "none",
            ", ".join(configured) or "none",
            "; ".join(details),
        ),
        instance_id=entry["instance_id"],
        cluster_id=cluster_id,
        nodepool_id=pool["nodepool_id"],
        security_group_ids=list(carried),
        nodepool_security_group_ids=configured,
    )


def resolve_source(
    source: Source, obs: Observations, vpc_id: Optional[str] = None, inspect_nodes: bool = True
) -> SourceResolution:
    resolution = SourceResolution(source)
    if source.cluster_id:
        _resolve_cluster(resolution, obs, vpc_id, inspect_nodes)
    for instance_id in source.instance_ids:
        _add_instance(resolution, instance_id, obs, vpc_id, "named in instance_ids")
    if source.instance_tags:
        matched = obs.tag_matches.get(source.instance_tags, ())
        tags_text = ", ".join(f"{k}={v}" for k, v in source.instance_tags)
        if not matched:
            resolution.findings.append(
                finding(
                    TAGS_MATCH_NO_INSTANCE,
                    f"no ECS instance in this region carries all the tags {tags_text}",
                    instance_tags=dict(source.instance_tags),
                )
            )
        for instance_id in matched:
            _add_instance(resolution, instance_id, obs, vpc_id, f"tagged {tags_text}")
    for group_id in source.security_group_ids:
        resolution.ref(group_id).explicit = True
    if source.gateway_services:
        _resolve_services(resolution, obs)
    for instance in resolution.instances.values():
        groups = instance["security_group_ids"]
        if len(groups) > 1:
            resolution.findings.append(
                finding(
                    INSTANCE_MULTIPLE_SECURITY_GROUPS,
                    "instance {} carries {} security groups ({}): each of them needs the gateway's inbound rule, "
                    "and all are in the result".format(instance["instance_id"], len(groups), ", ".join(groups)),
                    instance_id=instance["instance_id"],
                    security_group_ids=list(groups),
                )
            )
    return resolution


def selected_services(source: Source, services: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The services a gateway_services source names (every one for `all`), in the gateway's order."""
    if source.gateway_services == (ALL_SERVICES,):
        return list(services)
    return [s for s in services if s["name"] in source.gateway_services]


def unknown_service_names(source: Source, services: Sequence[Dict[str, Any]]) -> List[str]:
    if source.gateway_services == (ALL_SERVICES,):
        return []
    known = {s["name"] for s in services}
    return [name for name in source.gateway_services if name not in known]


def _resolve_services(resolution: SourceResolution, obs: Observations) -> None:
    """The groups of the selected services' endpoints; what cannot be placed (an IP endpoint without a group, a
    service without endpoints) stays a finding, which the guard against misses refuses (_discovery_guard)."""
    selected = selected_services(resolution.source, obs.services)
    for service in selected:
        for endpoint in service["endpoints"]:
            for group_id in endpoint["security_group_ids"]:
                ref = resolution.ref(group_id)
                if endpoint.get("instance_id"):
                    ref.instances.add(endpoint["instance_id"])
    ids = {s["service_id"] for s in selected}
    resolution.findings.extend(f for f in obs.service_findings if f["ids"].get("service_id") in ids)
    resolution.service_port_ranges = {
        group_id: [str(r) for r in ranges] for group_id, ranges in required_port_ranges(selected).items()
    }


def resolve_sources(
    sources: Sequence[Source], obs: Observations, vpc_id: Optional[str] = None, inspect_nodes: bool = True
) -> List[SourceResolution]:
    return [resolve_source(s, obs, vpc_id, inspect_nodes) for s in sources]


def candidate_group_ids(resolutions: Sequence[SourceResolution]) -> List[str]:
    """Every group some source needs: what DescribeSecurityGroups must read."""
    return sorted({g for r in resolutions for g in r.group_refs})


def _source_label(source: Source) -> str:
    if not source.field:
        return "the task's source options"
    return source.field + (f" ({source.name})" if source.name else "")


def _group_findings(
    resolution: SourceResolution, groups: Dict[str, Dict[str, Any]], vpc_id: Optional[str]
) -> Tuple[List[str], List[Dict[str, Any]]]:
    kept: List[str] = []
    findings: List[Dict[str, Any]] = []
    for group_id in sorted(resolution.group_refs):
        ref = resolution.group_refs[group_id]
        group = groups.get(group_id)
        if group is None:
            holders = sorted(ref.node_pools) + sorted(ref.instances)
            findings.append(
                finding(
                    SECURITY_GROUP_NOT_FOUND,
                    "security group {} ({}) was not found by ECS DescribeSecurityGroups in this region".format(
                        group_id, "named in security_group_ids" if ref.explicit else "carried by " + ", ".join(holders)
                    ),
                    security_group_id=group_id,
                    node_pools=sorted(ref.node_pools) or None,
                    instances=sorted(ref.instances) or None,
                )
            )
        elif _other_vpc(group.get("vpc_id"), vpc_id):
            findings.append(
                finding(
                    SECURITY_GROUP_IN_OTHER_VPC,
                    f"security group {group_id} is in {group.get('vpc_id')}, not in {vpc_id}: it is left out",
                    security_group_id=group_id,
                    vpc_id=group.get("vpc_id"),
                    expected_vpc_id=vpc_id,
                )
            )
        else:
            kept.append(group_id)
    if not kept:
        findings.append(
            finding(
                NO_SECURITY_GROUPS_FOUND,
                f"{_source_label(resolution.source)} yields no security group"
                + (f" in {vpc_id}" if vpc_id else "")
                + ": the gateway cannot be authorized to it",
                source=resolution.source.index,
                name=resolution.source.name,
            )
        )
    return kept, findings


def _unique_findings(findings: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    seen = set()
    unique = []
    for item in findings:
        key = (item["code"], repr(sorted(item["ids"].items())))
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def build_discovery(
    resolutions: Sequence[SourceResolution],
    groups: Dict[str, Dict[str, Any]],
    vpc_id: Optional[str] = None,
    with_sources: bool = False,
) -> Dict[str, Any]:
    """The module's result from the resolved sources and the groups ECS returned."""
    merged_groups: Dict[str, Dict[str, Any]] = {}
    merged_instances: Dict[str, Dict[str, Any]] = {}
    all_findings: List[Dict[str, Any]] = []
    per_source = []
    for resolution in resolutions:
        kept, group_findings = _group_findings(resolution, groups, vpc_id)
        findings = _unique_findings(resolution.findings + group_findings)
        all_findings.extend(findings)
        per_source.append({"name": resolution.source.name, "security_group_ids": kept, "findings": findings})
        if resolution.service_port_ranges is not None:
            per_source[-1]["port_ranges_by_group"] = {g: resolution.service_port_ranges[g] for g in kept}
        for group_id in kept:
            ref = resolution.group_refs[group_id]
            group = groups[group_id]
            entry = merged_groups.setdefault(
                group_id,
                {
                    "security_group_id": group_id,
                    "name": group.get("name"),
                    "type": group.get("type"),
                    "vpc_id": group.get("vpc_id"),
                    "node_pools": set(),
                    "instances": set(),
                    "sources": set(),
                },
            )
            entry["node_pools"].update(ref.node_pools)
            entry["instances"].update(ref.instances)
            entry["sources"].add(resolution.source.index)
        for instance_id, instance in resolution.instances.items():
            known = merged_instances.setdefault(instance_id, dict(instance))
            if instance.get("nodepool_id") or instance.get("cluster_id"):
                known["cluster_id"] = instance.get("cluster_id")
                known["nodepool_id"] = instance.get("nodepool_id")
    security_groups = []
    for group_id in sorted(merged_groups):
        entry = merged_groups[group_id]
        entry["node_pools"] = sorted(entry["node_pools"])
        entry["instances"] = sorted(entry["instances"])
        entry["sources"] = sorted(entry["sources"])
        if not with_sources:
            del entry["sources"]
        security_groups.append(entry)
    result: Dict[str, Any] = {
        "security_groups": security_groups,
        "security_group_ids": [g["security_group_id"] for g in security_groups],
        "instances": [merged_instances[i] for i in sorted(merged_instances)],
        "findings": _unique_findings(all_findings),
    }
    if with_sources:
        result["sources"] = per_source
    return result
