# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""Plan the writes that converge a gateway's security-group authorizations (pure: no I/O).

Identity: an authorization is the tuple (security group id, start port, end port). The
description is NOT part of it: a range authorized with another description is left alone
and is not a change (descriptions are only sent with new authorizations).

States and purge scope (resource-module terms in brackets):
  * present: every desired range of every desired group is authorized [merged];
    ``purge_port_ranges`` also removes the ranges of each desired group that are not desired
    [replaced]; ``purge_security_groups`` also removes every authorization of groups that are not
    desired, making the desired groups the gateway's complete set [overridden].
  * absent: the listed ranges of each desired group are removed, matched exactly (overlapping
    ranges are distinct rules here, not merged); a group with no ranges means all of that group's
    authorizations [deleted]. Purge flags are meaningless here (ValueError).
  * present also removes exact duplicates of a desired range (one (group, range) held by
    several rule ids, e.g. left by a concurrent run), keeping the lowest rule id.
  * A group given twice gets the union of its ranges (overlaps merged for present, as
    _port_ranges.normalize_port_ranges does) and the first description given.

Repair (present only): a desired pair that the gateway lists but whose inbound rule is missing
from the backend group (``not_effective``, what verification reports) is deleted whole, without
cascade (``DeleteRule.repair``: the rule to cascade is gone already, and other inbound rules are
kept), and added again as a re-add, keeping its description. Only the rules that hold such a pair
are touched: healthy groups never are. ``Plan.repairs`` lists the pairs repaired. Pairs that are
not desired (or that purge removes anyway) are never repaired.

Order of the writes, so that access never drops for ranges that stay:
  1. ``adds``: one AddRanges per group, carrying all of its missing ranges;
  2. ``deletes``: one DeleteRule per rule id, only after every add succeeded;
  3. ``readds``: a rule id carrying several ranges is deleted whole, so its ranges that must
     stay are added again afterwards, keeping their description (normally empty).

Everything is sorted (groups by id, ranges ascending, deletes by group then rule id), so the
same input always gives the same plan, the same ``actions`` and the same diff.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import Iterable
from typing import List
from typing import NamedTuple
from typing import Optional
from typing import Set
from typing import Tuple

from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import PortRange
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import merge_port_ranges

STATES = ("present", "absent")

Pair = Tuple[str, PortRange]


class Authorization(NamedTuple):
    """One port range of one gateway authorization, as listed by the API."""

    rule_id: str
    security_group_id: str
    port_range: PortRange
    description: Optional[str] = None


class DesiredGroup(NamedTuple):
    security_group_id: str
    port_ranges: tuple
    description: Optional[str] = None


class AddRanges(NamedTuple):
    """One AddGatewaySecurityGroupRule call."""

    security_group_id: str
    port_ranges: tuple
    description: Optional[str] = None


class DeleteRule(NamedTuple):
    """One DeleteGatewaySecurityGroupRule call; ``port_ranges`` are all the ranges the rule carries.

    ``repair``: deleted only to be added again (a repair), so never with cascade.
    """

    rule_id: str
    security_group_id: str
    port_ranges: tuple
    repair: bool = False


class Plan(NamedTuple):
    adds: tuple = ()
    deletes: tuple = ()
    readds: tuple = ()
    repairs: tuple = ()  # the (group, range) pairs deleted and added again, sorted

    @property
    def changed(self) -> bool:
        return bool(self.adds or self.deletes or self.readds)

    @property
    def steps(self) -> tuple:
        """Every step in execution order: adds, deletes, re-adds."""
        return self.adds + self.deletes + self.readds


class _Rule:
    """All ranges one rule id carries (several only if the API returned a multi-range item)."""

    __slots__ = ("description", "pairs", "rule_id", "security_group_id")

    def __init__(self, rule_id: str) -> None:
        self.rule_id = rule_id
        self.security_group_id = ""
        self.pairs: Set[Pair] = set()
        self.description: Optional[str] = None


def _index_rules(current: Iterable[Authorization]) -> Dict[str, _Rule]:
    rules: Dict[str, _Rule] = {}
    for auth in current:
        rule = rules.get(auth.rule_id)
        if rule is None:
            rule = rules[auth.rule_id] = _Rule(auth.rule_id)
        rule.pairs.add((auth.security_group_id, PortRange(*auth.port_range)))
        # A rule id belongs to one group; should the API ever disagree, report the smallest id.
        if not rule.security_group_id or auth.security_group_id < rule.security_group_id:
            rule.security_group_id = auth.security_group_id
        if rule.description is None and auth.description:
            rule.description = auth.description
    return rules


def merge_desired_groups(groups: Iterable[DesiredGroup], merge_overlaps: bool) -> List[DesiredGroup]:
    """One DesiredGroup per group id, sorted by id: the union of the ranges it is given, and its first description.

    Overlapping ranges are merged when ``merge_overlaps`` (state present), else kept apart, sorted, without exact
    duplicates (state absent matches exact ranges). The description is the first one given that is not None. The
    module's request, the role's entries and the planner all merge a group given twice here.
    """
    ranges: Dict[str, Set[PortRange]] = {}
    descriptions: Dict[str, Any] = {}
    for group in groups:
        ranges.setdefault(group.security_group_id, set()).update(PortRange(*pr) for pr in group.port_ranges)
        if descriptions.get(group.security_group_id) is None:
            descriptions[group.security_group_id] = group.description
    return [
        DesiredGroup(
            group_id,
            tuple(merge_port_ranges(ranges[group_id]) if merge_overlaps else sorted(ranges[group_id])),
            descriptions[group_id],
        )
        for group_id in sorted(ranges)
    ]


def _merge_desired(desired: Iterable[DesiredGroup], merge_overlaps: bool) -> Dict[str, Tuple[List[PortRange], Any]]:
    """Group id -> (ranges, description), from merge_desired_groups."""
    return {
        group.security_group_id: (list(group.port_ranges), group.description)
        for group in merge_desired_groups(desired, merge_overlaps)
    }


def plan_authorizations(
    current: Iterable[Authorization],
    desired: Iterable[DesiredGroup],
    state: str = "present",
    purge_port_ranges: bool = False,
    purge_security_groups: bool = False,
    not_effective: Iterable[Pair] = (),
) -> Plan:
    """Current authorizations + desired groups -> the ordered Plan (see the module docstring).

    not_effective: the (group, range) pairs whose inbound rule is missing, to repair.
    """
    if state not in STATES:
        raise ValueError(f"state must be one of {', '.join(STATES)}, got {state!r}")
    not_effective = {(group, PortRange(*port_range)) for group, port_range in not_effective}
    if state == "absent" and (purge_port_ranges or purge_security_groups or not_effective):
        raise ValueError("purge_port_ranges, purge_security_groups and repairs cannot be used with state=absent")

    rules = _index_rules(current)
    holders = _holders(rules)

    desired = list(desired)
    # state=absent matches exact ranges, so overlapping ranges there are distinct targets, not one union.
    wanted = _merge_desired(desired, merge_overlaps=state == "present")
    # With absent, a group named once without ranges means all of it, however else it is named.
    whole_groups = {group.security_group_id for group in desired if not group.port_ranges}
    desired_pairs: Set[Pair] = {(group_id, pr) for group_id, (ranges, _description) in wanted.items() for pr in ranges}

    # Pairs the plan removes on purpose; everything else that exists now must still exist after it.
    if state == "absent":
        removed = _revoked_pairs(wanted, whole_groups, holders)
    else:
        removed = _purged_pairs(wanted, desired_pairs, holders, purge_port_ranges, purge_security_groups)

    deleted: Set[str] = {rule_id for pair in removed for rule_id in holders[pair]}
    repairs: Set[Pair] = set()
    if state == "present":
        _delete_duplicates(desired_pairs, holders, deleted)
        repairs = not_effective & desired_pairs & set(holders)
    repair_only = {rule_id for pair in repairs for rule_id in holders[pair]} - deleted
    deleted |= repair_only

    target = set(holders) - removed
    if state == "present":
        target |= desired_pairs
    surviving = {pair for rule_id, rule in rules.items() if rule_id not in deleted for pair in rule.pairs}
    missing = target - surviving

    adds = _add_steps((pair, wanted[pair[0]][1]) for pair in missing if pair not in holders)
    # Ranges lost with a deleted multi-range rule keep the description they had.
    readds = _add_steps((pair, rules[holders[pair][0]].description) for pair in missing if pair in holders)
    return Plan(
        adds=adds, deletes=_delete_steps(rules, deleted, repair_only), readds=readds, repairs=tuple(sorted(repairs))
    )


def _holders(rules: Dict[str, _Rule]) -> Dict[Pair, List[str]]:
    """Which rule ids hold each (group, range), sorted."""
    holders: Dict[Pair, List[str]] = {}
    for rule in rules.values():
        for pair in rule.pairs:
            holders.setdefault(pair, []).append(rule.rule_id)
    for rule_ids in holders.values():
        rule_ids.sort()
    return holders


def _revoked_pairs(wanted: Dict[str, Tuple[List[PortRange], Any]], whole_groups: Set[str], holders: Dict) -> Set[Pair]:
    """state=absent: the listed ranges that exist, and every range of a group listed without ranges."""
    removed: Set[Pair] = set()
    for group_id, (ranges, _description) in wanted.items():
        if group_id in whole_groups:
            removed.update(pair for pair in holders if pair[0] == group_id)
        else:
            removed.update((group_id, pr) for pr in ranges if (group_id, pr) in holders)
    return removed


def _purged_pairs(
    wanted: Dict[str, Tuple[List[PortRange], Any]],
    desired_pairs: Set[Pair],
    holders: Dict,
    purge_port_ranges: bool,
    purge_security_groups: bool,
) -> Set[Pair]:
    """state=present: what the purge options remove (undesired ranges of desired groups, every undesired group)."""
    removed: Set[Pair] = set()
    for pair in holders:
        if pair[0] in wanted:
            if purge_port_ranges and pair not in desired_pairs:
                removed.add(pair)
        elif purge_security_groups:
            removed.add(pair)
    return removed


def _delete_steps(rules: Dict[str, _Rule], deleted: Set[str], repair_only: Set[str]) -> tuple:
    """One DeleteRule per deleted rule id, with every range it carries, sorted by group then rule id."""
    steps = (
        DeleteRule(
            rule_id,
            rules[rule_id].security_group_id,
            tuple(sorted(pr for _group, pr in rules[rule_id].pairs)),
            repair=rule_id in repair_only,
        )
        for rule_id in deleted
    )
    return tuple(sorted(steps, key=lambda step: (step.security_group_id, step.rule_id)))


def _delete_duplicates(desired_pairs: Set[Pair], holders: Dict[Pair, List[str]], deleted: Set[str]) -> None:
    """Keep one holder (the lowest rule id in string order, not already deleted) of each desired pair held twice.

    Repeated until stable: deleting a duplicate multi-range rule can leave another pair with
    fewer holders, never more, so the loop ends.
    """
    changed = True
    while changed:
        changed = False
        for pair in sorted(desired_pairs):
            keepers = [rule_id for rule_id in holders.get(pair, ()) if rule_id not in deleted]
            if len(keepers) > 1:
                deleted.update(keepers[1:])
                changed = True


def _add_steps(pairs_with_description: Iterable[Tuple[Pair, Optional[str]]]) -> tuple:
    """One AddRanges per (group, description), ranges ascending, sorted by group."""
    batches: Dict[Tuple[str, Optional[str]], List[PortRange]] = {}
    for (group_id, port_range), description in pairs_with_description:
        batches.setdefault((group_id, description), []).append(port_range)
    return tuple(
        AddRanges(group_id, tuple(sorted(ranges)), description)
        for (group_id, description), ranges in sorted(batches.items(), key=lambda item: (item[0][0], item[0][1] or ""))
    )


def pairs_after_plan(current: Iterable[Authorization], plan: Plan) -> Set[Pair]:
    """The (group, range) set after the plan: deleted rule ids lose every range, adds and re-adds arrive."""
    deleted = {step.rule_id for step in plan.deletes}
    result = {(auth.security_group_id, PortRange(*auth.port_range)) for auth in current if auth.rule_id not in deleted}
    for step in plan.adds + plan.readds:
        result.update((step.security_group_id, PortRange(*pr)) for pr in step.port_ranges)
    return result


def diff_lines(authorization_pairs: Iterable[tuple]) -> str:
    """``"sg-123 8080/8080\\n"`` per (group, range[, description]) or Authorization, sorted, one per line.

    A description, when given, follows the range after a space; plan_diff gives none, so that its
    after text is exactly what pairs_after_plan yields.
    """
    lines = set()
    for item in authorization_pairs:
        if isinstance(item, Authorization):
            group_id, port_range, description = item.security_group_id, item.port_range, item.description
        else:
            group_id, port_range = item[0], item[1]
            description = item[2] if len(item) > 2 else None
        port_range = PortRange(*port_range)
        lines.add((group_id, port_range, f" {description}" if description else ""))
    return "".join(f"{group_id} {port_range}{suffix}\n" for group_id, port_range, suffix in sorted(lines))


def current_pairs(current: Iterable[Authorization]) -> Set[Pair]:
    return {(auth.security_group_id, PortRange(*auth.port_range)) for auth in current}


NOT_EFFECTIVE_MARK = "(inbound rule missing)"


def plan_diff(current: Iterable[Authorization], plan: Plan, not_effective: Iterable[Pair] = ()) -> Dict[str, str]:
    """Ansible's diff (before/after) built from the plan itself, never from a second code path.

    A pair in not_effective is marked NOT_EFFECTIVE_MARK where its rule is listed: before, and after
    too unless the plan deletes that rule (a repair shows as the mark going away).
    """
    current = list(current)
    not_effective = {(group, PortRange(*port_range)) for group, port_range in not_effective}
    deleted = {step.rule_id for step in plan.deletes}
    still_marked = {
        (a.security_group_id, PortRange(*a.port_range)) for a in current if a.rule_id not in deleted
    } & not_effective

    def marked(pairs: Set[Pair], marks: Set[Pair]) -> str:
        return diff_lines((group, pr, NOT_EFFECTIVE_MARK if (group, pr) in marks else None) for group, pr in pairs)

    before = marked(current_pairs(current), not_effective)
    return {"before": before, "after": marked(pairs_after_plan(current, plan), still_marked)}


def revoked_pairs(current: Iterable[Authorization], plan: Plan) -> Set[Pair]:
    """The listed (group, range) pairs that the plan leaves unauthorized: the access it revokes.

    A repair (deleted and added again), the deletion of a duplicate record, and a range re-added
    after its multi-range rule was deleted keep their pair, so they are not revocations.
    """
    current = list(current)
    return current_pairs(current) - pairs_after_plan(current, plan)


def declaration_differences(
    listed: Iterable[Pair],
    desired: Iterable[DesiredGroup],
    state: str = "present",
    purge_port_ranges: bool = False,
    purge_security_groups: bool = False,
) -> Tuple[Set[Pair], Set[Pair]]:
    """(missing, unwanted): the declared pairs that ``listed`` lacks, and the listed pairs the declaration excludes.

    The declaration's scope is the planner's: without purge, only the declared pairs (present) or
    the named ranges and whole groups (absent); purge_port_ranges adds the other ranges of the
    declared groups, purge_security_groups every other group. Both empty: the list is in its
    declaration (plan_authorizations would plan nothing but duplicate removals).
    """
    desired = list(desired)
    holders: Dict[Pair, List[str]] = {(group, PortRange(*pr)): [] for group, pr in listed}
    wanted = _merge_desired(desired, merge_overlaps=state == "present")
    if state == "absent":
        whole_groups = {group.security_group_id for group in desired if not group.port_ranges}
        return set(), _revoked_pairs(wanted, whole_groups, holders)
    desired_pairs = {(group_id, pr) for group_id, (ranges, _description) in wanted.items() for pr in ranges}
    unwanted = _purged_pairs(wanted, desired_pairs, holders, purge_port_ranges, purge_security_groups)
    return desired_pairs - set(holders), unwanted
