# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The backend_access role's guards, by ansible-playbook against the demo world, asserted on the call log.

* purge never follows a discovery miss: a typo in a node pool name, an unknown cluster, a tag that matches
  nothing, or no backends at all, with purge, fail before any write; without purge the miss fails too unless
  the entry says allow_empty;
* findings listed in backend_access_fail_on_findings fail the role (discovery's before any write);
* ports left behind without purge are named in the summary;
* backend_access_backends given as a YAML or JSON string (an AWX survey's textarea).
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from integration.playbook import run_playbook
from integration.reliability.helpers import assert_no_crash
from integration.roles.test_backend_access import DEMO_PAIRS
from integration.roles.test_backend_access import DEMO_VARS
from integration.roles.test_backend_access import GATEWAY
from integration.roles.test_backend_access import WRITES
from integration.roles.test_backend_access import authorized_pairs
from integration.roles.test_backend_access import call_counts

DISCOVER = "Discover the security groups behind the backends"
CONVERGE = "Converge the gateway's authorizations"
SUMMARY = "Summarise the gateway's backend access"
SERVICE1, SERVICE2 = DEMO_VARS["backend_access_backends"]


def authorize(emulator, **extra_vars):
    run = run_playbook("alibabacloud.apig.authorize_backends", emulator.env(), extra_vars=dict(DEMO_VARS, **extra_vars))
    assert_no_crash(run.output)
    return run


def converged(emulator):
    """The demo converged, and the call log cleared."""
    assert authorize(emulator).rc == 0
    assert authorized_pairs(emulator) == DEMO_PAIRS
    emulator.clear_calls()


def failed_task(run) -> dict:
    failed = [r for r in run.results if r["status"] == "failed"]
    assert len(failed) == 1, run
    return dict(failed[0]["result"], _task=failed[0]["task"])


def test_purge_after_a_discovery_miss_fails_before_any_write(emulator):
    """Typo, unknown cluster, tag on no instance: each with purge fails at discovery; nothing is revoked."""
    converged(emulator)
    misses = [
        (
            dict(SERVICE1, nodepool_names=["service1_pool"]),
            "NODEPOOL_NOT_FOUND",
            "no node pool is named 'service1_pool'",
        ),
        (dict(SERVICE1, cluster_id="c-unknown-hz01"), "CLUSTER_NOT_FOUND", "ACK cluster c-unknown-hz01 was not found"),
        (
            dict(SERVICE2, instance_tags={"app": "nothing"}),
            "TAGS_MATCH_NO_INSTANCE",
            "carries all the tags app=nothing",
        ),
    ]
    for index, (entry, code, reason) in enumerate(misses):
        backends = [entry, SERVICE2] if index < 2 else [SERVICE1, entry]
        run = authorize(emulator, backend_access_backends=backends, backend_access_purge=True)
        assert run.rc != 0, run
        failed = failed_task(run)
        assert failed["_task"] == DISCOVER
        position = 0 if index < 2 else 1
        assert f"sources[{position}] ({entry['name']};" in failed["msg"], failed["msg"]
        assert code in failed["msg"] and reason in failed["msg"], failed["msg"]
        counts = call_counts(emulator)
        assert not WRITES & set(counts), counts
        assert "ListGatewayAuthorizedSecurityGroupRules" not in counts, "the converge ran"
        assert authorized_pairs(emulator) == DEMO_PAIRS
        # The summary still runs, and says that nothing was written.
        summary = run.task(SUMMARY)["msg"]
        assert summary[0] == f"gateway {GATEWAY}: stopped before converging, nothing was written"
        assert any(line.startswith(f"finding {code}") for line in summary), summary


def test_no_backends_with_purge_is_refused_before_any_call(emulator):
    converged(emulator)
    for backends in ([], ""):
        run = authorize(emulator, backend_access_backends=backends, backend_access_purge=True)
        assert run.rc != 0, run
        failed = failed_task(run)
        assert failed["_task"] == "Refuse purge without backends"
        assert "would revoke every authorization of gw-demo-hz01" in failed["msg"]
        assert "alibabacloud.apig.revoke playbook" in failed["msg"]
        assert emulator.calls() == []
    assert authorized_pairs(emulator) == DEMO_PAIRS


def test_a_bad_gateway_id_is_refused_before_any_call(emulator):
    """The same check as the modules' (_ids.check_id), through the resource_id filter: whitespace shown by repr."""
    for given, shown in (("demo-gateway", "'demo-gateway'"), ("gw-demo-hz01\n", "'gw-demo-hz01\\n'")):
        run = authorize(emulator, backend_access_gateway_id=given)
        assert run.rc != 0, run
        failed = failed_task(run)
        assert failed["_task"] == "Check the gateway id"
        assert f"backend_access_gateway_id: {shown} " in failed["msg"], failed["msg"]
        assert emulator.calls() == []


def test_a_miss_without_purge_fails_unless_the_entry_allows_it(emulator):
    typo = dict(SERVICE1, nodepool_names=["service1_pool"])
    refused = authorize(emulator, backend_access_backends=[typo, SERVICE2])
    assert refused.rc != 0
    assert failed_task(refused)["_task"] == DISCOVER
    assert not WRITES & set(call_counts(emulator))

    allowed = authorize(emulator, backend_access_backends=[dict(typo, allow_empty=True), SERVICE2])
    assert allowed.rc == 0, allowed
    warnings = "\n".join(allowed.task(DISCOVER)["warnings"])
    assert "sources[0]" in warnings and "allow_empty: going on" in warnings
    assert authorized_pairs(emulator) == {("sg-service2-hz01", "80/9000")}

    # With purge, allow_empty is refused before any call: purge would revoke what the entry did not find.
    emulator.clear_calls()
    purge = authorize(emulator, backend_access_backends=[dict(typo, allow_empty=True)], backend_access_purge=True)
    assert purge.rc != 0
    assert "backend_access_backends[0].allow_empty: True cannot be used with purge" in failed_task(purge)["msg"]
    assert emulator.calls() == []


def test_listed_findings_fail_the_role_and_the_default_fails_on_a_group_of_another_vpc(emulator):
    # The demo's tag matches an instance of another VPC: listed, the finding stops the role before any write.
    run = authorize(emulator, backend_access_fail_on_findings=["*_IN_OTHER_VPC"])
    assert run.rc != 0
    failed = failed_task(run)
    assert failed["_task"] == DISCOVER
    assert (
        "finding(s) listed in fail_on_findings (*_IN_OTHER_VPC): INSTANCE_IN_OTHER_VPC: instance i-other-hz01"
        in (failed["msg"])
    )
    assert failed["sources"], "the result comes with the failure"
    assert not WRITES & set(call_counts(emulator))

    # The default: a group named in another VPC fails; the other group of the entry is not authorized either.
    entry = {"name": "named", "security_group_ids": ["sg-other-hz01", "sg-extra-hz01"], "port_ranges": [443]}
    run = authorize(emulator, backend_access_backends=[entry])
    assert run.rc != 0
    assert "SECURITY_GROUP_IN_OTHER_VPC: security group sg-other-hz01" in failed_task(run)["msg"]
    assert not WRITES & set(call_counts(emulator))
    assert authorized_pairs(emulator) == set()

    # [] fails on nothing: the group of the VPC is authorized, the other one left out with a warning.
    run = authorize(emulator, backend_access_backends=[entry], backend_access_fail_on_findings=[])
    assert run.rc == 0, run
    assert authorized_pairs(emulator) == {("sg-extra-hz01", "443/443")}


def test_a_port_moved_without_purge_shows_the_old_one_left_behind(emulator):
    converged(emulator)
    moved = [dict(SERVICE1, port_ranges=[8081]), SERVICE2]
    run = authorize(emulator, backend_access_backends=moved)
    assert run.rc == 0, run
    summary = run.task(SUMMARY)["msg"]
    assert "8080/8080 still authorized in sg-extra-hz01, not declared (purge to remove)" in summary
    assert "8080/8080 still authorized in sg-service1-hz01, not declared (purge to remove)" in summary
    assert not [line for line in summary if "sg-service2-hz01, not declared" in line]

    purged = authorize(emulator, backend_access_backends=moved, backend_access_purge=True)
    assert purged.rc == 0, purged
    assert not [line for line in purged.task(SUMMARY)["msg"] if "not declared" in line]
    assert ("sg-service1-hz01", "8080/8080") not in authorized_pairs(emulator)


def test_backends_as_a_survey_string_in_yaml_or_json(emulator, tmp_path: Path):
    as_yaml = yaml.safe_dump(DEMO_VARS["backend_access_backends"], sort_keys=False)
    check = authorize(emulator, backend_access_backends=as_yaml)
    assert check.rc == 0, check
    assert authorized_pairs(emulator) == DEMO_PAIRS

    again = authorize(emulator, backend_access_backends=json.dumps(DEMO_VARS["backend_access_backends"]))
    assert again.rc == 0, again
    assert again.task(CONVERGE)["changed"] is False

    emulator.clear_calls()
    bad = authorize(emulator, backend_access_backends="- name: web\n  cluster_id: [c-demo-hz01\n")
    assert bad.rc != 0
    message = failed_task(bad)["msg"]
    assert "backend_access_backends: '- name: web" in message, message
    assert "is not valid YAML or JSON (expected ',' or ']', but got '<stream end>' at line 3, column 1)" in message
    assert emulator.calls() == []

    # The audit reads the string with the same parser.
    audit = run_playbook(
        "alibabacloud.apig.audit",
        emulator.env(),
        extra_vars=dict(DEMO_VARS, backend_access_backends=as_yaml, apig_audit_report_dir=str(tmp_path)),
    )
    assert audit.rc == 0, audit
    assert audit.task("Show the audit")["msg"][0].startswith(
        "gateway gw-demo-hz01 (demo-gateway, VPC vpc-demo-hz01): 3 authorization(s), 0 drifted, 0 declared but missing"
    )


def test_the_module_revokes_everything_only_when_purge_all_says_so(emulator):
    converged(emulator)
    revoke_all = {"gateway_id": GATEWAY, "rules": [], "purge_security_groups": True}
    gsa = "alibabacloud.apig.gateway_sg_authorization"
    tasks = [
        {"name": "without purge_all", gsa: revoke_all, "ignore_errors": True},
        {"name": "with purge_all", gsa: dict(revoke_all, purge_all=True), "check_mode": True},
    ]
    play = {"name": "decommission", "hosts": "localhost", "gather_facts": False, "tasks": tasks}
    run = run_playbook([play], emulator.env())
    assert run.rc == 0, run
    refused = run.task("without purge_all")
    assert refused["_status"] == "failed"
    assert "rules: [] is empty with purge_security_groups=true" in refused["msg"]
    assert "purge_all=true" in refused["msg"]
    planned = run.task("with purge_all")
    assert planned["_status"] == "ok" and planned["authorizations"] == []
    assert sorted(a["security_group_id"] for a in planned["actions"]) == sorted(pair[0] for pair in DEMO_PAIRS)
    # The refused task made no call; the check run listed the authorizations once, read the inbound rules of each
    # group its cascading deletes would touch (a cascade removes only rules the gateway wrote), and wrote nothing.
    assert call_counts(emulator) == {
        "ListGatewayAuthorizedSecurityGroupRules": 1,
        "DescribeSecurityGroupAttribute": len({pair[0] for pair in DEMO_PAIRS}),
    }


def test_gateway_info_fails_on_a_listed_finding_after_its_result(emulator):
    converged(emulator)
    # Someone deletes the gateway's inbound rule from service2's group in the ECS console.
    state = emulator.state()
    group = next(g for g in state["security_groups"] if g["id"] == "sg-service2-hz01")
    group["permissions"] = [p for p in group["permissions"] if p.get("source_group_id") != "sg-gw-demo-hz01"]
    emulator.put_state(state)
    gi = "alibabacloud.apig.gateway_info"
    args = {"gateway_id": GATEWAY, "verify_backend_rules": True}
    tasks = [
        {"name": "listed", gi: dict(args, fail_on_findings=["AUTHORIZATION_*"]), "ignore_errors": True},
        {"name": "not listed", gi: dict(args, fail_on_findings=["*_NOT_FOUND"])},
    ]
    run = run_playbook([{"name": "audit", "hosts": "localhost", "gather_facts": False, "tasks": tasks}], emulator.env())
    assert run.rc == 0, run
    listed = run.task("listed")
    assert listed["_status"] == "failed"
    assert listed["msg"].startswith(
        "1 finding(s) listed in fail_on_findings (AUTHORIZATION_*): AUTHORIZATION_NOT_EFFECTIVE"
    )
    assert "sg-service2-hz01" in listed["msg"]
    # The whole result comes with the failure.
    assert [g["gateway_id"] for g in listed["gateways"]] == [GATEWAY]
    assert [f["code"] for f in listed["findings"]] == ["AUTHORIZATION_NOT_EFFECTIVE"]
    assert run.task("not listed")["_status"] == "ok"


def test_the_summary_and_the_audit_name_the_same_undeclared_pairs(emulator, tmp_path: Path):
    """One meaning of "undeclared": a range left in a declared group, and a group no entry names any more."""
    converged(emulator)
    enterprise = {"name": "enterprise", "security_group_ids": ["sg-enterprise-hz01"], "port_ranges": [443]}
    assert authorize(emulator, backend_access_backends=[SERVICE1, SERVICE2, enterprise]).rc == 0
    moved = [dict(SERVICE1, port_ranges=[8081]), SERVICE2]
    run = authorize(emulator, backend_access_backends=moved)
    assert run.rc == 0, run
    suffix = ", not declared (purge to remove)"
    summary = {
        " ".join(reversed(line[: -len(suffix)].split(" still authorized in ")))
        for line in run.task(SUMMARY)["msg"]
        if line.endswith(suffix)
    }
    expected = {"sg-enterprise-hz01 443/443", "sg-extra-hz01 8080/8080", "sg-service1-hz01 8080/8080"}
    assert summary == expected

    audit = run_playbook(
        "alibabacloud.apig.audit",
        emulator.env(),
        extra_vars=dict(DEMO_VARS, backend_access_backends=moved, apig_audit_report_dir=str(tmp_path)),
    )
    assert audit.rc == 0, audit
    report = json.loads((tmp_path / "gw-demo-hz01.json").read_text())
    assert report["undeclared"] == sorted(expected)
    # Each authorization names only the entries that declare it: 8080/8080 no longer, 8081/8081 service1's.
    backends = {f"{a['security_group_id']} {a['port_range']}": a["backends"] for a in report["authorizations"]}
    assert backends["sg-service1-hz01 8080/8080"] == [] and backends["sg-enterprise-hz01 443/443"] == []
    assert backends["sg-service1-hz01 8081/8081"] == [SERVICE1["name"]]
