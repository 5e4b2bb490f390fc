# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""The gateway's own services -> their endpoints -> the ENIs holding them -> groups and ports (I/O).

Reading the services: ListServices by gatewayId, paged by the answer (_paging); GetService only for
a list item that lacks `addresses` or `ports`. The pure side (parsing, the comparison with the
authorizations, the ranges a group needs) is _service_endpoints.

Mapping endpoint IPs to ENIs (ECS DescribeNetworkInterfaces in the gateway's VPC). Two ways:

* the VPC-wide listing (MaxResults 500): ceil(ENIs/500) calls; it lists primary and secondary ENIs
  with every IP, so it is correct whatever the IP filters match;
* by IP: PrivateIpAddress.N (100 IPs a call) matches secondary IPs as the SDK documents it (primary
  ones too under another reading), then DescribeInstances PrivateIpAddresses (100 a call) for the
  instances' own (primary) addresses: ceil(n/100) calls each for n unique IPs. Neither matches the
  primary IP of a secondary ENI under the documented reading; those need PrimaryIpAddress (one IP a
  call) or the listing.

The choice, by the number of unique IPs: the listing's first page is read (one call, up to 500 ENIs,
and its TotalCount). A VPC of at most 500 ENIs is then fully known; so are IPs all found on that
page. Otherwise the pages left, ceil((ENIs - served) / served), are weighed against the by-IP cost
for the m IPs still missing, 2 x ceil(m/100), and the cheaper runs. After the by-IP look-ups, the r
IPs still missing are asked for by PrimaryIpAddress when r is below the listing's pages left, else
the listing is finished. Each way is correct under both readings of the filters (whether
`PrivateIpAddress.N` also matches primary IPs is undocumented): an IP is declared unheld only after a read that would
have seen it.

An IP that no ENI holds is attributed to an ACK cluster's node groups when it is inside the pod CIDR
(`container_cidr`, e.g. Flannel) of a cluster given by the caller; otherwise it is a finding.
"""

from __future__ import annotations

import math
from typing import Any
from typing import Dict
from typing import Iterable
from typing import List
from typing import Sequence
from typing import Tuple

from ansible_collections.alibabacloud.apig.plugins.module_utils._apig import get_service
from ansible_collections.alibabacloud.apig.plugins.module_utils._apig import list_services
from ansible_collections.alibabacloud.apig.plugins.module_utils._cs import describe_cluster
from ansible_collections.alibabacloud.apig.plugins.module_utils._cs import describe_node_pools
from ansible_collections.alibabacloud.apig.plugins.module_utils._ecs import MAX_IDS_PER_CALL
from ansible_collections.alibabacloud.apig.plugins.module_utils._ecs import NetworkInterfacePager
from ansible_collections.alibabacloud.apig.plugins.module_utils._ecs import describe_instances_by_private_ips
from ansible_collections.alibabacloud.apig.plugins.module_utils._ecs import describe_network_interfaces_by_ips
from ansible_collections.alibabacloud.apig.plugins.module_utils._parallel import bounded_map
from ansible_collections.alibabacloud.apig.plugins.module_utils._service_endpoints import Holder
from ansible_collections.alibabacloud.apig.plugins.module_utils._service_endpoints import endpoint_ips
from ansible_collections.alibabacloud.apig.plugins.module_utils._service_endpoints import holders_by_ip
from ansible_collections.alibabacloud.apig.plugins.module_utils._service_endpoints import in_pod_cidr
from ansible_collections.alibabacloud.apig.plugins.module_utils._service_endpoints import service_report


def _complete(item: Dict[str, Any]) -> bool:
    return item.get("addresses") is not None and item.get("ports") is not None


def read_services(session: Any, gateway_id: str) -> List[Dict[str, Any]]:
    """The gateway's services (raw Service maps): ceil(services/page) list calls, GetService per abridged item."""
    listed = list_services(session, gateway_id)
    abridged = [item["serviceId"] for item in listed if not _complete(item)]
    fetched = dict(zip(abridged, bounded_map(lambda service_id: get_service(session, service_id), abridged)))
    return sorted((fetched.get(i["serviceId"], i) for i in listed), key=lambda s: (s["name"], s["serviceId"]))


def _missing(ips: Sequence[str], holders: Dict[str, Holder]) -> List[str]:
    return [ip for ip in ips if ip not in holders]


def _pages_left(pager: NetworkInterfacePager, served: int) -> int:
    if pager.next_token is None:
        return 0
    if pager.total is None or served == 0:
        return 1 << 30  # unknown: the by-IP way is bounded, the listing is not
    return max(1, math.ceil((pager.total - served) / served))


def _by_ip(session: Any, vpc_id: str, ips: List[str], holders: Dict[str, Holder]) -> None:
    """Secondary IPs by PrivateIpAddress.N, then the rest as instances' own addresses."""
    holders.update(holders_by_ip(describe_network_interfaces_by_ips(session, vpc_id, ips)))
    rest = _missing(ips, holders)
    if rest:
        holders.update(holders_by_ip([], describe_instances_by_private_ips(session, rest, vpc_id)))


def map_ips_to_holders(session: Any, vpc_id: str, ips: Sequence[str]) -> Tuple[Dict[str, Holder], str]:
    """IP -> Holder for the IPs ENIs of the VPC hold, and which way was taken ("none", "vpc_listing", "by_ip")."""
    ips = sorted(set(ips))
    if not ips:
        return {}, "none"
    pager = NetworkInterfacePager(session, vpc_id)
    first = pager.first()
    holders = holders_by_ip(first)
    missing = _missing(ips, holders)
    pages_left = _pages_left(pager, len(first))
    if not missing or pages_left == 0:
        return holders, "vpc_listing"
    # The cheaper of the listing's pages left and the by-IP look-ups (two kinds, 100 IPs a call each).
    if pages_left <= 2 * math.ceil(len(missing) / MAX_IDS_PER_CALL):
        holders.update(holders_by_ip(pager.rest()))
        return holders, "vpc_listing"
    _by_ip(session, vpc_id, missing, holders)
    residual = _missing(missing, holders)
    if residual and len(residual) < pages_left:
        for ip in residual:  # the primary IP of a secondary ENI: PrimaryIpAddress takes one IP
            holders.update(holders_by_ip(NetworkInterfacePager(session, vpc_id, primary_ip=ip).first()))
    elif residual:
        holders.update(holders_by_ip(pager.rest()))
    return holders, "by_ip"


def cluster_holders(session: Any, cluster_ids: Iterable[str], ips: Sequence[str]) -> Dict[str, Holder]:
    """IP -> the node groups of the given ACK cluster whose pod CIDR holds it (none read when ips is empty)."""
    if not ips or not cluster_ids:
        return {}
    clusters = [describe_cluster(session, cluster_id) for cluster_id in sorted(set(cluster_ids))]
    groups: Dict[str, Tuple[str, ...]] = {}
    holders = {}
    for ip in ips:
        cluster = in_pod_cidr(ip, clusters)
        if cluster is None:
            continue
        cluster_id = cluster["cluster_id"]
        if cluster_id not in groups:
            pool_groups = [g for pool in describe_node_pools(session, cluster_id) for g in pool["security_group_ids"]]
            groups[cluster_id] = tuple(dict.fromkeys(pool_groups or [cluster["security_group_id"]]))
        holders[ip] = Holder(None, None, groups[cluster_id], cluster_id)
    return holders


def gateway_services_report(
    session: Any,
    gateway: Dict[str, Any],
    authorizations: Iterable[Dict[str, Any]],
    cluster_ids: Iterable[str] = (),
    check_ports: bool = True,
) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]], Dict[str, Any]]:
    """(services with their endpoints, findings, how the ENIs were looked up) for one gateway.

    check_ports=False (discovery) leaves out the findings about authorizations, keeping those about mapping.
    """
    services = read_services(session, gateway["gateway_id"])
    ips = endpoint_ips(services)
    holders, way = map_ips_to_holders(session, gateway["vpc_id"], ips)
    holders.update(cluster_holders(session, list(cluster_ids), _missing(ips, holders)))
    reported, findings = service_report(services, holders, authorizations, gateway["vpc_id"], check_ports)
    for item in findings:
        item["ids"] = dict(gateway_id=gateway["gateway_id"], **item["ids"])
    return reported, findings, {"unique_ips": len(ips), "network_interface_lookup": way}
