# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX inventory source example, run with the environment AWX builds from the credential type.

AWX runs the inventory update with the credential type's injected variables (integration/awx_credential.py)
only: here, ansible-inventory on docs/awx/project/inventories/gateways.apig.yml.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Dict

import pytest
from integration.awx_credential import AWX
from integration.awx_credential import injected_env
from integration.playbook import ansible_env


def inventory(env: Dict[str, str], *args: str) -> subprocess.CompletedProcess:
    command = [
        str(Path(sys.executable).parent / "ansible-inventory"),
        "-i",
        str(AWX / "project" / "inventories" / "gateways.apig.yml"),
        *args,
    ]
    full_env = ansible_env(dict(env, ANSIBLE_INVENTORY_UNPARSED_FAILED="true"))
    return subprocess.run(command, env=full_env, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.world("regions.yml")
def test_inventory_source_with_the_credential_types_environment(emulator):
    inputs = {
        "access_key_id": emulator.access_key_id,
        "access_key_secret": emulator.access_key_secret,
        "region": "cn-hangzhou",
        "apig_endpoint": emulator.url,
    }
    env = injected_env(inputs)
    assert env["ALIBABA_CLOUD_SECURITY_TOKEN"] == "" and env["ALIBABA_CLOUD_ENDPOINT_ECS"] == ""
    emulator.clear_calls()
    proc = inventory(env, "--list")
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(proc.stdout)
    assert sorted(listed["region_cn_hangzhou"]["hosts"]) == ["gw-orders-hz01", "gw-search-hz01"]
    assert sorted(listed["region_cn_shanghai"]["hosts"]) == ["gw-billing-sh01", "gw-orders-sh01"]
    assert sorted(listed["env_prod"]["hosts"]) == ["gw-billing-sh01", "gw-orders-hz01", "gw-orders-sh01"]
    assert {c["access_key_id"] for c in emulator.calls()} == {emulator.access_key_id}


@pytest.mark.world("regions.yml")
def test_a_wrong_secret_in_the_credential_is_one_clear_error(emulator):
    inputs = {"access_key_id": emulator.access_key_id, "access_key_secret": "not-the-secret", "region": "cn-hangzhou"}
    env = injected_env(dict(inputs, apig_endpoint=emulator.url))
    proc = inventory(env, "--graph")
    assert proc.returncode != 0
    assert "SignatureDoesNotMatch" in proc.stderr and "Check the credentials" in proc.stderr
    assert "Traceback" not in proc.stderr and "not-the-secret" not in proc.stderr


@pytest.mark.world("regions.yml")
def test_a_region_that_fails_fails_the_inventory_update(emulator):
    """AWX runs the update with ANSIBLE_INVENTORY_UNPARSED_FAILED=True: a denied region fails the sync."""
    inputs = {"access_key_id": emulator.access_key_id, "access_key_secret": emulator.access_key_secret}
    env = injected_env(dict(inputs, region="cn-hangzhou", apig_endpoint=emulator.url))
    emulator.set_faults([{"action": "ListGateways", "fail_next": 1, "status": 403, "code": "NoPermission"}])
    proc = inventory(env, "--list")
    assert proc.returncode != 0 and "No inventory was parsed" in proc.stderr
    assert "Failed to list the gateways in cn-hangzhou" in proc.stderr and "NoPermission" in proc.stderr
