# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Small truths of the backend_access role and the action group, by ansible-playbook against the demo world.

* The summary says "nothing was written" only when nothing was: a converge that fails part-way lists the writes it
  applied; one that is killed says that writes may have landed.
* backend_access_wait_timeout reaches the converge's wait_timeout.
* Options that only gateway_sg_authorization takes, set for the whole action group in module_defaults, do not
  break backend_sg_info and gateway_info, and apply to gateway_sg_authorization.
"""

from __future__ import annotations

from typing import Any
from typing import Dict

from integration.modules.test_gateway_sg_authorization import gateway_ingress
from integration.modules.test_gateway_sg_authorization import seed_authorizations
from integration.playbook import run_playbook
from integration.reliability.helpers import assert_no_crash
from integration.roles.test_backend_access import DEMO_PAIRS
from integration.roles.test_backend_access import DEMO_VARS
from integration.roles.test_backend_access import GATEWAY
from integration.roles.test_backend_access import authorized_pairs

ADD = "AddGatewaySecurityGroupRule"
CONVERGE = "Converge the gateway's authorizations"
SUMMARY = "Summarise the gateway's backend access"
GROUP = "group/alibabacloud.apig.all"
SG1, SG2 = "sg-service1-hz01", "sg-service2-hz01"


def role_play(module_defaults: Dict[str, Any], **variables: Any) -> Dict[str, Any]:
    return {
        "name": "backend access",
        "hosts": "localhost",
        "gather_facts": False,
        "module_defaults": module_defaults,
        "roles": [dict(DEMO_VARS, role="alibabacloud.apig.backend_access", **variables)],
    }


def added_line(action: Dict[str, Any]) -> str:
    return f"added {', '.join(action['port_ranges'])} to {action['security_group_id']}"


def test_a_converge_failing_part_way_is_summarised_with_the_writes_it_applied_and_a_rerun_converges(emulator):
    # One write at a time, tried once (set for the whole action group: discovery accepts and ignores the
    # converge's option). The first add goes through, every later one answers 500.
    play = role_play({GROUP: {"max_attempts": 1, "max_concurrent_writes": 1}})
    emulator.set_faults(
        [{"action": ADD, "hang_seconds": 0, "times": 1}, {"action": ADD, "fail_next": 100, "status": 500}]
    )
    run = run_playbook([play], emulator.env())
    assert run.rc != 0, run
    assert_no_crash(run.output)
    converge = run.task(CONVERGE)
    assert converge["_status"] == "failed" and converge["error_code"] == "InternalError"
    assert len(converge["actions"]) == 1 and converge["actions"][0]["action"] == "add"
    landed = {(converge["actions"][0]["security_group_id"], converge["actions"][0]["port_ranges"][0])}
    assert authorized_pairs(emulator) == landed
    summary = run.task(SUMMARY)["msg"]
    assert summary[0] == (
        f"gateway {GATEWAY}: the converge failed after applying 1 write(s), listed below; "
        "run the role again to converge"
    )
    assert summary[1] == added_line(converge["actions"][0])
    assert summary[-1].startswith("failed: Failed to authorize")
    assert not [line for line in summary if "nothing was written" in line or line == "no change"], summary

    emulator.clear_faults()
    again = run_playbook([play], emulator.env())
    assert again.rc == 0, again
    assert authorized_pairs(emulator) == DEMO_PAIRS


def test_a_killed_converge_is_summarised_as_possibly_written(emulator):
    # The first add goes through; the second hangs until the task's time limit kills the module: its result
    # cannot report what was written, and the summary says that writes may have landed.
    play = role_play({GROUP: {"max_concurrent_writes": 1}})
    emulator.set_faults([{"action": ADD, "hang_seconds": 0, "times": 1}, {"action": ADD, "hang_seconds": 600}])
    run = run_playbook([play], dict(emulator.env(), ANSIBLE_TASK_TIMEOUT="30"))
    assert run.rc != 0, run
    converge = run.task(CONVERGE)
    assert converge["_status"] == "failed" and "actions" not in converge, converge
    assert len(authorized_pairs(emulator)) == 1  # one add landed before the kill
    summary = run.task(SUMMARY)["msg"]
    assert summary[0] == (
        f"gateway {GATEWAY}: the converge task failed without reporting its writes (stopped or killed part-way?): "
        "some may have been applied. Run the role again to converge, or the audit playbook to see the gateway's state"
    )
    assert not [line for line in summary if "nothing was written" in line], summary


def test_a_converge_refused_before_its_first_write_says_nothing_was_written(emulator):
    # The pre-check refuses the gateway's own group: the converge ran, and failed before any write.
    entry = {"security_group_ids": ["sg-gw-demo-hz01"], "port_ranges": [80]}
    run = run_playbook([role_play({}, backend_access_backends=[entry])], emulator.env())
    assert run.rc != 0, run
    assert run.task(CONVERGE)["actions"] == []
    summary = run.task(SUMMARY)["msg"]
    assert summary[0] == f"gateway {GATEWAY}: the converge failed before its first write, nothing was written"
    assert not [c for c in emulator.calls() if c["action"] == ADD]


def test_backend_access_wait_timeout_is_the_converge_wait_timeout(emulator):
    emulator.set_knobs(list_lag_ms=600_000)
    run = run_playbook([role_play({}, backend_access_wait_timeout=0)], emulator.env())
    assert run.rc == 0, run
    converge = run.task(CONVERGE)
    assert converge["invocation"]["module_args"]["wait_timeout"] == 0
    assert "wait_timeout=0: not waiting" in " ".join(converge["warnings"])
    assert authorized_pairs(emulator) == DEMO_PAIRS


def test_converge_options_in_the_group_module_defaults_apply_to_the_converge_and_are_ignored_by_the_others(emulator):
    # SG2's 8443 is listed from the start; the list then lags far behind every write.
    seed_authorizations(emulator, [(SG2, "8443/8443", "")])
    emulator.set_knobs(list_lag_ms=600_000)
    defaults = {"wait_timeout": 0, "cascading_delete": False, "max_concurrent_writes": 2, "verify_backend_rules": True}
    gsa = "alibabacloud.apig.gateway_sg_authorization"
    tasks = [
        {"name": "gateway", "alibabacloud.apig.gateway_info": {"gateway_id": GATEWAY}},
        {"name": "discover", "alibabacloud.apig.backend_sg_info": {"security_group_ids": [SG1, SG2]}},
        {
            "name": "revoke",
            gsa: {"gateway_id": GATEWAY, "security_group_id": SG2, "port_ranges": [8443], "state": "absent"},
        },
        {"name": "authorize", gsa: {"gateway_id": GATEWAY, "security_group_id": SG1, "port_ranges": [8080]}},
    ]
    play = {"name": "group", "hosts": "localhost", "gather_facts": False, "module_defaults": {GROUP: defaults}}
    run = run_playbook([dict(play, tasks=tasks)], emulator.env())
    assert run.rc == 0, run
    assert_no_crash(run.output)
    # gateway_info takes verify_backend_rules (its own option): each authorization says whether it is effective.
    [gateway] = run.task("gateway")["gateways"]
    assert [a["effective"] for a in gateway["authorizations"]] == [True]
    assert sorted(run.task("discover")["security_group_ids"]) == [SG1, SG2]
    # gateway_sg_authorization: no cascade (the inbound rule stays), and no wait for the lagging list.
    revoke, authorize = run.task("revoke"), run.task("authorize")
    assert [(a["action"], a["cascading_delete"]) for a in revoke["actions"]] == [("delete", False)]
    assert "8443/8443" in gateway_ingress(emulator, SG2)
    for result in (revoke, authorize):
        assert result["changed"] and "wait_timeout=0: not waiting" in " ".join(result["warnings"])
    assert authorized_pairs(emulator) == {(SG1, "8080/8080")}
