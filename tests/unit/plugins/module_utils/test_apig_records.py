# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ListGatewayAuthorizedSecurityGroupRules items -> records -> the planner's Authorizations (pure)."""

from __future__ import annotations

from typing import Any
from typing import Dict

import pytest
from ansible_collections.alibabacloud.apig.plugins.module_utils._apig import normalize_authorization_items
from ansible_collections.alibabacloud.apig.plugins.module_utils._apig import split_port_range_field
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Authorization
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import DesiredGroup
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import plan_authorizations
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import PortRange
from ansible_collections.alibabacloud.apig.plugins.module_utils._records import to_planner_authorizations

RECORD_KEYS = {
    "rule_id",
    "security_group_id",
    "security_group_name",
    "port_range",
    "ip_protocol",
    "source_security_group_id",
    "auth_cidrs",
    "vpc_id",
    "description",
}


def item(rule_id: str, port_range: Any, group: str = "sg-backend1", **extra: Any) -> Dict[str, Any]:
    """An item as the API's data.items[] carries it (wire names)."""
    body = {
        "securityGroupRuleId": rule_id,
        "securityGroupId": group,
        "securityGroupName": "backend",
        "portRange": port_range,
        "ipProtocol": "TCP",
        "sourceSecurityGroupId": "sg-gateway",
        "authCidrs": [],
        "vpcId": "vpc-1",
        "description": "svc",
    }
    body.update(extra)
    return body


def test_one_item_per_range_gives_one_record_each_with_every_field():
    records = normalize_authorization_items([item("gsgr-2", "443/443"), item("gsgr-1", "80/80")])
    assert [(r["rule_id"], r["port_range"]) for r in records] == [("gsgr-1", "80/80"), ("gsgr-2", "443/443")]
    assert set(records[0]) == RECORD_KEYS
    assert records[0] == {
        "rule_id": "gsgr-1",
        "security_group_id": "sg-backend1",
        "security_group_name": "backend",
        "port_range": "80/80",
        "ip_protocol": "TCP",
        "source_security_group_id": "sg-gateway",
        "auth_cidrs": [],
        "vpc_id": "vpc-1",
        "description": "svc",
    }


@pytest.mark.parametrize(
    "port_range",
    [
        "80/80,443/443,8000/8100",
        "80/80, 443/443, 8000/8100",
        "80/80;443/443;8000/8100",
        "80/80 443/443 8000/8100",
        " 80 / 80 ;443/443 , 8000-8100 ",
        ["80/80", "443/443", "8000/8100"],
    ],
)
def test_one_item_with_several_ranges_gives_one_record_per_range_sharing_the_rule_id(port_range):
    records = normalize_authorization_items([item("gsgr-1", port_range)])
    assert [(r["rule_id"], r["port_range"]) for r in records] == [
        ("gsgr-1", "80/80"),
        ("gsgr-1", "443/443"),
        ("gsgr-1", "8000/8100"),
    ]
    assert all(r["description"] == "svc" and r["security_group_id"] == "sg-backend1" for r in records)


def test_records_are_sorted_by_group_then_port_then_rule_id():
    records = normalize_authorization_items(
        [
            item("gsgr-3", "9000/9000", group="sg-b"),
            item("gsgr-2", "8080/8080", group="sg-a"),
            item("gsgr-1", "80/80", group="sg-b"),
            item("gsgr-0", "8080/8080", group="sg-a"),
        ]
    )
    assert [(r["security_group_id"], r["port_range"], r["rule_id"]) for r in records] == [
        ("sg-a", "8080/8080", "gsgr-0"),
        ("sg-a", "8080/8080", "gsgr-2"),
        ("sg-b", "80/80", "gsgr-1"),
        ("sg-b", "9000/9000", "gsgr-3"),
    ]


def test_missing_fields_become_none_and_empty_cidrs_are_dropped():
    records = normalize_authorization_items(
        [{"securityGroupRuleId": "gsgr-1", "securityGroupId": "sg-1", "portRange": "80", "authCidrs": [""]}]
    )
    assert records == [
        {
            "rule_id": "gsgr-1",
            "security_group_id": "sg-1",
            "security_group_name": None,
            "port_range": "80/80",
            "ip_protocol": None,
            "source_security_group_id": None,
            "auth_cidrs": [],
            "vpc_id": None,
            "description": None,
        }
    ]


def test_non_dict_items_are_ignored():
    assert normalize_authorization_items([None, "x", item("gsgr-1", "80/80")])[0]["rule_id"] == "gsgr-1"


@pytest.mark.parametrize("bad", ["80/", "abc", "-1/-1", "90/80", "0/70000", ""])
def test_a_malformed_range_from_the_api_is_kept_verbatim_and_skipped_from_planning_with_a_warning(bad):
    records = normalize_authorization_items([item("gsgr-1", "80/80"), item("gsgr-2", bad)])
    assert len(records) == 2
    assert {r["port_range"] for r in records} == {"80/80", bad}

    warnings = []
    authorizations = to_planner_authorizations(records, warnings.append)
    assert authorizations == [Authorization("gsgr-1", "sg-backend1", PortRange(80, 80), "svc")]
    assert len(warnings) == 1
    assert "gsgr-2" in warnings[0] and repr(bad) in warnings[0]

    # The unreadable authorization is never planned, not even by a purge.
    plan = plan_authorizations(
        authorizations, [DesiredGroup("sg-backend1", (PortRange(80, 80),))], purge_port_ranges=True
    )
    assert not plan.changed


def test_a_missing_port_range_is_kept_as_an_empty_string_and_not_planned():
    records = normalize_authorization_items([item("gsgr-1", None)])
    assert records[0]["port_range"] == ""
    assert to_planner_authorizations(records) == []


def test_one_malformed_piece_of_a_multi_range_item_leaves_the_others_usable():
    records = normalize_authorization_items([item("gsgr-1", "80/80,oops,443/443")])
    assert [r["port_range"] for r in records] == ["80/80", "443/443", "oops"]
    warnings = []
    assert [a.port_range for a in to_planner_authorizations(records, warnings.append)] == [
        PortRange(80, 80),
        PortRange(443, 443),
    ]
    assert len(warnings) == 1


def test_a_multi_range_item_is_planned_as_one_rule():
    records = normalize_authorization_items([item("gsgr-1", "80/80,443/443")])
    current = to_planner_authorizations(records)
    # Dropping 443 deletes the whole rule and adds 80 back afterwards.
    plan = plan_authorizations(current, [DesiredGroup("sg-backend1", (PortRange(80, 80),))], purge_port_ranges=True)
    assert [d.rule_id for d in plan.deletes] == ["gsgr-1"]
    assert [(a.security_group_id, a.port_ranges) for a in plan.readds] == [("sg-backend1", (PortRange(80, 80),))]
    assert plan.adds == ()


@pytest.mark.parametrize(
    "value, expected",
    [
        ("80/80", ["80/80"]),
        ("80 / 80", ["80/80"]),
        ("80/80,,443/443", ["80/80", "443/443"]),
        ("80-90 100-110", ["80-90", "100-110"]),
        (None, [""]),
        ("", [""]),
        (8080, ["8080"]),
    ],
)
def test_split_port_range_field(value, expected):
    assert split_port_range_field(value) == expected
