# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""End-state truth: a run whose final list differs from its declaration in what it did not write fails with
CONCURRENT_CHANGE, naming the pairs and its own actions, and returns the final list.

Two ways another writer gets in: a console change that lands while the run's add hangs (emulator control API,
between the run's first list and its last), and three runs with different declarations on one gateway at once.
"""

from __future__ import annotations

import threading
import time
from typing import Any
from typing import Dict
from typing import List
from typing import Set
from typing import Tuple

import pytest
from integration.modules.test_gateway_sg_authorization import ADD
from integration.modules.test_gateway_sg_authorization import DELETE
from integration.modules.test_gateway_sg_authorization import GW
from integration.modules.test_gateway_sg_authorization import LIST
from integration.modules.test_gateway_sg_authorization import MODULE
from integration.modules.test_gateway_sg_authorization import SG1
from integration.modules.test_gateway_sg_authorization import SG2
from integration.modules.test_gateway_sg_authorization import SG_EXTRA
from integration.modules.test_gateway_sg_authorization import apig_calls
from integration.modules.test_gateway_sg_authorization import pairs
from integration.modules.test_gateway_sg_authorization import seed_authorizations
from integration.modules.test_gateway_sg_authorization import task
from integration.modules.test_gateway_sg_authorization import world_authorizations
from integration.playbook import run_playbook
from integration.playbook import run_tasks
from integration.reliability.helpers import assert_no_crash

CONCURRENT_CHANGE = "CONCURRENT_CHANGE"


def console_change(emulator: Any, change: Any, after_action: str = LIST) -> threading.Thread:
    """Apply change(state) through the control API once the run's first `after_action` call has been answered."""

    def wait_then_change() -> None:
        deadline = time.monotonic() + 60
        while not emulator.calls(action=after_action) and time.monotonic() < deadline:
            time.sleep(0.02)
        state = emulator.state()
        change(state)
        emulator.put_state(state)

    thread = threading.Thread(target=wait_then_change, daemon=True)
    thread.start()
    return thread


def gateway_of(state: Dict[str, Any]) -> Dict[str, Any]:
    (gateway,) = [g for g in state["gateways"] if g["id"] == GW]
    return gateway


def test_a_console_add_during_a_purge_fails_the_run_naming_the_pair(emulator):
    # The run lists (nothing), then its add hangs; meanwhile someone authorizes sg-extra 22 in the console.
    emulator.set_faults([{"action": ADD, "hang_seconds": 2, "times": 1}])
    thread = console_change(
        emulator,
        lambda state: gateway_of(state)["authorizations"].append({"security_group": SG_EXTRA, "port_range": "22/22"}),
    )
    rules = [{"security_group_id": SG1, "port_ranges": [8080]}]
    run = run_tasks(
        [task("purge", rules=rules, purge_port_ranges=True, purge_security_groups=True, ignore_errors=True)],
        emulator.env(),
    )
    thread.join(5)
    assert_no_crash(run.output)
    result = run.task("purge")
    assert result["_status"] == "failed" and result["error_code"] == CONCURRENT_CHANGE, result
    assert f"{SG_EXTRA} 22/22 listed (" in result["msg"] and "but not declared" in result["msg"]
    assert f"this run wrote: added {SG1} 8080/8080" in result["msg"]
    assert "Run one converge per gateway at a time" in result["msg"]
    assert result["changed"] is True
    assert [(a["action"], a["security_group_id"], a["port_ranges"]) for a in result["actions"]] == [
        ("add", SG1, ["8080/8080"])
    ]
    # The final list, as the last read showed it.
    assert sorted(pairs(result["authorizations"])) == [(SG_EXTRA, "22/22"), (SG1, "8080/8080")]
    ((change),) = result["concurrent_changes"]
    assert change["security_group_id"] == SG_EXTRA and change["port_range"] == "22/22"
    assert change["declared"] == "absent" and len(change["listed"]) == 1
    # Nothing was removed on the strength of the first list: the console's pair stays, a re-run removes it.
    assert not [c for c in apig_calls(emulator) if c["action"] == DELETE]
    assert world_authorizations(emulator) == [(SG_EXTRA, "22/22"), (SG1, "8080/8080")]

    emulator.clear_faults()
    again = run_tasks([task("again", rules=rules, purge_port_ranges=True, purge_security_groups=True)], emulator.env())
    assert again.rc == 0, again
    assert world_authorizations(emulator) == [(SG1, "8080/8080")]


def test_a_console_removal_of_a_declared_range_fails_the_run_without_purge(emulator):
    seed_authorizations(emulator, [(SG1, "8080/8080", ""), (SG2, "80/80", "")])
    emulator.set_faults([{"action": ADD, "hang_seconds": 2, "times": 1}])

    def remove_sg2(state: Dict[str, Any]) -> None:
        gateway = gateway_of(state)
        gateway["authorizations"] = [a for a in gateway["authorizations"] if a["security_group"] != SG2]

    thread = console_change(emulator, remove_sg2)
    rules = [{"security_group_id": SG1, "port_ranges": [8080, 8443]}, {"security_group_id": SG2, "port_ranges": [80]}]
    run = run_tasks([task("present", rules=rules, ignore_errors=True)], emulator.env())
    thread.join(5)
    result = run.task("present")
    assert result["_status"] == "failed" and result["error_code"] == CONCURRENT_CHANGE, result
    assert f"{SG2} 80/80 declared but not listed" in result["msg"]
    assert result["concurrent_changes"] == [
        {"security_group_id": SG2, "port_range": "80/80", "declared": "present", "listed": []}
    ]
    assert sorted(pairs(result["authorizations"])) == [(SG1, "8080/8080"), (SG1, "8443/8443")]


def test_the_lag_of_the_runs_own_writes_is_not_a_concurrent_change(emulator):
    # The list lags 1.5 s: with wait_timeout 0 the run does not wait, and neither its add nor its delete shows.
    seed_authorizations(emulator, [(SG2, "80/80", "")])
    emulator.set_knobs(list_lag_ms=1500)
    rules = [{"security_group_id": SG1, "port_ranges": [8080]}]
    run = run_tasks(
        [task("lagging", rules=rules, purge_security_groups=True, max_revocations=1, wait_timeout=0)],
        emulator.env(),
    )
    assert run.rc == 0, run
    result = run.task("lagging")
    assert pairs(result["authorizations"]) == [(SG2, "80/80")]  # what the list showed: neither write yet
    assert "shows not yet" in run.output


# --- three runs with different declarations at once -----------------------------------------------------

X, Y, Z = SG1, SG2, SG_EXTRA
DECLARATIONS = {
    "run_a": [{"security_group_id": X, "port_ranges": ["80"]}],
    "run_b": [
        {"security_group_id": X, "port_ranges": ["80", "443"]},
        {"security_group_id": Y, "port_ranges": ["8080"]},
    ],
    "run_c": [{"security_group_id": Y, "port_ranges": ["8080"]}, {"security_group_id": Z, "port_ranges": ["22"]}],
}


def declared_pairs(rules: List[Dict[str, Any]]) -> Set[Tuple[str, str]]:
    return {(rule["security_group_id"], f"{port}/{port}") for rule in rules for port in rule["port_ranges"]}


def race(emulator: Any, delays: Dict[str, float]) -> Any:
    """The three runs in one playbook, one host each (forks 3), each after its delay."""
    play = {
        "name": "three declarations",
        "hosts": "all",
        "gather_facts": False,
        "tasks": [
            {
                "name": "stagger",
                "ansible.builtin.command": "sleep {{ delays[inventory_hostname] }}",
                "changed_when": False,
            },
            {
                "name": "converge",
                MODULE: {
                    "gateway_id": GW,
                    "rules": "{{ declarations[inventory_hostname] }}",
                    "purge_port_ranges": True,
                    "purge_security_groups": True,
                    "max_revocations": "100%",
                    "wait_timeout": 10,
                },
                "ignore_errors": True,
            },
        ],
    }
    extra = {"declarations": DECLARATIONS, "delays": delays}
    return run_playbook([play], emulator.env(), inventory="run_a,run_b,run_c,", args=["--forks", "3"], extra_vars=extra)


TRIALS = [
    ({"run_a": 0, "run_b": 0, "run_c": 0}, []),
    ({"run_a": 0.3, "run_b": 0, "run_c": 0.15}, []),
    ({"run_a": 0, "run_b": 0.3, "run_c": 0.15}, [(X, "443/443", ""), (Z, "22/22", "")]),
    ({"run_a": 0.15, "run_b": 0.3, "run_c": 0}, [(X, "80/80", ""), (Y, "8080/8080", "")]),
    ({"run_a": 0, "run_b": 0.15, "run_c": 0.3}, [(Y, "8080/8080", ""), (Z, "22/22", ""), (X, "9000/9000", "")]),
    ({"run_a": 0.2, "run_b": 0.1, "run_c": 0}, [(X, "80/80", ""), (X, "443/443", ""), (Y, "8080/8080", "")]),
]


def outcomes(run: Any) -> Dict[str, str]:
    """Each run's outcome, asserting the truth of it: ok only in its own declaration, else CONCURRENT_CHANGE."""
    found = {}
    for host, rules in DECLARATIONS.items():
        result = run.task("converge", host=host)
        final = set(pairs(result.get("authorizations") or []))
        if result["_status"] == "failed":
            # Failing is the truth only when the run did not reach its declaration, and it says why.
            assert result.get("error_code") == CONCURRENT_CHANGE, (host, result)
            assert result["concurrent_changes"], (host, result)
            assert final != declared_pairs(rules), (host, result)
            found[host] = "failed"
        else:
            # Success is reported only for the declaration itself, read from the final list.
            assert final == declared_pairs(rules), (host, result)
            found[host] = "ok"
    return found


@pytest.mark.parametrize("delays, seed", TRIALS)
def test_three_runs_with_different_declarations_each_end_in_their_own_or_fail(make_emulator, delays, seed):
    emulator = make_emulator("demo.yml", latency_ms=60)
    if seed:
        seed_authorizations(emulator, seed)
    run = race(emulator, delays)
    assert_no_crash(run.output)
    outcomes(run)
    # Every run listed the gateway, and each that wrote listed it again.
    assert len([c for c in apig_calls(emulator) if c["action"] == LIST]) >= 3


def test_three_runs_that_all_read_before_any_write_end_in_the_union_and_say_so(make_emulator):
    # Writes held for 4 s: the three runs plan from the same empty list, so none plans a removal, and the gateway
    # ends with the union of the three declarations, which is none of them. A run may still end ok, when its last
    # read came before the others' adds landed; the others fail (before: all three rc 0, in the union).
    emulator = make_emulator("demo.yml", latency_ms=60)
    emulator.set_faults([{"action": ADD, "hang_seconds": 4}, {"action": DELETE, "hang_seconds": 4}])
    run = race(emulator, {"run_a": 0, "run_b": 0, "run_c": 0})
    assert_no_crash(run.output)
    actions = [c["action"] for c in apig_calls(emulator)]  # in the order the calls were answered
    assert actions[: actions.index(ADD)].count(LIST) == 3, actions  # every run listed before any add landed
    assert DELETE not in actions
    union = set().union(*(declared_pairs(rules) for rules in DECLARATIONS.values()))
    assert set(world_authorizations(emulator)) == union
    found = outcomes(run)
    assert "failed" in found.values(), found
    for host, outcome in found.items():
        if outcome == "failed":
            assert set(pairs(run.task("converge", host=host)["authorizations"])) <= union
