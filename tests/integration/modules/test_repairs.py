# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A repair (delete without cascade, add again) needs two reads of the group's inbound rules that agree.

One DescribeSecurityGroupAttribute answer with an empty or short ``Permissions`` list must not cost two
writes per authorization: the groups of the planned repairs are read a second time, and only a rule that
both reads miss is repaired. The second read happens only when a repair is planned.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List

from integration.modules.test_gateway_sg_authorization import ADD
from integration.modules.test_gateway_sg_authorization import DELETE
from integration.modules.test_gateway_sg_authorization import GW
from integration.modules.test_gateway_sg_authorization import SG1
from integration.modules.test_gateway_sg_authorization import SG2
from integration.modules.test_gateway_sg_authorization import gateway_ingress
from integration.modules.test_gateway_sg_authorization import seed_authorizations
from integration.modules.test_gateway_sg_authorization import task
from integration.modules.test_gateway_sg_authorization import world_authorizations
from integration.playbook import run_tasks

READ = "DescribeSecurityGroupAttribute"
RULES = [
    {"security_group_id": SG1, "port_ranges": ["8080"]},
    {"security_group_id": SG2, "port_ranges": ["80/9000"]},
]
SEEDED = [(SG1, "8080/8080", ""), (SG2, "80/9000", "")]
EMPTY_ONCE = {"action": READ, "malform": "Permissions.Permission", "value": [], "times": 1}


def converge(emulator: Any, name: str = "converge", **args: Any) -> Dict[str, Any]:
    emulator.clear_calls()
    run = run_tasks([task(name, rules=RULES, verify_backend_rules=True, **args)], emulator.env())
    assert run.rc == 0, run
    return run.task(name)


def actions_of(emulator: Any, *names: str) -> List[Dict[str, Any]]:
    return [c for c in emulator.calls() if c["action"] in names]


def remove_inbound_rule(emulator: Any, group_id: str) -> None:
    """Delete the group's inbound rules from the gateway out of band; the authorizations stay listed."""
    state = emulator.state()
    for group in state["security_groups"]:
        if group["id"] == group_id:
            group["permissions"] = [p for p in group["permissions"] if p.get("source_group_id") != "sg-gw-demo-hz01"]
    emulator.put_state(state)


def test_one_empty_permissions_answer_makes_no_write(emulator: Any) -> None:
    seed_authorizations(emulator, SEEDED)
    emulator.set_faults([EMPTY_ONCE])
    result = converge(emulator)
    assert actions_of(emulator, ADD, DELETE) == []
    assert result["changed"] is False and result["repaired"] == [] and result["actions"] == []
    disagree = [f for f in result["findings"] if f["code"] == "INBOUND_RULE_READS_DISAGREE"]
    assert len(disagree) == 1 and "two reads of" in disagree[0]["message"]
    assert disagree[0]["ids"]["security_group_id"] in (SG1, SG2)
    assert any("two reads of" in w for w in result["warnings"])
    # The newer read is the one reported: both authorizations are effective.
    assert [a["effective"] for a in result["authorizations"]] == [True, True]
    # Two reads before planning, one more of the group whose first answer was empty; none after (no write).
    reads = actions_of(emulator, READ)
    assert len(reads) == 3
    assert reads[-1]["params"]["SecurityGroupId"] == disagree[0]["ids"]["security_group_id"]
    assert world_authorizations(emulator) == [(SG1, "8080/8080"), (SG2, "80/9000")]


def test_check_mode_predicts_no_repair_from_one_empty_answer(emulator: Any) -> None:
    seed_authorizations(emulator, SEEDED)
    emulator.set_faults([EMPTY_ONCE])
    result = converge(emulator, name="preview", check=True)
    assert result["changed"] is False and result["repaired"] == []
    assert [f["code"] for f in result["findings"]] == ["INBOUND_RULE_READS_DISAGREE"]


def test_a_rule_really_missing_is_repaired_on_two_agreeing_reads(emulator: Any) -> None:
    seed_authorizations(emulator, SEEDED)
    remove_inbound_rule(emulator, SG1)
    assert gateway_ingress(emulator, SG1) == []
    result = converge(emulator)
    assert result["repaired"] == [{"security_group_id": SG1, "port_range": "8080/8080"}]
    assert [(a["action"], a["security_group_id"], a.get("cascading_delete")) for a in result["actions"]] == [
        ("delete", SG1, False),
        ("add", SG1, None),
    ]
    assert "INBOUND_RULE_READS_DISAGREE" not in [f["code"] for f in result["findings"]]
    # Before planning: SG1 and SG2; SG1 again to confirm the repair; after the writes: SG1 (the group written).
    groups = [c["params"]["SecurityGroupId"] for c in actions_of(emulator, READ)]
    assert sorted(groups[:2]) == [SG1, SG2] and groups[2:] == [SG1, SG1]
    assert gateway_ingress(emulator, SG1) == ["8080/8080"]


def test_a_no_op_run_makes_no_second_read(emulator: Any) -> None:
    seed_authorizations(emulator, SEEDED)
    result = converge(emulator)
    assert result["changed"] is False and result["findings"] == []
    assert sorted(c["params"]["SecurityGroupId"] for c in actions_of(emulator, READ)) == [SG1, SG2]
    assert {c["params"]["gatewayId"] for c in actions_of(emulator, "ListGatewayAuthorizedSecurityGroupRules")} == {GW}
