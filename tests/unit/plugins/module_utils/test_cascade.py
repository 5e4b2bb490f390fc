# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure part of the cascade decision: which inbound rules a cascade removes, and whether they are the gateway's."""

from __future__ import annotations

import pytest
from ansible_collections.alibabacloud.apig.plugins.module_utils._cascade import GatewayContext
from ansible_collections.alibabacloud.apig.plugins.module_utils._cascade import added_over_existing_rules
from ansible_collections.alibabacloud.apig.plugins.module_utils._cascade import gateway_holds
from ansible_collections.alibabacloud.apig.plugins.module_utils._cascade import origin_holds
from ansible_collections.alibabacloud.apig.plugins.module_utils._cascade import rules_written_by
from ansible_collections.alibabacloud.apig.plugins.module_utils._cascade import shares_rules
from ansible_collections.alibabacloud.apig.plugins.module_utils._cascade import written_for
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import DeleteRule
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import PortRange

GW = "gw-1"
GW_SG = "sg-gw"


def rule(rule_id="sgr-1", port_range="8080/8080", description="", **extra):
    base = dict(rule_id=rule_id, direction="ingress", policy="Accept", ip_protocol="TCP", port_range=port_range)
    base.update(source_group_id=GW_SG, description=description)
    base.update(extra)
    return base


def record(rule_id="gsgr-1", port_range="8080/8080", description="", cidrs=(), group="sg-1"):
    return dict(
        rule_id=rule_id,
        security_group_id=group,
        port_range=port_range,
        description=description,
        source_security_group_id=GW_SG,
        auth_cidrs=list(cidrs),
    )


def test_a_cascade_removes_only_the_rules_identical_to_what_the_authorization_writes():
    rules = [
        rule("sgr-same"),
        rule("sgr-wider", port_range="1/65535"),
        rule("sgr-udp", ip_protocol="UDP"),
        rule("sgr-other-source", source_group_id="sg-x"),
        rule("sgr-drop", policy="Drop"),
    ]
    assert [p["rule_id"] for p in rules_written_by(record(), rules, None)] == ["sgr-same"]
    cidr_rules = [
        rule("sgr-a", source_group_id=None, source_cidr_ip="10.0.1.0/24"),
        rule("sgr-b", source_cidr_ip="10.9.0.0/24"),
    ]
    found = rules_written_by(record(cidrs=["10.0.1.0/24"]), cidr_rules, None)
    assert [p["rule_id"] for p in found] == ["sgr-a"]
    # An empty sourceSecurityGroupId falls back to the gateway's managed group.
    assert rules_written_by(dict(record(), source_security_group_id=""), rules, GW_SG)[0]["rule_id"] == "sgr-same"


@pytest.mark.parametrize(
    "rule_description, own, expected",
    [
        ("Authorized by APIG gateway gw-1", "", True),
        ("orders", "orders", True),
        ("made by hand", "orders", False),
        ("", "", False),  # an empty description proves nothing
        ("Authorized by APIG gateway gw-2", "", False),
    ],
)
def test_a_rule_is_the_gateways_when_its_description_says_so(rule_description, own, expected):
    assert written_for(rule(description=rule_description), record(description=own), GW) is expected


def test_origin_holds_name_the_foreign_rule_and_leave_the_gateways_own():
    records = [record("gsgr-1"), record("gsgr-2", port_range="9090/9090")]
    ingress = {"sg-1": [rule("sgr-hand", description="hand"), rule("sgr-own", "9090/9090", f"by {GW}")]}
    deletes = [
        DeleteRule("gsgr-1", "sg-1", (PortRange(8080, 8080),)),
        DeleteRule("gsgr-2", "sg-1", (PortRange(9090, 9090),)),
    ]
    held = origin_holds(deletes, records, GatewayContext(GW, None, ingress, None))
    assert list(held.reasons) == ["gsgr-1"] and "sgr-hand" in held.reasons["gsgr-1"]
    assert [f["code"] for f in held.findings] == ["INBOUND_RULE_PREEXISTS"]


def test_another_gateway_holds_an_enterprise_rule_only_on_the_same_group_range_and_a_common_cidr():
    mine = record(cidrs=["10.0.1.0/24", "10.0.2.0/24"])
    assert shares_rules(mine, record("o", cidrs=["10.0.2.0/24"]))
    assert shares_rules(mine, record("o"))  # no CIDR listed: cannot be told apart
    assert not shares_rules(mine, record("o", cidrs=["10.7.0.0/24"]))
    assert not shares_rules(mine, record("o", port_range="9090/9090", cidrs=["10.0.1.0/24"]))
    assert not shares_rules(mine, record("o", group="sg-2", cidrs=["10.0.1.0/24"]))
    step = DeleteRule("gsgr-1", "sg-1", (PortRange(8080, 8080),))
    held = gateway_holds([step], [mine], {"gw-2": [record("o", cidrs=["10.0.1.0/24"])], "gw-3": []})
    assert "gw-2" in held.reasons["gsgr-1"] and held.findings[0]["ids"]["gateway_ids"] == ["gw-2"]


def test_an_add_over_a_rule_with_another_description_is_reported():
    actions = [{"action": "add", "security_group_id": "sg-1", "port_ranges": ["8080/8080", "9090/9090"]}]
    records = [record("gsgr-1", description="orders"), record("gsgr-2", port_range="9090/9090")]
    ingress = {"sg-1": [rule("sgr-hand", description="hand"), rule("sgr-empty", "9090/9090")]}
    findings = added_over_existing_rules(records, actions, ingress, None, GW)
    assert [(f["code"], f["ids"]["inbound_rule_ids"]) for f in findings] == [("INBOUND_RULE_PREEXISTS", ["sgr-hand"])]
