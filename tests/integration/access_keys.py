# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One access key per task, so that one playbook run can hold many tasks and still count each one's calls.

An ansible-playbook run costs about two seconds, so tests run several tasks in one run. The
emulator's call log names the access key of every call (refused ones included): a task that signs
with a key of its own is told apart from the others by that key.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import Iterable
from typing import List
from typing import Optional


def add_keys(emulator: Any, names: Iterable[str], allowed_actions: Optional[List[str]] = None) -> Dict[str, Dict]:
    """One key per name, added to the emulator's world: {name: module options signing with it}.

    ``allowed_actions`` restricts every new key like a RAM policy (see tests/emulator/README.md).
    The call log is cleared, so that it holds only what the tasks will do.
    """
    state = emulator.state()
    keys = {}
    for name in names:
        key_id = f"emulator-ak-task-{name}"
        options = {"access_key_id": key_id, "access_key_secret": f"secret-of-{key_id}"}
        entry: Dict[str, Any] = {"id": key_id, "secret": options["access_key_secret"]}
        if allowed_actions is not None:
            entry["allowed_actions"] = list(allowed_actions)
        state["access_keys"].append(entry)
        keys[name] = options
    emulator.put_state(state)
    emulator.clear_calls()
    return keys


def calls_by_key(emulator: Any, key_id: str) -> List[Dict[str, Any]]:
    """The calls in the emulator's log that were signed with key_id."""
    return [c for c in emulator.calls() if c.get("access_key_id") == key_id]
