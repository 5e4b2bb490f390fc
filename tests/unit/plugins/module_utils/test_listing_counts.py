# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A numbered listing (ListGateways) is complete or MalformedAnswer: _apig._check_complete_listing."""

from __future__ import annotations

import pytest
from ansible_collections.alibabacloud.apig.plugins.module_utils._answers import Answer
from ansible_collections.alibabacloud.apig.plugins.module_utils._answers import MalformedAnswerError
from ansible_collections.alibabacloud.apig.plugins.module_utils._apig import _check_complete_listing
from ansible_collections.alibabacloud.apig.plugins.module_utils._apig import checked_gateway_item


def page(request_id: str) -> Answer:
    return Answer("apig", "ListGateways", {}, request_id)


def test_distinct_items_equal_to_the_total_every_page_states_pass():
    _check_complete_listing([(page("r1"), 4), (page("r2"), 4)], 4, "gateways", "data.totalSize")
    _check_complete_listing([(page("r1"), 0)], 0, "gateways", "data.totalSize")


@pytest.mark.parametrize(
    "pages, received, problem, request_id",
    [
        ([4, 4], 3, "data.totalSize is 4, but the 2 page(s) held 3 distinct gateways", "r2"),
        ([2], 3, "data.totalSize is 2, but the 1 page(s) held 3 distinct gateways", "r1"),
        ([4, 5], 4, "data.totalSize is 5 on page 2 but 4 on page 1", "r2"),
    ],
)
def test_fewer_or_more_items_or_a_moving_total_are_malformed(pages, received, problem, request_id):
    answers = [(page(f"r{number}"), total) for number, total in enumerate(pages, start=1)]
    with pytest.raises(MalformedAnswerError) as caught:
        _check_complete_listing(answers, received, "gateways", "data.totalSize")
    assert problem in str(caught.value) and caught.value.request_id == request_id
    assert caught.value.field == "data.totalSize"


@pytest.mark.parametrize(
    "item, field",
    [
        ({"name": "x"}, "data.items[0].gatewayId is missing"),
        ({"gatewayId": " "}, "data.items[0].gatewayId is empty"),
        ({"gatewayId": "gw-1", "zones": {}}, "data.items[0].zones is dict"),
        ({"gatewayId": "gw-1", "zones": ["cn-hangzhou-h"]}, "data.items[0].zones[0] is str"),
        ({"gatewayId": "gw-1", "zones": [{"zoneId": 5}]}, "data.items[0].zones[0].zoneId is int"),
        ({"gatewayId": "gw-1", "tags": [["env", "prod"]]}, "data.items[0].tags[0] is list"),
        ({"gatewayId": "gw-1", "securityGroup": "sg-1"}, "data.items[0].securityGroup is str"),
        ({"gatewayId": "gw-1", "name": 5}, "data.items[0].name is int"),
    ],
)
def test_a_gateway_item_of_the_wrong_shape_is_malformed(item, field):
    with pytest.raises(MalformedAnswerError) as caught:
        checked_gateway_item(page("r1"), item, "data.items[0]")
    assert field in str(caught.value)


def test_a_gateway_item_with_only_its_id_is_read():
    assert checked_gateway_item(page("r1"), {"gatewayId": "gw-1"}, "data.items[0]") == {"gatewayId": "gw-1"}
