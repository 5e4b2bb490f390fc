# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A re-run during a long list lag, under each reading of a duplicate add (emulator knob `duplicate_adds`).

The first run times out waiting for the list; a second run, made while the list still lags, adds the range once
more (it cannot know better). Under `refuse` and `ignore` the gateway keeps one authorization; under `accept` it
holds two records, and the next run, once the list shows them, deletes the extra one without cascade. The message
of the timeout says exactly that.
"""

from __future__ import annotations

from typing import Any

import pytest
from integration.modules.test_gateway_sg_authorization import ADD
from integration.modules.test_gateway_sg_authorization import DELETE
from integration.modules.test_gateway_sg_authorization import SG1
from integration.modules.test_gateway_sg_authorization import apig_calls
from integration.modules.test_gateway_sg_authorization import assert_no_crash
from integration.modules.test_gateway_sg_authorization import gateway_ingress
from integration.modules.test_gateway_sg_authorization import task
from integration.modules.test_gateway_sg_authorization import world_authorizations
from integration.playbook import run_tasks

RULES = [{"security_group_id": SG1, "port_ranges": ["8080"]}]
HINT = (
    "A re-run before the list catches up adds those ranges once more: an API that refuses or ignores a duplicate "
    "add keeps one authorization; one that accepts it lists the range twice (DUPLICATE_AUTHORIZATION), and the next "
    "run with state=present deletes the extra record without cascade"
)


@pytest.mark.parametrize("mode", ["refuse", "accept", "ignore"])
def test_a_rerun_during_a_long_lag_keeps_one_authorization_or_a_duplicate_the_next_run_removes(
    emulator: Any, mode: str
) -> None:
    emulator.set_knobs(list_lag_ms=600_000, duplicate_adds=mode)
    for name in ("first", "during the lag"):
        run = run_tasks([task(name, rules=RULES, wait_timeout=1, ignore_errors=True)], emulator.env())
        assert_no_crash(run)
        result = run.task(name)
        assert result["_status"] == "failed" and result["error_code"] == "WritesNotVisible", result
        assert HINT in result["msg"]
    duplicated = [(SG1, "8080/8080")] * (2 if mode == "accept" else 1)
    assert world_authorizations(emulator) == duplicated
    assert [c["action"] for c in apig_calls(emulator)].count(ADD) >= 2  # each run added (refuse: then once more)

    emulator.put_state(emulator.state())  # the list has caught up: a reloaded world shows every authorization
    emulator.set_knobs(list_lag_ms=0)  # and keeps up from now on
    emulator.clear_calls()
    run = run_tasks([task("after the lag", rules=RULES)], emulator.env())
    assert run.rc == 0, run
    result = run.task("after the lag")
    deletes = [c for c in apig_calls(emulator) if c["action"] == DELETE]
    if mode == "accept":
        assert "DUPLICATE_AUTHORIZATION" not in [f["code"] for f in result.get("findings", [])]
        assert [(a["action"], a["cascading_delete"]) for a in result["actions"]] == [("delete", False)]
        assert [str(c["params"].get("cascadingDelete")).lower() for c in deletes] == ["false"]
    else:
        assert result["changed"] is False and deletes == []
    assert world_authorizations(emulator) == [(SG1, "8080/8080")]
    assert gateway_ingress(emulator, SG1) == ["8080/8080"]
