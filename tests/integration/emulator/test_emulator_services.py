# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""APIG ListServices/GetService and ECS DescribeNetworkInterfaces, through the real SDK."""

from __future__ import annotations

import pytest
from alibabacloud_apig20240327 import models as apig_models
from alibabacloud_ecs20140526 import models as ecs_models
from emulator.world import load_world

GW = "gw-svc01"
REGION = "cn-hangzhou"
pytestmark = pytest.mark.world("services.yml")


def services(apig, **kwargs):
    kwargs.setdefault("gateway_id", GW)
    return apig.list_services(apig_models.ListServicesRequest(**kwargs)).body.data


def by_name(apig, **kwargs):
    return {s.name: s for s in services(apig, page_size=100, **kwargs).items}


def enis(ecs, **kwargs):
    return ecs.describe_network_interfaces(ecs_models.DescribeNetworkInterfacesRequest(region_id=REGION, **kwargs)).body


def eni_ids(body):
    return [e.network_interface_id for e in body.network_interface_sets.network_interface_set]


# -- ListServices / GetService ------------------------------------------------------------------


def test_list_services_answers_the_sdk_model(apig):
    data = services(apig, page_size=100)
    assert (data.page_number, data.page_size, data.total_size) == (1, 100, 5)
    found = {s.name: s for s in data.items}
    assert list(found) == ["web", "metrics", "legacy-api", "partner", "stale-vip"]
    web = found["web"]
    assert (web.service_id, web.gateway_id, web.source_type, web.namespace) == ("svc-web-svc01", GW, "K8S", "shop")
    assert web.addresses == ["10.20.1.102:8080", "10.20.1.103:8080", "10.20.2.102:8080"]
    assert [(p.port, p.name, p.protocol) for p in web.ports] == [(8080, "http", "TCP")]
    assert (web.health_status, web.unhealthy_endpoints) == ("Unhealthy", ["10.20.1.103:8080"])
    assert web.health_check.enable is True and isinstance(web.create_timestamp, int)
    assert found["metrics"].addresses == ["10.20.1.13:9100"] and found["metrics"].health_status == "Healthy"
    assert found["legacy-api"].addresses == ["10.20.2.21:8443"] and found["legacy-api"].source_type == "VIP"
    assert found["partner"].addresses == ["api.partner.example:443"]
    assert found["stale-vip"].addresses == ["10.20.2.250:8443"]


def test_bare_ip_address_form_puts_the_ports_in_ports(emulator, apig):
    emulator.set_knobs(service_address_form="ip")
    found = by_name(apig)
    assert found["web"].addresses == ["10.20.1.102", "10.20.1.103", "10.20.2.102"]
    assert found["web"].unhealthy_endpoints == ["10.20.1.103"]
    assert [p.port for p in found["web"].ports] == [8080]
    assert found["partner"].addresses == ["api.partner.example"]


def test_list_services_pages_and_filters(apig):
    pages = [services(apig, page_size=2, page_number=n) for n in (1, 2, 3, 4)]
    assert [len(p.items) for p in pages] == [2, 2, 1, 0] and {p.total_size for p in pages} == {5}
    assert list(by_name(apig, source_type="VIP")) == ["legacy-api", "stale-vip"]
    assert list(by_name(apig, source_types="DNS,K8S")) == ["web", "metrics", "partner"]
    assert list(by_name(apig, name="metrics")) == ["metrics"]
    assert list(by_name(apig, resource_group_id="rg-other")) == []


def test_list_services_errors(apig, expect_api_error):
    expect_api_error(lambda: services(apig, gateway_id="gw-nope"), 404, "NotFound.GatewayNotFound", "gw-nope")
    expect_api_error(lambda: services(apig, page_size=101), 400, "InvalidParameter", "pageSize")


def test_page_cap_on_list_services(emulator, apig):
    emulator.set_knobs(page_cap=2)
    data = services(apig, page_size=100)
    assert (len(data.items), data.page_size, data.total_size) == (2, 2, 5)
    assert [s.name for s in services(apig, page_size=100, page_number=3).items] == ["stale-vip"]


def test_get_service(apig, expect_api_error):
    data = apig.get_service("svc-legacy-svc01").body.data
    assert (data.name, data.addresses, data.ports[0].port) == ("legacy-api", ["10.20.2.21:8443"], 8443)
    expect_api_error(lambda: apig.get_service("svc-nope"), 404, "NotFound.ServiceNotFound", "svc-nope")


def test_demo_world_services_match_the_picture(make_emulator, clients_for):
    apig = clients_for(make_emulator("demo.yml")).apig()
    request = apig_models.ListServicesRequest(gateway_id="gw-demo-hz01")
    found = {s.name: s for s in apig.list_services(request).body.data.items}
    assert found["service-sg1"].addresses == ["192.168.1.102:8080", "192.168.1.103:8080", "192.168.2.102:8080"]
    assert found["service-sg2"].addresses == [
        "192.168.1.21:80",
        "192.168.1.21:9000",
        "192.168.2.22:80",
        "192.168.2.22:9000",
    ]


# -- changing a service at run time -------------------------------------------------------------


def test_move_port_between_two_runs(emulator, apig):
    changed = emulator.update_service("svc-web-svc01", move_port={"from": 8080, "to": 8081})
    assert changed["ports"][0]["port"] == 8081
    web = apig.get_service("svc-web-svc01").body.data
    assert [p.port for p in web.ports] == [8081]
    assert web.addresses == ["10.20.1.102:8081", "10.20.1.103:8081", "10.20.2.102:8081"]
    emulator.reset()
    assert apig.get_service("svc-web-svc01").body.data.ports[0].port == 8080


def test_replace_endpoints_and_ports(emulator, apig):
    emulator.update_service(
        "svc-legacy-svc01",
        ports=[{"port": 8443}, {"port": 9443}],
        endpoints=[
            {"ip": "10.20.2.21", "ports": [9443]},
            {"network_interface": "eni-terway-b-svc01", "healthy": False},
        ],
        health_status="Healthy",
    )
    data = apig.get_service("svc-legacy-svc01").body.data
    assert data.addresses == ["10.20.2.21:9443", "10.20.2.101:8443", "10.20.2.101:9443"]
    assert data.unhealthy_endpoints == ["10.20.2.101:8443", "10.20.2.101:9443"] and data.health_status == "Healthy"


@pytest.mark.parametrize(
    "service, change, status",
    [
        ("svc-nope", {"move_port": {"from": 1, "to": 2}}, "404"),
        ("svc-web-svc01", {"move_port": {"from": 9999, "to": 2}}, "400"),
        ("svc-web-svc01", {"endpoints": [{"instance": "i-nope"}]}, "400"),
        ("svc-web-svc01", {"endpoints": [{"ip": "10.0.0.1", "domain": "x.example"}]}, "400"),
        ("svc-web-svc01", {"ports": [{"port": 70000}]}, "400"),
        ("svc-web-svc01", {"colour": "red"}, "400"),
    ],
)
def test_a_bad_service_change_is_refused_and_changes_nothing(emulator, apig, service, change, status):
    with pytest.raises(RuntimeError, match=status):
        emulator.update_service(service, **change)
    assert apig.get_service("svc-web-svc01").body.data.ports[0].port == 8080


def test_world_file_service_errors_name_the_entry():
    doc = load_world("services.yml").to_document()
    doc["gateways"][0]["services"][0]["endpoints"] = [{"network_interface": "eni-nope"}]
    where = r"gateways\[0\] \(gw-svc01\).services\[0\] \(svc-web-svc01\).endpoints\[0\].network_interface"
    with pytest.raises(ValueError, match=where):
        load_world(doc)
    doc = load_world("services.yml").to_document()
    doc["network_interfaces"][0]["secondary_ips"] = ["10.20.1.11"]
    with pytest.raises(ValueError, match="10.20.1.11 is already held"):
        load_world(doc)


# -- DescribeNetworkInterfaces -------------------------------------------------------------------


def test_vpc_listing_holds_primary_and_secondary_enis(ecs):
    body = enis(ecs, vpc_id="vpc-svc01", max_results=500)
    sets = {e.network_interface_id: e for e in body.network_interface_sets.network_interface_set}
    assert len(sets) == 6 and body.next_token == "" and body.total_count == 6
    terway = sets["eni-terway-a-svc01"]
    assert (terway.type, terway.instance_id, terway.private_ip_address, terway.status) == (
        "Secondary",
        "i-node-a-svc01",
        "10.20.1.101",
        "InUse",
    )
    assert [(s.private_ip_address, s.primary) for s in terway.private_ip_sets.private_ip_set] == [
        ("10.20.1.101", True),
        ("10.20.1.102", False),
        ("10.20.1.103", False),
    ]
    assert terway.security_group_ids.security_group_id == ["sg-pods-a-svc01"]
    assert terway.attachment.instance_id == "i-node-a-svc01" and terway.v_switch_id == "vsw-svc01-h"
    (node_c,) = [e for e in sets.values() if e.instance_id == "i-node-c-svc01"]
    assert node_c.type == "Primary" and node_c.security_group_ids.security_group_id == [
        "sg-node-c-svc01",
        "sg-node-extra-svc01",
    ]


def test_private_ip_filter_matches_secondary_ips(emulator, ecs):
    body = enis(ecs, private_ip_address=["10.20.1.102", "10.20.2.102", "10.20.2.250", "10.20.1.13"])
    assert eni_ids(body) == ["eni-terway-a-svc01", "eni-terway-b-svc01"]  # a primary IP matches nothing
    emulator.set_knobs(eni_filters_match_primary=True)
    body = enis(ecs, private_ip_address=["10.20.1.13"])
    assert [e.instance_id for e in body.network_interface_sets.network_interface_set] == ["i-node-c-svc01"]
    call = emulator.calls(action="DescribeNetworkInterfaces")[0]
    assert call["params"]["PrivateIpAddress.1"] == "10.20.1.102"  # repeated keys, as the SDK sends a list


def test_primary_ip_instance_group_and_id_filters(emulator, ecs):
    assert [
        e.instance_id for e in enis(ecs, primary_ip_address="10.20.2.21").network_interface_sets.network_interface_set
    ] == ["i-vip-svc01"]
    assert len(eni_ids(enis(ecs, instance_id="i-node-a-svc01"))) == 2
    assert eni_ids(enis(ecs, security_group_id="sg-pods-a-svc01")) == ["eni-terway-a-svc01"]
    emulator.set_knobs(eni_filters_match_primary=True)
    assert len(eni_ids(enis(ecs, security_group_id="sg-pods-a-svc01"))) == 2
    assert eni_ids(enis(ecs, network_interface_id=["eni-terway-b-svc01", "eni-nope"])) == ["eni-terway-b-svc01"]
    assert eni_ids(enis(ecs, vpc_id="vpc-nope")) == []


def test_eni_paging_by_token_and_cap(emulator, ecs):
    first = enis(ecs, max_results=5)  # below 10 reads as 10
    assert len(eni_ids(first)) == 6 and first.next_token == ""
    emulator.set_knobs(page_cap=4)
    first = enis(ecs, max_results=500)
    second = enis(ecs, max_results=500, next_token=first.next_token)
    assert len(eni_ids(first)) == 4 and len(eni_ids(second)) == 2 and second.next_token == ""
    assert len(set(eni_ids(first) + eni_ids(second))) == 6


def test_eni_parameter_errors(ecs, expect_api_error):
    expect_api_error(lambda: enis(ecs, type="Tertiary"), 400, "InvalidParameter", "Type")
    too_many = [f"10.20.3.{n}" for n in range(1, 102)]
    expect_api_error(lambda: enis(ecs, private_ip_address=too_many), 400, "InvalidParameter", "PrivateIpAddress.101")


def test_describe_instances_by_private_ips_and_vpc(ecs):
    request = ecs_models.DescribeInstancesRequest(
        region_id=REGION, vpc_id="vpc-svc01", private_ip_addresses='["10.20.1.13", "10.20.2.21", "10.20.1.102"]'
    )
    found = ecs.describe_instances(request).body.instances.instance
    assert [i.instance_id for i in found] == [
        "i-node-c-svc01",
        "i-vip-svc01",
    ]  # a secondary ENI's IP is not the instance's
    node_a = ecs.describe_instances(
        ecs_models.DescribeInstancesRequest(region_id=REGION, instance_ids='["i-node-a-svc01"]')
    ).body.instances.instance[0]
    assert [(n.type, n.primary_ip_address) for n in node_a.network_interfaces.network_interface] == [
        ("Primary", "10.20.1.11"),
        ("Secondary", "10.20.1.101"),
    ]


def test_readonly_key_may_read_services_and_enis(emulator, clients):
    key = {"access_key_id": "emulator-ak-services-readonly", "access_key_secret": "emulator-secret-services-readonly"}
    assert clients.apig(**key).list_services(apig_models.ListServicesRequest(gateway_id=GW)).body.data.total_size == 5
    assert len(eni_ids(enis(clients.ecs(**key), vpc_id="vpc-svc01"))) == 6


def test_state_round_trip_keeps_services_enis_and_knobs(emulator):
    emulator.set_knobs(service_address_form="ip")
    state = emulator.state()
    assert [s["id"] for s in state["gateways"][0]["services"]][:1] == ["svc-web-svc01"]
    assert [e["id"] for e in state["network_interfaces"]] == ["eni-terway-a-svc01", "eni-terway-b-svc01"]
    emulator.put_state(state)
    assert emulator.state() == state
