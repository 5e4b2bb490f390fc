# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""A gateway service's endpoints, who holds them, and whether the gateway may reach them (pure).

APIG documents a service's `addresses` only as "a list of IP addresses or domain names". Every
form is read: `ip:port`, a bare `ip` (its ports are then the service's `ports[].port`),
`[ipv6]:port`, a bare IPv6 address, and a domain name (with or without `:port`). A domain is never
resolved here (the controller's resolver is not the VPC's): it becomes a SERVICE_ADDRESS_NOT_IP
finding. `unhealthyEndpoints` is read in the same forms.

An endpoint at an IP no ENI holds (SERVICE_ENDPOINT_NOT_FOUND) and a service whose answer gives no endpoint
(SERVICE_WITHOUT_ENDPOINTS: no address, or bare addresses without a port) cannot be placed: discovery treats them as
misses (_discovery_guard), never as backends that went away. An empty or unreadable address never gets here: the
answer contract refuses it (_answer_contract).

The comparison (service_report) is pure: endpoints + the IP holders + the gateway's authorizations
-> the services as gateway_info returns them and the findings, each naming the service, the
endpoint and the group.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from typing import Dict
from typing import Iterable
from typing import List
from typing import NamedTuple
from typing import Optional
from typing import Sequence
from typing import Set
from typing import Tuple

from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import SERVICE_ADDRESS_NOT_IP
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import SERVICE_ENDPOINT_NOT_FOUND
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import SERVICE_PORT_NOT_AUTHORIZED
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import (
    SERVICE_UNHEALTHY_ENDPOINT_NOT_AUTHORIZED,
)
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import SERVICE_WITHOUT_ENDPOINTS
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import PortRange
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import merge_port_ranges
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import parse_port_range


class Endpoint(NamedTuple):
    host: str  # an IP (IPv6 without brackets) or a domain name
    port: int
    is_ip: bool

    @property
    def address(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


class Holder(NamedTuple):
    """Who holds an IP: an ENI (and its instance), an instance, or an ACK cluster's pod CIDR."""

    network_interface_id: Optional[str]
    instance_id: Optional[str]
    security_group_ids: Tuple[str, ...]
    cluster_id: Optional[str] = None


def _as_ip(text: str) -> Optional[str]:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def _port(text: str) -> Optional[int]:
    return int(text) if text.isdigit() and 1 <= int(text) <= 65535 else None


def split_address(text: str) -> Tuple[str, Optional[int], bool]:
    """(host, port or None, is_ip) of one address in any of the forms the module docs list."""
    text = text.strip()
    if text.startswith("["):
        host, _sep, rest = text[1:].partition("]")
        port = _port(rest[1:]) if rest.startswith(":") else None
        ip = _as_ip(host)
        return (ip or host), port, ip is not None
    ip = _as_ip(text)
    if ip is not None:  # a bare IPv4 or IPv6 address
        return ip, None, True
    host, sep, port_text = text.rpartition(":")
    if sep and _port(port_text) is not None:
        ip = _as_ip(host)
        return (ip or host), _port(port_text), ip is not None
    return text, None, False


def service_ports(service: Dict[str, Any]) -> List[int]:
    return sorted({p["port"] for p in service.get("ports") or [] if isinstance(p.get("port"), int)})


def parse_endpoints(addresses: Iterable[str], ports: Sequence[int]) -> List[Endpoint]:
    """Each (host, port) once, in the order given; a bare address serves every service port."""
    found: Dict[Endpoint, None] = {}
    for text in addresses:
        if not text or not text.strip():
            continue
        host, port, is_ip = split_address(text)
        for each in [port] if port is not None else ports:
            found.setdefault(Endpoint(host, each, is_ip), None)
    return list(found)


def service_endpoints(service: Dict[str, Any]) -> Tuple[List[Endpoint], Set[Endpoint]]:
    """A raw Service's endpoints (from `addresses` and `ports`) and the unhealthy ones among them."""
    ports = service_ports(service)
    endpoints = parse_endpoints(service.get("addresses") or [], ports)
    unhealthy = set(parse_endpoints(service.get("unhealthyEndpoints") or [], ports))
    return endpoints, unhealthy


def endpoint_ips(services: Iterable[Dict[str, Any]]) -> List[str]:
    """The unique IPs of every service's endpoints, sorted (the ENI look-up's input)."""
    return sorted({e.host for s in services for e in service_endpoints(s)[0] if e.is_ip})


def holders_by_ip(
    network_interfaces: Iterable[Dict[str, Any]], instances: Iterable[Dict[str, Any]] = ()
) -> Dict[str, Holder]:
    """IP -> its holder, from ENIs (every IP, primary and secondary) and instances (their own IPs)."""
    holders: Dict[str, Holder] = {}
    for eni in network_interfaces:
        holder = Holder(eni["network_interface_id"], eni.get("instance_id"), tuple(eni["security_group_ids"]))
        for ip in eni.get("private_ips") or []:
            holders.setdefault(ip, holder)
    for instance in instances:
        holder = Holder(
            instance.get("primary_network_interface_id"),
            instance["instance_id"],
            tuple(instance["security_group_ids"]),
        )
        for ip in instance.get("private_ips") or []:
            holders.setdefault(ip, holder)
    return holders


def in_pod_cidr(ip: str, clusters: Iterable[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """The first cluster whose pod CIDR (container_cidr) holds ip, or None."""
    address = ipaddress.ip_address(ip)
    for cluster in clusters:
        try:
            network = ipaddress.ip_network(str(cluster.get("container_cidr") or ""), strict=False)
        except ValueError:
            continue
        if network.version == address.version and address in network:
            return cluster
    return None


def authorized_ranges(authorizations: Iterable[Dict[str, Any]]) -> Dict[str, List[PortRange]]:
    """Group id -> the port ranges the gateway holds authorizations for (unreadable ranges skipped)."""
    ranges: Dict[str, List[PortRange]] = {}
    for record in authorizations:
        try:
            parsed = parse_port_range(record.get("port_range"), "portRange")
        except (ValueError, TypeError):  # OptionError is a ValueError
            continue
        ranges.setdefault(record.get("security_group_id") or "", []).append(parsed)
    return ranges


def _covered(port: int, ranges: Sequence[PortRange]) -> bool:
    return any(r.start <= port <= r.end for r in ranges)


def _finding(code: str, message: str, service: Dict[str, Any], endpoint: Endpoint, **ids: Any) -> Dict[str, Any]:
    base = {"service_id": service["serviceId"], "service_name": service["name"], "endpoint": endpoint.address}
    base.update({k: v for k, v in ids.items() if v is not None})
    return {"code": code, "message": message, "ids": base}


def _where(service: Dict[str, Any], endpoint: Endpoint) -> str:
    return f"service {service['name']!r} ({service['serviceId']}) endpoint {endpoint.address}"


def _gap_findings(
    service: Dict[str, Any], endpoint: Endpoint, holder: Holder, ranges: Dict[str, List[PortRange]], unhealthy: bool
) -> List[Dict[str, Any]]:
    """One finding per group of the endpoint lacking an authorization covering its port."""
    findings = []
    for group in holder.security_group_ids:
        if _covered(endpoint.port, ranges.get(group, [])):
            continue
        others = ", ".join(str(r) for r in sorted(ranges.get(group, [])))
        message = f"{_where(service, endpoint)}: group {group} has no authorization covering port {endpoint.port}"
        if others:
            message += (
                f"; the gateway is authorized to {group} on {others} only: the service's port probably moved"
                " (authorize the new port, then revoke the old one)"
            )
        ids = dict(security_group_id=group, port=endpoint.port, network_interface_id=holder.network_interface_id)
        findings.append(_finding(SERVICE_PORT_NOT_AUTHORIZED, message, service, endpoint, **ids))
        if unhealthy:
            message = (
                f"{_where(service, endpoint)} is unhealthy and group {group} does not let the gateway in on port"
                f" {endpoint.port}: the health check fails because of the firewall, not the backend"
            )
            findings.append(_finding(SERVICE_UNHEALTHY_ENDPOINT_NOT_AUTHORIZED, message, service, endpoint, **ids))
    return findings


def _unmapped_finding(service: Dict[str, Any], endpoint: Endpoint, vpc_id: Optional[str]) -> Dict[str, Any]:
    if not endpoint.is_ip:
        message = (
            f"{_where(service, endpoint)} is a domain name; it is not resolved here (the controller's resolver is"
            " not the VPC's), so its security groups are not known: authorize its backend groups explicitly"
        )
        return _finding(SERVICE_ADDRESS_NOT_IP, message, service, endpoint)
    message = (
        f"{_where(service, endpoint)}: no network interface in {vpc_id} holds {endpoint.host}, and it is in no"
        " known ACK cluster's pod CIDR: the endpoint is stale or outside the VPC"
    )
    return _finding(SERVICE_ENDPOINT_NOT_FOUND, message, service, endpoint, vpc_id=vpc_id)


def _without_endpoints_finding(service_id: str, name: str) -> Dict[str, Any]:
    message = (
        f"service {name!r} ({service_id}) has no endpoint (no address, or bare addresses and no port): its backends"
        " cannot be placed"
    )
    return {
        "code": SERVICE_WITHOUT_ENDPOINTS,
        "message": message,
        "ids": {"service_id": service_id, "service_name": name},
    }


def placement_findings(reported_services: Iterable[Dict[str, Any]], vpc_id: Optional[str]) -> List[Dict[str, Any]]:
    """The findings of services as service_report returns them (gateway_info's), about what cannot be placed:
    a service without endpoints, an IP endpoint without a group."""
    findings = []
    for service in reported_services:
        if not service["endpoints"]:
            findings.append(_without_endpoints_finding(service["service_id"], service["name"]))
        for record in service["endpoints"]:
            if record["security_group_ids"] or _as_ip(str(record["address"])) is None:
                continue
            endpoint = Endpoint(record["address"], record["port"], True)
            where = dict(serviceId=service["service_id"], name=service["name"])
            findings.append(_unmapped_finding(where, endpoint, vpc_id))
    return findings


def _endpoint_record(endpoint: Endpoint, holder: Optional[Holder], ranges: Dict[str, List[PortRange]]) -> dict:
    groups = list(holder.security_group_ids) if holder else []
    return {
        "address": endpoint.host,
        "port": endpoint.port,
        "network_interface_id": holder.network_interface_id if holder else None,
        "instance_id": holder.instance_id if holder else None,
        "cluster_id": holder.cluster_id if holder else None,
        "security_group_ids": groups,
        "authorized": bool(groups) and all(_covered(endpoint.port, ranges.get(g, [])) for g in groups),
    }


def service_report(
    services: Iterable[Dict[str, Any]],
    holders: Dict[str, Holder],
    authorizations: Iterable[Dict[str, Any]],
    vpc_id: Optional[str] = None,
    check_ports: bool = True,
) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """(services as gateway_info returns them, findings); pure. check_ports=False: no authorization findings."""
    ranges = authorized_ranges(authorizations)
    reported, findings = [], []
    for service in services:
        endpoints, unhealthy = service_endpoints(service)
        if not endpoints:
            findings.append(_without_endpoints_finding(service["serviceId"], service["name"]))
        records = []
        for endpoint in endpoints:
            holder = holders.get(endpoint.host) if endpoint.is_ip else None
            record = _endpoint_record(endpoint, holder, ranges)
            record["healthy"] = endpoint not in unhealthy
            records.append(record)
            if holder is None:
                findings.append(_unmapped_finding(service, endpoint, vpc_id))
            elif check_ports:
                findings.extend(_gap_findings(service, endpoint, holder, ranges, endpoint in unhealthy))
        reported.append(
            {
                "service_id": service["serviceId"],
                "name": service["name"],
                "source_type": service.get("sourceType"),
                "namespace": service.get("namespace") or None,
                "health_status": service.get("healthStatus"),
                "endpoints": records,
            }
        )
    return reported, findings


def required_port_ranges(reported_services: Iterable[Dict[str, Any]]) -> Dict[str, List[PortRange]]:
    """Group id -> the ranges its endpoints need: one per port, contiguous ports merged, no other port."""
    ports: Dict[str, Set[int]] = {}
    for service in reported_services:
        for endpoint in service["endpoints"]:
            for group in endpoint["security_group_ids"]:
                ports.setdefault(group, set()).add(endpoint["port"])
    return {g: merge_port_ranges(PortRange(p, p) for p in sorted(found)) for g, found in sorted(ports.items())}
