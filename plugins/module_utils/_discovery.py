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
from ansible_collections.alibabacloud.apig.plugins.module_utils._discovery_guard import source_misses
from ansible_collections.alibabacloud.apig.plugins.module_utils._discovery_rules import ClusterObservation
from ansible_collections.alibabacloud.apig.plugins.module_utils._discovery_rules import Observations
from ansible_collections.alibabacloud.apig.plugins.module_utils._discovery_rules import build_discovery
from ansible_collections.alibabacloud.apig.plugins.module_utils._discovery_rules import candidate_group_ids
from ansible_collections.alibabacloud.apig.plugins.module_utils._discovery_rules import resolve_sources
from ansible_collections.alibabacloud.apig.plugins.module_utils._discovery_rules import unknown_service_names
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_not_found
from ansible_collections.alibabacloud.apig.plugins.module_utils._ids import check_id
from ansible_collections.alibabacloud.apig.plugins.module_utils._node_pools import node_listing_plan
from ansible_collections.alibabacloud.apig.plugins.module_utils._node_pools import nodes_of_source
from ansible_collections.alibabacloud.apig.plugins.module_utils._parallel import bounded_map
from ansible_collections.alibabacloud.apig.plugins.module_utils._precheck import check_gateway_option
from ansible_collections.alibabacloud.apig.plugins.module_utils._service_endpoints import placement_findings
from ansible_collections.alibabacloud.apig.plugins.module_utils._services import gateway_services_report
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
            # A source that selects node pools places a node by its nodepool_id: a node without one is refused.
            pools_selected = bool(pools) and any(s.selects_node_pools for s in cluster_sources)
            nodes = tuple(_cs.describe_cluster_nodes(session, cluster_id, nodepool_filter, pools_selected))
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


def _read_services(
    session: Any,
    sources: Sequence[Source],
    gateway: Optional[Dict[str, Any]],
    known_services: Optional[Sequence[Dict[str, Any]]] = None,
) -> Tuple[Tuple[Dict[str, Any], ...], Tuple[Dict[str, Any], ...]]:
    """The gateway's services and their endpoints' groups, when a source names gateway_services.

    known_services (gateway_info's, given in the `gateway` option) are used as they are: nothing is read, and only
    the findings about what cannot be placed (an endpoint without a group, a service without endpoints) are made
    again, so that the guard against misses sees them. A name the gateway has no service for
    fails here, before anything is written: a source that silently selected nothing would, with purge,
    revoke what that service needs.
    """
    if not any(s.gateway_services for s in sources):
        return (), ()
    gateway_id = gateway["gateway_id"]
    if known_services is not None:
        # gateway_info reported their mapping findings; what cannot be placed is found again here, for the guard.
        services, findings = list(known_services), placement_findings(known_services, gateway.get("vpc_id"))
    else:
        cluster_ids = sorted({s.cluster_id for s in sources if s.cluster_id})
        services, findings, _lookup = gateway_services_report(session, gateway, (), cluster_ids, check_ports=False)
    for source in sources:
        unknown = unknown_service_names(source, services)
        if unknown:
            known = ", ".join(repr(s["name"]) for s in services) or "none"
            raise OptionError(
                f"{source.field + '.' if source.field else ''}gateway_services",
                unknown,
                f"names services gateway {gateway_id} does not have (its services: {known}); nothing was changed",
            )
    return tuple(services), tuple(findings)


def discover(
    session: Any,
    sources: Sequence[Source],
    vpc_id: Optional[str] = None,
    inspect_nodes: bool = True,
    with_sources: bool = False,
    gateway: Optional[Dict[str, Any]] = None,
    known_services: Optional[Sequence[Dict[str, Any]]] = None,
) -> Dict[str, Any]:
    """Read what the sources need (each thing once for all of them), then build the result.

    Calls: per cluster one DescribeClusterNodePools (plus DescribeClusterDetail only when it has
    no node pool) and, with inspect_nodes, ceil(nodes/100) DescribeClusterNodes; per distinct tag
    set its DescribeInstances pages; ceil(ids/100) DescribeInstances for every instance id of every
    source and node together (minus those a tag look-up already returned); ceil(groups/100)
    DescribeSecurityGroups for every group found; for gateway_services, the gateway, its services and
    the ENIs of their endpoints (_services), unless known_services gives them; `gateway` is GetGateway's,
    read by the caller.
    """
    services, service_findings = _read_services(session, sources, gateway, known_services)
    clusters, tag_matches, instances = _read_clusters_and_tags(session, sources, inspect_nodes)
    wanted_ids = _wanted_instance_ids(sources, clusters, inspect_nodes) - set(instances)
    if wanted_ids:
        instances.update((i["instance_id"], i) for i in _ecs.describe_instances_by_ids(session, wanted_ids))
    obs = Observations(
        clusters=clusters,
        instances=instances,
        tag_matches=tag_matches,
        groups={},
        services=services,
        service_findings=service_findings,
    )
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
    if gateway_id is None and any(s.gateway_services for s in sources):
        raise OptionError("gateway_id", None, "is required by a gateway_services source (the gateway whose services)")
    # One GetGateway (none when the task is given the gateway): the backends must be in the gateway's VPC,
    # gateway_services reads its services, and the converge's pre-check takes the gateway from this result.
    given = given_gateway(params.get("gateway"), gateway_id)
    gateway = given or (_apig.get_gateway(module.session, gateway_id) if gateway_id is not None else None)
    result = discover(
        module.session,
        sources,
        vpc_id=vpc_id or (gateway or {}).get("vpc_id"),
        inspect_nodes=params["inspect_nodes"],
        with_sources=params["sources"] is not None,
        gateway=gateway,
        known_services=(given or {}).get("services"),
    )
    if gateway is not None:
        result["gateway"] = {key: gateway[key] for key in ("gateway_id", "name", "vpc_id", "security_group")}
    module.warn_findings(result["findings"])
    if not params["return_instances"]:
        del result["instances"]
    if params["fail_on_empty"]:
        guard_empty_sources(module, sources, result)
    return dict(changed=False, **result)


def given_gateway(gateway: Any, gateway_id: Optional[str]) -> Optional[Dict[str, Any]]:
    """The `gateway` option (an item of gateway_info's gateways, or this module's `gateway`) checked; OptionError."""
    if gateway is None:
        return None
    if gateway_id is None:
        raise OptionError("gateway_id", None, "is required with gateway (the gateway it describes)")
    check_gateway_option(gateway, gateway_id)
    check_id("gateway.vpc_id", gateway.get("vpc_id"), "vpc")
    services = gateway.get("services")
    if services is not None:
        if not isinstance(services, list):
            raise OptionError("gateway.services", services, "must be a list (gateway_info's services)")
        for index, service in enumerate(services):
            if not (isinstance(service, dict) and isinstance(service.get("endpoints"), list)):
                raise OptionError(f"gateway.services[{index}]", service, "must be a service with its endpoints")
    return dict(gateway, security_group=gateway.get("security_group") or {}, name=gateway.get("name"))


def guard_empty_sources(module: Any, sources: Sequence[Source], result: Dict[str, Any]) -> None:
    """fail_on_empty: a source that found nothing, or less than it names, fails the task (with the result).

    A source with allow_empty is warned about instead. Nothing writes on the strength of such a read.
    """
    per_source = [s["findings"] for s in result["sources"]] if "sources" in result else [result["findings"]]
    refused, allowed = source_misses(sources, per_source)
    for text in allowed:
        module.warn(f"{text} (allow_empty: going on without what it did not find)")
    if refused:
        module.fail(
            "Discovery found nothing, or less than named, for {} source(s), and fail_on_empty is set: {}. "
            "Nothing is written on the strength of this read: correct the source, or give it allow_empty: true "
            "if it may be empty on purpose (a node pool scaled to zero; the backend_access role refuses that with "
            "purge, which would revoke what the source did not find).".format(len(refused), " | ".join(refused)),
            changed=False,
            **result,
        )
