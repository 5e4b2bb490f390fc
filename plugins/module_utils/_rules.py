# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""gateway_sg_authorization's request: its `rules`, or `security_group_id` with `port_ranges`, as DesiredGroups.

parse_request checks every option before any API call and turns the task into the planner's
DesiredGroup list; an error names the field (``rules[1].port_ranges[0]``) and the value. A group
given twice gets the union of its ranges and the first description given.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import NamedTuple
from typing import Optional
from typing import Sequence
from typing import Set
from typing import Tuple

from ansible_collections.alibabacloud.apig.plugins.module_utils._descriptions import check_description
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._ids import check_id
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import DesiredGroup
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import merge_desired_groups
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import normalize_port_ranges

MAX_CONCURRENT_WRITES = 16


class AuthorizationRequest(NamedTuple):
    gateway_id: str
    groups: List[DesiredGroup]
    state: str
    purge_port_ranges: bool
    purge_security_groups: bool
    cascading_delete: bool
    max_concurrent_writes: int


def parse_request(params: Dict[str, Any]) -> AuthorizationRequest:
    """Every check of the task's options, before any API call; raises OptionError."""
    gateway_id = check_id("gateway_id", params.get("gateway_id"), "gateway")
    state = params.get("state") or "present"
    rules = params.get("rules")
    single = params.get("security_group_id")
    purge_ranges = bool(params.get("purge_port_ranges"))
    purge_groups = bool(params.get("purge_security_groups"))

    if rules is not None and (single is not None or params.get("port_ranges") is not None):
        raise OptionError("rules", rules, "cannot be combined with security_group_id or port_ranges")
    if rules is None and single is None:
        raise OptionError("security_group_id", None, "is required unless rules is given")
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
            "requires rules: they are then the gateway's complete set of authorizations",
        )
    _check_purge_all(rules, purge_groups, bool(params.get("purge_all")))
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


def _check_purge_all(rules: Any, purge_groups: bool, purge_all: bool) -> None:
    """rules=[] with purge_security_groups revokes everything: only when purge_all says so, and purge_all only then."""
    everything = purge_groups and isinstance(rules, list) and not rules
    if everything and not purge_all:
        raise OptionError(
            "rules",
            rules,
            "is empty with purge_security_groups=true, which revokes every authorization of the gateway: "
            "give purge_all=true to mean it (an empty list is also what a discovery that found nothing gives)",
        )
    if purge_all and not everything:
        raise OptionError(
            "purge_all", purge_all, "only confirms rules=[] with purge_security_groups=true (revoke everything)"
        )


def _desired_groups(entries: Sequence[Tuple[Optional[str], Dict[str, Any]]], state: str) -> List[DesiredGroup]:
    """One DesiredGroup per group; a group given twice gets the union of its ranges (first description kept)."""
    given: List[DesiredGroup] = []
    all_ranges: Set[str] = set()  # state=absent: groups for which some entry named no range (= all of them)
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
        if state == "absent" and not parsed:
            all_ranges.add(group_id)
        description = check_description(field("description"), entry.get("description"))
        given.append(DesiredGroup(group_id, tuple(parsed), description))
    merged = merge_desired_groups(given, merge_overlaps=state == "present")
    return [group._replace(port_ranges=()) if group.security_group_id in all_ranges else group for group in merged]
