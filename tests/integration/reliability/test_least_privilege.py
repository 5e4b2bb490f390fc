# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""docs/ram-policy.json is exactly what the collection needs: enough, and no more.

A user grants the collection what the policy lists. Too little and a playbook fails in production
half-way; too much and the RAM user may do more than the collection ever does. So: the policy's
actions must equal the SDK operations the code calls; a key allowed exactly those actions (the
emulator checks ``allowed_actions`` like RAM) must run the role, the playbooks and every module
without a refusal; and each action must be seen in the call log, or it is not needed. The read-only
subset documented in docs/ram-policy.md must be enough to audit. A key missing one write must fail
cleanly, naming the action, after one refused call (a refusal is never retried).
"""

from __future__ import annotations

import importlib
import json
import re
from typing import Any
from typing import Dict
from typing import List
from typing import Set

from ansible_collections.alibabacloud.apig.plugins.module_utils._answer_contract import CONTRACTS
from integration.access_keys import add_keys
from integration.access_keys import calls_by_key
from integration.playbook import REPO
from integration.playbook import run_inventory_source
from integration.playbook import run_playbook
from integration.reliability.helpers import BSI
from integration.reliability.helpers import CREDENTIAL_VARIABLES
from integration.reliability.helpers import DELETE
from integration.reliability.helpers import DEMO_VARS
from integration.reliability.helpers import GI
from integration.reliability.helpers import GSA
from integration.reliability.helpers import GW
from integration.reliability.helpers import SG1
from integration.reliability.helpers import SG2
from integration.reliability.helpers import SG_EXTRA
from integration.reliability.helpers import VPC
from integration.reliability.helpers import WRITES
from integration.reliability.helpers import assert_no_crash
from integration.reliability.helpers import env_without
from integration.reliability.helpers import gateway_permissions
from integration.reliability.helpers import seed_authorizations
from integration.reliability.helpers import world_authorizations

POLICY_FILE = REPO / "docs" / "ram-policy.json"
POLICY_DOC = REPO / "docs" / "ram-policy.md"
WRITE_ACTIONS = {f"apig:{action}" for action in WRITES}
SDK_CLIENTS = {
    "apig": "alibabacloud_apig20240327.client",
    "ecs": "alibabacloud_ecs20140526.client",
    "cs": "alibabacloud_cs20151215.client",
}
DEMO_PAIRS = [(SG_EXTRA, "8080/8080"), (SG1, "8080/8080"), (SG2, "80/9000")]
# A cluster without node pools: backend_sg_info then reads the cluster's own group (DescribeClusterDetail).
BARE_CLUSTER = "c-nopools-hz01"


def statement_actions(document: Dict[str, Any]) -> List[str]:
    """The actions of a one-statement Allow policy on every resource; fails on any other shape."""
    assert document["Version"] == "1", document
    assert len(document["Statement"]) == 1, document
    statement = document["Statement"][0]
    assert statement["Effect"] == "Allow" and statement["Resource"] == "*", statement
    actions = statement["Action"]
    assert len(actions) == len(set(actions)), "duplicate actions"
    assert all(re.match(r"^(apig|ecs|cs):[A-Z][A-Za-z]+$", a) for a in actions), actions  # no wildcards
    return actions


def policy_actions() -> List[str]:
    return statement_actions(json.loads(POLICY_FILE.read_text(encoding="utf-8")))


def read_only_actions() -> List[str]:
    """The read-only policy that docs/ram-policy.md shows (its only JSON block)."""
    blocks = re.findall(r"```json\n(.*?)```", POLICY_DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) == 1, blocks
    return statement_actions(json.loads(blocks[0]))


CHECKED_READ = r'(?:read_checked|_token_pages)\(\s*(?:self\.)?session,\s*"([A-Z][A-Za-z]+)",\s*"([a-z_]+)"'


def operations_in_code() -> Set[str]:
    """Every SDK operation that plugins/ calls: ``client("ecs").describe_instances`` is ecs:DescribeInstances.

    The API layer names the product at each call, so an operation that several SDKs share (DescribeRegions)
    counts only for the product called. A name counts when that product's SDK Client has it and its
    ``_with_options`` twin (API methods have both).
    """
    clients = {product: importlib.import_module(module).Client for product, module in SDK_CLIENTS.items()}
    calls = set()
    raw_reads = set()
    for path in (REPO / "plugins").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        calls.update(re.findall(r'client\("([a-z]+)"\)\.([a-z][a-z0-9_]*)\b', text))
        # Reads checked against the answer contract (_answer_contract.read_checked, or _ecs._token_pages for ECS
        # listings) name their action and the client's method at the call; the contract names the product.
        raw_reads.update(re.findall(CHECKED_READ, text))
    typed = {
        "{}:{}".format(product, "".join(word.capitalize() for word in name.split("_")))
        for product, name in calls
        if hasattr(clients[product], name) and hasattr(clients[product], name + "_with_options")
    }
    checked = set()
    for action, method in raw_reads:
        product = CONTRACTS[action].product
        assert hasattr(clients[product], method) and hasattr(clients[product], method + "_with_options"), method
        checked.add(f"{product}:{action}")
    return typed | checked


def add_bare_cluster(emulator: Any) -> None:
    state = emulator.state()
    state["clusters"].append({"id": BARE_CLUSTER, "vpc": VPC, "security_group": SG_EXTRA, "name": "no-pools"})
    emulator.put_state(state)


def key_env(emulator: Any, key: Dict[str, str]) -> Dict[str, str]:
    env = env_without(emulator.env(), *CREDENTIAL_VARIABLES)
    env["ALIBABA_CLOUD_ACCESS_KEY_ID"] = key["access_key_id"]
    env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = key["access_key_secret"]
    return env


def modules_play(tasks: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {"name": "every module", "hosts": "localhost", "gather_facts": False, "tasks": tasks}


def actions_called(calls: List[Dict[str, Any]]) -> Set[str]:
    return {f"{c['product']}:{c['action']}" for c in calls}


def refused(calls: List[Dict[str, Any]]) -> List[tuple]:
    return [(c["action"], c["status"], c["code"]) for c in calls if c["status"] != 200]


INFO_TASKS = [
    {"name": "gateway by name", GI: {"name": "demo-gateway", "authorizable": True, "verify_backend_rules": True}},
    {"name": "the gateway's services", GI: {"gateway_id": GW, "services": True}},
    {"name": "cluster without node pools", BSI: {"cluster_id": BARE_CLUSTER}},
]


def test_policy_lists_exactly_the_operations_the_code_calls():
    """A new SDK call without its action in the policy (or a stale action) fails here, before any user does."""
    actions = policy_actions()
    assert set(actions) == operations_in_code()
    assert set(read_only_actions()) == set(actions) - WRITE_ACTIONS


def test_policy_is_enough_for_the_role_the_playbooks_and_every_module_and_no_larger(emulator, tmp_path):
    """Run everything with a key allowed exactly the policy: no refusal, and every action is used."""
    add_bare_cluster(emulator)
    # A list item without its addresses: the services read asks GetService for it.
    emulator.set_faults([{"action": "ListServices", "malform": "data.items.0.addresses"}])
    key = add_keys(emulator, ["policy"], allowed_actions=policy_actions())["policy"]
    env = key_env(emulator, key)
    extra_vars = dict(DEMO_VARS, apig_audit_report_dir=str(tmp_path / "audit"))
    everything = [
        {"import_playbook": "alibabacloud.apig.authorize_backends"},
        {"import_playbook": "alibabacloud.apig.audit"},
        # The role ran gateway_sg_authorization (with verify) and the playbooks the two info modules: these
        # tasks add the options that call the remaining actions.
        modules_play(INFO_TASKS),
    ]
    run = run_playbook(everything, env, extra_vars=extra_vars)
    assert run.rc == 0, run
    assert_no_crash(run.output)
    assert world_authorizations(emulator) == DEMO_PAIRS
    assert run.task("cluster without node pools")["security_group_ids"] == [SG_EXTRA]

    # The inventory plugin checks the region names with DescribeRegions, then lists the gateways.
    inventory = run_inventory_source(tmp_path, {"plugin": "alibabacloud.apig.gateways"}, env, "--list")
    assert inventory.returncode == 0 and "gw-demo-hz01" in inventory.stdout, inventory.stderr

    revoke = run_playbook("alibabacloud.apig.revoke", env, extra_vars=extra_vars)
    assert revoke.rc == 0, revoke
    assert_no_crash(revoke.output)
    assert world_authorizations(emulator) == [] and gateway_permissions(emulator) == []
    assert [str(c["params"].get("cascadingDelete")).lower() for c in emulator.calls(action=DELETE)] == ["true"] * 3

    calls = calls_by_key(emulator, key["access_key_id"])
    assert refused(calls) == []
    unused = sorted(set(policy_actions()) - actions_called(calls))
    assert actions_called(calls) == set(policy_actions()), f"policy actions never called: {unused}"


def test_read_only_policy_is_enough_to_audit_and_to_read(emulator, tmp_path):
    """The documented read-only policy runs the audit, the info modules and a check-mode converge."""
    add_bare_cluster(emulator)
    seed_authorizations(emulator, DEMO_PAIRS)
    key = add_keys(emulator, ["audit"], allowed_actions=read_only_actions())["audit"]
    check = {
        "name": "converge in check mode",
        GSA: {"gateway_id": GW, "security_group_id": SG1, "port_ranges": [9090], "verify_backend_rules": True},
        "check_mode": True,
    }
    playbook = [{"import_playbook": "alibabacloud.apig.audit"}, modules_play(INFO_TASKS + [check])]
    run = run_playbook(
        playbook, key_env(emulator, key), extra_vars=dict(DEMO_VARS, apig_audit_report_dir=str(tmp_path))
    )
    assert run.rc == 0, run
    assert_no_crash(run.output)
    assert run.task("converge in check mode")["changed"] is True
    assert (tmp_path / f"{GW}.md").exists()
    calls = calls_by_key(emulator, key["access_key_id"])
    assert refused(calls) == [] and not actions_called(calls) & WRITE_ACTIONS
    assert world_authorizations(emulator) == DEMO_PAIRS


def test_a_key_without_delete_fails_the_revoke_cleanly_after_one_refused_call(emulator):
    """The missing permission is named with the API's code and request id, and the refusal is not retried."""
    seed_authorizations(emulator, DEMO_PAIRS)
    allowed = [a for a in policy_actions() if a != f"apig:{DELETE}"]
    key = add_keys(emulator, ["no_delete"], allowed_actions=allowed)["no_delete"]
    service2 = [entry for entry in DEMO_VARS["backend_access_backends"] if "instance_tags" in entry]
    extra_vars = dict(DEMO_VARS, backend_access_backends=service2)  # one authorization to revoke: one delete
    run = run_playbook("alibabacloud.apig.revoke", key_env(emulator, key), extra_vars=extra_vars)
    assert run.rc != 0, run
    assert_no_crash(run.output)
    result = run.task("Converge the gateway's authorizations")
    message = result["msg"]
    assert result["_status"] == "failed" and result["error_code"] == "NoPermission", result
    assert f"apig:{DELETE}" in message and f"request id: {result['request_id']}" in message, message
    assert "Failed to revoke port ranges 80/9000 of sg-service2-hz01" in message, message
    for word in ("Traceback", "MODULE FAILURE", 'File "'):
        assert word not in message, message
    calls = calls_by_key(emulator, key["access_key_id"])
    assert refused(calls) == [(DELETE, 403, "NoPermission")]
    assert world_authorizations(emulator) == DEMO_PAIRS
    assert gateway_permissions(emulator) == DEMO_PAIRS  # the inbound rules stay too
