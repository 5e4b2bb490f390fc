# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The gateways inventory plugin through real ansible-inventory runs against the emulator.

The regions world (tests/emulator/worlds/regions.yml) has two gateways in cn-hangzhou and two in
cn-shanghai; one loopback endpoint answers for both regions, and the plugin keeps a gateway under a
region only if its zones are there.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any
from typing import Dict
from typing import List

import pytest
import yaml
from integration.playbook import run_inventory_source

HZ = ("gw-orders-hz01", "gw-search-hz01")
SH = ("gw-orders-sh01", "gw-billing-sh01")
DEMO = {
    "plugin": "alibabacloud.apig.gateways",
    "regions": ["cn-hangzhou", "cn-shanghai"],
    "keyed_groups": [
        {"key": "backend_access_region", "prefix": "region"},
        {"key": "apig_tags.env", "prefix": "env"},
        {"key": "apig_vpc_id", "prefix": "vpc"},
    ],
}


def run_inventory(
    tmp_path: Path, emulator: Any, config: Dict[str, Any], *args: str, env: Dict[str, str] = None, name="demo.apig.yml"
) -> subprocess.CompletedProcess:
    return run_inventory_source(tmp_path, config, dict(emulator.env(), **(env or {})), *args, name=name)


def plain(value: Any) -> Any:
    """ansible-inventory's JSON with the untrusted-string wrappers taken off.

    Strings from the cloud (names, tags) reach the inventory as untrusted, so that a tag value holding
    a template is never rendered; --list shows them as {"__ansible_unsafe": "..."}.
    """
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def listed(tmp_path: Path, emulator: Any, config: Dict[str, Any], **kwargs: Any) -> Dict[str, Any]:
    proc = run_inventory(tmp_path, emulator, config, "--list", **kwargs)
    assert proc.returncode == 0, proc.stderr
    return plain(json.loads(proc.stdout))


def hosts_of(inventory: Dict[str, Any], group: str) -> List[str]:
    return sorted(inventory.get(group, {}).get("hosts", []))


def list_calls(emulator: Any) -> List[Dict[str, Any]]:
    return [c for c in emulator.calls() if c["action"] == "ListGateways"]


@pytest.mark.world("regions.yml")
def test_graph_groups_two_regions_by_region_and_tag(tmp_path, emulator):
    proc = run_inventory(tmp_path, emulator, DEMO, "--graph")
    assert proc.returncode == 0, proc.stderr
    graph = proc.stdout
    assert "@region_cn_hangzhou:" in graph and "@region_cn_shanghai:" in graph
    sections = {block.split(":")[0].strip(" |-@"): block for block in graph.split("--@")}
    for gateway in HZ:
        assert gateway in sections["region_cn_hangzhou"] and gateway not in sections["region_cn_shanghai"]
    for gateway in SH:
        assert gateway in sections["region_cn_shanghai"] and gateway not in sections["region_cn_hangzhou"]
    assert all(g in sections["env_prod"] for g in ("gw-orders-hz01", "gw-orders-sh01", "gw-billing-sh01"))
    assert "gw-search-hz01" in sections["env_dev"] and "gw-search-hz01" not in sections["env_prod"]


@pytest.mark.world("regions.yml")
def test_list_host_variables_and_calls(tmp_path, emulator):
    emulator.clear_calls()
    inventory = listed(tmp_path, emulator, DEMO)
    assert hosts_of(inventory, "apig_gateways") == sorted(HZ + SH)
    assert hosts_of(inventory, "vpc_vpc_apps_sh01") == sorted(SH)
    variables = inventory["_meta"]["hostvars"]["gw-orders-hz01"]
    assert variables == {
        "backend_access_gateway_id": "gw-orders-hz01",
        "backend_access_region": "cn-hangzhou",
        "apig_gateway_id": "gw-orders-hz01",
        "apig_name": "orders-hz",
        "apig_region": "cn-hangzhou",
        "apig_vpc_id": "vpc-apps-hz01",
        "apig_vswitch_ids": ["vsw-apps-h-hz01", "vsw-apps-i-hz01"],
        "apig_zone_ids": ["cn-hangzhou-h", "cn-hangzhou-i"],
        "apig_security_group_id": "sg-gw-orders-hz01",
        "apig_status": "Running",
        "apig_gateway_type": "API",
        "apig_spec": "apigw.small.x1",
        "apig_resource_group_id": "rg-orders",
        "apig_tags": {"env": "prod", "team": "orders"},
    }
    assert inventory["_meta"]["hostvars"]["gw-billing-sh01"]["backend_access_region"] == "cn-shanghai"
    # One DescribeRegions, then one ListGateways per region (each region fits in one page).
    actions = [c["action"] for c in emulator.calls()]
    assert actions == ["DescribeRegions", "ListGateways", "ListGateways"]


@pytest.mark.world("regions.yml")
def test_filters_server_side_and_client_side(tmp_path, emulator):
    emulator.clear_calls()
    config = dict(DEMO, filters={"tags": {"env": "prod", "team": None}, "gateway_type": "API"})
    inventory = listed(tmp_path, emulator, config)
    assert hosts_of(inventory, "apig_gateways") == ["gw-orders-hz01", "gw-orders-sh01"]
    params = [c["params"] for c in list_calls(emulator)]
    # The tag with a value and the type go to the server; the key-only tag is checked by the plugin.
    assert all(json.loads(p["tag"]) == [{"key": "env", "value": "prod"}] and p["gatewayType"] == "API" for p in params)

    for filters, expected in (
        ({"name": "search-hz"}, ["gw-search-hz01"]),
        ({"vpc_id": "vpc-apps-sh01"}, sorted(SH)),
        ({"resource_group_id": "rg-orders"}, ["gw-orders-hz01", "gw-orders-sh01"]),
        ({"tags": {"team": "billing"}}, ["gw-billing-sh01"]),
        ({"tags": {"owner": None}}, []),
    ):
        inventory = listed(tmp_path, emulator, dict(DEMO, filters=filters))
        assert hosts_of(inventory, "apig_gateways") == expected, filters


@pytest.mark.world("regions.yml")
def test_hostname_name_compose_and_groups(tmp_path, emulator):
    config = dict(
        DEMO,
        hostname="name",
        compose={"ansible_connection": "'local'", "backend_access_backends": "[]"},
        groups={"shanghai_prod": "backend_access_region == 'cn-shanghai' and apig_tags.env == 'prod'"},
    )
    inventory = listed(tmp_path, emulator, config)
    assert hosts_of(inventory, "apig_gateways") == ["billing-sh", "orders-hz", "orders-sh", "search-hz"]
    assert hosts_of(inventory, "shanghai_prod") == ["billing-sh", "orders-sh"]
    assert inventory["_meta"]["hostvars"]["orders-sh"]["ansible_connection"] == "local"
    assert inventory["_meta"]["hostvars"]["orders-sh"]["backend_access_gateway_id"] == "gw-orders-sh01"


def paging_world(count: int) -> Dict[str, Any]:
    world = yaml.safe_load((Path(__file__).parents[2] / "emulator" / "worlds" / "regions.yml").read_text())
    for index in range(count):
        world["gateways"].append(
            {
                "id": f"gw-bulk{index:03d}-hz01",
                "name": f"bulk-{index:03d}",
                "vpc": "vpc-apps-hz01",
                "vswitches": ["vsw-apps-h-hz01"],
                "security_group": {"id": f"sg-gw-bulk{index:03d}-hz01", "name": f"managed-bulk-{index:03d}"},
                "tags": {"env": "bulk"},
            }
        )
    return world


def test_paging_follows_the_answers(tmp_path, make_emulator):
    emulator = make_emulator(paging_world(110))  # 112 gateways in cn-hangzhou: pages of 50, 50, 12
    emulator.clear_calls()
    inventory = listed(tmp_path, emulator, dict(DEMO, regions=["cn-hangzhou"]))
    assert len(hosts_of(inventory, "apig_gateways")) == 112
    assert len(hosts_of(inventory, "env_bulk")) == 110
    pages = [(c["params"]["pageNumber"], c["params"]["pageSize"]) for c in list_calls(emulator)]
    assert pages == [("1", "50"), ("2", "50"), ("3", "50")]


@pytest.mark.world("regions.yml")
def test_bad_credentials_fail_with_one_clear_error(tmp_path, emulator):
    env = {"ALIBABA_CLOUD_ACCESS_KEY_SECRET": "wrong-secret-value"}
    proc = run_inventory(tmp_path, emulator, DEMO, "--list", env=env)
    assert proc.returncode != 0
    assert "SignatureDoesNotMatch" in proc.stderr and "Check the credentials" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout and "wrong-secret-value" not in proc.stderr
    env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "emulator-ak-unknown"}
    proc = run_inventory(tmp_path, emulator, DEMO, "--list", env=env)
    assert proc.returncode != 0 and "InvalidAccessKeyId.NotFound" in proc.stderr, proc.stderr
    assert not list_calls(emulator)


@pytest.mark.world("regions.yml")
def test_unknown_region_fails_naming_it(tmp_path, emulator):
    emulator.clear_calls()
    proc = run_inventory(tmp_path, emulator, dict(DEMO, regions=["cn-hangzhou", "cn-nowhere"]), "--list")
    assert proc.returncode != 0
    assert "regions: 'cn-nowhere' is not a region where APIG is offered" in proc.stderr
    assert "cn-hangzhou, cn-shanghai" in proc.stderr and "Traceback" not in proc.stderr
    assert not list_calls(emulator)
    proc = run_inventory(tmp_path, emulator, dict(DEMO, regions=["Hangzhou"]), "--list")
    assert proc.returncode != 0 and "region: 'Hangzhou' is not a region id" in proc.stderr, proc.stderr


@pytest.mark.world("regions.yml")
def test_without_describe_regions_permission_the_names_are_not_checked(tmp_path, emulator):
    env = {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "emulator-ak-readonly",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "emulator-secret-readonly",
    }
    proc = run_inventory(tmp_path, emulator, DEMO, "--list", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "The region names are not checked" in proc.stderr and "NoPermission" in proc.stderr
    assert len(json.loads(proc.stdout)["apig_gateways"]["hosts"]) == 4


@pytest.mark.world("regions.yml")
def test_default_region_from_the_credential_environment(tmp_path, emulator):
    config = {"plugin": "alibabacloud.apig.gateways"}
    inventory = listed(tmp_path, emulator, config, env={"ALIBABA_CLOUD_REGION_ID": "cn-shanghai"})
    assert hosts_of(inventory, "apig_gateways") == sorted(SH)


@pytest.mark.world("regions.yml")
def test_cache_answers_the_second_run(tmp_path, emulator):
    cache_dir = tmp_path / "cache"
    config = dict(DEMO, cache=True, cache_plugin="ansible.builtin.jsonfile", cache_connection=str(cache_dir))
    emulator.clear_calls()
    first = listed(tmp_path, emulator, config)
    assert len(list_calls(emulator)) == 2 and any(cache_dir.iterdir())
    emulator.clear_calls()
    second = listed(tmp_path, emulator, config)
    assert second == first and emulator.calls() == []
    proc = run_inventory(tmp_path, emulator, config, "--list", "--flush-cache")
    assert proc.returncode == 0 and len(list_calls(emulator)) == 2


@pytest.mark.world("regions.yml")
def test_files_of_other_names_are_not_read(tmp_path, emulator):
    proc = run_inventory(tmp_path, emulator, DEMO, "--list", name="demo.yml")
    assert proc.returncode != 0 and "gw-orders-hz01" not in proc.stdout
