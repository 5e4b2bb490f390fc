# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every module runs as Ansible runs every module: a process of its own per task, with its payload.

At -vvv each task names the module file it runs; a warning that a module raises in one of its
worker threads reaches the task's registered result; the task's `environment:` reaches its module
and only that task.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from integration.playbook import run_tasks

GW = "gw-demo-hz01"
GW_SG = "sg-gw-demo-hz01"
SG1 = "sg-service1-hz01"
SG2 = "sg-service2-hz01"
CLUSTER = "c-demo-hz01"
VPC = "vpc-demo-hz01"
MODULES = ("gateway_sg_authorization", "gateway_info", "backend_sg_info")


def action_counts(emulator: Any) -> Counter:
    return Counter(c["action"] for c in emulator.calls())


def test_each_module_task_runs_its_module_file_as_a_process(emulator, tmp_path):
    run = run_tasks(
        [
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
            {"name": "gateway", "delegate_to": "localhost", "alibabacloud.apig.gateway_info": {"gateway_id": GW}},
            {
                "name": "backends",
                "async": 60,
                "poll": 1,
                # An absolute job directory: "~" would be the user's home for the status check, $HOME for the job.
                "vars": {"ansible_async_dir": str(tmp_path / "async")},
                "alibabacloud.apig.backend_sg_info": {"cluster_id": CLUSTER, "vpc_id": VPC},
            },
            {
                "name": "unknown option",
                "ignore_errors": True,
                "alibabacloud.apig.gateway_info": {"gateway_id": GW, "colour": "blue"},
            },
        ],
        emulator.env(),
        verbosity=3,
    )

    assert run.rc == 0, run
    for name in MODULES:
        assert re.search(rf"Using module file \S*/alibabacloud/apig/plugins/modules/{name}\.py", run.output), name
    assert run.task("authorize")["changed"] is True and "diff" in run.task("authorize")
    assert run.task("gateway")["gateways"][0]["gateway_id"] == GW
    assert SG1 in run.task("backends")["security_group_ids"]
    unknown = run.task("unknown option")
    assert unknown["_status"] == "failed"
    assert unknown["msg"].startswith("Unsupported parameters for (alibabacloud.apig.gateway_info) module: colour")


def test_verification_warnings_reach_the_registered_result(emulator):
    """Verification reads the backend groups in bounded_map threads (two groups, two threads) and warns each
    missing rule. Both warnings must be in the registered `warnings`. The task does not declare the two groups
    (it revokes a range of another group that is not authorized), so it reports their drift and repairs nothing."""
    rules = [{"security_group_id": SG1, "port_ranges": [8080]}, {"security_group_id": SG2, "port_ranges": [80]}]
    authorize = {"alibabacloud.apig.gateway_sg_authorization": {"gateway_id": GW, "rules": rules}}
    assert run_tasks([dict(authorize, name="authorize")], emulator.env()).rc == 0
    # Someone deletes the gateway's inbound rules from both backend groups in the ECS console.
    state = emulator.state()
    for group in state["security_groups"]:
        if group["id"] in (SG1, SG2):
            group["permissions"] = [p for p in group.get("permissions") or [] if p.get("source_group_id") != GW_SG]
    emulator.put_state(state)
    emulator.clear_calls()

    undeclared = [{"security_group_id": "sg-extra-hz01", "port_ranges": [9999]}]
    verify = {"gateway_id": GW, "rules": undeclared, "state": "absent", "verify_backend_rules": True}
    run = run_tasks(
        [
            {"name": "verify", "alibabacloud.apig.gateway_sg_authorization": verify, "register": "verified"},
            {
                "name": "the registered warnings",
                "ansible.builtin.assert": {
                    "that": [
                        "verified.findings | length == 2",
                        "verified.findings | map(attribute='message') | difference(verified.warnings) == []",
                    ],
                },
            },
        ],
        emulator.env(),
    )

    assert run.rc == 0, run
    result = run.task("verify")
    assert sorted(f["ids"]["security_group_id"] for f in result["findings"]) == [SG1, SG2]
    for group_id in (SG1, SG2):
        assert any(f"inbound rule in {group_id}" in warning for warning in result["warnings"]), result["warnings"]
    assert run.task("the registered warnings")["_status"] == "ok"
    assert action_counts(emulator) == {
        "ListGatewayAuthorizedSecurityGroupRules": 1,
        "DescribeSecurityGroupAttribute": 2,
    }


def test_the_task_environment_reaches_its_module_and_only_that_task(emulator):
    # ansible-playbook itself has no credentials, region or endpoints: only the first task's environment has them.
    run = run_tasks(
        [
            {
                "name": "with environment",
                "environment": emulator.env(),
                "alibabacloud.apig.gateway_info": {"gateway_id": GW},
            },
            {"name": "without", "ignore_errors": True, "alibabacloud.apig.gateway_info": {"gateway_id": GW}},
        ],
    )

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
