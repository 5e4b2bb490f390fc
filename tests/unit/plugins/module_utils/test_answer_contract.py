# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The answer contract's table and checker: the table's models exist in the SDKs and read the keys it names, the
checker's rules (required, may be empty, `instead`, `required_when`, value checks) and the address forms."""

from __future__ import annotations

import importlib
import inspect
from typing import Any
from typing import Dict

import pytest
from ansible_collections.alibabacloud.apig.plugins.module_utils._answer_contract import CONTRACTS
from ansible_collections.alibabacloud.apig.plugins.module_utils._answer_contract import POOLS_SELECTED
from ansible_collections.alibabacloud.apig.plugins.module_utils._answer_contract import address_is_readable
from ansible_collections.alibabacloud.apig.plugins.module_utils._answer_contract import check_answer
from ansible_collections.alibabacloud.apig.plugins.module_utils._answers import Answer
from ansible_collections.alibabacloud.apig.plugins.module_utils._answers import MalformedAnswerError

SDK_MODELS = {
    "apig": "alibabacloud_apig20240327.models",
    "ecs": "alibabacloud_ecs20140526.models",
    "cs": "alibabacloud_cs20151215.models",
}


@pytest.mark.parametrize("action", sorted(CONTRACTS))
def test_each_contract_names_an_sdk_model_that_reads_its_top_level_keys(action: str) -> None:
    contract = CONTRACTS[action]
    model = getattr(importlib.import_module(SDK_MODELS[contract.product]), contract.model)
    source = inspect.getsource(model.from_map)
    for field in contract.fields:
        key = field.path.split(".")[0].replace("[]", "")
        assert f"m.get('{key}')" in source, (action, field.path)


def _nodes(**node: Any) -> Answer:
    body = {"nodes": [dict({"instance_id": "i-1"}, **node)], "page": {"total_count": 1}, "request_id": "r-1"}
    return Answer("cs", "DescribeClusterNodes", body, "r-1")


def test_a_field_required_only_under_a_condition() -> None:
    check_answer(_nodes())  # a node outside any pool
    with pytest.raises(MalformedAnswerError, match=r"nodes\[0\].nodepool_id is missing"):
        check_answer(_nodes(), frozenset([POOLS_SELECTED]))
    with pytest.raises(MalformedAnswerError, match=r"nodes\[0\].nodepool_id is empty"):
        check_answer(_nodes(nodepool_id=""), frozenset([POOLS_SELECTED]))
    check_answer(_nodes(nodepool_id="np-1"), frozenset([POOLS_SELECTED]))


def _pools(scaling: Dict[str, Any]) -> Answer:
    body = {"nodepools": [{"nodepool_info": {"nodepool_id": "np-1"}, "scaling_group": scaling}]}
    return Answer("cs", "DescribeClusterNodePools", body, None)


@pytest.mark.parametrize(
    "scaling",
    [
        {"security_group_ids": ["sg-1"]},
        {"security_group_id": "sg-1"},
        {"security_group_ids": [], "security_group_id": "sg-1"},
    ],
)
def test_a_pool_names_its_groups_in_the_list_or_in_the_older_single_id(scaling: Dict[str, Any]) -> None:
    check_answer(_pools(scaling))


@pytest.mark.parametrize(
    ("scaling", "problem"),
    [
        ({}, "security_group_ids is missing"),
        ({"security_group_ids": [], "security_group_id": ""}, "security_group_ids is empty"),
        ({"security_group_ids": "sg-1"}, "security_group_ids is str 'sg-1', not a list"),
    ],
)
def test_a_pool_without_a_group_is_malformed(scaling: Dict[str, Any], problem: str) -> None:
    with pytest.raises(MalformedAnswerError, match=problem):
        check_answer(_pools(scaling))


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "10.0.0.1:8080",
        "[fd00::1]:443",
        "[fd00::1]",
        "fd00::1",
        "api.example.com",
        "api.example.com:443",
        "svc_1.ns",
    ],
)
def test_readable_service_addresses(address: str) -> None:
    assert address_is_readable(address)


@pytest.mark.parametrize(
    "address",
    ["", " ", ":8080", "10.0.0.1:0", "10.0.0.1:65536", "[fd00::1]:x", "a b", "-x.example", "host:port"],
)
def test_unreadable_service_addresses(address: str) -> None:
    assert not address_is_readable(address)


def test_an_unreadable_address_is_malformed_naming_the_address() -> None:
    service = {"serviceId": "svc-1", "name": "web", "addresses": ["10.0.0.1:8080", ":8080"]}
    answer = Answer("apig", "GetService", {"data": service}, "r-2")
    with pytest.raises(MalformedAnswerError) as caught:
        check_answer(answer)
    assert caught.value.field == "data.addresses[1]" and "':8080'" in str(caught.value)
    assert "r-2" in str(caught.value)


@pytest.mark.parametrize(
    ("ips", "problem"),
    [
        (None, "PrivateIpSets is missing"),
        ({"PrivateIpSet": []}, "PrivateIpSets.PrivateIpSet is empty"),
        ({"PrivateIpSet": [{"PrivateIpAddress": "10.0.0.300"}]}, "is '10.0.0.300', not an IP address"),
    ],
)
def test_a_network_interface_lists_its_ips(ips: Any, problem: str) -> None:
    eni: Dict[str, Any] = {"NetworkInterfaceId": "eni-1", "SecurityGroupIds": {"SecurityGroupId": ["sg-1"]}}
    if ips is not None:
        eni["PrivateIpSets"] = ips
    answer = Answer("ecs", "DescribeNetworkInterfaces", {"NetworkInterfaceSets": {"NetworkInterfaceSet": [eni]}}, None)
    with pytest.raises(MalformedAnswerError, match=problem):
        check_answer(answer)


def test_optional_fields_may_be_absent_but_not_mistyped() -> None:
    gateway = {"gatewayId": "gw-1", "vpc": {"vpcId": "vpc-1"}, "securityGroup": {"securityGroupId": "sg-1"}}
    check_answer(Answer("apig", "GetGateway", {"data": gateway}, None))
    with pytest.raises(MalformedAnswerError, match="data.zones is int 5, not a list"):
        check_answer(Answer("apig", "GetGateway", {"data": dict(gateway, zones=5)}, None))
