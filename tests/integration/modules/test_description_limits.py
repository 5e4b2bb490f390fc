# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A description's length under both readings of the gateway API's undocumented limit (knob description_max_length).

The collection refuses more than 512 characters before any call (the ECS rule description's documented limit).
Under the default reading the API takes what the collection sends; under a stricter API, a longer description is
one refused add, not retried, and the task fails with the API's code, nothing written.
"""

from __future__ import annotations

from typing import Any

import pytest
from integration.modules.test_gateway_sg_authorization import ADD
from integration.modules.test_gateway_sg_authorization import SG1
from integration.modules.test_gateway_sg_authorization import apig_calls
from integration.modules.test_gateway_sg_authorization import assert_no_crash
from integration.modules.test_gateway_sg_authorization import task
from integration.modules.test_gateway_sg_authorization import world_authorizations
from integration.playbook import run_tasks

DESCRIPTION = "orders service " + "d" * 497  # 512 characters


@pytest.mark.parametrize("limit", [512, 256])
def test_a_description_of_512_characters_is_sent_and_a_stricter_api_refuses_it_cleanly(emulator: Any, limit: int):
    emulator.set_knobs(description_max_length=limit)
    args = dict(security_group_id=SG1, port_ranges=["8080"], description=DESCRIPTION)
    run = run_tasks([task("add", ignore_errors=True, **args)], emulator.env())
    assert_no_crash(run)
    result = run.task("add")
    adds = [(c["action"], c["status"]) for c in apig_calls(emulator) if c["action"] == ADD]
    if limit == 512:
        assert result["_status"] == "ok" and result["changed"] is True, result
        assert [a["description"] for a in result["authorizations"]] == [DESCRIPTION]
        assert world_authorizations(emulator) == [(SG1, "8080/8080")]
        assert adds == [(ADD, 200)]
    else:
        assert result["_status"] == "failed" and result["error_code"] == "InvalidParameter", result
        assert result["request_id"] and "Traceback" not in result["msg"]
        assert adds == [(ADD, 400)]  # a client error is tried once
        assert world_authorizations(emulator) == []
