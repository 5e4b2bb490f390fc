# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers for the backend_sg_info and gateway_info integration tests.

One playbook run costs about two seconds, so a test runs many tasks in one playbook. To still
count each task's API calls, every task signs with its own access key (added to the world), and
the emulator's call log names the key of every call.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from typing import Dict
from typing import List
from typing import Optional


def add_task_keys(emulator: Any, names: List[str]) -> Dict[str, Dict[str, str]]:
    """One access key per task name, added to the emulator's world: {name: {access_key_id, access_key_secret}}."""
    state = emulator.state()
    keys = {}
    for name in names:
        key_id = f"emulator-ak-task-{name}"
        secret = f"emulator-secret-task-{name}"
        state["access_keys"].append({"id": key_id, "secret": secret})
        keys[name] = {"access_key_id": key_id, "access_key_secret": secret}
    emulator.put_state(state)
    emulator.clear_calls()
    return keys


def task(
    name: str,
    module: str,
    args: Dict[str, Any],
    keys: Optional[Dict[str, Dict[str, str]]] = None,
    **options: Any,
) -> Dict[str, Any]:
    """A task of `module` signed with the key of `name` (when keys has one); options are task keywords."""
    module_args = dict(args)
    if keys and name in keys:
        module_args.update(keys[name])
    entry: Dict[str, Any] = {"name": name, module: module_args}
    entry.update(options)
    return entry


def calls_of(emulator: Any, keys: Dict[str, Dict[str, str]], name: str) -> List[Dict[str, Any]]:
    key_id = keys[name]["access_key_id"]
    return [c for c in emulator.calls() if c.get("access_key_id") == key_id]


def action_counts(emulator: Any, keys: Dict[str, Dict[str, str]], name: str) -> Dict[str, int]:
    """{action: number of calls} made by the task `name`."""
    return dict(Counter(c["action"] for c in calls_of(emulator, keys, name)))


def finding_codes(result: Dict[str, Any]) -> List[str]:
    return sorted(f["code"] for f in result.get("findings", []))


def warnings_text(result: Dict[str, Any]) -> str:
    return "\n".join(result.get("warnings") or [])
