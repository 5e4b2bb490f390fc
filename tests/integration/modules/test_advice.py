# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Advice that fits the run: gateway_sg_authorization's failures and findings through real ansible-playbook runs.

A rule-quota refusal advises what this run's options allow (purge_port_ranges cannot make room: removals
follow the adds); a declared pair listed with another description is a finding, and nothing is written for it.
"""

from __future__ import annotations

from integration.modules.test_gateway_sg_authorization import ADD
from integration.modules.test_gateway_sg_authorization import DELETE
from integration.modules.test_gateway_sg_authorization import SG_EXTRA
from integration.modules.test_gateway_sg_authorization import apig_calls
from integration.modules.test_gateway_sg_authorization import assert_clean_failure
from integration.modules.test_gateway_sg_authorization import assert_no_crash
from integration.modules.test_gateway_sg_authorization import seed_authorizations
from integration.modules.test_gateway_sg_authorization import task
from integration.modules.test_gateway_sg_authorization import world_authorizations
from integration.playbook import run_tasks

REVOKE_FIRST = "or revoke 8080/8080 first: gateway_sg_authorization with state=absent"


def test_quota_advice_depends_on_purge_and_on_unlisted_ranges(emulator):
    # sg-extra may hold one rule, and 8080/8080 fills it: a move to 8081 cannot add before it removes.
    seed_authorizations(emulator, [(SG_EXTRA, "8080/8080", "")], rule_quota={SG_EXTRA: 1})
    move = dict(security_group_id=SG_EXTRA, port_ranges=[8081], ignore_errors=True)
    run = run_tasks(
        [
            task("move with purge", purge_port_ranges=True, **move),
            task("move without purge", **move),
            task(
                "add beside the listed range", security_group_id=SG_EXTRA, port_ranges=[8080, 8081], ignore_errors=True
            ),
        ],
        emulator.env(),
    )
    assert run.rc == 0, run
    assert_no_crash(run)

    purge = run.task("move with purge")
    assert_clean_failure(
        purge,
        f"The security group {SG_EXTRA} has reached its rule quota",
        "this run would remove 8080/8080 (purge_port_ranges=true), but only after every add succeeded",
        "cannot make room by itself",
        f"free a rule of {SG_EXTRA}",
        "raise the group's rule quota",
        REVOKE_FIRST,
        f"security_group_id={SG_EXTRA} and port_ranges [8080/8080]",
        "alibabacloud.apig.revoke playbook",
    )
    # Purge is on already: the message does not advise turning it on.
    assert "purge_port_ranges=true removes" not in purge["msg"] and "this task does not list" not in purge["msg"]

    plain = run.task("move without purge")
    assert_clean_failure(
        plain,
        f"this task does not list 8080/8080, authorized for {SG_EXTRA}; purge_port_ranges=true would remove them "
        "only after every add succeeded",
        f"free a rule of {SG_EXTRA}",
        REVOKE_FIRST,
    )
    assert "this run would remove" not in plain["msg"]

    # Every range of the group is listed: nothing to revoke first, so the advice names none.
    full = run.task("add beside the listed range")
    assert_clean_failure(
        full, "has reached its rule quota", f"free a rule of {SG_EXTRA}", "raise the group's rule quota"
    )
    assert "first:" not in full["msg"] and "purge_port_ranges" not in full["msg"], full["msg"]

    for result in (purge, plain, full):
        assert result["error_code"] == "AuthorizationLimitExceed" and result["actions"] == []
    # Each run tried its one add and nothing else; nothing was revoked.
    assert [c["action"] for c in apig_calls(emulator) if c["action"] in (ADD, DELETE)] == [ADD] * 3
    assert world_authorizations(emulator) == [(SG_EXTRA, "8080/8080")]


def test_a_declared_range_listed_with_another_description_is_a_finding_and_no_write(emulator):
    seed_authorizations(emulator, [(SG_EXTRA, "8080/8080", "orders v1"), (SG_EXTRA, "9000/9100", "")])
    declared = dict(security_group_id=SG_EXTRA, port_ranges=[8080, "9000/9100"])
    run = run_tasks(
        [
            task("other description, check", check=True, description="orders v2", **declared),
            task("other description", description="orders v2", **declared),
            task(
                "fail on it",
                description="orders v2",
                fail_on_findings=["DESCRIPTION_DIFFERS"],
                ignore_errors=True,
                **declared,
            ),
            task("same description", description="orders v1", security_group_id=SG_EXTRA, port_ranges=[8080]),
            task("no description", **declared),
            task("absent", state="absent", description="orders v2", security_group_id=SG_EXTRA, port_ranges=[7000]),
        ],
        emulator.env(),
    )
    assert run.rc == 0, run
    assert_no_crash(run)
    for name in ("other description, check", "other description"):
        result = run.task(name)
        assert result["changed"] is False and result["actions"] == [], result
        # One finding per listed description: 8080 says "orders v1", 9000/9100 has none.
        assert [(f["code"], f["ids"]["port_ranges"], f["ids"]["description"]) for f in result["findings"]] == [
            ("DESCRIPTION_DIFFERS", ["9000/9100"], ""),
            ("DESCRIPTION_DIFFERS", ["8080/8080"], "orders v1"),
        ], result["findings"]
        first = result["findings"][1]
        assert first["ids"]["security_group_id"] == SG_EXTRA and first["ids"]["declared_description"] == "orders v2"
        assert first["ids"]["rule_ids"] and len(first["ids"]["rule_ids"]) == 1
        assert "'orders v1', not 'orders v2'" in first["message"]
        assert (
            "revoke the range and authorize it again (this module with state=absent, then state=present)"
            in (first["message"])
        )
        assert any("8080/8080 is authorized with the description 'orders v1'" in w for w in result["warnings"])
    assert run.task("other description, check")["findings"] == run.task("other description")["findings"]

    guarded = run.task("fail on it")
    assert guarded["_status"] == "failed" and "DESCRIPTION_DIFFERS" in guarded["msg"], guarded
    for name in ("same description", "no description", "absent"):
        result = run.task(name)
        assert result["changed"] is False, result
        assert all(f["code"] != "DESCRIPTION_DIFFERS" for f in result.get("findings", [])), result
    # Nothing was written for a description: each run listed and left the authorizations as they were.
    assert [c["action"] for c in apig_calls(emulator) if c["action"] in (ADD, DELETE)] == []
    assert world_authorizations(emulator) == [(SG_EXTRA, "8080/8080"), (SG_EXTRA, "9000/9100")]
