# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""The APIG (2024-03-27) operations the modules need: one small function per operation.

Each function builds the SDK's typed request, runs it through Session.call (retries and error
mapping), and returns the useful part of the response as plain snake_case dicts. A failure
raises ApiError whose message says what was being done ("Failed to ... on gw-...: <API message>").
Every answer is checked (_answers) before it is read: a key a success carries that is missing, or
of the wrong type, raises MalformedAnswerError rather than reading as "nothing there".
"""

from __future__ import annotations

import json
import re
from typing import Any
from typing import Dict
from typing import Iterable
from typing import List
from typing import Optional
from typing import Tuple
from urllib.parse import quote

from ansible_collections.alibabacloud.apig.plugins.module_utils._answers import Answer
from ansible_collections.alibabacloud.apig.plugins.module_utils._answers import check_type
from ansible_collections.alibabacloud.apig.plugins.module_utils._answers import optional
from ansible_collections.alibabacloud.apig.plugins.module_utils._answers import optional_count
from ansible_collections.alibabacloud.apig.plugins.module_utils._answers import optional_strings
from ansible_collections.alibabacloud.apig.plugins.module_utils._answers import read_answer
from ansible_collections.alibabacloud.apig.plugins.module_utils._answers import read_raw_answer
from ansible_collections.alibabacloud.apig.plugins.module_utils._answers import require
from ansible_collections.alibabacloud.apig.plugins.module_utils._answers import require_id
from ansible_collections.alibabacloud.apig.plugins.module_utils._answers import require_objects
from ansible_collections.alibabacloud.apig.plugins.module_utils._client import _import
from ansible_collections.alibabacloud.apig.plugins.module_utils._paging import NumberedPage
from ansible_collections.alibabacloud.apig.plugins.module_utils._paging import collect_numbered_pages
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import parse_port_range

# Separators between several ranges in one `portRange` (brief section 9, Q2): commas, semicolons, or
# whitespace that is not around a range's own `/` or `-` ("80/80 443/443" splits, "80 / 80" does not).
_RANGE_LIST_SEPARATOR = re.compile(r"[,;]+|(?<![/\s-])\s+(?![/\s-])")
_SPACES_AROUND_SEPARATOR = re.compile(r"\s*([/-])\s*")


def _data_items(answer: Answer) -> List[Dict[str, Any]]:
    """`data.items` of a list answer: both present, items a list of objects."""
    data = require(answer, answer.body, "data", dict, "data")
    return require_objects(answer, data, "items", "data.items")


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


def checked_authorization_items(answer: Answer) -> List[Dict[str, Any]]:
    """The items of a ListGatewayAuthorizedSecurityGroupRules answer, each with its ids, range and types."""
    items = _data_items(answer)
    for index, item in enumerate(items):
        path = f"data.items[{index}]"
        require_id(answer, item, "securityGroupRuleId", f"{path}.securityGroupRuleId")
        require_id(answer, item, "securityGroupId", f"{path}.securityGroupId")
        require(answer, item, "portRange", (str, list), f"{path}.portRange")
        optional_strings(answer, item, "authCidrs", f"{path}.authCidrs")
    return items


def list_authorizations(session: Any, gateway_id: str) -> List[Dict[str, Any]]:
    """ListGatewayAuthorizedSecurityGroupRules (the API has no paging), validated raw, normalized to records.

    A missing `data.items`, an item without its ids, or a field of the wrong type raises
    MalformedAnswerError: nothing is planned, and nothing deleted, on the strength of such an answer.
    """
    answer = _raw_get(
        session,
        "ListGatewayAuthorizedSecurityGroupRules",
        f"/v1/gateways/{quote(gateway_id, safe='')}/authorized-security-groups-rules",
        {},
        doing=f"list the security group authorizations of {gateway_id}",
    )
    return normalize_authorization_items(checked_authorization_items(answer))


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
    """GetGateway, normalized (see normalize_gateway)."""
    response = session.call(
        "GetGateway",
        lambda: session.client("apig").get_gateway(gateway_id),
        doing=f"get gateway {gateway_id}",
    )
    answer = read_answer("apig", "GetGateway", response)
    data = require(answer, answer.body, "data", dict, "data")
    require_id(answer, data, "gatewayId", "data.gatewayId")
    return normalize_gateway(data)


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

    Read raw (the SDK's ListGatewaysResponseBodyData.from_map reads a missing `items` as []), and complete or
    MalformedAnswer: the distinct gateways over all pages must be the `totalSize` every page states
    (_check_complete_listing), so that a dropped list, a short page or a server that ignores `pageNumber` never
    reads as fewer gateways.
    """
    query: Dict[str, Any] = {
        "name": name,
        "keyword": keyword,
        "vpcId": vpc_id,
        "gatewayType": gateway_type,
        "resourceGroupId": resource_group_id,
    }
    if tags:
        # As the SDK sends ListGatewaysRequest.tag: a JSON list of {"key", "value"} (client.list_gateways_with_options).
        tag_list = [{"key": k, "value": v} if v is not None else {"key": k} for k, v in sorted(tags.items())]
        query["tag"] = json.dumps(tag_list, separators=(",", ":"))
    pages: List[Tuple[Answer, int]] = []

    def page(number: int, size: int) -> NumberedPage:
        answer = _raw_get(
            session,
            "ListGateways",
            "/v1/gateways",
            dict(query, pageNumber=number, pageSize=size),
            doing=f"list the gateways in {session.region}" + (f" (page {number})" if number > 1 else ""),
        )
        items = _data_items(answer)
        for index, item in enumerate(items):
            checked_gateway_item(answer, item, f"data.items[{index}]")
        total = _required_total(answer, answer.body["data"], "totalSize", "data.totalSize")
        if not items and (number - 1) * size < total:
            raise answer.malformed("data.items", f"is empty on page {number} while data.totalSize says {total}")
        pages.append((answer, total))
        return NumberedPage(items, total)

    gateways: Dict[str, Dict[str, Any]] = {}
    for item in collect_numbered_pages(page, page_size):
        gateway = normalize_gateway(item)
        gateways.setdefault(gateway["gateway_id"], gateway)
    _check_complete_listing(pages, len(gateways), "gateways", "data.totalSize")
    return list(gateways.values())


# --- count agreement of a numbered listing (ListGateways) -----------------------------------------
# Kept apart on purpose: the items over all pages must be what every page says the total is.


def _required_total(answer: Answer, container: Dict[str, Any], key: str, path: str) -> int:
    total = optional_count(answer, container, key, path)
    if total is None:
        raise answer.malformed(path, "is missing: the listing cannot be known complete")
    return total


def _check_complete_listing(pages: List[Tuple[Answer, int]], received: int, what: str, path: str) -> None:
    """MalformedAnswer unless every page states the same total and the distinct items received are that total."""
    first_total = pages[0][1]
    for number, (answer, total) in enumerate(pages, start=1):
        if total != first_total:
            raise answer.malformed(
                path, f"is {total} on page {number} but {first_total} on page 1: the list changed while it was read"
            )
    if received != first_total:
        answer = pages[-1][0]
        raise answer.malformed(
            path,
            f"is {first_total}, but the {len(pages)} page(s) held {received} distinct {what}",
        )


def checked_gateway_item(answer: Answer, item: Dict[str, Any], path: str) -> Dict[str, Any]:
    """A Gateway list item (the SDK's ListGatewaysResponseBodyDataItems): its id, and the types of what is read."""
    require_id(answer, item, "gatewayId", f"{path}.gatewayId")
    for key in ("name", "status", "gatewayType", "resourceGroupId", "spec"):
        optional(answer, item, key, str, f"{path}.{key}")
    for key in ("vpc", "vSwitch", "securityGroup"):
        optional(answer, item, key, dict, f"{path}.{key}")
    zones = optional(answer, item, "zones", list, f"{path}.zones", default=[])
    for index, zone in enumerate(zones):
        check_type(answer, zone, dict, f"{path}.zones[{index}]")
        optional(answer, zone, "zoneId", str, f"{path}.zones[{index}].zoneId")
        optional(answer, zone, "vSwitch", dict, f"{path}.zones[{index}].vSwitch")
    tags = optional(answer, item, "tags", list, f"{path}.tags", default=[])
    for index, tag in enumerate(tags):
        check_type(answer, tag, dict, f"{path}.tags[{index}]")
    balancers = optional(answer, item, "loadBalancers", list, f"{path}.loadBalancers", default=[])
    for index, balancer in enumerate(balancers):
        check_type(answer, balancer, dict, f"{path}.loadBalancers[{index}]")
    return item


def list_authorizable_security_groups(
    session: Any, gateway_id: str, cluster_id: Optional[str] = None
) -> List[Dict[str, Any]]:
    """ListGatewayAuthorizableSecurityGroups (optionally only one ACK cluster's groups)."""
    models = session.models("apig")
    request = models.ListGatewayAuthorizableSecurityGroupsRequest(cs_cluster_id=cluster_id or None)
    response = session.call(
        "ListGatewayAuthorizableSecurityGroups",
        lambda: session.client("apig").list_gateway_authorizable_security_groups(gateway_id, request),
        doing="list the security groups {} can be authorized to{}".format(
            gateway_id, f" in cluster {cluster_id}" if cluster_id else ""
        ),
    )
    answer = read_answer("apig", "ListGatewayAuthorizableSecurityGroups", response)
    groups = []
    for index, item in enumerate(_data_items(answer)):
        require_id(answer, item, "securityGroupId", f"data.items[{index}].securityGroupId")
        groups.append(
            {
                "security_group_id": item.get("securityGroupId"),
                "name": item.get("name"),
                # APIG says Normal/Enterprise; ECS (and our other modules) say normal/enterprise.
                "type": str(item["type"]).lower() if item.get("type") else None,
                "vpc_id": item.get("vpcId"),
            }
        )
    return sorted(groups, key=lambda g: g["security_group_id"] or "")


# --- regions and gateway listing with filters (the gateways inventory plugin) ------------------


def describe_regions(session: Any) -> List[str]:
    """DescribeRegions: the region ids where APIG is offered, sorted."""
    models = session.models("apig")
    response = session.call(
        "DescribeRegions",
        lambda: session.client("apig").describe_regions(models.DescribeRegionsRequest()),
        doing="list the APIG regions",
    )
    answer = read_answer("apig", "DescribeRegions", response)
    data = require(answer, answer.body, "data", list, "data")
    # The SDK's DescribeRegionsResponseBody.from_map reads a missing `data` as []: an answer that names no region
    # cannot be told from a dropped list, and the regions asked for could not be checked against it.
    if not data:
        raise answer.malformed("data", "is empty or missing: APIG named no region where it is offered")
    return sorted({require_id(answer, item, "regionId", f"data[{index}].regionId") for index, item in enumerate(data)})


# --- services (the gateway's own backends) ------------------------------------------------------

SERVICES_PAGE_SIZE = 100  # ListServices takes pageSize 1-100


def _raw_get(session: Any, action: str, pathname: str, query: Dict[str, Any], doing: str) -> Answer:
    """A GET through the client's own call_api (with the Params the SDK's own method sends), read before any typed
    model does: the SDK's models turn a missing `data.items` into [] (their from_map), which would read as "no
    authorizations" or "no services" and, with purge, revoke everything (_answers.read_raw_answer).
    """
    utils_models = _import("alibabacloud_tea_openapi.utils_models", "alibabacloud-tea-openapi")
    runtime = _import("darabonba.runtime", "darabonba-core").RuntimeOptions()
    params = utils_models.Params(
        action=action,
        version="2024-03-27",
        protocol="HTTPS",
        pathname=pathname,
        method="GET",
        auth_type="AK",
        style="ROA",
        req_body_type="json",
        body_type="json",
    )
    request = utils_models.OpenApiRequest(query={k: str(v) for k, v in query.items() if v is not None})
    client = session.client("apig")
    raw = session.call(action, lambda: client.call_api(params, request, runtime), doing=doing)
    return read_raw_answer("apig", action, raw)


def checked_service(answer: Answer, item: Dict[str, Any], path: str) -> Dict[str, Any]:
    """A Service: its id and name, and, where present, `addresses`/`unhealthyEndpoints` (strings), `ports`."""
    require_id(answer, item, "serviceId", f"{path}.serviceId")
    require(answer, item, "name", str, f"{path}.name")
    optional_strings(answer, item, "addresses", f"{path}.addresses")
    optional_strings(answer, item, "unhealthyEndpoints", f"{path}.unhealthyEndpoints")
    ports = item.get("ports")
    if ports is not None:
        for index, port in enumerate(require_objects(answer, item, "ports", f"{path}.ports")):
            require(answer, port, "port", int, f"{path}.ports[{index}].port")
    return item


def list_services(session: Any, gateway_id: str, page_size: int = SERVICES_PAGE_SIZE) -> List[Dict[str, Any]]:
    """ListServices of one gateway, every page (paged by the answer), raw items checked, each id once."""

    def page(number: int, size: int) -> NumberedPage:
        answer = _raw_get(
            session,
            "ListServices",
            "/v1/services",
            {"gatewayId": gateway_id, "pageNumber": number, "pageSize": size},
            doing=f"list the services of {gateway_id}" + (f" (page {number})" if number > 1 else ""),
        )
        items = _data_items(answer)
        for index, item in enumerate(items):
            checked_service(answer, item, f"data.items[{index}]")
        return NumberedPage(items, optional_count(answer, answer.body["data"], "totalSize", "data.totalSize"))

    services: Dict[str, Dict[str, Any]] = {}
    for item in collect_numbered_pages(page, page_size):
        services.setdefault(item["serviceId"], item)
    return list(services.values())


def get_service(session: Any, service_id: str) -> Dict[str, Any]:
    """GetService: the Service (raw, checked), for a list item that lacks its addresses or ports."""
    answer = _raw_get(session, "GetService", f"/v1/services/{service_id}", {}, doing=f"get service {service_id}")
    data = require(answer, answer.body, "data", dict, "data")
    return checked_service(answer, data, "data")
