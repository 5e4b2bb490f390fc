# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credentials never show: not at -vvvv, not in diffs, not in failures, not in the recorded results.

Every module (gateway_sg_authorization with check mode and diff too, backend_sg_info, gateway_info),
the backend_access role and the playbooks built on it run at -vvvv with --diff, with credentials given
every supported way: module options, module_defaults, the controller's environment (as AWX injects
them), a permanent key and an STS key with its token, and with failures that carry API answers
(refusals, a signature mismatch, a malformed token) and a transport failure. Every secret, token
and wrong secret is a fresh random value that cannot appear by accident; none may appear in
stdout, stderr, the callback's recorded results (what a user's callback or AWX would store) or the
audit report.

Two ways of giving credentials are left out on purpose, because the leak would be ansible-core's
and not the collection's: a literal secret written in the playbook (ansible-core quotes the task's
source lines when a task fails), and the ``environment:`` keyword (ansible-core prints the values in
the EXEC line at -vvv). The secrets therefore come from a vars file, as a vaulted file would give them.
"""

from __future__ import annotations

import json
import socket
import uuid
from pathlib import Path
from typing import Any
from typing import Dict

import yaml
from integration.access_keys import calls_by_key
from integration.playbook import PlaybookRun
from integration.playbook import run_playbook
from integration.reliability.helpers import BSI
from integration.reliability.helpers import CLUSTER
from integration.reliability.helpers import CREDENTIAL_VARIABLES
from integration.reliability.helpers import DEMO_VARS
from integration.reliability.helpers import GI
from integration.reliability.helpers import GSA
from integration.reliability.helpers import GW
from integration.reliability.helpers import SG1
from integration.reliability.helpers import assert_no_crash
from integration.reliability.helpers import env_without


def distinctive(kind: str) -> str:
    return f"LEAKCHECK-{kind}-{uuid.uuid4().hex}"


def plant_credentials(emulator: Any, tmp_path: Path) -> Dict[str, str]:
    """Keys with random secrets in the emulator, and a vars file holding them (and two wrong values)."""
    creds = {
        "opt_id": "emulator-ak-options",
        "opt_secret": distinctive("options-secret"),
        "sts_id": "emulator-sts-options",
        "sts_secret": distinctive("sts-secret"),
        "sts_token": distinctive("sts-token"),
        "env_id": "emulator-ak-environment",
        "env_secret": distinctive("env-secret"),
        "env_sts_id": "emulator-sts-environment",
        "env_sts_secret": distinctive("env-sts-secret"),
        "env_sts_token": distinctive("env-sts-token"),
        "wrong_secret": distinctive("wrong-secret"),
        "wrong_token": distinctive("wrong-token"),
    }
    state = emulator.state()
    state["access_keys"] += [
        {"id": creds["opt_id"], "secret": creds["opt_secret"]},
        {"id": creds["sts_id"], "secret": creds["sts_secret"], "security_token": creds["sts_token"]},
        {"id": creds["env_id"], "secret": creds["env_secret"]},
        {"id": creds["env_sts_id"], "secret": creds["env_sts_secret"], "security_token": creds["env_sts_token"]},
    ]
    emulator.put_state(state)
    emulator.clear_calls()
    (tmp_path / "credentials.yml").write_text(yaml.safe_dump(creds))
    return creds


def secret_values(creds: Dict[str, str]) -> Dict[str, str]:
    return {name: value for name, value in creds.items() if not name.endswith("_id")}


def controller_env(emulator: Any, creds: Dict[str, str], sts: bool) -> Dict[str, str]:
    """The emulator's endpoints and region, and a key in the environment of ansible-playbook (as AWX injects it).

    Each option falls back to its own variable: an STS token in the environment would be sent with a
    permanent key given as options too (and refused), so only the role's run has one.
    """
    env = env_without(emulator.env(), *CREDENTIAL_VARIABLES)
    prefix = "env_sts" if sts else "env"
    env["ALIBABA_CLOUD_ACCESS_KEY_ID"] = creds[f"{prefix}_id"]
    env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = creds[f"{prefix}_secret"]
    if sts:
        env["ALIBABA_CLOUD_SECURITY_TOKEN"] = creds["env_sts_token"]
    return env


def assert_nothing_leaked(run: PlaybookRun, creds: Dict[str, str], *extra_texts: str) -> None:
    everything = "\n".join([run.stdout, run.stderr, json.dumps(run.results), *extra_texts])
    leaked = [name for name, value in secret_values(creds).items() if value in everything]
    # Also a secret cut short or url-encoded would be a leak: look for each value's random part.
    leaked += [
        f"{name} (random part)"
        for name, value in secret_values(creds).items()
        if value.rsplit("-", 1)[1] in everything and name not in leaked
    ]
    assert not leaked, f"credentials in the output: {leaked}"


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


OPTIONS = {"access_key_id": "{{ opt_id }}", "access_key_secret": "{{ opt_secret }}"}
STS_OPTIONS = {
    "access_key_id": "{{ sts_id }}",
    "access_key_secret": "{{ sts_secret }}",
    "security_token": "{{ sts_token }}",
}


def test_modules_never_show_credentials_at_vvvv_in_diffs_or_failures(emulator, tmp_path):
    """Each module, each way of passing credentials, successes and failures: no secret in any output."""
    creds = plant_credentials(emulator, tmp_path)
    tasks = [
        {"name": "authorize (options)", GSA: dict(OPTIONS, gateway_id=GW, security_group_id=SG1, port_ranges=[8080])},
        {
            "name": "revoke in check mode (STS options)",
            GSA: dict(STS_OPTIONS, gateway_id=GW, security_group_id=SG1, state="absent"),
            "check_mode": True,
        },
        {"name": "gateway (environment)", GI: dict(gateway_id=GW, authorizable=True, verify_backend_rules=True)},
        {
            "name": "discover (STS options)",
            BSI: dict(STS_OPTIONS, sources=[{"cluster_id": CLUSTER}, {"instance_tags": {"app": "service2"}}]),
        },
        {
            "name": "API refusal",
            GSA: dict(OPTIONS, gateway_id="gw-doesnotexist", security_group_id=SG1, port_ranges=[80]),
        },
        {
            "name": "signature mismatch",
            GI: dict(OPTIONS, gateway_id=GW, access_key_secret="{{ wrong_secret }}"),
        },
        {
            "name": "malformed token",
            BSI: dict(STS_OPTIONS, cluster_id=CLUSTER, security_token="{{ wrong_token }}"),
        },
        {
            "name": "connection refused (STS options)",
            GI: dict(STS_OPTIONS, gateway_id=GW, apig_endpoint=f"http://127.0.0.1:{closed_port()}", max_attempts=1),
        },
    ]
    play = {
        "name": "credentials every way",
        "hosts": "localhost",
        "gather_facts": False,
        "vars_files": [str(tmp_path / "credentials.yml")],
        "tasks": [dict(task, ignore_errors=True) for task in tasks],
    }
    run = run_playbook([play], controller_env(emulator, creds, sts=False), verbosity=4, diff=True)
    assert run.rc == 0, run
    assert_no_crash(run.output)

    # The runs did what they should, so that the output holds what a leak would be in.
    statuses = {task["name"]: run.task(task["name"])["_status"] for task in tasks}
    assert statuses == {task["name"]: "ok" if index < 4 else "failed" for index, task in enumerate(tasks)}
    codes = [run.task(task["name"]).get("error_code") for task in tasks[4:]]
    assert codes == [
        "NotFound.GatewayNotFound",
        "SignatureDoesNotMatch",
        "InvalidSecurityToken.Malformed",
        "ConnectionRefused",
    ]
    assert run.task("authorize (options)")["changed"] and run.task("revoke in check mode (STS options)")["changed"]
    assert f"+{SG1} 8080/8080" in run.stdout and f"-{SG1} 8080/8080" in run.stdout  # the diffs were shown
    assert '"module_args"' in run.stdout and creds["sts_id"] in run.stdout  # -vvvv showed the module arguments
    for key_id in (creds["opt_id"], creds["sts_id"], creds["env_id"]):
        assert any(c["status"] == 200 for c in calls_by_key(emulator, key_id)), key_id

    assert_nothing_leaked(run, creds)


def test_role_and_playbooks_never_show_credentials(emulator, tmp_path):
    """authorize_backends and audit (STS key in the environment), revoke through the role (STS key in
    module_defaults), and a role run refused for a wrong secret."""
    creds = plant_credentials(emulator, tmp_path)
    report_dir = tmp_path / "audit"

    def role_play(name: str, state: str, secret: str) -> Dict[str, Any]:
        return {
            "name": name,
            "hosts": "localhost",
            "gather_facts": False,
            "vars_files": [str(tmp_path / "credentials.yml")],
            "module_defaults": {
                "group/alibabacloud.apig.all": {
                    "access_key_id": "{{ sts_id }}",
                    "access_key_secret": secret,
                    "security_token": "{{ sts_token }}",
                }
            },
            "roles": [{"role": "alibabacloud.apig.backend_access", "backend_access_state": state}],
        }

    playbook = [
        {"import_playbook": "alibabacloud.apig.authorize_backends"},
        {"import_playbook": "alibabacloud.apig.audit"},
        role_play("revoke (module_defaults)", "absent", "{{ sts_secret }}"),
        # Last: a failed host takes no part in later plays.
        role_play("a wrong secret (module_defaults)", "present", "{{ wrong_secret }}"),
    ]
    extra_vars = dict(DEMO_VARS, apig_audit_report_dir=str(report_dir))
    run = run_playbook(
        playbook, controller_env(emulator, creds, sts=True), verbosity=4, diff=True, extra_vars=extra_vars
    )
    assert run.rc != 0, run
    assert_no_crash(run.output)

    converges = [r for r in run.results if r["task"] == "Converge the gateway's authorizations"]
    assert [(r["status"], r["result"]["changed"]) for r in converges] == [("ok", True), ("ok", True)], run
    # The wrong secret's play fails at its first call: the role's discovery task.
    failed = [r for r in run.results if r["status"] == "failed"]
    assert [(r["task"], r["result"].get("error_code")) for r in failed] == [
        ("Discover the security groups behind the backends", "SignatureDoesNotMatch")
    ], run
    assert "+sg-service2-hz01 80/9000" in run.stdout and "-sg-service2-hz01 80/9000" in run.stdout
    report = (report_dir / f"{GW}.md").read_text(encoding="utf-8")
    for key_id in (creds["env_sts_id"], creds["sts_id"]):
        assert any(c["status"] == 200 for c in calls_by_key(emulator, key_id)), key_id

    assert_nothing_leaked(run, creds, report)
