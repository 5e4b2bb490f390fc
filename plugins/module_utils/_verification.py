# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""Is each gateway authorization still in force in its backend security group?

An authorization lives twice: as a record in the gateway (APIG) and as an inbound rule in the
backend group (ECS). Someone can delete the ECS rule out of band; the gateway record stays and
the console still shows the authorization, but the gateway can no longer reach the backend
(the vendor FAQ's "it worked, now it fails"). verify_authorizations reads each backend group's
ingress rules once and checks every record against them; authorization_gaps is the pure check.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from typing import Callable
from typing import Dict
from typing import List
from typing import Optional
from typing import Sequence
from typing import Set
from typing import Tuple

from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import AUTHORIZATION_NOT_EFFECTIVE
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import INBOUND_RULE_READS_DISAGREE
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import INBOUND_RULE_REMOVED_BY_CASCADE
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import finding
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Pair
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import MAX_PORT
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import MIN_PORT
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import PortRange
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import parse_port_range
from ansible_collections.alibabacloud.apig.plugins.module_utils._records import record_port_range

_ALL_PORTS = PortRange(MIN_PORT, MAX_PORT)
# Protocols whose rule lets the gateway's TCP through.
_TCP_CARRIERS = ("TCP", "ALL")


def permission_port_range(permission: Dict[str, Any]) -> Optional[PortRange]:
    """The TCP ports an ECS rule opens; ECS writes "all ports" as -1/-1 (and ALL rules as -1/-1 too)."""
    text = str(permission.get("port_range") or "").strip()
    protocol = str(permission.get("ip_protocol") or "").upper()
    if text in ("", "-1/-1", "-1"):
        return _ALL_PORTS if protocol == "ALL" or text else None
    try:
        return parse_port_range(text, "PortRange")
    except OptionError:
        return None


def _opens_tcp(permission: Dict[str, Any]) -> bool:
    direction = str(permission.get("direction") or "ingress").lower()
    return (
        direction == "ingress"
        and str(permission.get("policy") or "Accept").lower() == "accept"
        and str(permission.get("ip_protocol") or "").upper() in _TCP_CARRIERS
    )


def _covers(ranges: Sequence[PortRange], wanted: PortRange) -> bool:
    """Whether the union of ranges covers every port of wanted (adjacent rules together count)."""
    reach = wanted.start - 1
    for current in sorted(ranges):
        if current.start > reach + 1:
            break
        reach = max(reach, current.end)
        if reach >= wanted.end:
            return True
    return reach >= wanted.end


def _network(text: Any) -> Optional[Any]:
    try:
        return ipaddress.ip_network(str(text).strip(), strict=False)
    except ValueError:
        return None


def _cidr_contains(outer: Any, inner: Any) -> bool:
    return outer is not None and inner is not None and outer.version == inner.version and inner.subnet_of(outer)


def authorization_gaps(
    authorization: Dict[str, Any], permissions: Sequence[Dict[str, Any]], fallback_source: Optional[str] = None
) -> List[str]:
    """What the group's ingress rules lack to grant the authorization; [] when they grant it.

    Normal groups: an Accept TCP rule (or ALL) from the authorization's source_security_group_id
    (or, when the list leaves it empty, fallback_source: the gateway's managed group) covering its
    port range. Enterprise groups (non-empty auth_cidrs): for every CIDR, such rules
    whose source CIDR contains it. Several rules may cover the range together.
    """
    try:
        wanted = parse_port_range(authorization.get("port_range"), "port_range")
    except OptionError:
        return ["a readable port range (got {!r})".format(authorization.get("port_range"))]
    usable: List[Tuple[Dict[str, Any], PortRange]] = []
    for permission in permissions:
        port_range = permission_port_range(permission)
        if port_range is not None and _opens_tcp(permission):
            usable.append((permission, port_range))
    cidrs = [c for c in authorization.get("auth_cidrs") or [] if c and str(c).strip()]
    if cidrs:
        gaps = []
        for cidr in cidrs:
            inner = _network(cidr)
            ranges = [r for p, r in usable if _cidr_contains(_network(p.get("source_cidr_ip")), inner)]
            if not _covers(ranges, wanted):
                gaps.append(f"a rule from {cidr} for {wanted}")
        return gaps
    source = authorization.get("source_security_group_id") or fallback_source
    ranges = [r for p, r in usable if source and p.get("source_group_id") == source]
    return [] if _covers(ranges, wanted) else [f"a rule from {source} for {wanted}"]


def not_effective_finding(record: Dict[str, Any], gaps: Sequence[str], group_missing: bool = False) -> Dict[str, Any]:
    group = record.get("security_group_id")
    label = group + (f" ({record['security_group_name']})" if record.get("security_group_name") else "")
    if group_missing:
        what = f"security group {label} no longer exists, so the inbound rule that grants the gateway"
        what += f" {record.get('port_range')} is gone"
        advice = "authorize an existing backend group and revoke this authorization"
    else:
        what = f"the inbound rule in {label} that grants the gateway {record.get('port_range')} is missing"
        what += " ({} not found)".format("; ".join(gaps)) if gaps else ""
        what += ": it was probably deleted out of band"
        advice = "re-run the authorization (delete and add) to restore it"
    return {
        "code": AUTHORIZATION_NOT_EFFECTIVE,
        "message": f"authorization {record.get('rule_id')}: {what}; {advice}",
        "ids": {
            k: v
            for k, v in (
                ("rule_id", record.get("rule_id")),
                ("security_group_id", group),
                ("port_range", record.get("port_range")),
                ("source_security_group_id", record.get("source_security_group_id")),
            )
            if v
        },
    }


def check_record(
    record: Dict[str, Any], permissions: Optional[List[Dict[str, Any]]], fallback_source: Optional[str] = None
) -> Tuple[Dict[str, Any], Optional[Dict[str, Any]]]:
    """The record with `effective` added, and its finding when it is not effective.

    permissions are the ingress rules of the record's group, or None when the group does not exist.
    """
    gaps = ["the security group"] if permissions is None else authorization_gaps(record, permissions, fallback_source)
    finding = not_effective_finding(record, gaps, group_missing=permissions is None) if gaps else None
    return dict(record, effective=not gaps), finding


def check_authorizations(
    records: Sequence[Dict[str, Any]],
    permissions_by_group: Dict[str, Optional[List[Dict[str, Any]]]],
    fallback_source: Optional[str] = None,
) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """The pure step: records with `effective` added, and a finding per ineffective one.

    permissions_by_group maps a group id to its ingress rules, or to None when the group does not exist;
    fallback_source stands for an empty sourceSecurityGroupId (the gateway's managed group).
    """
    return _split(
        [
            check_record(record, permissions_by_group.get(record.get("security_group_id")), fallback_source)
            for record in records
        ]
    )


Outcome = Tuple[Dict[str, Any], Optional[Dict[str, Any]]]


def _split(outcomes: Sequence[Outcome]) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """(the checked records, the findings) of check_record's outcomes."""
    return [checked for checked, _finding in outcomes], [finding for _checked, finding in outcomes if finding]


def group_ingress(session: Any, group_id: Any) -> Optional[List[Dict[str, Any]]]:
    """One group's ingress rules (one ECS DescribeSecurityGroupAttribute, all pages), None if it does not exist."""
    from ansible_collections.alibabacloud.apig.plugins.module_utils import _ecs
    from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError
    from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_not_found

    if not group_id:
        return None
    try:
        return _ecs.describe_security_group_ingress(session, group_id)
    except ApiError as err:
        if not is_not_found(err):
            raise
    return None


def ingress_by_group(session: Any, group_ids: Sequence[Any]) -> Dict[Any, Optional[List[Dict[str, Any]]]]:
    """group_ingress of each group, read in parallel (bounded): check_authorizations' permissions_by_group."""
    from ansible_collections.alibabacloud.apig.plugins.module_utils._parallel import bounded_map

    ordered = sorted(set(group_ids), key=lambda group_id: group_id or "")
    return dict(zip(ordered, bounded_map(lambda group_id: group_ingress(session, group_id), ordered)))


def not_effective_pairs(
    records: List[Dict[str, Any]], ingress: Dict[Any, Any], fallback: Optional[str] = None
) -> Set[Pair]:
    """The readable (group, range) pairs of the listed authorizations whose inbound rule is missing."""
    checked, _findings = check_authorizations([r for r in records if r.get("rule_id")], ingress, fallback)
    pairs = ((r.get("security_group_id"), record_port_range(r)) for r in checked if not r["effective"])
    return {(group, port_range) for group, port_range in pairs if port_range is not None}


def confirm_missing_rules(
    session: Any, records: List[Dict[str, Any]], pairs: Sequence[Pair], fallback: Optional[str] = None
) -> Tuple[Set[Pair], Dict[Any, Optional[List[Dict[str, Any]]]], List[Dict[str, Any]]]:
    """A second, independent read of the groups of pairs (whose inbound rule the first read did not show).

    A repair deletes and adds again, so it must not rest on one answer: an empty or short Permissions list
    would otherwise cost two writes per authorization. Returns the pairs whose rule the second read does
    not show either (the two reads agree: repair them), the second read (the newer answer, by group), and
    one INBOUND_RULE_READS_DISAGREE finding per pair that the second read shows (not repaired).
    """
    second = ingress_by_group(session, sorted({group for group, _port_range in pairs}, key=lambda g: g or ""))
    still_missing = not_effective_pairs([r for r in records if r.get("security_group_id") in second], second, fallback)
    confirmed = {pair for pair in pairs if pair in still_missing}
    findings = [reads_disagree_finding(group, port_range) for group, port_range in sorted(set(pairs) - confirmed)]
    return confirmed, second, findings


def reads_disagree_finding(group: str, port_range: Any) -> Dict[str, Any]:
    return finding(
        INBOUND_RULE_READS_DISAGREE,
        f"two reads of {group}'s inbound rules disagree: the first did not show the rule that grants the gateway "
        f"{port_range}, the second does; the authorization is not repaired (a repair needs two reads that agree); "
        "run again to check it",
        security_group_id=group,
        port_range=str(port_range),
    )


def managed_group_reader(session: Any, gateway_id: str) -> Callable[[], Optional[str]]:
    """GetGateway's securityGroup.securityGroupId, for an empty sourceSecurityGroupId (one call when used)."""

    def read() -> Optional[str]:
        from ansible_collections.alibabacloud.apig.plugins.module_utils import _apig

        return _apig.get_gateway(session, gateway_id)["security_group"].get("security_group_id")

    return read


def cascaded_groups(actions: Sequence[Dict[str, Any]]) -> List[str]:
    """The groups where one of these actions deleted an authorization with cascade, sorted."""
    return sorted(
        {a["security_group_id"] for a in actions if a.get("action") == "delete" and a.get("cascading_delete")}
    )


def cascade_findings(verified: Sequence[Dict[str, Any]], actions: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """A finding per authorization that lost its inbound rule in a group where these actions cascaded a delete."""
    deleted: Dict[str, List[str]] = {}
    for action in actions:
        if action.get("action") == "delete" and action.get("cascading_delete"):
            deleted.setdefault(action["security_group_id"], []).append(action["rule_id"])
    findings = []
    for record in verified:
        group = record.get("security_group_id")
        if record.get("effective") is False and group in deleted:
            findings.append(
                {
                    "code": INBOUND_RULE_REMOVED_BY_CASCADE,
                    "message": "authorization {} ({} {}) has lost its inbound rule: the cascading delete of {} "
                    "removed it, although this authorization still needs it; re-run the authorization "
                    "(delete and add) to restore it".format(
                        record.get("rule_id"), group, record.get("port_range"), ", ".join(sorted(deleted[group]))
                    ),
                    "ids": {
                        "rule_id": record.get("rule_id"),
                        "security_group_id": group,
                        "port_range": record.get("port_range"),
                        "deleted_rule_ids": sorted(deleted[group]),
                    },
                }
            )
    return findings
