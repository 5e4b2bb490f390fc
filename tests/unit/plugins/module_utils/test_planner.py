# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import json
from typing import Dict
from typing import List
from typing import Optional
from typing import Set

import pytest
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import AddRanges
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Authorization
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import DeleteRule
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import DesiredGroup
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Pair
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Plan
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import diff_lines
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import merge_desired_groups
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import pairs_after_plan
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import plan_authorizations
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import plan_diff
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import PortRange
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import merge_port_ranges
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import parse_port_range
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import planned_actions
from hypothesis import given
from hypothesis import strategies as st


def pr(text: str) -> PortRange:
    return parse_port_range(text)


def auth(rule_id: str, group: str, port_range: str, description: Optional[str] = None) -> Authorization:
    return Authorization(rule_id, group, pr(port_range), description)


def want(group: str, *ranges: str, description: Optional[str] = None) -> DesiredGroup:
    return DesiredGroup(group, tuple(pr(r) for r in ranges), description)


def add(group: str, *ranges: str, description: Optional[str] = None) -> AddRanges:
    return AddRanges(group, tuple(pr(r) for r in ranges), description)


def delete(rule_id: str, group: str, *ranges: str) -> DeleteRule:
    return DeleteRule(rule_id, group, tuple(pr(r) for r in ranges))


# (name, current, desired, kwargs, expected plan)
CASES = [
    (
        "empty gateway: one add per group",
        [],
        [want("sg-1", "80", "443", description="web")],
        {},
        Plan(adds=(add("sg-1", "80/80", "443/443", description="web"),)),
    ),
    ("nothing desired, nothing to do", [auth("r1", "sg-1", "80")], [], {}, Plan()),
    (
        "only the missing range is added",
        [auth("r1", "sg-1", "80")],
        [want("sg-1", "80", "443")],
        {},
        Plan(adds=(add("sg-1", "443/443"),)),
    ),
    (
        "description is not identity",
        [auth("r1", "sg-1", "80", "old")],
        [want("sg-1", "80", description="new")],
        {},
        Plan(),
    ),
    (
        "covering range does not count as the range",
        [auth("r1", "sg-1", "80/9000")],
        [want("sg-1", "8080")],
        {},
        Plan(adds=(add("sg-1", "8080/8080"),)),
    ),
    (
        "groups sorted by id",
        [],
        [want("sg-b", "22"), want("sg-a", "80")],
        {},
        Plan(adds=(add("sg-a", "80/80"), add("sg-b", "22/22"))),
    ),
    (
        "no purge keeps extra ranges",
        [auth("r1", "sg-1", "22"), auth("r2", "sg-1", "80")],
        [want("sg-1", "80")],
        {},
        Plan(),
    ),
    (
        "purge_port_ranges removes undesired ranges of named groups",
        [auth("r1", "sg-1", "22"), auth("r2", "sg-1", "80"), auth("r3", "sg-2", "22")],
        [want("sg-1", "80", "443")],
        {"purge_port_ranges": True},
        Plan(adds=(add("sg-1", "443/443"),), deletes=(delete("r1", "sg-1", "22/22"),)),
    ),
    (
        "purge_port_ranges with no ranges empties the group",
        [auth("r1", "sg-1", "22"), auth("r2", "sg-1", "80")],
        [want("sg-1")],
        {"purge_port_ranges": True},
        Plan(deletes=(delete("r1", "sg-1", "22/22"), delete("r2", "sg-1", "80/80"))),
    ),
    (
        "purge_security_groups removes other groups only",
        [auth("r1", "sg-1", "22"), auth("r2", "sg-2", "80"), auth("r0", "sg-3", "80")],
        [want("sg-1", "80")],
        {"purge_security_groups": True},
        Plan(adds=(add("sg-1", "80/80"),), deletes=(delete("r2", "sg-2", "80/80"), delete("r0", "sg-3", "80/80"))),
    ),
    (
        "both purges give exactly the desired set",
        [auth("r1", "sg-1", "22"), auth("r2", "sg-2", "80"), auth("r3", "sg-1", "80")],
        [want("sg-1", "80")],
        {"purge_security_groups": True, "purge_port_ranges": True},
        Plan(deletes=(delete("r1", "sg-1", "22/22"), delete("r2", "sg-2", "80/80"))),
    ),
    (
        "duplicates of a desired range: keep the lowest rule id",
        [auth("gsgr-2", "sg-1", "80"), auth("gsgr-1", "sg-1", "80"), auth("gsgr-3", "sg-1", "80")],
        [want("sg-1", "80")],
        {},
        Plan(deletes=(delete("gsgr-2", "sg-1", "80/80"), delete("gsgr-3", "sg-1", "80/80"))),
    ),
    (
        "duplicates of an undesired range are left without purge",
        [auth("r1", "sg-1", "22"), auth("r2", "sg-1", "22")],
        [want("sg-1", "80")],
        {},
        Plan(adds=(add("sg-1", "80/80"),)),
    ),
    (
        "multi-range rule: purge one range, re-add the other with its description",
        [auth("r1", "sg-1", "80", "d1"), auth("r1", "sg-1", "443", "d1")],
        [want("sg-1", "80", description="new")],
        {"purge_port_ranges": True},
        Plan(deletes=(delete("r1", "sg-1", "80/80", "443/443"),), readds=(add("sg-1", "80/80", description="d1"),)),
    ),
    (
        "multi-range rule kept when another rule still holds its ranges",
        [auth("r1", "sg-1", "80"), auth("r1", "sg-1", "443"), auth("r2", "sg-1", "443")],
        [want("sg-1", "80")],
        {"purge_port_ranges": True},
        Plan(
            deletes=(delete("r1", "sg-1", "80/80", "443/443"), delete("r2", "sg-1", "443/443")),
            readds=(add("sg-1", "80/80"),),
        ),
    ),
    (
        "duplicate held by a multi-range rule: the other copy is dropped",
        [auth("r1", "sg-1", "80"), auth("r1", "sg-1", "443"), auth("r2", "sg-1", "443")],
        [want("sg-1", "443")],
        {},
        Plan(deletes=(delete("r2", "sg-1", "443/443"),)),
    ),
    (
        "desired group given twice: ranges merged, first description wins",
        [],
        [want("sg-1", "80/100", description="a"), want("sg-1", "90/200", "22", description="b")],
        {},
        Plan(adds=(add("sg-1", "22/22", "80/200", description="a"),)),
    ),
    (
        "absent removes listed ranges only",
        [auth("r1", "sg-1", "80"), auth("r2", "sg-1", "443"), auth("r3", "sg-2", "80")],
        [want("sg-1", "80", "8080")],
        {"state": "absent"},
        Plan(deletes=(delete("r1", "sg-1", "80/80"),)),
    ),
    (
        "absent with no ranges removes the whole group",
        [auth("r1", "sg-1", "80"), auth("r2", "sg-1", "443"), auth("r3", "sg-2", "80")],
        [want("sg-1")],
        {"state": "absent"},
        Plan(deletes=(delete("r1", "sg-1", "80/80"), delete("r2", "sg-1", "443/443"))),
    ),
    (
        "absent removes every duplicate",
        [auth("r1", "sg-1", "80"), auth("r2", "sg-1", "80")],
        [want("sg-1", "80")],
        {"state": "absent"},
        Plan(deletes=(delete("r1", "sg-1", "80/80"), delete("r2", "sg-1", "80/80"))),
    ),
    (
        "absent matches exact ranges, overlaps are distinct",
        [auth("r1", "sg-1", "80/9000"), auth("r2", "sg-1", "8080")],
        [want("sg-1", "80/9000", "8080")],
        {"state": "absent"},
        Plan(deletes=(delete("r1", "sg-1", "80/9000"), delete("r2", "sg-1", "8080/8080"))),
    ),
    (
        "absent on a multi-range rule re-adds the survivor",
        [auth("r1", "sg-1", "80", "d"), auth("r1", "sg-1", "443", "d")],
        [want("sg-1", "80")],
        {"state": "absent"},
        Plan(deletes=(delete("r1", "sg-1", "80/80", "443/443"),), readds=(add("sg-1", "443/443", description="d"),)),
    ),
    (
        "absent: a group named once without ranges means all of it",
        [auth("r1", "sg-1", "80"), auth("r2", "sg-1", "443")],
        [want("sg-1", "80"), want("sg-1")],
        {"state": "absent"},
        Plan(deletes=(delete("r1", "sg-1", "80/80"), delete("r2", "sg-1", "443/443"))),
    ),
    ("absent on nothing", [auth("r1", "sg-2", "80")], [want("sg-1", "80")], {"state": "absent"}, Plan()),
]


@pytest.mark.parametrize(("name", "current", "desired", "kwargs", "expected"), CASES, ids=[c[0] for c in CASES])
def test_plan_table(name: str, current: list, desired: list, kwargs: dict, expected: Plan) -> None:
    plan = plan_authorizations(current, desired, **kwargs)
    assert plan == expected
    assert plan.changed == (expected != Plan())
    # Planning again on the result changes nothing.
    assert not plan_authorizations(_as_authorizations(pairs_after_plan(current, plan)), desired, **kwargs).changed


@pytest.mark.parametrize("flags", [{"purge_port_ranges": True}, {"purge_security_groups": True}])
def test_absent_refuses_purge_flags(flags: dict) -> None:
    with pytest.raises(ValueError, match="state=absent"):
        plan_authorizations([], [want("sg-1", "80")], state="absent", **flags)


def test_unknown_state() -> None:
    with pytest.raises(ValueError, match="state must be one of"):
        plan_authorizations([], [], state="merged")


def test_plan_diff_text() -> None:
    current = [auth("r1", "sg-b", "22"), auth("r2", "sg-a", "8080", "x")]
    plan = plan_authorizations(current, [want("sg-a", "80", "8080")], purge_security_groups=True)
    assert plan_diff(current, plan) == {
        "before": "sg-a 8080/8080\nsg-b 22/22\n",
        "after": "sg-a 80/80\nsg-a 8080/8080\n",
    }
    assert plan_diff([], Plan()) == {"before": "", "after": ""}


def test_diff_lines_accepts_pairs_triples_and_authorizations() -> None:
    assert diff_lines([("sg-1", pr("443")), ("sg-1", (80, 80)), ("sg-0", pr("22"))]) == (
        "sg-0 22/22\nsg-1 80/80\nsg-1 443/443\n"
    )
    assert diff_lines([("sg-1", pr("80"), "web")]) == "sg-1 80/80 web\n"
    assert diff_lines([auth("r9", "sg-1", "80", "web")]) == "sg-1 80/80 web\n"


def test_planner_accepts_iterators() -> None:
    current = [auth("r1", "sg-1", "80")]
    plan = plan_authorizations(iter(current), iter([want("sg-1", "443")]))
    assert plan.adds == (add("sg-1", "443/443"),)


# ---------------------------------------------------------------- properties

GROUPS = ["sg-a", "sg-b", "sg-c", "sg-d"]
DESCRIPTIONS = [None, "", "web", "api"]

# A small port space so that duplicates, overlaps and touching ranges are frequent.
small_ranges = st.builds(lambda start, width: PortRange(start, start + width), st.integers(1, 12), st.integers(0, 3))


@st.composite
def current_states(draw: st.DrawFn) -> List[Authorization]:
    rules = draw(
        st.lists(
            st.tuples(
                st.sampled_from(GROUPS), st.lists(small_ranges, min_size=1, max_size=3), st.sampled_from(DESCRIPTIONS)
            ),
            max_size=10,
        )
    )
    # Unique rule ids, deliberately not in list order.
    ids = draw(st.permutations(range(len(rules))))
    return [
        Authorization(f"gsgr-{ids[index]:03d}", group, port_range, description)
        for index, (group, ranges, description) in enumerate(rules)
        for port_range in ranges
    ]


@st.composite
def desired_states(draw: st.DrawFn, state: str) -> List[DesiredGroup]:
    groups = draw(
        st.lists(
            st.tuples(st.sampled_from(GROUPS), st.lists(small_ranges, max_size=4), st.sampled_from(DESCRIPTIONS)),
            max_size=4,
        )
    )
    result = []
    for group, ranges, description in groups:
        # What the module hands over: normalize_port_ranges output (merged for present, exact for absent).
        normalized = merge_port_ranges(ranges) if state == "present" else sorted(set(ranges))
        result.append(DesiredGroup(group, tuple(normalized), description))
    return result


@st.composite
def scenarios(draw: st.DrawFn) -> tuple:
    state = draw(st.sampled_from(["present", "absent"]))
    current = draw(current_states())
    desired = draw(desired_states(state))
    if state == "present":
        kwargs = {"purge_port_ranges": draw(st.booleans()), "purge_security_groups": draw(st.booleans())}
    else:
        kwargs = {}
    return state, current, desired, kwargs


def _pairs(current: List[Authorization]) -> Set[Pair]:
    return {(a.security_group_id, a.port_range) for a in current}


def _as_authorizations(pairs: Set[Pair]) -> List[Authorization]:
    return [Authorization(f"new-{i:04d}", group, port_range) for i, (group, port_range) in enumerate(sorted(pairs))]


def _desired_map(desired: List[DesiredGroup], state: str) -> Dict[str, List[PortRange]]:
    collected: Dict[str, Set[PortRange]] = {}
    for group in desired:
        collected.setdefault(group.security_group_id, set()).update(group.port_ranges)
    if state == "present":
        return {group: merge_port_ranges(ranges) for group, ranges in collected.items()}
    return {group: sorted(ranges) for group, ranges in collected.items()}


def _expected(current: List[Authorization], desired: List[DesiredGroup], state: str, kwargs: dict) -> Set[Pair]:
    """The specification, written as plainly as possible."""
    now = _pairs(current)
    wanted = _desired_map(desired, state)
    if state == "absent":
        whole = {g.security_group_id for g in desired if not g.port_ranges}
        return {
            (group, port_range)
            for group, port_range in now
            if not (group in whole or port_range in wanted.get(group, ()))
        }
    desired_pairs = {(group, port_range) for group, ranges in wanted.items() for port_range in ranges}
    kept = set()
    for group, port_range in now:
        if group in wanted and kwargs["purge_port_ranges"] and (group, port_range) not in desired_pairs:
            continue
        if group not in wanted and kwargs["purge_security_groups"]:
            continue
        kept.add((group, port_range))
    return kept | desired_pairs


@given(scenarios())
def test_plan_reaches_the_specified_state(scenario: tuple) -> None:
    state, current, desired, kwargs = scenario
    plan = plan_authorizations(current, desired, state=state, **kwargs)
    result = pairs_after_plan(current, plan)
    assert result == _expected(current, desired, state, kwargs)
    if state == "present":
        assert {(g, r) for g, ranges in _desired_map(desired, state).items() for r in ranges} <= result
    else:
        whole = {g.security_group_id for g in desired if not g.port_ranges}
        for group, ranges in _desired_map(desired, state).items():
            named = [r for g, r in _pairs(current) if g == group] if group in whole else ranges
            assert not {(group, r) for r in named} & result
    # Idempotence: planning on the outcome (fresh rule ids, no descriptions) is a no-op.
    again = plan_authorizations(_as_authorizations(result), desired, state=state, **kwargs)
    assert not again.changed
    assert again == Plan()


@given(scenarios())
def test_plan_shape(scenario: tuple) -> None:
    state, current, desired, kwargs = scenario
    plan = plan_authorizations(current, desired, state=state, **kwargs)
    now = _pairs(current)
    by_rule: Dict[str, Set[PortRange]] = {}
    for a in current:
        by_rule.setdefault(a.rule_id, set()).add(a.port_range)

    # Adds: at most one per group, only ranges that exist nowhere yet, sorted.
    add_groups = [step.security_group_id for step in plan.adds]
    assert len(add_groups) == len(set(add_groups)) and add_groups == sorted(add_groups)
    for step in plan.adds:
        assert list(step.port_ranges) == sorted(set(step.port_ranges)) and step.port_ranges
        assert not {(step.security_group_id, r) for r in step.port_ranges} & now
    if state == "absent":
        assert plan.adds == ()

    # Deletes: unique, sorted by (group, rule id), carrying every range of the rule.
    keys = [(step.security_group_id, step.rule_id) for step in plan.deletes]
    assert keys == sorted(set(keys))
    for step in plan.deletes:
        assert set(step.port_ranges) == by_rule[step.rule_id]

    # Re-adds: only ranges that existed, and each one lost with a deleted rule.
    deleted_pairs = {(s.security_group_id, r) for s in plan.deletes for r in s.port_ranges}
    for step in plan.readds:
        assert {(step.security_group_id, r) for r in step.port_ranges} <= deleted_pairs & now

    # The diff is the plan's outcome.
    diff = plan_diff(current, plan)
    assert diff["before"] == diff_lines(now)
    assert diff["after"] == diff_lines(pairs_after_plan(current, plan))
    assert diff["after"] == "".join(f"{g} {r}\n" for g, r in sorted(pairs_after_plan(current, plan)))
    assert plan.changed == (diff["before"] != diff["after"] or bool(plan.deletes))
    json.dumps(planned_actions(plan, cascading_delete=True))


@given(scenarios())
def test_present_without_purge_deletes_only_duplicates(scenario: tuple) -> None:
    _name, current, desired, _flags = scenario
    plan = plan_authorizations(current, desired)
    desired_pairs = {(g, r) for g, ranges in _desired_map(desired, "present").items() for r in ranges}
    holders: Dict[Pair, Set[str]] = {}
    for a in current:
        holders.setdefault((a.security_group_id, a.port_range), set()).add(a.rule_id)
    for step in plan.deletes:
        duplicated = [
            r
            for r in step.port_ranges
            if (step.security_group_id, r) in desired_pairs and len(holders[(step.security_group_id, r)]) > 1
        ]
        assert duplicated, f"{step} deletes no duplicate"
    # Nothing that existed is lost.
    assert _pairs(current) <= pairs_after_plan(current, plan)


@given(scenarios(), st.randoms(use_true_random=False))
def test_plan_is_deterministic(scenario: tuple, rnd) -> None:
    state, current, desired, kwargs = scenario
    plan = plan_authorizations(current, desired, state=state, **kwargs)
    shuffled_current, shuffled_desired = list(current), list(desired)
    rnd.shuffle(shuffled_current)
    rnd.shuffle(shuffled_desired)
    # Shuffling desired groups only matters for the description of a group given twice.
    if len({g.security_group_id for g in desired}) == len(desired):
        assert plan_authorizations(shuffled_current, shuffled_desired, state=state, **kwargs) == plan
    assert plan_authorizations(shuffled_current, desired, state=state, **kwargs) == plan


# ---------------------------------------------------------------- repairs


def test_repair_deletes_the_drifted_rule_without_cascade_and_adds_it_again() -> None:
    current = [auth("r1", "sg-1", "8080", "web"), auth("r2", "sg-2", "80")]
    plan = plan_authorizations(
        current, [want("sg-1", "8080"), want("sg-2", "80")], not_effective=[("sg-1", pr("8080"))]
    )
    assert plan == Plan(
        deletes=(DeleteRule("r1", "sg-1", (pr("8080"),), repair=True),),
        readds=(add("sg-1", "8080/8080", description="web"),),
        repairs=(("sg-1", pr("8080")),),
    )
    actions = planned_actions(plan, cascading_delete=True)
    assert [(a["action"], a.get("cascading_delete")) for a in actions] == [("delete", False), ("add", None)]
    diff = plan_diff(current, plan, [("sg-1", pr("8080"))])
    assert diff == {
        "before": "sg-1 8080/8080 (inbound rule missing)\nsg-2 80/80\n",
        "after": "sg-1 8080/8080\nsg-2 80/80\n",
    }


def test_undeclared_or_purged_drift_is_not_repaired() -> None:
    current = [auth("r1", "sg-1", "8080"), auth("r2", "sg-2", "80")]
    drifted = [("sg-2", pr("80"))]
    kept = plan_authorizations(current, [want("sg-1", "8080")], not_effective=drifted)
    assert kept == Plan()
    assert plan_diff(current, kept, drifted)["after"] == "sg-1 8080/8080\nsg-2 80/80 (inbound rule missing)\n"
    purged = plan_authorizations(current, [want("sg-1", "8080")], purge_security_groups=True, not_effective=drifted)
    assert purged == Plan(deletes=(delete("r2", "sg-2", "80/80"),))


def test_repair_of_a_multi_range_rule_readds_its_other_ranges_and_purge_still_cascades() -> None:
    current = [auth("r1", "sg-1", "80"), auth("r1", "sg-1", "443"), auth("r1", "sg-1", "9000")]
    drifted = [("sg-1", pr("80"))]
    plan = plan_authorizations(current, [want("sg-1", "80", "443", "9000")], not_effective=drifted)
    assert plan.deletes == (DeleteRule("r1", "sg-1", (pr("80"), pr("443"), pr("9000")), repair=True),)
    assert plan.readds == (add("sg-1", "80/80", "443/443", "9000/9000"),)
    # Purge deletes the rule anyway: that delete cascades (it closes 9000), and 80 and 443 come back.
    purged = plan_authorizations(current, [want("sg-1", "80", "443")], purge_port_ranges=True, not_effective=drifted)
    assert purged.deletes == (delete("r1", "sg-1", "80/80", "443/443", "9000/9000"),)
    assert purged.readds == (add("sg-1", "80/80", "443/443"),) and purged.repairs == (("sg-1", pr("80")),)


def test_absent_refuses_repairs() -> None:
    with pytest.raises(ValueError):
        plan_authorizations(
            [auth("r1", "sg-1", "80")], [want("sg-1")], state="absent", not_effective=[("sg-1", pr("80"))]
        )


@st.composite
def drift_scenarios(draw: st.DrawFn) -> tuple:
    current = draw(current_states())
    desired = draw(desired_states("present"))
    kwargs = {"purge_port_ranges": draw(st.booleans()), "purge_security_groups": draw(st.booleans())}
    pairs = sorted(_pairs(current))
    drifted = set(draw(st.lists(st.sampled_from(pairs), unique=True))) if pairs else set()
    return current, desired, kwargs, drifted


def _touched_groups(plan: Plan) -> Set[str]:
    return {step.security_group_id for step in plan.steps}


@given(drift_scenarios())
def test_repair_reaches_the_same_state_touching_only_drifted_groups(scenario: tuple) -> None:
    current, desired, kwargs, drifted = scenario
    plain = plan_authorizations(current, desired, **kwargs)
    plan = plan_authorizations(current, desired, not_effective=drifted, **kwargs)
    # The same outcome; what changes is only that the drifted desired pairs are re-created.
    assert pairs_after_plan(current, plan) == pairs_after_plan(current, plain)
    desired_pairs = {(g, r) for g, ranges in _desired_map(desired, "present").items() for r in ranges}
    assert set(plan.repairs) == drifted & desired_pairs
    drifted_groups = {group for group, _range in plan.repairs}
    # Healthy groups are never touched by a repair.
    assert _touched_groups(plan) <= _touched_groups(plain) | drifted_groups
    for group in _touched_groups(plan) - _touched_groups(plain):
        assert group in drifted_groups
    # Every repaired pair loses all its rules and is added again.
    deleted = {step.rule_id for step in plan.deletes}
    readded = {(s.security_group_id, r) for s in plan.readds for r in s.port_ranges}
    for pair in plan.repairs:
        assert {a.rule_id for a in current if (a.security_group_id, a.port_range) == pair} <= deleted
        assert pair in readded
    # Only the deletes that the plan makes for the repair alone skip the cascade.
    plain_deletes = {step.rule_id for step in plain.deletes}
    for step in plan.deletes:
        assert step.repair == (step.rule_id not in plain_deletes)
    assert plan.adds == plain.adds
    # The next run, on the repaired state (fresh ids, all effective), is clean.
    assert plan_authorizations(_as_authorizations(pairs_after_plan(current, plan)), desired, **kwargs) == Plan()
    # The diff marks the drifted pairs before, and only the ones left unrepaired after.
    diff = plan_diff(current, plan, drifted)
    for group, port_range in plan.repairs:
        assert f"{group} {port_range} (inbound rule missing)\n" in diff["before"]
        assert f"{group} {port_range} (inbound rule missing)\n" not in diff["after"]


def test_merge_desired_groups_unites_ranges_and_keeps_the_first_description_given() -> None:
    given = [
        DesiredGroup("sg-b", ((80, 9000),), None),
        DesiredGroup("sg-a", ((8080, 8080),), None),
        DesiredGroup("sg-b", ((8080, 8080), (9000, 9100)), "second"),
        DesiredGroup("sg-b", ((22, 22),), "third"),
    ]
    assert merge_desired_groups(given, merge_overlaps=True) == [
        DesiredGroup("sg-a", (PortRange(8080, 8080),), None),
        DesiredGroup("sg-b", (PortRange(22, 22), PortRange(80, 9100)), "second"),
    ]
    assert merge_desired_groups(given, merge_overlaps=False)[1] == DesiredGroup(
        "sg-b", (PortRange(22, 22), PortRange(80, 9000), PortRange(8080, 8080), PortRange(9000, 9100)), "second"
    )
