# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run real ansible-playbook processes against the emulator and read back every task result."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from typing import Dict
from typing import List
from typing import Optional

import yaml

REPO = Path(__file__).resolve().parents[2]
COLLECTIONS_PATH = REPO / ".build" / "collections"
CALLBACKS = Path(__file__).resolve().parent / "callback_plugins"


class PlaybookRun:
    def __init__(self, rc: int, stdout: str, stderr: str, results: List[Dict[str, Any]]) -> None:
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.results = results

    def task(self, name: str, host: Optional[str] = None) -> Dict[str, Any]:
        """The result of the last run of the task called `name` (on `host`, if given)."""
        found = [r for r in self.results if r["task"] == name and (host is None or r["host"] == host)]
        if not found:
            raise AssertionError(
                "no result for task {!r}; tasks run: {}".format(name, [r["task"] for r in self.results])
            )
        return dict(found[-1]["result"], _status=found[-1]["status"])

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def __repr__(self) -> str:
        return f"PlaybookRun(rc={self.rc})\n--- stdout ---\n{self.stdout}\n--- stderr ---\n{self.stderr}"


def ansible_env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALIBABA_CLOUD_", "ALICLOUD_"))}
    env.update(
        {
            "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH),
            "ANSIBLE_CALLBACK_PLUGINS": str(CALLBACKS),
            "ANSIBLE_CALLBACKS_ENABLED": "record_results",
            # The modules run with the interpreter that has the SDKs: this virtual environment's.
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_LOCALHOST_WARNING": "0",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
            "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
        }
    )
    env.update(extra or {})
    return env


def run_playbook(
    playbook: Any,
    env: Optional[Dict[str, str]] = None,
    *,
    check: bool = False,
    diff: bool = False,
    verbosity: int = 0,
    extra_vars: Optional[Dict[str, Any]] = None,
    inventory: Optional[str] = None,
    args: Optional[List[str]] = None,
    timeout: float = 300,
) -> PlaybookRun:
    """Run a playbook given as a path, a name such as alibabacloud.apig.audit, or a list of plays."""
    with tempfile.TemporaryDirectory(prefix="apig-it-") as tmp:
        if isinstance(playbook, (list, dict)):
            path = Path(tmp) / "playbook.yml"
            path.write_text(yaml.safe_dump(playbook if isinstance(playbook, list) else [playbook], sort_keys=False))
            playbook = str(path)
        results_file = Path(tmp) / "results.jsonl"
        command = [str(Path(sys.executable).parent / "ansible-playbook"), str(playbook)]
        command += ["-i", inventory or "localhost,", "-c", "local"]
        if check:
            command.append("--check")
        if diff:
            command.append("--diff")
        if verbosity:
            command.append("-" + "v" * verbosity)
        if extra_vars:
            command += ["-e", json.dumps(extra_vars)]
        command += args or []
        full_env = ansible_env(env)
        full_env["RECORD_RESULTS_FILE"] = str(results_file)
        full_env["ANSIBLE_LOCAL_TEMP"] = str(Path(tmp) / "ansible-tmp")
        proc = subprocess.run(
            command, env=full_env, capture_output=True, text=True, timeout=timeout, cwd=tmp, check=False
        )
        results = []
        if results_file.exists():
            results = [json.loads(line) for line in results_file.read_text().splitlines() if line.strip()]
        return PlaybookRun(proc.returncode, proc.stdout, proc.stderr, results)


def run_tasks(tasks: List[Dict[str, Any]], env: Optional[Dict[str, str]] = None, **kwargs: Any) -> PlaybookRun:
    """Run tasks in one play on localhost without facts.

    Example: run_tasks([{"name": "x", "alibabacloud.apig.gateway_info": {"gateway_id": "gw-1"}}], emulator.env())
    """
    play = {"name": "test", "hosts": "localhost", "gather_facts": False, "tasks": tasks}
    return run_playbook([play], env, **kwargs)


def run_inventory_source(
    directory: Path, config: Dict[str, Any], env: Dict[str, str], *args: str, name: str = "demo.apig.yml"
) -> subprocess.CompletedProcess:
    """Write `config` as the inventory source `name` in `directory` and run ansible-inventory on it with `args`."""
    source = directory / name
    source.write_text(yaml.safe_dump(config))
    full_env = ansible_env(dict(env, ANSIBLE_INVENTORY_UNPARSED_FAILED="true"))
    command = [str(Path(sys.executable).parent / "ansible-inventory"), "-i", str(source), *args]
    return subprocess.run(
        command, env=full_env, capture_output=True, text=True, cwd=directory, timeout=120, check=False
    )
