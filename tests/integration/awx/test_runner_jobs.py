# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX project's playbooks run as AWX runs a job: by ansible-runner, against the emulator.

Each job gets a private data directory laid out as AWX lays it out: the project (docs/awx/project) in
project/, the inventory in inventory/, the credential's variables rendered from docs/awx/credential_type.yml's
injectors (integration/awx_credential.py), the survey's answers as extra variables, the job type `check` as
`--check` on runner's cmdline. ansible-runner writes the job's artifacts in artifacts/<ident>/ and names that
directory in AWX_ISOLATED_DATA_DIR, where the audit writes its reports. HOME and the working directory are
empty directories of their own, compared before and after: a job writes nothing outside its private data
directory. As in an execution environment (HOME=/runner, the private data directory), Ansible's home and
temporary files are in the job's directory.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any
from typing import Dict
from typing import Optional

import ansible_runner
import pytest
import yaml
from integration.awx_credential import AWX
from integration.awx_credential import injected_env
from integration.playbook import COLLECTIONS_PATH
from integration.playbook import REPO

DEMO_VARS = yaml.safe_load((REPO / "demo" / "backends.yml").read_text(encoding="utf-8"))
GATEWAY = DEMO_VARS["backend_access_gateway_id"]
GATEWAY_SG = "sg-gw-demo-hz01"
WRITES = {"AddGatewaySecurityGroupRule", "DeleteGatewaySecurityGroupRule"}
DEMO_PAIRS = {("sg-extra-hz01", "8080/8080"), ("sg-service1-hz01", "8080/8080"), ("sg-service2-hz01", "80/9000")}


def tree(root: Path) -> Dict[str, Any]:
    """Every path under root with its size and modification time (a snapshot to compare)."""
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(root.rglob("*"))}


class Job:
    """One job's private data directory, HOME and working directory; run() runs a project playbook."""

    def __init__(self, root: Path, emulator, monkeypatch) -> None:
        self.emulator = emulator
        self.private_data_dir = root / "job"
        self.home = root / "home"
        self.cwd = root / "cwd"
        for path in (self.home, self.cwd, self.private_data_dir / "inventory"):
            path.mkdir(parents=True)
        shutil.copytree(AWX / "project", self.private_data_dir / "project")
        # The job template's inventory: AWX's "Demo Inventory", localhost only.
        (self.private_data_dir / "inventory" / "hosts").write_text("localhost ansible_connection=local\n")
        # AWX starts the job with its own environment, not the controller user's.
        for name in list(os.environ):
            if name.startswith(("ALIBABA_CLOUD_", "ALICLOUD_", "ANSIBLE_", "AWX_")) or name == "PWD":
                monkeypatch.delenv(name)
        monkeypatch.setenv("HOME", str(self.home))
        monkeypatch.chdir(self.cwd)
        self.before = {"HOME": tree(self.home), "cwd": tree(self.cwd)}

    def credential_env(self, **inputs: str) -> Dict[str, str]:
        defaults = {
            "access_key_id": self.emulator.access_key_id,
            "access_key_secret": self.emulator.access_key_secret,
            "region": self.emulator.region,
            "apig_endpoint": self.emulator.url,
            "ecs_endpoint": self.emulator.url,
            "cs_endpoint": self.emulator.url,
        }
        return injected_env(dict(defaults, **inputs))

    def run(self, playbook: str, ident: str, extravars: Dict[str, Any], cmdline: Optional[str] = None):
        tmp = self.private_data_dir / "tmp"
        envvars = dict(
            self.credential_env(),
            # The EE has the collection and the SDKs: here, the linked collection and this venv's ansible-playbook.
            ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS_PATH),
            ANSIBLE_PYTHON_INTERPRETER=sys.executable,
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            ANSIBLE_HOME=str(tmp / "ansible-home"),
            ANSIBLE_LOCAL_TEMP=str(tmp / "local"),
            ANSIBLE_REMOTE_TEMP=str(tmp / "remote"),
            ANSIBLE_LOCALHOST_WARNING="false",
            ALIBABA_CLOUD_ECS_METADATA_DISABLED="true",
        )
        runner = ansible_runner.run(
            private_data_dir=str(self.private_data_dir),
            playbook=playbook,
            ident=ident,
            envvars=envvars,
            extravars=extravars,
            cmdline=cmdline,
            quiet=True,
        )
        assert {"HOME": tree(self.home), "cwd": tree(self.cwd)} == self.before, "the job wrote outside its directory"
        return runner

    def artifacts(self, ident: str) -> Path:
        return self.private_data_dir / "artifacts" / ident


def stdout(runner) -> str:
    return runner.stdout.read()


def task_results(runner, task: str) -> list:
    """The results (event_data.res) of the runner_on_ok/failed/skipped events of the task called `task`."""
    return [
        event["event_data"].get("res", {})
        for event in runner.events
        if event.get("event", "").startswith("runner_on_") and event.get("event_data", {}).get("task") == task
    ]


def authorized_pairs(emulator) -> set:
    gateway = next(g for g in emulator.state()["gateways"] if g["id"] == GATEWAY)
    return {(a["security_group"], a["port_range"]) for a in gateway.get("authorizations") or []}


def write_calls(emulator) -> set:
    actions = {call["action"] for call in emulator.calls()}
    emulator.clear_calls()
    return actions & WRITES


@pytest.fixture
def job(tmp_path, emulator, monkeypatch) -> Job:
    return Job(tmp_path, emulator, monkeypatch)


def survey_answers(**overrides: Any) -> Dict[str, Any]:
    """What the authorize survey gives (the backends as a list: the role's parsing of a textarea is tested there)."""
    answers = {
        "backend_access_gateway_id": GATEWAY,
        "backend_access_region": "",
        "apig_hosts": "localhost",
        "backend_access_vpc_id": DEMO_VARS["backend_access_vpc_id"],
        "backend_access_backends": DEMO_VARS["backend_access_backends"],
    }
    answers.update(overrides)
    return answers


def test_authorize_job_converges_the_demo(job, emulator):
    runner = job.run("authorize_backends.yml", "authorize", survey_answers())
    assert runner.status == "successful" and runner.rc == 0, stdout(runner)
    assert authorized_pairs(emulator) == DEMO_PAIRS
    assert runner.stats["changed"] == {"localhost": 1}
    assert write_calls(emulator) == {"AddGatewaySecurityGroupRule"}
    # The secret reached the modules through the injected environment only: it is in no event or output.
    assert emulator.access_key_secret not in stdout(runner)
    assert emulator.access_key_secret not in json.dumps(list(runner.events))


def test_check_job_predicts_and_writes_nothing(job, emulator):
    runner = job.run("authorize_backends.yml", "check", survey_answers(), cmdline="--check --diff")
    assert runner.status == "successful", stdout(runner)
    assert write_calls(emulator) == set()
    assert authorized_pairs(emulator) == set()
    converge = task_results(runner, "Converge the gateway's authorizations")
    assert converge and converge[-1]["changed"] is True
    assert "+sg-service2-hz01 80/9000" in stdout(runner)


def test_audit_job_keeps_its_reports_and_publishes_stats(job, emulator):
    assert job.run("authorize_backends.yml", "authorize", survey_answers()).status == "successful"
    state = emulator.state()
    group = next(g for g in state["security_groups"] if g["id"] == "sg-service2-hz01")
    group["permissions"] = [p for p in group["permissions"] if p.get("source_group_id") != GATEWAY_SG]
    emulator.put_state(state)
    emulator.clear_calls()

    runner = job.run("audit.yml", "audit", survey_answers())
    assert runner.status == "successful", stdout(runner)
    assert write_calls(emulator) == set()
    assert runner.stats["changed"] == {}, "a read-only audit reported changes"
    artifacts = job.artifacts("audit")
    markdown = (artifacts / f"{GATEWAY}.md").read_text(encoding="utf-8")
    assert "| Drifted (inbound rule missing) | 1 |" in markdown
    assert "```mermaid\nflowchart LR\n" in markdown and "DRIFT: inbound rule missing" in markdown
    report = json.loads((artifacts / f"{GATEWAY}.json").read_text(encoding="utf-8"))
    assert report["region"] == emulator.region and report["gateway"]["gateway_id"] == GATEWAY
    assert report["collection"] == {"name": "alibabacloud.apig", "version": "1.0.0"}
    findings = len(report["findings"])
    assert findings >= 3 and "INSTANCE_MULTIPLE_SECURITY_GROUPS" in {f["code"] for f in report["findings"]}
    assert report["summary"] == {"authorizations": 3, "drifted": 1, "missing": 0, "undeclared": 0, "findings": findings}
    assert [a["security_group_id"] for a in report["drift"]] == ["sg-service2-hz01"]
    assert report["generated_at"].endswith("Z")
    # set_stats: in the playbook_on_stats event's artifact_data, which AWX hands to the workflow's next nodes.
    stats_event = next(e for e in runner.events if e.get("event") == "playbook_on_stats")
    published = stats_event["event_data"]["artifact_data"]
    assert published["apig_audit_drifted"] == 1 and published["apig_audit_missing"] == 0
    assert published["apig_audit_gateways"][GATEWAY]["report_json"] == str(artifacts / f"{GATEWAY}.json")
    assert published["apig_audit_gateways"][GATEWAY]["region"] == emulator.region
    assert not (REPO / "playbooks" / "apig-audit").exists()


def test_audit_job_fails_on_drift_when_asked_after_writing_its_reports(job, emulator):
    assert job.run("authorize_backends.yml", "authorize", survey_answers()).status == "successful"
    declared = [dict(DEMO_VARS["backend_access_backends"][0], port_ranges=[8080, 8443])]
    answers = survey_answers(backend_access_backends=declared, apig_audit_fail_on_drift=True)
    runner = job.run("audit.yml", "audit-gate", answers)
    assert runner.status == "failed"
    failed = task_results(runner, "Fail on drift, when asked to")
    assert "0 drifted authorization(s), 2 declared pair(s) not authorized" in failed[-1]["msg"], failed
    report = json.loads((job.artifacts("audit-gate") / f"{GATEWAY}.json").read_text(encoding="utf-8"))
    assert sorted(report["missing"]) == ["sg-extra-hz01 8443/8443", "sg-service1-hz01 8443/8443"]


def test_revoke_job_removes_the_authorizations(job, emulator):
    assert job.run("authorize_backends.yml", "authorize", survey_answers()).status == "successful"
    assert authorized_pairs(emulator) == DEMO_PAIRS
    emulator.clear_calls()
    runner = job.run("revoke.yml", "revoke", survey_answers())
    assert runner.status == "successful", stdout(runner)
    assert authorized_pairs(emulator) == set()
    assert write_calls(emulator) == {"DeleteGatewaySecurityGroupRule"}
    assert runner.stats["changed"] == {"localhost": 1}
