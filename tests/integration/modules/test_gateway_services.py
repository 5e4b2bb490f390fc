# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backends from the gateway's own services: gateway_info services=true and the gateway_services source.

Real ansible-playbook runs against the emulator's services.yml world: three services whose endpoints
need exactly five (group, port) pairs, a domain endpoint and a stale IP (which, under purge, fails the run before
any write: it cannot be placed). Every test runs under both
address forms the API may use (`ip:port`, or bare IPs with the ports in `ports[]`).
"""

from __future__ import annotations

import collections
import json
import math

import pytest
from integration.playbook import run_playbook
from integration.playbook import run_tasks

GATEWAY = "gw-svc01"
GI = "alibabacloud.apig.gateway_info"
BSI = "alibabacloud.apig.backend_sg_info"
WRITES = ("AddGatewaySecurityGroupRule", "DeleteGatewaySecurityGroupRule")
EXACT_PAIRS = [
    ("sg-node-c-svc01", "9100/9100"),
    ("sg-node-extra-svc01", "9100/9100"),
    ("sg-pods-a-svc01", "8080/8080"),
    ("sg-pods-b-svc01", "8080/8080"),
    ("sg-vip-svc01", "8443/8443"),
]
MOVED_PAIRS = sorted(
    [("sg-pods-a-svc01", "8081/8081"), ("sg-pods-b-svc01", "8081/8081")]
    + [pair for pair in EXACT_PAIRS if pair[1] != "8080/8080"]
)
SERVICES = 5
UNIQUE_IPS = 6  # 10.20.1.102, .103, 10.20.2.102, 10.20.1.13, 10.20.2.21, 10.20.2.250 (the domain is not an IP)
ENIS = 6  # four instances' primary ENIs and two Terway ENIs
FORMS = pytest.mark.parametrize("form", ["ip:port", "ip"])
ALL_SERVICES = [{"name": "everything the gateway routes to", "gateway_services": "all"}]
# Every service whose endpoints can be placed or are domains (stale-vip's IP is held by no ENI: a miss, see below).
ROLE_VARS = {
    "backend_access_gateway_id": GATEWAY,
    "backend_access_purge": True,
    "backend_access_backends": [
        {"name": "the routed services", "gateway_services": ["web", "metrics", "legacy-api", "partner"]}
    ],
}


def make_world(make_emulator, form: str, **knobs):
    emulator = make_emulator("services.yml")
    emulator.set_knobs(service_address_form=form, **knobs)
    return emulator


def pairs(emulator) -> list:
    gateway = next(g for g in emulator.state()["gateways"] if g["id"] == GATEWAY)
    return sorted((a["security_group"], a["port_range"]) for a in gateway["authorizations"])


def counts(emulator) -> collections.Counter:
    return collections.Counter(c["action"] for c in emulator.calls())


def authorize(emulator, **extra):
    return run_playbook("alibabacloud.apig.authorize_backends", emulator.env(), extra_vars=dict(ROLE_VARS, **extra))


def services_info(emulator, **options):
    run = run_tasks([{"name": "services", GI: dict(gateway_id=GATEWAY, services=True, **options)}], emulator.env())
    assert run.rc == 0, run
    return run.task("services")


def by_code(findings: list, code: str) -> list:
    return [f for f in findings if f["code"] == code]


@FORMS
def test_gateway_services_all_with_purge_authorizes_exactly_the_endpoint_pairs_and_a_rerun_writes_nothing(
    make_emulator, form
):
    emulator = make_world(make_emulator, form)
    # A stale authorization no service needs: purge removes it.
    state = emulator.state()
    state["gateways"][0]["authorizations"] = [{"security_group": "sg-vip-svc01", "port_range": "22/22"}]
    emulator.put_state(state)

    # The stale-vip endpoint is at an IP no ENI holds: it cannot be placed, so purge refuses before any write.
    refused = authorize(emulator, backend_access_backends=ALL_SERVICES)
    assert refused.rc != 0
    message = refused.task("Discover the security groups behind the backends")["msg"]
    assert "SERVICE_ENDPOINT_NOT_FOUND" in message and "10.20.2.250:8443" in message
    assert not [c for c in emulator.calls() if c["action"] in WRITES]
    assert pairs(emulator) == [("sg-vip-svc01", "22/22")]

    # The stale service removed, `all` places every endpoint but the domain's.
    state = emulator.state()
    state["gateways"][0]["services"] = [s for s in state["gateways"][0]["services"] if s["name"] != "stale-vip"]
    emulator.put_state(state)
    emulator.clear_calls()
    first = authorize(emulator, backend_access_backends=ALL_SERVICES)
    assert first.rc == 0, first
    assert pairs(emulator) == EXACT_PAIRS  # nothing missing, nothing extra, no duplicate
    first_calls = counts(emulator)
    assert first_calls["ListServices"] == math.ceil((SERVICES - 1) / 100)
    assert first_calls["GetService"] == 0
    assert first_calls["DescribeNetworkInterfaces"] == math.ceil(ENIS / 500)
    assert first_calls["DeleteGatewaySecurityGroupRule"] == 1
    codes = {f["code"] for f in first.task("Discover the security groups behind the backends")["findings"]}
    assert codes == {"SERVICE_ADDRESS_NOT_IP"}

    emulator.clear_calls()
    again = authorize(emulator, backend_access_backends=ALL_SERVICES)
    assert again.rc == 0, again
    assert again.task("Converge the gateway's authorizations")["changed"] is False
    assert not [c for c in emulator.calls() if c["action"] in WRITES]
    assert pairs(emulator) == EXACT_PAIRS


@FORMS
def test_a_moved_port_is_reported_then_authorized_and_the_old_one_purged_adding_first(make_emulator, form):
    emulator = make_world(make_emulator, form)
    assert authorize(emulator).rc == 0
    clean = services_info(emulator)
    assert not by_code(clean["findings"], "SERVICE_PORT_NOT_AUTHORIZED")
    web = next(s for s in clean["gateways"][0]["services"] if s["name"] == "web")
    assert all(e["authorized"] and e["port"] == 8080 for e in web["endpoints"])

    emulator.update_service("svc-web-svc01", move_port={"from": 8080, "to": 8081})
    moved = services_info(emulator)
    gaps = by_code(moved["findings"], "SERVICE_PORT_NOT_AUTHORIZED")
    assert sorted((f["ids"]["endpoint"], f["ids"]["security_group_id"]) for f in gaps) == [
        ("10.20.1.102:8081", "sg-pods-a-svc01"),
        ("10.20.1.103:8081", "sg-pods-a-svc01"),
        ("10.20.2.102:8081", "sg-pods-b-svc01"),
    ]
    for finding in gaps:
        assert finding["ids"]["service_name"] == "web" and finding["ids"]["service_id"] == "svc-web-svc01"
        assert finding["ids"]["gateway_id"] == GATEWAY
        assert "8080/8080 only" in finding["message"] and "port probably moved" in finding["message"]
    unhealthy = by_code(moved["findings"], "SERVICE_UNHEALTHY_ENDPOINT_NOT_AUTHORIZED")
    assert [f["ids"]["endpoint"] for f in unhealthy] == ["10.20.1.103:8081"]
    assert "health check fails because of the firewall" in unhealthy[0]["message"]
    web = next(s for s in moved["gateways"][0]["services"] if s["name"] == "web")
    assert [e["authorized"] for e in web["endpoints"]] == [False, False, False]

    emulator.clear_calls()
    fixed = authorize(emulator)
    assert fixed.rc == 0, fixed
    assert pairs(emulator) == MOVED_PAIRS
    writes = [c["action"] for c in emulator.calls() if c["action"] in WRITES]
    assert writes == ["AddGatewaySecurityGroupRule"] * 2 + ["DeleteGatewaySecurityGroupRule"] * 2
    assert not by_code(services_info(emulator)["findings"], "SERVICE_PORT_NOT_AUTHORIZED")


@FORMS
def test_gateway_info_reports_every_endpoint_with_its_eni_instance_and_groups(make_emulator, form):
    emulator = make_world(make_emulator, form)
    result = services_info(emulator)
    services = {s["name"]: s for s in result["gateways"][0]["services"]}
    assert sorted(services) == ["legacy-api", "metrics", "partner", "stale-vip", "web"]
    web = services["web"]
    assert (web["service_id"], web["source_type"], web["namespace"], web["health_status"]) == (
        "svc-web-svc01",
        "K8S",
        "shop",
        "Unhealthy",
    )
    assert [
        (e["address"], e["port"], e["network_interface_id"], e["instance_id"], e["healthy"]) for e in web["endpoints"]
    ] == [
        ("10.20.1.102", 8080, "eni-terway-a-svc01", "i-node-a-svc01", True),
        ("10.20.1.103", 8080, "eni-terway-a-svc01", "i-node-a-svc01", False),
        ("10.20.2.102", 8080, "eni-terway-b-svc01", "i-node-b-svc01", True),
    ]
    (metrics,) = services["metrics"]["endpoints"]
    assert metrics["security_group_ids"] == ["sg-node-c-svc01", "sg-node-extra-svc01"]  # both groups of node C
    assert metrics["instance_id"] == "i-node-c-svc01" and metrics["network_interface_id"].startswith("eni-")
    (partner,) = by_code(result["findings"], "SERVICE_ADDRESS_NOT_IP")
    assert partner["ids"]["endpoint"] == "api.partner.example:443" and partner["ids"]["service_name"] == "partner"
    (stale,) = by_code(result["findings"], "SERVICE_ENDPOINT_NOT_FOUND")
    assert stale["ids"]["endpoint"] == "10.20.2.250:8443" and stale["ids"]["vpc_id"] == "vpc-svc01"
    assert services["stale-vip"]["endpoints"][0]["security_group_ids"] == []
    assert services["stale-vip"]["endpoints"][0]["authorized"] is False


def lookups(emulator) -> dict:
    """DescribeNetworkInterfaces and DescribeInstances calls by kind; `batches` count first pages only."""
    kinds = collections.Counter()
    for call in emulator.calls():
        params = call["params"]
        first = "NextToken" not in params
        if call["action"] == "DescribeNetworkInterfaces":
            kind = "by_secondary_ip" if "PrivateIpAddress.1" in params else "listing"
            kind = "by_primary_ip" if "PrimaryIpAddress" in params else kind
        elif call["action"] == "DescribeInstances":
            kind = "instances_by_ip"
        else:
            continue
        kinds[kind] += 1
        kinds[kind + "_batches"] += first
    return dict(kinds)


@pytest.mark.parametrize("primary_too", [False, True])
@FORMS
def test_call_counts_of_the_services_read_and_the_eni_mapping(make_emulator, form, primary_too):
    """No cap: one ListServices page, one VPC listing page. Capped pages: the listing while it is the cheaper."""
    emulator = make_world(make_emulator, form, eni_filters_match_primary=primary_too)
    emulator.clear_calls()
    result = services_info(emulator)
    assert counts(emulator)["ListServices"] == math.ceil(SERVICES / 100)
    assert counts(emulator)["GetService"] == 0
    assert lookups(emulator) == {"listing": 1, "listing_batches": 1}
    assert result["gateways"][0]["services_lookup"] == {
        "unique_ips": UNIQUE_IPS,
        "network_interface_lookup": "vpc_listing",
    }

    # A cap of 2: pages left after the first, ceil(4/2) = 2, cost no more than the two by-IP kinds: the listing.
    emulator.set_knobs(page_cap=2)
    emulator.clear_calls()
    capped = services_info(emulator)
    assert counts(emulator)["ListServices"] == math.ceil(SERVICES / 2)
    assert lookups(emulator) == {"listing": math.ceil(ENIS / 2), "listing_batches": 1}
    assert capped["gateways"][0]["services"] == result["gateways"][0]["services"]


@pytest.mark.parametrize("primary_too", [False, True])
def test_by_ip_lookups_when_the_listing_would_cost_more_are_correct_under_both_filter_readings(
    make_emulator, primary_too
):
    """A cap of 1: five listing pages left against two by-IP kinds; each kind one batch for 6 IPs."""
    emulator = make_world(make_emulator, "ip:port", eni_filters_match_primary=primary_too)
    expected = services_info(emulator)["gateways"][0]["services"]
    emulator.set_knobs(page_cap=1)
    emulator.clear_calls()
    result = services_info(emulator)
    assert result["gateways"][0]["services"] == expected
    assert result["gateways"][0]["services_lookup"]["network_interface_lookup"] == "by_ip"
    found = lookups(emulator)
    assert found["listing_batches"] == 1 and found["listing"] == 1  # the first page only
    assert found["by_secondary_ip_batches"] == math.ceil(UNIQUE_IPS / 100)
    # Secondary ENIs matched: the two Terway ENIs, and, when the filter matches primary IPs, node C's and the VIP's.
    assert found["by_secondary_ip"] == (4 if primary_too else 2)
    # The instances' own addresses for what is left: node C and the VIP, or (filter matching primaries) the stale IP.
    assert found["instances_by_ip_batches"] == math.ceil(UNIQUE_IPS / 100)
    # 10.20.2.250 is held by nothing: one PrimaryIpAddress call (fewer than the listing's pages left) proves it.
    assert found["by_primary_ip"] == 1
    assert len(by_code(result["findings"], "SERVICE_ENDPOINT_NOT_FOUND")) == 1


def test_get_service_only_for_a_list_item_without_its_addresses(make_emulator):
    emulator = make_world(make_emulator, "ip:port")
    emulator.set_faults([{"action": "ListServices", "malform": "data.items.1.addresses"}])
    emulator.clear_calls()
    result = services_info(emulator)
    gets = emulator.calls(action="GetService")
    assert [c["params"]["serviceId"] for c in gets] == ["svc-metrics-svc01"]
    metrics = next(s for s in result["gateways"][0]["services"] if s["name"] == "metrics")
    assert [e["address"] for e in metrics["endpoints"]] == ["10.20.1.13"]


def test_a_services_list_without_items_fails_and_purges_nothing(make_emulator):
    """The SDK's model would read a missing data.items as []: read raw, it is malformed, and nothing is revoked."""
    emulator = make_world(make_emulator, "ip:port")
    assert authorize(emulator).rc == 0
    emulator.set_faults([{"action": "ListServices", "malform": "data.items"}])
    emulator.clear_calls()
    run = authorize(emulator)
    assert run.rc != 0
    result = run.task("Discover the security groups behind the backends")
    assert result["error_code"] == "MalformedAnswer" and "data.items" in result["msg"]
    assert not [c for c in emulator.calls() if c["action"] in WRITES]
    assert pairs(emulator) == EXACT_PAIRS


def test_an_unknown_service_name_fails_before_any_write(make_emulator):
    emulator = make_world(make_emulator, "ip:port")
    assert authorize(emulator).rc == 0
    emulator.clear_calls()
    backends = [{"name": "typo", "gateway_services": ["web", "metrix"]}]
    run = authorize(emulator, backend_access_backends=backends)
    assert run.rc != 0
    message = run.task("Discover the security groups behind the backends")["msg"]
    assert "sources[0].gateway_services" in message
    assert "'metrix'" in message and "nothing was changed" in message and "'web'" in message
    assert not [c for c in emulator.calls() if c["action"] in WRITES]
    assert pairs(emulator) == EXACT_PAIRS


def test_named_services_with_explicit_port_ranges(make_emulator):
    emulator = make_world(make_emulator, "ip")
    run = run_tasks(
        [{"name": "web", BSI: {"gateway_id": GATEWAY, "sources": [{"gateway_services": ["web"]}]}}], emulator.env()
    )
    assert run.rc == 0, run
    source = run.task("web")["sources"][0]
    assert source["security_group_ids"] == ["sg-pods-a-svc01", "sg-pods-b-svc01"]
    assert source["port_ranges_by_group"] == {"sg-pods-a-svc01": ["8080/8080"], "sg-pods-b-svc01": ["8080/8080"]}
    backends = [{"gateway_services": ["legacy-api"], "port_ranges": ["8443", "9443"]}]
    assert authorize(emulator, backend_access_backends=backends, backend_access_purge=False).rc == 0
    assert pairs(emulator) == [("sg-vip-svc01", "8443/8443"), ("sg-vip-svc01", "9443/9443")]


def test_an_endpoint_in_a_known_clusters_pod_cidr_is_attributed_to_its_node_groups(make_emulator):
    """A Flannel pod address no ENI holds: with the cluster named, its node pools' groups; without, a finding."""
    emulator = make_world(make_emulator, "ip:port")
    state = emulator.state()
    state["clusters"][0]["container_cidr"] = "172.16.0.0/16"
    state["gateways"][0]["services"].append(
        {
            "id": "svc-flannel-svc01",
            "name": "flannel",
            "source_type": "K8S",
            "ports": [{"port": 7000}],
            "endpoints": [{"ip": "172.16.3.7"}],
        }
    )
    emulator.put_state(state)
    unknown = services_info(emulator)
    assert [f["ids"]["endpoint"] for f in by_code(unknown["findings"], "SERVICE_ENDPOINT_NOT_FOUND")] == [
        "172.16.3.7:7000",
        "10.20.2.250:8443",
    ]
    known = services_info(emulator, service_cluster_ids=["c-svc01"])
    flannel = next(s for s in known["gateways"][0]["services"] if s["name"] == "flannel")
    (endpoint,) = flannel["endpoints"]
    assert endpoint["cluster_id"] == "c-svc01"
    assert endpoint["security_group_ids"] == [
        "sg-pods-a-svc01",
        "sg-pods-b-svc01",
        "sg-node-c-svc01",
        "sg-node-extra-svc01",
    ]
    assert [f["ids"]["endpoint"] for f in by_code(known["findings"], "SERVICE_ENDPOINT_NOT_FOUND")] == [
        "10.20.2.250:8443"
    ]


def add_pod_enis(emulator) -> list:
    """30 Terway ENIs holding 150 pod IPs, all endpoints of one more service on 7000: 36 ENIs, 156 unique IPs."""
    state = emulator.state()
    pods = []
    for index in range(30):
        vswitch, net, i, base = (
            ("vsw-svc01-h", "10.20.1", index, 20) if index < 16 else ("vsw-svc01-i", "10.20.2", index - 16, 30)
        )
        secondary = [f"{net}.{base + 5 * i + k}" for k in range(5)]
        pods += secondary
        state["network_interfaces"].append(
            {
                "id": f"eni-pods{index:02d}-svc01",
                "vswitch": vswitch,
                "security_groups": ["sg-pods-a-svc01"],
                "primary_ip": f"{net}.{200 + i}",
                "secondary_ips": secondary,
            }
        )
    state["gateways"][0]["services"].append(
        {
            "id": "svc-pods-svc01",
            "name": "pods",
            "source_type": "K8S",
            "ports": [{"port": 7000}],
            "endpoints": [{"ip": ip} for ip in pods],
        }
    )
    emulator.put_state(state)
    return pods


def test_more_than_a_hundred_ips_cost_ceil_n_over_100_calls_per_lookup_kind(make_emulator):
    emulator = make_world(make_emulator, "ip:port")
    pods = add_pod_enis(emulator)
    emulator.clear_calls()
    listed = services_info(emulator)
    assert listed["gateways"][0]["services_lookup"] == {
        "unique_ips": UNIQUE_IPS + 150,
        "network_interface_lookup": "vpc_listing",
    }
    assert lookups(emulator) == {"listing": 1, "listing_batches": 1}  # 36 ENIs: one page of 500

    # Capped at 5: 7 listing pages left against 2 x ceil(152/100) = 4 by IP. The first page held node C's and the
    # VIP's primary ENIs and Terway ENI A (4 endpoint IPs): 152 are looked up by IP.
    emulator.set_knobs(page_cap=5)
    emulator.clear_calls()
    capped = services_info(emulator)
    assert capped["gateways"][0]["services_lookup"]["network_interface_lookup"] == "by_ip"
    assert capped["gateways"][0]["services"] == listed["gateways"][0]["services"]
    found = lookups(emulator)
    assert found["listing"] == 1
    assert found["by_secondary_ip_batches"] == math.ceil(152 / 100)
    assert found["instances_by_ip_batches"] == 1 and found["by_primary_ip"] == 1
    assert counts(emulator)["ListServices"] == math.ceil((SERVICES + 1) / 5)
    pods_service = next(s for s in capped["gateways"][0]["services"] if s["name"] == "pods")
    assert sorted(e["address"] for e in pods_service["endpoints"]) == sorted(pods)
    assert {e["network_interface_id"][:8] for e in pods_service["endpoints"]} == {"eni-pods"}


def test_the_audit_reads_the_gateway_and_its_services_once_for_a_gateway_services_entry(make_emulator, tmp_path):
    """gateway_info (services: true) reads them; backend_sg_info takes them from its `gateway` option."""
    emulator = make_world(make_emulator, "ip:port")
    assert authorize(emulator).rc == 0
    emulator.clear_calls()
    audit = run_playbook(
        "alibabacloud.apig.audit", emulator.env(), extra_vars=dict(ROLE_VARS, apig_audit_report_dir=str(tmp_path))
    )
    assert audit.rc == 0, audit
    calls = counts(emulator)
    assert calls["GetGateway"] == 1 and calls["ListServices"] == math.ceil(SERVICES / 100)
    assert calls["DescribeNetworkInterfaces"] == math.ceil(ENIS / 500)
    assert not set(WRITES) & set(calls)
    discovered = audit.task("Discover the declared backends' security groups")
    assert sorted({group for group, _range in EXACT_PAIRS}) == discovered["sources"][0]["security_group_ids"]
    # The mapping findings are gateway_info's, each once in the audit.
    report = (tmp_path / f"{GATEWAY}.json").read_text()
    document = json.loads(report)
    codes = [f["code"] for f in document["findings"] if f["code"].startswith("SERVICE_")]
    assert sorted(codes) == ["SERVICE_ADDRESS_NOT_IP", "SERVICE_ENDPOINT_NOT_FOUND"]
    assert document["summary"]["missing"] == 0


def test_backend_sg_info_given_a_gateway_of_another_id_fails_before_any_call(make_emulator):
    emulator = make_world(make_emulator, "ip")
    info = services_info(emulator)["gateways"][0]
    emulator.clear_calls()
    source = {"gateway_services": "all"}
    tasks = [
        {"name": "other", BSI: dict(gateway_id="gw-other01", gateway=info, **source), "ignore_errors": True},
        {"name": "given", BSI: dict(gateway_id=GATEWAY, gateway=info, **source)},
    ]
    run = run_tasks(tasks, emulator.env())
    assert run.rc == 0, run
    assert run.task("other")["msg"] == "gateway.gateway_id: 'gw-svc01' is not gateway_id 'gw-other01'"
    given = run.task("given")
    assert sorted(given["security_group_ids"]) == sorted({group for group, _range in EXACT_PAIRS})
    assert {"GetGateway", "ListServices", "GetService", "DescribeNetworkInterfaces"}.isdisjoint(counts(emulator))
