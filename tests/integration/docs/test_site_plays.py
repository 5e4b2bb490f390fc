# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The site plays the docs give, run as written over the gateways inventory of the regions world.

Ansible is told to use a Python without the SDKs (ANSIBLE_PYTHON_INTERPRETER, as a discovered Python would be): a
play that does not set ansible_python_interpreter for its gateway hosts fails, as the README's inline play used to.
Each host's backends come from group_vars beside the inventory, as the docs say; no -e gives them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from integration.playbook import REPO
from integration.playbook import run_playbook
from integration.reliability.helpers import assert_no_crash

EXPECTED = {
    "gw-orders-hz01": "sg-orders-hz01",
    "gw-search-hz01": "sg-search-hz01",
    "gw-orders-sh01": "sg-orders-sh01",
    "gw-billing-sh01": "sg-billing-sh01",
}
INVENTORY = {"plugin": "alibabacloud.apig.gateways", "regions": ["cn-hangzhou", "cn-shanghai"]}
GROUP_VARS = {
    "backend_access_vpc_id": "{{ apig_vpc_id }}",
    "backend_access_backends": [
        {"name": "{{ apig_tags.team }}", "instance_tags": {"app": "{{ apig_tags.team }}"}, "port_ranges": [8080]}
    ],
}


def yaml_blocks(path: Path, containing: str) -> list:
    text = path.read_text(encoding="utf-8")
    return [block for block in re.findall(r"```yaml\n(.*?)```", text, re.S) if containing in block]


def site_plays():
    (readme,) = yaml_blocks(REPO / "README.md", "role: alibabacloud.apig.backend_access")
    (role_readme,) = yaml_blocks(REPO / "roles" / "backend_access" / "README.md", "hosts: apig_gateways")
    yield pytest.param(yaml.safe_load(readme), id="README.md")
    yield pytest.param(yaml.safe_load(role_readme), id="roles/backend_access/README.md")
    yield pytest.param("alibabacloud.apig.site", id="alibabacloud.apig.site")
    yield pytest.param(str(REPO / "docs" / "awx" / "project" / "site.yml"), id="docs/awx/project/site.yml")


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory) -> str:
    venv = tmp_path_factory.mktemp("bare") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    return str(venv / "bin" / "python")


@pytest.mark.world("regions.yml")
@pytest.mark.parametrize("playbook", list(site_plays()))
def test_the_documented_site_play_converges_every_gateway_as_written(emulator, tmp_path, bare_python, playbook):
    inventory = tmp_path / "gateways.apig.yml"
    inventory.write_text(yaml.safe_dump(INVENTORY))
    (tmp_path / "group_vars").mkdir()
    (tmp_path / "group_vars" / "apig_gateways.yml").write_text(yaml.safe_dump(GROUP_VARS))
    env = {k: v for k, v in emulator.env().items() if k != "ALIBABA_CLOUD_REGION_ID"}
    env["ANSIBLE_PYTHON_INTERPRETER"] = bare_python
    run = run_playbook(playbook, env, inventory=str(inventory), args=["--forks", "4"])
    assert_no_crash(run.output)
    assert run.rc == 0, run
    gateways = {g["id"]: g for g in emulator.state()["gateways"]}
    for gateway_id, group in EXPECTED.items():
        authorized = {(a["security_group"], a["port_range"]) for a in gateways[gateway_id]["authorizations"]}
        assert authorized == {(group, "8080/8080")}, gateway_id
