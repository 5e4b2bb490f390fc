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
* check_outcome reads the one list taken after the writes: an add the API refused as "already
  exists" (a concurrent run got there first) is fine if the range is listed now.
"""

from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED
from concurrent.futures import Future
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait
from typing import Any
from typing import Callable
from typing import Dict
from typing import List
from typing import NamedTuple
from typing import Optional
from typing import Sequence
from typing import Set
from typing import Tuple

from ansible_collections.alibabacloud.apig.plugins.module_utils import _apig
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_already_exists
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_not_found
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import may_have_been_applied
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import AddRanges
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Authorization
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import DeleteRule
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import DesiredGroup
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Pair
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Plan
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import pairs_after_plan
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import PortRange
from ansible_collections.alibabacloud.apig.plugins.module_utils._records import record_pairs

# --- the actions ------------------------------------------------------------------------------------


def render_action(step: Any, cascading_delete: bool) -> Dict[str, Any]:
    """One entry of the module's `actions` result: an AddRanges or a DeleteRule step, JSON-friendly."""
    action: Dict[str, Any] = {"action": "add" if isinstance(step, AddRanges) else "delete"}
    if isinstance(step, DeleteRule):
        action["rule_id"] = step.rule_id
    action["security_group_id"] = step.security_group_id
    action["port_ranges"] = [str(PortRange(*port_range)) for port_range in step.port_ranges]
    if isinstance(step, AddRanges):
        action["description"] = step.description
    else:
        # A repair's delete never cascades: the inbound rule is already missing.
        action["cascading_delete"] = bool(cascading_delete) and not step.repair
    return action


def planned_actions(plan: Plan, cascading_delete: bool) -> List[Dict[str, Any]]:
    """Every action of the plan, in execution order: what a real run does when every write succeeds."""
    return [render_action(step, cascading_delete) for step in plan.steps]


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


class ConfirmPending(NamedTuple):
    """An add the API refused as already existing: fine if the range is listed after the writes."""

    pair: Pair
    error: ApiError
    doing: str


class AppliedPlan(NamedTuple):
    actions: List[Dict[str, Any]]
    to_confirm: List[ConfirmPending]


def _ranges_text(port_ranges: Sequence[Any]) -> str:
    return ", ".join(str(PortRange(*pr)) for pr in port_ranges)


def _add_doing(gateway_id: str, step: AddRanges) -> str:
    return f"authorize port ranges {_ranges_text(step.port_ranges)} for {step.security_group_id} on {gateway_id}"


def _delete_doing(gateway_id: str, step: DeleteRule) -> str:
    ranges = _ranges_text(step.port_ranges)
    return f"revoke port ranges {ranges} of {step.security_group_id} (authorization {step.rule_id}) on {gateway_id}"


def is_rule_quota_error(err: ApiError) -> bool:
    """The backend group (or the gateway) has no room for another rule."""
    code = (err.code or "").lower()
    if "throttl" in code:
        return False
    return any(marker in code for marker in ("quota", "limitexceed", "limit.exceed", "exceedlimit", "exceed.limit"))


def quota_hint(step: AddRanges, purge_candidates: Optional[Dict[str, List[str]]]) -> str:
    group = step.security_group_id
    text = (
        f"The security group {group} has reached its rule quota. Nothing was revoked to make room: "
        f"remove authorizations or inbound rules of {group} that are no longer needed, then run again"
    )
    unused = (purge_candidates or {}).get(group)
    if unused:
        text += (
            f"; this task does not list these ranges already authorized for {group}: {', '.join(unused)} "
            "(purge_port_ranges=true removes them)"
        )
    return text + "."


def purge_candidates(current: Sequence[Authorization], groups: Sequence[DesiredGroup]) -> Dict[str, List[str]]:
    """Per desired group, its authorized ranges that the task does not list (what purge_port_ranges would remove)."""
    wanted = {g.security_group_id: set(g.port_ranges) for g in groups}
    unused: Dict[str, Set[PortRange]] = {}
    for auth in current:
        if auth.security_group_id in wanted and PortRange(*auth.port_range) not in wanted[auth.security_group_id]:
            unused.setdefault(auth.security_group_id, set()).add(PortRange(*auth.port_range))
    return {group: [str(pr) for pr in sorted(ranges)] for group, ranges in unused.items()}


def _is_gateway_not_found(err: ApiError) -> bool:
    # A delete answering "gateway not found" is not "rule already gone".
    return "gateway" in (err.code or "").lower()


# --- the writes ---------------------------------------------------------------------------------------


class _PlanWriter:
    """The state of one execute_plan: the actions done (by plan position) and the adds to confirm."""

    def __init__(
        self,
        session: Any,
        gateway_id: str,
        plan: Plan,
        cascading_delete: bool,
        on_action_done: Callable[[Dict[str, Any]], None],
        purge_hints: Dict[str, List[str]],
    ) -> None:
        self.session = session
        self.gateway_id = gateway_id
        self.plan = plan
        self.cascading_delete = cascading_delete
        self.on_action_done = on_action_done
        self.purge_hints = purge_hints
        self.done: Dict[int, Dict[str, Any]] = {}
        self.to_confirm: List[ConfirmPending] = []
        self.position = {id(step): index for index, step in enumerate(plan.steps)}

    def add(self, step: AddRanges) -> List[ConfirmPending]:
        try:
            _apig.add_security_group_rule(
                self.session,
                self.gateway_id,
                step.security_group_id,
                [str(pr) for pr in step.port_ranges],
                step.description,
            )
            return []
        except ApiError as exc:
            if not is_already_exists(exc):
                raise
            err = exc
        # A concurrent run added some of these ranges first. If the API refused the whole batch
        # for it, the other ranges are still missing: add them one by one.
        if len(step.port_ranges) == 1:
            pair = (step.security_group_id, PortRange(*step.port_ranges[0]))
            return [ConfirmPending(pair, err, _add_doing(self.gateway_id, step))]
        pending = []
        for port_range in step.port_ranges:
            pending.extend(self.add(AddRanges(step.security_group_id, (port_range,), step.description)))
        return pending

    def delete(self, step: DeleteRule) -> List[ConfirmPending]:
        try:
            cascade = self.cascading_delete and not step.repair
            _apig.delete_security_group_rule(self.session, self.gateway_id, step.rule_id, cascade)
        except ApiError as err:
            if not is_not_found(err) or _is_gateway_not_found(err):
                raise
            # Already gone (a concurrent run removed it): that is what we wanted.
        return []

    def finished(self, step: Any, pending: List[ConfirmPending]) -> None:
        action = render_action(step, self.cascading_delete)
        self.done[self.position[id(step)]] = action
        self.to_confirm.extend(pending)
        self.on_action_done(action)

    def actions(self) -> List[Dict[str, Any]]:
        return [self.done[i] for i in sorted(self.done)]

    def restore_deleted_ranges(self, limit: int) -> int:
        """After a failed delete phase: add back the re-adds of the rules that were deleted; how many failed."""
        deleted = [action for action in self.done.values() if action["action"] == "delete"]
        restore = _readds_for(self.plan.readds, deleted)
        if not restore:
            return 0
        self.position.update({id(step): len(self.position) + i for i, step in enumerate(restore)})
        failure = _run_bounded(restore, self.add, limit, self.finished)
        return failure[2] if failure else 0

    def failure(self, step: Any, err: ApiError, failures: int) -> WriteFailed:
        actions = self.actions()
        if isinstance(step, DeleteRule):
            doing, hint = _delete_doing(self.gateway_id, step), None
        else:
            doing = _add_doing(self.gateway_id, step)
            hint = quota_hint(step, self.purge_hints) if is_rule_quota_error(err) else None
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
    purge_hints: Dict[str, List[str]],
) -> AppliedPlan:
    """Run the plan's writes: adds, then (only if they all succeeded) deletes, then re-adds.

    Returns the actions done (in plan order, equal to planned_actions on success) and the adds to
    confirm against the list read after the writes. on_action_done gets each action as it succeeds.
    Raises WriteFailed on the first failure.
    """
    writer = _PlanWriter(session, gateway_id, plan, cascading_delete, on_action_done, purge_hints)
    phases = (
        ("add", plan.adds, writer.add),
        ("delete", plan.deletes, writer.delete),
        ("readd", plan.readds, writer.add),
    )
    for phase, steps, write in phases:
        if not steps:
            continue
        failure = _run_bounded(list(steps), write, max_concurrent_writes, writer.finished)
        if failure is not None:
            step, err, count = failure
            if phase == "delete":
                # Access must not stay dropped: ranges that lived in a multi-range rule that was
                # deleted before the failure, and that must stay, are added back all the same.
                count += writer.restore_deleted_ranges(max_concurrent_writes)
            raise writer.failure(step, err, count)
    return AppliedPlan(writer.actions(), writer.to_confirm)


def _readds_for(readds: Sequence[AddRanges], deleted: List[Dict[str, Any]]) -> List[AddRanges]:
    """The part of the planned re-adds whose ranges belonged to the rules actually deleted."""
    lost = {(action["security_group_id"], port_range) for action in deleted for port_range in action["port_ranges"]}
    restore = []
    for step in readds:
        ranges = tuple(pr for pr in step.port_ranges if (step.security_group_id, str(PortRange(*pr))) in lost)
        if ranges:
            restore.append(AddRanges(step.security_group_id, ranges, step.description))
    return restore


def _run_bounded(
    steps: List[Any],
    write: Callable[[Any], List[ConfirmPending]],
    limit: int,
    finished: Callable[[Any, List[ConfirmPending]], None],
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
                    pending = future.result()
                except ApiError as err:
                    failures.append((position, step, err))
                    continue
                finished(step, pending)
    if not failures:
        return None
    failures.sort(key=lambda item: item[0])
    return failures[0][1], failures[0][2], len(failures)


# --- after the writes ---------------------------------------------------------------------------


def check_outcome(
    records: Sequence[Dict[str, Any]],
    current: Sequence[Authorization],
    plan: Plan,
    applied: AppliedPlan,
    gateway_id: str,
) -> List[str]:
    """Settle the "already exists" adds against the list read after the writes; return warnings.

    An add refused as existing whose range is not listed now is an error (something removed it
    meanwhile); other expected ranges that are missing only warn (the API may be slow to show them).
    """
    listed = record_pairs(records)
    for pending in applied.to_confirm:
        if pending.pair not in listed:
            raise WriteFailed(
                pending.error,
                pending.doing,
                applied.actions,
                "The API said the authorization already exists, but the gateway's list does not show "
                f"{pending.pair[0]} {pending.pair[1]}: another change may be running on {gateway_id}; run again.",
            )
    confirmed = {p.pair for p in applied.to_confirm}
    missing = sorted(pairs_after_plan(current, plan) - listed - confirmed)
    if not missing:
        return []
    return [
        "After the writes, the list of {} does not show: {} (the API may be slow to show new "
        "authorizations, or another change ran at the same time).".format(
            gateway_id, ", ".join(f"{g} {pr}" for g, pr in missing)
        )
    ]
