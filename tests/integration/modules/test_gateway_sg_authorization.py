# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""gateway_sg_authorization through real ansible-playbook runs against the emulator (demo world).

Every playbook run costs about two seconds, so each test runs one playbook whose tasks cover a
scenario's check mode, real run and re-run, and asserts on the emulator's call log, which is
deterministic: the module makes one list call, its writes, and one list call after writing.
"""

from __future__ import annotations

import re
from typing import Any
from typing import Dict
from typing import List

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_tea_openapi.models import Config
from integration.playbook import run_playbook
from integration.playbook import run_tasks

MODULE = "alibabacloud.apig.gateway_sg_authorization"
GW = "gw-demo-hz01"
GW_SG = "sg-gw-demo-hz01"  # the gateway's own managed group
SG1 = "sg-service1-hz01"
SG2 = "sg-service2-hz01"
SG_EXTRA = "sg-extra-hz01"
SG_ENTERPRISE = "sg-enterprise-hz01"
SG_OTHER_VPC = "sg-other-hz01"

LIST = "ListGatewayAuthorizedSecurityGroupRules"
ADD = "AddGatewaySecurityGroupRule"
DELETE = "DeleteGatewaySecurityGroupRule"
GET = "GetGateway"  # the pre-check's read of the gateway's VPC and managed group
GATEWAYS = "ListGateways"  # before a cascading delete on an enterprise group: the other gateways of the VPC
SHORT = {LIST: "L", ADD: "A", DELETE: "D", GET: "G", GATEWAYS: "W"}


# --- helpers ------------------------------------------------------------------------------------


def task(name: str, check: bool = False, diff: bool = False, ignore_errors: bool = False, **args: Any) -> Dict:
    args.setdefault("gateway_id", GW)
    entry: Dict[str, Any] = {"name": name, MODULE: args}
    if check:
        entry["check_mode"] = True
    if diff:
        entry["diff"] = True
    if ignore_errors:
        entry["ignore_errors"] = True
    return entry


def apig_calls(emulator: Any) -> List[Dict[str, Any]]:
    return emulator.calls(product="apig")


def call_pattern(calls: List[Dict[str, Any]]) -> str:
    """The APIG calls as letters (L list, A add, D delete); concurrent writes in a row are sorted."""
    letters = "".join(SHORT.get(c["action"], "?") for c in calls)
    return re.sub(r"[AD]+", lambda m: "".join(sorted(m.group(0))), letters)


def writes(calls: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [c for c in calls if c["action"] in (ADD, DELETE)]


def pairs(authorizations: List[Dict[str, Any]]) -> List[tuple]:
    return [(a["security_group_id"], a["port_range"]) for a in authorizations]


def identity(authorizations: List[Dict[str, Any]]) -> List[tuple]:
    """What check mode predicts exactly: group, range and description (the API assigns rule ids)."""
    return [(a["security_group_id"], a["port_range"], a["description"]) for a in authorizations]


def world_authorizations(emulator: Any) -> List[tuple]:
    (gateway,) = [g for g in emulator.state()["gateways"] if g["id"] == GW]
    return sorted((a["security_group"], a["port_range"]) for a in gateway["authorizations"])


def seed_authorizations(emulator: Any, entries: List[tuple], rule_quota: Dict[str, int] = None) -> None:
    """Authorizations present before the test (the emulator writes their ECS rules as the API would)."""
    state = emulator.state()
    (gateway,) = [g for g in state["gateways"] if g["id"] == GW]
    gateway["authorizations"] = [
        {"security_group": group, "port_range": port_range, "description": description}
        for group, port_range, description in entries
    ]
    for group in state["security_groups"]:
        if group["id"] in (rule_quota or {}):
            group["rule_quota"] = rule_quota[group["id"]]
    emulator.put_state(state)
    emulator.clear_calls()


def gateway_ingress(emulator: Any, group_id: str) -> List[str]:
    """The backend group's inbound rules from the gateway's group, read with the real ECS SDK."""
    client = EcsClient(
        Config(
            access_key_id=emulator.access_key_id,
            access_key_secret=emulator.access_key_secret,
            region_id=emulator.region,
            endpoint=emulator.endpoint,
            protocol="HTTP",
        )
    )
    request = ecs_models.DescribeSecurityGroupAttributeRequest(
        region_id=emulator.region, security_group_id=group_id, direction="ingress"
    )
    body = client.describe_security_group_attribute(request).body.to_map()
    permissions = (body.get("Permissions") or {}).get("Permission") or []
    return sorted(p["PortRange"] for p in permissions if p.get("SourceGroupId") == GW_SG)


def assert_clean_failure(result: Dict[str, Any], *fragments: str) -> None:
    assert result["_status"] == "failed", result
    for fragment in fragments:
        assert fragment in result["msg"], (fragment, result["msg"])
    assert result["error_code"] and result["request_id"], result
    assert "Traceback" not in result["msg"] and "MODULE FAILURE" not in result["msg"]


def assert_no_crash(run: Any) -> None:
    assert "MODULE FAILURE" not in run.output and "Traceback" not in run.output, run


# --- scenarios ----------------------------------------------------------------------------------

RULES = [
    {"security_group_id": SG1, "port_ranges": [8080], "description": "service 1"},
    # 8080 lies inside 80/9000 and "8000-8100" overlaps it: both merge into 80/9000.
    {"security_group_id": SG2, "port_ranges": ["80/9000", 8080, "8000-8100", "9443", "10000-10100"]},
]


def test_add_several_groups_check_mode_diff_and_rerun(emulator):
    run = run_tasks(
        [
            task("preview", check=True, rules=RULES),
            task("apply", rules=RULES),
            task("again", rules=RULES),
        ],
        emulator.env(),
        diff=True,
    )
    assert run.rc == 0, run
    preview, applied, again = run.task("preview"), run.task("apply"), run.task("again")

    expected_actions = [
        {"action": "add", "security_group_id": SG1, "port_ranges": ["8080/8080"], "description": "service 1"},
        {
            "action": "add",
            "security_group_id": SG2,
            "port_ranges": ["80/9000", "9443/9443", "10000/10100"],
            "description": None,
        },
    ]
    assert preview["changed"] and applied["changed"] and not again["changed"]
    assert preview["actions"] == applied["actions"] == expected_actions
    assert again["actions"] == []

    # Check mode predicts the real run's list; only the API-assigned rule ids are unknown.
    assert identity(preview["authorizations"]) == identity(applied["authorizations"])
    assert [a["rule_id"] for a in preview["authorizations"]] == [None] * 4
    assert all(a["rule_id"].startswith("gsgr-") for a in applied["authorizations"])
    assert again["authorizations"] == applied["authorizations"]
    assert applied["authorizations"][0] == {
        "rule_id": applied["authorizations"][0]["rule_id"],
        "security_group_id": SG1,
        "security_group_name": "service-sg1",
        "port_range": "8080/8080",
        "ip_protocol": "TCP",
        "source_security_group_id": GW_SG,
        "auth_cidrs": [],
        "vpc_id": "vpc-demo-hz01",
        "description": "service 1",
    }

    # Diff: one line per group and range, the same in check mode and in the real run.
    after = f"{SG1} 8080/8080\n{SG2} 80/9000\n{SG2} 9443/9443\n{SG2} 10000/10100\n"
    assert preview["diff"]["before"] == applied["diff"]["before"] == ""
    assert preview["diff"]["after"] == applied["diff"]["after"] == after
    assert run.stdout.count(f"+{SG2} 10000/10100") == 2  # the diff as --diff prints it (check + real)

    # check: 1 list; apply: list, one add per group carrying all its ranges, list; again: 1 list.
    calls = apig_calls(emulator)
    # (each run that adds reads the gateway for the pre-check: G; the groups are ECS reads)
    assert call_pattern(calls) == "LG" + "LGAAL" + "L"
    added = sorted((c["params"]["securityGroupId"], c["params"]["portRanges"]) for c in writes(calls))
    assert added == [(SG1, ["8080/8080"]), (SG2, ["80/9000", "9443/9443", "10000/10100"])]
    assert world_authorizations(emulator) == sorted(pairs(applied["authorizations"]))
    # The authorization wrote the inbound rules into the backend group.
    assert gateway_ingress(emulator, SG2) == ["10000/10100", "80/9000", "9443/9443"]


def test_purge_port_ranges_then_purge_security_groups(emulator):
    seed_authorizations(
        emulator,
        [
            (SG1, "8080/8080", "svc1"),
            (SG1, "9090/9090", "old port"),
            (SG2, "80/80", ""),
            (SG2, "443/443", ""),
            (SG_EXTRA, "7000/7000", ""),
        ],
    )
    ranges = dict(rules=[{"security_group_id": SG1, "port_ranges": [8080, 8443], "description": "new"}])
    # The groups purge revokes 3 of the 5 listed pairs, over the default revocation budget (2): the test means it.
    groups = dict(ranges, purge_security_groups=True, max_revocations=3)
    run = run_tasks(
        [
            task("ranges preview", check=True, purge_port_ranges=True, **ranges),
            task("ranges apply", purge_port_ranges=True, **ranges),
            task("ranges again", purge_port_ranges=True, **ranges),
            task("groups preview", check=True, **groups),
            task("groups apply", **groups),
            task("groups again", **groups),
        ],
        emulator.env(),
        diff=True,
    )
    assert run.rc == 0, run
    preview, applied, again = run.task("ranges preview"), run.task("ranges apply"), run.task("ranges again")
    assert preview["changed"] and applied["changed"] and not again["changed"]
    assert preview["actions"] == applied["actions"]
    assert [(a["action"], a["security_group_id"], a["port_ranges"]) for a in applied["actions"]] == [
        ("add", SG1, ["8443/8443"]),
        ("delete", SG1, ["9090/9090"]),
    ]
    assert applied["actions"][1]["cascading_delete"] is True
    # Other groups are out of purge_port_ranges' scope; the kept range keeps its description.
    assert identity(applied["authorizations"]) == identity(preview["authorizations"])
    assert identity(applied["authorizations"]) == [
        (SG_EXTRA, "7000/7000", None),
        (SG1, "8080/8080", "svc1"),
        (SG1, "8443/8443", "new"),
        (SG2, "80/80", None),
        (SG2, "443/443", None),
    ]
    assert preview["diff"] == applied["diff"]
    assert f"-{SG1} 9090/9090" in run.stdout and f"+{SG1} 8443/8443" in run.stdout

    preview, applied, again = run.task("groups preview"), run.task("groups apply"), run.task("groups again")
    assert preview["changed"] and applied["changed"] and not again["changed"]
    assert preview["actions"] == applied["actions"]
    # Deletes are ordered by group, then rule id (one delete per rule id).
    assert [(a["action"], a["security_group_id"]) for a in applied["actions"]] == [
        ("delete", SG_EXTRA),
        ("delete", SG2),
        ("delete", SG2),
    ]
    assert sorted(r for a in applied["actions"] for r in a["port_ranges"]) == ["443/443", "7000/7000", "80/80"]
    assert pairs(applied["authorizations"]) == [(SG1, "8080/8080"), (SG1, "8443/8443")]
    assert identity(preview["authorizations"]) == identity(applied["authorizations"])
    assert applied["diff"]["after"] == f"{SG1} 8080/8080\n{SG1} 8443/8443\n"

    # Adds run before deletes; nothing is written by a check run or a re-run.
    assert call_pattern(apig_calls(emulator)) == "LG" + "LGADL" + "L" + "L" + "LDDDL" + "L"
    assert world_authorizations(emulator) == [(SG1, "8080/8080"), (SG1, "8443/8443")]
    assert gateway_ingress(emulator, SG_EXTRA) == [] and gateway_ingress(emulator, SG2) == []


def test_state_absent_with_and_without_cascading_delete(emulator):
    seed_authorizations(emulator, [(SG1, "8080/8080", ""), (SG2, "80/80", ""), (SG2, "443/443", "")])
    assert gateway_ingress(emulator, SG1) == ["8080/8080"]
    assert gateway_ingress(emulator, SG2) == ["443/443", "80/80"]
    emulator.clear_calls()

    keep_rules = dict(security_group_id=SG2, port_ranges=["443"], state="absent", cascading_delete=False)
    whole_group = dict(security_group_id=SG1, state="absent")  # no ranges: all of the group's; cascade by default
    run = run_tasks(
        [
            task("keep preview", check=True, **keep_rules),
            task("keep apply", **keep_rules),
            task("keep again", **keep_rules),
            task("close preview", check=True, **whole_group),
            task("close apply", **whole_group),
            task("close again", **whole_group),
        ],
        emulator.env(),
        diff=True,
    )
    assert run.rc == 0, run
    for prefix, group, port_range, cascade in (("keep", SG2, "443/443", False), ("close", SG1, "8080/8080", True)):
        preview, applied, again = (run.task(f"{prefix} {step}") for step in ("preview", "apply", "again"))
        assert preview["changed"] and applied["changed"] and not again["changed"]
        assert preview["actions"] == applied["actions"]
        (action,) = applied["actions"]
        assert action["action"] == "delete" and action["security_group_id"] == group
        assert action["port_ranges"] == [port_range] and action["cascading_delete"] is cascade
        assert action["rule_id"].startswith("gsgr-")
        assert preview["diff"] == applied["diff"]
        assert f"{group} {port_range}\n" in applied["diff"]["before"]
        assert f"{group} {port_range}\n" not in applied["diff"]["after"]
        assert f"-{group} {port_range}" in run.stdout
        assert identity(preview["authorizations"]) == identity(applied["authorizations"])

    assert run.task("close apply")["authorizations"] == run.task("close again")["authorizations"]
    assert pairs(run.task("close apply")["authorizations"]) == [(SG2, "80/80")]

    calls = apig_calls(emulator)
    assert call_pattern(calls) == "L" + "LDL" + "L" + "L" + "LDL" + "L"
    deletes = [c["params"] for c in writes(calls)]
    assert [str(d["cascadingDelete"]).lower() for d in deletes] == ["false", "true"]
    # Without cascading delete the inbound rule stays in the backend group; with it, it is gone.
    assert gateway_ingress(emulator, SG2) == ["443/443", "80/80"]
    assert gateway_ingress(emulator, SG1) == []


@pytest.mark.parametrize(
    "group_id, reason",
    [
        (GW_SG, f"{GW_SG} is the gateway {GW}'s own managed security group"),
        (SG_OTHER_VPC, f"{SG_OTHER_VPC} is in VPC vpc-other-hz01, not in the gateway {GW}'s VPC vpc-demo-hz01"),
        ("sg-doesnotexist", "sg-doesnotexist does not exist"),
    ],
)
def test_a_group_the_api_refuses_fails_check_mode_as_the_real_run_and_neither_writes(emulator, group_id, reason):
    """The pre-check: the API would refuse the add, so both runs fail before any write, with the same message.

    The other group is fine: without the pre-check, the real run added it before its add of the
    refused group failed ("1 other write(s) were applied before stopping").
    """
    rules = [{"security_group_id": SG1, "port_ranges": [8080]}, {"security_group_id": group_id, "port_ranges": [8080]}]
    run = run_tasks(
        [
            task("check", check=True, ignore_errors=True, rules=rules),
            task("real", ignore_errors=True, rules=rules),
        ],
        emulator.env(),
    )
    assert run.rc == 0, run
    assert_no_crash(run)
    check, real = run.task("check"), run.task("real")
    for result in (check, real):
        assert result["_status"] == "failed", result
        assert "rules names security groups that the API refuses to authorize" in result["msg"], result["msg"]
        assert reason in result["msg"] and "nothing was written" in result["msg"], result["msg"]
        assert "Traceback" not in result["msg"]
        assert result["actions"] == [] and result["changed"] is False
    assert check["msg"] == real["msg"]
    # Each run: the list, the gateway and the target groups (one batch); no write.
    actions = [c["action"] for c in emulator.calls()]
    assert actions == [LIST, GET, "DescribeSecurityGroups"] * 2
    assert world_authorizations(emulator) == []


def test_api_refusals_fail_cleanly_with_code_and_request_id(emulator):
    # sg-extra may hold one rule: its 7000/7000 authorization fills it.
    seed_authorizations(emulator, [(SG_EXTRA, "7000/7000", "")], rule_quota={SG_EXTRA: 1})
    run = run_tasks(
        [
            task(
                "unknown gateway",
                ignore_errors=True,
                gateway_id="gw-doesnotexist",
                security_group_id=SG1,
                port_ranges=[8080],
            ),
            task("quota", ignore_errors=True, security_group_id=SG_EXTRA, port_ranges=[8080, 8443]),
        ],
        emulator.env(),
    )
    assert run.rc == 0, run  # every failure was ignored, none crashed
    assert_no_crash(run)

    no_gateway = run.task("unknown gateway")
    assert_clean_failure(no_gateway, "Failed to list the security group authorizations of gw-doesnotexist")
    assert no_gateway["error_code"] == "NotFound.GatewayNotFound" and no_gateway["http_status"] == 404
    assert no_gateway["actions"] == [] and no_gateway["changed"] is False

    quota = run.task("quota")
    assert_clean_failure(
        quota, f"for {SG_EXTRA}", "rule quota", "Nothing was revoked", "7000/7000", "purge_port_ranges"
    )
    assert quota["error_code"] == "AuthorizationLimitExceed"

    # The unknown gateway fails on the list; the quota: the list, the pre-check's gateway, the refused write.
    assert call_pattern(apig_calls(emulator)) == "L" + "LGA"
    assert world_authorizations(emulator) == [(SG_EXTRA, "7000/7000")]


def test_invalid_input_fails_before_any_api_call(emulator):
    cases = {
        "bad range": (
            dict(
                rules=[
                    {"security_group_id": SG1, "port_ranges": [80]},
                    {"security_group_id": SG2, "port_ranges": ["80/"]},
                ]
            ),
            "rules[1].port_ranges[0]: '80/' is not a valid port range",
        ),
        "bad group id": (dict(security_group_id="default", port_ranges=[80]), "security_group_id: 'default'"),
        "bad rules group id": (
            dict(rules=[{"security_group_id": "sg_1", "port_ranges": [80]}]),
            "rules[0].security_group_id: 'sg_1'",
        ),
        "bad gateway id": (dict(gateway_id="demo-gateway", security_group_id=SG1, port_ranges=[80]), "gateway_id"),
        "reversed range": (dict(security_group_id=SG1, port_ranges=["9000/80"]), "port_ranges[0]: '9000/80'"),
        "purge with absent": (
            dict(security_group_id=SG1, state="absent", purge_port_ranges=True),
            "purge_port_ranges: True cannot be used with state=absent",
        ),
        "purge groups without rules": (
            dict(security_group_id=SG1, port_ranges=[80], purge_security_groups=True),
            "purge_security_groups: True requires rules",
        ),
        "no ranges with present": (dict(security_group_id=SG1), "port_ranges is required with state=present"),
        "empty ranges in rules": (
            dict(rules=[{"security_group_id": SG1, "port_ranges": []}]),
            "rules[0].port_ranges: [] is required with state=present",
        ),
        "both forms": (
            dict(security_group_id=SG1, port_ranges=[80], rules=[{"security_group_id": SG2, "port_ranges": [80]}]),
            "mutually exclusive",
        ),
        "no group": (dict(port_ranges=[80]), "security_group_id is required unless rules is given"),
        "too many writers": (
            dict(security_group_id=SG1, port_ranges=[80], max_concurrent_writes=0),
            "max_concurrent_writes: 0",
        ),
    }
    run = run_tasks(
        [task(name, ignore_errors=True, **args) for name, (args, _message) in cases.items()], emulator.env()
    )
    assert run.rc == 0, run
    assert_no_crash(run)
    for name, (_task, message) in cases.items():
        result = run.task(name)
        assert result["_status"] == "failed", (name, result)
        assert message in result["msg"], (name, result["msg"])
    assert emulator.calls() == []


def test_module_defaults_group_sets_credentials_and_endpoints(emulator):
    play = {
        "name": "credentials from module_defaults only",
        "hosts": "localhost",
        "gather_facts": False,
        "module_defaults": {
            "group/alibabacloud.apig.all": {
                "access_key_id": emulator.access_key_id,
                "access_key_secret": emulator.access_key_secret,
                "region": emulator.region,
                "apig_endpoint": emulator.url,
                "ecs_endpoint": emulator.url,  # the pre-check reads the target group
            }
        },
        "tasks": [task("authorize", security_group_id=SG_EXTRA, port_ranges=["7070-7071"], description="via defaults")],
    }
    # No ALIBABA_CLOUD_* variables: the module can only work from module_defaults.
    run = run_playbook([play], {"ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"})
    assert run.rc == 0, run
    result = run.task("authorize")
    assert result["changed"] and pairs(result["authorizations"]) == [(SG_EXTRA, "7070/7071")]
    assert emulator.access_key_secret not in run.output and emulator.access_key_secret not in str(run.results)
    assert call_pattern(apig_calls(emulator)) == "LGAL"


def test_add_failing_part_way_reports_the_applied_actions_and_a_rerun_converges(emulator):
    seed_authorizations(emulator, [(SG_ENTERPRISE, "5000/5000", "")])
    args = dict(
        rules=[
            {"security_group_id": SG_EXTRA, "port_ranges": [7000]},
            {"security_group_id": SG1, "port_ranges": [8080]},
            {"security_group_id": SG2, "port_ranges": ["80/9000"]},
        ],
        purge_security_groups=True,  # the plan also deletes sg-enterprise's authorization, after the adds
        max_concurrent_writes=1,  # writes in plan order: sg-extra, sg-service1, sg-service2
        max_attempts=2,
    )
    # The first add goes through (a zero-second hang is a normal answer); every later one answers 500.
    emulator.set_faults(
        [
            {"action": ADD, "hang_seconds": 0, "times": 1},
            {"action": ADD, "fail_next": 100, "status": 500},
        ]
    )
    failed = run_tasks([task("apply", **args)], emulator.env())
    assert failed.rc != 0
    assert_no_crash(failed)
    result = failed.task("apply")
    assert_clean_failure(result, f"Failed to authorize port ranges 8080/8080 for {SG1} on {GW}", "after 2 attempts")
    assert result["error_code"] == "InternalError" and result["http_status"] == 500
    assert "no authorization was removed" in result["msg"]
    assert result["changed"] is True
    assert result["actions"] == [
        {"action": "add", "security_group_id": SG_EXTRA, "port_ranges": ["7000/7000"], "description": None}
    ]
    # A 500 may have been applied: each failed add (tried twice) is settled by the list, which does not show
    # it, so it is added once more (twice again), and then the run fails. Nothing was deleted.
    calls = apig_calls(emulator)
    # Before any write, the planned cascading delete of an enterprise authorization lists the VPC's gateways
    # (another one may need the same inbound rules).
    assert [(c["action"], c["status"]) for c in calls] == [(LIST, 200), (GET, 200), (GATEWAYS, 200), (ADD, 200)] + [
        (ADD, 500)
    ] * 4 + [(LIST, 200)] + [(ADD, 500)] * 2
    assert not [c for c in calls if c["action"] == DELETE]
    assert world_authorizations(emulator) == [(SG_ENTERPRISE, "5000/5000"), (SG_EXTRA, "7000/7000")]

    emulator.clear_faults()
    emulator.clear_calls()
    run = run_tasks([task("apply", **args), task("again", **args)], emulator.env())
    assert run.rc == 0, run
    applied = run.task("apply")
    assert [(a["action"], a["security_group_id"]) for a in applied["actions"]] == [
        ("add", SG1),
        ("add", SG2),
        ("delete", SG_ENTERPRISE),
    ]
    assert not run.task("again")["changed"]
    assert call_pattern(apig_calls(emulator)) == "LGWAADL" + "L"
    assert world_authorizations(emulator) == [(SG_EXTRA, "7000/7000"), (SG1, "8080/8080"), (SG2, "80/9000")]


def test_concurrent_runs_on_the_same_gateway_both_succeed_without_duplicates(emulator):
    # Two hosts run the same tasks at the same time (forks): both read the list, then both write.
    # Writes are held for a second so that both reads happen first: one run's adds are then
    # refused as already existing (fine once the list shows them), and one run's deletes find
    # the authorization already gone (fine: that is the goal).
    emulator.set_faults([{"action": ADD, "hang_seconds": 1}, {"action": DELETE, "hang_seconds": 1}])
    rules = [
        {"security_group_id": SG1, "port_ranges": [8080, 8443]},
        {"security_group_id": SG2, "port_ranges": ["80/9000"]},
    ]
    play = {
        "name": "race",
        "hosts": "all",
        "gather_facts": False,
        "tasks": [
            task("race add", rules=rules),
            task("race revoke", security_group_id=SG2, state="absent"),
        ],
    }
    run = run_playbook([play], emulator.env(), inventory="racer1,racer2,", args=["--forks", "2"])
    assert run.rc == 0, run
    assert_no_crash(run)
    for host in ("racer1", "racer2"):
        added, revoked = run.task("race add", host=host), run.task("race revoke", host=host)
        assert added["_status"] == "ok" and revoked["_status"] == "ok", (added, revoked)
        assert pairs(added["authorizations"]) == [(SG1, "8080/8080"), (SG1, "8443/8443"), (SG2, "80/9000")]
        assert pairs(revoked["authorizations"]) == [(SG1, "8080/8080"), (SG1, "8443/8443")]
    calls = apig_calls(emulator)
    actions = [c["action"] for c in calls]
    assert [i for i, a in enumerate(actions) if a == LIST][1] < actions.index(ADD)  # both read before any add
    refused = [c for c in calls if c["status"] == 409 and c["code"] == "Conflict.SecurityGroupRuleExists"]
    # Settled by the list, not by one add per range: at most one refusal per group the loser wrote.
    assert 1 <= len(refused) <= 2
    assert any(c["status"] == 404 and c["action"] == DELETE for c in calls)
    # The run that lost a race reports no change for the writes the other made.
    for name in ("race add", "race revoke"):
        flags = sorted(run.task(name, host=host)["changed"] for host in ("racer1", "racer2"))
        assert flags == [False, True], name
    assert world_authorizations(emulator) == [(SG1, "8080/8080"), (SG1, "8443/8443")]

    emulator.clear_faults()
    emulator.clear_calls()
    again = run_tasks([task("again", rules=rules[:1])], emulator.env())
    assert again.rc == 0 and not again.task("again")["changed"]
    assert call_pattern(apig_calls(emulator)) == "L"
