# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""Whether a revoke may cascade: a cascading delete removes only inbound rules its authorization wrote.

ECS does not create an identical inbound rule twice ("the call succeeds but no new rule is created",
ECS AuthorizeSecurityGroup reference), so an authorization whose rule already existed relies on that
rule, and a cascading delete of the authorization may remove it. Before a delete cascades, and in check
mode alike, three things keep it from cascading (the delete still runs, without cascade, and says why):

1. shared (_writes.shared_rule_ids): another authorization of this gateway holds the same group and range;
2. origin (origin_holds): the inbound rules the cascade would remove are the rules identical to what the
   authorization writes (ingress, Accept, TCP, exactly its range, from its source group or one of its
   CIDRs). Each must show that the gateway wrote it for this authorization, by its Description
   (written_for). The API reference calls AddGatewaySecurityGroupRule's `description` the "security group
   rule description", so the authorization's own description is one reading; a text naming the gateway is
   the other (assumed; neither is documented). A rule that shows neither, an empty description included,
   was made before the authorization (by hand, by another tool, or for another gateway), or cannot be told
   apart from such a rule: the delete does not cascade. One DescribeSecurityGroupAttribute per group with a
   cascading delete (none for a group already read before planning).
3. enterprise groups (gateway_holds): an enterprise group's rules are per CIDR (authCidrs, the gateway's
   vSwitch CIDRs; enterprise groups cannot reference a group, ECS AuthorizeSecurityGroup), so two gateways
   on the same vSwitches need the same rules. Another gateway of the VPC that authorizes the same group and
   range on an overlapping CIDR keeps the delete from cascading: ListGateways filtered by the VPC, then each
   other gateway's list, only when a cascading delete on an enterprise group is planned.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from typing import Dict
from typing import List
from typing import Mapping
from typing import NamedTuple
from typing import Optional
from typing import Sequence

from ansible_collections.alibabacloud.apig.plugins.module_utils import _apig
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import INBOUND_RULE_PREEXISTS
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import INBOUND_RULE_SHARED_BY_GATEWAY
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import finding
from ansible_collections.alibabacloud.apig.plugins.module_utils._parallel import bounded_map
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import DeleteRule
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Plan
from ansible_collections.alibabacloud.apig.plugins.module_utils._records import record_port_range
from ansible_collections.alibabacloud.apig.plugins.module_utils._verification import ingress_by_group
from ansible_collections.alibabacloud.apig.plugins.module_utils._verification import managed_group_reader
from ansible_collections.alibabacloud.apig.plugins.module_utils._verification import permission_port_range
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import step_cascade


class Holds(NamedTuple):
    """The deletes that must not cascade: rule id -> why (for the action), and a finding each (warned)."""

    reasons: Dict[str, str]
    findings: List[Dict[str, Any]]


class GatewayContext(NamedTuple):
    """What the checks know already: the gateway, its VPC (None: read it when needed), the rules read before."""

    gateway_id: str
    vpc_id: Optional[str]
    ingress: Mapping[Any, Optional[List[Dict[str, Any]]]]
    fallback_source: Optional[str]


# --- pure ---------------------------------------------------------------------------------------


def _network(text: Any) -> Optional[Any]:
    try:
        return ipaddress.ip_network(str(text).strip(), strict=False)
    except ValueError:
        return None


def record_cidrs(record: Dict[str, Any]) -> List[Any]:
    return [n for n in (_network(c) for c in record.get("auth_cidrs") or [] if c and str(c).strip()) if n]


def rules_written_by(
    record: Dict[str, Any], permissions: Sequence[Dict[str, Any]], fallback_source: Optional[str]
) -> List[Dict[str, Any]]:
    """The inbound rules identical to what the authorization writes: what its cascading delete removes."""
    wanted = record_port_range(record)
    cidrs = record_cidrs(record)
    source = record.get("source_security_group_id") or fallback_source
    found = []
    for permission in permissions:
        if str(permission.get("direction") or "ingress").lower() != "ingress":
            continue
        if str(permission.get("policy") or "Accept").lower() != "accept":
            continue
        if str(permission.get("ip_protocol") or "").upper() != "TCP" or permission_port_range(permission) != wanted:
            continue
        if cidrs:
            matches = _network(permission.get("source_cidr_ip")) in cidrs
        else:
            matches = bool(source) and permission.get("source_group_id") == source
        if matches:
            found.append(permission)
    return found


def written_for(permission: Dict[str, Any], record: Dict[str, Any], gateway_id: str) -> bool:
    """Whether the rule's Description shows the gateway wrote it for this authorization (the readings above)."""
    text = str(permission.get("description") or "").strip()
    own = str(record.get("description") or "").strip()
    return bool(text) and (gateway_id in text or text == own)


def origin_holds(deletes: Sequence[DeleteRule], records: Sequence[Dict[str, Any]], context: GatewayContext) -> Holds:
    """The cascading deletes whose inbound rules do not show that the gateway wrote them (pure)."""
    reasons: Dict[str, str] = {}
    findings: List[Dict[str, Any]] = []
    for step in deletes:
        for record in (r for r in records if r.get("rule_id") == step.rule_id):
            permissions = context.ingress.get(step.security_group_id) or []
            foreign = [
                p
                for p in rules_written_by(record, permissions, context.fallback_source)
                if not written_for(p, record, context.gateway_id)
            ]
            if foreign and step.rule_id not in reasons:
                reasons[step.rule_id] = preexisting_reason(record, foreign)
                findings.append(preexisting_finding(record, foreign, reasons[step.rule_id]))
    return Holds(reasons, findings)


def _rules_text(rules: Sequence[Dict[str, Any]]) -> str:
    return ", ".join("{} (description {!r})".format(p.get("rule_id") or "?", p.get("description") or "") for p in rules)


def preexisting_reason(record: Dict[str, Any], foreign: Sequence[Dict[str, Any]]) -> str:
    return (
        f"the inbound rule {_rules_text(foreign)} of {record.get('security_group_id')} that grants "
        f"{record.get('port_range')} does not show that the gateway wrote it for this authorization: it was made "
        "before it (by hand, by another tool or for another gateway), so it is left in place"
    )


def preexisting_finding(record: Dict[str, Any], foreign: Sequence[Dict[str, Any]], reason: str) -> Dict[str, Any]:
    return finding(
        INBOUND_RULE_PREEXISTS,
        f"authorization {record.get('rule_id')} is revoked without cascade: {reason}; delete it by hand if nothing "
        "else needs it",
        rule_id=record.get("rule_id"),
        security_group_id=record.get("security_group_id"),
        port_range=record.get("port_range"),
        inbound_rule_ids=[p.get("rule_id") for p in foreign],
    )


def made_before(permission: Dict[str, Any], record: Dict[str, Any], gateway_id: str) -> bool:
    """Whether the rule shows it was not written for this authorization: a description that is not the gateway's.

    An empty description proves nothing either way (some readings write none).
    """
    return bool(str(permission.get("description") or "").strip()) and not written_for(permission, record, gateway_id)


def added_over_existing_rules(
    records: Sequence[Dict[str, Any]],
    actions: Sequence[Dict[str, Any]],
    ingress: Mapping[Any, Optional[List[Dict[str, Any]]]],
    fallback_source: Optional[str],
    gateway_id: str,
) -> List[Dict[str, Any]]:
    """An INBOUND_RULE_PREEXISTS finding per authorization these actions added whose rule was there before (pure).

    ingress is the groups' inbound rules read after the writes.
    """
    added = {(a["security_group_id"], r) for a in actions if a.get("action") == "add" for r in a["port_ranges"]}
    findings = []
    for record in records:
        group, port_range = record.get("security_group_id"), record_port_range(record)
        if port_range is None or (group, str(port_range)) not in added:
            continue
        rules = rules_written_by(record, ingress.get(group) or [], fallback_source)
        before = [p for p in rules if made_before(p, record, gateway_id)]
        if before:
            findings.append(
                finding(
                    INBOUND_RULE_PREEXISTS,
                    f"authorization {record.get('rule_id')} ({group} {port_range}) uses the inbound rule "
                    f"{_rules_text(before)}, which was there before it (ECS does not create an identical rule "
                    "twice): a cascading revoke of the authorization will leave that rule in place",
                    rule_id=record.get("rule_id"),
                    security_group_id=group,
                    port_range=str(port_range),
                    inbound_rule_ids=[p.get("rule_id") for p in before],
                )
            )
    return findings


def shares_rules(record: Dict[str, Any], other: Dict[str, Any]) -> bool:
    """Whether another gateway's authorization needs the same enterprise rules: same group, range, a CIDR in common.

    A side that lists no CIDR is taken to share (it cannot be told apart).
    """
    if other.get("security_group_id") != record.get("security_group_id"):
        return False
    if record_port_range(other) is None or record_port_range(other) != record_port_range(record):
        return False
    mine, theirs = record_cidrs(record), record_cidrs(other)
    return not mine or not theirs or bool(set(mine) & set(theirs))


def gateway_holds(
    deletes: Sequence[DeleteRule], records: Sequence[Dict[str, Any]], others: Mapping[str, List[Dict[str, Any]]]
) -> Holds:
    """The cascading deletes of enterprise authorizations whose rules another gateway's authorization needs."""
    reasons: Dict[str, str] = {}
    findings: List[Dict[str, Any]] = []
    for step in deletes:
        for record in (r for r in records if r.get("rule_id") == step.rule_id and record_cidrs(r)):
            holders = sorted(gw for gw, listed in others.items() if any(shares_rules(record, o) for o in listed))
            if holders and step.rule_id not in reasons:
                reasons[step.rule_id] = (
                    f"the gateway(s) {', '.join(holders)} of the same VPC authorize {record.get('security_group_id')}"
                    f" {record.get('port_range')} too, and need the same inbound rules (per vSwitch CIDR)"
                )
                findings.append(
                    finding(
                        INBOUND_RULE_SHARED_BY_GATEWAY,
                        f"authorization {record.get('rule_id')} is revoked without cascade: {reasons[step.rule_id]}",
                        rule_id=record.get("rule_id"),
                        security_group_id=record.get("security_group_id"),
                        port_range=record.get("port_range"),
                        gateway_ids=holders,
                    )
                )
    return Holds(reasons, findings)


# --- reads --------------------------------------------------------------------------------------


def other_gateways_lists(session: Any, gateway_id: str, vpc_id: str) -> Dict[str, List[Dict[str, Any]]]:
    """Each other gateway of the VPC (ListGateways by vpcId) and its authorizations (one list each)."""
    others = sorted({g["gateway_id"] for g in _apig.list_gateways(session, vpc_id=vpc_id)} - {gateway_id})
    return dict(zip(others, bounded_map(lambda other: _apig.list_authorizations(session, other), others)))


def enterprise_vpc(session: Any, records: Sequence[Dict[str, Any]], context: GatewayContext) -> str:
    """The gateway's VPC: as known, else the listed backend group's (the API requires the same VPC), else GetGateway."""
    if context.vpc_id:
        return context.vpc_id
    listed = sorted({r.get("vpc_id") for r in records if r.get("vpc_id")})
    if len(listed) == 1:
        return listed[0]
    return _apig.get_gateway(session, context.gateway_id)["vpc_id"]


def cascade_holds(
    session: Any,
    plan: Plan,
    records: Sequence[Dict[str, Any]],
    cascading_delete: bool,
    shared: Mapping[str, str],
    context: GatewayContext,
) -> Holds:
    """The deletes of the plan that would cascade but must not (origin, then another gateway), with why.

    Reads only when a cascading delete is planned: the groups of those deletes not read yet, and for
    enterprise authorizations, the other gateways of the VPC and their lists.
    """
    deletes = [step for step in plan.deletes if step_cascade(step, cascading_delete, shared)]
    if not deletes:
        return Holds({}, [])
    unread = sorted({step.security_group_id for step in deletes} - set(context.ingress))
    context = context._replace(ingress={**context.ingress, **ingress_by_group(session, unread)})
    ids = {step.rule_id for step in deletes}
    if context.fallback_source is None and any(
        r.get("rule_id") in ids and not r.get("source_security_group_id") and not record_cidrs(r) for r in records
    ):
        # An item without sourceSecurityGroupId: its rule's source is the gateway's managed group.
        context = context._replace(fallback_source=managed_group_reader(session, context.gateway_id)())
    held = origin_holds(deletes, records, context)
    left = [step for step in deletes if step.rule_id not in held.reasons]
    enterprise = [r for r in records if record_cidrs(r) and r.get("rule_id") in {step.rule_id for step in left}]
    if not enterprise:
        return held
    vpc_id = enterprise_vpc(session, enterprise, context)
    shared_by = gateway_holds(left, records, other_gateways_lists(session, context.gateway_id, vpc_id))
    return Holds({**held.reasons, **shared_by.reasons}, held.findings + shared_by.findings)
