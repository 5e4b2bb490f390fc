# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""Which security groups guard the backends: from ACK clusters, ECS instances, ECS tags or given ids.

The vendor's step 1 ("find the security group of the nodes the service runs on") as code,
with its FAQ turned into findings: a node whose groups differ from its node pool's (the rule
was put on the wrong group), an instance with several groups (each needs the rule), ids that
do not exist, items in another VPC.

Three layers:
  * input: parse_sources validates every source before any API call (OptionError names the field);
  * the pure part: resolve_sources + build_discovery turn what was read (Observations) into the
    result; unit tests drive them with plain dicts;
  * I/O: discover() reads what the sources need, each thing once for all sources together
    (one DescribeClusterNodePools per cluster, instance ids merged into batches of 100,
    one DescribeSecurityGroups batch for every group), then calls the pure part.
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

from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._ids import check_id

# Finding codes: stable, for `when:` conditions in playbooks.
INSTANCE_MULTIPLE_SECURITY_GROUPS = "INSTANCE_MULTIPLE_SECURITY_GROUPS"
INSTANCE_GROUPS_DIFFER_FROM_NODEPOOL = "INSTANCE_GROUPS_DIFFER_FROM_NODEPOOL"
INSTANCE_NOT_FOUND = "INSTANCE_NOT_FOUND"
INSTANCE_IN_OTHER_VPC = "INSTANCE_IN_OTHER_VPC"
SECURITY_GROUP_NOT_FOUND = "SECURITY_GROUP_NOT_FOUND"
SECURITY_GROUP_IN_OTHER_VPC = "SECURITY_GROUP_IN_OTHER_VPC"
CLUSTER_NOT_FOUND = "CLUSTER_NOT_FOUND"
NODEPOOL_NOT_FOUND = "NODEPOOL_NOT_FOUND"
TAGS_MATCH_NO_INSTANCE = "TAGS_MATCH_NO_INSTANCE"
NO_SECURITY_GROUPS_FOUND = "NO_SECURITY_GROUPS_FOUND"

SOURCE_KEYS = ("cluster_id", "instance_ids", "instance_tags", "security_group_ids")
NODEPOOL_KEYS = ("nodepool_ids", "nodepool_names")
SOURCE_ENTRY_KEYS = ("name",) + SOURCE_KEYS + NODEPOOL_KEYS
MAX_TAGS = 20

# The argument spec of one source: backend_sg_info's top-level options and sources[], and
# gateway_sg_authorization's backends[] (with the keys of a backend entry added).
SOURCE_OPTIONS = dict(
    cluster_id=dict(type="str"),
    nodepool_ids=dict(type="list", elements="str"),
    nodepool_names=dict(type="list", elements="str"),
    instance_ids=dict(type="list", elements="str"),
    instance_tags=dict(type="dict"),
    security_group_ids=dict(type="list", elements="str"),
)
SOURCE_CONSTRAINTS = dict(
    mutually_exclusive=[NODEPOOL_KEYS],
    required_by={key: "cluster_id" for key in NODEPOOL_KEYS},
)

TagSet = Tuple[Tuple[str, str], ...]


class Source(NamedTuple):
    """One validated source of backends. Tuples are sorted and unique; instance_tags is sorted (key, value) pairs."""

    index: int
    name: Optional[str] = None
    cluster_id: Optional[str] = None
    nodepool_ids: Tuple[str, ...] = ()
    nodepool_names: Tuple[str, ...] = ()
    instance_ids: Tuple[str, ...] = ()
    instance_tags: TagSet = ()
    security_group_ids: Tuple[str, ...] = ()
    # Where the source was given, for messages: "sources[2]", "backends[0]"; "" for a module's top-level options.
    field: str = ""

    @property
    def selects_node_pools(self) -> bool:
        return bool(self.nodepool_ids or self.nodepool_names)


# --- input ----------------------------------------------------------------------------------


def _list_option(field: str, values: Any) -> Sequence[Any]:
    """values as given; an absent option is an empty list, an empty one is refused (it selects nothing)."""
    if values is None:
        return ()
    if not isinstance(values, (list, tuple)):
        raise OptionError(field, values, "must be a list")
    if not values:
        raise OptionError(field, values, "must not be empty: omit the option instead")
    return values


def _id_list(field: str, values: Any, kind: str) -> Tuple[str, ...]:
    return tuple(sorted({check_id(f"{field}[{i}]", v, kind) for i, v in enumerate(_list_option(field, values))}))


def _name_list(field: str, values: Any) -> Tuple[str, ...]:
    for i, value in enumerate(_list_option(field, values)):
        if not isinstance(value, str) or not value.strip():
            raise OptionError(f"{field}[{i}]", value, "must be a non-empty node pool name")
    return tuple(sorted(set(values or ())))


def _tags(field: str, tags: Any) -> TagSet:
    if tags is None:
        return ()
    if not isinstance(tags, dict):
        raise OptionError(field, tags, "must be a dictionary of tag keys to string values")
    if not tags:
        raise OptionError(field, tags, "must not be empty: omit the option instead")
    if len(tags) > MAX_TAGS:
        raise OptionError(field, tags, f"has {len(tags)} tags; ECS filters on at most {MAX_TAGS}")
    for key, value in tags.items():
        if not isinstance(key, str) or not key.strip():
            raise OptionError(field, key, "has a tag key that is not a non-empty string")
        # YAML turns `env: 1` or `on: yes` into numbers and booleans: ECS tag values are strings.
        if not isinstance(value, str):
            raise OptionError(f"{field}.{key}", value, "is not a string: quote tag values in YAML")
    return tuple(sorted(tags.items()))


def parse_source(raw: Dict[str, Any], index: int, field: str = "") -> Source:
    """Validate one source (the module's top-level options or one `sources` entry); field prefixes messages."""
    prefix = f"{field}." if field else ""
    where = field or "options"
    unknown = sorted(k for k in raw if k not in SOURCE_ENTRY_KEYS and raw.get(k) is not None)
    if unknown:
        raise OptionError(where, unknown, "has unknown keys; a source takes " + ", ".join(SOURCE_ENTRY_KEYS))
    if not any(raw.get(k) is not None for k in SOURCE_KEYS):
        raise OptionError(where, raw, "needs at least one of " + ", ".join(SOURCE_KEYS))
    if raw.get("nodepool_ids") is not None and raw.get("nodepool_names") is not None:
        raise OptionError(prefix + "nodepool_names", raw["nodepool_names"], "is mutually exclusive with nodepool_ids")
    cluster_id = raw.get("cluster_id")
    if cluster_id is not None:
        check_id(prefix + "cluster_id", cluster_id, "cluster")
    for key in NODEPOOL_KEYS:
        if raw.get(key) is not None and cluster_id is None:
            raise OptionError(prefix + key, raw[key], "needs cluster_id (node pools belong to a cluster)")
    name = raw.get("name")
    if name is not None and not isinstance(name, str):
        raise OptionError(prefix + "name", name, "must be a string")
    return Source(
        index=index,
        name=name,
        cluster_id=cluster_id,
        nodepool_ids=_id_list(prefix + "nodepool_ids", raw.get("nodepool_ids"), "nodepool"),
        nodepool_names=_name_list(prefix + "nodepool_names", raw.get("nodepool_names")),
        instance_ids=_id_list(prefix + "instance_ids", raw.get("instance_ids"), "instance"),
        instance_tags=_tags(prefix + "instance_tags", raw.get("instance_tags")),
        security_group_ids=_id_list(prefix + "security_group_ids", raw.get("security_group_ids"), "security_group"),
        field=field,
    )


def parse_sources(params: Dict[str, Any]) -> List[Source]:
    """The module's sources: the `sources` list, or else one source from the top-level options."""
    entries = params.get("sources")
    if entries is None:
        return [parse_source({k: params.get(k) for k in SOURCE_ENTRY_KEYS if k != "name"}, 0)]
    if not isinstance(entries, list) or not entries:
        raise OptionError("sources", entries, "must be a non-empty list of sources")
    sources = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise OptionError(f"sources[{index}]", entry, "must be a dictionary")
        sources.append(parse_source(entry, index, f"sources[{index}]"))
    return sources


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


def select_node_pools(
    source: Source, node_pools: Sequence[Dict[str, Any]]
) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """The pools the source names (all when it names none), and a NODEPOOL_NOT_FOUND finding per unknown one."""
    if not source.selects_node_pools:
        return list(node_pools), []
    known = ", ".join(f"{p['nodepool_id']} ({p.get('name')})" for p in node_pools) or "none"
    selected: List[Dict[str, Any]] = []
    findings = []
    for wanted in source.nodepool_ids:
        matches = [p for p in node_pools if p.get("nodepool_id") == wanted]
        selected.extend(matches)
        if not matches:
            findings.append(
                finding(
                    NODEPOOL_NOT_FOUND,
                    f"node pool {wanted} was not found in cluster {source.cluster_id} (its node pools: {known})",
                    cluster_id=source.cluster_id,
                    nodepool_id=wanted,
                )
            )
    for wanted in source.nodepool_names:
        matches = [p for p in node_pools if p.get("name") == wanted]
        selected.extend(m for m in matches if m not in selected)
        if not matches:
            findings.append(
                finding(
                    NODEPOOL_NOT_FOUND,
                    f"no node pool is named {wanted!r} in cluster {source.cluster_id} (its node pools: {known})",
                    cluster_id=source.cluster_id,
                    nodepool_name=wanted,
                )
            )
    return selected, findings


def node_listing_plan(sources: Sequence[Source], node_pools: Sequence[Dict[str, Any]]) -> Tuple[bool, Optional[str]]:
    """For one cluster's sources: (list its nodes at all?, the one node pool to filter the listing by, if any).

    Listing one pool's nodes costs fewer pages than the whole cluster's; several pools (or a
    source that takes every pool) share one cluster-wide listing.
    """
    if any(not s.selects_node_pools for s in sources):
        return True, None
    wanted: Set[str] = set()
    for source in sources:
        wanted.update(p["nodepool_id"] for p in select_node_pools(source, node_pools)[0])
    if not wanted:
        return False, None
    return True, (next(iter(wanted)) if len(wanted) == 1 else None)


def nodes_of_source(
    source: Source, node_pools: Sequence[Dict[str, Any]], nodes: Sequence[Dict[str, Any]]
) -> List[Dict[str, Any]]:
    if not source.selects_node_pools:
        return list(nodes)
    selected_ids = {p["nodepool_id"] for p in select_node_pools(source, node_pools)[0]}
    return [n for n in nodes if n.get("nodepool_id") in selected_ids]


# --- the pure part -------------------------------------------------------------------------------


def finding(code: str, message: str, **ids: Any) -> Dict[str, Any]:
    return {"code": code, "message": message, "ids": {k: v for k, v in ids.items() if v is not None}}


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
        if pool is None:
            continue
        carried = entry["security_group_ids"]
        configured = list(pool.get("security_group_ids") or [])
        if set(carried) != set(configured):
            extra = sorted(set(carried) - set(configured))
            missing = sorted(set(configured) - set(carried))
            details = []
            if extra:
                details.append("also carries " + ", ".join(extra))
            if missing:
                details.append("does not carry " + ", ".join(missing))
            resolution.findings.append(
                finding(
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


def discover_offline(
    sources: Sequence[Source],
    obs: Observations,
    vpc_id: Optional[str] = None,
    inspect_nodes: bool = True,
    with_sources: bool = False,
) -> Dict[str, Any]:
    """The whole pure part: what discover() computes once everything was read."""
    resolutions = resolve_sources(sources, obs, vpc_id, inspect_nodes)
    return build_discovery(resolutions, obs.groups, vpc_id, with_sources)


# --- I/O -------------------------------------------------------------------------------------------


def discover(
    session: Any,
    sources: Sequence[Source],
    vpc_id: Optional[str] = None,
    inspect_nodes: bool = True,
    with_sources: bool = False,
) -> Dict[str, Any]:
    """Read what the sources need (each thing once for all of them), then build the result.

    Calls: per cluster one DescribeClusterNodePools (plus DescribeClusterDetail only when it has
    no node pool) and, with inspect_nodes, ceil(nodes/100) DescribeClusterNodes; per distinct tag
    set its DescribeInstances pages; ceil(ids/100) DescribeInstances for every instance id of every
    source and node together (minus those a tag look-up already returned); ceil(groups/100)
    DescribeSecurityGroups for every group found.
    """
    # Imported here so that the pure part above needs neither the SDK layer nor its imports.
    from ansible_collections.alibabacloud.apig.plugins.module_utils import _cs
    from ansible_collections.alibabacloud.apig.plugins.module_utils import _ecs
    from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError
    from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_not_found
    from ansible_collections.alibabacloud.apig.plugins.module_utils._parallel import bounded_map

    def read_cluster(cluster_id: str) -> ClusterObservation:
        try:
            pools = _cs.describe_node_pools(session, cluster_id)
        except ApiError as err:
            if is_not_found(err):
                return ClusterObservation(found=False)
            raise
        cluster_sources = [s for s in sources if s.cluster_id == cluster_id]
        detail = None
        if not pools and any(not s.selects_node_pools for s in cluster_sources):
            detail = _cs.describe_cluster(session, cluster_id)
        nodes = None
        if inspect_nodes:
            list_nodes, nodepool_filter = node_listing_plan(cluster_sources, pools)
            if list_nodes:
                nodes = tuple(_cs.describe_cluster_nodes(session, cluster_id, nodepool_filter))
        return ClusterObservation(found=True, node_pools=tuple(pools), cluster=detail, nodes=nodes)

    def read_tags(tags: TagSet) -> List[Dict[str, Any]]:
        return _ecs.describe_instances_by_tags(session, dict(tags))

    cluster_ids = sorted({s.cluster_id for s in sources if s.cluster_id})
    tag_sets = sorted({s.instance_tags for s in sources if s.instance_tags})
    jobs: List[Tuple[str, Any]] = [("cluster", c) for c in cluster_ids] + [("tags", t) for t in tag_sets]
    outcomes = bounded_map(lambda job: read_cluster(job[1]) if job[0] == "cluster" else read_tags(job[1]), jobs)
    clusters: Dict[str, ClusterObservation] = {}
    tag_matches: Dict[TagSet, Tuple[str, ...]] = {}
    instances: Dict[str, Dict[str, Any]] = {}
    for (kind, key), outcome in zip(jobs, outcomes):
        if kind == "cluster":
            clusters[key] = outcome
        else:
            tag_matches[key] = tuple(sorted(i["instance_id"] for i in outcome))
            instances.update((i["instance_id"], i) for i in outcome)

    wanted_ids: Set[str] = {i for s in sources for i in s.instance_ids}
    if inspect_nodes:
        for source in sources:
            observed = clusters.get(source.cluster_id) if source.cluster_id else None
            if observed and observed.found and observed.nodes is not None:
                wanted_ids.update(
                    n["instance_id"] for n in nodes_of_source(source, observed.node_pools, observed.nodes)
                )
    wanted_ids -= set(instances)
    if wanted_ids:
        instances.update((i["instance_id"], i) for i in _ecs.describe_instances_by_ids(session, wanted_ids))

    obs = Observations(clusters=clusters, instances=instances, tag_matches=tag_matches, groups={})
    resolutions = resolve_sources(sources, obs, vpc_id, inspect_nodes)
    group_ids = candidate_group_ids(resolutions)
    groups = {g["security_group_id"]: g for g in _ecs.describe_security_groups(session, group_ids)} if group_ids else {}
    return build_discovery(resolutions, groups, vpc_id, with_sources)
