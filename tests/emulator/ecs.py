# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ECS 2014-05-26: instances, security groups and their permissions (read side).

RPC style: ``POST /`` with the action in ``x-acs-action`` and every business parameter in the
query string (a form body is read too). Answers are flat JSON objects with ``RequestId``; lists
are wrapped the XML way: ``{"Instances": {"Instance": [...]}}``.

=================================  ===============================================================
action                             parameters the emulator reads
=================================  ===============================================================
DescribeInstances                  RegionId (required), InstanceIds (JSON array, at most 100),
                                   PrivateIpAddresses (JSON array, at most 100), VpcId, VSwitchId,
                                   ZoneId, SecurityGroupId, Status, InstanceName, Tag.N.Key/Value
                                   (N 1-20), paging
DescribeSecurityGroups             RegionId, SecurityGroupIds (JSON array, at most 100),
                                   SecurityGroupId, VpcId, SecurityGroupType (normal|enterprise),
                                   SecurityGroupName, ServiceManaged, Tag.N.*, paging
DescribeSecurityGroupAttribute     RegionId, SecurityGroupId (required), Direction
                                   (ingress|egress|all), NicType, MaxResults (10-1000, default
                                   500) + NextToken
=================================  ===============================================================

Paging of the first two: ``MaxResults`` (default 10; above 100 reads as 100) with ``NextToken``
(the answer's ``NextToken`` is empty on the last page) when either is given; otherwise the
deprecated ``PageNumber``/``PageSize`` (PageSize 1-100, default 10), answered with ``PageNumber``,
``PageSize`` and ``TotalCount``.

ID filters behave as in ECS: ids that do not exist are simply not in the answer. Unknown
security group in DescribeSecurityGroupAttribute: 404 ``InvalidSecurityGroupId.NotFound``;
unknown region: 404 ``InvalidRegionId.NotFound``; more than 100 ids: 400 ``InvalidParameter``.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Sequence
from typing import Tuple

from .protocol import ApiError
from .protocol import Call
from .protocol import invalid_parameter
from .world import Instance
from .world import Permission
from .world import SecurityGroup
from .world import World

PRODUCT = "ecs"
VERSION = "2014-05-26"
STYLE = "pop"
NO_PERMISSION = (
    403,
    "Forbidden.RAM",
    "User not authorized to operate on the specified resource, or this API doesn't support RAM.",
)
MAX_IDS = 100
MAX_TAGS = 20
_TAG_RE = re.compile(r"^Tag\.([0-9]+)\.(Key|Value)$")


def host(region: str) -> str:
    # The SDK's endpoint map sends cn-hangzhou to this special name.
    return "ecs-cn-hangzhou.aliyuncs.com" if region == "cn-hangzhou" else f"ecs.{region}.aliyuncs.com"


def render(request_id: str, result: Dict[str, Any]) -> Dict[str, Any]:
    body = {"RequestId": request_id}
    body.update(result)
    return body


# -- parameters ---------------------------------------------------------------------------------


def _region(world: World, call: Call) -> str:
    region = call.required("RegionId")
    if region not in world.regions:
        raise ApiError(
            404, "InvalidRegionId.NotFound", f"The specified RegionId {region} does not exist in our records."
        )
    return region


def _tags(call: Call) -> List[Tuple[str, Optional[str]]]:
    """Tag.N.Key / Tag.N.Value pairs, ordered by N; a key without value matches any value."""
    found: Dict[int, Dict[str, str]] = {}
    for name, value in call.params.items():
        match = _TAG_RE.match(name)
        if match:
            index = int(match.group(1))
            if not 1 <= index <= MAX_TAGS:
                raise invalid_parameter(name, value, f"tag indexes run from 1 to {MAX_TAGS}")
            found.setdefault(index, {})[match.group(2)] = value
    result = []
    for index in sorted(found):
        if not found[index].get("Key"):
            raise invalid_parameter(f"Tag.{index}.Key", "", "a tag filter needs a key")
        result.append((found[index]["Key"], found[index].get("Value")))
    return result


def _matches_tags(tags: Dict[str, str], wanted: List[Tuple[str, Optional[str]]]) -> bool:
    return all(key in tags and (value is None or tags[key] == value) for key, value in wanted)


def _token(action: str, offset: int) -> str:
    """An opaque NextToken that encodes the offset of the next page."""
    check = hashlib.sha256(f"{action}:{offset}".encode()).hexdigest()[:16]
    return f"{check}{offset:x}"


def _offset(action: str, token: str) -> int:
    try:
        offset = int(token[16:], 16)
    except ValueError:
        raise invalid_parameter("NextToken", token, "the token is not one this API issued") from None
    if _token(action, offset) != token:
        raise invalid_parameter("NextToken", token, "the token is not one this API issued")
    return offset


def _token_page(call: Call, items: Sequence[Any], default: int, low: int, high: int, clamp: bool) -> Tuple[list, dict]:
    raw = call.str("MaxResults")
    if raw is not None and clamp:
        size = min(call.int("MaxResults", default, minimum=low), high)
    else:
        size = call.int("MaxResults", default, minimum=low, maximum=high)
    token = call.str("NextToken")
    offset = _offset(call.action, token) if token else 0
    page = list(items[offset : offset + size])
    end = offset + len(page)
    return page, {"NextToken": _token(call.action, end) if end < len(items) else "", "TotalCount": len(items)}


def _page(call: Call, items: Sequence[Any]) -> Tuple[list, dict]:
    """MaxResults/NextToken paging when asked for, else the legacy PageNumber/PageSize."""
    if call.str("MaxResults") is not None or call.str("NextToken") is not None:
        return _token_page(call, items, default=10, low=1, high=MAX_IDS, clamp=True)
    number = call.int("PageNumber", 1)
    size = call.int("PageSize", 10, maximum=MAX_IDS)
    start = (number - 1) * size
    page = list(items[start : start + size])
    return page, {"PageNumber": number, "PageSize": size, "TotalCount": len(items)}


# -- DescribeInstances ---------------------------------------------------------------------------


def describe_instances(world: World, call: Call) -> Dict[str, Any]:
    region = _region(world, call)
    ids = call.json_list("InstanceIds", MAX_IDS)
    ips = call.json_list("PrivateIpAddresses", MAX_IDS)
    wanted_tags = _tags(call)
    exact = {
        "vpc_id": call.str("VpcId"),
        "vswitch_id": call.str("VSwitchId"),
        "zone": call.str("ZoneId"),
        "status": call.str("Status"),
        "name": call.str("InstanceName"),
    }
    group_id = call.str("SecurityGroupId")
    ip_set = set(ips) if ips is not None else None
    if ids is None:
        candidates = list(world.instances.values())
    else:  # look the ids up rather than scan thousands of instances; answer in world order
        candidates = sorted((world.instances[i] for i in set(ids) if i in world.instances), key=world.position)
    found = []
    for instance in candidates:
        if instance.region != region:
            continue
        if any(value is not None and getattr(instance, attr) != value for attr, value in exact.items()):
            continue
        if group_id is not None and group_id not in instance.security_group_ids:
            continue
        if ip_set is not None and not ip_set.intersection(instance.private_ips):
            continue
        if not _matches_tags(instance.tags, wanted_tags):
            continue
        found.append(instance)
    page, paging = _page(call, found)
    result = {"Instances": {"Instance": [_instance(world, i) for i in page]}}
    result.update(paging)
    return result


def _instance(world: World, instance: Instance) -> Dict[str, Any]:
    eni = "eni-" + hashlib.sha256(instance.id.encode()).hexdigest()[:20]
    mac = ":".join(
        ["00", "16", "3e"] + [hashlib.sha256(instance.id.encode()).hexdigest()[i : i + 2] for i in (0, 2, 4)]
    )
    return {
        "InstanceId": instance.id,
        "InstanceName": instance.name,
        "HostName": instance.name,
        "Description": "",
        "Status": instance.status,
        "RegionId": instance.region,
        "ZoneId": instance.zone,
        "InstanceType": instance.instance_type,
        "InstanceTypeFamily": ".".join(instance.instance_type.split(".")[:2]),
        "InstanceNetworkType": "vpc",
        "InstanceChargeType": "PostPaid",
        "CreationTime": instance.creation_time[:16] + "Z",
        "SecurityGroupIds": {"SecurityGroupId": list(instance.security_group_ids)},
        "VpcAttributes": {
            "VpcId": instance.vpc_id,
            "VSwitchId": instance.vswitch_id,
            "NatIpAddress": "",
            "PrivateIpAddress": {"IpAddress": list(instance.private_ips)},
        },
        "NetworkInterfaces": {
            "NetworkInterface": [
                {
                    "NetworkInterfaceId": eni,
                    "Type": "Primary",
                    "MacAddress": mac,
                    "PrimaryIpAddress": instance.private_ips[0],
                    "PrivateIpSets": {
                        "PrivateIpSet": [
                            {"PrivateIpAddress": ip, "Primary": index == 0}
                            for index, ip in enumerate(instance.private_ips)
                        ]
                    },
                }
            ]
        },
        "PublicIpAddress": {"IpAddress": []},
        "InnerIpAddress": {"IpAddress": []},
        "EipAddress": {"IpAddress": "", "AllocationId": "", "InternetChargeType": ""},
        "Tags": {"Tag": [{"TagKey": k, "TagValue": v} for k, v in instance.tags.items()]},
    }


# -- DescribeSecurityGroups ----------------------------------------------------------------------


def describe_security_groups(world: World, call: Call) -> Dict[str, Any]:
    region = _region(world, call)
    ids = call.json_list("SecurityGroupIds", MAX_IDS)
    group_type = call.str("SecurityGroupType")
    if group_type is not None and group_type not in ("normal", "enterprise"):
        raise invalid_parameter("SecurityGroupType", group_type, "expected normal or enterprise")
    managed = call.bool("ServiceManaged") if call.str("ServiceManaged") is not None else None
    wanted_tags = _tags(call)
    exact = {
        "id": call.str("SecurityGroupId"),
        "vpc_id": call.str("VpcId"),
        "type": group_type,
        "name": call.str("SecurityGroupName"),
        "service_managed": managed,
    }
    id_set = set(ids) if ids is not None else None
    found = []
    for group in world.security_groups.values():
        if world.vpcs[group.vpc_id].region != region or (id_set is not None and group.id not in id_set):
            continue
        if any(value is not None and getattr(group, attr) != value for attr, value in exact.items()):
            continue
        if not _matches_tags(group.tags, wanted_tags):
            continue
        found.append(group)
    page, paging = _page(call, found)
    result: Dict[str, Any] = {"RegionId": region, "SecurityGroups": {"SecurityGroup": [_group(world, g) for g in page]}}
    result.update(paging)
    return result


def _group(world: World, group: SecurityGroup) -> Dict[str, Any]:
    members = len(world.instances_in_group(group.id))
    return {
        "SecurityGroupId": group.id,
        "SecurityGroupName": group.name,
        "SecurityGroupType": group.type,
        "VpcId": group.vpc_id,
        "Description": group.description,
        "CreationTime": group.creation_time,
        "ResourceGroupId": "",
        "ServiceManaged": group.service_managed,
        "ServiceID": 1508 if group.service_managed else 0,
        "RuleCount": len(group.permissions),
        "GroupToGroupRuleCount": sum(1 for p in group.permissions if p.source_group_id or p.dest_group_id),
        "EcsCount": members,
        "AvailableInstanceAmount": (65536 if group.type == "enterprise" else 2000) - members,
        "Tags": {"Tag": [{"TagKey": k, "TagValue": v} for k, v in group.tags.items()]},
    }


# -- DescribeSecurityGroupAttribute --------------------------------------------------------------


def describe_security_group_attribute(world: World, call: Call) -> Dict[str, Any]:
    region = _region(world, call)
    group_id = call.required("SecurityGroupId")
    group = world.security_groups.get(group_id)
    if group is None or world.vpcs[group.vpc_id].region != region:
        raise ApiError(
            404, "InvalidSecurityGroupId.NotFound", f"The specified SecurityGroupId {group_id} does not exist."
        )
    direction = call.str("Direction", "all")
    if direction not in ("all", "ingress", "egress"):
        raise invalid_parameter("Direction", direction, "expected ingress, egress or all")
    nic_type = call.str("NicType")
    if nic_type is not None and nic_type not in ("intranet", "internet"):
        raise invalid_parameter("NicType", nic_type, "expected intranet or internet")
    permissions = [
        p
        for p in group.permissions
        if (direction == "all" or p.direction == direction) and (nic_type is None or p.nic_type == nic_type)
    ]
    page, paging = _token_page(call, permissions, default=500, low=10, high=1000, clamp=False)
    return {
        "RegionId": region,
        "SecurityGroupId": group.id,
        "SecurityGroupName": group.name,
        "Description": group.description,
        "VpcId": group.vpc_id,
        "InnerAccessPolicy": "Drop" if group.type == "enterprise" else "Accept",
        "NextToken": paging["NextToken"],
        "Permissions": {"Permission": [_permission(world, p) for p in page]},
    }


def _permission(world: World, p: Permission) -> Dict[str, str]:
    def group_name(group_id: str) -> str:
        group = world.security_groups.get(group_id) if group_id else None
        return group.name if group else ""

    return {
        "SecurityGroupRuleId": p.id,
        "Direction": p.direction,
        "Policy": p.policy,
        "Priority": p.priority,
        "IpProtocol": p.ip_protocol,
        "PortRange": p.port_range,
        "SourcePortRange": p.source_port_range,
        "NicType": p.nic_type,
        "SourceCidrIp": p.source_cidr_ip,
        "Ipv6SourceCidrIp": p.ipv6_source_cidr_ip,
        "SourceGroupId": p.source_group_id,
        "SourceGroupName": group_name(p.source_group_id),
        "SourceGroupOwnerAccount": "",
        "SourcePrefixListId": p.source_prefix_list_id,
        "SourcePrefixListName": "",
        "DestCidrIp": p.dest_cidr_ip,
        "Ipv6DestCidrIp": p.ipv6_dest_cidr_ip,
        "DestGroupId": p.dest_group_id,
        "DestGroupName": group_name(p.dest_group_id),
        "DestGroupOwnerAccount": "",
        "DestPrefixListId": p.dest_prefix_list_id,
        "DestPrefixListName": "",
        "PortRangeListId": "",
        "PortRangeListName": "",
        "Description": p.description,
        "CreateTime": p.create_time,
    }


ACTIONS = {
    "DescribeInstances": describe_instances,
    "DescribeSecurityGroups": describe_security_groups,
    "DescribeSecurityGroupAttribute": describe_security_group_attribute,
}
