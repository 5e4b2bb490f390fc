# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Inbound rules that were there before the authorization: reported, and never deleted by a cascading revoke.

ECS does not create an identical rule twice, so an authorization added over a rule made by hand (or by
another tool) uses that rule. Under both readings of the emulator knob ``inbound_rule_description`` (the
rule APIG writes names the gateway, or carries the authorization's description), the add reports
INBOUND_RULE_PREEXISTS, and the revoke deletes the authorization without cascade and says why. Enterprise
groups shared by two gateways on the same vSwitches: revoking one leaves what the other needs, under the
``cascade_removes_shared_rules`` reading.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List

import pytest
from integration.modules.test_gateway_sg_authorization import DELETE
from integration.modules.test_gateway_sg_authorization import GW
from integration.modules.test_gateway_sg_authorization import GW_SG
from integration.modules.test_gateway_sg_authorization import SG1
from integration.modules.test_gateway_sg_authorization import SG_ENTERPRISE
from integration.modules.test_gateway_sg_authorization import task
from integration.playbook import run_tasks

READ = "DescribeSecurityGroupAttribute"
HAND_MADE = "sgr-made-by-hand"
READINGS = ["gateway", "authorization"]


def group_rules(emulator: Any, group_id: str) -> List[Dict[str, Any]]:
    (group,) = [g for g in emulator.state()["security_groups"] if g["id"] == group_id]
    return group.get("permissions") or []


def add_hand_made_rule(emulator: Any, group_id: str = SG1, port_range: str = "8080/8080") -> None:
    state = emulator.state()
    (group,) = [g for g in state["security_groups"] if g["id"] == group_id]
    group["permissions"].append(
        {"id": HAND_MADE, "port_range": port_range, "source_group_id": GW_SG, "description": "made by hand"}
    )
    emulator.put_state(state)


def run_one(emulator: Any, name: str, **args: Any) -> Dict[str, Any]:
    emulator.clear_calls()
    run = run_tasks([task(name, **args)], emulator.env())
    assert run.rc == 0, run
    return run.task(name)


def cascade_params(emulator: Any) -> List[str]:
    return [str(c["params"].get("cascadingDelete")).lower() for c in emulator.calls(action=DELETE)]


@pytest.mark.parametrize("reading", READINGS)
def test_a_hand_made_rule_is_reported_when_authorized_and_left_in_place_when_revoked(emulator, reading):
    emulator.set_knobs(inbound_rule_description=reading)
    add_hand_made_rule(emulator)
    added = run_one(
        emulator, "add", security_group_id=SG1, port_ranges=["8080"], description="orders", verify_backend_rules=True
    )
    (finding,) = [f for f in added["findings"] if f["code"] == "INBOUND_RULE_PREEXISTS"]
    assert finding["ids"]["inbound_rule_ids"] == [HAND_MADE] and "was there before it" in finding["message"]
    assert any("was there before it" in w for w in added["warnings"])

    preview = run_one(emulator, "preview", security_group_id=SG1, state="absent", check=True)
    revoked = run_one(emulator, "revoke", security_group_id=SG1, state="absent")
    for result in (preview, revoked):
        (action,) = result["actions"]
        assert (
            action["cascading_delete"] is False
            and "does not show that the gateway wrote it" in action["cascade_skipped"]
        )
        assert [f["code"] for f in result["findings"]] == ["INBOUND_RULE_PREEXISTS"]
        assert any("revoked without cascade" in w for w in result["warnings"])
    assert cascade_params(emulator) == ["false"]
    assert [p["id"] for p in group_rules(emulator, SG1) if p.get("source_group_id") == GW_SG] == [HAND_MADE]
    # One read of the group before the delete; none after it (nothing cascaded).
    assert [c["params"]["SecurityGroupId"] for c in emulator.calls(action=READ)] == [SG1]


@pytest.mark.parametrize("reading", READINGS)
def test_a_rule_the_gateway_wrote_is_deleted_by_the_cascade(emulator, reading):
    emulator.set_knobs(inbound_rule_description=reading)
    added = run_one(
        emulator, "add", security_group_id=SG1, port_ranges=["8080"], description="orders", verify_backend_rules=True
    )
    assert added["findings"] == []
    revoked = run_one(emulator, "revoke", security_group_id=SG1, state="absent")
    (action,) = revoked["actions"]
    assert action["cascading_delete"] is True and "cascade_skipped" not in action
    assert revoked.get("findings", []) == []
    assert cascade_params(emulator) == ["true"]
    assert [p for p in group_rules(emulator, SG1) if p.get("source_group_id") == GW_SG] == []
    # The group is read once, before the delete (whose rules would it remove?); no authorization is left in it
    # to check after the cascade.
    assert [c["params"]["SecurityGroupId"] for c in emulator.calls(action=READ)] == [SG1]


def test_a_rule_without_description_is_not_proven_the_gateways_and_is_kept(emulator):
    # Under the reading where the rule carries the authorization's description, an authorization without
    # one writes a rule without one: it cannot be told from a hand-made rule, so it is not cascaded.
    emulator.set_knobs(inbound_rule_description="authorization")
    run_one(emulator, "add", security_group_id=SG1, port_ranges=["8080"])
    revoked = run_one(emulator, "revoke", security_group_id=SG1, state="absent")
    (action,) = revoked["actions"]
    assert action["cascading_delete"] is False and "description ''" in action["cascade_skipped"]
    assert len([p for p in group_rules(emulator, SG1) if p.get("source_group_id") == GW_SG]) == 1


def test_no_cascade_asked_means_no_read(emulator):
    add_hand_made_rule(emulator)
    run_one(emulator, "add", security_group_id=SG1, port_ranges=["8080"])
    revoked = run_one(emulator, "revoke", security_group_id=SG1, state="absent", cascading_delete=False)
    assert [a["cascading_delete"] for a in revoked["actions"]] == [False]
    assert "cascade_skipped" not in revoked["actions"][0] and revoked.get("findings", []) == []
    assert emulator.calls(product="ecs") == []


# --- enterprise groups shared by two gateways ---------------------------------------------------------

GW2 = "gw-second-hz01"


def add_second_gateway(emulator: Any) -> None:
    """A second gateway in the demo gateway's VPC, on the same vSwitches (so the same CIDRs)."""
    state = emulator.state()
    (first,) = [g for g in state["gateways"] if g["id"] == GW]
    state["gateways"].append(
        {
            "id": GW2,
            "name": "second-gateway",
            "vpc": first["vpc"],
            "vswitches": list(first["vswitches"]),
            "security_group": {"id": "sg-gw-second-hz01", "name": "second", "type": "enterprise"},
        }
    )
    emulator.put_state(state)


def enterprise_rules(emulator: Any) -> List[tuple]:
    return sorted((p["port_range"], p.get("source_cidr_ip")) for p in group_rules(emulator, SG_ENTERPRISE))


@pytest.mark.parametrize("reading", READINGS)
def test_revoking_one_gateway_leaves_the_enterprise_rules_the_other_needs(emulator, reading):
    emulator.set_knobs(cascade_removes_shared_rules=True, inbound_rule_description=reading)
    add_second_gateway(emulator)
    before = enterprise_rules(emulator)
    for gateway in (GW, GW2):
        run_one(emulator, f"add {gateway}", gateway_id=gateway, security_group_id=SG_ENTERPRISE, port_ranges=["8080"])
    needed = enterprise_rules(emulator)
    assert len(needed) == len(before) + 2  # one rule per vSwitch CIDR, shared by both gateways

    revoked = run_one(emulator, "revoke", security_group_id=SG_ENTERPRISE, state="absent")
    (action,) = revoked["actions"]
    assert action["cascading_delete"] is False and action["cascade_skipped"]
    assert [f["code"] for f in revoked["findings"]] in (["INBOUND_RULE_SHARED_BY_GATEWAY"], ["INBOUND_RULE_PREEXISTS"])
    assert enterprise_rules(emulator) == needed

    # Gateway 2 still holds its authorization and its rules; verified through ECS.
    check = run_one(
        emulator,
        "verify",
        gateway_id=GW2,
        security_group_id=SG_ENTERPRISE,
        port_ranges=["8080"],
        verify_backend_rules=True,
    )
    assert check["changed"] is False and [a["effective"] for a in check["authorizations"]] == [True]


def test_the_other_gateways_are_read_only_for_a_cascading_delete_on_an_enterprise_group(emulator):
    emulator.set_knobs(cascade_removes_shared_rules=True)
    add_second_gateway(emulator)
    run_one(emulator, "add gw2", gateway_id=GW2, security_group_id=SG_ENTERPRISE, port_ranges=["8080"])
    run_one(emulator, "add gw1", security_group_id=SG_ENTERPRISE, port_ranges=["8080", "9090"])

    revoked = run_one(emulator, "revoke", security_group_id=SG_ENTERPRISE, port_ranges=["9090"], state="absent")
    # 9090: gateway 2 does not authorize it, so the delete cascades; the check costs one ListGateways by the
    # VPC and one list of gateway 2.
    assert [a["cascading_delete"] for a in revoked["actions"]] == [True]
    assert [c["params"].get("vpcId") for c in emulator.calls(action="ListGateways")] == ["vpc-demo-hz01"]
    lists = [c["params"]["gatewayId"] for c in emulator.calls(action="ListGatewayAuthorizedSecurityGroupRules")]
    assert sorted(lists) == sorted([GW, GW2, GW])  # before planning, gateway 2, after the writes

    # A normal group's cascading delete reads no other gateway.
    run_one(emulator, "add normal", security_group_id=SG1, port_ranges=["8080"])
    run_one(emulator, "revoke normal", security_group_id=SG1, state="absent")
    assert emulator.calls(action="ListGateways") == []
