# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""A gateway's security-group authorizations: the task's request, applying a Plan, and its outcome.

* parse_request validates every option of gateway_sg_authorization before any API call and
  turns it into the planner's DesiredGroup list; errors name the field and the value.
* apply_plan runs the planner's writes against the gateway: all adds (one call per group), then,
  only if every add succeeded, the deletes, then the re-adds; each phase with bounded parallelism.
  A failed write stops new launches, lets the in-flight ones finish, and raises WriteFailed that
  carries the actions already applied.
* check_outcome reads the one list taken after the writes: an add the API refused as "already
  exists" (a concurrent run got there first) is fine if the range is listed now.
* predict_records gives check mode the list a real run would end with.
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
from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_already_exists
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_not_found
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import may_have_been_applied
from ansible_collections.alibabacloud.apig.plugins.module_utils._ids import check_id
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import AddRanges
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Authorization
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import DeleteRule
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import DesiredGroup
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Plan
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import apply_plan as planned_pairs
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import PortRange
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import merge_port_ranges
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import normalize_port_ranges

MAX_CONCURRENT_WRITES = 16

Pair = Tuple[str, PortRange]


# --- the request --------------------------------------------------------------------------------


class AuthorizationRequest(NamedTuple):
    gateway_id: str
    groups: List[DesiredGroup]
    state: str
    purge_port_ranges: bool
    purge_security_groups: bool
    cascading_delete: bool
    max_concurrent_writes: int


def parse_request(params: Dict[str, Any]) -> AuthorizationRequest:
    """Every check of the task's options, before any API call; raises OptionError or PortRangeError."""
    gateway_id = check_id("gateway_id", params.get("gateway_id"), "gateway")
    state = params.get("state") or "present"
    rules = params.get("rules")
    single = params.get("security_group_id")
    purge_ranges = bool(params.get("purge_port_ranges"))
    purge_groups = bool(params.get("purge_security_groups"))

    if rules is not None and (single is not None or params.get("port_ranges") is not None):
        raise OptionError("rules", rules, "cannot be combined with security_group_id or port_ranges")
    if rules is None and single is None:
        raise OptionError("security_group_id", None, "is required unless rules or backends is given")
    if state == "absent":
        for name, value in (("purge_port_ranges", purge_ranges), ("purge_security_groups", purge_groups)):
            if value:
                raise OptionError(
                    name, value, "cannot be used with state=absent (absent removes exactly what it names)"
                )
    if purge_groups and rules is None:
        raise OptionError(
            "purge_security_groups",
            purge_groups,
            "requires rules or backends: they are then the gateway's complete set of authorizations",
        )
    writes = params.get("max_concurrent_writes")
    writes = 4 if writes is None else writes
    if not 1 <= writes <= MAX_CONCURRENT_WRITES:
        raise OptionError("max_concurrent_writes", writes, f"must be between 1 and {MAX_CONCURRENT_WRITES}")

    if rules is None:
        entries = [(None, {k: params.get(k) for k in ("security_group_id", "port_ranges", "description")})]
    else:
        entries = [(f"rules[{index}]", rule) for index, rule in enumerate(rules)]
    return AuthorizationRequest(
        gateway_id=gateway_id,
        groups=_desired_groups(entries, state),
        state=state,
        purge_port_ranges=purge_ranges,
        purge_security_groups=purge_groups,
        cascading_delete=bool(params.get("cascading_delete", True)),
        max_concurrent_writes=writes,
    )


def _desired_groups(entries: Sequence[Tuple[Optional[str], Dict[str, Any]]], state: str) -> List[DesiredGroup]:
    """One DesiredGroup per group; a group given twice gets the union of its ranges (first description kept)."""
    ranges: Dict[str, Set[PortRange]] = {}
    all_ranges: Set[str] = set()  # state=absent: groups for which some entry named no range (= all of them)
    descriptions: Dict[str, Optional[str]] = {}
    for prefix, entry in entries:

        def field(name: str, prefix: Optional[str] = prefix) -> str:
            return f"{prefix}.{name}" if prefix else name

        if not isinstance(entry, dict):
            raise OptionError(prefix or "rules", entry, "must be a dictionary")
        group_id = check_id(field("security_group_id"), entry.get("security_group_id"), "security_group")
        raw = entry.get("port_ranges")
        if state == "present" and not raw:
            raise OptionError(
                field("port_ranges"),
                raw,
                "is required with state=present and must list at least one port range "
                "(to remove a group's authorizations, use state=absent or purge_security_groups)",
            )
        parsed = normalize_port_ranges(list(raw or []), field("port_ranges"), merge=state == "present")
        ranges.setdefault(group_id, set()).update(parsed)
        if state == "absent" and not parsed:
            all_ranges.add(group_id)
        description = entry.get("description")
        if description is not None and not isinstance(description, str):
            raise OptionError(field("description"), description, "must be a string")
        if descriptions.get(group_id) is None:
            descriptions[group_id] = description or None
    groups = []
    for group_id in sorted(ranges):
        if group_id in all_ranges:
            group_ranges: Sequence[PortRange] = ()
        elif state == "present":
            group_ranges = merge_port_ranges(ranges[group_id])
        else:
            group_ranges = sorted(ranges[group_id])
        groups.append(DesiredGroup(group_id, tuple(group_ranges), descriptions.get(group_id)))
    return groups


# --- applying a plan ----------------------------------------------------------------------------


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


def render_action(step: Any, cascading_delete: bool) -> Dict[str, Any]:
    """One entry of the module's `actions` result (the same in check mode and in a real run)."""
    action = step.to_action()
    if isinstance(step, DeleteRule):
        action["cascading_delete"] = bool(cascading_delete)
    return action


def planned_actions(plan: Plan, cascading_delete: bool) -> List[Dict[str, Any]]:
    """Every action of the plan, in execution order: what a real run does when every write succeeds."""
    return [render_action(step, cascading_delete) for step in list(plan.adds) + list(plan.deletes) + list(plan.readds)]


def apply_plan(
    session: Any,
    gateway_id: str,
    plan: Plan,
    cascading_delete: bool,
    max_concurrent_writes: int,
    on_action_done: Optional[Callable[[Dict[str, Any]], None]] = None,
    purge_hints: Optional[Dict[str, List[str]]] = None,
) -> AppliedPlan:
    """Run the plan's writes: adds, then (only if they all succeeded) deletes, then re-adds.

    Returns the actions done (in plan order, equal to plan.to_actions() on success) and the adds
    to confirm against the list read after the writes. Raises WriteFailed on the first failure.
    """
    done: Dict[int, Dict[str, Any]] = {}
    to_confirm: List[ConfirmPending] = []
    steps = list(plan.adds) + list(plan.deletes) + list(plan.readds)
    index_of = {id(step): index for index, step in enumerate(steps)}

    def add(step: AddRanges) -> List[ConfirmPending]:
        try:
            _apig.add_security_group_rule(
                session, gateway_id, step.security_group_id, [str(pr) for pr in step.port_ranges], step.description
            )
            return []
        except ApiError as exc:
            if not is_already_exists(exc):
                raise
            err = exc
        # A concurrent run added some of these ranges first. If the API refused the whole batch
        # for it, the other ranges are still missing: add them one by one.
        if len(step.port_ranges) == 1:
            return [
                ConfirmPending(
                    (step.security_group_id, PortRange(*step.port_ranges[0])), err, _add_doing(gateway_id, step)
                )
            ]
        pending = []
        for port_range in step.port_ranges:
            single = AddRanges(step.security_group_id, (port_range,), step.description)
            pending.extend(add(single))
        return pending

    def delete(step: DeleteRule) -> List[ConfirmPending]:
        try:
            _apig.delete_security_group_rule(session, gateway_id, step.rule_id, cascading_delete)
        except ApiError as err:
            if not is_not_found(err) or _is_gateway_not_found(err):
                raise
            # Already gone (a concurrent run removed it): that is what we wanted.
        return []

    def finished(step: Any, pending: List[ConfirmPending]) -> None:
        action = render_action(step, cascading_delete)
        done[index_of[id(step)]] = action
        to_confirm.extend(pending)
        if on_action_done is not None:
            on_action_done(action)

    def fail(step: Any, err: ApiError, failures: int) -> WriteFailed:
        actions = [done[i] for i in sorted(done)]
        if isinstance(step, DeleteRule):
            doing, hint = _delete_doing(gateway_id, step), None
        else:
            doing = _add_doing(gateway_id, step)
            hint = quota_hint(step, purge_hints) if is_rule_quota_error(err) else None
        notes = []
        if failures > 1:
            notes.append(f"{failures - 1} other write(s) failed too")
        ambiguous = may_have_been_applied(err)
        if ambiguous:
            notes.append("this write may have been applied all the same (a timeout or a 5xx does not tell): run again")
        if actions:
            notes.append(f"{len(actions)} other write(s) were applied before stopping (see actions)")
        else:
            notes.append("no other write was applied" if ambiguous else "no write was applied")
        if isinstance(step, AddRanges) and plan.deletes and step in plan.adds:
            notes.append("no authorization was removed, because removals only run after every add succeeded")
        summary = "; ".join(notes)
        hint = " ".join(filter(None, [hint, summary[0].upper() + summary[1:] + "."]))
        return WriteFailed(err, doing, actions, hint)

    phases = (
        (plan.adds, add),
        (plan.deletes, delete),
        (plan.readds, add),
    )
    for phase_steps, write in phases:
        if not phase_steps:
            continue
        failure = _run_bounded(list(phase_steps), write, max_concurrent_writes, finished)
        if failure is not None:
            step, err, count = failure
            if write is delete and plan.readds:
                # Access must not stay dropped: ranges that lived in a multi-range rule that was
                # deleted before the failure, and that must stay, are added back all the same.
                restore = _readds_for(plan.readds, [a for a in done.values() if a["action"] == "delete"])
                index_of.update({id(r): len(steps) + i for i, r in enumerate(restore)})
                restore_failure = _run_bounded(restore, add, max_concurrent_writes, finished) if restore else None
                count += restore_failure[2] if restore_failure else 0
            raise fail(step, err, count)
    return AppliedPlan([done[i] for i in sorted(done)], to_confirm)


def _readds_for(readds: Sequence[AddRanges], deleted: List[Dict[str, Any]]) -> List[AddRanges]:
    """The part of the planned re-adds whose ranges belonged to the rules actually deleted."""
    lost = {(action["security_group_id"], port_range) for action in deleted for port_range in action["port_ranges"]}
    restore = []
    for step in readds:
        ranges = tuple(pr for pr in step.port_ranges if (step.security_group_id, str(PortRange(*pr))) in lost)
        if ranges:
            restore.append(AddRanges(step.security_group_id, ranges, step.description))
    return restore


def _is_gateway_not_found(err: ApiError) -> bool:
    # A delete answering "gateway not found" is not "rule already gone".
    return "gateway" in (err.code or "").lower()


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
    listed = _record_pairs(records)
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
    expected = planned_pairs(current, plan)
    missing = sorted(expected - listed - confirmed)
    warnings = []
    if missing:
        warnings.append(
            "After the writes, the list of {} does not show: {} (the API may be slow to show new "
            "authorizations, or another change ran at the same time).".format(
                gateway_id, ", ".join(f"{g} {pr}" for g, pr in missing)
            )
        )
    return warnings


def _record_pairs(records: Sequence[Dict[str, Any]]) -> Set[Pair]:
    pairs = set()
    for record in records:
        parsed = _apig.canonical_port_range(str(record.get("port_range") or ""))
        if parsed:
            start, end = parsed.split("/")
            pairs.add((record.get("security_group_id"), PortRange(int(start), int(end))))
    return pairs


_INHERITED_FIELDS = ("security_group_name", "vpc_id", "ip_protocol", "source_security_group_id", "auth_cidrs")


def predict_records(records: Sequence[Dict[str, Any]], plan: Plan) -> List[Dict[str, Any]]:
    """The list a real run would end with (check mode).

    Records of deleted rule ids go; each added range gets a record with rule_id None (the API
    assigns it) whose other fields come from the group's existing records, if it has any.
    """
    deleted = {step.rule_id for step in plan.deletes}
    kept = [dict(r) for r in records if r.get("rule_id") not in deleted]
    by_group: Dict[str, Dict[str, Any]] = {}
    for record in records:
        by_group.setdefault(record.get("security_group_id"), record)
    any_record = records[0] if records else {}
    for step in list(plan.adds) + list(plan.readds):
        template = by_group.get(step.security_group_id)
        for port_range in step.port_ranges:
            predicted = {
                "rule_id": None,
                "security_group_id": step.security_group_id,
                "security_group_name": None,
                "port_range": str(PortRange(*port_range)),
                # The add request has no protocol: the gateway authorizes TCP.
                "ip_protocol": any_record.get("ip_protocol") or "TCP",
                "source_security_group_id": any_record.get("source_security_group_id"),
                "auth_cidrs": [],
                "vpc_id": None,
                "description": step.description,
            }
            if template:
                predicted.update({name: template.get(name) for name in _INHERITED_FIELDS})
            kept.append(predicted)
    return _apig.sort_authorization_records(kept)
