# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""The end-state truth of gateway_sg_authorization: the final list against the whole declared scope.

A run plans from the list it read first; another run, or a change in the console, can write in the
meantime. So the final list (read after the writes, or the only list of a run with nothing to do) is
compared with the declaration, in the planner's scope (_planner.declaration_differences): for purge,
the gateway's complete set; without purge, the declared ranges present (state=present) or absent
(state=absent). A difference that the run did not write is a CONCURRENT_CHANGE, and the run fails
naming it, with what it wrote itself (actions) and the final list (authorizations).

Lag of the run's own writes is not a change: an add of this run not listed yet, and a rule id this run
deleted still listed, are waited for by _settle.settle_writes. One exception: an add carries its ranges
in one call that the API applies as a whole, so when the list shows some ranges of that call and not
the others, the others were removed since, and are not waited for.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import FrozenSet
from typing import Iterable
from typing import List
from typing import NamedTuple
from typing import Sequence
from typing import Set

from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import CONCURRENT_CHANGE
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import DesiredGroup
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Pair
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import declaration_differences
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import parse_port_range
from ansible_collections.alibabacloud.apig.plugins.module_utils._records import record_port_range
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import WriteFailed

LIST = "ListGatewayAuthorizedSecurityGroupRules"
# The pairs named in the message; all of them are in the result's `concurrent_changes`.
_NAMED_IN_MESSAGE = 20


class Scope(NamedTuple):
    """What a run declares: its groups, its state and its purge options (the planner's inputs)."""

    groups: Sequence[DesiredGroup]
    state: str = "present"
    purge_port_ranges: bool = False
    purge_security_groups: bool = False


class OwnWrites(NamedTuple):
    """The run's own writes that the list may not show yet: pairs it added (or may have), rule ids it deleted."""

    added: FrozenSet[Pair] = frozenset()
    deleted: FrozenSet[str] = frozenset()


def added_pairs(action: Dict[str, Any]) -> Set[Pair]:
    """The (group, range) pairs of one add action."""
    return {(action["security_group_id"], parse_port_range(pr)) for pr in action["port_ranges"]}


def removed_since(actions: Iterable[Dict[str, Any]], listed: Set[Pair]) -> Set[Pair]:
    """Ranges of this run's add calls that the list lacks while it shows other ranges of the same call."""
    removed: Set[Pair] = set()
    for action in actions:
        if action["action"] == "add":
            pairs = added_pairs(action)
            if pairs & listed:
                removed |= pairs - listed
    return removed


def concurrent_changes(records: Sequence[Dict[str, Any]], scope: Scope, own: OwnWrites) -> List[Dict[str, Any]]:
    """Where the list differs from the declaration, leaving out what is only lag of the run's own writes.

    Each entry: security_group_id, port_range, declared (present or absent) and listed (the rule ids
    that hold it, empty when it is missing); sorted by group and range.
    """
    holders: Dict[Pair, Set[str]] = {}
    for record in records:
        port_range = record_port_range(record)
        if port_range is not None:
            holders.setdefault((record.get("security_group_id"), port_range), set()).add(record.get("rule_id") or "")
    missing, unwanted = declaration_differences(
        holders, scope.groups, scope.state, scope.purge_port_ranges, scope.purge_security_groups
    )
    changes = [(pair, "present", []) for pair in missing if pair not in own.added]
    changes += [(pair, "absent", sorted(holders[pair])) for pair in unwanted if holders[pair] - own.deleted]
    return [
        {"security_group_id": group, "port_range": str(port_range), "declared": declared, "listed": listed}
        for (group, port_range), declared, listed in sorted(changes)
    ]


def _change_text(change: Dict[str, Any]) -> str:
    pair = f"{change['security_group_id']} {change['port_range']}"
    if change["declared"] == "present":
        return f"{pair} declared but not listed"
    return f"{pair} listed ({', '.join(change['listed'])}) but not declared"


def actions_text(actions: Sequence[Dict[str, Any]]) -> str:
    """What the run wrote itself, in a few words per action."""
    if not actions:
        return "this run wrote nothing"
    words = []
    for action in actions:
        ranges = ", ".join(action["port_ranges"])
        if action["action"] == "add":
            words.append(f"added {action['security_group_id']} {ranges}")
        else:
            words.append(f"removed {action['security_group_id']} {ranges} ({action['rule_id']})")
    return "this run wrote: " + "; ".join(words)


class ConcurrentChange(WriteFailed):
    """The final list differs from the declaration in what the run did not write (code CONCURRENT_CHANGE)."""

    def __init__(
        self,
        gateway_id: str,
        changes: List[Dict[str, Any]],
        actions: List[Dict[str, Any]],
        records: List[Dict[str, Any]],
        not_visible: Sequence[str] = (),
    ) -> None:
        named = "; ".join(_change_text(change) for change in changes[:_NAMED_IN_MESSAGE])
        if len(changes) > _NAMED_IN_MESSAGE:
            named += f"; and {len(changes) - _NAMED_IN_MESSAGE} more"
        message = (
            f"the list of {gateway_id} differs from this run's declaration in what this run did not write "
            f"(another run, or a change in the console, wrote meanwhile): {named}"
        )
        if not_visible:
            message += ". Of this run's own writes, the list shows not yet: " + "; ".join(not_visible)
        hint = (
            f"{actions_text(actions)} (see actions; authorizations is the final list). Run one converge per "
            "gateway at a time, then run again: the re-run converges from what the list shows."
        )
        super().__init__(
            ApiError(LIST, code=CONCURRENT_CHANGE, message=message), f"converge {gateway_id}", actions, hint
        )
        self.records = records
        self.changes = changes

    def result_fields(self) -> Dict[str, Any]:
        return {"authorizations": self.records, "concurrent_changes": self.changes}


def check_end_state(
    gateway_id: str,
    records: List[Dict[str, Any]],
    scope: Scope,
    own: OwnWrites,
    actions: List[Dict[str, Any]],
) -> None:
    """Raise ConcurrentChange when the final list differs from the declaration in what the run did not write."""
    changes = concurrent_changes(records, scope, own)
    if changes:
        raise ConcurrentChange(gateway_id, changes, list(actions), list(records))
