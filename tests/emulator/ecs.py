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
DescribeNetworkInterfaces          RegionId, VpcId, VSwitchId, InstanceId, SecurityGroupId, Type
                                   (Primary|Secondary), Status, PrimaryIpAddress,
                                   PrivateIpAddress.N and NetworkInterfaceId.N (repeated keys, N
                                   1-100), MaxResults (below 10 reads as 10, above 500 as 500) +
                                   NextToken, or the legacy PageNumber/PageSize
=================================  ===============================================================

DescribeNetworkInterfaces, as the SDK documents it: ``PrivateIpAddress.N`` matches an ENI's
secondary private IPs and ``SecurityGroupId`` matches secondary ENIs (primary ENIs are found with
DescribeInstances); the ``eni_filters_match_primary`` knob makes both match primary ENIs and
primary IPs too. Secondary IPs are listed in ``PrivateIpSets``. The ``page_cap`` knob caps every
paged answer here (the page holds at most that many items, whatever was asked).

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
from .world import NetworkInterface
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
MAX_ENI_RESULTS = 500
WRITES = ()
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


def _token_page(
    world: World, call: Call, items: Sequence[Any], default: int, low: int, high: int, clamp: bool, floor: int = 1
) -> Tuple[list, dict]:
    """``clamp``: a MaxResults above ``high`` reads as ``high`` and one below ``floor`` as ``floor``
    (else out of [low, high] is 400 InvalidParameter); then the page_cap knob caps the size."""
    raw = call.str("MaxResults")
    if raw is not None and clamp:
        size = min(max(call.int("MaxResults", default, minimum=low), floor), high)
    else:
        size = call.int("MaxResults", default, minimum=low, maximum=high)
    size = world.knobs.cap(size)
    token = call.str("NextToken")
    offset = _offset(call.action, token) if token else 0
    page = list(items[offset : offset + size])
    end = offset + len(page)
    return page, {"NextToken": _token(call.action, end) if end < len(items) else "", "TotalCount": len(items)}


def _page(world: World, call: Call, items: Sequence[Any], high: int = MAX_IDS, floor: int = 1) -> Tuple[list, dict]:
    """MaxResults/NextToken paging when asked for, else the legacy PageNumber/PageSize."""
    if call.str("MaxResults") is not None or call.str("NextToken") is not None:
        return _token_page(world, call, items, default=10, low=1, high=high, clamp=True, floor=floor)
    number = call.int("PageNumber", 1)
    size = world.knobs.cap(call.int("PageSize", 10, maximum=high))
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
    page, paging = _page(world, call, found)
    result = {"Instances": {"Instance": [_instance(world, i) for i in page]}}
    result.update(paging)
    return result


def _mac(ident: str) -> str:
    digest = hashlib.sha256(ident.encode()).hexdigest()
    return ":".join(["00", "16", "3e"] + [digest[i : i + 2] for i in (0, 2, 4)])


def _ip_sets(eni: NetworkInterface) -> Dict[str, Any]:
    return {"PrivateIpSet": [{"PrivateIpAddress": ip, "Primary": index == 0} for index, ip in enumerate(eni.ips())]}


def _instance(world: World, instance: Instance) -> Dict[str, Any]:
    enis = [world.primary_interface(instance)] + world.interfaces_of(instance.id)
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
                    "NetworkInterfaceId": eni.id,
                    "Type": eni.type,
                    "MacAddress": _mac(eni.instance_id if eni.type == "Primary" else eni.id),
                    "PrimaryIpAddress": eni.primary_ip,
                    "PrivateIpSets": _ip_sets(eni),
                }
                for eni in enis
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
    page, paging = _page(world, call, found)
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
    page, paging = _token_page(world, call, permissions, default=500, low=10, high=1000, clamp=False)
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


# -- DescribeNetworkInterfaces -------------------------------------------------------------------


def _repeated(call: Call, name: str) -> Optional[set]:
    """``Name.N`` values (N 1-100), as the SDK flattens a list parameter; None when none is given."""
    pattern = re.compile(rf"^{re.escape(name)}\.([0-9]+)$")
    found = {}
    for key, value in call.params.items():
        match = pattern.match(key)
        if match and value:
            if not 1 <= int(match.group(1)) <= MAX_IDS:
                raise invalid_parameter(key, value, f"N runs from 1 to {MAX_IDS}")
            found[int(match.group(1))] = value
    return set(found.values()) if found else None


def describe_network_interfaces(world: World, call: Call) -> Dict[str, Any]:
    region = _region(world, call)
    private_ips = _repeated(call, "PrivateIpAddress")
    eni_ids = _repeated(call, "NetworkInterfaceId")
    eni_type = call.str("Type")
    if eni_type is not None and eni_type not in ("Primary", "Secondary"):
        raise invalid_parameter("Type", eni_type, "expected Primary or Secondary")
    exact = {
        "vpc_id": call.str("VpcId"),
        "vswitch_id": call.str("VSwitchId"),
        "instance_id": call.str("InstanceId"),
        "primary_ip": call.str("PrimaryIpAddress"),
        "type": eni_type,
        "status": call.str("Status"),
    }
    group_id = call.str("SecurityGroupId")
    also_primary = world.knobs.eni_filters_match_primary
    found = []
    for eni in world.network_interfaces():
        if eni.region != region or (eni_ids is not None and eni.id not in eni_ids):
            continue
        if any(value is not None and getattr(eni, attr) != value for attr, value in exact.items()):
            continue
        if group_id is not None and (
            group_id not in eni.security_group_ids or (eni.type == "Primary" and not also_primary)
        ):
            continue
        if private_ips is not None and not private_ips.intersection(eni.ips() if also_primary else eni.secondary_ips):
            continue
        found.append(eni)
    page, paging = _page(world, call, found, high=MAX_ENI_RESULTS, floor=10)
    result = {"NetworkInterfaceSets": {"NetworkInterfaceSet": [_network_interface(world, e) for e in page]}}
    result.update(paging)
    return result


def _network_interface(world: World, eni: NetworkInterface) -> Dict[str, Any]:
    group = world.security_groups[eni.security_group_ids[0]] if eni.security_group_ids else None
    item = {
        "NetworkInterfaceId": eni.id,
        "NetworkInterfaceName": eni.name,
        "Description": "",
        "Type": eni.type,
        "Status": eni.status,
        "InstanceId": eni.instance_id,
        "VpcId": eni.vpc_id,
        "VSwitchId": eni.vswitch_id,
        "ZoneId": eni.zone,
        "MacAddress": _mac(eni.instance_id if eni.type == "Primary" else eni.id),
        "PrivateIpAddress": eni.primary_ip,
        "PrivateIpSets": _ip_sets(eni),
        "SecurityGroupIds": {"SecurityGroupId": list(eni.security_group_ids)},
        "Ipv6Sets": {"Ipv6Set": []},
        "Ipv4PrefixSets": {"Ipv4PrefixSet": []},
        "Ipv6PrefixSets": {"Ipv6PrefixSet": []},
        "Tags": {"Tag": []},
        "ResourceGroupId": "",
        "OwnerId": "1000000000000000",
        "ServiceManaged": bool(group and group.service_managed),
        "DeleteOnRelease": eni.type == "Primary",
        "SourceDestCheck": False,
        "QueueNumber": 1,
        "NetworkInterfaceTrafficMode": "Standard",
        "CreationTime": eni.creation_time,
    }
    if eni.instance_id:
        item["Attachment"] = {"InstanceId": eni.instance_id, "DeviceIndex": 0 if eni.type == "Primary" else 1}
    return item


ACTIONS = {
    "DescribeInstances": describe_instances,
    "DescribeSecurityGroups": describe_security_groups,
    "DescribeSecurityGroupAttribute": describe_security_group_attribute,
    "DescribeNetworkInterfaces": describe_network_interfaces,
}
