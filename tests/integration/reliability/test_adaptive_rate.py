# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The adaptive rate limiter (plugins/module_utils/_retries.py), seen from the wire in a real ansible-playbook run.

A throttling answer slows down every request of the run to that product and region, not only the
throttled one: the writes queued behind it in the write pool wait too. The assertions are on the
call log's counts and order. The one comparison with a time is against a lower bound the client
guarantees (no request leaves before the server's ``x-acs-retry-after`` has passed since the
client read the answer), with room for the requests that were already on their way then: load can
only make requests later, which cannot break it.
"""

from __future__ import annotations

from typing import Any

from integration.playbook import run_tasks
from integration.reliability.helpers import ADD
from integration.reliability.helpers import GSA
from integration.reliability.helpers import GW
from integration.reliability.helpers import VPC
from integration.reliability.helpers import assert_no_crash
from integration.reliability.helpers import world_authorizations

THROTTLED = "Throttling.User"
RETRY_AFTER_MS = 1500
WRITERS = 4
# One add per group: sixteen groups make sixteen adds, four rounds of the write pool.
GROUPS = [f"sg-limiter{index:02d}-hz01" for index in range(16)]
# Each add takes this long, so a round of the pool ends long after a throttled answer is read.
ADD_LATENCY_MS = 300


def add_groups(emulator: Any) -> None:
    """Sixteen empty groups in the gateway's VPC."""
    state = emulator.state()
    state["security_groups"].extend({"id": group, "name": group, "vpc": VPC} for group in GROUPS)
    emulator.put_state(state)


def ended_at(call):
    return call["started_at"] + call["duration_ms"] / 1000.0


def test_a_throttled_write_with_retry_after_holds_the_writes_queued_behind_it(emulator):
    """The first add is throttled with x-acs-retry-after; the writes queued behind it must wait too.

    Without the limiter, the pool's four writers go on at once and all sixteen adds start within
    about four latencies of the first (only the throttled request's own retry waits). With it, the
    only adds that start during the hold are those the writers had sent before the client read the
    throttled answer (at most one per other writer), and the run converges with exactly one extra
    call: the retry, after the hold.
    """
    emulator.set_faults(
        [
            {
                "action": ADD,
                "product": "apig",
                "throttle_after_per_second": 0,
                "times": 1,
                "retry_after_ms": RETRY_AFTER_MS,
            },
            {"action": ADD, "product": "apig", "latency_ms": ADD_LATENCY_MS},
        ]
    )
    add_groups(emulator)
    emulator.clear_calls()
    rules = [{"security_group_id": group, "port_ranges": [8080]} for group in GROUPS]
    task = {GSA: {"gateway_id": GW, "rules": rules, "max_concurrent_writes": WRITERS}}
    run = run_tasks([dict(task, name="write")], emulator.env())
    assert run.rc == 0, run
    assert_no_crash(run.output)
    assert [entry for entry in world_authorizations(emulator) if entry[0] in GROUPS] == [
        (g, "8080/8080") for g in GROUPS
    ]

    adds = emulator.calls(product="apig", action=ADD)
    throttled = [call for call in adds if call["code"] == THROTTLED]
    assert len(throttled) == 1 and len(adds) == len(GROUPS) + 1, [(c["status"], c["code"]) for c in adds]
    answered = ended_at(throttled[0])
    hold_ends = answered + RETRY_AFTER_MS / 1000.0
    during = [call for call in adds if answered < call["started_at"] < hold_ends]
    # Only the writers' requests already on their way when the answer was read (one each) start in the hold.
    assert len(during) <= WRITERS - 1, [(c["params"], round(hold_ends - c["started_at"], 3)) for c in during]
    retry = [c for c in adds if c["params"] == throttled[0]["params"] and c["seq"] != throttled[0]["seq"]]
    assert len(retry) == 1 and retry[0]["status"] == 200 and retry[0]["started_at"] >= hold_ends, retry


def lock_failures(emulator):
    return [c for c in emulator.calls(product="apig", action=ADD) if c["code"] == "Conflict.LockFailed"]


def test_both_readings_of_concurrent_writes_on_one_gateway_converge_each_group_once(emulator):
    """A gateway that takes any number of writes at once (the default reading), and one whose lock takes two.

    With the default ceiling of 8 writes, the first reading makes exactly one add per group. Under the
    second, adds beyond two at once answer Conflict.LockFailed: each is retried, the limiter slows down on
    it, and the run still ends with every group authorized once and one successful add per group.
    """
    rules = [{"security_group_id": group, "port_ranges": [8080]} for group in GROUPS]
    for lock in (None, 2):
        emulator.reset()
        add_groups(emulator)
        emulator.set_faults([{"action": ADD, "product": "apig", "latency_ms": ADD_LATENCY_MS}])
        emulator.set_knobs(write_lock_concurrency=lock)
        emulator.clear_calls()
        run = run_tasks([{"name": "write", GSA: {"gateway_id": GW, "rules": rules}}], emulator.env())
        assert run.rc == 0, run
        assert_no_crash(run.output)
        written = run.task("write")
        assert sorted(a["security_group_id"] for a in written["actions"]) == GROUPS
        adds = emulator.calls(product="apig", action=ADD)
        succeeded = [c for c in adds if c["status"] == 200]
        assert sorted(c["params"]["securityGroupId"] for c in succeeded) == GROUPS
        refused = lock_failures(emulator)
        assert len(adds) == len(GROUPS) + len(refused)
        if lock is None:
            assert refused == []
        else:
            assert refused, "eight writers at once must meet a lock that takes two"
        assert [entry for entry in world_authorizations(emulator) if entry[0] in GROUPS] == [
            (g, "8080/8080") for g in GROUPS
        ]
