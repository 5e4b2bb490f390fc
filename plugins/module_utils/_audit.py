# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""The audit of one gateway: its authorizations against the declared backends, as data.

Pure: the inputs are the results of gateway_info (with verify_backend_rules) and backend_sg_info,
the normalised backend entries and the rules the backend_rules filter builds from them. Nothing
here reads an API. The audit playbook formats the result (templates/audit_report.md.j2).

A (group, range) pair is written "<security group id> <port range>", as in the report.
  * drift: an authorization whose inbound rule is missing from the backend group
    (``effective`` false in gateway_info's verified result; an authorization without the key
    counts as effective);
  * missing: a declared pair that no authorization grants;
  * undeclared: _records.undeclared_pairs, the meaning the role's summary uses too: an authorized pair
    that no declared rule lists exactly, in any group (only when something is declared: with no
    declaration there is nothing to compare with).
Each authorization is credited to the entries that declare it (backends_declaring), not to every
entry that reaches its group.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import Mapping
from typing import Optional
from typing import Sequence

from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import PortRange
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import parse_port_range
from ansible_collections.alibabacloud.apig.plugins.module_utils._records import record_port_range
from ansible_collections.alibabacloud.apig.plugins.module_utils._records import undeclared_pairs


def _pair(security_group_id: Any, port_range: Any) -> str:
    return f"{security_group_id} {port_range}"


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{what} must be a dict, got {type(value).__name__}: {value!r}")
    return value


def _sequence(value: Any, what: str) -> Sequence[Any]:
    if value is None:
        return []
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
        raise ValueError(f"{what} must be a list, got {type(value).__name__}: {value!r}")
    return value


def declared_pairs(declared_rules: Sequence[Mapping[str, Any]]) -> List[str]:
    """Every (group, range) pair the declared rules list, in their order."""
    pairs = []
    for index, rule in enumerate(_sequence(declared_rules, "declared rules")):
        rule = _mapping(rule, f"declared rules[{index}]")
        for port_range in _sequence(rule.get("port_ranges"), f"declared rules[{index}].port_ranges"):
            pairs.append(_pair(rule.get("security_group_id"), port_range))
    return pairs


def _entry_ranges(entry: Mapping[str, Any], source: Mapping[str, Any], security_group_id: Any) -> List[PortRange]:
    """The ranges the entry declares for the group, as merge_backend_rules reads them: the entry's own, or for a
    gateway_services entry without any, the ports discovery found for the group (``port_ranges_by_group``)."""
    values = entry.get("port_ranges") or (source.get("port_ranges_by_group") or {}).get(security_group_id) or []
    return [parse_port_range(value, "entries.port_ranges") for value in _sequence(values, "entries.port_ranges")]


def backends_declaring(
    security_group_id: Any,
    port_range: Optional[PortRange],
    entries: Sequence[Mapping[str, Any]],
    sources: Sequence[Mapping[str, Any]],
) -> List[Any]:
    """The names of the entries that declare this authorized range of the group.

    An entry declares it when its discovered source (aligned by index) has the group and one of its
    ranges lies within the authorized range: the group's rule merges the ranges of every entry that
    reaches it, so one authorized range may hold several entries' ranges. An entry that reaches the
    group with other ports does not declare it; an unreadable range (None) is declared by none.
    """
    names = []
    for index, (entry, source) in enumerate(zip(entries, sources)):
        source = _mapping(source, f"sources[{index}]")
        entry = _mapping(entry, f"entries[{index}]")
        if port_range is None or security_group_id not in _sequence(
            source.get("security_group_ids"), f"sources[{index}].security_group_ids"
        ):
            continue
        ranges = _entry_ranges(entry, source, security_group_id)
        if any(port_range.start <= own.start and own.end <= port_range.end for own in ranges):
            names.append(entry.get("name"))
    return names


def is_drifted(authorization: Mapping[str, Any]) -> bool:
    """Its inbound rule is missing (``effective`` is false; an absent key counts as effective)."""
    return not authorization.get("effective", True)


def audit_gateway(
    gateway: Mapping[str, Any],
    entries: Sequence[Mapping[str, Any]],
    sources: Sequence[Mapping[str, Any]],
    declared_rules: Sequence[Mapping[str, Any]],
    findings: Sequence[Mapping[str, Any]] = (),
) -> Dict[str, Any]:
    """The audit: authorizations (each with the ``backends`` that declare it), drift, missing, undeclared."""
    gateway = _mapping(gateway, "gateway")
    entries = _sequence(entries, "entries")
    sources = _sequence(sources, "sources")
    declared = declared_pairs(declared_rules)
    authorizations = []
    drift = []
    authorized = set()
    listed = [
        _mapping(raw, f"gateway.authorizations[{index}]")
        for index, raw in enumerate(_sequence(gateway.get("authorizations"), "gateway.authorizations"))
    ]
    for auth in listed:
        group_id = auth.get("security_group_id")
        authorized.add(_pair(group_id, auth.get("port_range")))
        backends = backends_declaring(group_id, record_port_range(dict(auth)), entries, sources)
        authorizations.append(dict(auth, backends=backends))
        if is_drifted(auth):
            drift.append(dict(auth))
    undeclared = [_pair(group_id, port_range) for group_id, port_range in undeclared_pairs(listed, declared_rules)]
    return {
        "gateway": dict(gateway),
        "authorizations": authorizations,
        "drift": drift,
        "missing": [pair for pair in declared if pair not in authorized],
        "undeclared": undeclared,
        "findings": [dict(_mapping(f, "a finding")) for f in _sequence(findings, "findings")],
    }


def audit_summary_lines(audit: Mapping[str, Any]) -> List[str]:
    """The audit as lines for the screen: a header, one line per authorization, missing pairs, findings."""
    gateway = audit["gateway"]
    lines = [
        f"gateway {gateway.get('gateway_id')} ({gateway.get('name', '')}, VPC {gateway.get('vpc_id', '?')}): "
        f"{len(audit['authorizations'])} authorization(s), {len(audit['drift'])} drifted, "
        f"{len(audit['missing'])} declared but missing, {len(audit['undeclared'])} undeclared"
    ]
    for auth in audit["authorizations"]:
        reached = ", ".join(str(name) for name in auth["backends"]) or "no declared backend"
        drift = " [DRIFT: inbound rule missing]" if is_drifted(auth) else ""
        lines.append(f"{_pair(auth.get('security_group_id'), auth.get('port_range'))} -> {reached}{drift}")
    lines.extend(f"declared but not authorized: {pair}" for pair in audit["missing"])
    lines.extend(f"finding {finding.get('code')}: {finding.get('message')}" for finding in audit["findings"])
    return lines


def audit_counts(audit: Mapping[str, Any]) -> Dict[str, int]:
    """How many authorizations, drifted ones, missing and undeclared pairs and findings the audit has."""
    return {
        "authorizations": len(audit["authorizations"]),
        "drifted": len(audit["drift"]),
        "missing": len(audit["missing"]),
        "undeclared": len(audit["undeclared"]),
        "findings": len(audit["findings"]),
    }


def audit_document(audit: Mapping[str, Any], region: Any, generated_at: Any, collection_version: Any) -> Dict[str, Any]:
    """The audit as the JSON report: when, where and by which collection version, then the audit itself."""
    gateway = {key: value for key, value in audit["gateway"].items() if key != "authorizations"}
    return {
        "generated_at": generated_at,
        "region": region,
        "collection": {"name": "alibabacloud.apig", "version": collection_version},
        "gateway": gateway,
        "summary": audit_counts(audit),
        "authorizations": [dict(auth) for auth in audit["authorizations"]],
        "drift": [dict(auth) for auth in audit["drift"]],
        "missing": list(audit["missing"]),
        "undeclared": list(audit["undeclared"]),
        "findings": [dict(finding) for finding in audit["findings"]],
    }
