# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""APIG (cloud-native API Gateway) 2024-03-27: gateways and their security-group authorizations.

ROA style; every answer is an envelope ``{requestId, code: "Ok", message: "success", data}``
(errors ``{requestId, code, message}``, lower case). Operations and wire names, as the SDK
``alibabacloud_apig20240327`` sends them:

=========================================  ======  =========================================================
action                                     method  path and inputs
=========================================  ======  =========================================================
GetGateway                                 GET     /v1/gateways/{gatewayId}
ListGateways                               GET     /v1/gateways ?name keyword vpcId gatewayId gatewayType
                                                   resourceGroupId tag pageNumber pageSize
AddGatewaySecurityGroupRule                POST    /v1/gateways/{gatewayId}/security-group-rules
                                                   body {securityGroupId, portRanges: ["8080/8080"], description}
DeleteGatewaySecurityGroupRule             DELETE  /v1/gateways/{gatewayId}/security-group-rules/{securityGroupRuleId}
                                                   ?cascadingDelete=True|False
ListGatewayAuthorizedSecurityGroupRules    GET     /v1/gateways/{gatewayId}/authorized-security-groups-rules
                                                   (sic: "groups-rules"; no paging)
ListGatewayAuthorizableSecurityGroups      GET     /v1/gateways/{gatewayId}/authorizable-security-groups
                                                   ?csClusterId limits the answer to that ACK cluster's groups
ListServices                               GET     /v1/services ?gatewayId name sourceType sourceTypes
                                                   resourceGroupId pageNumber pageSize (1-100, default 10)
GetService                                 GET     /v1/services/{serviceId}
DescribeRegions                            POST    /v1/regions (the regions where APIG is offered: the world's)
=========================================  ======  =========================================================

Knobs (``world.Knobs``) change some answers: ``list_lag_ms`` (the authorized list shows writes
late), ``duplicate_adds`` (refuse, accept or ignore an add of an authorized range),
``empty_source_security_group_id``, ``page_cap`` (ListGateways and ListServices pages),
``service_address_form`` (``ip:port`` addresses, or bare IPs with the ports in ``ports``) and
``inbound_rule_description`` (the Description of the ECS rules an authorization writes).

Add and Delete return no ``data``: Add gives back no rule id, so a caller re-lists and matches on
``securityGroupId`` + ``portRange``. What an authorization does in ECS is modelled in
``world.World.authorize`` and ``World.revoke``.

Validation of AddGatewaySecurityGroupRule, in order (the whole request is refused, nothing is
written, when any check fails):

====================================================  ======  ======================================
condition                                             status  code
====================================================  ======  ======================================
unknown gateway                                       404     NotFound.GatewayNotFound
gateway being deleted                                 409     Conflict.GatewayIsDeleted
body not a JSON object                                400     InvalidParameter
securityGroupId missing                               400     MissingParameter
securityGroupId or description not a string           400     InvalidParameter
description longer than knob description_max_length   400     InvalidParameter
portRanges missing or empty                           400     MissingParameter
a port range malformed, reversed, out of 1..65535,    400     InvalidParameter (names the value)
  or listed twice
unknown security group                                404     InvalidSecurityGroupId.NotFound
the gateway's own managed group                       400     InvalidParameter
a group in another VPC than the gateway               400     InvalidSourceGroupId.Mismatch
a range already authorized for that group             409     Conflict.SecurityGroupRuleExists
the backend group's rule quota would be exceeded      403     AuthorizationLimitExceed
====================================================  ======  ======================================

The group, VPC and quota codes are ECS's own (AuthorizeSecurityGroup), on the assumption that
APIG passes through what ECS answers when it writes the rule.
"""

from __future__ import annotations

import json
from typing import Any
from typing import Dict
from typing import List
from typing import Optional

from .protocol import ApiError
from .protocol import Call
from .protocol import invalid_parameter
from .protocol import missing_parameter
from .world import Gateway
from .world import World
from .world import format_port_range
from .world import parse_port_range

PRODUCT = "apig"
VERSION = "2024-03-27"
STYLE = "apig"
NO_PERMISSION = (403, "NoPermission", "You are not authorized to perform this action: {auth_action}.")
MAX_PAGE_SIZE = 100
WRITES = ("AddGatewaySecurityGroupRule", "DeleteGatewaySecurityGroupRule")
# Knob write_lock_concurrency: a write refused because its gateway is locked by other writes (server.py).
# The code is the one Terraform's APIG resources retry; the message is the emulator's.
LOCK_FAILED_MESSAGE = "The gateway is locked by another operation in progress; try again later."


def host(region: str) -> str:
    return f"apig.{region}.aliyuncs.com"


def render(request_id: str, data: Any) -> Dict[str, Any]:
    """The success envelope; ``data`` is left out when an operation returns none."""
    body: Dict[str, Any] = {"requestId": request_id, "code": "Ok", "message": "success"}
    if data is not None:
        body["data"] = data
    return body


# -- helpers ------------------------------------------------------------------------------------


def _gateway(world: World, call: Call) -> Gateway:
    gateway = world.gateways.get(call.path["gatewayId"])
    if gateway is None:
        raise ApiError(404, "NotFound.GatewayNotFound", f"The gateway {call.path['gatewayId']} does not exist.")
    return gateway


def _writable(gateway: Gateway) -> None:
    if gateway.status in ("Deleting", "DeleteFailed"):
        raise ApiError(409, "Conflict.GatewayIsDeleted", f"The gateway {gateway.id} is deleted or being deleted.")


def _gateway_summary(world: World, gw: Gateway) -> Dict[str, Any]:
    """The fields ListGateways and GetGateway share."""
    return {
        "gatewayId": gw.id,
        "name": gw.name,
        "gatewayType": gw.gateway_type,
        "gatewayEdition": gw.edition,
        "status": gw.status,
        "spec": gw.spec,
        "replicas": gw.replicas,
        "version": gw.version,
        "resourceGroupId": gw.resource_group_id,
        "chargeType": gw.charge_type,
        "createFrom": "Console",
        "createTimestamp": gw.create_timestamp,
        "updateTimestamp": gw.create_timestamp,
        "tags": [{"key": k, "value": v} for k, v in gw.tags.items()],
        "loadBalancers": [],
    }


def _gateway_detail(world: World, gw: Gateway) -> Dict[str, Any]:
    group = world.security_groups[gw.security_group_id]
    vpc = world.vpcs[gw.vpc_id]

    def vswitch(vsw_id: str) -> Dict[str, str]:
        return {"vSwitchId": vsw_id, "name": world.vswitches[vsw_id].name}

    data = _gateway_summary(world, gw)
    data.update(
        {
            "securityGroup": {"securityGroupId": group.id, "name": group.name},
            "vpc": {"vpcId": vpc.id, "name": vpc.name},
            "vSwitch": vswitch(gw.vswitch_ids[0]),
            "zones": [{"zoneId": zone, "name": zone, "vSwitch": vswitch(vsw)} for zone, vsw in gw.zones],
            "environments": [],
            "maintenancePeriod": {"startTime": "00:00", "endTime": "06:00"},
        }
    )
    return data


# -- operations ---------------------------------------------------------------------------------


def get_gateway(world: World, call: Call) -> Dict[str, Any]:
    return _gateway_detail(world, _gateway(world, call))


def list_gateways(world: World, call: Call) -> Dict[str, Any]:
    """Filters combine with AND: ``name`` exact, ``keyword`` a case-insensitive part of name or id."""
    page_number = call.int("pageNumber", 1)
    page_size = world.knobs.cap(call.int("pageSize", 10, maximum=MAX_PAGE_SIZE))
    name, keyword = call.str("name"), (call.str("keyword") or "").lower()
    wanted_tags = _tag_filter(call)
    exact = {
        "vpc_id": call.str("vpcId"),
        "id": call.str("gatewayId"),
        "gateway_type": call.str("gatewayType"),
        "resource_group_id": call.str("resourceGroupId"),
    }
    found = []
    for gw in world.gateways.values():
        if any(value is not None and getattr(gw, attr) != value for attr, value in exact.items()):
            continue
        if name is not None and gw.name != name:
            continue
        if keyword and keyword not in gw.name.lower() and keyword not in gw.id.lower():
            continue
        if any(gw.tags.get(k) != v for k, v in wanted_tags):
            continue
        found.append(gw)
    start = (page_number - 1) * page_size
    items = []
    for gw in found[start : start + page_size]:
        item = _gateway_summary(world, gw)
        item.update(
            {
                "legacy": False,
                "securityGroup": {"securityGroupId": gw.security_group_id},
                "vpc": {"vpcId": gw.vpc_id},
                "vSwitch": {"vSwitchId": gw.vswitch_ids[0]},
                "zones": [{"zoneId": zone, "vSwitch": {"vSwitchId": vsw}} for zone, vsw in gw.zones],
                "subDomainInfos": [],
            }
        )
        items.append(item)
    return {"items": items, "pageNumber": page_number, "pageSize": page_size, "totalSize": len(found)}


def _tag_filter(call: Call) -> List[tuple]:
    raw = call.str("tag")
    if raw is None:
        return []
    try:
        tags = json.loads(raw)
        return [(t["key"], t.get("value")) for t in tags]
    except (ValueError, TypeError, KeyError, AttributeError):
        raise invalid_parameter("tag", raw, 'expected a JSON list of {"key": ..., "value": ...}') from None


def add_gateway_security_group_rule(world: World, call: Call) -> None:
    gateway = _gateway(world, call)
    _writable(gateway)
    body = call.body if call.body is not None else {}
    if not isinstance(body, dict):
        raise invalid_parameter("body", body, "expected a JSON object")
    group_id = body.get("securityGroupId")
    if group_id in (None, ""):
        raise missing_parameter("securityGroupId")
    if not isinstance(group_id, str):
        raise invalid_parameter("securityGroupId", group_id, "expected a string")
    description = body.get("description") or ""
    if not isinstance(description, str):
        raise invalid_parameter("description", description, "expected a string")
    if len(description) > world.knobs.description_max_length:
        raise invalid_parameter(
            "description", description[:20], f"at most {world.knobs.description_max_length} characters"
        )
    port_ranges = _port_ranges(body.get("portRanges"))

    group = world.security_groups.get(group_id)
    if group is None:
        raise ApiError(
            404, "InvalidSecurityGroupId.NotFound", f"The specified SecurityGroupId {group_id} does not exist."
        )
    if group.id == gateway.security_group_id:
        raise ApiError(
            400,
            "InvalidParameter",
            f"The specified parameter securityGroupId is not valid ({group_id!r}): "
            "it is the gateway's own managed security group.",
        )
    if group.vpc_id != gateway.vpc_id:
        raise ApiError(
            400,
            "InvalidSourceGroupId.Mismatch",
            f"Specified security group and source group are not in the same VPC "
            f"({group.id} is in {group.vpc_id}, gateway {gateway.id} in {gateway.vpc_id}).",
        )
    port_ranges = _new_ranges(world, gateway, group.id, port_ranges)
    wanted = [p for r in port_ranges for p in world.authorization_permissions(gateway, group, r, description)]
    new = world.missing_permissions(group, wanted)
    if len(group.permissions) + len(new) > group.rule_quota:
        raise ApiError(
            403,
            "AuthorizationLimitExceed",
            f"The limit of authorization records in the security group reaches: {group.id} holds "
            f"{len(group.permissions)} rules, {len(new)} more would exceed its quota of {group.rule_quota}.",
        )
    for port_range in port_ranges:
        world.authorize(gateway, group, port_range, description)
    return None


def _new_ranges(world: World, gateway: Gateway, group_id: str, port_ranges: List[str]) -> List[str]:
    """The ranges to create, by the duplicate_adds knob: ``refuse`` answers 409 for a range already
    authorized for the group, ``accept`` creates every range again, ``ignore`` skips those ranges."""
    mode = world.knobs.duplicate_adds
    if mode == "accept":
        return port_ranges
    authorized = {a.port_range for a in gateway.authorizations if a.security_group_id == group_id}
    for port_range in port_ranges:
        if port_range in authorized and mode == "refuse":
            raise ApiError(
                409,
                "Conflict.SecurityGroupRuleExists",
                f"The security group rule for {group_id} on port range {port_range} already exists "
                f"in gateway {gateway.id}.",
            )
    return [r for r in port_ranges if r not in authorized]


def _port_ranges(value: Any) -> List[str]:
    """Validated, normalised ``START/END`` strings, in the order given."""
    if value is None or value == []:
        raise missing_parameter("portRanges")
    if not isinstance(value, list):
        raise invalid_parameter("portRanges", value, "expected a list of START/END strings")
    result: List[str] = []
    for item in value:
        try:
            normalised = format_port_range(parse_port_range(item))
        except ValueError as exc:
            raise invalid_parameter("portRanges", item, str(exc)) from None
        if normalised in result:
            raise invalid_parameter("portRanges", item, "the port range is listed twice")
        result.append(normalised)
    return result


def delete_gateway_security_group_rule(world: World, call: Call) -> None:
    gateway = _gateway(world, call)
    _writable(gateway)
    cascade = call.bool("cascadingDelete", False)
    rule_id = call.path["securityGroupRuleId"]
    entry = gateway.authorization(rule_id)
    if entry is None:
        raise ApiError(
            404,
            "NotFound.SecurityGroupRuleNotFound",
            f"The security group rule {rule_id} does not exist in gateway {gateway.id}.",
        )
    world.revoke(gateway, entry, cascade)
    return None


def list_gateway_authorized_security_group_rules(world: World, call: Call) -> Dict[str, Any]:
    gateway = _gateway(world, call)
    source = "" if world.knobs.empty_source_security_group_id else gateway.security_group_id
    items = []
    for entry in world.listed_authorizations(gateway):
        group = world.security_groups.get(entry.security_group_id)
        items.append(
            {
                "securityGroupRuleId": entry.id,
                "securityGroupId": entry.security_group_id,
                "securityGroupName": group.name if group else "",
                "sourceSecurityGroupId": source,
                "portRange": entry.port_range,
                "ipProtocol": "TCP",
                "authCidrs": list(entry.auth_cidrs),
                "description": entry.description,
                "vpcId": group.vpc_id if group else gateway.vpc_id,
            }
        )
    return {"items": items}


def list_gateway_authorizable_security_groups(world: World, call: Call) -> Dict[str, Any]:
    """Groups of the gateway's VPC that it may authorize: all but service-managed ones (its own)."""
    gateway = _gateway(world, call)
    cluster_id: Optional[str] = call.str("csClusterId")
    allowed = None
    if cluster_id is not None:
        cluster = world.clusters.get(cluster_id)
        if cluster is None:
            raise ApiError(404, "ErrorClusterNotFound", f"The cluster {cluster_id} does not exist.")
        allowed = set(cluster.security_group_ids())
    items = [
        {"securityGroupId": g.id, "name": g.name, "type": g.type.capitalize(), "vpcId": g.vpc_id}
        for g in world.security_groups.values()
        if g.vpc_id == gateway.vpc_id
        and g.id != gateway.security_group_id
        and not g.service_managed
        and (allowed is None or g.id in allowed)
    ]
    return {"items": items}


def describe_regions(world: World, call: Call) -> List[Dict[str, str]]:
    """The world's regions, as APIG's DescribeRegions lists the regions where the service is offered."""
    return [{"regionId": region, "localName": region} for region in world.regions]


# -- services -----------------------------------------------------------------------------------


def list_services(world: World, call: Call) -> Dict[str, Any]:
    """Services in world order; ``gatewayId`` (unknown: 404), ``name`` exact, ``sourceType`` or
    ``sourceTypes`` (comma list), ``resourceGroupId`` (the gateway's) filter with AND."""
    page_number = call.int("pageNumber", 1)
    page_size = world.knobs.cap(call.int("pageSize", 10, maximum=MAX_PAGE_SIZE))
    gateway_id = call.str("gatewayId")
    if gateway_id is not None and gateway_id not in world.gateways:
        raise ApiError(404, "NotFound.GatewayNotFound", f"The gateway {gateway_id} does not exist.")
    name, group = call.str("name"), call.str("resourceGroupId")
    types = {t.strip() for t in (call.str("sourceTypes") or "").split(",") if t.strip()}
    if call.str("sourceType"):
        types.add(call.str("sourceType"))
    found = [
        s
        for s in world.gateway_services(gateway_id)
        if (name is None or s.name == name)
        and (not types or s.source_type in types)
        and (group is None or world.gateways[s.gateway_id].resource_group_id == group)
    ]
    start = (page_number - 1) * page_size
    items = [_service(world, s) for s in found[start : start + page_size]]
    return {"items": items, "pageNumber": page_number, "pageSize": page_size, "totalSize": len(found)}


def get_service(world: World, call: Call) -> Dict[str, Any]:
    service = world.services.get(call.path["serviceId"])
    if service is None:
        raise ApiError(404, "NotFound.ServiceNotFound", f"The service {call.path['serviceId']} does not exist.")
    return _service(world, service)


def _address(host: str, port: Optional[int]) -> str:
    """``ip:port`` (``[ipv6]:port``), or the bare host when ``port`` is None."""
    if port is None:
        return host
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _service_addresses(world: World, endpoints: List[Any]) -> List[str]:
    """By the service_address_form knob: one ``ip:port`` per endpoint port, or each host once."""
    result: List[str] = []
    for endpoint in endpoints:
        host = world.endpoint_host(endpoint)
        if world.knobs.service_address_form == "ip":
            candidates = [_address(host, None)]
        else:
            candidates = [_address(host, port) for port in endpoint.ports]
        result.extend(a for a in candidates if a not in result)
    return result


def _service(world: World, service: Any) -> Dict[str, Any]:
    unhealthy = [e for e in service.endpoints if not e.healthy]
    health = service.health_status or ("Unhealthy" if unhealthy else "Healthy")
    return {
        "serviceId": service.id,
        "name": service.name,
        "gatewayId": service.gateway_id,
        "sourceType": service.source_type,
        "namespace": service.namespace,
        "groupName": "",
        "protocol": service.protocol,
        "addresses": _service_addresses(world, service.endpoints),
        "ports": [{"name": p.name, "port": p.port, "protocol": p.protocol} for p in service.ports],
        "healthStatus": health,
        "unhealthyEndpoints": _service_addresses(world, unhealthy),
        "outlierEndpoints": [],
        "healthCheck": {
            "enable": True,
            "protocol": "TCP",
            "interval": 2,
            "timeout": 2,
            "healthyThreshold": 2,
            "unhealthyThreshold": 3,
        },
        "dnsServers": [],
        "labelDetails": [],
        "versions": [],
        "resourceGroupId": world.gateways[service.gateway_id].resource_group_id,
        "createTimestamp": service.create_timestamp,
        "updateTimestamp": service.create_timestamp,
    }


ROUTES = (
    ("GET", "/v1/gateways", "ListGateways", list_gateways),
    ("GET", "/v1/gateways/{gatewayId}", "GetGateway", get_gateway),
    (
        "POST",
        "/v1/gateways/{gatewayId}/security-group-rules",
        "AddGatewaySecurityGroupRule",
        add_gateway_security_group_rule,
    ),
    (
        "DELETE",
        "/v1/gateways/{gatewayId}/security-group-rules/{securityGroupRuleId}",
        "DeleteGatewaySecurityGroupRule",
        delete_gateway_security_group_rule,
    ),
    (
        "GET",
        "/v1/gateways/{gatewayId}/authorized-security-groups-rules",
        "ListGatewayAuthorizedSecurityGroupRules",
        list_gateway_authorized_security_group_rules,
    ),
    (
        "GET",
        "/v1/gateways/{gatewayId}/authorizable-security-groups",
        "ListGatewayAuthorizableSecurityGroups",
        list_gateway_authorizable_security_groups,
    ),
    ("POST", "/v1/regions", "DescribeRegions", describe_regions),
    ("GET", "/v1/services", "ListServices", list_services),
    ("GET", "/v1/services/{serviceId}", "GetService", get_service),
)
