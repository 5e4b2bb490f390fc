# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""ECS 2014-05-26 reads: instances, security groups and their ingress rules, as snake_case dicts.

One function per operation, each going through Session.call. Id lists are cut into batches
of the API's maximum (100 ids per call) and every batch asks for 100 results per page, so a
look-up of n ids costs ceil(n/100) calls: the count depends only on the input, never on timing.
Batches may run in parallel (bounded), which changes how long a look-up takes, not what it calls.
Pages follow the answer's NextToken (_paging), however few items a page holds; each answer is read
raw and checked against its contract (_answer_contract): a listing without its wrapper
(``Instances.Instance``, ``SecurityGroups.SecurityGroup``, ``Permissions.Permission``), an item
without its id, its groups, its VPC or (an ENI) its IPs is malformed, never empty.
"""

from __future__ import annotations

import json
from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterable
from typing import List
from typing import Optional
from typing import Sequence
from typing import TypeVar

from ansible_collections.alibabacloud.apig.plugins.module_utils._answer_contract import items_of
from ansible_collections.alibabacloud.apig.plugins.module_utils._answer_contract import read_checked
from ansible_collections.alibabacloud.apig.plugins.module_utils._client import Session
from ansible_collections.alibabacloud.apig.plugins.module_utils._paging import TokenPage
from ansible_collections.alibabacloud.apig.plugins.module_utils._paging import collect_token_pages
from ansible_collections.alibabacloud.apig.plugins.module_utils._parallel import bounded_map

T = TypeVar("T")

MAX_IDS_PER_CALL = 100  # InstanceIds and SecurityGroupIds take at most 100 ids
PAGE_SIZE = 100  # MaxResults above 100 is read as 100
RULES_PAGE_SIZE = 1000  # DescribeSecurityGroupAttribute takes MaxResults up to 1000
ENI_PAGE_SIZE = 500  # DescribeNetworkInterfaces takes MaxResults 10-500
MAX_TAGS = 20  # Tag.N, N from 1 to 20


def chunks(items: Sequence[T], size: int = MAX_IDS_PER_CALL) -> List[List[T]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _unique(ids: Iterable[str]) -> List[str]:
    """Sorted and de-duplicated, so that batches (and therefore calls) do not depend on input order."""
    return sorted(set(ids))


def _in_batches(read_batch: Callable[[List[str]], List[Dict[str, Any]]], values: Iterable[str]) -> List[Dict[str, Any]]:
    """read_batch over the unique values, MAX_IDS_PER_CALL a batch, batches read in parallel; results in order."""
    return [item for result in bounded_map(read_batch, chunks(_unique(values))) for item in result]


def _listed(container: Any, key: str) -> List[Any]:
    """RPC responses wrap lists as {"Key": [...]}; an absent or empty wrapper means no items."""
    if not isinstance(container, dict):
        return []
    items = container.get(key)
    if items is None:
        return []
    return items if isinstance(items, list) else [items]


def instance_from_wire(item: Dict[str, Any]) -> Dict[str, Any]:
    vpc = item.get("VpcAttributes") or {}
    private_ips = list(_listed(vpc.get("PrivateIpAddress"), "IpAddress"))
    if not private_ips:
        for nic in _listed(item.get("NetworkInterfaces"), "NetworkInterface"):
            nic_ips = [
                s["PrivateIpAddress"]
                for s in _listed(nic.get("PrivateIpSets"), "PrivateIpSet")
                if s.get("PrivateIpAddress")
            ]
            if not nic_ips and nic.get("PrimaryIpAddress"):
                nic_ips = [nic["PrimaryIpAddress"]]
            private_ips.extend(nic_ips)
    tags = {t.get("TagKey"): t.get("TagValue", "") for t in _listed(item.get("Tags"), "Tag") if t.get("TagKey")}
    nics = _listed(item.get("NetworkInterfaces"), "NetworkInterface")
    primary_nic = next((n for n in nics if n.get("Type") == "Primary"), nics[0] if nics else {})
    return {
        "primary_network_interface_id": primary_nic.get("NetworkInterfaceId") or None,
        "instance_id": item.get("InstanceId"),
        "name": item.get("InstanceName"),
        "status": item.get("Status"),
        "vpc_id": vpc.get("VpcId") or None,
        "vswitch_id": vpc.get("VSwitchId") or None,
        # The order ECS reports is kept: the first group is the primary one.
        "security_group_ids": list(_listed(item.get("SecurityGroupIds"), "SecurityGroupId")),
        "private_ips": private_ips,
        "tags": tags,
    }


def security_group_from_wire(item: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "security_group_id": item.get("SecurityGroupId"),
        "name": item.get("SecurityGroupName"),
        "type": (item.get("SecurityGroupType") or "normal").lower(),
        "vpc_id": item.get("VpcId") or None,
    }


def permission_from_wire(item: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "rule_id": item.get("SecurityGroupRuleId"),
        "direction": item.get("Direction"),
        "policy": item.get("Policy"),
        "ip_protocol": item.get("IpProtocol"),
        "port_range": item.get("PortRange"),
        "source_group_id": item.get("SourceGroupId") or None,
        "source_cidr_ip": item.get("SourceCidrIp") or None,
        "description": item.get("Description") or None,
    }


def _token_pages(
    session: Session,
    operation: str,
    method: str,
    build_request: Callable[[Optional[str]], Any],
    from_wire: Callable[[Dict[str, Any]], Dict[str, Any]],
) -> List[Dict[str, Any]]:
    """Every item of a NextToken-paged RPC listing, one page after the other, each page checked."""

    def page(token: Optional[str]) -> TokenPage:
        answer = read_checked(session, operation, method, build_request(token))
        return TokenPage([from_wire(item) for item in items_of(answer)], answer.body.get("NextToken"), answer)

    return collect_token_pages(page)


def _describe_instances_pages(session: Session, build_request: Callable[[Optional[str]], Any]) -> List[Dict]:
    return _token_pages(session, "DescribeInstances", "describe_instances", build_request, instance_from_wire)


def _describe_instances_in_batches(
    session: Session, field: str, values: Iterable[str], vpc_id: Optional[str]
) -> List[Dict[str, Any]]:
    """DescribeInstances filtered by a JSON-array field (InstanceIds, PrivateIpAddresses), 100 values a call."""
    models = session.models("ecs")

    def batch(batch_values: List[str]) -> List[Dict]:
        def build(token: Optional[str]) -> Any:
            return models.DescribeInstancesRequest(
                region_id=session.region,
                vpc_id=vpc_id,
                max_results=PAGE_SIZE,
                next_token=token,
                **{field: json.dumps(batch_values)},
            )

        return _describe_instances_pages(session, build)

    return _in_batches(batch, values)


def describe_instances_by_ids(
    session: Session, ids: Iterable[str], vpc_id: Optional[str] = None
) -> List[Dict[str, Any]]:
    """The instances among ids that exist (unknown ids are simply absent), ceil(n/100) calls."""
    return _describe_instances_in_batches(session, "instance_ids", ids, vpc_id)


def describe_instances_by_tags(
    session: Session, tags: Dict[str, str], vpc_id: Optional[str] = None
) -> List[Dict[str, Any]]:
    """The instances that carry every tag (key and value), paged 100 at a time."""
    if not tags or len(tags) > MAX_TAGS:
        raise ValueError(f"DescribeInstances takes 1 to {MAX_TAGS} tags, got {len(tags or {})}")
    models = session.models("ecs")
    tag_filters = [models.DescribeInstancesRequestTag(key=k, value=v) for k, v in sorted(tags.items())]

    def build(token: Optional[str]) -> Any:
        return models.DescribeInstancesRequest(
            region_id=session.region, tag=tag_filters, vpc_id=vpc_id, max_results=PAGE_SIZE, next_token=token
        )

    return _describe_instances_pages(session, build)


def describe_security_groups(session: Session, ids: Iterable[str]) -> List[Dict[str, Any]]:
    """The groups among ids that exist (unknown ids are simply absent), ceil(n/100) calls."""
    models = session.models("ecs")

    def batch(batch_ids: List[str]) -> List[Dict]:
        def build(token: Optional[str]) -> Any:
            return models.DescribeSecurityGroupsRequest(
                region_id=session.region,
                security_group_ids=json.dumps(batch_ids),
                max_results=PAGE_SIZE,
                next_token=token,
            )

        return _token_pages(
            session, "DescribeSecurityGroups", "describe_security_groups", build, security_group_from_wire
        )

    return _in_batches(batch, ids)


def describe_security_group_ingress(session: Session, security_group_id: str) -> List[Dict[str, Any]]:
    """A group's ingress rules (permissions), all pages. Raises ApiError if the group is unknown."""
    models = session.models("ecs")

    def build(token: Optional[str]) -> Any:
        return models.DescribeSecurityGroupAttributeRequest(
            region_id=session.region,
            security_group_id=security_group_id,
            direction="ingress",
            max_results=RULES_PAGE_SIZE,
            next_token=token,
        )

    return _token_pages(
        session, "DescribeSecurityGroupAttribute", "describe_security_group_attribute", build, permission_from_wire
    )


def describe_instances_by_private_ips(session: Session, ips: Iterable[str], vpc_id: str) -> List[Dict[str, Any]]:
    """The instances of the VPC holding any of ips as their own (primary ENI) address, ceil(n/100) calls."""
    return _describe_instances_in_batches(session, "private_ip_addresses", ips, vpc_id)


def network_interface_from_wire(item: Dict[str, Any]) -> Dict[str, Any]:
    ips = [s.get("PrivateIpAddress") for s in _listed(item.get("PrivateIpSets"), "PrivateIpSet")]
    primary = item.get("PrivateIpAddress") or None
    return {
        "network_interface_id": item.get("NetworkInterfaceId"),
        "type": item.get("Type"),
        "instance_id": item.get("InstanceId") or None,
        "security_group_ids": list(_listed(item.get("SecurityGroupIds"), "SecurityGroupId")),
        "private_ips": list(dict.fromkeys(ip for ip in [primary, *ips] if ip)),
    }


class NetworkInterfacePager:
    """DescribeNetworkInterfaces of a VPC (optionally only ENIs holding one of `ips` as a secondary IP,
    or the one whose primary IP is `primary_ip`).

    first() reads one page and tells the total (TotalCount); rest() reads the pages after it.
    Split so that the caller can weigh the pages left against another way of looking up (_services).
    """

    def __init__(
        self, session: Session, vpc_id: str, ips: Optional[List[str]] = None, primary_ip: Optional[str] = None
    ) -> None:
        self.session = session
        self.vpc_id = vpc_id
        self.ips = ips
        self.primary_ip = primary_ip
        self.next_token: Optional[str] = None
        self.total: Optional[int] = None

    def page(self, token: Optional[str]) -> TokenPage:
        request = self.session.models("ecs").DescribeNetworkInterfacesRequest(
            region_id=self.session.region,
            vpc_id=self.vpc_id,
            private_ip_address=self.ips,
            primary_ip_address=self.primary_ip,
            max_results=ENI_PAGE_SIZE,
            next_token=token,
        )
        answer = read_checked(
            self.session,
            "DescribeNetworkInterfaces",
            "describe_network_interfaces",
            request,
            doing=f"list the network interfaces of {self.vpc_id}",
        )
        items = [network_interface_from_wire(item) for item in items_of(answer)]
        total = answer.body.get("TotalCount")
        self.total = int(total) if total is not None else None
        self.next_token = answer.body.get("NextToken") or None
        return TokenPage(items, self.next_token, answer)

    def first(self) -> List[Dict[str, Any]]:
        return self.page(None).items

    def rest(self) -> List[Dict[str, Any]]:
        """The pages after first(); none when first() was the last."""
        if self.next_token is None:
            return []
        start = self.next_token
        return collect_token_pages(lambda token: self.page(token or start))


def describe_network_interfaces_by_ips(session: Session, vpc_id: str, ips: Iterable[str]) -> List[Dict[str, Any]]:
    """ENIs of the VPC matched by PrivateIpAddress.N (secondary IPs as documented), ceil(n/100) calls."""

    def batch(batch_ips: List[str]) -> List[Dict]:
        pager = NetworkInterfacePager(session, vpc_id, batch_ips)
        return pager.first() + pager.rest()

    return _in_batches(batch, ips)
