# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the audit keeps its reports when apig_audit_report_dir is not set, and what it does when it cannot write.

The collection is installed from its built tarball (as a user installs it), so that the playbook's path holds
ansible_collections/ as it does for a user; real ansible-playbook runs against the emulator. The read-only cases run
ansible-playbook in a mount namespace where the installed collection is a read-only bind mount (`unshare -rm`), as
in an execution environment's image.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from integration.playbook import REPO
from integration.playbook import ansible_env

DEMO_VARS = yaml.safe_load((REPO / "demo" / "backends.yml").read_text())
GATEWAY = DEMO_VARS["backend_access_gateway_id"]
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The collection built into a tarball and installed from it; returns the collections path."""
    work = tmp_path_factory.mktemp("installed")
    subprocess.run(
        [BIN / "ansible-galaxy", "collection", "build", "--output-path", work / "dist", REPO],
        check=True,
        capture_output=True,
    )
    (tarball,) = (work / "dist").glob("*.tar.gz")
    # With the checkout on ANSIBLE_COLLECTIONS_PATH (as make test sets it), ansible-galaxy would find the collection
    # "already installed" there and install nothing: the target is the only collections path it sees.
    subprocess.run(
        [BIN / "ansible-galaxy", "collection", "install", tarball, "-p", work / "collections"],
        check=True,
        capture_output=True,
        env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(work / "collections")),
    )
    return work / "collections"


def audit(emulator, collections: Path, cwd: Path, *, playbook="alibabacloud.apig.audit", read_only=None, **extra):
    """Run the audit playbook from `cwd`; with read_only, inside a mount namespace where that path is read-only."""
    # PWD as a shell sets it when it starts ansible-playbook in `cwd`.
    env = ansible_env(dict(emulator.env(), ANSIBLE_COLLECTIONS_PATH=str(collections), PWD=str(cwd)))
    command = [str(BIN / "ansible-playbook"), str(playbook), "-i", "localhost,", "-c", "local"]
    command += ["-e", json.dumps(dict(DEMO_VARS, **extra))]
    if read_only:
        path = shlex.quote(str(read_only))
        script = f"mount --bind {path} {path} && mount -o remount,ro,bind {path} && exec {shlex.join(command)}"
        command = ["unshare", "--map-root-user", "--mount", "sh", "-c", script]
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def collection_files(collections: Path) -> dict:
    root = collections / "ansible_collections" / "alibabacloud" / "apig"
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*")}


def test_the_collections_own_audit_writes_to_the_current_directory_and_says_so(emulator, installed, tmp_path):
    before = collection_files(installed)
    run = audit(emulator, installed, tmp_path, read_only=installed)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"The reports go to {tmp_path}/apig-audit (apig_audit_report_dir;" in run.stdout
    assert (tmp_path / "apig-audit" / f"{GATEWAY}.md").is_file()
    assert (tmp_path / "apig-audit" / f"{GATEWAY}.json").is_file()
    assert collection_files(installed) == before, "the audit wrote inside the installed collection"
    verify = subprocess.run(
        [BIN / "ansible-galaxy", "collection", "verify", "--offline", "-p", installed, "alibabacloud.apig"],
        env=ansible_env({"ANSIBLE_COLLECTIONS_PATH": str(installed)}),
        capture_output=True,
        text=True,
        check=False,
    )
    assert verify.returncode == 0 and "Successfully verified" in verify.stdout, verify.stdout + verify.stderr


def test_a_project_playbook_importing_the_audit_writes_to_the_current_directory(emulator, installed, tmp_path):
    """As the AWX example project's audit.yml, run by hand: playbook_dir is then the collection's."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "audit.yml").write_text("- ansible.builtin.import_playbook: alibabacloud.apig.audit\n")
    run = audit(emulator, installed, tmp_path, playbook=project / "audit.yml", read_only=installed)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "apig-audit" / f"{GATEWAY}.json").is_file()


def test_a_users_own_copy_of_the_audit_keeps_the_reports_beside_it(emulator, installed, tmp_path):
    project = tmp_path / "project"
    (project / "templates").mkdir(parents=True)
    shutil.copy(REPO / "playbooks" / "audit.yml", project / "audit.yml")
    shutil.copy(REPO / "playbooks" / "templates" / "audit_report.md.j2", project / "templates")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = audit(emulator, installed, elsewhere, playbook=project / "audit.yml")
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"The reports go to {project}/apig-audit (apig_audit_report_dir;" in run.stdout
    assert (project / "apig-audit" / f"{GATEWAY}.json").is_file()
    assert not list(elsewhere.iterdir())


@pytest.mark.parametrize("where", ["inside the read-only collection", "under a regular file"])
def test_a_report_dir_that_cannot_be_written_fails_before_any_api_read(emulator, installed, tmp_path, where):
    if where == "under a regular file":
        (tmp_path / "a-file").write_text("")
        report_dir = tmp_path / "a-file" / "reports"
    else:
        report_dir = installed / "ansible_collections" / "alibabacloud" / "apig" / "reports"
    emulator.clear_calls()
    run = audit(emulator, installed, tmp_path, read_only=installed, apig_audit_report_dir=str(report_dir))
    assert run.returncode == 2, run.stdout + run.stderr
    assert f'apig_audit_report_dir: cannot write the audit\'s reports to "{report_dir}"' in run.stdout
    assert emulator.calls() == [], "the audit read the cloud before failing"
    assert "Traceback" not in run.stdout + run.stderr
