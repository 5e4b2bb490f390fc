# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Answers are checked before they are read: a missing key or a wrong type is an error, never "empty"."""

from __future__ import annotations

import copy
from typing import Any
from typing import Callable
from typing import Dict

import pytest
from ansible_collections.alibabacloud.apig.plugins.module_utils._answer_contract import check_answer
from ansible_collections.alibabacloud.apig.plugins.module_utils._answer_contract import items_of
from ansible_collections.alibabacloud.apig.plugins.module_utils._answers import Answer
from ansible_collections.alibabacloud.apig.plugins.module_utils._answers import MalformedAnswerError
from ansible_collections.alibabacloud.apig.plugins.module_utils._answers import read_raw_answer
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError

RULE = {
    "securityGroupRuleId": "sgr-1",
    "securityGroupId": "sg-1",
    "portRange": "80/80",
    "authCidrs": ["10.0.0.0/24"],
}
AUTHORIZATIONS = {"requestId": "req-apig", "data": {"items": [RULE]}}
INSTANCES = {
    "RequestId": "req-ecs",
    "NextToken": "",
    "Instances": {
        "Instance": [
            {"InstanceId": "i-1", "SecurityGroupIds": {"SecurityGroupId": ["sg-1"]}, "VpcAttributes": {"VpcId": "v-1"}}
        ]
    },
}
GROUPS = {"RequestId": "req-ecs", "SecurityGroups": {"SecurityGroup": [{"SecurityGroupId": "sg-1", "VpcId": "v-1"}]}}
PERMISSIONS = {"RequestId": "req-ecs", "Permissions": {"Permission": [{"PortRange": "80/80", "IpProtocol": "TCP"}]}}
NODES = {"nodes": [{"instance_id": "i-1"}], "page": {"page_number": 1, "page_size": 100, "total_count": 1}}
POOLS = {"nodepools": [{"nodepool_info": {"nodepool_id": "np-1"}, "scaling_group": {"security_group_ids": ["sg-1"]}}]}

CHECKS: Dict[str, tuple] = {
    "authorizations": ("apig", "ListGatewayAuthorizedSecurityGroupRules", AUTHORIZATIONS),
    "instances": ("ecs", "DescribeInstances", INSTANCES),
    "groups": ("ecs", "DescribeSecurityGroups", GROUPS),
    "permissions": ("ecs", "DescribeSecurityGroupAttribute", PERMISSIONS),
    "nodes": ("cs", "DescribeClusterNodes", NODES),
    "pools": ("cs", "DescribeClusterNodePools", POOLS),
}


def check(answer: Answer) -> list:
    return items_of(check_answer(answer))


def _answer(product: str, operation: str, body: Dict[str, Any]) -> Answer:
    return Answer(product, operation, body, body.get("requestId") or body.get("RequestId"))


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_a_well_formed_answer_passes(name: str) -> None:
    product, operation, body = CHECKS[name]
    assert check(_answer(product, operation, copy.deepcopy(body)))


def _drop(path: tuple) -> Callable[[Dict], None]:
    def edit(body: Dict) -> None:
        target = body
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return edit


def _set(path: tuple, value: Any) -> Callable[[Dict], None]:
    def edit(body: Dict) -> None:
        target = body
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return edit


# (check, edit, field named in the error)
MALFORMED = [
    ("authorizations", _drop(("data",)), "data is missing"),
    ("authorizations", _set(("data",), None), "data is missing"),
    ("authorizations", _drop(("data", "items")), "data.items is missing"),
    ("authorizations", _set(("data", "items"), {"a": 1}), "data.items is dict"),
    ("authorizations", _set(("data", "items", 0), "sgr-1"), "data.items[0] is str"),
    ("authorizations", _drop(("data", "items", 0, "securityGroupId")), "data.items[0].securityGroupId is missing"),
    ("authorizations", _set(("data", "items", 0, "securityGroupId"), ""), "data.items[0].securityGroupId is empty"),
    ("authorizations", _drop(("data", "items", 0, "securityGroupRuleId")), "securityGroupRuleId is missing"),
    ("authorizations", _set(("data", "items", 0, "securityGroupRuleId"), 7), "securityGroupRuleId is int 7"),
    ("authorizations", _drop(("data", "items", 0, "portRange")), "data.items[0].portRange is missing"),
    ("authorizations", _set(("data", "items", 0, "authCidrs"), 5), "data.items[0].authCidrs is int 5, not a list"),
    ("authorizations", _set(("data", "items", 0, "authCidrs"), [5]), "data.items[0].authCidrs[0] is int"),
    ("instances", _drop(("Instances",)), "Instances is missing"),
    ("instances", _drop(("Instances", "Instance")), "Instances.Instance is missing"),
    ("instances", _set(("Instances", "Instance"), "i-1"), "Instances.Instance is str"),
    ("instances", _drop(("Instances", "Instance", 0, "InstanceId")), "Instances.Instance[0].InstanceId is missing"),
    ("instances", _drop(("Instances", "Instance", 0, "SecurityGroupIds")), "[0].SecurityGroupIds is missing"),
    (
        "instances",
        _set(("Instances", "Instance", 0, "SecurityGroupIds"), {}),
        "SecurityGroupIds.SecurityGroupId is missing",
    ),
    ("instances", _set(("Instances", "Instance", 0, "VpcAttributes"), "vpc-1"), "[0].VpcAttributes is str"),
    ("groups", _drop(("SecurityGroups",)), "SecurityGroups is missing"),
    ("groups", _drop(("SecurityGroups", "SecurityGroup", 0, "SecurityGroupId")), "SecurityGroupId is missing"),
    ("permissions", _drop(("Permissions",)), "Permissions is missing"),
    ("permissions", _set(("Permissions", "Permission"), None), "Permissions.Permission is missing"),
    ("nodes", _drop(("nodes",)), "nodes is missing"),
    ("nodes", _drop(("nodes", 0, "instance_id")), "nodes[0].instance_id is missing"),
    ("nodes", _set(("page", "total_count"), "many"), "page.total_count is 'many', not a count"),
    ("nodes", _set(("page", "total_count"), True), "page.total_count is bool True"),
    ("nodes", _set(("page",), []), "page is list"),
    ("pools", _drop(("nodepools",)), "nodepools is missing"),
    ("pools", _drop(("nodepools", 0, "nodepool_info")), "nodepools[0].nodepool_info is missing"),
    ("pools", _drop(("nodepools", 0, "nodepool_info", "nodepool_id")), "nodepool_info.nodepool_id is missing"),
    ("pools", _drop(("nodepools", 0, "scaling_group")), "nodepools[0].scaling_group is missing"),
    ("pools", _set(("nodepools", 0, "scaling_group", "security_group_ids"), "sg-1"), "security_group_ids is str"),
]


@pytest.mark.parametrize(("name", "edit", "field"), MALFORMED)
def test_a_malformed_answer_is_an_error_naming_product_action_field_and_request_id(
    name: str, edit: Callable[[Dict], None], field: str
) -> None:
    product, operation, body = CHECKS[name]
    body = copy.deepcopy(body)
    edit(body)
    with pytest.raises(MalformedAnswerError) as caught:
        check(_answer(product, operation, body))
    error = caught.value
    assert isinstance(error, ApiError)
    text = str(error)
    assert field in text, text
    assert f"the {product.upper()} answer to {operation} is malformed" in text
    assert error.code == "MalformedAnswer"
    result = error.to_result()
    assert result["operation"] == operation
    assert result["malformed_product"] == product
    assert result["malformed_field"] in text
    assert result["malformed_field"].endswith(field.split(" ")[0].split(".")[-1])
    assert result["request_id"] == (body.get("requestId") or body.get("RequestId"))
    if result["request_id"]:
        assert result["request_id"] in text


def test_an_empty_listing_is_empty_not_malformed() -> None:
    assert check(_answer("apig", "ListGatewayAuthorizedSecurityGroupRules", {"data": {"items": []}})) == []
    assert check(_answer("ecs", "DescribeInstances", {"Instances": {"Instance": []}})) == []
    assert check(_answer("cs", "DescribeClusterNodes", {"nodes": [], "page": {"total_count": 0}})) == []


@pytest.mark.parametrize("value", [0, 12, "12"])
def test_a_count_may_be_a_number_or_a_numeric_string(value: Any) -> None:
    check(_answer("cs", "DescribeClusterNodes", {"nodes": [], "page": {"total_count": value}}))


def test_a_negative_count_is_malformed() -> None:
    with pytest.raises(MalformedAnswerError, match="page.total_count is -1, a negative count"):
        check(_answer("cs", "DescribeClusterNodes", {"nodes": [], "page": {"total_count": -1}}))


def test_a_raw_answer_takes_the_request_id_from_the_body_or_else_the_header() -> None:
    raw = {"body": {"requestId": "b"}, "headers": {"x-acs-request-id": "h"}}
    assert read_raw_answer("apig", "X", raw).request_id == "b"
    assert read_raw_answer("cs", "X", {"body": {"nodes": []}, "headers": {"x-acs-request-id": "h"}}).request_id == "h"


def test_a_body_that_is_not_an_object_is_malformed() -> None:
    with pytest.raises(MalformedAnswerError, match="the body is not a JSON object"):
        read_raw_answer("cs", "DescribeClusterNodes", {"body": [1], "headers": {"x-acs-request-id": "h"}})
