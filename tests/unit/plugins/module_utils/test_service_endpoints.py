# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure side of the gateway's services: address forms, holders, the comparison, the ranges a group needs."""

from __future__ import annotations

import ipaddress
from typing import Any
from typing import Dict
from typing import List

import pytest
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import SERVICE_ADDRESS_NOT_IP
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import SERVICE_ENDPOINT_NOT_FOUND
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import SERVICE_PORT_NOT_AUTHORIZED
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import PortRange
from ansible_collections.alibabacloud.apig.plugins.module_utils._service_endpoints import (
    SERVICE_UNHEALTHY_ENDPOINT_NOT_AUTHORIZED,
)
from ansible_collections.alibabacloud.apig.plugins.module_utils._service_endpoints import Endpoint
from ansible_collections.alibabacloud.apig.plugins.module_utils._service_endpoints import Holder
from ansible_collections.alibabacloud.apig.plugins.module_utils._service_endpoints import endpoint_ips
from ansible_collections.alibabacloud.apig.plugins.module_utils._service_endpoints import holders_by_ip
from ansible_collections.alibabacloud.apig.plugins.module_utils._service_endpoints import in_pod_cidr
from ansible_collections.alibabacloud.apig.plugins.module_utils._service_endpoints import parse_endpoints
from ansible_collections.alibabacloud.apig.plugins.module_utils._service_endpoints import required_port_ranges
from ansible_collections.alibabacloud.apig.plugins.module_utils._service_endpoints import service_report
from ansible_collections.alibabacloud.apig.plugins.module_utils._service_endpoints import split_address
from hypothesis import given
from hypothesis import strategies as st


@pytest.mark.parametrize(
    "text, expected",
    [
        ("10.0.0.5:8080", ("10.0.0.5", 8080, True)),
        ("10.0.0.5", ("10.0.0.5", None, True)),
        (" 10.0.0.5 ", ("10.0.0.5", None, True)),
        ("[fd00::5]:8443", ("fd00::5", 8443, True)),
        ("[fd00::5]", ("fd00::5", None, True)),
        ("fd00::5", ("fd00::5", None, True)),
        ("api.example.com:443", ("api.example.com", 443, False)),
        ("api.example.com", ("api.example.com", None, False)),
        ("10.0.0.5:0", ("10.0.0.5:0", None, False)),  # not a port: read as a name, never resolved
    ],
)
def test_split_address_reads_every_form(text, expected):
    assert split_address(text) == expected


def test_bare_addresses_take_every_service_port_and_each_endpoint_comes_once():
    endpoints = parse_endpoints(["10.0.0.5", "10.0.0.5:80", "10.0.0.6:9000", ""], [80, 9000])
    assert endpoints == [
        Endpoint("10.0.0.5", 80, True),
        Endpoint("10.0.0.5", 9000, True),
        Endpoint("10.0.0.6", 9000, True),
    ]
    assert Endpoint("fd00::1", 80, True).address == "[fd00::1]:80"


IPS = st.ip_addresses(v=4).map(str) | st.ip_addresses(v=6).map(str)
PORTS = st.lists(st.integers(1, 65535), min_size=1, max_size=4, unique=True)


@given(st.lists(IPS, min_size=1, max_size=6, unique=True), PORTS)
def test_both_address_forms_give_the_same_endpoints(ips, ports):
    """`ip:port` per port and bare `ip` with ports[] describe the same endpoints (the emulator's two forms)."""
    with_ports = [f"[{ip}]:{p}" if ":" in ip else f"{ip}:{p}" for ip in ips for p in ports]
    assert parse_endpoints(with_ports, ports) == parse_endpoints(ips, ports)


def service(name: str, addresses: List[str], ports: List[int], unhealthy: List[str] = ()) -> Dict[str, Any]:
    return {
        "serviceId": f"svc-{name}",
        "name": name,
        "sourceType": "K8S",
        "namespace": "",
        "healthStatus": "Unhealthy" if unhealthy else "Healthy",
        "addresses": addresses,
        "ports": [{"port": p} for p in ports],
        "unhealthyEndpoints": list(unhealthy),
    }


def auth(group: str, port_range: str) -> Dict[str, Any]:
    return {"security_group_id": group, "port_range": port_range, "rule_id": f"gsgr-{group}-{port_range}"}


HOLDERS = {
    "10.0.1.2": Holder("eni-a", "i-a", ("sg-a",)),
    "10.0.1.3": Holder("eni-c", "i-c", ("sg-c", "sg-extra")),
}


def test_report_names_service_endpoint_and_group_and_spots_the_moved_port():
    services = [service("web", ["10.0.1.2:8081"], [8081], unhealthy=["10.0.1.2:8081"])]
    reported, findings = service_report(services, HOLDERS, [auth("sg-a", "8080/8080")], "vpc-1")
    assert reported[0]["endpoints"][0] == {
        "address": "10.0.1.2",
        "port": 8081,
        "network_interface_id": "eni-a",
        "instance_id": "i-a",
        "cluster_id": None,
        "security_group_ids": ["sg-a"],
        "authorized": False,
        "healthy": False,
    }
    gap, unhealthy = findings
    assert gap["code"] == SERVICE_PORT_NOT_AUTHORIZED
    assert gap["ids"] == {
        "service_id": "svc-web",
        "service_name": "web",
        "endpoint": "10.0.1.2:8081",
        "security_group_id": "sg-a",
        "port": 8081,
        "network_interface_id": "eni-a",
    }
    assert "8080/8080 only" in gap["message"] and "moved" in gap["message"]
    assert unhealthy["code"] == SERVICE_UNHEALTHY_ENDPOINT_NOT_AUTHORIZED
    assert "firewall" in unhealthy["message"]


def test_every_group_of_a_node_with_several_needs_the_port():
    services = [service("metrics", ["10.0.1.3"], [9100])]
    reported, findings = service_report(services, HOLDERS, [auth("sg-c", "9000/9200")])
    assert reported[0]["endpoints"][0]["authorized"] is False
    assert [(f["code"], f["ids"]["security_group_id"]) for f in findings] == [(SERVICE_PORT_NOT_AUTHORIZED, "sg-extra")]
    assert "for another port" not in findings[0]["message"] and "only" not in findings[0]["message"]


def test_domains_and_unheld_ips_are_findings_and_never_authorized():
    services = [service("mixed", ["api.example.com:443", "10.0.9.9:443"], [443])]
    reported, findings = service_report(services, HOLDERS, [], "vpc-1")
    assert [e["authorized"] for e in reported[0]["endpoints"]] == [False, False]
    assert [f["code"] for f in findings] == [SERVICE_ADDRESS_NOT_IP, SERVICE_ENDPOINT_NOT_FOUND]
    assert "not resolved" in findings[0]["message"] and "vpc-1" in findings[1]["message"]


def test_without_port_checks_only_mapping_findings_remain():
    services = [service("web", ["10.0.1.2:8080", "10.0.9.9:8080"], [8080])]
    _reported, findings = service_report(services, HOLDERS, [], check_ports=False)
    assert [f["code"] for f in findings] == [SERVICE_ENDPOINT_NOT_FOUND]


def test_holders_from_enis_and_instances_and_the_pod_cidr():
    enis = [
        {
            "network_interface_id": "eni-1",
            "instance_id": None,
            "security_group_ids": ["sg-1"],
            "private_ips": ["10.0.0.1", "10.0.0.2"],
        }
    ]
    instances = [
        {
            "instance_id": "i-2",
            "primary_network_interface_id": "eni-2",
            "security_group_ids": ["sg-2"],
            "private_ips": ["10.0.0.3"],
        }
    ]
    holders = holders_by_ip(enis, instances)
    assert holders["10.0.0.2"] == Holder("eni-1", None, ("sg-1",))
    assert holders["10.0.0.3"] == Holder("eni-2", "i-2", ("sg-2",))
    clusters = [{"cluster_id": "c-1", "container_cidr": "172.20.0.0/16"}, {"cluster_id": "c-2", "container_cidr": None}]
    assert in_pod_cidr("172.20.4.5", clusters)["cluster_id"] == "c-1"
    assert in_pod_cidr("172.21.4.5", clusters) is None
    assert in_pod_cidr("fd00::1", clusters) is None
    assert endpoint_ips([service("s", ["10.0.0.2:80", "x.example:80", "10.0.0.1"], [80])]) == ["10.0.0.1", "10.0.0.2"]


ENDPOINTS = st.lists(
    st.tuples(st.sampled_from(["10.0.1.2", "10.0.1.3", "10.0.9.9"]), st.integers(1, 65535)), max_size=8
)
AUTHS = st.lists(
    st.tuples(st.sampled_from(["sg-a", "sg-c", "sg-extra"]), st.integers(1, 65535), st.integers(0, 50)), max_size=6
)


def _authorizations(raw) -> List[Dict[str, Any]]:
    return [auth(group, f"{start}/{min(start + width, 65535)}") for group, start, width in raw]


@given(ENDPOINTS, AUTHS)
def test_authorized_exactly_when_every_group_has_a_range_covering_the_port(endpoints, raw_auths):
    """The comparison against an independent oracle; a gap finding exists for each uncovered (endpoint, group)."""
    authorizations = _authorizations(raw_auths)
    services = [service("s", [f"{ip}:{port}" for ip, port in endpoints], sorted({p for _i, p in endpoints}))]
    reported, findings = service_report(services, HOLDERS, authorizations)
    gaps = {
        (f["ids"]["endpoint"], f["ids"]["security_group_id"])
        for f in findings
        if f["code"] == SERVICE_PORT_NOT_AUTHORIZED
    }
    for record in reported[0]["endpoints"]:
        holder = HOLDERS.get(record["address"])
        groups = holder.security_group_ids if holder else ()
        covered = {
            g: any(
                a["security_group_id"] == g
                and int(a["port_range"].split("/")[0]) <= record["port"] <= int(a["port_range"].split("/")[1])
                for a in authorizations
            )
            for g in groups
        }
        assert record["authorized"] == (bool(groups) and all(covered.values()))
        address = f"{record['address']}:{record['port']}"
        assert {g for g in groups if (address, g) in gaps} == {g for g, ok in covered.items() if not ok}


@given(ENDPOINTS)
def test_required_ranges_cover_exactly_the_endpoints_ports(endpoints):
    """Every endpoint port of a group is covered, and no port that no endpoint of that group uses."""
    services = [service("s", [f"{ip}:{port}" for ip, port in endpoints], [])]
    reported, _findings = service_report(services, HOLDERS, [])
    ranges = required_port_ranges(reported)
    wanted: Dict[str, set] = {}
    for ip, port in endpoints:
        for group in HOLDERS[ip].security_group_ids if ip in HOLDERS else ():
            wanted.setdefault(group, set()).add(port)
    assert set(ranges) == set(wanted)
    for group, group_ranges in ranges.items():
        covered = {p for r in group_ranges for p in range(r.start, r.end + 1)}
        assert covered == wanted[group]
        assert group_ranges == sorted(group_ranges) and all(isinstance(r, PortRange) for r in group_ranges)


def test_ipv6_endpoint_maps_like_ipv4():
    ip = str(ipaddress.ip_address("fd00::7"))
    holders = {ip: Holder("eni-6", None, ("sg-6",))}
    reported, findings = service_report([service("v6", ["[fd00::7]:80"], [80])], holders, [auth("sg-6", "80/80")])
    assert reported[0]["endpoints"][0]["authorized"] is True and findings == []
