# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One play over the gateways inventory converges gateways of two regions, each in its own region.

The regions world (tests/emulator/worlds/regions.yml) has two gateways in cn-hangzhou and two in cn-shanghai,
each with an instance tagged app=<its team> in its VPC. The inventory plugin gives every host
backend_access_gateway_id and backend_access_region; its `compose` gives each gateway its backends (the
instances tagged with the gateway's team) and its VPC. ECS is region-scoped, so each host's discovery only
finds its own region's instances when the role passes backend_access_region to every call.
"""

from __future__ import annotations

import collections
from pathlib import Path

import pytest
import yaml
from integration.playbook import run_playbook
from integration.reliability.helpers import assert_no_crash

SITE = Path(__file__).resolve().parents[3] / "docs" / "awx" / "project" / "site.yml"
# Each gateway's backend group: the group of the instance tagged with its team, in its own region.
EXPECTED = {
    "gw-orders-hz01": "sg-orders-hz01",
    "gw-search-hz01": "sg-search-hz01",
    "gw-orders-sh01": "sg-orders-sh01",
    "gw-billing-sh01": "sg-billing-sh01",
}
INVENTORY = {
    "plugin": "alibabacloud.apig.gateways",
    "regions": ["cn-hangzhou", "cn-shanghai"],
    "keyed_groups": [{"key": "backend_access_region", "prefix": "region"}],
    "compose": {
        "backend_access_vpc_id": "apig_vpc_id",
        "backend_access_backends": (
            "[{'name': apig_tags.team, 'instance_tags': {'app': apig_tags.team}, 'port_ranges': [8080]}]"
        ),
    },
}


@pytest.mark.world("regions.yml")
def test_one_play_converges_two_gateways_in_each_of_two_regions(emulator, tmp_path: Path):
    inventory = tmp_path / "gateways.apig.yml"
    inventory.write_text(yaml.safe_dump(INVENTORY))
    # No region in the environment: each host's backend_access_region is the only one.
    env = {k: v for k, v in emulator.env().items() if k != "ALIBABA_CLOUD_REGION_ID"}
    run = run_playbook(str(SITE), env, inventory=str(inventory), args=["--forks", "4"])
    assert_no_crash(run.output)
    assert run.rc == 0, run

    hosts = {r["host"] for r in run.results if r["task"] == "Converge the gateway's authorizations"}
    assert len(hosts) == 4, hosts
    gateways = {g["id"]: g for g in emulator.state()["gateways"]}
    for gateway_id, group in EXPECTED.items():
        authorized = {(a["security_group"], a["port_range"]) for a in gateways[gateway_id]["authorizations"]}
        assert authorized == {(group, "8080/8080")}, gateway_id

    # Every ECS call carried its host's region: two tag look-ups and two group reads per region.
    ecs = collections.Counter(
        (c["action"], c["params"].get("RegionId")) for c in emulator.calls() if c["product"] == "ecs"
    )
    for region in ("cn-hangzhou", "cn-shanghai"):
        assert ecs[("DescribeInstances", region)] == 2, ecs
        assert ecs[("DescribeSecurityGroups", region)] == 2, ecs
    assert {key[1] for key in ecs} == {"cn-hangzhou", "cn-shanghai"}
    adds = [c for c in emulator.calls() if c["action"] == "AddGatewaySecurityGroupRule"]
    assert len(adds) == 4
