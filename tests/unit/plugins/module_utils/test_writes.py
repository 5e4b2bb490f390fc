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
