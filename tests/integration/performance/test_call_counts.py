# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's API call counts on the benchmark's MEDIUM world, exactly, through real ansible-playbook runs.

Wall time depends on the machine and on the cloud's latency; the number of calls does not. A
converge that reads a list twice, loops over ranges instead of batching them, or looks instances
up one page too many is slow on every real account, yet no functional test notices: the result
is the same. So this file pins the counts, by action, to the floor formula in
tests/benchmark/scenario.py (``Scenario.expected_calls``), which the benchmark also reports
against. The emulator runs with no latency: only the call log matters here.

The world (300 nodes in 4 node pools, 120 tagged instances, 8 backend groups x 3 port ranges)
is big enough that paging and batching show: 3 node pages, 3 batches of instance ids, 2 tag
pages; and small enough that the whole file runs in well under 30 seconds.

Each converge (cold, no-op, change) runs once per module and is shared by the tests that look
at it; see ``Converges``.
"""

from __future__ import annotations

import collections
import json
import math
from typing import Any
from typing import Dict
from typing import List
from typing import NamedTuple

import pytest
from benchmark.scenario import MEDIUM
from benchmark.scenario import Scenario
from benchmark.scenario import authorized_pairs
from benchmark.scenario import build_scenario
from emulator.server import start_in_thread
from integration.access_keys import add_keys
from integration.playbook import PlaybookRun
from integration.playbook import run_playbook
from integration.playbook import run_tasks

PLAYBOOK = "alibabacloud.apig.authorize_backends"
DISCOVERY_TASK = "Discover the security groups behind the backends"
CONVERGE_TASK = "Converge the gateway's authorizations"
ADD = "AddGatewaySecurityGroupRule"
DELETE = "DeleteGatewaySecurityGroupRule"
WRITES = (ADD, DELETE)
GATEWAY_LIST = "ListGatewayAuthorizedSecurityGroupRules"
VERIFY_READ = "DescribeSecurityGroupAttribute"
MAX_IDS_PER_CALL = 100  # DescribeInstances takes at most 100 InstanceIds


class Converge(NamedTuple):
    kind: str
    run: PlaybookRun
    calls: List[Dict[str, Any]]  # the call log of this run only, in seq order
    state_before: Dict[str, Any]
    state_after: Dict[str, Any]

    @property
    def counts(self) -> Dict[str, int]:
        return dict(collections.Counter(c["action"] for c in self.calls))


class Converges:
    """Runs each converge at most once, lazily, from the state it is defined on.

    cold starts from the generated world (nothing authorized); noop and change both start from
    the state the cold converge left (put back with put_state, as the benchmark does), so the
    outcome of one test never depends on which other tests ran or in which order.
    """

    def __init__(self, scenario: Scenario, emulator: Any) -> None:
        self.scenario = scenario
        self.emulator = emulator
        self._done: Dict[str, Converge] = {}

    def __getitem__(self, kind: str) -> Converge:
        if kind not in self._done:
            self._done[kind] = self._run(kind)
        return self._done[kind]

    def _run(self, kind: str) -> Converge:
        if kind == "cold":
            self.emulator.reset()  # the generated world; clears the call log too
        else:
            self.emulator.put_state(self["cold"].state_after)
            self.emulator.clear_calls()
        before = self.emulator.state()
        run = run_playbook(PLAYBOOK, self.emulator.env(), extra_vars=self.scenario.role_vars(changed=kind == "change"))
        assert run.rc == 0, run
        calls = sorted_calls(self.emulator.calls())
        return Converge(kind, run, calls, before, self.emulator.state())


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return build_scenario(MEDIUM)


@pytest.fixture(scope="module")
def medium_emulator(scenario):
    """The MEDIUM world, in this process, with no latency.

    Module-scoped, unlike conftest's make_emulator (one per test): the converges are shared by
    several tests, and each playbook run costs seconds.
    """
    handle = start_in_thread(scenario.world, latency_ms=0)
    yield handle
    handle.stop()


@pytest.fixture(scope="module")
def converges(scenario, medium_emulator) -> Converges:
    return Converges(scenario, medium_emulator)


def sorted_calls(calls: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """In the order the calls finished (seq), so that "before" and "after" the writes can be asserted."""
    return sorted(calls, key=lambda c: c["seq"])


def gateway_authorizations(state: Dict[str, Any], gateway_id: str) -> List[Dict[str, Any]]:
    gateway = next(g for g in state["gateways"] if g["id"] == gateway_id)
    return list(gateway.get("authorizations") or [])


def ranges_by_group(pairs) -> Dict[str, List[str]]:
    grouped: Dict[str, List[str]] = collections.defaultdict(list)
    for group, port_range in pairs:
        grouped[group].append(port_range)
    return {group: sorted(ranges) for group, ranges in grouped.items()}


def added_ranges(calls: List[Dict[str, Any]]) -> Dict[str, List[str]]:
    """{group: the ranges its one Add carried}, from the logged JSON body (portRanges is a list there)."""
    adds = [c for c in calls if c["action"] == ADD]
    groups = [c["params"]["securityGroupId"] for c in adds]
    assert len(groups) == len(set(groups)), f"a group was added to more than once: {sorted(groups)}"
    return {c["params"]["securityGroupId"]: sorted(c["params"]["portRanges"]) for c in adds}


# --- 1 to 3: the three converges equal the floor formula --------------------------------------------


def test_cold_converge_makes_exactly_the_floor_calls_with_one_add_per_group(scenario, converges):
    """Cold: the floor's reads plus one add per group, not per range.

    AddGatewaySecurityGroupRule takes a list of ranges, so authorizing 8 groups x 3 ranges is
    8 writes; 24 would mean the batching was lost. The gateway must then hold exactly the desired
    pairs, or low counts would prove nothing.
    """
    cold = converges["cold"]
    assert cold.run.task(DISCOVERY_TASK)["_status"] == "ok"
    assert cold.run.task(CONVERGE_TASK)["changed"] is True
    assert cold.counts == scenario.expected_calls("cold")
    shape = scenario.shape
    assert cold.counts[ADD] == shape.groups < shape.groups * shape.ranges_per_group
    assert added_ranges(cold.calls) == ranges_by_group(scenario.desired_pairs())
    assert authorized_pairs(cold.state_after, scenario.gateway_id) == scenario.desired_pairs()


def test_noop_converge_right_after_reads_the_floor_and_writes_nothing(scenario, converges):
    """No-op: discovery, one gateway list and the verification reads; no write, nothing changed.

    The no-op run is the one that repeats most (every scheduled run of a converged estate), so
    it must not pay for the list after writes that it did not make, nor touch the gateway.
    """
    noop = converges["noop"]
    assert noop.run.task(CONVERGE_TASK)["changed"] is False
    assert noop.counts == scenario.expected_calls("noop")
    assert not set(WRITES) & set(noop.counts)
    assert noop.counts[GATEWAY_LIST] == 1
    # Not even a rule re-created under a new id.
    assert gateway_authorizations(noop.state_after, scenario.gateway_id) == gateway_authorizations(
        noop.state_before, scenario.gateway_id
    )


def test_change_converge_makes_exactly_the_floor_calls(scenario, converges):
    """Change: the groups entry's 3 ranges replaced (with purge) on its 2 groups.

    One add per changed group carrying its 3 new ranges, and one delete per old authorization
    (the API keeps one rule per range, so 2 x 3 deletes); the groups that did not change are
    neither added to nor deleted from.
    """
    change = converges["change"]
    assert change.run.task(CONVERGE_TASK)["changed"] is True
    assert change.counts == scenario.expected_calls("change")
    new_pairs = scenario.desired_pairs(changed=True) - scenario.desired_pairs()
    assert added_ranges(change.calls) == ranges_by_group(new_pairs)
    old_ids = {
        a["id"]
        for a in gateway_authorizations(change.state_before, scenario.gateway_id)
        if a["security_group"] in scenario.direct_groups
    }
    deleted = [c["params"]["securityGroupRuleId"] for c in change.calls if c["action"] == DELETE]
    assert sorted(deleted) == sorted(old_ids)
    assert authorized_pairs(change.state_after, scenario.gateway_id) == scenario.desired_pairs(changed=True)


# --- 5: one gateway list before the writes, one after, and the verification reuses it -----------------


@pytest.mark.parametrize("kind", ["cold", "noop", "change"])
def test_the_gateway_is_listed_once_before_and_once_after_the_writes_and_verification_only_reads_groups(
    scenario, converges, kind
):
    """The list is the converge's most expensive read (the API has no paging): read it once to plan
    and, only when something was written, once more to learn the new rule ids (Add returns none).
    The role's discovery task comes first: every CS and ECS discovery read is made before the
    converge task lists the gateway, and none is made again after it.

    Verification reuses the lists: before planning it reads the desired groups already listed (so
    that drift is repaired), and after the last list only the groups written, then no further
    gateway call of any kind. Each group is read once, plus once more if it was written.
    """
    calls = converges[kind].calls
    actions = [c["action"] for c in calls]
    lists = [i for i, action in enumerate(actions) if action == GATEWAY_LIST]
    writes = [i for i, action in enumerate(actions) if action in WRITES]
    if kind == "noop":
        assert len(lists) == 1 and not writes
    else:
        assert len(lists) == 2 and writes
        assert lists[0] < writes[0] and writes[-1] < lists[1], actions
    # Discovery (the gateway, CS and ECS reads) is its own task, before the converge task's first call.
    discovery = [i for i, c in enumerate(calls) if c["action"] == "GetGateway" or c["product"] in ("cs", "ecs")]
    discovery = [i for i in discovery if calls[i]["action"] != VERIFY_READ]
    assert discovery == list(range(len(discovery))) and discovery[-1] < lists[0], actions
    assert actions.count("GetGateway") == 1  # the converge's pre-check reuses it and discovery's groups

    def verified(part: List[Dict[str, Any]]) -> List[str]:
        assert {c["action"] for c in part} <= {VERIFY_READ}, [c["action"] for c in part]
        return sorted(c["params"]["SecurityGroupId"] for c in part)

    before_writes = calls[lists[0] + 1 : writes[0] if writes else len(calls)]
    after_writes = calls[lists[1] + 1 :] if writes else []
    expected_before, expected_after = {
        "cold": ([], scenario.all_groups),  # nothing listed yet: every group is read after its add
        "noop": (scenario.all_groups, []),
        "change": (scenario.all_groups, sorted(scenario.direct_groups)),  # the groups written, again
    }[kind]
    assert verified(before_writes) == expected_before
    assert verified(after_writes) == expected_after


# --- 4: naive-shaped input is still batched ---------------------------------------------------------


def test_naive_shaped_input_is_batched_into_one_add_per_group_and_id_lookups_of_100(scenario, medium_emulator):
    """Input written the naive way, one rule per (group, range) and a long id list, still costs the batched calls.

    * gateway_sg_authorization given 24 single-range rules for 8 groups: one list, one Add per
      group whose logged portRanges (the JSON body's list) carries all 3 of that group's ranges,
      one list after;
    * backend_sg_info given all 420 instance ids: ceil(420/100) = 5 DescribeInstances, each
      with at most 100 ids (the InstanceIds JSON list), together asking each id exactly once.

    Each task signs with its own access key so that the call log attributes every call to it.
    """
    emulator = medium_emulator
    emulator.reset()  # nothing authorized
    instance_ids = sorted(i["id"] for i in scenario.world["instances"])
    assert len(instance_ids) > MAX_IDS_PER_CALL
    keys = add_keys(emulator, ["authorize", "lookup"])
    rules = [{"security_group_id": g, "port_ranges": [r]} for g, r in sorted(scenario.desired_pairs())]
    assert len(rules) == scenario.shape.groups * scenario.shape.ranges_per_group
    tasks = [
        {
            "name": "authorize",
            "alibabacloud.apig.gateway_sg_authorization": dict(
                keys["authorize"], gateway_id=scenario.gateway_id, rules=rules
            ),
        },
        {"name": "lookup", "alibabacloud.apig.backend_sg_info": dict(keys["lookup"], instance_ids=instance_ids)},
    ]
    run = run_tasks(tasks, emulator.env())
    assert run.rc == 0, run
    by_key = collections.defaultdict(list)
    for call in sorted_calls(emulator.calls()):
        by_key[call["access_key_id"]].append(call)
    assert set(by_key) == {k["access_key_id"] for k in keys.values()}

    authorize = by_key[keys["authorize"]["access_key_id"]]
    # The pre-check: the gateway and the 8 target groups (one batch), before the first write.
    pre_check = ["GetGateway", "DescribeSecurityGroups"]
    assert [c["action"] for c in authorize] == [GATEWAY_LIST] + pre_check + [ADD] * scenario.shape.groups + [
        GATEWAY_LIST
    ]
    added = added_ranges(authorize)
    assert added == ranges_by_group(scenario.desired_pairs())
    assert all(len(ranges) == scenario.shape.ranges_per_group > 1 for ranges in added.values())
    assert authorized_pairs(emulator.state(), scenario.gateway_id) == scenario.desired_pairs()

    lookup = by_key[keys["lookup"]["access_key_id"]]
    describes = [c for c in lookup if c["action"] == "DescribeInstances"]
    assert len(describes) == math.ceil(len(instance_ids) / MAX_IDS_PER_CALL)
    # The instances' groups are then checked in one DescribeSecurityGroups batch; nothing else.
    assert collections.Counter(c["action"] for c in lookup) == {
        "DescribeInstances": len(describes),
        "DescribeSecurityGroups": 1,
    }
    batches = [json.loads(c["params"]["InstanceIds"]) for c in describes]
    assert all(len(batch) <= MAX_IDS_PER_CALL for batch in batches), [len(b) for b in batches]
    assert sorted(i for batch in batches for i in batch) == instance_ids


# --- 6: under rate limits, the throttled calls are retried and the answered ones are still the floor's ----


THROTTLED = "Throttling.User"


@pytest.mark.parametrize("read_scope", ["action", None], ids=["reads counted per action", "reads counted together"])
def test_a_cold_converge_under_rate_limits_answers_exactly_the_floor_calls(scenario, medium_emulator, read_scope):
    """Writes and reads limited to 4 a second, the reads counted per action or over every product together.

    ECS and the OpenAPI pages document limits per action, region and account; one limit over all of an
    account's reads is the other reading (tests/emulator/README.md, item 26). Under either, the cold
    converge ends with the desired pairs, and every throttled answer is retried until answered: the answered
    calls, by action, are still the floor formula, with no call lost and none made twice.
    """
    emulator = medium_emulator
    emulator.reset()
    limit = {"action": "*", "throttle_after_per_second": 4, "retry_after_ms": 100}
    reads = dict(limit, calls="read", **({"per": read_scope} if read_scope else {}))
    emulator.set_faults([dict(limit, calls="write"), reads])
    try:
        run = run_playbook(PLAYBOOK, emulator.env(), extra_vars=scenario.role_vars())
    finally:
        emulator.clear_faults()
    assert run.rc == 0, run
    calls = emulator.calls()
    throttled = collections.Counter(c["action"] for c in calls if c["code"] == THROTTLED)
    assert throttled[ADD] and sum(throttled.values()) > throttled[ADD], throttled  # writes and reads both met a limit
    answered = collections.Counter(c["action"] for c in calls if c["code"] != THROTTLED)
    assert dict(answered) == scenario.expected_calls("cold")
    assert authorized_pairs(emulator.state(), scenario.gateway_id) == scenario.desired_pairs()
