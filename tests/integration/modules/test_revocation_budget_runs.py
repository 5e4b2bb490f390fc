# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The revocation budget (max_revocations) through real ansible-playbook runs on the demo world.

The module: a purge over the budget fails before any write, in check mode exactly as in a real run, naming the
pairs; raising the budget (a count or a percentage) lets it through. The role: a routine change (one moved port,
one removed backend) passes under the default; a backend lost whole fails naming its pairs in the summary;
backend_access_max_revocations lets it through.
"""

from __future__ import annotations

from integration.modules.test_gateway_sg_authorization import ADD
from integration.modules.test_gateway_sg_authorization import DELETE
from integration.modules.test_gateway_sg_authorization import SG1
from integration.modules.test_gateway_sg_authorization import SG2
from integration.modules.test_gateway_sg_authorization import SG_ENTERPRISE
from integration.modules.test_gateway_sg_authorization import SG_EXTRA
from integration.modules.test_gateway_sg_authorization import apig_calls
from integration.modules.test_gateway_sg_authorization import seed_authorizations
from integration.modules.test_gateway_sg_authorization import task
from integration.modules.test_gateway_sg_authorization import world_authorizations
from integration.playbook import run_playbook
from integration.playbook import run_tasks
from integration.reliability.helpers import assert_no_crash
from integration.roles.test_backend_access import DEMO_VARS

BUDGET = "REVOCATION_BUDGET_EXCEEDED"
SEEDED = [
    (SG1, "8080/8080", ""),
    (SG1, "8443/8443", ""),
    (SG_EXTRA, "8080/8080", ""),
    (SG_EXTRA, "8443/8443", ""),
    (SG2, "80/9000", ""),
    (SG2, "9443/9443", ""),
    (SG_ENTERPRISE, "5000/5000", ""),
    (SG_ENTERPRISE, "5001/5001", ""),
]
# The gateway's complete set without SG_EXTRA and SG_ENTERPRISE: 4 of the 8 listed pairs go; the default allows 2.
KEPT = [
    {"security_group_id": SG1, "port_ranges": [8080, 8443]},
    {"security_group_id": SG2, "port_ranges": ["80/9000", 9443]},
]
PURGE = dict(rules=KEPT, purge_port_ranges=True, purge_security_groups=True)
REVOKED = [
    {"security_group_id": SG_ENTERPRISE, "port_range": "5000/5000"},
    {"security_group_id": SG_ENTERPRISE, "port_range": "5001/5001"},
    {"security_group_id": SG_EXTRA, "port_range": "8080/8080"},
    {"security_group_id": SG_EXTRA, "port_range": "8443/8443"},
]


def test_a_purge_over_the_budget_fails_before_any_write_in_check_mode_too(emulator):
    seed_authorizations(emulator, SEEDED)
    run = run_tasks(
        [
            task("preview", check=True, ignore_errors=True, **PURGE),
            task("apply", ignore_errors=True, **PURGE),
            task("bad budget", ignore_errors=True, max_revocations=" 25%", **PURGE),
            task(
                "zero",
                ignore_errors=True,
                max_revocations=0,
                rules=KEPT[:1] + [KEPT[1]],
                purge_port_ranges=True,
                purge_security_groups=False,
            ),
        ],
        emulator.env(),
    )
    assert_no_crash(run.output)
    for name in ("preview", "apply"):
        result = run.task(name)
        assert result["_status"] == "failed" and result["error_code"] == BUDGET, result
        assert "the purge would revoke 4 of the 8 authorized (group, range) pairs" in result["msg"]
        assert "more than max_revocations allows (2: the default, 25% of 8 listed, at least 2)" in result["msg"]
        assert f"{SG_ENTERPRISE} 5000/5000, {SG_ENTERPRISE} 5001/5001, {SG_EXTRA} 8080/8080" in result["msg"]
        assert "Nothing was written" in result["msg"] and "max_revocations: 4" in result["msg"]
        assert result["revocations"] == REVOKED
        assert result["actions"] == [] and result["changed"] is False
        assert len(result["authorizations"]) == 8  # the list read, unchanged
    bad = run.task("bad budget")
    assert bad["_status"] == "failed"
    assert bad["msg"].startswith("max_revocations: ' 25%' must be a count of authorizations"), bad["msg"]
    # max_revocations=0 with nothing to purge in the declared groups: nothing to refuse, nothing written.
    assert run.task("zero")["_status"] == "ok" and not run.task("zero")["changed"]
    assert not [c for c in apig_calls(emulator) if c["action"] in (ADD, DELETE)]
    assert world_authorizations(emulator) == sorted((g, r) for g, r, _d in SEEDED)


def test_raising_the_budget_lets_the_purge_through(emulator):
    seed_authorizations(emulator, SEEDED)
    run = run_tasks(
        [
            task("too few", ignore_errors=True, max_revocations=3, **PURGE),
            task("as a percentage", check=True, max_revocations="50%", **PURGE),
            task("as a count", max_revocations=4, **PURGE),
            task("again, nothing to revoke", max_revocations=0, **PURGE),
        ],
        emulator.env(),
    )
    assert_no_crash(run.output)
    refused = run.task("too few")
    assert refused["error_code"] == BUDGET and "(3: max_revocations=3)" in refused["msg"]
    assert run.task("as a percentage")["_status"] == "ok"
    applied = run.task("as a count")
    assert applied["_status"] == "ok" and applied["changed"]
    deleted = sorted(a["port_ranges"][0] for a in applied["actions"] if a["action"] == "delete")
    assert deleted == ["5000/5000", "5001/5001", "8080/8080", "8443/8443"]
    assert not run.task("again, nothing to revoke")["changed"]
    assert world_authorizations(emulator) == [
        (SG1, "8080/8080"),
        (SG1, "8443/8443"),
        (SG2, "80/9000"),
        (SG2, "9443/9443"),
    ]


def test_a_repair_and_a_duplicate_are_not_revocations(emulator):
    """max_revocations=0 still lets a purge remove a duplicate record and repair a drifted rule: no access goes."""
    emulator.set_knobs(duplicate_adds="accept")
    seed_authorizations(emulator, [(SG1, "8080/8080", ""), (SG1, "8080/8080", ""), (SG2, "80/9000", "")])
    state = emulator.state()
    (group,) = [g for g in state["security_groups"] if g["id"] == SG2]
    group["permissions"] = [p for p in group["permissions"] if p.get("source_group_id") != "sg-gw-demo-hz01"]
    emulator.put_state(state)
    rules = [{"security_group_id": SG1, "port_ranges": [8080]}, {"security_group_id": SG2, "port_ranges": ["80/9000"]}]
    run = run_tasks(
        [
            task(
                "zero budget",
                rules=rules,
                purge_port_ranges=True,
                purge_security_groups=True,
                verify_backend_rules=True,
                max_revocations=0,
            )
        ],
        emulator.env(),
    )
    assert run.rc == 0, run
    result = run.task("zero budget")
    assert result["repaired"] == [{"security_group_id": SG2, "port_range": "80/9000"}]
    assert sorted(a["action"] for a in result["actions"]) == ["add", "delete", "delete"]
    assert world_authorizations(emulator) == [(SG1, "8080/8080"), (SG2, "80/9000")]


# --- through the role ---------------------------------------------------------------------------------------

SUMMARY = "Summarise the gateway's backend access"
CONVERGE = "Converge the gateway's authorizations"
CLUSTER, TAGGED = DEMO_VARS["backend_access_backends"]
# Three backends: the cluster (sg-service1 and sg-extra) on three ports, the tagged instances, one enterprise group.
BACKENDS = [
    dict(CLUSTER, port_ranges=[8080, 8443, 9443]),
    TAGGED,
    {"name": "legacy", "security_group_ids": [SG_ENTERPRISE], "port_ranges": [5000]},
]


def authorize(emulator, backends, **extra):
    variables = dict(DEMO_VARS, backend_access_backends=backends, backend_access_purge=True, **extra)
    run = run_playbook("alibabacloud.apig.authorize_backends", emulator.env(), extra_vars=variables)
    assert_no_crash(run.output)
    return run


def test_the_role_passes_routine_changes_and_stops_a_backend_lost_whole(emulator):
    assert authorize(emulator, BACKENDS).rc == 0
    assert len(world_authorizations(emulator)) == 8  # 2 groups x 3 ports, the tagged group, the enterprise group

    # One moved port of the cluster: 2 pairs of 8 go (sg-service1 and sg-extra 8080), within the default.
    moved = [dict(BACKENDS[0], port_ranges=[8081, 8443, 9443])] + BACKENDS[1:]
    run = authorize(emulator, moved)
    assert run.rc == 0, run
    # One backend removed (the legacy group): 1 pair goes.
    run = authorize(emulator, moved[:2])
    assert run.rc == 0, run
    assert len(world_authorizations(emulator)) == 7

    # The cluster lost whole (its entry gone from the declaration): 6 of 7 pairs would go. Refused, nothing written.
    emulator.clear_calls()
    lost = authorize(emulator, [TAGGED])
    assert lost.rc != 0
    converge = lost.task(CONVERGE)
    assert converge["error_code"] == "REVOCATION_BUDGET_EXCEEDED"
    assert {(r["security_group_id"], r["port_range"]) for r in converge["revocations"]} == {
        (group, port) for group in (SG1, SG_EXTRA) for port in ("8081/8081", "8443/8443", "9443/9443")
    }
    summary = lost.task(SUMMARY)["msg"]
    (line,) = [line for line in summary if line.startswith("REVOCATION_BUDGET_EXCEEDED")]
    assert "the purge would revoke 6 authorized range(s), more than backend_access_max_revocations allows" in line
    assert f"{SG_EXTRA} 8081/8081" in line and f"{SG1} 9443/9443" in line
    assert not [c for c in emulator.calls() if c["action"] in (ADD, DELETE)]
    assert len(world_authorizations(emulator)) == 7

    # Meant: the budget raised through the role's variable.
    retired = authorize(emulator, [TAGGED], backend_access_max_revocations=6)
    assert retired.rc == 0, retired
    assert world_authorizations(emulator) == [(SG2, "80/9000")]
