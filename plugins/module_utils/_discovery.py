# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""Backend discovery's I/O: read what the sources need, each thing once for all of them, then apply the rules.

One DescribeClusterNodePools per cluster, instance ids merged into batches of 100, one
DescribeSecurityGroups batch for every group; _discovery_rules decides what the reads mean, and
_sources has already checked every source before the first call. run_backend_sg_info is the
backend_sg_info module's logic.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Sequence
from typing import Set
from typing import Tuple

from ansible_collections.alibabacloud.apig.plugins.module_utils import _apig
from ansible_collections.alibabacloud.apig.plugins.module_utils import _cs
from ansible_collections.alibabacloud.apig.plugins.module_utils import _ecs
from ansible_collections.alibabacloud.apig.plugins.module_utils._discovery_rules import ClusterObservation
from ansible_collections.alibabacloud.apig.plugins.module_utils._discovery_rules import Observations
from ansible_collections.alibabacloud.apig.plugins.module_utils._discovery_rules import build_discovery
from ansible_collections.alibabacloud.apig.plugins.module_utils._discovery_rules import candidate_group_ids
from ansible_collections.alibabacloud.apig.plugins.module_utils._discovery_rules import node_listing_plan
from ansible_collections.alibabacloud.apig.plugins.module_utils._discovery_rules import nodes_of_source
from ansible_collections.alibabacloud.apig.plugins.module_utils._discovery_rules import resolve_sources
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_not_found
from ansible_collections.alibabacloud.apig.plugins.module_utils._ids import check_id
from ansible_collections.alibabacloud.apig.plugins.module_utils._parallel import bounded_map
from ansible_collections.alibabacloud.apig.plugins.module_utils._sources import Source
from ansible_collections.alibabacloud.apig.plugins.module_utils._sources import TagSet
from ansible_collections.alibabacloud.apig.plugins.module_utils._sources import parse_sources


def _read_cluster(session: Any, cluster_id: str, sources: Sequence[Source], inspect_nodes: bool) -> ClusterObservation:
    """The cluster's node pools; its detail only without pools (its own group); its nodes with inspect_nodes."""
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


def _read_clusters_and_tags(
    session: Any, sources: Sequence[Source], inspect_nodes: bool
) -> Tuple[Dict[str, ClusterObservation], Dict[TagSet, Tuple[str, ...]], Dict[str, Dict[str, Any]]]:
    """Every cluster and every distinct tag set, read in parallel: (clusters, tag matches, the tagged instances)."""
    cluster_ids = sorted({s.cluster_id for s in sources if s.cluster_id})
    tag_sets = sorted({s.instance_tags for s in sources if s.instance_tags})
    jobs: List[Tuple[str, Any]] = [("cluster", c) for c in cluster_ids] + [("tags", t) for t in tag_sets]

    def read(job: Tuple[str, Any]) -> Any:
        kind, key = job
        if kind == "cluster":
            return _read_cluster(session, key, sources, inspect_nodes)
        return _ecs.describe_instances_by_tags(session, dict(key))

    clusters: Dict[str, ClusterObservation] = {}
    tag_matches: Dict[TagSet, Tuple[str, ...]] = {}
    instances: Dict[str, Dict[str, Any]] = {}
    for (kind, key), outcome in zip(jobs, bounded_map(read, jobs)):
        if kind == "cluster":
            clusters[key] = outcome
        else:
            tag_matches[key] = tuple(sorted(i["instance_id"] for i in outcome))
            instances.update((i["instance_id"], i) for i in outcome)
    return clusters, tag_matches, instances


def _wanted_instance_ids(
    sources: Sequence[Source], clusters: Dict[str, ClusterObservation], inspect_nodes: bool
) -> Set[str]:
    """The instances named by the sources and, with inspect_nodes, the nodes of the pools they select."""
    wanted: Set[str] = {i for s in sources for i in s.instance_ids}
    if not inspect_nodes:
        return wanted
    for source in sources:
        observed = clusters.get(source.cluster_id) if source.cluster_id else None
        if observed and observed.found and observed.nodes is not None:
            wanted.update(n["instance_id"] for n in nodes_of_source(source, observed.node_pools, observed.nodes))
    return wanted


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
    clusters, tag_matches, instances = _read_clusters_and_tags(session, sources, inspect_nodes)
    wanted_ids = _wanted_instance_ids(sources, clusters, inspect_nodes) - set(instances)
    if wanted_ids:
        instances.update((i["instance_id"], i) for i in _ecs.describe_instances_by_ids(session, wanted_ids))
    obs = Observations(clusters=clusters, instances=instances, tag_matches=tag_matches, groups={})
    resolutions = resolve_sources(sources, obs, vpc_id, inspect_nodes)
    group_ids = candidate_group_ids(resolutions)
    groups = {g["security_group_id"]: g for g in _ecs.describe_security_groups(session, group_ids)} if group_ids else {}
    return build_discovery(resolutions, groups, vpc_id, with_sources)


def run_backend_sg_info(module: Any) -> Dict[str, Any]:
    """backend_sg_info: every option checked, then one discovery; findings become warnings too."""
    params = module.params
    vpc_id = params["vpc_id"]
    if vpc_id is not None:
        check_id("vpc_id", vpc_id, "vpc")
    gateway_id = params["gateway_id"]
    if gateway_id is not None:
        check_id("gateway_id", gateway_id, "gateway")
    sources = parse_sources(params)
    gateway = None
    if gateway_id is not None:
        # The backends must be in the gateway's VPC; the converge's pre-check takes the gateway from here.
        found = _apig.get_gateway(module.session, gateway_id)
        gateway = {key: found[key] for key in ("gateway_id", "name", "vpc_id", "security_group")}
        vpc_id = vpc_id or gateway["vpc_id"]
    result = discover(
        module.session,
        sources,
        vpc_id=vpc_id,
        inspect_nodes=params["inspect_nodes"],
        with_sources=params["sources"] is not None,
    )
    if gateway is not None:
        result["gateway"] = gateway
    module.warn_findings(result["findings"])
    if not params["return_instances"]:
        del result["instances"]
    return dict(changed=False, **result)
