# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""The gateway's authorization records (as _apig lists them) seen by the planner, and predicted by check mode.

* to_planner_authorizations turns the records into the planner's Authorizations; a range the API
  returned in a form that cannot be read is left out (and so never planned), with a warning.
* record_pairs is the (group, range) set a list shows, to compare with what the plan expects.
* predict_records gives check mode the list a real run would end with.
* undeclared_pairs: the one meaning of "undeclared", shared by the role's summary (undeclared_ranges)
  and the audit (_audit.audit_gateway).
"""

from __future__ import annotations

from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterable
from typing import List
from typing import Optional
from typing import Sequence
from typing import Set

from ansible_collections.alibabacloud.apig.plugins.module_utils._apig import canonical_port_range
from ansible_collections.alibabacloud.apig.plugins.module_utils._apig import sort_authorization_records
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import DUPLICATE_AUTHORIZATION
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Authorization
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Pair
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Plan
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import PortRange
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import normalize_port_ranges

# Fields of a predicted record that the API fills in; copied from the group's existing records.
_INHERITED_FIELDS = ("security_group_name", "vpc_id", "ip_protocol", "source_security_group_id", "auth_cidrs")


def record_port_range(record: Dict[str, Any]) -> Optional[PortRange]:
    """The record's range, or None when the API returned it in a form that cannot be read."""
    text = canonical_port_range(str(record.get("port_range") or ""))
    if text is None:
        return None
    start, end = text.split("/")
    return PortRange(int(start), int(end))


def to_planner_authorizations(
    records: Iterable[Dict[str, Any]], warn: Optional[Callable[[str], None]] = None
) -> List[Authorization]:
    """The planner's view of the records; a range the API returned unreadable is left out, with a warning."""
    authorizations = []
    for record in records:
        parsed = record_port_range(record)
        if parsed is None:
            if warn:
                warn(
                    "Ignoring authorization {} of {}: its port range {!r} as returned by the API cannot be read; "
                    "it is left untouched and not planned.".format(
                        record.get("rule_id"), record.get("security_group_id"), record.get("port_range")
                    )
                )
            continue
        authorizations.append(
            Authorization(
                rule_id=record.get("rule_id"),
                security_group_id=record.get("security_group_id"),
                port_range=parsed,
                description=record.get("description"),
            )
        )
    return authorizations


def record_pairs(records: Sequence[Dict[str, Any]]) -> Set[Pair]:
    """The readable (group, range) pairs of the records."""
    pairs = set()
    for record in records:
        parsed = record_port_range(record)
        if parsed is not None:
            pairs.add((record.get("security_group_id"), parsed))
    return pairs


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
    for step in plan.adds + plan.readds:
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
    return sort_authorization_records(kept)


def undeclared_pairs(records: Sequence[Dict[str, Any]], rules: Sequence[Dict[str, Any]]) -> List[Pair]:
    """The authorized (group, range) pairs that no rule declares: the one meaning of "undeclared".

    The role's summary (undeclared_ranges) and the audit both use it, so they name the same pairs.
    ``rules`` are gateway_sg_authorization's (``security_group_id``, ``port_ranges``). A pair is declared
    when a rule of its group lists that exact range (the planner's identity is the exact range; 8080/8080
    inside a declared 80/9000 is not declared), ranges compared parsed (``8080`` is ``8080/8080``).
    Every group counts, declared or not: the role's purge removes both kinds. With no declared pair
    there is nothing to compare with, and nothing is undeclared. A range the API returned in a form
    that cannot be read is left out, as the planner leaves it alone. Sorted by group, then range.
    """
    declared: Set[Pair] = set()
    for index, rule in enumerate(rules):
        field = f"rules[{index}].port_ranges"
        ranges = normalize_port_ranges(list(rule.get("port_ranges") or []), field, merge=False)
        declared.update((rule.get("security_group_id"), port_range) for port_range in ranges)
    if not declared:
        return []
    left = (pair for pair in record_pairs(records) if pair not in declared)
    return sorted(left, key=lambda pair: (str(pair[0]), pair[1]))


def undeclared_ranges(records: Sequence[Dict[str, Any]], rules: Sequence[Dict[str, Any]]) -> List[Dict[str, str]]:
    """The undeclared pairs (undeclared_pairs) as the role's summary words them: what purge would remove."""
    return [
        {"security_group_id": group_id, "port_range": str(port_range)}
        for group_id, port_range in undeclared_pairs(records, rules)
    ]


def duplicate_findings(records: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """A finding per (group, range) that the list shows under several rule ids (the API accepted an add twice).

    Nothing adds a third; state=present (or a purge) deletes the extra records, without cascade so
    that the inbound rule they share stays (_writes.shared_rule_ids).
    """
    holders: Dict[Any, List[str]] = {}
    for record in records:
        parsed = record_port_range(record)
        if parsed is not None and record.get("rule_id"):
            holders.setdefault((record.get("security_group_id"), parsed), []).append(record["rule_id"])
    findings = []
    for (group, port_range), rule_ids in sorted(holders.items()):
        if len(set(rule_ids)) > 1:
            ids = sorted(set(rule_ids))
            findings.append(
                {
                    "code": DUPLICATE_AUTHORIZATION,
                    "message": f"{group} {port_range} is authorized {len(ids)} times ({', '.join(ids)}): "
                    f"the extra records are deleted, without cascade, when this group and range is declared "
                    "with state=present",
                    "ids": {"security_group_id": group, "port_range": str(port_range), "rule_ids": ids},
                }
            )
    return findings
