# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the modules run: inside ansible-playbook, or as a module process (plugins/plugin_utils/_in_process.py).

The rest of the suite runs the modules with ansible-playbook's own Python (ANSIBLE_PYTHON_INTERPRETER
is sys.executable), so it runs them in-process. These tests show which tasks run as a module process
instead, that both ways give the same results and calls, and that the task's environment reaches an
in-process run and only that task. At -vvv a module process shows as the AnsiballZ payload it runs.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any
from typing import Dict
from typing import List

from integration.playbook import PlaybookRun
from integration.playbook import run_playbook
from integration.playbook import run_tasks

GW = "gw-demo-hz01"
SG1 = "sg-service1-hz01"
CLUSTER = "c-demo-hz01"
VPC = "vpc-demo-hz01"


def same_python_other_path() -> str:
    """This virtual environment's Python under another of its names (python3 for python, and so on)."""
    here = Path(sys.executable)
    for name in ("python3", "python", f"python{sys.version_info[0]}.{sys.version_info[1]}"):
        other = here.with_name(name)
        if name != here.name and other.exists():
            return str(other)
    raise AssertionError(f"no other name for {here} in {here.parent}")


def tasks() -> List[Dict[str, Any]]:
    """One task of each module (a check-mode change with diff, two reads) and an option that does not exist."""
    return [
        {
            "name": "authorize",
            "check_mode": True,
            "diff": True,
            "alibabacloud.apig.gateway_sg_authorization": {
                "gateway_id": GW,
                "security_group_id": SG1,
                "port_ranges": ["8080", "9000/9100"],
            },
        },
        {"name": "gateway", "alibabacloud.apig.gateway_info": {"gateway_id": GW}},
        {
            "name": "backends",
            "alibabacloud.apig.backend_sg_info": {"cluster_id": CLUSTER, "vpc_id": VPC},
        },
        {
            "name": "unknown option",
            "ignore_errors": True,
            "alibabacloud.apig.gateway_info": {"gateway_id": GW, "colour": "blue"},
        },
    ]


def module_processes(run: PlaybookRun) -> List[str]:
    """The modules that ran as a process of their own, from the EXEC lines at -vvv."""
    return sorted(
        {
            name
            for name in ("gateway_sg_authorization", "gateway_info", "backend_sg_info")
            if f"AnsiballZ_{name}.py" in run.output
        }
    )


def action_counts(emulator: Any) -> Counter:
    return Counter(c["action"] for c in emulator.calls())


def results(run: PlaybookRun) -> Dict[str, Dict[str, Any]]:
    return {name: run.task(name) for name in ("authorize", "gateway", "backends", "unknown option")}


def test_both_ways_give_the_same_results_and_calls(emulator):
    in_process = run_tasks(tasks(), emulator.env(), verbosity=3)
    in_process_calls = action_counts(emulator)
    emulator.clear_calls()
    as_modules = run_playbook(
        [
            {
                "name": "test",
                "hosts": "localhost",
                "gather_facts": False,
                "vars": {"ansible_python_interpreter": same_python_other_path()},
                "tasks": tasks(),
            }
        ],
        emulator.env(),
        verbosity=3,
    )

    assert in_process.rc == 0, in_process
    assert as_modules.rc == 0, as_modules
    assert module_processes(in_process) == []
    assert module_processes(as_modules) == ["backend_sg_info", "gateway_info", "gateway_sg_authorization"]
    assert results(in_process) == results(as_modules)
    assert results(in_process)["authorize"]["changed"] is True
    assert "diff" in results(in_process)["authorize"]
    unknown = results(in_process)["unknown option"]
    assert unknown["_status"] == "failed"
    assert unknown["msg"].startswith("Unsupported parameters for (alibabacloud.apig.gateway_info) module: colour")
    assert in_process_calls == action_counts(emulator)


def test_the_task_environment_reaches_an_in_process_run_and_only_that_task(emulator):
    # ansible-playbook itself has no credentials, region or endpoints: only the first task's environment has them.
    run = run_tasks(
        [
            {
                "name": "with environment",
                "environment": emulator.env(),
                "alibabacloud.apig.gateway_info": {"gateway_id": GW},
            },
            {
                "name": "without",
                "ignore_errors": True,
                "alibabacloud.apig.gateway_info": {"gateway_id": GW},
            },
        ],
        verbosity=3,
    )

    assert module_processes(run) == []
    found = run.task("with environment")
    assert found["_status"] == "ok", found
    assert found["gateways"][0]["gateway_id"] == GW
    without = run.task("without")
    assert without["_status"] == "failed"
    assert "region" in without["msg"], without["msg"]
    assert action_counts(emulator) == {
        "GetGateway": 1,
        "ListGatewayAuthorizedSecurityGroupRules": 1,
        "DescribeSecurityGroups": 1,
    }


def test_delegated_and_async_tasks_run_as_module_processes(emulator, tmp_path):
    run = run_tasks(
        [
            {
                "name": "delegated",
                "delegate_to": "localhost",
                "alibabacloud.apig.gateway_info": {"gateway_id": GW},
            },
            {
                "name": "async",
                "async": 60,
                "poll": 1,
                # An absolute job directory: "~" would be the user's home for the status check, $HOME for the job.
                "vars": {"ansible_async_dir": str(tmp_path / "async")},
                "alibabacloud.apig.backend_sg_info": {"security_group_ids": [SG1]},
            },
        ],
        emulator.env(),
        verbosity=3,
    )

    assert run.rc == 0, run
    assert module_processes(run) == ["backend_sg_info", "gateway_info"]
    assert run.task("delegated")["gateways"][0]["gateway_id"] == GW
    assert [g["security_group_id"] for g in run.task("async")["security_groups"]] == [SG1]
