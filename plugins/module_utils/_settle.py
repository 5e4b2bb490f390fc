# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""After the writes: read the gateway's list until it shows them (every add listed, every deleted rule id gone),
with backoff within wait_timeout. Duplicates are decided by state, not by codes: an add left unsettled by
_writes.execute_plan (refused as a conflict, or of unknown outcome) is done when the list shows it, and added once
more when it does not. A list that keeps up costs one read.
"""

from __future__ import annotations

import time
from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterable
from typing import List
from typing import Optional
from typing import Sequence
from typing import Set
from typing import Tuple

from ansible_collections.alibabacloud.apig.plugins.module_utils import _apig
from ansible_collections.alibabacloud.apig.plugins.module_utils._end_state import ConcurrentChange
from ansible_collections.alibabacloud.apig.plugins.module_utils._end_state import OwnWrites
from ansible_collections.alibabacloud.apig.plugins.module_utils._end_state import Scope
from ansible_collections.alibabacloud.apig.plugins.module_utils._end_state import concurrent_changes
from ansible_collections.alibabacloud.apig.plugins.module_utils._end_state import removed_since
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import AddRanges
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Pair
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import PortRange
from ansible_collections.alibabacloud.apig.plugins.module_utils._records import record_pairs
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import AppliedPlan
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import Outcome
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import Unsettled
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import WriteFailed
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import add_doing
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import add_outcome
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import render_action
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import run_bounded

# --- after the writes: wait until the list shows them ----------------------------------------------

# Sleeps between list reads while the writes are not all visible: doubling from FIRST_WAIT, at most
# MAX_WAIT, all within the wait_timeout budget (a list that keeps up costs no read beyond the first).
DEFAULT_WAIT_TIMEOUT = 60
FIRST_WAIT = 0.5
MAX_WAIT = 8.0
NOT_VISIBLE = "WritesNotVisible"


def _pairs_text(pairs: Iterable[Pair]) -> str:
    return ", ".join(f"{group} {port_range}" for group, port_range in sorted(pairs))


class Settler:
    """The list reads after the writes: unsettled adds decided by what is listed, then waiting for the rest."""

    def __init__(
        self, session: Any, gateway_id: str, applied: AppliedPlan, limit: int, on_action_done: Callable
    ) -> None:
        self.session = session
        self.gateway_id = gateway_id
        self.limit = limit
        self.on_action_done = on_action_done
        self.actions = list(applied.actions)
        self.added = set(applied.added)
        self.deleted = set(applied.deleted)
        # Unsettled adds, per pair: (the step it came from, the error, whether it may still be re-added).
        self.pending: Dict[Pair, Tuple[Unsettled, bool]] = {}
        for unsettled in applied.unsettled:
            self.note_unsettled(unsettled, retry=True)

    def note_unsettled(self, unsettled: Unsettled, retry: bool) -> None:
        for pr in unsettled.step.port_ranges:
            self.pending[(unsettled.step.security_group_id, PortRange(*pr))] = (unsettled, retry)

    def read(self) -> List[Dict[str, Any]]:
        return _apig.list_authorizations(self.session, self.gateway_id)

    def settle_listed(self, listed: Set[Pair]) -> None:
        """Pending pairs now listed are settled: an ambiguous add may have been this run's, a refused one is not."""
        for pair in sorted(p for p in self.pending if p in listed):
            unsettled, _retry = self.pending.pop(pair)
            if not unsettled.refused:
                step = AddRanges(pair[0], (pair[1],), unsettled.step.description)
                self.made(render_action(step, False))
                continue
            # The refusal is explained by this range: the rest of its batch may be missing, so may be added again.
            for other, (sibling, _used) in list(self.pending.items()):
                if sibling is unsettled:
                    self.pending[other] = (sibling, True)

    def made(self, action: Dict[str, Any]) -> None:
        self.actions.append(action)
        self.on_action_done(action)

    def readd_missing(self, listed: Set[Pair]) -> bool:
        """Add, once, what the list does not show of the unsettled adds; whether any add was made."""
        batches: Dict[Tuple[str, Optional[str]], List[PortRange]] = {}
        for (group, port_range), (unsettled, retry) in sorted(self.pending.items()):
            if retry and (group, port_range) not in listed:
                batches.setdefault((group, unsettled.step.description), []).append(port_range)
        steps = [AddRanges(group, tuple(ranges), description) for (group, description), ranges in batches.items()]
        if not steps:
            return False
        made: List[AddRanges] = []

        def finished(step: AddRanges, outcome: Outcome) -> None:
            if outcome.unsettled is not None:
                self.note_unsettled(outcome.unsettled, retry=False)
            else:
                made.append(step)

        def readd(step: AddRanges) -> Outcome:
            outcome = add_outcome(self.session, self.gateway_id, step)
            if outcome.unsettled is not None and not outcome.unsettled.refused:
                # Not listed after an ambiguous add, and the add fails again: a failure, not a wait.
                raise outcome.unsettled.error
            return outcome

        failure = run_bounded(steps, readd, self.limit, finished)
        for step in made:
            for pr in step.port_ranges:
                self.pending.pop((step.security_group_id, PortRange(*pr)), None)
                self.added.add((step.security_group_id, PortRange(*pr)))
            self.made(render_action(step, False))
        if failure is not None:
            step, err, _count = failure
            note = (
                "the list did not show this add after a first attempt whose outcome was unknown, and a second "
                "attempt failed too; it may have been applied all the same: run again"
            )
            raise WriteFailed(
                err, add_doing(self.gateway_id, step), self.actions, f"{note}; {self.applied_note(other=True)}"
            )
        return bool(made)

    def not_visible(self, records: Sequence[Dict[str, Any]]) -> List[str]:
        listed = record_pairs(records)
        listed_ids = {record.get("rule_id") for record in records}
        missing = sorted((self.added | set(self.pending)) - listed)
        lingering = sorted(self.deleted & listed_ids)
        notes = []
        if missing:
            notes.append(f"added but not listed yet: {_pairs_text(missing)}")
        if lingering:
            notes.append(f"deleted but still listed: {', '.join(lingering)}")
        return notes

    def own_writes(self, listed: Set[Pair]) -> OwnWrites:
        """This run's writes that the list may still not show (lag), for the end-state comparison."""
        waiting = (self.added | set(self.pending)) - removed_since(self.actions, listed)
        return OwnWrites(frozenset(waiting), frozenset(self.deleted))

    def applied_note(self, other: bool = False) -> str:
        return f"{len(self.actions)}{' other' if other else ''} write(s) were applied (see actions)"


def settle_before_removals(
    session: Any, gateway_id: str, applied: AppliedPlan, limit: int, on_action_done: Callable
) -> AppliedPlan:
    """One list read before any removal: ambiguous adds listed are done, the missing ones added once more.

    Returns the plan's outcome so far with those adds; WriteFailed if an add made again fails.
    """
    settler = Settler(session, gateway_id, applied, limit, on_action_done)
    listed = record_pairs(settler.read())
    settler.settle_listed(listed)
    try:
        settler.readd_missing(listed)
    except WriteFailed as err:
        err.hint += "; no authorization was removed, because removals only run after every add succeeded."
        raise
    unsettled = list({id(unsettled): unsettled for unsettled, _retry in settler.pending.values()}.values())
    return AppliedPlan(settler.actions, unsettled, settler.added, settler.deleted)


def settle_writes(
    session: Any,
    gateway_id: str,
    applied: AppliedPlan,
    wait_timeout: float,
    max_concurrent_writes: int,
    on_action_done: Callable[[Dict[str, Any]], None],
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    scope: Optional[Scope] = None,
) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]], List[str]]:
    """List the authorizations until they show the writes; (the last list, the actions made, warnings).

    Every add made must be listed, every deleted rule id gone. An unsettled add (refused as a conflict,
    or ambiguous) is settled by the list: listed, it is done (by this run only if it was ambiguous);
    not listed, its missing ranges are added once more, and never a range the list already shows.
    The list is read again with backoff (FIRST_WAIT doubling to MAX_WAIT) until wait_timeout seconds
    have passed; then WriteFailed names what is not visible yet. wait_timeout 0 reads once and only warns.
    With a scope, each list is also compared with the declaration (_end_state): a difference that is not
    lag of this run's own writes raises ConcurrentChange at once, whether or not the writes are visible.
    """
    settler = Settler(session, gateway_id, applied, max_concurrent_writes, on_action_done)
    deadline = clock() + wait_timeout
    delay = FIRST_WAIT
    while True:
        records = settler.read()
        listed = record_pairs(records)
        settler.settle_listed(listed)
        readded = settler.readd_missing(listed)
        notes = settler.not_visible(records)
        changes = concurrent_changes(records, scope, settler.own_writes(listed)) if scope is not None else []
        if changes:
            raise ConcurrentChange(gateway_id, changes, settler.actions, records, notes)
        if not notes and not readded:
            return records, settler.actions, []
        if wait_timeout <= 0:
            return (
                records,
                settler.actions,
                [
                    f"After the writes, the list of {gateway_id} shows not yet: "
                    + "; ".join(notes)
                    + " (wait_timeout=0: not waiting)."
                ],
            )
        remaining = deadline - clock()
        if remaining <= 0:
            break
        sleep(min(delay, remaining))
        delay = min(delay * 2, MAX_WAIT)
    raise not_visible_failure(gateway_id, wait_timeout, notes, settler)


def not_visible_failure(gateway_id: str, wait_timeout: float, notes: List[str], settler: Settler) -> WriteFailed:
    """The failure of a wait that timed out: what the list does not show, what was applied, what a re-run does."""
    err = ApiError(
        "ListGatewayAuthorizedSecurityGroupRules",
        code=NOT_VISIBLE,
        message=f"after {wait_timeout:g} s the list does not show every write: " + "; ".join(notes),
    )
    hint = (
        f"{settler.applied_note()}, not yet visible. Run again once the list shows them: a re-run reads the list "
        "and adds only what it lacks. A re-run before the list catches up adds those ranges once more: an API that "
        "refuses or ignores a duplicate add keeps one authorization; one that accepts it lists the range twice "
        "(DUPLICATE_AUTHORIZATION), and the next run with state=present deletes the extra record without cascade "
        "(the inbound rule stays). Raise wait_timeout if the API is often this slow."
    )
    return WriteFailed(err, f"wait until the list of {gateway_id} shows the writes", settler.actions, hint)
