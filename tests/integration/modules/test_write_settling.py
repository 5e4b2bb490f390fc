# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""gateway_sg_authorization under each reading of the real API the docs leave open (emulator knobs).

The list may lag behind writes, duplicate adds may be refused, accepted or ignored, the list may leave
`sourceSecurityGroupId` empty, a cascading delete may remove a shared inbound rule, and answers may
be malformed. Every test asserts the final state and the call log: no duplicate, nothing lost, nothing
revoked by mistake, and a clear failure where the answer cannot be trusted.
"""

from __future__ import annotations

from typing import Any

import pytest
from emulator.generate import generate_world
from integration.modules.test_gateway_sg_authorization import ADD
from integration.modules.test_gateway_sg_authorization import DELETE
from integration.modules.test_gateway_sg_authorization import GET
from integration.modules.test_gateway_sg_authorization import GW
from integration.modules.test_gateway_sg_authorization import LIST
from integration.modules.test_gateway_sg_authorization import SG1
from integration.modules.test_gateway_sg_authorization import SG2
from integration.modules.test_gateway_sg_authorization import apig_calls
from integration.modules.test_gateway_sg_authorization import assert_no_crash
from integration.modules.test_gateway_sg_authorization import gateway_ingress
from integration.modules.test_gateway_sg_authorization import pairs
from integration.modules.test_gateway_sg_authorization import seed_authorizations
from integration.modules.test_gateway_sg_authorization import task
from integration.modules.test_gateway_sg_authorization import world_authorizations
from integration.playbook import run_tasks

RULES = [
    {"security_group_id": SG1, "port_ranges": ["8080", "8443"]},
    {"security_group_id": SG2, "port_ranges": ["80/9000"]},
]
WANTED = [(SG1, "8080/8080"), (SG1, "8443/8443"), (SG2, "80/9000")]


def refused(calls):
    return [c for c in calls if c["action"] == ADD and c["status"] == 409]


@pytest.mark.parametrize("mode", ["accept", "refuse", "ignore"])
def test_two_back_to_back_converges_on_a_lagging_list_authorize_each_range_once(emulator: Any, mode: str) -> None:
    emulator.set_knobs(list_lag_ms=1500, duplicate_adds=mode)
    run = run_tasks([task("first", rules=RULES), task("second", rules=RULES)], emulator.env())
    assert run.rc == 0, run
    first, second = run.task("first"), run.task("second")
    # The first run waited until the list showed its adds: the second finds them and writes nothing.
    assert first["changed"] and pairs(first["authorizations"]) == WANTED
    assert not second["changed"] and second["actions"] == []
    assert world_authorizations(emulator) == WANTED
    calls = apig_calls(emulator)
    assert [c["action"] for c in calls].count(ADD) == 2 and not refused(calls)
    assert [c["action"] for c in calls][-1] == LIST and calls[0]["action"] == LIST


def test_an_ambiguous_add_is_settled_by_one_list_read_before_any_removal(emulator: Any) -> None:
    # The add answers 503 (it may have been applied) and is not retried: the list decides before the purge
    # removes anything. It is not listed, so it is added once more; then the delete, then the wait's list.
    seed_authorizations(emulator, [(SG2, "7000/7000", None)])
    emulator.set_faults([{"action": ADD, "fail_next": 1}])
    emulator.clear_calls()
    rules = [{"security_group_id": SG1, "port_ranges": ["8080"]}]
    run = run_tasks([task("purge", rules=rules, purge_security_groups=True, max_attempts=1)], emulator.env())
    assert run.rc == 0, run
    assert world_authorizations(emulator) == [(SG1, "8080/8080")]
    writes_and_lists = [c["action"] for c in apig_calls(emulator) if c["action"] in (LIST, ADD, DELETE)]
    assert writes_and_lists == [LIST, ADD, LIST, ADD, DELETE, LIST]
    actions = run.task("purge")["actions"]
    # The planned steps first, in plan order; the add settled by the list after them.
    assert [(a["action"], a["security_group_id"]) for a in actions] == [("delete", SG2), ("add", SG1)]


def test_wait_timeout_runs_out_naming_the_writes_not_visible_and_a_rerun_adds_nothing_twice(emulator: Any) -> None:
    # A lag far longer than the budget, however slow the machine; then the list catches up before the re-run.
    emulator.set_knobs(list_lag_ms=600_000, duplicate_adds="accept")
    run = run_tasks([task("short", rules=RULES[:1], wait_timeout=1, ignore_errors=True)], emulator.env())
    assert_no_crash(run)
    result = run.task("short")
    assert result["_status"] == "failed" and result["error_code"] == "WritesNotVisible"
    assert "1 write(s) were applied (see actions), not yet visible" in result["msg"]
    assert f"added but not listed yet: {SG1} 8080/8080, {SG1} 8443/8443" in result["msg"]
    assert result["changed"] and [a["action"] for a in result["actions"]] == ["add"]
    emulator.put_state(emulator.state())  # the list has caught up: a reloaded world shows every authorization
    again = run_tasks([task("again", rules=RULES[:1])], emulator.env())
    assert again.rc == 0 and again.task("again")["changed"] is False
    assert world_authorizations(emulator) == WANTED[:2]


def test_wait_timeout_zero_reads_once_and_warns(emulator: Any) -> None:
    emulator.set_knobs(list_lag_ms=3000)
    run = run_tasks([task("nowait", rules=RULES[:1], wait_timeout=0)], emulator.env())
    assert run.rc == 0, run
    result = run.task("nowait")
    assert result["changed"] and "wait_timeout=0: not waiting" in " ".join(result["warnings"])
    assert [c["action"] for c in apig_calls(emulator)] == [LIST, GET, ADD, LIST]  # GET: the pre-check's gateway


def test_an_add_refused_for_a_range_another_run_made_is_no_change_and_adds_only_what_is_missing(
    emulator: Any,
) -> None:
    # Another run authorized 8080 just before, and the list does not show it yet: this run's batch
    # [8080, 8443] is refused whole. It waits for the list, and adds only 8443, once 8080 shows.
    emulator.set_knobs(list_lag_ms=2500)
    other = run_tasks([task("other", security_group_id=SG1, port_ranges=["8080"], wait_timeout=0)], emulator.env())
    assert other.rc == 0, other
    emulator.clear_calls()
    run = run_tasks([task("this", rules=RULES[:1])], emulator.env())
    assert run.rc == 0, run
    result = run.task("this")
    assert result["actions"] == [
        {"action": "add", "security_group_id": SG1, "port_ranges": ["8443/8443"], "description": None}
    ]
    assert world_authorizations(emulator) == WANTED[:2]
    calls = apig_calls(emulator)
    assert len(refused(calls)) <= 2 and [c["params"]["portRanges"] for c in calls if c["action"] == ADD][-1] == [
        "8443/8443"
    ]


def test_duplicates_in_the_list_are_reported_and_removed_without_cascade_so_the_shared_rule_stays(
    emulator: Any,
) -> None:
    emulator.set_knobs(duplicate_adds="accept", cascade_removes_shared_rules=True)
    seed_authorizations(emulator, [(SG1, "8080/8080", ""), (SG1, "8080/8080", "")])
    run = run_tasks([task("dedupe", security_group_id=SG1, port_ranges=["8080"])], emulator.env())
    assert run.rc == 0, run
    result = run.task("dedupe")
    codes = [f["code"] for f in result.get("findings", [])]
    assert result["changed"] and [(a["action"], a["cascading_delete"]) for a in result["actions"]] == [
        ("delete", False)
    ]
    assert "DUPLICATE_AUTHORIZATION" not in codes  # gone after the delete
    assert world_authorizations(emulator) == [(SG1, "8080/8080")]
    assert gateway_ingress(emulator, SG1) == ["8080/8080"]
    deletes = [c for c in apig_calls(emulator) if c["action"] == DELETE]
    assert [str(c["params"].get("cascadingDelete")).lower() for c in deletes] == ["false"]


def test_a_duplicate_left_in_place_is_reported_as_a_finding(emulator: Any) -> None:
    emulator.set_knobs(duplicate_adds="accept")
    seed_authorizations(emulator, [(SG1, "8080/8080", ""), (SG1, "8080/8080", "")])
    run = run_tasks([task("other", security_group_id=SG2, port_ranges=["80/9000"])], emulator.env())
    assert run.rc == 0, run
    findings = run.task("other")["findings"]
    assert [f["code"] for f in findings] == ["DUPLICATE_AUTHORIZATION"]
    assert findings[0]["ids"]["security_group_id"] == SG1 and len(findings[0]["ids"]["rule_ids"]) == 2
    assert [c["action"] for c in apig_calls(emulator)].count(ADD) == 1  # never a third 8080 for SG1


def test_after_a_cascading_delete_the_group_is_checked_with_one_more_ecs_read(emulator: Any) -> None:
    # Under the reading where a cascade removes rules without checking other authorizations, the
    # authorizations left in the group are checked (one ECS read, without verify_backend_rules).
    emulator.set_knobs(duplicate_adds="accept", cascade_removes_shared_rules=True)
    seed_authorizations(emulator, [(SG1, "8080/8080", ""), (SG1, "8443/8443", "")])
    run = run_tasks([task("revoke", security_group_id=SG1, port_ranges=["8443"], state="absent")], emulator.env())
    assert run.rc == 0, run
    result = run.task("revoke")
    # The shared-rule knob removes every permission the deleted authorization linked, and nothing else here:
    # 8080 keeps its rule, and the check after the cascade (one ECS read of that group) says so.
    assert result.get("findings", []) == []
    # Two reads: before the delete (are the rules it would remove the gateway's own?) and after it.
    ecs = [c["action"] for c in emulator.calls(product="ecs")]
    assert ecs == ["DescribeSecurityGroupAttribute", "DescribeSecurityGroupAttribute"]
    assert gateway_ingress(emulator, SG1) == ["8080/8080"]


def test_verification_without_source_security_group_id_falls_back_to_the_gateway_group(emulator: Any) -> None:
    emulator.set_knobs(empty_source_security_group_id=True)
    seed_authorizations(emulator, [(SG1, "8080/8080", "")])
    run = run_tasks(
        [task("verify", security_group_id=SG1, port_ranges=["8080"], verify_backend_rules=True)], emulator.env()
    )
    assert run.rc == 0, run
    result = run.task("verify")
    assert [a["effective"] for a in result["authorizations"]] == [True] and result["findings"] == []
    assert [c["action"] for c in apig_calls(emulator)] == [LIST, "GetGateway"]


@pytest.mark.parametrize(
    "path, value",
    [
        ("data.items", None),
        ("data.items.*.securityGroupId", None),
        ("data.items.*.securityGroupRuleId", None),
        ("data.items.*.authCidrs", 5),
    ],
)
def test_a_malformed_list_fails_clearly_and_nothing_is_deleted(emulator: Any, path: str, value: Any) -> None:
    seed_authorizations(emulator, [(SG1, "8080/8080", ""), (SG2, "80/9000", "")])
    fault = {"action": LIST, "malform": path}
    if value is not None:
        fault["value"] = value
    emulator.set_faults([fault])
    run = run_tasks(
        [
            task("revoke", security_group_id=SG1, state="absent", ignore_errors=True),
            task("purge", rules=RULES[:1], purge_security_groups=True, ignore_errors=True),
        ],
        emulator.env(),
    )
    assert_no_crash(run)
    for name in ("revoke", "purge"):
        result = run.task(name)
        assert result["_status"] == "failed" and result["error_code"] == "MalformedAnswer", result
        assert path.replace(".*", "[0]").split(".")[-1].split("[")[0] in result["msg"]
        assert not result["changed"]
    assert not [c for c in apig_calls(emulator) if c["action"] in (ADD, DELETE)]
    assert world_authorizations(emulator) == [(SG1, "8080/8080"), (SG2, "80/9000")]


def test_a_malformed_describe_instances_fails_discovery_and_nothing_is_revoked(emulator: Any) -> None:
    emulator.set_faults([{"action": "DescribeInstances", "malform": "Instances"}])
    args = {"instance_tags": {"app": "service2"}}
    entry = {"name": "discover", "alibabacloud.apig.backend_sg_info": args, "ignore_errors": True}
    run = run_tasks([entry], emulator.env())
    assert_no_crash(run)
    result = run.task("discover")
    assert result["_status"] == "failed" and result["error_code"] == "MalformedAnswer"
    assert "Instances" in result["msg"]
    assert not [c for c in apig_calls(emulator) if c["action"] == DELETE]


def test_an_api_not_found_on_each_delete_fails_and_is_never_counted_as_done(emulator: Any) -> None:
    seed_authorizations(emulator, [(SG1, "8080/8080", ""), (SG1, "8443/8443", ""), (SG2, "80/9000", "")])
    emulator.set_faults([{"action": DELETE, "fail_next": 100, "status": 404, "code": "InvalidAction.NotFound"}])
    run = run_tasks([task("revoke", security_group_id=SG1, state="absent", ignore_errors=True)], emulator.env())
    assert_no_crash(run)
    result = run.task("revoke")
    assert result["_status"] == "failed" and result["error_code"] == "InvalidAction.NotFound"
    assert not result["changed"] and result["actions"] == []
    assert world_authorizations(emulator) == [(SG1, "8080/8080"), (SG1, "8443/8443"), (SG2, "80/9000")]


def test_a_gateway_deleted_while_writing_says_the_gateway_is_gone(emulator: Any) -> None:
    emulator.set_faults([{"action": ADD, "fail_next": 1, "status": 409, "code": "Conflict.GatewayIsDeleted"}])
    run = run_tasks([task("add", security_group_id=SG1, port_ranges=["8080"], ignore_errors=True)], emulator.env())
    result = run.task("add")
    assert result["_status"] == "failed" and f"The gateway {GW} is gone" in result["msg"]


def test_discovery_with_pages_capped_at_10_finds_every_group(make_emulator: Any) -> None:
    world = generate_world(nodes=250, node_pools=3, tagged_instances=230, backend_groups=6, seed=3)
    world.setdefault("knobs", {})["page_cap"] = 10
    emulator = make_emulator(world)
    cluster = world["clusters"][0]["id"]
    tags = [e["tags"] for e in world["meta"]["desired"] if e["tags"]]
    sources = [{"name": "cluster", "cluster_id": cluster}] + [
        {"name": f"tag{i}", "instance_tags": t} for i, t in enumerate(tags)
    ]
    entry = {"name": "discover", "alibabacloud.apig.backend_sg_info": {"sources": sources}}
    run = run_tasks([entry], emulator.env())
    assert run.rc == 0, run
    found = set(run.task("discover")["security_group_ids"])
    assert {e["security_group"] for e in world["meta"]["desired"]} <= found
    result = run.task("discover")
    assert len({i["instance_id"] for i in result["instances"]}) == 250 + 230


def test_gateway_info_verification_without_source_security_group_id_uses_the_gateway_group(emulator: Any) -> None:
    emulator.set_knobs(empty_source_security_group_id=True)
    seed_authorizations(emulator, [(SG1, "8080/8080", "")])
    info = {"name": "info", "alibabacloud.apig.gateway_info": {"gateway_id": GW, "verify_backend_rules": True}}
    run = run_tasks([info], emulator.env())
    assert run.rc == 0, run
    result = run.task("info")
    assert [a["effective"] for a in result["gateways"][0]["authorizations"]] == [True] and result["findings"] == []
    # The gateway read by gateway_info gives the managed group: no second GetGateway.
    assert [c["action"] for c in apig_calls(emulator)] == ["GetGateway", LIST]
