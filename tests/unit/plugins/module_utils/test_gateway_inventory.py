# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure parts of the gateways inventory: filters, regions, zones, paging decisions, host names."""

from __future__ import annotations

import pytest
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import GatewayFilters
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import RegionGateway
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import check_regions
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import connection_params
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import host_names
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import in_region
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import matches
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import parse_filters
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import requested_regions
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_inventory import zone_in_region

GATEWAY = {
    "gateway_id": "gw-1",
    "name": "orders",
    "vpc_id": "vpc-1",
    "gateway_type": "API",
    "resource_group_id": "rg-1",
    "tags": {"env": "prod", "team": "orders"},
    "zones": [{"zone_id": "cn-hangzhou-h"}, {"zone_id": "cn-hangzhou-i"}],
}


@pytest.mark.parametrize(
    "raw, field",
    [
        ([], "filters"),
        ({"zone": "x"}, "filters"),
        ({"name": ""}, "filters.name"),
        ({"vpc_id": 3}, "filters.vpc_id"),
        ({"tags": ["env"]}, "filters.tags"),
        ({"tags": {"env": 1}}, "filters.tags.env"),
    ],
)
def test_bad_filters_name_the_field(raw, field):
    with pytest.raises(OptionError) as error:
        parse_filters(raw)
    assert error.value.field == field


def test_server_tags_leave_out_key_only_filters():
    filters = parse_filters({"tags": {"env": "prod", "team": None}})
    assert filters.server_tags() == {"env": "prod"}


@pytest.mark.parametrize(
    "filters, expected",
    [
        (GatewayFilters(), True),
        (GatewayFilters(name="orders"), True),
        (GatewayFilters(name="order"), False),  # exact, even if a server matched a part
        (GatewayFilters(vpc_id="vpc-2"), False),
        (GatewayFilters(gateway_type="AI"), False),
        (GatewayFilters(resource_group_id="rg-1"), True),
        (GatewayFilters(tags={"env": "prod", "team": None}), True),
        (GatewayFilters(tags={"env": "prod", "owner": None}), False),  # every tag (AND), whatever the server did
        (GatewayFilters(tags={"env": "dev"}), False),
    ],
)
def test_matches(filters, expected):
    assert matches(GATEWAY, filters) is expected


@pytest.mark.parametrize(
    "zone, region, expected",
    [
        ("cn-hangzhou-h", "cn-hangzhou", True),
        ("ap-southeast-1a", "ap-southeast-1", True),
        ("ap-southeast-10a", "ap-southeast-1", False),
        ("cn-hangzhou-finance-j", "cn-hangzhou", False),
        ("cn-shanghai-b", "cn-hangzhou", False),
    ],
)
def test_zone_in_region(zone, region, expected):
    assert zone_in_region(zone, region) is expected


def test_in_region_needs_every_zone_and_trusts_a_gateway_without_zones():
    assert in_region(GATEWAY, "cn-hangzhou")
    assert not in_region(
        dict(GATEWAY, zones=[{"zone_id": "cn-hangzhou-h"}, {"zone_id": "cn-shanghai-b"}]), "cn-hangzhou"
    )
    assert in_region(dict(GATEWAY, zones=[]), "cn-shanghai")


def test_regions_default_to_the_one_region_and_are_deduplicated():
    assert requested_regions([], "cn-shanghai") == ["cn-shanghai"]
    assert requested_regions(["cn-a", "cn-b", "cn-a"], None) == ["cn-a", "cn-b"]
    with pytest.raises(OptionError, match="no default region"):
        requested_regions(None, None)
    with pytest.raises(OptionError, match="list of region ids"):
        requested_regions("cn-hangzhou", None)


def test_check_regions():
    check_regions(["cn-hangzhou"], ["cn-hangzhou", "cn-shanghai"])
    check_regions(["anything-1"], [])  # nothing offered (unknown): nothing checked
    with pytest.raises(OptionError, match="'cn-nowhere' is not a region where APIG is offered"):
        check_regions(["cn-hangzhou", "cn-nowhere"], ["cn-hangzhou"])


def test_connection_params_keep_the_module_defaults_and_refuse_key_with_profile():
    params = connection_params({"access_key_id": "ak", "access_key_secret": "s"}, "cn-hangzhou")
    assert params["region"] == "cn-hangzhou" and params["max_attempts"] == 8 and params["read_timeout"] == 30.0
    with pytest.raises(OptionError) as error:
        connection_params({"access_key_id": "ak", "profile": "p"}, "cn-hangzhou")
    assert error.value.field == "profile"


def test_host_names_by_name_refuse_two_gateways_with_one_name():
    records = [RegionGateway("cn-a", dict(GATEWAY)), RegionGateway("cn-b", dict(GATEWAY, gateway_id="gw-2"))]
    assert [name for name, _record in host_names(records, "gateway_id")] == ["gw-1", "gw-2"]
    with pytest.raises(OptionError, match="two gateways the host name 'orders' \\(gw-1 and gw-2\\)"):
        host_names(records, "name")
