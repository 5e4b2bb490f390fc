# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""APIG 2024-03-27 through the real SDK client: gateways, authorizations and their ECS effects."""

from __future__ import annotations

import copy

import pytest
from alibabacloud_apig20240327 import models as apig_models
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_tea_openapi.exceptions import ClientException

GW = "gw-demo-hz01"
GW_GROUP = "sg-gw-demo-hz01"
SG1 = "sg-service1-hz01"
SG2 = "sg-service2-hz01"
ENTERPRISE = "sg-enterprise-hz01"
GATEWAY_CIDRS = ["192.168.1.0/24", "192.168.2.0/24"]


def add(apig, group, ranges, description=None, gateway=GW):
    request = apig_models.AddGatewaySecurityGroupRuleRequest(
        security_group_id=group, port_ranges=ranges, description=description
    )
    return apig.add_gateway_security_group_rule(gateway, request)


def authorized(apig, gateway=GW):
    request = apig_models.ListGatewayAuthorizedSecurityGroupRulesRequest()
    return apig.list_gateway_authorized_security_group_rules(gateway, request).body.data.items


def delete(apig, rule_id, cascade=None, gateway=GW):
    request = apig_models.DeleteGatewaySecurityGroupRuleRequest(cascading_delete=cascade)
    return apig.delete_gateway_security_group_rule(gateway, rule_id, request)


def permissions(ecs, group, region="cn-hangzhou"):
    request = ecs_models.DescribeSecurityGroupAttributeRequest(region_id=region, security_group_id=group)
    return ecs.describe_security_group_attribute(request).body.permissions.permission


def gateway_rules(ecs, group):
    """The ECS permissions of ``group`` that an authorization wrote (port range, source)."""
    return sorted(
        (p.port_range, p.source_group_id or p.source_cidr_ip)
        for p in permissions(ecs, group)
        if p.description.startswith("Authorized by APIG")
    )


# -- gateways ------------------------------------------------------------------------------------


def test_get_gateway_returns_networking_and_managed_group(apig):
    response = apig.get_gateway(GW)
    assert response.status_code == 200
    body = response.body
    assert (body.code, body.message) == ("Ok", "success")
    data = body.data
    assert (data.gateway_id, data.name, data.status, data.gateway_type) == (GW, "demo-gateway", "Running", "API")
    assert (data.security_group.security_group_id, data.security_group.name) == (GW_GROUP, "apig-managed-demo")
    assert (data.vpc.vpc_id, data.vpc.name) == ("vpc-demo-hz01", "demo-vpc")
    assert data.v_switch.v_switch_id == "vsw-demo-h-hz01"
    assert [(z.zone_id, z.v_switch.v_switch_id) for z in data.zones] == [
        ("cn-hangzhou-h", "vsw-demo-h-hz01"),
        ("cn-hangzhou-i", "vsw-demo-i-hz01"),
    ]
    assert isinstance(data.create_timestamp, int) and isinstance(data.replicas, str)


def test_get_unknown_gateway_is_404_gateway_not_found(apig, expect_api_error):
    expect_api_error(lambda: apig.get_gateway("gw-missing"), 404, "NotFound.GatewayNotFound", "gw-missing")


def _with_more_gateways(state, count):
    state = copy.deepcopy(state)
    template = state["gateways"][0]
    for index in range(count):
        extra = copy.deepcopy(template)
        extra.update(id=f"gw-extra-{index:02d}", name=f"extra-{index:02d}", authorizations=[], services=[])
        extra["security_group"] = {"id": f"sg-gw-extra-{index:02d}", "name": f"managed-{index:02d}", "type": "normal"}
        extra["tags"] = {"team": "blue" if index < 2 else "red"}
        if index % 2:
            extra["vpc"], extra["vswitches"], extra["zones"] = "vpc-other-hz01", ["vsw-other-h-hz01"], []
        state["gateways"].append(extra)
    return state


def test_list_gateways_pages_and_filters(emulator, apig):
    emulator.put_state(_with_more_gateways(emulator.state(), 4))

    def listed(**kwargs):
        return apig.list_gateways(apig_models.ListGatewaysRequest(**kwargs)).body.data

    everything = listed(page_size=50)
    assert everything.total_size == 5 and len(everything.items) == 5
    page = listed(page_number=2, page_size=2)
    assert (page.page_number, page.page_size, page.total_size) == (2, 2, 5)
    assert [g.gateway_id for g in page.items] == ["gw-extra-01", "gw-extra-02"]
    assert listed(page_number=3, page_size=2).items[0].gateway_id == "gw-extra-03"
    assert [g.gateway_id for g in listed(name="extra-02").items] == ["gw-extra-02"]
    assert [g.gateway_id for g in listed(keyword="EXTRA-0", page_size=10).items] == [
        f"gw-extra-{i:02d}" for i in range(4)
    ]
    assert [g.gateway_id for g in listed(vpc_id="vpc-other-hz01").items] == ["gw-extra-01", "gw-extra-03"]
    only = listed(gateway_id=GW).items
    assert [g.gateway_id for g in only] == [GW]
    assert only[0].security_group.security_group_id == GW_GROUP and only[0].vpc.vpc_id == "vpc-demo-hz01"
    assert listed(name="nope").total_size == 0
    red = listed(tag=[apig_models.ListGatewaysRequestTag(key="team", value="red")]).items
    assert [g.gateway_id for g in red] == ["gw-extra-02", "gw-extra-03"]
    assert [(t.key, t.value) for t in red[0].tags] == [("team", "red")]


def test_list_gateways_refuses_a_page_size_above_100(apig, expect_api_error):
    request = apig_models.ListGatewaysRequest(page_size=101)
    expect_api_error(lambda: apig.list_gateways(request), 400, "InvalidParameter", "pageSize")


# -- authorizations: the happy path --------------------------------------------------------------


def test_add_with_n_port_ranges_creates_n_entries_and_ecs_permissions(apig, ecs):
    response = add(apig, SG2, ["80/9000", "22/22"], description="service 2")
    assert response.status_code == 200
    assert (response.body.code, response.body.message) == ("Ok", "success")
    items = authorized(apig)
    assert [(i.security_group_id, i.port_range) for i in items] == [(SG2, "80/9000"), (SG2, "22/22")]
    first = items[0]
    assert first.security_group_rule_id.startswith("gsgr-")
    assert len({i.security_group_rule_id for i in items}) == 2
    assert (first.security_group_name, first.source_security_group_id, first.ip_protocol) == (
        "service-sg2",
        GW_GROUP,
        "TCP",
    )
    assert (first.description, first.vpc_id, first.auth_cidrs) == ("service 2", "vpc-demo-hz01", [])

    rules = [p for p in permissions(ecs, SG2) if p.source_group_id == GW_GROUP]
    assert sorted(p.port_range for p in rules) == ["22/22", "80/9000"]
    for rule in rules:
        assert (rule.direction, rule.policy, rule.ip_protocol, rule.nic_type, rule.priority) == (
            "ingress",
            "Accept",
            "TCP",
            "intranet",
            "1",
        )
        assert rule.security_group_rule_id.startswith("sgr-") and rule.source_cidr_ip == ""
        assert rule.source_group_name == "apig-managed-demo"


def test_enterprise_group_gets_one_cidr_rule_per_gateway_vswitch(apig, ecs):
    add(apig, ENTERPRISE, ["8080/8080"])
    (item,) = authorized(apig)
    assert item.auth_cidrs == GATEWAY_CIDRS
    assert item.source_security_group_id == GW_GROUP
    assert gateway_rules(ecs, ENTERPRISE) == [("8080/8080", cidr) for cidr in GATEWAY_CIDRS]
    assert all(p.source_group_id == "" for p in permissions(ecs, ENTERPRISE))


def test_cascading_delete_removes_the_ecs_permissions(apig, ecs):
    add(apig, SG1, ["8080/8080", "9090/9091"])
    before = len(permissions(ecs, SG1))
    rule = next(i for i in authorized(apig) if i.port_range == "8080/8080")
    response = delete(apig, rule.security_group_rule_id, cascade=True)
    assert response.status_code == 200 and response.body.code == "Ok"
    assert [i.port_range for i in authorized(apig)] == ["9090/9091"]
    assert gateway_rules(ecs, SG1) == [("9090/9091", GW_GROUP)]
    assert len(permissions(ecs, SG1)) == before - 1


@pytest.mark.parametrize("cascade", [False, None], ids=["cascadingDelete=False", "no-cascadingDelete"])
def test_delete_without_cascade_leaves_the_ecs_permissions(apig, ecs, emulator, cascade):
    add(apig, SG1, ["8080/8080"])
    (rule,) = authorized(apig)
    delete(apig, rule.security_group_rule_id, cascade=cascade)
    assert authorized(apig) == []
    assert gateway_rules(ecs, SG1) == [("8080/8080", GW_GROUP)]
    sent = emulator.calls(action="DeleteGatewaySecurityGroupRule")[-1]["params"]
    assert sent.get("cascadingDelete") == (None if cascade is None else "False")


def test_enterprise_cascade_removes_every_cidr_rule(apig, ecs):
    add(apig, ENTERPRISE, ["443/443"])
    (rule,) = authorized(apig)
    delete(apig, rule.security_group_rule_id, cascade=True)
    assert gateway_rules(ecs, ENTERPRISE) == []


def test_an_identical_existing_permission_is_linked_not_duplicated(emulator, apig, ecs):
    state = emulator.state()
    group = next(g for g in state["security_groups"] if g["id"] == SG1)
    group["permissions"].append(
        {"id": "sgr-manual-0001", "port_range": "8080/8080", "source_group_id": GW_GROUP, "description": "by hand"}
    )
    emulator.put_state(state)
    before = len(permissions(ecs, SG1))
    add(apig, SG1, ["8080/8080"])
    assert len(permissions(ecs, SG1)) == before
    linked = next(a for a in emulator.state()["gateways"][0]["authorizations"])
    assert linked["permission_ids"] == ["sgr-manual-0001"]


def test_cascade_keeps_permissions_another_authorization_still_needs(emulator, apig, ecs):
    """Two gateways on the same vSwitches need the same CIDR rules in an enterprise group."""
    state = emulator.state()
    twin = copy.deepcopy(state["gateways"][0])
    twin.update(id="gw-twin-hz01", name="twin", services=[])
    twin["security_group"] = {"id": "sg-gw-twin-hz01", "name": "apig-managed-twin", "type": "normal"}
    state["gateways"].append(twin)
    emulator.put_state(state)
    add(apig, ENTERPRISE, ["8080/8080"])
    add(apig, ENTERPRISE, ["8080/8080"], gateway="gw-twin-hz01")
    assert gateway_rules(ecs, ENTERPRISE) == [("8080/8080", cidr) for cidr in GATEWAY_CIDRS]

    (first,) = authorized(apig)
    delete(apig, first.security_group_rule_id, cascade=True)
    assert gateway_rules(ecs, ENTERPRISE) == [("8080/8080", cidr) for cidr in GATEWAY_CIDRS]
    (second,) = authorized(apig, gateway="gw-twin-hz01")
    delete(apig, second.security_group_rule_id, cascade=True, gateway="gw-twin-hz01")
    assert gateway_rules(ecs, ENTERPRISE) == []


def test_cascade_after_out_of_band_deletion_removes_what_is_left(emulator, apig, ecs):
    add(apig, ENTERPRISE, ["8080/8080"])
    state = emulator.state()
    group = next(g for g in state["security_groups"] if g["id"] == ENTERPRISE)
    group["permissions"] = [p for p in group["permissions"] if p.get("source_cidr_ip") != GATEWAY_CIDRS[0]]
    emulator.put_state(state)
    assert gateway_rules(ecs, ENTERPRISE) == [("8080/8080", GATEWAY_CIDRS[1])]
    (rule,) = authorized(apig)
    delete(apig, rule.security_group_rule_id, cascade=True)
    assert gateway_rules(ecs, ENTERPRISE) == []


# -- authorizations: validation ---------------------------------------------------------------------


def test_add_to_unknown_gateway_is_404(apig, expect_api_error):
    expect_api_error(lambda: add(apig, SG1, ["80/80"], gateway="gw-missing"), 404, "NotFound.GatewayNotFound")


def test_add_unknown_security_group_is_404(apig, expect_api_error):
    expect_api_error(
        lambda: add(apig, "sg-missing", ["80/80"]),
        404,
        "InvalidSecurityGroupId.NotFound",
        "sg-missing",
    )


def test_add_the_gateways_own_group_is_refused(apig, expect_api_error):
    expect_api_error(lambda: add(apig, GW_GROUP, ["80/80"]), 400, "InvalidParameter", GW_GROUP)


def test_add_a_group_in_another_vpc_is_refused(apig, expect_api_error):
    expect_api_error(lambda: add(apig, "sg-other-hz01", ["80/80"]), 400, "InvalidSourceGroupId.Mismatch", "VPC")


@pytest.mark.parametrize(
    "bad",
    ["80", "80-90", "90/80", "0/80", "1/65536", "70000/70001", "a/b", " 80/80", "-1/-1", "", 80],
)
def test_add_malformed_port_range_is_400_naming_the_value(apig, ecs, bad, expect_api_error):
    before = permissions(ecs, SG1)
    error = expect_api_error(lambda: add(apig, SG1, ["8080/8080", bad]), 400, "InvalidParameter")
    assert repr(bad) in error.message and "portRanges" in error.message
    assert authorized(apig) == [] and len(permissions(ecs, SG1)) == len(before)


def test_add_the_same_range_twice_in_one_request_is_refused(apig, expect_api_error):
    expect_api_error(lambda: add(apig, SG1, ["80/80", "80/80"]), 400, "InvalidParameter", "twice")


def test_add_without_security_group_id_is_400(apig, expect_api_error):
    expect_api_error(lambda: add(apig, None, ["80/80"]), 400, "MissingParameter", "securityGroupId")


@pytest.mark.parametrize("ranges", [None, []], ids=["absent", "empty"])
def test_add_without_port_ranges_is_400(apig, ranges, expect_api_error):
    expect_api_error(lambda: add(apig, SG1, ranges), 400, "MissingParameter", "portRanges")


def test_add_an_existing_authorization_again_is_409_and_writes_nothing(apig, expect_api_error):
    add(apig, SG1, ["8080/8080"])
    expect_api_error(
        lambda: add(apig, SG1, ["9000/9000", "8080/8080"]),
        409,
        "Conflict.SecurityGroupRuleExists",
        "8080/8080",
    )
    assert [i.port_range for i in authorized(apig)] == ["8080/8080"]


def test_rule_quota_of_the_backend_group_is_enforced(emulator, apig, ecs, expect_api_error):
    state = emulator.state()
    group = next(g for g in state["security_groups"] if g["id"] == SG2)
    group["rule_quota"] = 3  # one SSH rule already
    emulator.put_state(state)
    add(apig, SG2, ["80/80"])
    expect_api_error(lambda: add(apig, SG2, ["81/81", "82/82"]), 403, "AuthorizationLimitExceed", "quota of 3")
    assert len(permissions(ecs, SG2)) == 2
    add(apig, SG2, ["81/81"])
    assert len(permissions(ecs, SG2)) == 3


def test_default_rule_quota_is_200(apig, ecs, expect_api_error):
    ranges = [f"{port}/{port}" for port in range(10000, 10199)]  # 199 + the SSH rule = 200
    add(apig, SG2, ranges)
    assert len(permissions(ecs, SG2)) == 200
    expect_api_error(lambda: add(apig, SG2, ["20000/20000"]), 403, "AuthorizationLimitExceed")


def test_writes_to_a_gateway_being_deleted_are_409(emulator, apig, expect_api_error):
    state = emulator.state()
    state["gateways"][0]["status"] = "Deleting"
    emulator.put_state(state)
    expect_api_error(lambda: add(apig, SG1, ["80/80"]), 409, "Conflict.GatewayIsDeleted")


def test_cascading_delete_must_be_a_boolean(apig_raw, expect_api_error):
    path = f"/v1/gateways/{GW}/security-group-rules/gsgr-any"
    expect_api_error(
        lambda: apig_raw("DeleteGatewaySecurityGroupRule", "DELETE", path, {"cascadingDelete": "maybe"}),
        400,
        "InvalidParameter",
        "cascadingDelete",
    )


def test_delete_unknown_rule_is_404(apig, expect_api_error):
    expect_api_error(
        lambda: delete(apig, "gsgr-missing", cascade=True),
        404,
        "NotFound.SecurityGroupRuleNotFound",
        "gsgr-missing",
    )


def test_delete_twice_is_404_the_second_time(apig, expect_api_error):
    add(apig, SG1, ["80/80"])
    (rule,) = authorized(apig)
    delete(apig, rule.security_group_rule_id)
    expect_api_error(lambda: delete(apig, rule.security_group_rule_id), 404, "NotFound.SecurityGroupRuleNotFound")


def test_list_authorized_of_unknown_gateway_is_404(apig, expect_api_error):
    expect_api_error(lambda: authorized(apig, gateway="gw-missing"), 404, "NotFound.GatewayNotFound")


# -- authorizable groups ------------------------------------------------------------------------


def test_authorizable_groups_are_the_vpcs_groups_but_the_gateways_own(apig):
    request = apig_models.ListGatewayAuthorizableSecurityGroupsRequest()
    items = apig.list_gateway_authorizable_security_groups(GW, request).body.data.items
    assert [(i.security_group_id, i.name, i.type, i.vpc_id) for i in items] == [
        (SG1, "service-sg1", "Normal", "vpc-demo-hz01"),
        (SG2, "service-sg2", "Normal", "vpc-demo-hz01"),
        ("sg-extra-hz01", "extra-sg", "Normal", "vpc-demo-hz01"),
        (ENTERPRISE, "legacy-enterprise-sg", "Enterprise", "vpc-demo-hz01"),
    ]


def test_authorizable_groups_of_one_ack_cluster(apig):
    request = apig_models.ListGatewayAuthorizableSecurityGroupsRequest(cs_cluster_id="c-demo-hz01")
    items = apig.list_gateway_authorizable_security_groups(GW, request).body.data.items
    assert [i.security_group_id for i in items] == [SG1]


def test_authorizable_groups_of_unknown_cluster_is_404(apig, expect_api_error):
    request = apig_models.ListGatewayAuthorizableSecurityGroupsRequest(cs_cluster_id="c-missing")
    expect_api_error(
        lambda: apig.list_gateway_authorizable_security_groups(GW, request),
        404,
        "ErrorClusterNotFound",
    )


def test_error_body_uses_apig_lower_case_shape(emulator, apig):
    with pytest.raises(ClientException) as caught:
        apig.get_gateway("gw-missing")
    assert set(caught.value.data) == {"requestId", "code", "message", "statusCode"}


@pytest.mark.world("drift.yml")
def test_drift_world_lists_an_authorization_whose_ecs_rule_is_gone(apig, ecs):
    (item,) = authorized(apig, gateway="gw-drift-hz01")
    assert (item.security_group_rule_id, item.security_group_id, item.port_range) == (
        "gsgr-drift-hz01",
        "sg-pool-hz01",
        "8080/8080",
    )
    assert permissions(ecs, "sg-pool-hz01") == []
    delete(apig, "gsgr-drift-hz01", cascade=True, gateway="gw-drift-hz01")
    assert authorized(apig, gateway="gw-drift-hz01") == []
