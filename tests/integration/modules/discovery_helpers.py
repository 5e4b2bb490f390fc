# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers for the backend_sg_info and gateway_info integration tests.

One playbook run costs about two seconds, so a test runs many tasks in one playbook, each signing
with its own access key (integration/access_keys.py) so that its API calls can still be counted.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from typing import Dict
from typing import List
from typing import Optional

from integration.access_keys import calls_by_key


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
    return calls_by_key(emulator, keys[name]["access_key_id"])


def action_counts(emulator: Any, keys: Dict[str, Dict[str, str]], name: str) -> Dict[str, int]:
    """{action: number of calls} made by the task `name`."""
    return dict(Counter(c["action"] for c in calls_of(emulator, keys, name)))


def finding_codes(result: Dict[str, Any]) -> List[str]:
    return sorted(f["code"] for f in result.get("findings", []))


def warnings_text(result: Dict[str, Any]) -> str:
    return "\n".join(result.get("warnings") or [])
