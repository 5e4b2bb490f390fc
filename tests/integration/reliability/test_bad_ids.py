# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ids and regions that are almost right: a trailing newline, a surrounding space.

A pattern ending in ``$`` also matches before a trailing newline, so ``"sg-x\\n"`` once passed the
check: with state=absent it found nothing to revoke and reported ok, and a ``vpc_id`` with a newline
made every instance look as if it were in another VPC. Every case here must fail before any API
call, with a message that shows the value as repr shows it (the newline or space visible). The
cases run as tasks of one ansible-playbook run, with the helpers of test_bad_input.py.
"""

from __future__ import annotations

from integration.access_keys import add_keys
from integration.reliability.helpers import CREDENTIAL_VARIABLES
from integration.reliability.helpers import GW
from integration.reliability.helpers import SG1
from integration.reliability.helpers import VPC
from integration.reliability.helpers import env_without
from integration.reliability.test_bad_input import OMIT
from integration.reliability.test_bad_input import bsi
from integration.reliability.test_bad_input import check_case
from integration.reliability.test_bad_input import gi
from integration.reliability.test_bad_input import gsa
from integration.reliability.test_bad_input import run_module_cases

WHITESPACE = "has leading or trailing whitespace"
RULES_ONLY = {"security_group_id": OMIT, "port_ranges": OMIT}

CASES = [
    gsa(
        "group id with a trailing newline, state absent",
        (f"security_group_id: '{SG1}\\n' {WHITESPACE}",),
        security_group_id=SG1 + "\n",
        state="absent",
    ),
    gsa(
        "group id in rules with a leading space",
        (f"rules[0].security_group_id: ' {SG1}' {WHITESPACE}",),
        rules=[{"security_group_id": " " + SG1, "port_ranges": [8080]}],
        **RULES_ONLY,
    ),
    gsa("gateway id with a trailing newline", (f"gateway_id: '{GW}\\n' {WHITESPACE}",), gateway_id=GW + "\n"),
    gsa(
        "group id with a newline inside",
        (f"security_group_id: '{SG1}\\nsg-extra-hz01' is not a security group id",),
        security_group_id=SG1 + "\nsg-extra-hz01",
    ),
    bsi(
        "vpc id with a trailing newline (backend_sg_info)",
        (f"vpc_id: '{VPC}\\n' {WHITESPACE}",),
        security_group_ids=[SG1],
        vpc_id=VPC + "\n",
    ),
    bsi(
        "instance id with a trailing tab",
        (f"instance_ids[0]: 'i-node1-hz01\\t' {WHITESPACE}",),
        instance_ids=["i-node1-hz01\t"],
    ),
    gsa("region with a trailing space", (f"region: 'cn-hangzhou ' {WHITESPACE}",), region="cn-hangzhou "),
    gi("region with a trailing newline", (f"region: 'cn-hangzhou\\n' {WHITESPACE}",), region="cn-hangzhou\n"),
]


def test_ids_and_regions_with_whitespace_fail_before_any_api_call(emulator):
    assert emulator.region == "cn-hangzhou"  # the region cases above are written for the demo world
    keys = add_keys(emulator, [f"case{i}" for i in range(len(CASES))])
    keys = {case.name: keys[f"case{i}"] for i, case in enumerate(CASES)}
    env = env_without(emulator.env(), "ALIBABA_CLOUD_REGION_ID", *CREDENTIAL_VARIABLES)
    results = run_module_cases(emulator, CASES, env, keys)

    calls = emulator.calls()
    assert calls == [], [(c["action"], c["access_key_id"]) for c in calls]
    problems = [problem for case in CASES for problem in check_case(case, results[case.name], [])]
    assert not problems, "\n".join(problems)
