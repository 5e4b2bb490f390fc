# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cloud misbehaving, through real ansible-playbook runs: throttling, 5xx bursts, hangs, drops, refusals.

What must hold (the retry policy of plugins/module_utils/_retries.py, seen from the wire):

* what can pass on a later try (throttling, 5xx, timeouts, dropped connections) is retried after a
  pause, within ``max_attempts``, and the run succeeds;
* what cannot (other 4xx answers, refused credentials or permissions) is tried exactly once: a retry
  storm against a refusing API only burns quota and, for a write, risks applying it twice;
* whatever fails, fails as a task whose message names the error code (and the request id when the
  API answered), never with a traceback, and within a time bounded by the retry options.

The emulator's call log is the evidence: every call, with its key, status, code and start time. Each
case signs with an access key of its own (``add_keys``), so a run of many tasks still tells the cases'
calls apart. Several cases share one ansible-playbook run (a module task costs more than a second
here): the run's fault rules are set once, and each rule targets an action that only its own case
calls, so the cases cannot consume each other's faults.
"""

from __future__ import annotations

import json
from typing import Any
from typing import Dict
from typing import List

from integration.access_keys import add_keys
from integration.access_keys import calls_by_key
from integration.playbook import run_tasks
from integration.reliability.helpers import ADD
from integration.reliability.helpers import BSI
from integration.reliability.helpers import CLUSTER
from integration.reliability.helpers import CREDENTIAL_VARIABLES
from integration.reliability.helpers import DELETE
from integration.reliability.helpers import GI
from integration.reliability.helpers import GSA
from integration.reliability.helpers import GW
from integration.reliability.helpers import LIST
from integration.reliability.helpers import SG1
from integration.reliability.helpers import SG2
from integration.reliability.helpers import SG_EXTRA
from integration.reliability.helpers import assert_no_crash
from integration.reliability.helpers import env_without
from integration.reliability.helpers import gateway_permissions
from integration.reliability.helpers import seed_authorizations
from integration.reliability.helpers import wait_for_calls
from integration.reliability.helpers import world_authorizations

THROTTLED = "Throttling.User"
# The retry policy's documented backoff (_retries.RetryPolicy): before retry n (0-based) the pause is
# random() * min(20, 0.5 * 2**n) seconds, or at least the server's x-acs-retry-after.
BASE_DELAY, MAX_DELAY = 0.5, 20.0
# Scheduling noise allowed on top of a pause's upper bound (module start-up is not in a pause).
SLACK = 1.0


def backoff_cap(retry_index: int) -> float:
    return min(MAX_DELAY, BASE_DELAY * 2**retry_index)


def timestamp_task(name: str, variable: str) -> Dict[str, Any]:
    return {"name": name, "ansible.builtin.set_fact": {variable: "{{ now().timestamp() }}"}}


def chains(calls: List[Dict[str, Any]]) -> List[List[Dict[str, Any]]]:
    """The key's calls grouped into requests: a request's attempts share action and parameters.

    Attempts are ordered by start; a request ends with its first success. The same request made again
    later (the list a module reads before and after writing) starts a new chain.
    """
    open_chains: Dict[str, List[Dict[str, Any]]] = {}
    done: List[List[Dict[str, Any]]] = []
    for call in sorted(calls, key=lambda c: c["started_at"]):
        signature = call["action"] + json.dumps(call["params"], sort_keys=True)
        chain = open_chains.setdefault(signature, [])
        chain.append(call)
        if call["status"] == 200:
            done.append(open_chains.pop(signature))
    return sorted(done + list(open_chains.values()), key=lambda c: c[0]["started_at"])


def pause_before(retry: Dict[str, Any], failed: Dict[str, Any]) -> float:
    """Seconds between the end of a failed attempt (as the emulator answered it) and the retry's arrival."""
    return retry["started_at"] - (failed["started_at"] + failed["duration_ms"] / 1000.0)


def outline(calls: List[Dict[str, Any]]) -> List[tuple]:
    return [(c["action"], c["status"], c["code"]) for c in sorted(calls, key=lambda c: c["started_at"])]


def assert_clean_failure(result: Dict[str, Any], code: str, *fragments: str, answered: bool = True) -> None:
    """A failed task naming the error code (and the request id when the API answered), no traceback."""
    message = str(result.get("msg", ""))
    assert result["_status"] == "failed", result
    assert result.get("error_code") == code, result
    assert f"code: {code}" in message, message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    if answered:
        assert result.get("request_id") and f"request id: {result['request_id']}" in message, result
    for word in ("Traceback", "MODULE FAILURE", 'File "'):
        assert word not in message, message


def test_throttling_on_every_action_is_retried_after_positive_jittered_pauses(emulator):
    """Throttling is the normal state of a busy account: every module must ride it out, not fail.

    Every action is throttled above two calls a second, and each module makes three or more calls in
    a burst, so each meets it. Each throttled call must be followed by a retry of the same request,
    and every request must end in a success, after pauses that are positive (no hammering), within
    the policy's growing bound for that retry, and jittered (equal pauses would make concurrent runs
    retry in lock step).
    """
    keys = add_keys(emulator, ["write", "gateway", "discover"])
    emulator.set_faults([{"action": "*", "throttle_after_per_second": 2}])
    rules = [
        {"security_group_id": SG1, "port_ranges": [8080, 8443]},
        {"security_group_id": SG2, "port_ranges": ["80/9000"]},
    ]
    tasks = [
        {"name": "write", GSA: dict(gateway_id=GW, rules=rules, **keys["write"])},
        {"name": "gateway", GI: dict(gateway_id=GW, authorizable=True, **keys["gateway"])},
        {"name": "discover", BSI: dict(cluster_id=CLUSTER, **keys["discover"])},
    ]
    run = run_tasks(tasks, env_without(emulator.env(), *CREDENTIAL_VARIABLES))
    assert run.rc == 0, run
    assert_no_crash(run.output)
    assert world_authorizations(emulator) == [(SG1, "8080/8080"), (SG1, "8443/8443"), (SG2, "80/9000")]
    assert run.task("gateway")["gateways"][0]["authorizable_security_groups"]
    assert run.task("discover")["security_group_ids"]

    pauses = []
    for name, key in keys.items():
        calls = calls_by_key(emulator, key["access_key_id"])
        assert any(c["code"] == THROTTLED for c in calls), (name, outline(calls))
        assert all(c["status"] == 200 or c["code"] == THROTTLED for c in calls), (name, outline(calls))
        for chain in chains(calls):
            assert chain[-1]["status"] == 200, (name, outline(chain))
            for index, (failed, retry) in enumerate(zip(chain, chain[1:])):
                pause = pause_before(retry, failed)
                assert 0 < pause <= backoff_cap(index) + SLACK, (name, index, pause, outline(chain))
                pauses.append(pause)
    assert len(pauses) >= 3, pauses
    assert max(pauses) - min(pauses) > 0.01, f"pauses without jitter: {pauses}"


def test_5xx_bursts_are_retried_but_client_errors_and_refused_credentials_are_tried_once(emulator):
    """Retry what can pass on a later try, and nothing else.

    A burst of 5xx answers shorter than max_attempts must be absorbed (the call log shows the N failures,
    then the success); a burst as long as max_attempts must fail after exactly max_attempts calls,
    naming the code. A 4xx answer (other than throttling) must be tried once, although here a retry would
    have succeeded (each injected 4xx answers once only): a retried refusal only hides it. Refused
    credentials (wrong secret, unknown key, expired STS token, a RAM denial) are tried once too, and the
    failure names the API's code and request id. The unknown key must fail as such: its 404 must never
    read as "the cluster was not found", which backend_sg_info reports as a finding, not a failure.
    """
    names = ["burst_write", "burst_read", "long_burst", "bad_write", "bad_read", "signer"]
    keys = add_keys(emulator, names)
    seed_authorizations(emulator, [(SG_EXTRA, "7000/7000")])
    state = emulator.state()
    state["access_keys"] += [
        {
            "id": "emulator-sts-expired",
            "secret": "secret-of-expired",
            "security_token": "token-x",
            "token_expired": True,
        },
        {"id": "emulator-ak-no-ecs", "secret": "secret-of-no-ecs", "allowed_actions": ["apig:*", "cs:*"]},
    ]
    emulator.put_state(state)
    emulator.clear_calls()
    # Each rule's action is called by its case only; refused calls never reach the faults.
    emulator.set_faults(
        [
            {"action": ADD, "fail_next": 3, "status": 503},
            {"action": "GetGateway", "fail_next": 2, "status": 502},
            {"action": "ListGateways", "fail_next": 3, "status": 503},
            {"action": DELETE, "fail_next": 1, "status": 400, "code": "InvalidParameter"},
            {"action": "DescribeInstances", "fail_next": 1, "status": 400, "code": "InvalidParameter"},
        ]
    )
    refused_keys = {
        "wrong secret": {"access_key_id": keys["signer"]["access_key_id"], "access_key_secret": "not-the-secret"},
        "unknown key": {"access_key_id": "emulator-ak-nobody", "access_key_secret": "secret-of-nobody"},
        "expired token": {
            "access_key_id": "emulator-sts-expired",
            "access_key_secret": "secret-of-expired",
            "security_token": "token-x",
        },
        "RAM denial": {"access_key_id": "emulator-ak-no-ecs", "access_key_secret": "secret-of-no-ecs"},
    }
    add = dict(gateway_id=GW, security_group_id=SG1, port_ranges=[8080])
    instances = dict(instance_ids=["i-node1-hz01"])
    tasks = [
        {"name": "wrong secret", GSA: dict(add, **refused_keys["wrong secret"])},
        {"name": "unknown key", BSI: dict(cluster_id=CLUSTER, **refused_keys["unknown key"])},
        {"name": "expired token", GI: dict(gateway_id=GW, **refused_keys["expired token"])},
        {"name": "RAM denial", BSI: dict(instances, **refused_keys["RAM denial"])},
        # The gateway given (as the role passes it): the pre-check does not read GetGateway, burst_read's fault.
        {"name": "burst_write", GSA: dict(add, max_attempts=5, gateway=GATEWAY_FACTS, **keys["burst_write"])},
        {"name": "burst_read", GI: dict(gateway_id=GW, max_attempts=3, **keys["burst_read"])},
        {"name": "long_burst", GI: dict(name="demo-gateway", max_attempts=3, **keys["long_burst"])},
        {
            "name": "bad_write",
            GSA: dict(gateway_id=GW, security_group_id=SG_EXTRA, state="absent", **keys["bad_write"]),
        },
        {"name": "bad_read", BSI: dict(instances, **keys["bad_read"])},
    ]
    run = run_tasks([dict(t, ignore_errors=True) for t in tasks], env_without(emulator.env(), *CREDENTIAL_VARIABLES))
    assert run.rc == 0, run  # every failure was ignored, none crashed
    assert_no_crash(run.output)

    def calls_of(name: str) -> List[tuple]:
        return outline(calls_by_key(emulator, keys[name]["access_key_id"]))

    # Refused credentials: one call, the code and the request id in the message.
    expected_refusals = {
        "wrong secret": (LIST, 400, "SignatureDoesNotMatch"),
        "unknown key": ("DescribeClusterNodePools", 404, "InvalidAccessKeyId.NotFound"),
        "expired token": ("GetGateway", 400, "InvalidSecurityToken.Expired"),
        "RAM denial": ("DescribeInstances", 403, "Forbidden.RAM"),
    }
    for name, (action, status, code) in expected_refusals.items():
        assert_clean_failure(run.task(name), code)
        calls = calls_by_key(emulator, refused_keys[name]["access_key_id"])
        assert outline(calls) == [(action, status, code)], (name, outline(calls))
    assert "DescribeInstances failed" in run.task("RAM denial")["msg"]
    assert "(RAM action: ecs:DescribeInstances)" in run.task("RAM denial")["msg"]  # from AccessDeniedDetail

    # Bursts shorter than max_attempts: N failures, then the success; the run goes on.
    pre_check = [("DescribeSecurityGroups", 200, None)]
    assert calls_of("burst_write") == [(LIST, 200, None)] + pre_check + [(ADD, 503, "ServiceUnavailable")] * 3 + [
        (ADD, 200, None),
        (LIST, 200, None),
    ]
    assert run.task("burst_write")["changed"] is True
    gets = [c for c in calls_of("burst_read") if c[0] == "GetGateway"]
    assert gets == [("GetGateway", 502, "BadGateway")] * 2 + [("GetGateway", 200, None)]
    assert run.task("burst_read")["gateways"][0]["gateway_id"] == GW
    for name in ("burst_write", "burst_read"):
        for chain in chains(calls_by_key(emulator, keys[name]["access_key_id"])):
            for index, (failed, retry) in enumerate(zip(chain, chain[1:])):
                assert 0 < pause_before(retry, failed) <= backoff_cap(index) + SLACK, (name, outline(chain))

    # A burst as long as max_attempts: exactly max_attempts calls, then a clean failure.
    assert calls_of("long_burst") == [("ListGateways", 503, "ServiceUnavailable")] * 3
    assert_clean_failure(
        run.task("long_burst"), "ServiceUnavailable", "Failed to list the gateways", "after 3 attempts"
    )

    # Client errors: one call each, although the retry would have been answered 200.
    # (The group is read before the cascading delete: are the inbound rules it removes the gateway's own?)
    assert calls_of("bad_write") == [
        (LIST, 200, None),
        ("DescribeSecurityGroupAttribute", 200, None),
        (DELETE, 400, "InvalidParameter"),
    ]
    assert_clean_failure(run.task("bad_write"), "InvalidParameter", f"of {SG_EXTRA}")
    assert calls_of("bad_read") == [("DescribeInstances", 400, "InvalidParameter")]
    assert_clean_failure(run.task("bad_read"), "InvalidParameter", "DescribeInstances")
    assert world_authorizations(emulator) == [(SG_EXTRA, "7000/7000"), (SG1, "8080/8080")]


GATEWAY_FACTS = {
    "gateway_id": GW,
    "vpc_id": "vpc-demo-hz01",
    "security_group": {"security_group_id": "sg-gw-demo-hz01"},
}


def test_hangs_and_dropped_connections_fail_in_bounded_time_or_are_retried(emulator):
    """A silent endpoint must not hang a run, and a lost answer must not duplicate a write.

    Hangs outlast ``read_timeout: 1``: with ``max_attempts: 2`` a hung write and a hung read fail as
    ReadTimeout within three times their budget (two timeouts plus the pause between them), without a
    traceback. A hang or a dropped connection that happens once is retried and the task succeeds (a read
    and a write). A connection dropped every time fails after max_attempts calls, naming ConnectionReset.
    The hung write was applied by the emulator after the client gave up (the classic ambiguous timeout),
    so a re-run must converge to one authorization with one ECS rule, and the failure must not claim
    that nothing was written.
    """
    keys = add_keys(emulator, ["hung_write", "hung_read", "transient", "drop_write", "dropped_read", "rerun"])
    seed_authorizations(emulator, [(SG_EXTRA, "7000/7000")])
    # Each rule's action is called by its case only.
    emulator.set_faults(
        [
            {"action": ADD, "hang_seconds": 3, "times": 2},
            {"action": "GetGateway", "hang_seconds": 3, "times": 2},
            {"action": "DescribeClusterNodePools", "hang_seconds": 3, "times": 1},
            {"action": "DescribeInstances", "drop_connection": True, "times": 1},
            {"action": DELETE, "drop_connection": True, "times": 1},
            {"action": "ListGateways", "drop_connection": True},
        ]
    )
    hang = dict(read_timeout=1, max_attempts=2)
    # The gateway given (as the role passes it): the pre-check does not read GetGateway, hung_read's fault.
    add = dict(gateway_id=GW, security_group_id=SG1, port_ranges=[8080], gateway=GATEWAY_FACTS)
    tasks = [
        timestamp_task("before the hung write", "write_start"),
        {"name": "hung_write", GSA: dict(add, **hang, **keys["hung_write"]), "ignore_errors": True},
        timestamp_task("after the hung write", "write_end"),
        timestamp_task("before the hung read", "read_start"),
        {"name": "hung_read", GI: dict(gateway_id=GW, **hang, **keys["hung_read"]), "ignore_errors": True},
        timestamp_task("after the hung read", "read_end"),
        {"name": "transient", BSI: dict(cluster_id=CLUSTER, read_timeout=1, max_attempts=3, **keys["transient"])},
        {
            "name": "drop_write",
            GSA: dict(gateway_id=GW, security_group_id=SG_EXTRA, state="absent", **keys["drop_write"]),
        },
        {
            "name": "dropped_read",
            GI: dict(name="demo-gateway", max_attempts=2, **keys["dropped_read"]),
            "ignore_errors": True,
        },
        # At least two read timeouts after the hung write ended, so more than the 3 s hang after it began.
        {"name": "rerun", GSA: dict(add, **keys["rerun"])},
        {
            "name": "durations",
            "ansible.builtin.debug": {
                "msg": "{{ {'hung_write': write_end | float - write_start | float,"
                " 'hung_read': read_end | float - read_start | float} }}"
            },
        },
    ]
    run = run_tasks(tasks, env_without(emulator.env(), *CREDENTIAL_VARIABLES))
    assert run.rc == 0, run
    assert_no_crash(run.output)

    def key_calls(name: str) -> List[Dict[str, Any]]:
        return sorted(calls_by_key(emulator, keys[name]["access_key_id"]), key=lambda c: c["started_at"])

    # A hung call is logged when the emulator finally answers it, after the client gave up.
    def hung_calls_logged(calls: List[Dict[str, Any]]) -> bool:
        ids = {
            keys[name]["access_key_id"]: action for name, action in (("hung_write", ADD), ("hung_read", "GetGateway"))
        }
        return sum(c["access_key_id"] in ids and c["action"] == ids[c["access_key_id"]] for c in calls) == 4

    assert hung_calls_logged(wait_for_calls(emulator, hung_calls_logged)), outline(emulator.calls())

    # Hung write and hung read: ReadTimeout after two attempts, each of which waited for the timeout.
    budget = hang["max_attempts"] * hang["read_timeout"] + backoff_cap(0)
    durations = run.task("durations")["msg"]
    for name, action, doing in (
        ("hung_write", ADD, f"authorize port ranges 8080/8080 for {SG1}"),
        ("hung_read", "GetGateway", f"get gateway {GW}"),
    ):
        result = run.task(name)
        # A write is not resent after a timeout: the list is read, and the add made once more since it is not listed.
        again = "a second attempt failed too" if action == ADD else "after 2 attempts"
        assert_clean_failure(result, "ReadTimeout", doing, "timed out", again, answered=False)
        attempts = [c for c in key_calls(name) if c["action"] == action]
        assert len(attempts) == 2, outline(attempts)
        assert attempts[1]["started_at"] - attempts[0]["started_at"] >= hang["read_timeout"]
        assert 2 * hang["read_timeout"] <= durations[name] < 3 * budget, durations
    # The first hung add was applied after the client gave up; the second, made because the list read in
    # between did not show it yet, then met "already exists".
    hung_adds = [c for c in key_calls("hung_write") if c["action"] == ADD]
    assert [(c["status"], c["code"]) for c in hung_adds] == [(200, None), (409, "Conflict.SecurityGroupRuleExists")]

    # A hang and a dropped connection that happen once: retried, the task succeeds.
    assert run.task("transient")["security_group_ids"], run.task("transient")
    transient = [
        c for c in outline(key_calls("transient")) if c[0] in ("DescribeClusterNodePools", "DescribeInstances")
    ]
    assert sorted(transient, key=str) == sorted(
        [
            ("DescribeClusterNodePools", 200, None),  # the hung attempt, answered after the client gave up
            ("DescribeClusterNodePools", 200, None),
            ("DescribeInstances", None, "EmulatorDroppedConnection"),
            ("DescribeInstances", 200, None),
        ],
        key=str,
    )
    assert run.task("drop_write")["changed"] is True
    # Before a cascading delete, the group's inbound rules are read: the cascade removes only rules the gateway wrote.
    assert outline(key_calls("drop_write")) == [
        (LIST, 200, None),
        ("DescribeSecurityGroupAttribute", 200, None),
        (DELETE, None, "EmulatorDroppedConnection"),
        (DELETE, 200, None),
        (LIST, 200, None),
    ]

    # Dropped every time: max_attempts calls, then a clean failure naming ConnectionReset.
    assert outline(key_calls("dropped_read")) == [("ListGateways", None, "EmulatorDroppedConnection")] * 2
    assert_clean_failure(run.task("dropped_read"), "ConnectionReset", "after 2 attempts", answered=False)

    # The re-run (after the hung add was applied) converges: one authorization, one ECS rule, no write.
    assert hung_adds[0]["started_at"] + hung_adds[0]["duration_ms"] / 1000 < key_calls("rerun")[0]["started_at"]
    assert run.task("rerun")["changed"] is False
    assert [c["action"] for c in key_calls("rerun")] == [LIST]
    assert world_authorizations(emulator) == [(SG1, "8080/8080")]
    assert gateway_permissions(emulator) == [(SG1, "8080/8080")]

    # The hung write's failure must not tell the user that nothing was written, since the client cannot
    # know (here the write was applied): it says the write may have been applied, and to run again.
    message = run.task("hung_write")["msg"]
    assert "no write was applied" not in message.lower(), message
    assert "may have been applied" in message and "run again" in message, message
