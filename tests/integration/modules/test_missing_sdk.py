# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A module run by a Python without the Alibaba Cloud SDKs fails naming that Python and requirements.txt.

As a site play over the gateways inventory without ansible_python_interpreter does (a discovered Python): the
failure must read as a missing package, never as an API error (`code: Unknown`), and no call reaches the cloud.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from integration.playbook import run_tasks

TASKS = {
    "gateway_info": {"gateway_id": "gw-demo-hz01"},
    "backend_sg_info": {"sources": [{"security_group_ids": ["sg-service1-hz01"]}]},
    "gateway_sg_authorization": {
        "gateway_id": "gw-demo-hz01",
        "security_group_id": "sg-service1-hz01",
        "port_ranges": ["8080"],
    },
}


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory) -> str:
    """A virtual environment with nothing installed: the modules' own code runs, the SDK imports fail."""
    venv = tmp_path_factory.mktemp("bare") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    return str(venv / "bin" / "python")


@pytest.mark.parametrize("module", sorted(TASKS))
def test_a_module_without_the_sdk_names_the_interpreter_and_requirements_txt(emulator, bare_python, module):
    task = {"name": "the task", f"alibabacloud.apig.{module}": TASKS[module]}
    run = run_tasks([task], dict(emulator.env(), ANSIBLE_PYTHON_INTERPRETER=bare_python))
    result = run.task("the task")
    assert run.rc == 2 and result["_status"] == "failed", run
    message = result["msg"]
    assert f"Python {bare_python}" in message
    assert "requirements.txt" in message and "alibabacloud-" in message
    assert "code: Unknown" not in message and "Traceback" not in run.output
    assert emulator.calls() == [], "a call reached the cloud"
