# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""Before any write, and in check mode alike: would the API accept every group the plan adds to?

AddGatewaySecurityGroupRule refuses a group that does not exist, that is in another VPC than the
gateway, or that is the gateway's own managed group; and the gateway authorizes a normal group
(by its managed group) and an enterprise group (by CIDR) differently, so a group of another type
cannot be predicted. A run that would be refused part-way fails before its first write instead,
in check mode exactly as in a real run, naming each group and the reason.

What it needs, read at most once:
* the gateway's VPC and managed group: the ``gateway`` option (backend_sg_info's ``gateway``,
  which the role passes on), else one GetGateway;
* each target group's VPC and type: the ``known_security_groups`` option (backend_sg_info's
  ``security_groups``), else ceil(groups/100) DescribeSecurityGroups for those not known.
A plan that adds nothing reads nothing. check_targets is the pure comparison.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import Iterable
from typing import List
from typing import NamedTuple
from typing import Optional

from ansible_collections.alibabacloud.apig.plugins.module_utils import _apig
from ansible_collections.alibabacloud.apig.plugins.module_utils import _ecs
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._ids import check_id
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Plan

GROUP_TYPES = ("normal", "enterprise")


class GatewayFacts(NamedTuple):
    gateway_id: str
    vpc_id: Optional[str]
    security_group_id: Optional[str]


class KnownFacts(NamedTuple):
    """What the task was told (facts read earlier in the play), so that no read is repeated."""

    gateway: Optional[GatewayFacts]
    groups: Dict[str, Dict[str, Any]]


def gateway_facts(gateway: Dict[str, Any]) -> GatewayFacts:
    """GetGateway's normalized answer (or backend_sg_info's `gateway`) as the facts the check needs."""
    group = gateway.get("security_group") if isinstance(gateway.get("security_group"), dict) else {}
    return GatewayFacts(gateway.get("gateway_id"), gateway.get("vpc_id"), group.get("security_group_id"))


def check_gateway_option(gateway: Any, gateway_id: str) -> Dict[str, Any]:
    """A module's `gateway` option: a dictionary that describes gateway_id (backend_sg_info's or gateway_info's)."""
    if not isinstance(gateway, dict):
        raise OptionError(
            "gateway", gateway, "must be a dictionary (a gateway as backend_sg_info or gateway_info returns it)"
        )
    if gateway.get("gateway_id") != gateway_id:
        raise OptionError("gateway.gateway_id", gateway.get("gateway_id"), f"is not gateway_id {gateway_id!r}")
    return gateway


def parse_known_facts(params: Dict[str, Any], gateway_id: str) -> KnownFacts:
    """The `gateway` and `known_security_groups` options, checked before any API call; raises OptionError."""
    gateway = params.get("gateway")
    facts = gateway_facts(check_gateway_option(gateway, gateway_id)) if gateway is not None else None
    groups: Dict[str, Dict[str, Any]] = {}
    for index, group in enumerate(params.get("known_security_groups") or []):
        field = f"known_security_groups[{index}]"
        if not isinstance(group, dict):
            raise OptionError(field, group, "must be a dictionary (an item of backend_sg_info's security_groups)")
        group_id = check_id(f"{field}.security_group_id", group.get("security_group_id"), "security_group")
        groups[group_id] = group
    return KnownFacts(facts, groups)


def target_group_ids(plan: Plan) -> List[str]:
    """The groups the plan adds to (adds, re-adds and repairs), sorted."""
    return sorted({step.security_group_id for step in plan.adds + plan.readds})


def refusal(group_id: str, group: Optional[Dict[str, Any]], gateway: GatewayFacts) -> Optional[str]:
    """Why the API would refuse to authorize group_id (None when it would not); group is None when unknown."""
    if gateway.security_group_id and group_id == gateway.security_group_id:
        return f"{group_id} is the gateway {gateway.gateway_id}'s own managed security group"
    if group is None:
        return f"{group_id} does not exist (DescribeSecurityGroups does not return it in this region)"
    if not gateway.vpc_id:
        return f"{group_id}: the gateway {gateway.gateway_id}'s VPC is not known (GetGateway returned none)"
    if not gateway.security_group_id:
        return f"{group_id}: the gateway {gateway.gateway_id}'s managed security group is not known"
    if group.get("vpc_id") != gateway.vpc_id:
        where = f"the gateway {gateway.gateway_id}'s VPC {gateway.vpc_id}"
        return f"{group_id} is in VPC {group.get('vpc_id')}, not in {where}"
    if group.get("type") not in GROUP_TYPES:
        return f"{group_id} has the security group type {group.get('type')!r}, neither normal nor enterprise"
    return None


def check_targets(group_ids: Iterable[str], groups: Dict[str, Dict[str, Any]], gateway: GatewayFacts) -> List[str]:
    """The pure step: one reason per group the API would refuse, in the order of group_ids."""
    reasons = (refusal(group_id, groups.get(group_id), gateway) for group_id in group_ids)
    return [reason for reason in reasons if reason]


def precheck_targets(session: Any, plan: Plan, gateway_id: str, known: KnownFacts, field: str) -> None:
    """Read what is not known yet, then raise OptionError naming every group the API would refuse.

    Called after planning and before any write, in check mode too. field names the option that
    lists the groups (rules or security_group_id).
    """
    group_ids = target_group_ids(plan)
    if not group_ids:
        return
    gateway = known.gateway or gateway_facts(_apig.get_gateway(session, gateway_id))
    groups = {group_id: known.groups[group_id] for group_id in group_ids if group_id in known.groups}
    unknown = [group_id for group_id in group_ids if group_id not in groups]
    if unknown:
        groups.update((g["security_group_id"], g) for g in _ecs.describe_security_groups(session, unknown))
    reasons = check_targets(group_ids, groups, gateway)
    if reasons:
        raise OptionError(
            field,
            None,
            "names security groups that the API refuses to authorize, so nothing was written: " + "; ".join(reasons),
        )
