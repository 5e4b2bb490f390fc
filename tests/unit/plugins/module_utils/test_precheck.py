# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pre-check's pure comparison and its options: which target groups the API would refuse, and why."""

from __future__ import annotations

import pytest
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import AddRanges
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import DeleteRule
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Plan
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import PortRange
from ansible_collections.alibabacloud.apig.plugins.module_utils._precheck import GatewayFacts
from ansible_collections.alibabacloud.apig.plugins.module_utils._precheck import check_targets
from ansible_collections.alibabacloud.apig.plugins.module_utils._precheck import parse_known_facts
from ansible_collections.alibabacloud.apig.plugins.module_utils._precheck import target_group_ids

GATEWAY = GatewayFacts("gw-1", "vpc-a", "sg-gw")


def group(group_id: str, vpc: str = "vpc-a", kind: str = "normal") -> dict:
    return {"security_group_id": group_id, "vpc_id": vpc, "type": kind}


@pytest.mark.parametrize(
    "group_id, groups, reason",
    [
        ("sg-gw", {"sg-gw": group("sg-gw")}, "sg-gw is the gateway gw-1's own managed security group"),
        ("sg-gone", {}, "sg-gone does not exist"),
        ("sg-far", {"sg-far": group("sg-far", "vpc-b")}, "sg-far is in VPC vpc-b, not in the gateway gw-1's VPC vpc-a"),
        ("sg-odd", {"sg-odd": group("sg-odd", kind="managed")}, "type 'managed', neither normal nor enterprise"),
    ],
)
def test_a_group_the_api_refuses_is_named_with_its_reason(group_id: str, groups: dict, reason: str) -> None:
    [message] = check_targets([group_id], groups, GATEWAY)
    assert reason in message


def test_normal_and_enterprise_groups_of_the_gateway_vpc_pass() -> None:
    groups = {"sg-n": group("sg-n"), "sg-e": group("sg-e", kind="enterprise")}
    assert check_targets(["sg-n", "sg-e"], groups, GATEWAY) == []


def test_an_unknown_gateway_vpc_refuses_rather_than_guesses() -> None:
    [message] = check_targets(["sg-n"], {"sg-n": group("sg-n")}, GatewayFacts("gw-1", None, "sg-gw"))
    assert "VPC is not known" in message


def test_targets_are_the_groups_added_to_never_the_deleted_ones() -> None:
    one = (PortRange(80, 80),)
    plan = Plan(
        adds=(AddRanges("sg-b", one),), deletes=(DeleteRule("r1", "sg-c", one),), readds=(AddRanges("sg-a", one),)
    )
    assert target_group_ids(plan) == ["sg-a", "sg-b"]


def test_known_facts_must_be_of_this_gateway_and_name_their_groups() -> None:
    gateway = {"gateway_id": "gw-1", "vpc_id": "vpc-a", "security_group": {"security_group_id": "sg-gw"}}
    facts = parse_known_facts({"gateway": gateway, "known_security_groups": [group("sg-1")]}, "gw-1")
    assert facts.gateway == GATEWAY and set(facts.groups) == {"sg-1"}
    with pytest.raises(OptionError, match=r"gateway.gateway_id: 'gw-1' is not gateway_id 'gw-2'"):
        parse_known_facts({"gateway": gateway}, "gw-2")
    with pytest.raises(OptionError, match=r"known_security_groups\[0\].security_group_id"):
        parse_known_facts({"known_security_groups": [{"vpc_id": "vpc-a"}]}, "gw-1")
