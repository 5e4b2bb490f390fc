# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How a plan's steps are rendered as the module's `actions`, and which re-adds restore a failed delete phase."""

from __future__ import annotations

import json

from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import AddRanges
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Authorization
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import DesiredGroup
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Plan
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import plan_authorizations
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import PortRange
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import _readds_for
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import planned_actions
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import render_action


def auth(rule_id: str, group: str, start: int, description=None) -> Authorization:
    return Authorization(rule_id, group, PortRange(start, start), description)


def test_actions_are_json_friendly_and_in_execution_order() -> None:
    current = [auth("r1", "sg-1", 80, "d"), auth("r1", "sg-1", 443, "d"), auth("r2", "sg-2", 22)]
    plan = plan_authorizations(
        current,
        [DesiredGroup("sg-1", (PortRange(80, 80), PortRange(8080, 8080)), "web")],
        purge_port_ranges=True,
        purge_security_groups=True,
    )
    delete = {"action": "delete", "cascading_delete": False}
    expected = [
        {"action": "add", "security_group_id": "sg-1", "port_ranges": ["8080/8080"], "description": "web"},
        dict(delete, rule_id="r1", security_group_id="sg-1", port_ranges=["80/80", "443/443"]),
        dict(delete, rule_id="r2", security_group_id="sg-2", port_ranges=["22/22"]),
        {"action": "add", "security_group_id": "sg-1", "port_ranges": ["80/80"], "description": "d"},
    ]
    assert planned_actions(plan, cascading_delete=False) == expected
    assert json.loads(json.dumps(planned_actions(plan, cascading_delete=False))) == expected
    assert [render_action(step, False) for step in plan.steps] == expected
    assert [a.get("cascading_delete") for a in planned_actions(plan, cascading_delete=True)] == [None, True, True, None]
    assert planned_actions(Plan(), cascading_delete=True) == []


def test_only_the_ranges_of_rules_actually_deleted_are_added_back() -> None:
    readds = [AddRanges("sg-1", (PortRange(80, 80), PortRange(90, 90))), AddRanges("sg-2", (PortRange(22, 22),))]
    deleted = [{"action": "delete", "security_group_id": "sg-1", "port_ranges": ["80/80", "443/443"]}]
    assert _readds_for(readds, deleted) == [AddRanges("sg-1", (PortRange(80, 80),))]
    assert _readds_for(readds, []) == []


def test_a_delete_whose_rule_another_staying_authorization_shares_does_not_cascade() -> None:
    from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import shared_rule_ids

    current = [auth("r1", "sg-1", 80), auth("r2", "sg-1", 80), auth("r3", "sg-1", 443)]
    plan = plan_authorizations(current, [DesiredGroup("sg-1", (PortRange(80, 80),))], purge_port_ranges=True)
    # r2 is r1's duplicate (deleted, its rule shared with r1 that stays); r3 is purged alone.
    assert sorted(step.rule_id for step in plan.deletes) == ["r2", "r3"]
    shared = shared_rule_ids(current, plan)
    assert list(shared) == ["r2"] and "(r1)" in shared["r2"]
    actions = {a["rule_id"]: a for a in planned_actions(plan, True, shared) if "rule_id" in a}
    assert {rule_id: a["cascading_delete"] for rule_id, a in actions.items()} == {"r2": False, "r3": True}
    # The action says why it does not cascade; a delete that cascades carries no reason.
    assert actions["r2"]["cascade_skipped"] == shared["r2"] and "cascade_skipped" not in actions["r3"]
    # Without cascading_delete there is nothing to skip.
    assert all("cascade_skipped" not in a for a in planned_actions(plan, False, shared))
    # Both holders deleted: nothing stays that needs the rule, so both cascade.
    both = plan_authorizations(current, [DesiredGroup("sg-1", (PortRange(80, 80),))], state="absent")
    assert shared_rule_ids(current, both) == {}


def test_rule_quota_errors_come_from_the_code_table() -> None:
    from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError
    from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import is_rule_quota_error

    assert is_rule_quota_error(ApiError("Add", code="AuthorizationLimitExceed", status=403))
    assert not is_rule_quota_error(ApiError("Add", code="Throttling.User", status=400))
    assert not is_rule_quota_error(ApiError("Add", code="QuotaThrottlingExceed", status=400))


def test_duplicates_and_cascade_removals_are_findings() -> None:
    from ansible_collections.alibabacloud.apig.plugins.module_utils._records import duplicate_findings
    from ansible_collections.alibabacloud.apig.plugins.module_utils._verification import cascade_findings
    from ansible_collections.alibabacloud.apig.plugins.module_utils._verification import cascaded_groups

    records = [
        {"rule_id": "r2", "security_group_id": "sg-1", "port_range": "80/80"},
        {"rule_id": "r1", "security_group_id": "sg-1", "port_range": "80/80"},
        {"rule_id": "r3", "security_group_id": "sg-1", "port_range": "443/443"},
    ]
    (finding,) = duplicate_findings(records)
    assert finding["code"] == "DUPLICATE_AUTHORIZATION" and finding["ids"]["rule_ids"] == ["r1", "r2"]
    actions = [
        {"action": "delete", "rule_id": "r9", "security_group_id": "sg-1", "cascading_delete": True},
        {"action": "delete", "rule_id": "r8", "security_group_id": "sg-2", "cascading_delete": False},
    ]
    assert cascaded_groups(actions) == ["sg-1"]
    verified = [dict(records[2], effective=False), {"rule_id": "r4", "security_group_id": "sg-2", "effective": False}]
    (lost,) = cascade_findings(verified, actions)
    assert lost["code"] == "INBOUND_RULE_REMOVED_BY_CASCADE" and lost["ids"]["deleted_rule_ids"] == ["r9"]


def test_wait_timeout_is_checked_before_any_call() -> None:
    import pytest
    from ansible_collections.alibabacloud.apig.plugins.module_utils._converge import wait_timeout_option
    from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError

    assert wait_timeout_option({"wait_timeout": 0}) == 0.0
    assert wait_timeout_option({}) == 60.0
    for bad in (-1, 3601):
        with pytest.raises(OptionError, match="wait_timeout"):
            wait_timeout_option({"wait_timeout": bad})
