# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The gateways inventory is complete or it fails; skip_failing_regions; credentials masked in its messages.

Real ansible-inventory and ansible-playbook runs against the regions world (two gateways in cn-hangzhou, two in
cn-shanghai). One loopback endpoint answers for both regions, so a failure of "one region" is a fault on the first
ListGateways call (cn-hangzhou is listed first) and the second region's call is answered.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from typing import Dict
from typing import List
from typing import Optional

import pytest
import yaml
from integration.playbook import ansible_env

HZ = ["gw-orders-hz01", "gw-search-hz01"]
SH = ["gw-billing-sh01", "gw-orders-sh01"]
CONFIG = {"plugin": "alibabacloud.apig.gateways", "regions": ["cn-hangzhou", "cn-shanghai"]}
DENIED = {"action": "ListGateways", "fail_next": 1, "status": 403, "code": "NoPermission", "message": "denied"}
REQUEST_ID = re.compile(r"request id: [0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")
REGIONS_WORLD = Path(__file__).parents[2] / "emulator" / "worlds" / "regions.yml"
STS = ("emulator-ak-sts-regions", "emulator-sts-secret-regions", "Cae1STS+token/ECHOED-by-the-service==")


def run(
    tmp_path: Path,
    emulator: Any,
    config: Dict[str, Any],
    *args: str,
    settings: Optional[Dict[str, str]] = None,
    env: Optional[Dict[str, str]] = None,
    sources: List[str] = (),
    command: str = "ansible-inventory",
) -> subprocess.CompletedProcess:
    """ansible-inventory (or ansible-playbook) on `config` as demo.apig.yml, with ansible-core's inventory settings
    as given (none: its defaults), and any other inventory sources before it."""
    source = tmp_path / "demo.apig.yml"
    source.write_text(yaml.safe_dump(config))
    full_env = ansible_env(dict(emulator.env(), **(env or {})))
    del full_env["ANSIBLE_INVENTORY_UNPARSED_WARNING"]
    full_env.update(settings or {})
    inventories = [arg for path in [*sources, str(source)] for arg in ("-i", path)]
    argv = [str(Path(sys.executable).parent / command), *inventories, *args]
    return subprocess.run(argv, env=full_env, capture_output=True, text=True, cwd=tmp_path, timeout=180, check=False)


def listed_hosts(proc: subprocess.CompletedProcess) -> List[str]:
    return sorted(json.loads(proc.stdout).get("apig_gateways", {}).get("hosts", []))


def list_codes(emulator: Any) -> List[Optional[str]]:
    return [c["code"] for c in emulator.calls() if c["action"] == "ListGateways"]


ANY_UNPARSED = {"ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "true"}
UNPARSED = {"ANSIBLE_INVENTORY_UNPARSED_FAILED": "true"}


# --- a failing region fails the plugin; what ansible-core makes of it ---------------------------------------------


@pytest.mark.world("regions.yml")
def test_a_denied_region_fails_the_plugin_naming_region_code_and_request_id(tmp_path, emulator):
    emulator.set_faults([DENIED])
    proc = run(tmp_path, emulator, CONFIG, "--list", settings=UNPARSED)
    assert proc.returncode != 0 and "apig_gateways" not in proc.stdout
    assert "Failed to list the gateways in cn-hangzhou: denied (code: NoPermission, HTTP 403" in proc.stderr
    assert REQUEST_ID.search(proc.stderr) and "must allow apig:ListGateways" in proc.stderr
    assert "Traceback" not in proc.stderr
    # The plugin stops at the first region that fails: cn-shanghai is not asked.
    assert list_codes(emulator) == ["NoPermission"]


@pytest.mark.world("regions.yml")
def test_by_default_ansible_core_warns_and_goes_on_with_no_hosts(tmp_path, emulator):
    """What the plugin's docs say ansible-core does with a failing inventory source, and the two settings."""
    emulator.set_faults([DENIED])
    proc = run(tmp_path, emulator, CONFIG, "--list")
    assert proc.returncode == 0 and listed_hosts(proc) == []
    assert "NoPermission" in proc.stderr and "Unable to parse" in proc.stderr
    for settings in (UNPARSED, ANY_UNPARSED):
        emulator.set_faults([DENIED])
        proc = run(tmp_path, emulator, CONFIG, "--list", settings=settings)
        assert proc.returncode != 0 and "NoPermission" in proc.stderr, settings
    # With another source that parses, only any_unparsed_is_failed stops the run.
    hosts = tmp_path / "static.ini"
    hosts.write_text("[static]\nbastion ansible_connection=local\n")
    emulator.set_faults([DENIED])
    proc = run(tmp_path, emulator, CONFIG, "--list", settings=UNPARSED, sources=[str(hosts)])
    assert proc.returncode == 0 and listed_hosts(proc) == [] and "bastion" in proc.stdout
    emulator.set_faults([DENIED])
    proc = run(tmp_path, emulator, CONFIG, "--list", settings=ANY_UNPARSED, sources=[str(hosts)])
    assert proc.returncode != 0 and "Completely failed to parse inventory source" in proc.stderr


@pytest.mark.world("regions.yml")
def test_a_play_on_the_gateways_exits_non_zero_only_with_any_unparsed_is_failed(tmp_path, emulator):
    playbook = tmp_path / "site.yml"
    play = {"hosts": "apig_gateways", "gather_facts": False, "tasks": [{"ansible.builtin.ping": None}]}
    playbook.write_text(yaml.safe_dump([play]))
    emulator.set_faults([DENIED])
    proc = run(tmp_path, emulator, CONFIG, str(playbook), command="ansible-playbook")
    assert proc.returncode == 0 and "no hosts matched" in proc.stdout
    emulator.set_faults([DENIED])
    proc = run(tmp_path, emulator, CONFIG, str(playbook), command="ansible-playbook", settings=ANY_UNPARSED)
    assert proc.returncode != 0 and "NoPermission" in proc.stderr and "PLAY RECAP" not in proc.stdout


@pytest.mark.world("regions.yml")
def test_a_region_throttled_past_the_retries_fails_the_plugin(tmp_path, emulator):
    throttled = {"action": "ListGateways", "fail_next": 3, "status": 400, "code": "Throttling.User"}
    emulator.set_faults([throttled])
    proc = run(tmp_path, emulator, dict(CONFIG, max_attempts=3), "--list", settings=UNPARSED)
    assert proc.returncode != 0
    assert "Failed to list the gateways in cn-hangzhou" in proc.stderr and "Throttling.User" in proc.stderr
    assert "after 3 attempts" in proc.stderr and REQUEST_ID.search(proc.stderr)
    assert list_codes(emulator) == ["Throttling.User"] * 3


@pytest.mark.world("regions.yml")
def test_a_ram_policy_without_list_gateways_fails_every_region_even_when_skipping(tmp_path, emulator):
    state = emulator.state()
    state["access_keys"].append(
        {"id": "emulator-ak-regions-only", "secret": "s-regions", "allowed_actions": ["apig:De*"]}
    )
    emulator.put_state(state)
    env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "emulator-ak-regions-only", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "s-regions"}
    for config in (CONFIG, dict(CONFIG, skip_failing_regions=True)):
        emulator.clear_calls()
        proc = run(tmp_path, emulator, config, "--list", settings=UNPARSED, env=env)
        assert proc.returncode != 0, config
        assert "cn-hangzhou" in proc.stderr and "NoPermission" in proc.stderr and "apig:ListGateways" in proc.stderr
    assert list_codes(emulator) == ["NoPermission", "NoPermission"]  # skipping asked both regions


# --- skip_failing_regions ------------------------------------------------------------------------------------------


@pytest.mark.world("regions.yml")
@pytest.mark.parametrize(
    "fault, code",
    [
        (DENIED, "NoPermission"),
        ({"action": "ListGateways", "fail_next": 2, "status": 400, "code": "Throttling.User"}, "Throttling.User"),
        ({"action": "ListGateways", "malform": "data.items", "times": 1}, "MalformedAnswer"),
    ],
)
def test_skip_failing_regions_lists_the_others_and_warns_naming_the_region(tmp_path, emulator, fault, code):
    cache = tmp_path / "cache"
    config = dict(
        CONFIG,
        skip_failing_regions=True,
        max_attempts=2,
        cache=True,
        cache_plugin="ansible.builtin.jsonfile",
        cache_connection=str(cache),
    )
    emulator.set_faults([fault])
    proc = run(tmp_path, emulator, config, "--list", settings=ANY_UNPARSED)
    assert proc.returncode == 0, proc.stderr
    assert listed_hosts(proc) == SH
    warning = " ".join(proc.stderr.split())  # the warning as one line, whatever the terminal's wrapping
    assert "Region cn-hangzhou is left out of the inventory (skip_failing_regions)" in warning
    assert code in warning and REQUEST_ID.search(warning)
    # A listing that left a region out is not cached: the next run asks again, and lists every gateway.
    assert not cache.exists() or not any(cache.iterdir())
    emulator.clear_faults()
    proc = run(tmp_path, emulator, config, "--list", settings=ANY_UNPARSED)
    assert proc.returncode == 0 and listed_hosts(proc) == sorted(HZ + SH)
    assert "left out" not in proc.stderr and any(cache.iterdir())


# --- malformed or incomplete answers ---------------------------------------------------------------------------------


@pytest.mark.world("regions.yml")
@pytest.mark.parametrize(
    "faults, knobs, field",
    [
        ([{"action": "ListGateways", "malform": "data.items"}], {}, "data.items is missing"),
        ([{"action": "ListGateways", "malform": "data.items", "value": []}], {}, "held 0 distinct item(s)"),
        ([{"action": "ListGateways", "malform": "data.items.1"}], {}, "page(s) read held 3 distinct item(s)"),
        ([{"action": "ListGateways", "malform": "data.totalSize"}], {}, "data.totalSize is missing"),
        ([{"action": "ListGateways", "malform": "data.totalSize", "value": "x"}], {}, "data.totalSize is 'x'"),
        ([{"action": "ListGateways", "malform": "data.items.0.gatewayId"}], {}, "data.items[0].gatewayId is missing"),
        ([{"action": "ListGateways", "malform": "data.items.0.zones", "value": 5}], {}, "data.items[0].zones is int"),
        # A short page under the page cap: page 1 is whole (2 of 2), page 2 lacks one of its two gateways.
        (
            [
                {"action": "ListGateways", "malform": "data.not-in-the-answer", "times": 1},
                {"action": "ListGateways", "malform": "data.items.1"},
            ],
            {"page_cap": 2},
            "data.totalSize says 4, but the 3 page(s) read held 3 distinct item(s)",
        ),
        ([{"action": "DescribeRegions", "malform": "data"}], {}, "data is missing"),
        ([{"action": "DescribeRegions", "malform": "data.0.regionId"}], {}, "data[0].regionId is missing"),
    ],
)
def test_a_malformed_or_incomplete_answer_fails_never_fewer_hosts(tmp_path, emulator, faults, knobs, field):
    if knobs:
        emulator.set_knobs(**knobs)
    emulator.set_faults(faults)
    proc = run(tmp_path, emulator, dict(CONFIG, regions=["cn-hangzhou"]), "--list", settings=UNPARSED)
    assert proc.returncode != 0 and "apig_gateways" not in proc.stdout
    message = " ".join(proc.stderr.split())
    assert "(code: MalformedAnswer" in message and field in message
    assert "is malformed" in message and REQUEST_ID.search(message) and "Traceback" not in message
    if faults[0]["action"] == "ListGateways":
        assert "Failed to list the gateways in cn-hangzhou" in message


@pytest.mark.world("regions.yml")
def test_a_short_page_the_walk_can_still_read_whole_lists_every_gateway(tmp_path, emulator):
    """Page 1 holds 2 of the 3 the cap allows: the rest is asked for in pages of 2, and nothing is lost."""
    emulator.set_knobs(page_cap=3)
    emulator.set_faults([{"action": "ListGateways", "malform": "data.items.2", "times": 1}])
    proc = run(tmp_path, emulator, dict(CONFIG, regions=["cn-hangzhou"]), "--list", settings=UNPARSED)
    assert proc.returncode == 0, proc.stderr
    assert listed_hosts(proc) == HZ
    pages = [(c["params"]["pageNumber"], c["params"]["pageSize"]) for c in emulator.calls(action="ListGateways")]
    assert pages == [("1", "50"), ("2", "2")]


# --- credentials masked by value -------------------------------------------------------------------------------------


def sts_world() -> Dict[str, Any]:
    world = yaml.safe_load(REGIONS_WORLD.read_text())
    world["access_keys"].append({"id": STS[0], "secret": STS[1], "security_token": STS[2]})
    return world


def echo_fault(action: str) -> Dict[str, Any]:
    message = "Access denied with token {security_token} for this request"
    return {"action": action, "fail_next": 1, "status": 403, "code": "NoPermission", "message": message}


def assert_token_masked(proc: subprocess.CompletedProcess) -> None:
    output = proc.stdout + proc.stderr
    # The token, and any long piece of it (a wrapped line would split it), appear nowhere.
    assert all(STS[2][i : i + 12] not in output for i in range(len(STS[2]) - 11)), output
    assert STS[1] not in output
    assert "with token ******** for this request" in " ".join(proc.stderr.split())


@pytest.mark.parametrize("verbosity", [[], ["-vvvv"]])
def test_a_token_echoed_in_an_error_appears_in_no_output(tmp_path, make_emulator, verbosity):
    emulator = make_emulator(sts_world())
    env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": STS[0], "ALIBABA_CLOUD_ACCESS_KEY_SECRET": STS[1]}
    env["ALIBABA_CLOUD_SECURITY_TOKEN"] = STS[2]
    env["ANSIBLE_VERBOSE_TO_STDERR"] = "true"  # stdout stays the inventory's JSON
    emulator.set_faults([echo_fault("ListGateways")])
    proc = run(tmp_path, emulator, CONFIG, "--list", *verbosity, settings=UNPARSED, env=env)
    assert proc.returncode != 0 and "NoPermission" in proc.stderr
    assert_token_masked(proc)
    # In the warning of a skipped region, and in the one of DescribeRegions refused.
    emulator.set_faults([echo_fault("ListGateways")])
    proc = run(tmp_path, emulator, dict(CONFIG, skip_failing_regions=True), "--list", *verbosity, env=env)
    assert proc.returncode == 0 and listed_hosts(proc) == SH
    assert_token_masked(proc)
    emulator.set_faults([echo_fault("DescribeRegions")])
    proc = run(tmp_path, emulator, CONFIG, "--list", *verbosity, env=env)
    assert proc.returncode == 0 and "The region names are not checked" in proc.stderr
    assert listed_hosts(proc) == sorted(HZ + SH)
    assert_token_masked(proc)


def test_a_token_from_a_profile_file_is_masked_too(tmp_path, make_emulator):
    emulator = make_emulator(sts_world())
    home = tmp_path / "home"
    (home / ".aliyun").mkdir(parents=True)
    profile = {
        "name": "echo",
        "mode": "StsToken",
        "access_key_id": STS[0],
        "access_key_secret": STS[1],
        "sts_token": STS[2],
        "region_id": "cn-hangzhou",
    }
    (home / ".aliyun" / "config.json").write_text(json.dumps({"current": "echo", "profiles": [profile]}))
    env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "", "HOME": str(home)}
    env["ANSIBLE_VERBOSE_TO_STDERR"] = "true"
    emulator.set_faults([echo_fault("ListGateways")])
    proc = run(tmp_path, emulator, dict(CONFIG, profile="echo"), "--list", "-vvvv", settings=UNPARSED, env=env)
    assert proc.returncode != 0 and "NoPermission" in proc.stderr
    assert_token_masked(proc)
    assert {c["access_key_id"] for c in emulator.calls()} == {STS[0]}
