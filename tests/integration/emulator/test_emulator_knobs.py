# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Knobs, seen through the real SDK: each reading of the real API the docs leave open."""

from __future__ import annotations

import copy
import threading
import time

import pytest
from alibabacloud_apig20240327 import models as apig_models
from alibabacloud_cs20151215 import models as cs_models
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_tea_openapi.exceptions import ThrottlingException
from emulator.world import load_world

GW = "gw-demo-hz01"
SG1 = "sg-service1-hz01"
DEFAULTS = {
    "list_lag_ms": 0,
    "duplicate_adds": "refuse",
    "page_cap": None,
    "empty_source_security_group_id": False,
    "cascade_removes_shared_rules": False,
    "service_address_form": "ip:port",
    "eni_filters_match_primary": False,
    "write_lock_concurrency": None,
    "inbound_rule_description": "gateway",
    "description_max_length": 512,
}


def listed(apig):
    request = apig_models.ListGatewayAuthorizedSecurityGroupRulesRequest()
    return apig.list_gateway_authorized_security_group_rules(GW, request).body.data.items


def add(apig, ranges=("8080/8080",), group=SG1):
    request = apig_models.AddGatewaySecurityGroupRuleRequest(security_group_id=group, port_ranges=list(ranges))
    return apig.add_gateway_security_group_rule(GW, request)


def delete(apig, rule_id, cascade=False):
    request = apig_models.DeleteGatewaySecurityGroupRuleRequest(cascading_delete=cascade)
    return apig.delete_gateway_security_group_rule(GW, rule_id, request)


def state_rules(emulator):
    return [(a["security_group"], a["port_range"]) for a in emulator.state()["gateways"][0]["authorizations"]]


def inbound(emulator, group=SG1):
    (found,) = [g for g in emulator.state()["security_groups"] if g["id"] == group]
    return [p for p in found["permissions"] if p.get("source_group_id") == "sg-gw-demo-hz01"]


# -- control ----------------------------------------------------------------------------------


def test_knobs_default_set_clear_and_reset(make_emulator):
    doc = load_world("demo.yml").to_document()
    doc["knobs"] = {"duplicate_adds": "ignore"}
    emu = make_emulator(doc)
    assert emu.knobs() == dict(DEFAULTS, duplicate_adds="ignore")
    assert emu.set_knobs(page_cap=3, list_lag_ms=10)["page_cap"] == 3
    assert emu.state()["knobs"] == dict(DEFAULTS, duplicate_adds="ignore", page_cap=3, list_lag_ms=10)
    assert emu.clear_knobs() == DEFAULTS
    emu.reset()  # back to the world file's knobs
    assert emu.knobs() == dict(DEFAULTS, duplicate_adds="ignore")


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"page_cap": 0}, "knobs.page_cap"),
        ({"duplicate_adds": "twice"}, "knobs.duplicate_adds"),
        ({"list_lag": 5}, "unknown key(s) list_lag"),
        ({"service_address_form": "ip-port"}, "knobs.service_address_form"),
        ({"inbound_rule_description": "none"}, "knobs.inbound_rule_description"),
    ],
)
def test_a_bad_knob_is_refused_and_changes_nothing(emulator, bad, message):
    with pytest.raises(RuntimeError, match="400") as caught:
        emulator.set_knobs(list_lag_ms=99, **bad)
    assert message in str(caught.value)
    assert emulator.knobs() == DEFAULTS


def test_a_bad_knob_in_the_world_file_names_it():
    doc = load_world("demo.yml").to_document()
    doc["knobs"] = {"cascade_removes_shared_rules": "yes"}
    with pytest.raises(ValueError, match="world.knobs.cascade_removes_shared_rules"):
        load_world(doc)


# -- list_lag_ms ------------------------------------------------------------------------------


def test_list_lag_shows_an_add_and_hides_a_delete_only_after_the_lag(emulator, apig):
    emulator.set_knobs(list_lag_ms=1500)
    add(apig)
    assert listed(apig) == []  # written, not yet listed
    assert state_rules(emulator) == [(SG1, "8080/8080")]
    time.sleep(1.6)
    (item,) = listed(apig)
    delete(apig, item.security_group_rule_id)
    assert [i.security_group_rule_id for i in listed(apig)] == [item.security_group_rule_id]  # still listed
    assert state_rules(emulator) == []
    time.sleep(1.6)
    assert listed(apig) == []


def test_without_lag_the_list_keeps_up(emulator, apig):
    add(apig)
    assert [i.port_range for i in listed(apig)] == ["8080/8080"]


# -- duplicate_adds ---------------------------------------------------------------------------


def test_duplicate_adds_refuse_is_the_default(emulator, apig, expect_api_error):
    add(apig)
    expect_api_error(lambda: add(apig), 409, "Conflict.SecurityGroupRuleExists", "8080/8080")
    assert state_rules(emulator) == [(SG1, "8080/8080")]


def test_duplicate_adds_accept_creates_a_second_record_sharing_the_rule(emulator, apig):
    emulator.set_knobs(duplicate_adds="accept")
    add(apig)
    add(apig)
    first, second = listed(apig)
    assert (first.security_group_id, first.port_range) == (second.security_group_id, second.port_range)
    assert first.security_group_rule_id != second.security_group_rule_id
    assert len(inbound(emulator)) == 1  # ECS does not write an identical rule twice
    emulator.put_state(emulator.state())  # a world with duplicates reads back under this knob


def test_duplicate_adds_ignore_answers_success_and_adds_only_new_ranges(emulator, apig):
    emulator.set_knobs(duplicate_adds="ignore")
    add(apig)
    assert add(apig).status_code == 200
    assert state_rules(emulator) == [(SG1, "8080/8080")]
    add(apig, ["8080/8080", "8443/8443"])
    assert state_rules(emulator) == [(SG1, "8080/8080"), (SG1, "8443/8443")]


# -- empty_source_security_group_id -----------------------------------------------------------


def test_empty_source_security_group_id(emulator, apig):
    add(apig)
    assert listed(apig)[0].source_security_group_id == "sg-gw-demo-hz01"
    emulator.set_knobs(empty_source_security_group_id=True)
    (item,) = listed(apig)
    assert item.source_security_group_id == "" and item.security_group_id == SG1


# -- cascade_removes_shared_rules -------------------------------------------------------------


@pytest.mark.parametrize("knob, left", [(False, 1), (True, 0)])
def test_cascade_of_a_shared_rule(emulator, apig, knob, left):
    emulator.set_knobs(duplicate_adds="accept", cascade_removes_shared_rules=knob)
    add(apig)
    add(apig)
    first, second = listed(apig)
    delete(apig, first.security_group_rule_id, cascade=True)
    assert [i.security_group_rule_id for i in listed(apig)] == [second.security_group_rule_id]
    assert len(inbound(emulator)) == left  # careful by default; the knob breaks the other record


def test_cascade_of_an_unshared_rule_removes_it_either_way(emulator, apig):
    emulator.set_knobs(cascade_removes_shared_rules=True)
    add(apig)
    delete(apig, listed(apig)[0].security_group_rule_id, cascade=True)
    assert inbound(emulator) == []


# -- inbound_rule_description -----------------------------------------------------------------


@pytest.mark.parametrize(
    "knob, description, written",
    [
        ("gateway", "orders", "Authorized by APIG gateway gw-demo-hz01"),
        ("authorization", "orders", "orders"),
        ("authorization", None, ""),
    ],
)
def test_the_description_of_the_inbound_rule_an_authorization_writes(emulator, apig, knob, description, written):
    emulator.set_knobs(inbound_rule_description=knob)
    request = apig_models.AddGatewaySecurityGroupRuleRequest(
        security_group_id=SG1, port_ranges=["8080/8080"], description=description
    )
    apig.add_gateway_security_group_rule(GW, request)
    assert [p.get("description", "") for p in inbound(emulator)] == [written]


def test_an_identical_rule_made_before_is_linked_and_keeps_its_description(emulator, apig):
    emulator.set_knobs(inbound_rule_description="authorization")
    state = emulator.state()
    (group,) = [g for g in state["security_groups"] if g["id"] == SG1]
    group["permissions"].append(
        {
            "id": "sgr-made-by-hand",
            "port_range": "8080/8080",
            "source_group_id": "sg-gw-demo-hz01",
            "description": "made by hand",
        }
    )
    emulator.put_state(state)
    add(apig)
    assert [(p["id"], p["description"]) for p in inbound(emulator)] == [("sgr-made-by-hand", "made by hand")]


# -- page_cap ---------------------------------------------------------------------------------


@pytest.mark.world("paging.yml")
def test_page_cap_on_cluster_nodes_pages_by_the_answer(emulator, cs):
    emulator.set_knobs(page_cap=10)
    cluster = emulator.state()["clusters"][0]["id"]
    seen, number = [], 1
    while True:
        body = cs.describe_cluster_nodes(
            cluster, cs_models.DescribeClusterNodesRequest(page_size="100", page_number=str(number))
        ).body
        assert len(body.nodes) <= 10 and body.page.page_size == 10 and body.page.total_count == 250
        if not body.nodes:
            break
        seen.extend(n.instance_id for n in body.nodes)
        number += 1
    assert len(seen) == len(set(seen)) == 250 and number == 26


@pytest.mark.world("paging.yml")
def test_page_cap_on_describe_instances_tokens_and_legacy_pages(emulator, ecs):
    emulator.set_knobs(page_cap=10)
    tag = [ecs_models.DescribeInstancesRequestTag(key="app", value="svc-003")]
    seen, token, calls = [], None, 0
    while True:
        request = ecs_models.DescribeInstancesRequest(
            region_id="cn-hangzhou", tag=tag, max_results=100, next_token=token
        )
        body = ecs.describe_instances(request).body
        calls += 1
        assert len(body.instances.instance) <= 10 and body.total_count == 150
        seen.extend(i.instance_id for i in body.instances.instance)
        token = body.next_token or None
        if token is None:
            break
    assert len(set(seen)) == 150 and calls == 15
    legacy = ecs.describe_instances(
        ecs_models.DescribeInstancesRequest(region_id="cn-hangzhou", tag=tag, page_size=100, page_number=2)
    ).body
    assert (legacy.page_size, legacy.page_number, legacy.total_count, len(legacy.instances.instance)) == (
        10,
        2,
        150,
        10,
    )


def test_page_cap_on_security_groups_and_gateways(emulator, ecs, apig):
    emulator.set_knobs(page_cap=2)
    body = ecs.describe_security_groups(
        ecs_models.DescribeSecurityGroupsRequest(region_id="cn-hangzhou", max_results=100)
    ).body
    assert len(body.security_groups.security_group) == 2 and body.next_token and body.total_count == 6
    state = emulator.state()
    for index in range(4):
        extra = copy.deepcopy(state["gateways"][0])
        extra.update(id=f"gw-extra-{index}", name=f"extra-{index}", authorizations=[], services=[])
        extra["security_group"] = {"id": f"sg-gw-extra-{index}", "name": f"managed-{index}", "type": "normal"}
        state["gateways"].append(extra)
    emulator.put_state(state)
    pages = []
    for number in (1, 2, 3):
        data = apig.list_gateways(apig_models.ListGatewaysRequest(page_size=50, page_number=number)).body.data
        assert (data.page_size, data.total_size) == (2, 5)
        pages.append([g.gateway_id for g in data.items])
    assert [len(p) for p in pages] == [2, 2, 1] and len({g for p in pages for g in p}) == 5


def test_page_cap_on_security_group_attribute(emulator, ecs):
    emulator.set_knobs(page_cap=1)
    request = ecs_models.DescribeSecurityGroupAttributeRequest(region_id="cn-hangzhou", security_group_id=SG1)
    body = ecs.describe_security_group_attribute(request).body
    assert len(body.permissions.permission) == 1 and body.next_token == ""  # one rule: one page


# -- malform ----------------------------------------------------------------------------------


def raw_list(apig_raw):
    """The answer body before the SDK's typed model reads it."""
    path = f"/v1/gateways/{GW}/authorized-security-groups-rules"
    return apig_raw("ListGatewayAuthorizedSecurityGroupRules", "GET", path)["body"]


def test_malform_drops_the_list_items_once(emulator, apig, apig_raw):
    add(apig)
    rule = {"action": "ListGatewayAuthorizedSecurityGroupRules", "malform": "data.items", "times": 1}
    emulator.set_faults([rule])
    assert raw_list(apig_raw)["data"] == {}
    assert len(raw_list(apig_raw)["data"]["items"]) == 1  # once only
    emulator.set_faults([rule])
    assert listed(apig) == []  # the SDK's typed model reads a missing "items" as an empty list
    assert emulator.faults()[0]["remaining"] == 0


def test_malform_retypes_and_drops_item_fields(emulator, apig):
    add(apig, ["8080/8080", "8443/8443"])
    emulator.set_faults(
        [
            {"action": "ListGatewayAuthorizedSecurityGroupRules", "malform": "data.items.*.authCidrs", "value": 5},
        ]
    )
    assert [i.auth_cidrs for i in listed(apig)] == [5, 5]
    emulator.set_faults(
        [{"action": "ListGatewayAuthorizedSecurityGroupRules", "malform": "data.items.0.securityGroupId"}]
    )
    first, second = listed(apig)
    assert first.security_group_id is None and second.security_group_id == SG1
    assert first.security_group_rule_id and listed(apig)[0].security_group_id is None  # always, without times


def test_malform_drops_instances_of_describe_instances(emulator, ecs):
    emulator.set_faults([{"action": "DescribeInstances", "product": "ecs", "malform": "Instances", "times": 1}])
    request = ecs_models.DescribeInstancesRequest(region_id="cn-hangzhou")
    body = ecs.describe_instances(request).body
    assert body.instances is None and body.total_count == 7
    assert len(ecs.describe_instances(request).body.instances.instance) == 7


def test_a_malformed_write_answer_still_wrote(emulator, apig):
    emulator.set_faults([{"action": "AddGatewaySecurityGroupRule", "malform": "code", "value": 5}])
    assert add(apig).body.code == 5
    assert state_rules(emulator) == [(SG1, "8080/8080")]


@pytest.mark.parametrize(
    "rule",
    [
        {"action": "*", "malform": ""},
        {"action": "*", "malform": "data..items"},
        {"action": "*", "malform": 5},
        {"action": "*", "latency_ms": 5, "value": 1},
        {"action": "*", "calls": "writes", "throttle_after_per_second": 1},
    ],
)
def test_bad_malform_and_calls_rules_are_refused(emulator, rule):
    with pytest.raises(RuntimeError, match="400"):
        emulator.set_faults([rule])


# -- rate limits --------------------------------------------------------------------------------


def test_write_rate_limit_throttles_writes_only(emulator, apig, expect_api_error):
    emulator.set_faults([{"action": "*", "calls": "write", "throttle_after_per_second": 2}])
    add(apig, ["1000/1000"])
    add(apig, ["1001/1001"])
    expect_api_error(lambda: add(apig, ["1002/1002"]), 400, "Throttling.User", "flow control")
    for _attempt in range(5):
        listed(apig)  # reads are not limited
    assert [c["code"] for c in emulator.calls(action="AddGatewaySecurityGroupRule")] == [None, None, "Throttling.User"]
    assert len(state_rules(emulator)) == 2  # the throttled add wrote nothing


def test_read_rate_limit_with_retry_after_spares_writes(emulator, apig, ecs):
    emulator.set_faults([{"action": "*", "calls": "read", "throttle_after_per_second": 1, "retry_after_ms": 300}])
    listed(apig)
    with pytest.raises(ThrottlingException) as caught:
        ecs.describe_instances(ecs_models.DescribeInstancesRequest(region_id="cn-hangzhou"))
    assert (caught.value.status_code, caught.value.code, caught.value.retry_after) == (400, "Throttling.User", 300)
    add(apig)
    add(apig, ["8443/8443"])  # writes are not limited
    with pytest.raises(ThrottlingException):
        listed(apig)


# -- write_lock_concurrency -------------------------------------------------------------------


def test_a_write_meeting_the_gateways_lock_is_refused_and_changes_nothing(emulator, apig, expect_api_error):
    """One write at a time: an add sent while another add of the gateway is in flight answers LockFailed."""
    emulator.set_knobs(write_lock_concurrency=1)
    emulator.set_faults([{"action": "AddGatewaySecurityGroupRule", "latency_ms": 2000, "times": 1}])
    outcome = []
    first = threading.Thread(target=lambda: outcome.append(add(apig).status_code))
    first.start()
    time.sleep(0.5)  # the first add holds the lock for 2 s
    expect_api_error(lambda: add(apig, ("9090/9090",)), 409, "Conflict.LockFailed", "locked")
    first.join()
    assert outcome == [200]
    assert state_rules(emulator) == [(SG1, "8080/8080")]
    # The lock is free again; the default reading takes any number of writes.
    add(apig, ("9090/9090",))
    emulator.set_knobs(write_lock_concurrency=None)
    assert state_rules(emulator) == [(SG1, "8080/8080"), (SG1, "9090/9090")]
