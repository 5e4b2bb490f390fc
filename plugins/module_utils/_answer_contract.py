# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""The answer contract: per action the collection reads, the fields it uses, their types, which may be empty,
and the count the items over all pages must agree with. The one place that says what an answer must hold.

Source: the SDK response models, which name and type every field:

* APIG 2024-03-27 (``alibabacloud_apig20240327.models``): ``GetGatewayResponseBody`` (``data``:
  ``GetGatewayResponseBodyData`` with ``vpc``, ``securityGroup``, ``vSwitch``, ``zones``), ``ListGatewaysResponseBody``
  (``data.items``, ``data.totalSize``), ``DescribeRegionsResponseBody`` (``data[].regionId``),
  ``ListServicesResponseBody`` / ``GetServiceResponseBody`` (``Service``: ``serviceId``, ``name``, ``addresses``,
  ``ports[].port``, ``unhealthyEndpoints``), ``ListGatewayAuthorizableSecurityGroupsResponseBody`` and
  ``ListGatewayAuthorizedSecurityGroupRulesResponseBody`` (``data.items``, no paging);
* ECS 2014-05-26 (``alibabacloud_ecs20140526.models``): ``DescribeInstancesResponseBody``
  (``Instances.Instance[]``, ``VpcAttributes``), ``DescribeSecurityGroupsResponseBody``,
  ``DescribeSecurityGroupAttributeResponseBody`` (``Permissions.Permission[]``),
  ``DescribeNetworkInterfacesResponseBody`` (``NetworkInterfaceSets.NetworkInterfaceSet[]``, ``PrivateIpSets``).
  Their ``TotalCount`` "is not returned" (or "meaningless") under ``MaxResults``/``NextToken`` paging, which the
  collection uses: no ECS count is checked, the walk follows ``NextToken``;
* CS 2015-12-15 (``alibabacloud_cs20151215.models``): ``DescribeClusterDetailResponseBody``,
  ``DescribeClusterNodePoolsResponseBody`` (``nodepools[]``, no paging), ``DescribeClusterNodesResponseBody``
  (``nodes[]``, ``page.total_count``).

Readings where the models and the reference pages are silent (assumed, and the safe side taken):

* a listing's items may be an empty list (nothing matched); a missing list is malformed, never "none";
* an instance in a VPC always has ``VpcAttributes.VpcId``; a classic-network instance has none and cannot back a
  VPC gateway: the read fails naming the field rather than drop the instance (which, with purge, revokes);
* every instance, ENI and node pool carries at least one security group; every ENI lists at least its primary IP
  in ``PrivateIpSets`` (the reference's example shows the primary with ``Primary: true``);
* a node outside any node pool is possible (legacy workers), so ``nodes[].nodepool_id`` may be absent, except
  where a source selects node pools: there a node that names no pool cannot be placed, and the read fails;
* a stated total (``totalSize``, ``page.total_count``) is required on numbered pages, and the items over all
  pages must number exactly that (_paging).

Paths: dotted keys from the body; ``key[]`` is each item of the list ``key``. An error names the concrete path
(``data.items[2].serviceId``), the product, the action and the request id (_answers.MalformedAnswerError).
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any
from typing import Dict
from typing import FrozenSet
from typing import Iterator
from typing import List
from typing import NamedTuple
from typing import Optional
from typing import Tuple

from ansible_collections.alibabacloud.apig.plugins.module_utils._answers import Answer
from ansible_collections.alibabacloud.apig.plugins.module_utils._answers import Kind
from ansible_collections.alibabacloud.apig.plugins.module_utils._answers import call_raw
from ansible_collections.alibabacloud.apig.plugins.module_utils._answers import check_type

OBJECT = dict
LIST = list
STRING = str
NUMBER = int
BOOL = bool
COUNT = (int, str)  # a count may come as a numeric string

# Named conditions a reading states when a field is required only in some contexts.
POOLS_SELECTED = "a source selects node pools"


class Field(NamedTuple):
    path: str
    kind: Kind
    required: bool = True  # absent or null is malformed
    may_be_empty: bool = True  # "" (or only spaces) / [] / {} accepted
    check: Optional[str] = None  # a value check beyond the type: "count", "port", "address"
    required_when: Optional[str] = None  # required only when the reading states this condition
    instead: Optional[str] = None  # a sibling key that may stand in when this one is absent or empty


class Contract(NamedTuple):
    product: str
    action: str
    model: str  # the SDK response model the fields come from
    fields: Tuple[Field, ...]
    items: Optional[str] = None  # the listing's items
    total: Optional[str] = None  # the stated total that the items over all pages must number


def _ids(path: str) -> Field:
    return Field(path, STRING, may_be_empty=False)


def _optional(path: str, kind: Kind, check: Optional[str] = None) -> Field:
    return Field(path, kind, required=False, check=check)


_SERVICE = (
    "serviceId",
    "name",
    "addresses",
    "addresses[]",
    "ports",
    "ports[]",
    "ports[].port",
    "unhealthyEndpoints",
    "unhealthyEndpoints[]",
    "sourceType",
    "namespace",
    "healthStatus",
)


def _service_fields(prefix: str) -> Tuple[Field, ...]:
    kinds = {
        "serviceId": Field("", STRING, may_be_empty=False),
        "name": Field("", STRING, may_be_empty=False),
        # Absent in an abridged list item: GetService is read for it. An empty list is a service without
        # endpoints, which discovery treats as a miss (_service_endpoints).
        "addresses": _optional("", LIST),
        "addresses[]": Field("", STRING, may_be_empty=False, check="address"),
        "ports": _optional("", LIST),
        "ports[]": Field("", OBJECT),
        "ports[].port": Field("", NUMBER, check="port"),
        "unhealthyEndpoints": _optional("", LIST),
        "unhealthyEndpoints[]": Field("", STRING, may_be_empty=False, check="address"),
        "sourceType": _optional("", STRING),
        "namespace": _optional("", STRING),
        "healthStatus": _optional("", STRING),
    }
    return tuple(kinds[key]._replace(path=f"{prefix}.{key}") for key in _SERVICE)


_ENI = "NetworkInterfaceSets.NetworkInterfaceSet[]"


def _gateway_optional(prefix: str) -> Tuple[Field, ...]:
    """What a gateway (GetGateway's `data`, a ListGateways item) may carry, each read if present."""
    return (
        _optional(f"{prefix}.name", STRING),
        _optional(f"{prefix}.status", STRING),
        _optional(f"{prefix}.vSwitch", OBJECT),
        _optional(f"{prefix}.vSwitch.vSwitchId", STRING),
        _optional(f"{prefix}.zones", LIST),
        Field(f"{prefix}.zones[]", OBJECT),
        _optional(f"{prefix}.zones[].zoneId", STRING),
        _optional(f"{prefix}.zones[].vSwitch", OBJECT),
        _optional(f"{prefix}.loadBalancers", LIST),
        Field(f"{prefix}.loadBalancers[]", OBJECT),
        _optional(f"{prefix}.tags", LIST),
        Field(f"{prefix}.tags[]", OBJECT),
    )


CONTRACTS: Dict[str, Contract] = {
    contract.action: contract
    for contract in (
        # --- APIG 2024-03-27 ---------------------------------------------------------------------------
        Contract(
            "apig",
            "GetGateway",
            "GetGatewayResponseBody",
            (
                Field("data", OBJECT),
                _ids("data.gatewayId"),
                # The gateway's VPC bounds every backend, and its managed group is the source of every rule.
                Field("data.vpc", OBJECT),
                _ids("data.vpc.vpcId"),
                Field("data.securityGroup", OBJECT),
                _ids("data.securityGroup.securityGroupId"),
            )
            + _gateway_optional("data"),
        ),
        Contract(
            "apig",
            "ListGateways",
            "ListGatewaysResponseBody",
            (
                Field("data", OBJECT),
                Field("data.items", LIST),
                Field("data.items[]", OBJECT),
                Field("data.totalSize", COUNT, check="count"),
                _ids("data.items[].gatewayId"),
                _optional("data.items[].vpc", OBJECT),
                _optional("data.items[].vpc.vpcId", STRING),
                _optional("data.items[].securityGroup", OBJECT),
                _optional("data.items[].securityGroup.securityGroupId", STRING),
            )
            + _gateway_optional("data.items[]"),
            items="data.items",
            total="data.totalSize",
        ),
        Contract(
            "apig",
            "DescribeRegions",
            "DescribeRegionsResponseBody",
            # APIG is offered somewhere: an empty list would hand the inventory no region at all.
            (Field("data", LIST, may_be_empty=False), Field("data[]", OBJECT), _ids("data[].regionId")),
            items="data",
        ),
        Contract(
            "apig",
            "ListServices",
            "ListServicesResponseBody",
            (
                Field("data", OBJECT),
                Field("data.items", LIST),
                Field("data.items[]", OBJECT),
                Field("data.totalSize", COUNT, check="count"),
            )
            + _service_fields("data.items[]"),
            items="data.items",
            total="data.totalSize",
        ),
        Contract("apig", "GetService", "GetServiceResponseBody", (Field("data", OBJECT),) + _service_fields("data")),
        Contract(
            "apig",
            "ListGatewayAuthorizableSecurityGroups",
            "ListGatewayAuthorizableSecurityGroupsResponseBody",
            (
                Field("data", OBJECT),
                Field("data.items", LIST),
                Field("data.items[]", OBJECT),
                _ids("data.items[].securityGroupId"),
                _optional("data.items[].name", STRING),
                _optional("data.items[].type", STRING),
                _optional("data.items[].vpcId", STRING),
            ),
            items="data.items",
        ),
        Contract(
            "apig",
            "ListGatewayAuthorizedSecurityGroupRules",
            "ListGatewayAuthorizedSecurityGroupRulesResponseBody",
            (
                Field("data", OBJECT),
                Field("data.items", LIST),
                Field("data.items[]", OBJECT),
                _ids("data.items[].securityGroupRuleId"),
                _ids("data.items[].securityGroupId"),
                Field("data.items[].portRange", (STRING, LIST)),
                _optional("data.items[].authCidrs", LIST),
                Field("data.items[].authCidrs[]", STRING),
                _optional("data.items[].description", STRING),
                _optional("data.items[].sourceSecurityGroupId", STRING),
            ),
            items="data.items",
        ),
        # --- ECS 2014-05-26 ----------------------------------------------------------------------------
        Contract(
            "ecs",
            "DescribeInstances",
            "DescribeInstancesResponseBody",
            (
                Field("Instances", OBJECT),
                Field("Instances.Instance", LIST),
                Field("Instances.Instance[]", OBJECT),
                _optional("NextToken", STRING),
                _ids("Instances.Instance[].InstanceId"),
                Field("Instances.Instance[].SecurityGroupIds", OBJECT),
                Field("Instances.Instance[].SecurityGroupIds.SecurityGroupId", LIST, may_be_empty=False),
                _ids("Instances.Instance[].SecurityGroupIds.SecurityGroupId[]"),
                Field("Instances.Instance[].VpcAttributes", OBJECT),
                _ids("Instances.Instance[].VpcAttributes.VpcId"),
                _optional("Instances.Instance[].VpcAttributes.VSwitchId", STRING),
                _optional("Instances.Instance[].VpcAttributes.PrivateIpAddress", OBJECT),
                _optional("Instances.Instance[].VpcAttributes.PrivateIpAddress.IpAddress", LIST),
                _ids("Instances.Instance[].VpcAttributes.PrivateIpAddress.IpAddress[]"),
                _optional("Instances.Instance[].NetworkInterfaces", OBJECT),
                _optional("Instances.Instance[].NetworkInterfaces.NetworkInterface", LIST),
                Field("Instances.Instance[].NetworkInterfaces.NetworkInterface[]", OBJECT),
                _optional("Instances.Instance[].InstanceName", STRING),
                _optional("Instances.Instance[].Status", STRING),
                _optional("Instances.Instance[].Tags", OBJECT),
                _optional("Instances.Instance[].Tags.Tag", LIST),
                Field("Instances.Instance[].Tags.Tag[]", OBJECT),
            ),
            items="Instances.Instance",
        ),
        Contract(
            "ecs",
            "DescribeSecurityGroups",
            "DescribeSecurityGroupsResponseBody",
            (
                Field("SecurityGroups", OBJECT),
                Field("SecurityGroups.SecurityGroup", LIST),
                Field("SecurityGroups.SecurityGroup[]", OBJECT),
                _optional("NextToken", STRING),
                _ids("SecurityGroups.SecurityGroup[].SecurityGroupId"),
                # A group's VPC decides whether it may be authorized at all.
                _ids("SecurityGroups.SecurityGroup[].VpcId"),
                _optional("SecurityGroups.SecurityGroup[].SecurityGroupName", STRING),
                _optional("SecurityGroups.SecurityGroup[].SecurityGroupType", STRING),
            ),
            items="SecurityGroups.SecurityGroup",
        ),
        Contract(
            "ecs",
            "DescribeSecurityGroupAttribute",
            "DescribeSecurityGroupAttributeResponseBody",
            (
                Field("Permissions", OBJECT),
                Field("Permissions.Permission", LIST),
                Field("Permissions.Permission[]", OBJECT),
                _optional("NextToken", STRING),
                Field("Permissions.Permission[].PortRange", STRING, may_be_empty=False),
                Field("Permissions.Permission[].IpProtocol", STRING, may_be_empty=False),
                _optional("Permissions.Permission[].Direction", STRING),
                _optional("Permissions.Permission[].Policy", STRING),
                _optional("Permissions.Permission[].SourceGroupId", STRING),
                _optional("Permissions.Permission[].SourceCidrIp", STRING),
                _optional("Permissions.Permission[].SecurityGroupRuleId", STRING),
                _optional("Permissions.Permission[].Description", STRING),
            ),
            items="Permissions.Permission",
        ),
        Contract(
            "ecs",
            "DescribeNetworkInterfaces",
            "DescribeNetworkInterfacesResponseBody",
            (
                Field("NetworkInterfaceSets", OBJECT),
                Field("NetworkInterfaceSets.NetworkInterfaceSet", LIST),
                Field("NetworkInterfaceSets.NetworkInterfaceSet[]", OBJECT),
                _optional("NextToken", STRING),
                # Weighs the listing's cost against the by-IP look-ups only: never a count to agree with.
                _optional("TotalCount", COUNT, check="count"),
                _ids(_ENI + ".NetworkInterfaceId"),
                Field(_ENI + ".SecurityGroupIds", OBJECT),
                Field(_ENI + ".SecurityGroupIds.SecurityGroupId", LIST, may_be_empty=False),
                _ids(_ENI + ".SecurityGroupIds.SecurityGroupId[]"),
                Field(_ENI + ".PrivateIpSets", OBJECT),
                Field(_ENI + ".PrivateIpSets.PrivateIpSet", LIST, may_be_empty=False),
                Field(_ENI + ".PrivateIpSets.PrivateIpSet[]", OBJECT),
                Field(
                    _ENI + ".PrivateIpSets.PrivateIpSet[].PrivateIpAddress",
                    STRING,
                    may_be_empty=False,
                    check="ip",
                ),
                _optional(_ENI + ".PrivateIpAddress", STRING),
                _optional(_ENI + ".InstanceId", STRING),
                _optional(_ENI + ".Type", STRING),
            ),
            items="NetworkInterfaceSets.NetworkInterfaceSet",
        ),
        # --- CS 2015-12-15 -----------------------------------------------------------------------------
        Contract(
            "cs",
            "DescribeClusterDetail",
            "DescribeClusterDetailResponseBody",
            (
                _ids("cluster_id"),
                _ids("vpc_id"),
                # The group of a cluster without node pools, and of pod addresses in its pod CIDR.
                _ids("security_group_id"),
                _optional("container_cidr", STRING),
                _optional("name", STRING),
                _optional("cluster_type", STRING),
                _optional("state", STRING),
                _optional("profile", STRING),
            ),
        ),
        Contract(
            "cs",
            "DescribeClusterNodePools",
            "DescribeClusterNodePoolsResponseBody",
            (
                Field("nodepools", LIST),
                Field("nodepools[]", OBJECT),
                Field("nodepools[].nodepool_info", OBJECT),
                _ids("nodepools[].nodepool_info.nodepool_id"),
                _optional("nodepools[].nodepool_info.name", STRING),
                _optional("nodepools[].nodepool_info.type", STRING),
                _optional("nodepools[].nodepool_info.is_default", BOOL),
                Field("nodepools[].scaling_group", OBJECT),
                # Older pools fill only the deprecated single id: one of the two must name a group.
                Field(
                    "nodepools[].scaling_group.security_group_ids",
                    LIST,
                    may_be_empty=False,
                    instead="security_group_id",
                ),
                _ids("nodepools[].scaling_group.security_group_ids[]"),
                _optional("nodepools[].scaling_group.security_group_id", STRING),
                _optional("nodepools[].scaling_group.vswitch_ids", LIST),
                _optional("nodepools[].status", OBJECT),
                _optional("nodepools[].status.total_nodes", NUMBER),
            ),
            items="nodepools",
        ),
        Contract(
            "cs",
            "DescribeClusterNodes",
            "DescribeClusterNodesResponseBody",
            (
                Field("nodes", LIST),
                Field("nodes[]", OBJECT),
                Field("page", OBJECT),
                Field("page.total_count", COUNT, check="count"),
                _ids("nodes[].instance_id"),
                Field("nodes[].nodepool_id", STRING, required=False, may_be_empty=False, required_when=POOLS_SELECTED),
                _optional("nodes[].node_name", STRING),
                _optional("nodes[].ip_address", LIST),
                _ids("nodes[].ip_address[]"),
                _optional("nodes[].instance_role", STRING),
                _optional("nodes[].state", STRING),
            ),
            items="nodes",
            total="page.total_count",
        ),
    )
}


# --- checking an answer against its contract ------------------------------------------------------------

_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$")


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_host(text: str) -> bool:
    """An IP address or a DNS name (labels of letters, digits, '-' and '_', at most 253 characters)."""
    if _is_ip(text):
        return True
    name = text[:-1] if text.endswith(".") else text
    return 0 < len(name) <= 253 and all(_HOST_LABEL.match(label) for label in name.split("."))


def _is_port(text: str) -> bool:
    return text.isdigit() and 1 <= int(text) <= 65535


def address_is_readable(text: str) -> bool:
    """One of the forms a Service's `addresses` may take: `ip`, `ip:port`, `[ipv6]:port`, `host`, `host:port`."""
    text = text.strip()
    if text.startswith("["):
        host, closed, rest = text[1:].partition("]")
        return bool(closed) and _is_ip(host) and (rest == "" or (rest.startswith(":") and _is_port(rest[1:])))
    if _is_ip(text):
        return True
    host, sep, port = text.rpartition(":")
    if sep:
        return _is_port(port) and _is_host(host) and ":" not in host
    return _is_host(text)


def _value_problem(check: Optional[str], value: Any) -> Optional[str]:
    if check == "count":
        if isinstance(value, str) and not value.strip().isdigit():
            return f"is {value!r:.60}, not a count"
        if isinstance(value, int) and value < 0:
            return f"is {value}, a negative count"
    elif check == "port" and not 1 <= value <= 65535:
        return f"is {value}, not a port (1-65535)"
    elif check == "address" and not address_is_readable(value):
        return f"is {value!r:.80}, which is not an IP address, IP:port, [IPv6]:port or host name"
    elif check == "ip" and not _is_ip(value.strip()):
        return f"is {value!r:.80}, not an IP address"
    return None


def _is_empty(value: Any) -> bool:
    return value in ([], {}) or (isinstance(value, str) and not value.strip())


def _places(body: Any, path: str) -> Iterator[Tuple[str, Dict[str, Any], str]]:
    """(concrete path, container, key) of the field `path` names; `key[]` items yield (path, the list, index).

    The walk stops under a parent that is absent or of another type: that parent's own field reports it.
    """
    parts = path.split(".")
    frontier: List[Tuple[str, Any]] = [("", body)]
    for depth, part in enumerate(parts):
        each = part.endswith("[]")
        key = part[:-2] if each else part
        last = depth == len(parts) - 1
        following: List[Tuple[str, Any]] = []
        for prefix, container in frontier:
            if not isinstance(container, dict):
                continue
            name = f"{prefix}.{key}" if prefix else key
            if last and not each:
                yield name, container, key
                continue
            value = container.get(key)
            if each:
                if not isinstance(value, list):
                    continue
                for index, item in enumerate(value):
                    if last:
                        yield f"{name}[{index}]", value, index  # type: ignore[misc]
                    else:
                        following.append((f"{name}[{index}]", item))
            else:
                following.append((name, value))
        frontier = following


def _stands_in(container: Any, key: Optional[str]) -> bool:
    """The sibling `key` holds a non-empty value where the field is absent or empty (Field.instead)."""
    return bool(key) and isinstance(container, dict) and not _is_empty(container.get(key) or "")


def check_answer(answer: Answer, conditions: FrozenSet[str] = frozenset()) -> Answer:
    """The answer checked against its action's contract; MalformedAnswerError names the first field that fails."""
    contract = CONTRACTS[answer.operation]
    for field in contract.fields:
        required = field.required or field.required_when in conditions
        for name, container, key in _places(answer.body, field.path):
            value = container[key] if isinstance(container, list) else container.get(key)
            if value is None or (_is_empty(value) and not field.may_be_empty):
                if not required or _stands_in(container, field.instead):
                    continue
                raise answer.malformed(name, "is missing" if value is None else "is empty")
            check_type(answer, value, field.kind, name)
            problem = _value_problem(field.check, value)
            if problem:
                raise answer.malformed(name, problem)
    return answer


def read_checked(
    session: Any,
    operation: str,
    method: str,
    *args: Any,
    doing: Optional[str] = None,
    conditions: FrozenSet[str] = frozenset(),
) -> Answer:
    """One read through the SDK client's typed ``method``, its answer taken raw and checked against its contract."""
    product = CONTRACTS[operation].product
    return check_answer(call_raw(session, product, operation, method, *args, doing=doing), conditions)


def stated_total(answer: Answer) -> int:
    """The total a numbered page states (its contract's `total`, checked): what the items must number."""
    contract = CONTRACTS[answer.operation]
    value: Any = answer.body
    for key in (contract.total or "").split("."):
        value = value[key]
    return int(value)


def items_of(answer: Answer) -> List[Any]:
    """The listing's items (its contract's `items`, checked)."""
    value: Any = answer.body
    for key in (CONTRACTS[answer.operation].items or "").split("."):
        value = value[key]
    return value
