# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers shared by the reliability tests (tests/integration/reliability).

Every ansible-playbook run costs about two seconds, so the tests run several tasks in one run, each
signing with an access key of its own (integration/access_keys.py).
"""

from __future__ import annotations

import time
from typing import Any
from typing import Callable
from typing import Dict
from typing import List

import yaml
from integration.playbook import REPO

GSA = "alibabacloud.apig.gateway_sg_authorization"
BSI = "alibabacloud.apig.backend_sg_info"
GI = "alibabacloud.apig.gateway_info"

GW = "gw-demo-hz01"
GW_SG = "sg-gw-demo-hz01"  # the gateway's own managed group: the API refuses to authorize it
VPC = "vpc-demo-hz01"
CLUSTER = "c-demo-hz01"
NODEPOOL = "np-service1-hz01"
SG1 = "sg-service1-hz01"
SG2 = "sg-service2-hz01"
SG_EXTRA = "sg-extra-hz01"
SG_ENTERPRISE = "sg-enterprise-hz01"

LIST = "ListGatewayAuthorizedSecurityGroupRules"
ADD = "AddGatewaySecurityGroupRule"
DELETE = "DeleteGatewaySecurityGroupRule"
WRITES = (ADD, DELETE)

DEMO_WORLD_FILE = REPO / "tests" / "emulator" / "worlds" / "demo.yml"
DEMO_VARS = yaml.safe_load((REPO / "demo" / "backends.yml").read_text(encoding="utf-8"))
CREDENTIAL_VARIABLES = (
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALIBABA_CLOUD_SECURITY_TOKEN",
)


def demo_key(key_id: str) -> Dict[str, Any]:
    """An access key of the shipped demo world, as written in tests/emulator/worlds/demo.yml."""
    world = yaml.safe_load(DEMO_WORLD_FILE.read_text(encoding="utf-8"))
    return next(key for key in world["access_keys"] if key["id"] == key_id)


def env_without(env: Dict[str, str], *names: str) -> Dict[str, str]:
    return {k: v for k, v in env.items() if k not in names}


def seed_authorizations(emulator: Any, entries: List[tuple]) -> None:
    """Authorizations of the demo gateway before the test: (group, range); the emulator writes their ECS rules."""
    state = emulator.state()
    gateway = next(g for g in state["gateways"] if g["id"] == GW)
    gateway["authorizations"] = [{"security_group": group, "port_range": port_range} for group, port_range in entries]
    emulator.put_state(state)
    emulator.clear_calls()


def world_authorizations(emulator: Any) -> List[tuple]:
    """The gateway's authorizations in the emulator, sorted, duplicates kept (so that they show)."""
    gateway = next(g for g in emulator.state()["gateways"] if g["id"] == GW)
    return sorted((a["security_group"], a["port_range"]) for a in gateway["authorizations"])


def gateway_permissions(emulator: Any) -> List[tuple]:
    """Every ECS inbound rule whose source is the gateway's group: (group, range), duplicates kept."""
    return sorted(
        (group["id"], permission["port_range"])
        for group in emulator.state()["security_groups"]
        for permission in group.get("permissions") or []
        if permission.get("source_group_id") == GW_SG
    )


def wait_for_calls(emulator: Any, predicate: Callable[[List[Dict[str, Any]]], bool], timeout: float = 15.0) -> List:
    """The call log once predicate(calls) holds: a hung call is logged only when it completes."""
    deadline = time.monotonic() + timeout
    while True:
        calls = emulator.calls()
        if predicate(calls) or time.monotonic() > deadline:
            return calls
        time.sleep(0.1)


def assert_no_crash(text: str) -> None:
    assert "Traceback" not in text, text
    assert "MODULE FAILURE" not in text, text
