# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""The writes of a Plan against a gateway, the `actions` they report, and their outcome.

* planned_actions renders a plan's steps as the module's `actions` (the same in check mode and in a
  real run, where each write that succeeds is rendered by the same render_action).
* execute_plan runs all adds (one call per group), then, only if every add succeeded, the deletes,
  then the re-adds; each phase with at most max_concurrent_writes writes in flight. A failed write
  stops new launches, lets the in-flight ones finish, and raises WriteFailed that carries the
  actions already applied.
  An add refused as a conflict, or whose outcome is ambiguous (a timeout, a dropped connection), is
  not retried blindly: it is left unsettled, and decided by the list. A delete counts as done on a
  "rule not found" answer only (_errors.is_rule_not_found), never on any 404.
* _settle.settle_writes then reads the list until it shows the writes.
* shared_rule_ids: deletes that must not cascade, because another authorization shares the rule
  (_cascade adds the other reasons: a rule made before the authorization, another gateway's need).
"""

from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED
from concurrent.futures import Future
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait
from types import MappingProxyType
from typing import Any
from typing import Callable
from typing import Dict
from typing import List
from typing import Mapping
from typing import NamedTuple
from typing import Optional
from typing import Sequence
from typing import Set
from typing import Tuple

from ansible_collections.alibabacloud.apig.plugins.module_utils import _apig
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import RULE_QUOTA_CODES
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_already_exists
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_gateway_gone
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_rule_not_found
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import may_have_been_applied
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import AddRanges
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Authorization
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import DeleteRule
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import DesiredGroup
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Pair
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Plan
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import PortRange

# --- the actions ------------------------------------------------------------------------------------


def render_action(step: Any, cascading_delete: bool, cascade_skipped: Optional[str] = None) -> Dict[str, Any]:
    """One entry of the module's `actions` result: an AddRanges or a DeleteRule step, JSON-friendly.

    cascade_skipped: why a delete that cascading_delete asked to cascade does not (shared_rule_ids, _cascade).
    """
    action: Dict[str, Any] = {"action": "add" if isinstance(step, AddRanges) else "delete"}
    if isinstance(step, DeleteRule):
        action["rule_id"] = step.rule_id
    action["security_group_id"] = step.security_group_id
    action["port_ranges"] = [str(PortRange(*port_range)) for port_range in step.port_ranges]
    if isinstance(step, AddRanges):
        action["description"] = step.description
    else:
        action["cascading_delete"] = bool(cascading_delete)
        if cascade_skipped and not cascading_delete:
            action["cascade_skipped"] = cascade_skipped
    return action


def shared_rule_ids(current: Sequence[Authorization], plan: Plan) -> Dict[str, str]:
    """The deleted rule ids whose (group, range) another authorization that stays also holds, and why.

    ECS does not create an identical inbound rule twice, so two authorizations of the same group and
    range share one rule: a cascading delete of one may remove the rule the other still needs (if the
    service does not check). These are deleted without cascade, which leaves the inbound rule.
    """
    deleted = {step.rule_id for step in plan.deletes}
    holders: Dict[Pair, List[str]] = {}
    for auth in current:
        if auth.rule_id not in deleted:
            holders.setdefault((auth.security_group_id, PortRange(*auth.port_range)), []).append(auth.rule_id)
    shared = {}
    for step in plan.deletes:
        others = sorted(
            {r for pr in step.port_ranges for r in holders.get((step.security_group_id, PortRange(*pr)), [])}
        )
        if others:
            shared[step.rule_id] = (
                f"another authorization of this gateway ({', '.join(others)}) holds the same group and range "
                "and needs its inbound rule"
            )
    return shared


def step_cascade(step: Any, cascading_delete: bool, kept: Mapping[str, str]) -> bool:
    """Whether this delete cascades: cascading_delete, unless its rule id is kept (shared_rule_ids, _cascade)."""
    # A repair's delete never cascades either: its inbound rule is already missing.
    return bool(cascading_delete) and getattr(step, "rule_id", None) not in kept and not getattr(step, "repair", False)


def skipped_cascade(step: Any, cascading_delete: bool, kept: Mapping[str, str]) -> Optional[str]:
    """Why this delete does not cascade although cascading_delete asks it; None otherwise."""
    return kept.get(getattr(step, "rule_id", None)) if cascading_delete else None


def planned_actions(
    plan: Plan, cascading_delete: bool, kept: Mapping[str, str] = MappingProxyType({})
) -> List[Dict[str, Any]]:
    """Every action of the plan, in execution order: what a real run does when every write succeeds.

    kept: the rule ids deleted without cascade although cascading_delete asks for it, and why.
    """
    return [
        render_action(step, step_cascade(step, cascading_delete, kept), skipped_cascade(step, cascading_delete, kept))
        for step in plan.steps
    ]


# --- failures -----------------------------------------------------------------------------------------


class WriteFailed(ApiError):
    """A write failed (after retries); `actions` are the ones applied before, in plan order."""

    def __init__(self, err: ApiError, doing: str, actions: List[Dict[str, Any]], hint: Optional[str] = None) -> None:
        super().__init__(
            err.operation,
            code=err.code,
            message=err.message,
            request_id=err.request_id,
            status=err.status,
            retry_after_ms=err.retry_after_ms,
            transport=err.transport,
            doing=doing,
            hint=hint,
        )
        self.attempts = err.attempts
        self.actions = actions

    def result_fields(self) -> Dict[str, Any]:
        """Fields of the failed run's result beyond `changed` and `actions` (none here)."""
        return {}


class Unsettled(NamedTuple):
    """An add whose outcome the list decides: refused as a conflict (it may exist), or ambiguous (it may be applied)."""

    step: AddRanges
    error: ApiError
    refused: bool


class Outcome(NamedTuple):
    """One write's outcome: made (this run changed something), or unsettled (an add the list decides)."""

    made: bool
    unsettled: Optional[Unsettled] = None


class AppliedPlan(NamedTuple):
    """What execute_plan did: the actions made (plan order), the adds to settle, and the rule ids to see gone."""

    actions: List[Dict[str, Any]]
    unsettled: List[Unsettled]
    added: Set[Pair]
    deleted: Set[str]


def _ranges_text(port_ranges: Sequence[Any]) -> str:
    return ", ".join(str(PortRange(*pr)) for pr in port_ranges)


def add_doing(gateway_id: str, step: AddRanges) -> str:
    return f"authorize port ranges {_ranges_text(step.port_ranges)} for {step.security_group_id} on {gateway_id}"


def _delete_doing(gateway_id: str, step: DeleteRule) -> str:
    ranges = _ranges_text(step.port_ranges)
    return f"revoke port ranges {ranges} of {step.security_group_id} (authorization {step.rule_id}) on {gateway_id}"


def is_rule_quota_error(err: ApiError) -> bool:
    """The backend group has no room for another rule (_errors.RULE_QUOTA_CODES)."""
    return err.code in RULE_QUOTA_CODES


class QuotaAdvice(NamedTuple):
    """What a rule-quota refusal can advise: per desired group, its authorized ranges the task does not list
    (quota_advice), and whether this run purges them (purge_port_ranges)."""

    unlisted: Mapping[str, List[str]]
    purging: bool


def quota_hint(step: AddRanges, advice: QuotaAdvice) -> str:
    """The refusal's advice, for the run's options: purging cannot make room, since removals follow the adds."""
    group = step.security_group_id
    unused = advice.unlisted.get(group)
    text = f"The security group {group} has reached its rule quota. Nothing was revoked to make room"
    if unused:
        ranges = ", ".join(unused)
        purge = (
            f"this run would remove {ranges} (purge_port_ranges=true), but only after every add succeeded"
            if advice.purging
            else f"this task does not list {ranges}, authorized for {group}; purge_port_ranges=true would remove "
            "them only after every add succeeded"
        )
        text += f": {purge}, so it cannot make room by itself"
    text += (
        f". To go on, free a rule of {group} (remove an inbound rule or an authorization it no longer needs), "
        "or raise the group's rule quota"
    )
    if unused:
        text += (
            f", or revoke {ranges} first: gateway_sg_authorization with state=absent, "
            f"security_group_id={group} and port_ranges [{ranges}], or the alibabacloud.apig.revoke playbook "
            "with backends that declare them"
        )
    return text + "; then run again."


def quota_advice(current: Sequence[Authorization], groups: Sequence[DesiredGroup], purging: bool) -> QuotaAdvice:
    """Per desired group, its authorized ranges that the task does not list (what purge_port_ranges would remove)."""
    wanted = {g.security_group_id: set(g.port_ranges) for g in groups}
    unused: Dict[str, Set[PortRange]] = {}
    for auth in current:
        if auth.security_group_id in wanted and PortRange(*auth.port_range) not in wanted[auth.security_group_id]:
            unused.setdefault(auth.security_group_id, set()).add(PortRange(*auth.port_range))
    unlisted = {group: [str(pr) for pr in sorted(ranges)] for group, ranges in unused.items()}
    return QuotaAdvice(unlisted, purging)


# --- the writes ---------------------------------------------------------------------------------------


def gateway_gone_hint(gateway_id: str) -> str:
    return f"The gateway {gateway_id} is gone (deleted, or being deleted): nothing more can be written to it."


def add_outcome(session: Any, gateway_id: str, step: AddRanges) -> Outcome:
    """One add; a conflict or an ambiguous failure is unsettled (the list decides), any other failure raises."""
    try:
        _apig.add_security_group_rule(
            session,
            gateway_id,
            step.security_group_id,
            [str(PortRange(*pr)) for pr in step.port_ranges],
            step.description,
        )
        return Outcome(made=True)
    except ApiError as err:
        if is_already_exists(err):
            return Outcome(made=False, unsettled=Unsettled(step, err, refused=True))
        if may_have_been_applied(err):
            return Outcome(made=False, unsettled=Unsettled(step, err, refused=False))
        raise


class _PlanWriter:
    """The state of one execute_plan: the actions made (by plan position), the adds to settle, the deletes."""

    def __init__(
        self,
        session: Any,
        gateway_id: str,
        plan: Plan,
        cascade: Callable[[Any], bool],
        on_action_done: Callable[[Dict[str, Any]], None],
        quota: QuotaAdvice,
        kept: Mapping[str, str] = MappingProxyType({}),
    ) -> None:
        self.session = session
        self.kept = kept
        self.gateway_id = gateway_id
        self.plan = plan
        self.cascade = cascade
        self.on_action_done = on_action_done
        self.quota = quota
        self.done: Dict[int, Dict[str, Any]] = {}
        self.unsettled: List[Unsettled] = []
        self.added: Set[Pair] = set()
        self.deleted: Set[str] = set()
        self.position = {id(step): index for index, step in enumerate(plan.steps)}

    def add(self, step: AddRanges) -> Outcome:
        return add_outcome(self.session, self.gateway_id, step)

    def delete(self, step: DeleteRule) -> Outcome:
        try:
            _apig.delete_security_group_rule(self.session, self.gateway_id, step.rule_id, self.cascade(step))
        except ApiError as err:
            if not is_rule_not_found(err):
                raise
            # Already gone (a concurrent run removed it): the goal, but not this run's change.
            return Outcome(made=False)
        return Outcome(made=True)

    def finished(self, step: Any, outcome: Outcome) -> None:
        if isinstance(step, DeleteRule):
            self.deleted.add(step.rule_id)
        if outcome.unsettled is not None:
            self.unsettled.append(outcome.unsettled)
        if not outcome.made:
            return
        if isinstance(step, AddRanges):
            self.added.update((step.security_group_id, PortRange(*pr)) for pr in step.port_ranges)
        action = render_action(step, self.cascade(step), self.kept.get(getattr(step, "rule_id", None)))
        self.done[self.position[id(step)]] = action
        self.on_action_done(action)

    def actions(self) -> List[Dict[str, Any]]:
        return [self.done[i] for i in sorted(self.done)]

    def take_settled_adds(self, settle_adds: Callable[[AppliedPlan], AppliedPlan]) -> None:
        """Ambiguous adds decided by the list (settle_adds) before any removal; its adds join this run's actions."""
        settled = settle_adds(AppliedPlan(self.actions(), self.unsettled, self.added, set()))
        extra = settled.actions[len(self.done) :]
        for index, action in enumerate(extra):
            self.done[len(self.position) + index] = action
        self.position.update({("settled", i): len(self.position) + i for i in range(len(extra))})
        self.added = set(settled.added)
        self.unsettled = list(settled.unsettled)

    def restore_deleted_ranges(self, limit: int) -> int:
        """After a failed delete phase: add back the re-adds of the rules that were deleted; how many failed."""
        deleted = [action for action in self.done.values() if action["action"] == "delete"]
        restore = _readds_for(self.plan.readds, deleted)
        if not restore:
            return 0
        self.position.update({id(step): len(self.position) + i for i, step in enumerate(restore)})
        failure = run_bounded(restore, self.add, limit, self.finished)
        return failure[2] if failure else 0

    def failure(self, step: Any, err: ApiError, failures: int) -> WriteFailed:
        actions = self.actions()
        if isinstance(step, DeleteRule):
            doing, hint = _delete_doing(self.gateway_id, step), None
        else:
            doing = add_doing(self.gateway_id, step)
            hint = quota_hint(step, self.quota) if is_rule_quota_error(err) else None
        if is_gateway_gone(err):
            hint = gateway_gone_hint(self.gateway_id)
        notes = _failure_notes(step, err, failures, len(actions), self.plan)
        summary = "; ".join(notes)
        hint = " ".join(filter(None, [hint, summary[0].upper() + summary[1:] + "."]))
        return WriteFailed(err, doing, actions, hint)


def _failure_notes(step: Any, err: ApiError, failures: int, applied: int, plan: Plan) -> List[str]:
    notes = []
    if failures > 1:
        notes.append(f"{failures - 1} other write(s) failed too")
    ambiguous = may_have_been_applied(err)
    if ambiguous:
        notes.append("this write may have been applied all the same (a timeout or a 5xx does not tell): run again")
    if applied:
        notes.append(f"{applied} other write(s) were applied before stopping (see actions)")
    else:
        notes.append("no other write was applied" if ambiguous else "no write was applied")
    if isinstance(step, AddRanges) and plan.deletes and step in plan.adds:
        notes.append("no authorization was removed, because removals only run after every add succeeded")
    return notes


def execute_plan(
    session: Any,
    gateway_id: str,
    plan: Plan,
    cascading_delete: bool,
    max_concurrent_writes: int,
    on_action_done: Callable[[Dict[str, Any]], None],
    quota: QuotaAdvice,
    settle_adds: Callable[[AppliedPlan], AppliedPlan],
    shared: Mapping[str, str] = MappingProxyType({}),
) -> AppliedPlan:
    """Run the plan's writes: adds, then (only if they all succeeded or are unsettled) deletes, then re-adds.

    An add refused as a conflict, or whose outcome is ambiguous, is not an action: it is returned
    unsettled, for _settle.settle_writes to decide by the list. Before removals, ambiguous adds are
    decided by one list read (settle_adds: _settle.settle_before_removals). A delete answered "rule not
    found" is already done. A rule id in `shared` is deleted without cascade (shared_rule_ids, _cascade), and its
    action says why.
    on_action_done gets each action as it is made. Raises WriteFailed on the first failure.
    """
    writer = _PlanWriter(
        session,
        gateway_id,
        plan,
        lambda step: step_cascade(step, cascading_delete, shared),
        on_action_done,
        quota,
        shared if cascading_delete else {},
    )
    phases = (
        ("add", plan.adds, writer.add),
        ("delete", plan.deletes, writer.delete),
        ("readd", plan.readds, writer.add),
    )
    for phase, steps, write in phases:
        if not steps:
            continue
        if phase != "add" and any(not u.refused for u in writer.unsettled):
            # Removals only follow adds that are known to exist: settle the ambiguous ones by the list first.
            writer.take_settled_adds(settle_adds)
        failure = run_bounded(list(steps), write, max_concurrent_writes, writer.finished)
        if failure is not None:
            step, err, count = failure
            if phase == "delete":
                # Access must not stay dropped: ranges that lived in a multi-range rule that was
                # deleted before the failure, and that must stay, are added back all the same.
                count += writer.restore_deleted_ranges(max_concurrent_writes)
            raise writer.failure(step, err, count)
    return AppliedPlan(writer.actions(), writer.unsettled, writer.added, writer.deleted)


def _readds_for(readds: Sequence[AddRanges], deleted: List[Dict[str, Any]]) -> List[AddRanges]:
    """The part of the planned re-adds whose ranges belonged to the rules actually deleted."""
    lost = {(action["security_group_id"], port_range) for action in deleted for port_range in action["port_ranges"]}
    restore = []
    for step in readds:
        ranges = tuple(pr for pr in step.port_ranges if (step.security_group_id, str(PortRange(*pr))) in lost)
        if ranges:
            restore.append(AddRanges(step.security_group_id, ranges, step.description))
    return restore


def run_bounded(
    steps: List[Any],
    write: Callable[[Any], Outcome],
    limit: int,
    finished: Callable[[Any, Outcome], None],
) -> Optional[Tuple[Any, ApiError, int]]:
    """Run write(step) for every step, at most `limit` at once; stop launching after a failure.

    Returns None, or (the first failed step in plan order, its error, how many failed).
    """
    failures: List[Tuple[int, Any, ApiError]] = []
    queue = list(enumerate(steps))
    queue.reverse()
    with ThreadPoolExecutor(max_workers=max(1, min(limit, len(steps)))) as pool:
        running: Dict[Future, Tuple[int, Any]] = {}
        while queue or running:
            while queue and not failures and len(running) < limit:
                position, step = queue.pop()
                running[pool.submit(write, step)] = (position, step)
            if not running:
                break
            completed = wait(list(running), return_when=FIRST_COMPLETED).done
            for future in sorted(completed, key=lambda f: running[f][0]):
                position, step = running.pop(future)
                try:
                    outcome = future.result()
                except ApiError as err:
                    failures.append((position, step, err))
                    continue
                finished(step, outcome)
    if not failures:
        return None
    failures.sort(key=lambda item: item[0])
    return failures[0][1], failures[0][2], len(failures)
