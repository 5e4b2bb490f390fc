# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: record_results
type: aggregate
short_description: Write every task result as one JSON line, for the integration tests
description:
  - Test support only. Appends C({"task", "host", "status", "result"}) per task result to the file named by
    the environment variable E(RECORD_RESULTS_FILE).
options: {}
"""

import json
import os

from ansible.plugins.callback import CallbackBase


def _plain_task_name(name):
    """The task's own name: ansible-core 2.21 gives a role's task as "ROLE : NAME", earlier versions as "NAME"."""
    role, sep, rest = name.partition(" : ")
    return rest if sep and role and " " not in role else name


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "record_results"
    CALLBACK_NEEDS_ENABLED = True

    def _record(self, status, result):
        path = os.environ.get("RECORD_RESULTS_FILE")
        if not path:
            return
        entry = {
            "task": _plain_task_name(result.task_name),
            "host": result._host.get_name(),  # pylint: disable=protected-access
            "status": status,
            # The callback sees the result after no_log censoring and secret masking, as a user would.
            "result": self._clean_results(dict(result._result), result.task_name) or result._result,  # pylint: disable=protected-access
        }
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, default=str) + "\n")

    def v2_runner_on_ok(self, result):
        self._record("ok", result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record("failed", result)

    def v2_runner_on_skipped(self, result):
        self._record("skipped", result)

    def v2_runner_on_unreachable(self, result):
        self._record("unreachable", result)
