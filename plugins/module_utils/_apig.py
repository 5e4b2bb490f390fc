# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""The APIG (2024-03-27) operations the modules need: one small function per operation.

Each function builds the SDK's typed request, runs it through Session.call (retries and error
mapping), and returns the useful part of the response as plain snake_case dicts. A failure
raises ApiError whose message says what was being done ("Failed to ... on gw-...: <API message>").
Every answer is read raw and checked against its contract (_answer_contract) before it is read: a
field the collection uses that is missing, of the wrong type, or a count that disagrees raises
MalformedAnswerError (naming the field) rather than reading as "nothing there".
"""

from __future__ import annotations

import re
from typing import Any
from typing import Dict
from typing import Iterable
from typing import List
from typing import Optional

from ansible_collections.alibabacloud.apig.plugins.module_utils._answer_contract import items_of
from ansible_collections.alibabacloud.apig.plugins.module_utils._answer_contract import read_checked
from ansible_collections.alibabacloud.apig.plugins.module_utils._answer_contract import stated_total
from ansible_collections.alibabacloud.apig.plugins.module_utils._paging import NumberedPage
from ansible_collections.alibabacloud.apig.plugins.module_utils._paging import collect_numbered_pages
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import parse_port_range

# Separators between several ranges in one `portRange` (brief section 9, Q2): commas, semicolons, or
# whitespace that is not around a range's own `/` or `-` ("80/80 443/443" splits, "80 / 80" does not).
_RANGE_LIST_SEPARATOR = re.compile(r"[,;]+|(?<![/\s-])\s+(?![/\s-])")
_SPACES_AROUND_SEPARATOR = re.compile(r"\s*([/-])\s*")


# --- authorizations ---------------------------------------------------------------------------


def split_port_range_field(value: Any) -> List[str]:
    """The range strings in one item's `portRange`: a single range, several joined, or a list."""
    if value is None:
        return [""]
    pieces: List[str] = []
    for part in value if isinstance(value, (list, tuple)) else [value]:
        text = str(part).strip()
        pieces.extend(p for p in _RANGE_LIST_SEPARATOR.split(text) if p and p.strip())
    return [_SPACES_AROUND_SEPARATOR.sub(r"\1", p.strip()) for p in pieces] or [""]


def canonical_port_range(text: str) -> Optional[str]:
    """`start/end` for a range the API returned, or None when it cannot be read."""
    try:
        return str(parse_port_range(text, "portRange"))
    except (ValueError, TypeError):
        return None


def normalize_authorization_items(items: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """One record per (rule id, port range) from ListGatewayAuthorizedSecurityGroupRules items.

    An item whose `portRange` holds several ranges becomes several records sharing the rule id.
    A range that cannot be read is kept verbatim (to_planner_authorizations skips it).
    """
    records = []
    for item in items:
        if not isinstance(item, dict):
            continue
        for piece in split_port_range_field(item.get("portRange")):
            records.append(
                {
                    "rule_id": item.get("securityGroupRuleId"),
                    "security_group_id": item.get("securityGroupId"),
                    "security_group_name": item.get("securityGroupName"),
                    "port_range": canonical_port_range(piece) or piece,
                    "ip_protocol": item.get("ipProtocol"),
                    "source_security_group_id": item.get("sourceSecurityGroupId"),
                    "auth_cidrs": [c for c in (item.get("authCidrs") or []) if c],
                    "vpc_id": item.get("vpcId"),
                    # The API answers "" for no description; the module's input says null.
                    "description": item.get("description") or None,
                }
            )
    return sort_authorization_records(records)


def sort_authorization_records(records: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    def key(record: Dict[str, Any]) -> tuple:
        parsed = _parsed_range(record.get("port_range"))
        start_end = (parsed.start, parsed.end) if parsed else (1 << 20, 1 << 20)
        return (
            record.get("security_group_id") or "",
            start_end,
            record.get("port_range") or "",
            record.get("rule_id") or "",
        )

    return sorted(records, key=key)


def _parsed_range(text: Any) -> Any:
    try:
        return parse_port_range(text, "portRange")
    except (ValueError, TypeError):
        return None


def list_authorizations(session: Any, gateway_id: str) -> List[Dict[str, Any]]:
    """ListGatewayAuthorizedSecurityGroupRules (the API has no paging), read raw, checked, normalized to records.

    A missing `data.items`, an item without its ids, or a field of the wrong type raises
    MalformedAnswerError: nothing is planned, and nothing deleted, on the strength of such an answer.
    """
    request = session.models("apig").ListGatewayAuthorizedSecurityGroupRulesRequest()
    answer = read_checked(
        session,
        "ListGatewayAuthorizedSecurityGroupRules",
        "list_gateway_authorized_security_group_rules",
        gateway_id,
        request,
        doing=f"list the security group authorizations of {gateway_id}",
    )
    return normalize_authorization_items(items_of(answer))


def add_security_group_rule(
    session: Any, gateway_id: str, security_group_id: str, port_ranges: List[str], description: Optional[str]
) -> None:
    """AddGatewaySecurityGroupRule: one call carries all the ranges of a group; it returns no rule id."""
    models = session.models("apig")
    request = models.AddGatewaySecurityGroupRuleRequest(
        security_group_id=security_group_id, port_ranges=list(port_ranges), description=description or None
    )
    # Not resent after a timeout or a dropped connection: the caller re-reads the list and adds what is missing.
    session.call(
        "AddGatewaySecurityGroupRule",
        lambda: session.client("apig").add_gateway_security_group_rule(gateway_id, request),
        retry_transport=False,
        doing="authorize port ranges {} for {} on {}".format(", ".join(port_ranges), security_group_id, gateway_id),
    )


def delete_security_group_rule(
    session: Any,
    gateway_id: str,
    rule_id: str,
    cascading_delete: bool,
    what: Optional[str] = None,
) -> None:
    """DeleteGatewaySecurityGroupRule; `what` (e.g. "port ranges 80/80 of sg-x") only words the error."""
    models = session.models("apig")
    request = models.DeleteGatewaySecurityGroupRuleRequest(cascading_delete=bool(cascading_delete))
    session.call(
        "DeleteGatewaySecurityGroupRule",
        lambda: session.client("apig").delete_gateway_security_group_rule(gateway_id, rule_id, request),
        doing="revoke authorization {}{} on {}".format(rule_id, f" ({what})" if what else "", gateway_id),
    )


# --- gateways ---------------------------------------------------------------------------------


def _id_name(value: Any, id_key: str) -> Dict[str, Any]:
    value = value if isinstance(value, dict) else {}
    return {"id": value.get(id_key), "name": value.get("name")}


def normalize_gateway(data: Dict[str, Any]) -> Dict[str, Any]:
    """GetGateway `data` or a ListGateways item as a snake_case dict (list items carry ids only)."""
    vpc = _id_name(data.get("vpc"), "vpcId")
    vswitch = _id_name(data.get("vSwitch"), "vSwitchId")
    group = data.get("securityGroup") if isinstance(data.get("securityGroup"), dict) else {}
    security_group = {"security_group_id": group.get("securityGroupId"), "name": group.get("name")}
    if group.get("type") or group.get("securityGroupType"):
        security_group["type"] = str(group.get("type") or group.get("securityGroupType")).lower()
    zones = []
    for zone in data.get("zones") or []:
        zone_vswitch = zone.get("vSwitch") if isinstance(zone.get("vSwitch"), dict) else {}
        zones.append(
            {
                "zone_id": zone.get("zoneId"),
                "name": zone.get("name"),
                "vswitch_id": zone_vswitch.get("vSwitchId"),
                "vswitch_name": zone_vswitch.get("name"),
            }
        )
    load_balancers = []
    for balancer in data.get("loadBalancers") or []:
        load_balancers.append(
            {
                "load_balancer_id": balancer.get("loadBalancerId"),
                "type": balancer.get("type"),
                "mode": balancer.get("mode"),
                "address": balancer.get("address"),
                "address_type": balancer.get("addressType"),
                "ipv4_addresses": list(balancer.get("ipv4Addresses") or []),
                "ipv6_addresses": list(balancer.get("ipv6Addresses") or []),
                "ports": [{"port": p.get("port"), "protocol": p.get("protocol")} for p in balancer.get("ports") or []],
                "gateway_default": balancer.get("gatewayDefault"),
                "status": balancer.get("status"),
            }
        )
    return {
        "gateway_id": data.get("gatewayId"),
        "name": data.get("name"),
        "status": data.get("status"),
        "gateway_type": data.get("gatewayType"),
        "gateway_edition": data.get("gatewayEdition"),
        "spec": data.get("spec"),
        "replicas": data.get("replicas"),
        "version": data.get("version"),
        "charge_type": data.get("chargeType"),
        "resource_group_id": data.get("resourceGroupId"),
        "create_timestamp": data.get("createTimestamp"),
        "update_timestamp": data.get("updateTimestamp"),
        "vpc_id": vpc["id"],
        "vpc_name": vpc["name"],
        "vswitch": {"vswitch_id": vswitch["id"], "name": vswitch["name"]},
        "zones": zones,
        "security_group": security_group,
        "load_balancers": load_balancers,
        "tags": {t.get("key"): t.get("value") for t in data.get("tags") or [] if isinstance(t, dict) and t.get("key")},
    }


def get_gateway(session: Any, gateway_id: str) -> Dict[str, Any]:
    """GetGateway, checked (its VPC and managed group are required), normalized (see normalize_gateway)."""
    answer = read_checked(session, "GetGateway", "get_gateway", gateway_id, doing=f"get gateway {gateway_id}")
    return normalize_gateway(answer.body["data"])


def list_gateways(
    session: Any,
    name: Optional[str] = None,
    keyword: Optional[str] = None,
    vpc_id: Optional[str] = None,
    gateway_type: Optional[str] = None,
    resource_group_id: Optional[str] = None,
    tags: Optional[Dict[str, Optional[str]]] = None,
    page_size: int = 50,
) -> List[Dict[str, Any]]:
    """ListGateways with the filters the request takes, every page (paged by the answer), normalized, each id once.

    The distinct gateways must number the stated total (_paging): a server that ignored `pageNumber` and answered
    the first page again, or a page that dropped an item, is malformed, never a shorter list of gateways.
    """
    models = session.models("apig")
    tag_models = [models.ListGatewaysRequestTag(key=k, value=v) for k, v in sorted((tags or {}).items())]

    def page(number: int, size: int) -> NumberedPage:
        request = models.ListGatewaysRequest(
            name=name,
            keyword=keyword,
            vpc_id=vpc_id,
            gateway_type=gateway_type,
            resource_group_id=resource_group_id,
            tag=tag_models or None,
            page_number=number,
            page_size=size,
        )
        answer = read_checked(
            session,
            "ListGateways",
            "list_gateways",
            request,
            doing=f"list the gateways in {session.region}" + (f" (page {number})" if number > 1 else ""),
        )
        return NumberedPage(items_of(answer), stated_total(answer), answer)

    items = collect_numbered_pages(page, page_size, identity=lambda item: item["gatewayId"])
    return [normalize_gateway(item) for item in items]


def list_authorizable_security_groups(
    session: Any, gateway_id: str, cluster_id: Optional[str] = None
) -> List[Dict[str, Any]]:
    """ListGatewayAuthorizableSecurityGroups (optionally only one ACK cluster's groups)."""
    models = session.models("apig")
    request = models.ListGatewayAuthorizableSecurityGroupsRequest(cs_cluster_id=cluster_id or None)
    answer = read_checked(
        session,
        "ListGatewayAuthorizableSecurityGroups",
        "list_gateway_authorizable_security_groups",
        gateway_id,
        request,
        doing="list the security groups {} can be authorized to{}".format(
            gateway_id, f" in cluster {cluster_id}" if cluster_id else ""
        ),
    )
    groups = []
    for item in items_of(answer):
        groups.append(
            {
                "security_group_id": item["securityGroupId"],
                "name": item.get("name"),
                # APIG says Normal/Enterprise; ECS (and our other modules) say normal/enterprise.
                "type": str(item["type"]).lower() if item.get("type") else None,
                "vpc_id": item.get("vpcId"),
            }
        )
    return sorted(groups, key=lambda g: g["security_group_id"])


# --- regions and gateway listing with filters (the gateways inventory plugin) ------------------


def describe_regions(session: Any) -> List[str]:
    """DescribeRegions: the region ids where APIG is offered, sorted."""
    models = session.models("apig")
    answer = read_checked(
        session,
        "DescribeRegions",
        "describe_regions",
        models.DescribeRegionsRequest(),
        doing="list the APIG regions",
    )
    return sorted({item["regionId"] for item in items_of(answer)})


# --- services (the gateway's own backends) ------------------------------------------------------

SERVICES_PAGE_SIZE = 100  # ListServices takes pageSize 1-100


def list_services(session: Any, gateway_id: str, page_size: int = SERVICES_PAGE_SIZE) -> List[Dict[str, Any]]:
    """ListServices of one gateway, every page (paged by the answer), raw items checked, each id once; the distinct
    services must number the stated total."""
    models = session.models("apig")

    def page(number: int, size: int) -> NumberedPage:
        request = models.ListServicesRequest(gateway_id=gateway_id, page_number=number, page_size=size)
        answer = read_checked(
            session,
            "ListServices",
            "list_services",
            request,
            doing=f"list the services of {gateway_id}" + (f" (page {number})" if number > 1 else ""),
        )
        return NumberedPage(items_of(answer), stated_total(answer), answer)

    return collect_numbered_pages(page, page_size, identity=lambda item: item["serviceId"])


def get_service(session: Any, service_id: str) -> Dict[str, Any]:
    """GetService: the Service (raw, checked), for a list item that lacks its addresses or ports."""
    answer = read_checked(session, "GetService", "get_service", service_id, doing=f"get service {service_id}")
    return answer.body["data"]
