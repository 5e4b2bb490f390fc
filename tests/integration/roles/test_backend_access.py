# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The backend_access role and the collection's playbooks, run by ansible-playbook against the emulator."""

from __future__ import annotations

import collections
import json
from pathlib import Path

import pytest
import yaml
from integration.playbook import REPO
from integration.playbook import run_playbook

DEMO_VARS = yaml.safe_load((REPO / "demo" / "backends.yml").read_text())
GATEWAY = DEMO_VARS["backend_access_gateway_id"]
GATEWAY_SG = "sg-gw-demo-hz01"
WRITES = {"AddGatewaySecurityGroupRule", "DeleteGatewaySecurityGroupRule"}
DEMO_PAIRS = {("sg-extra-hz01", "8080/8080"), ("sg-service1-hz01", "8080/8080"), ("sg-service2-hz01", "80/9000")}


def call_counts(emulator) -> collections.Counter:
    counts = collections.Counter(call["action"] for call in emulator.calls())
    emulator.clear_calls()
    return counts


def authorized_pairs(emulator) -> set:
    gateway = next(g for g in emulator.state()["gateways"] if g["id"] == GATEWAY)
    return {(a["security_group"], a["port_range"]) for a in gateway.get("authorizations") or []}


def gateway_rules(emulator, group_id: str) -> list:
    group = next(g for g in emulator.state()["security_groups"] if g["id"] == group_id)
    return [p for p in group.get("permissions") or [] if p.get("source_group_id") == GATEWAY_SG]


def authorize(emulator, extra_vars=None, **kwargs):
    return run_playbook(
        "alibabacloud.apig.authorize_backends",
        emulator.env(),
        extra_vars=dict(DEMO_VARS, **(extra_vars or {})),
        **kwargs,
    )


def test_demo_converges_then_a_second_run_changes_nothing_and_writes_nothing(emulator):
    check = authorize(emulator, check=True, diff=True)
    assert check.rc == 0, check
    assert check.task("Converge the gateway's authorizations")["changed"] is True
    assert not WRITES & set(call_counts(emulator)), "check mode wrote"

    first = authorize(emulator, diff=True)
    assert first.rc == 0, first
    converge = first.task("Converge the gateway's authorizations")
    assert converge["changed"] is True
    assert "+sg-service2-hz01 80/9000" in first.stdout
    assert authorized_pairs(emulator) == DEMO_PAIRS
    # One add per group, whatever the number of ranges; one list before and one after the writes.
    counts = call_counts(emulator)
    assert counts["AddGatewaySecurityGroupRule"] == 3
    assert counts["ListGatewayAuthorizedSecurityGroupRules"] == 2
    # Verification read each backend group once.
    assert counts["DescribeSecurityGroupAttribute"] == 3
    assert all(a["effective"] for a in converge["authorizations"])
    summary = first.task("Summarise the gateway's backend access")["msg"]
    assert summary[0] == "gateway gw-demo-hz01: 3 backend group(s), 3 authorized range(s)"
    assert "added 80/9000 to sg-service2-hz01" in summary
    assert any("INSTANCE_IN_OTHER_VPC" in line for line in summary)

    second = authorize(emulator, diff=True)
    assert second.rc == 0, second
    assert second.task("Converge the gateway's authorizations")["changed"] is False
    counts = call_counts(emulator)
    assert not WRITES & set(counts)
    # The no-op floor: the gateway, one gateway list, one node-pool call, one node page, the instance look-ups.
    assert counts == {
        "GetGateway": 1,
        "ListGatewayAuthorizedSecurityGroupRules": 1,
        "DescribeClusterNodePools": 1,
        "DescribeClusterNodes": 1,
        "DescribeInstances": 2,
        "DescribeSecurityGroups": 1,
        "DescribeSecurityGroupAttribute": 3,
    }
    assert "no change" in second.task("Summarise the gateway's backend access")["msg"]


def test_purge_removes_an_undeclared_authorization_after_adding(emulator):
    assert authorize(emulator).rc == 0
    extra = {
        "backend_access_backends": DEMO_VARS["backend_access_backends"]
        + [{"security_group_ids": ["sg-enterprise-hz01"], "port_ranges": [443]}]
    }
    assert authorize(emulator, extra_vars=extra).rc == 0
    assert ("sg-enterprise-hz01", "443/443") in authorized_pairs(emulator)
    emulator.clear_calls()

    purged = authorize(emulator, extra_vars={"backend_access_purge": True})
    assert purged.rc == 0, purged
    assert authorized_pairs(emulator) == DEMO_PAIRS
    actions = purged.task("Converge the gateway's authorizations")["actions"]
    assert [(a["action"], a["security_group_id"]) for a in actions] == [("delete", "sg-enterprise-hz01")]
    # Cascading delete closed the enterprise group's CIDR rules for the gateway's vSwitches.
    group = next(g for g in emulator.state()["security_groups"] if g["id"] == "sg-enterprise-hz01")
    assert not [p for p in group.get("permissions") or [] if p.get("port_range") == "443/443"]


def test_revoke_removes_the_authorizations_and_closes_the_inbound_rules(emulator):
    assert authorize(emulator).rc == 0
    assert gateway_rules(emulator, "sg-service2-hz01")

    revoked = run_playbook("alibabacloud.apig.revoke", emulator.env(), extra_vars=DEMO_VARS)
    assert revoked.rc == 0, revoked
    assert revoked.task("Converge the gateway's authorizations")["changed"] is True
    assert authorized_pairs(emulator) == set()
    for group_id in ("sg-service1-hz01", "sg-service2-hz01", "sg-extra-hz01"):
        assert gateway_rules(emulator, group_id) == [], group_id

    again = run_playbook("alibabacloud.apig.revoke", emulator.env(), extra_vars=DEMO_VARS)
    assert again.rc == 0 and again.task("Converge the gateway's authorizations")["changed"] is False


def test_audit_reports_drift_planted_out_of_band(emulator, tmp_path: Path):
    assert authorize(emulator).rc == 0
    # Someone deletes the gateway's inbound rule from service2's group in the ECS console.
    state = emulator.state()
    group = next(g for g in state["security_groups"] if g["id"] == "sg-service2-hz01")
    group["permissions"] = [p for p in group["permissions"] if p.get("source_group_id") != GATEWAY_SG]
    emulator.put_state(state)
    emulator.clear_calls()

    audit = run_playbook(
        "alibabacloud.apig.audit", emulator.env(), extra_vars=dict(DEMO_VARS, apig_audit_report_dir=str(tmp_path))
    )
    assert audit.rc == 0, audit
    assert not WRITES & set(call_counts(emulator)), "the audit wrote"
    lines = audit.task("Show the audit")["msg"]
    assert lines[0].startswith("gateway gw-demo-hz01 (demo-gateway, VPC vpc-demo-hz01): 3 authorization(s), 1 drifted")
    assert "sg-service2-hz01 80/9000 -> service2 on ECS [DRIFT: inbound rule missing]" in lines
    assert "sg-service1-hz01 8080/8080 -> service1 on ACK (pods serve 8080)" in lines
    report = (tmp_path / "gw-demo-hz01.md").read_text()
    assert "| Drifted (inbound rule missing) | 1 |" in report
    assert "**MISSING**" in report
    assert "INSTANCE_MULTIPLE_SECURITY_GROUPS" in report


@pytest.mark.parametrize(
    "extra_vars, message",
    [
        ({"backend_access_gateway_id": None}, "backend_access_gateway_id"),
        ({"backend_access_state": "gone"}, "backend_access_state"),
        ({"backend_access_backends": "c-demo-hz01"}, "backend_access_backends"),
        (
            {"backend_access_backends": [{"cluster_id": "c-demo-hz01", "port_ranges": ["80/"]}]},
            "backend_access_backends[0].port_ranges[0]: '80/'",
        ),
        (
            {"backend_access_backends": [{"cluster_id": "c-demo-hz01", "port_ranges": [0]}]},
            "backend_access_backends[0].port_ranges[0]: 0",
        ),
        (
            {"backend_access_backends": [{"name": "web", "port_ranges": [80]}]},
            "backend_access_backends[0]: {'name': 'web'} names no source",
        ),
        ({"backend_access_backends": [{"cluster_id": "c-demo-hz01"}]}, "port_ranges"),
        ({"backend_access_purge": True, "backend_access_state": "absent"}, "backend_access_purge"),
    ],
)
def test_bad_role_input_fails_before_any_api_call(emulator, extra_vars, message):
    variables = dict(DEMO_VARS, **extra_vars)
    variables = {k: v for k, v in variables.items() if v is not None}
    run = run_playbook(
        [
            {
                "name": "role input",
                "hosts": "localhost",
                "gather_facts": False,
                "roles": [{"role": "alibabacloud.apig.backend_access"}],
            }
        ],
        emulator.env(),
        extra_vars=variables,
    )
    assert run.rc != 0
    failed = [r for r in run.results if r["status"] == "failed"]
    assert failed, run
    assert message in failed[0]["result"]["msg"], failed[0]["result"]["msg"]
    assert "Traceback" not in run.output and "MODULE FAILURE" not in run.output
    assert emulator.calls() == []


def test_role_per_inventory_host_fans_out_over_gateways(make_emulator, tmp_path: Path):
    emulator = make_emulator("demo.yml")
    inventory = tmp_path / "inventory.yml"
    backends = DEMO_VARS["backend_access_backends"]
    inventory.write_text(
        yaml.safe_dump(
            {
                "apig_gateways": {
                    "hosts": {
                        "edge-a": {"backend_access_gateway_id": GATEWAY, "backend_access_backends": backends[:1]},
                        "edge-b": {"backend_access_gateway_id": GATEWAY, "backend_access_backends": backends[1:]},
                    }
                }
            }
        )
    )
    run = run_playbook(
        "alibabacloud.apig.authorize_backends",
        emulator.env(),
        inventory=str(inventory),
        extra_vars={"apig_hosts": "apig_gateways", "backend_access_vpc_id": "vpc-demo-hz01"},
        args=["--forks", "2"],
    )
    assert run.rc == 0, run
    assert run.task("Converge the gateway's authorizations", host="edge-a")["changed"] is True
    assert run.task("Converge the gateway's authorizations", host="edge-b")["changed"] is True
    assert authorized_pairs(emulator) == DEMO_PAIRS


def test_role_discovers_every_entry_once_then_converges_the_groups_found(emulator):
    """The role's two modules: backend_sg_info for every entry at once, then gateway_sg_authorization on its rules.

    The vendor's two steps: find the backends' groups (an ACK node pool and the nodes' own groups, tagged ECS
    instances), then authorize them. Discovery's result reaches the converge as registered data: no read twice.
    """
    discover, converge = "Discover the security groups behind the backends", "Converge the gateway's authorizations"
    summary = "Summarise the gateway's backend access"
    preview = authorize(emulator, check=True, diff=True)
    assert preview.rc == 0, preview
    preview_calls = sorted(emulator.calls(), key=lambda c: c["seq"])
    emulator.clear_calls()
    applied = authorize(emulator)
    assert applied.rc == 0, applied
    applied_counts = call_counts(emulator)

    # The cluster's node pool group and the extra group one node carries; service2's tagged instances' group.
    found = applied.task(discover)
    assert [(s["name"], s["security_group_ids"]) for s in found["sources"]] == [
        ("service1 on ACK (pods serve 8080)", ["sg-extra-hz01", "sg-service1-hz01"]),
        ("service2 on ECS", ["sg-service2-hz01"]),
    ]
    assert preview.task(discover)["sources"] == found["sources"]
    expected_actions = [
        ("add", "sg-extra-hz01", ["8080/8080"], "service1 via ACK node pool"),
        ("add", "sg-service1-hz01", ["8080/8080"], "service1 via ACK node pool"),
        ("add", "sg-service2-hz01", ["80/9000"], "service2 on ECS"),
    ]
    for run in (preview, applied):  # writes run concurrently: their order is not fixed
        actions = run.task(converge)["actions"]
        assert sorted((a["action"], a["security_group_id"], a["port_ranges"], a["description"]) for a in actions) == (
            expected_actions
        )
    after = "sg-extra-hz01 8080/8080\nsg-service1-hz01 8080/8080\nsg-service2-hz01 80/9000\n"
    assert preview.task(converge)["diff"] == dict(before="", after=after, before_header=GATEWAY, after_header=GATEWAY)
    # Discovery's findings (the FAQ's traps) are warned by its task and shown in the summary; verification's none.
    codes = ["INSTANCE_GROUPS_DIFFER_FROM_NODEPOOL", "INSTANCE_IN_OTHER_VPC", "INSTANCE_MULTIPLE_SECURITY_GROUPS"]
    assert sorted(f["code"] for f in found["findings"]) == codes
    assert "INSTANCE_GROUPS_DIFFER_FROM_NODEPOOL: node i-node3-hz01" in "\n".join(found["warnings"])
    lines = applied.task(summary)["msg"]
    assert sorted(line.split(":")[0] for line in lines if line.startswith("finding ")) == [
        f"finding {code}" for code in codes
    ]
    assert applied.task(converge)["findings"] == []
    assert all(a["effective"] for a in applied.task(converge)["authorizations"])

    # Discovery's reads all come first (its task), then the converge's: the gateway's list, writes, list, verification.
    discovery = {
        "GetGateway": 1,  # the default VPC; the converge's pre-check reuses it (and discovery's groups)
        "DescribeClusterNodePools": 1,
        "DescribeClusterNodes": 1,
        "DescribeInstances": 2,  # the tag look-up, then the nodes the tag look-up did not return
        "DescribeSecurityGroups": 1,
    }
    assert collections.Counter(c["action"] for c in preview_calls) == dict(
        discovery, ListGatewayAuthorizedSecurityGroupRules=1
    )
    assert [c["action"] for c in preview_calls][-1] == "ListGatewayAuthorizedSecurityGroupRules"
    assert applied_counts == dict(
        discovery,
        ListGatewayAuthorizedSecurityGroupRules=2,
        AddGatewaySecurityGroupRule=3,
        DescribeSecurityGroupAttribute=3,
    )


def test_revoke_without_node_inspection_reads_only_what_it_needs(emulator):
    """Revoking by node pool only (the node's extra group keeps its range)."""
    assert authorize(emulator).rc == 0
    emulator.clear_calls()
    pools_only = [{"cluster_id": "c-demo-hz01", "port_ranges": [8080]}]
    revoked = run_playbook(
        "alibabacloud.apig.revoke",
        emulator.env(),
        extra_vars=dict(DEMO_VARS, backend_access_backends=pools_only, backend_access_inspect_nodes=False),
    )
    assert revoked.rc == 0, revoked
    actions = revoked.task("Converge the gateway's authorizations")["actions"]
    assert [(a["action"], a["security_group_id"], a["port_ranges"]) for a in actions] == [
        ("delete", "sg-service1-hz01", ["8080/8080"])
    ]
    assert authorized_pairs(emulator) == DEMO_PAIRS - {("sg-service1-hz01", "8080/8080")}
    assert call_counts(emulator) == {
        "DescribeClusterNodePools": 1,
        "DescribeSecurityGroups": 1,
        "ListGatewayAuthorizedSecurityGroupRules": 2,
        # Before the cascading delete: are the inbound rules it removes the gateway's own?
        "DescribeSecurityGroupAttribute": 1,
        "DeleteGatewaySecurityGroupRule": 1,
    }


def test_readme_example_converges_without_a_vpc_since_the_gateway_gives_it(emulator):
    """The README's example declares no backend_access_vpc_id: discovery takes the gateway's VPC (GetGateway).

    The tag app=service2 also matches an instance in another VPC; it is a finding, not a group to authorize
    (before, its group reached the converge, whose add failed with InvalidSourceGroupId.Mismatch part-way).
    """
    variables = {k: v for k, v in DEMO_VARS.items() if k != "backend_access_vpc_id"}
    check = run_playbook("alibabacloud.apig.authorize_backends", emulator.env(), extra_vars=variables, check=True)
    assert check.rc == 0, check
    assert not WRITES & set(call_counts(emulator)), "check mode wrote"
    run = run_playbook("alibabacloud.apig.authorize_backends", emulator.env(), extra_vars=variables)
    assert run.rc == 0, run
    assert authorized_pairs(emulator) == DEMO_PAIRS
    found = run.task("Discover the security groups behind the backends")
    assert found["gateway"]["vpc_id"] == "vpc-demo-hz01"
    assert "INSTANCE_IN_OTHER_VPC" in [f["code"] for f in found["findings"]]
    # The gateway is read once, by discovery; the converge's pre-check reuses it and discovery's groups.
    counts = call_counts(emulator)
    assert counts["GetGateway"] == 1 and counts["DescribeSecurityGroups"] == 1


def test_role_refuses_the_gateways_own_group_in_check_mode_and_for_real_without_writing(emulator):
    variables = dict(
        DEMO_VARS,
        backend_access_backends=DEMO_VARS["backend_access_backends"]
        + [{"name": "oops", "security_group_ids": [GATEWAY_SG], "port_ranges": [443]}],
    )
    for check in (True, False):
        run = authorize(emulator, extra_vars=variables, check=check)
        assert run.rc != 0, run
        failed = run.task("Converge the gateway's authorizations")
        assert f"{GATEWAY_SG} is the gateway {GATEWAY}'s own managed security group" in failed["msg"]
        assert failed["actions"] == [] and failed["changed"] is False
        counts = call_counts(emulator)
        assert not WRITES & set(counts), counts
        # Discovery read the gateway and the groups; the pre-check read nothing again.
        assert counts["GetGateway"] == 1 and counts["DescribeSecurityGroups"] == 1
    assert authorized_pairs(emulator) == set()


DRIFT_VARS = {
    "backend_access_gateway_id": "gw-drift-hz01",
    "backend_access_backends": [{"name": "drift pool", "cluster_id": "c-drift-hz01", "port_ranges": [8080]}],
}


def drift_audit(emulator, tmp_path: Path, fail_on_drift: bool):
    return run_playbook(
        "alibabacloud.apig.audit",
        emulator.env(),
        extra_vars=dict(DRIFT_VARS, apig_audit_report_dir=str(tmp_path), apig_audit_fail_on_drift=fail_on_drift),
    )


@pytest.mark.world("drift.yml")
def test_one_converge_repairs_the_drifted_authorization_and_the_audit_then_passes(emulator, tmp_path: Path):
    """The drift world: gsgr-drift-hz01 (sg-pool-hz01 8080) lost its inbound rule; two nodes moved to sg-drifted-hz01.

    The audit fails on drift before; one authorize_backends run deletes the drifted authorization without cascade
    and adds it again, and authorizes sg-drifted-hz01; the audit then passes and the next run is clean.
    """
    before = drift_audit(emulator, tmp_path, fail_on_drift=True)
    assert before.rc != 0, before
    summary = json.loads((tmp_path / "gw-drift-hz01.json").read_text())["summary"]
    assert summary["drifted"] == 1 and summary["missing"] == 1, summary
    emulator.clear_calls()

    preview = run_playbook(
        "alibabacloud.apig.authorize_backends", emulator.env(), extra_vars=DRIFT_VARS, check=True, diff=True
    )
    assert preview.rc == 0, preview
    assert not WRITES & set(call_counts(emulator)), "check mode wrote"
    repaired = [{"security_group_id": "sg-pool-hz01", "port_range": "8080/8080"}]
    assert preview.task("Converge the gateway's authorizations")["repaired"] == repaired
    assert "-sg-pool-hz01 8080/8080 (inbound rule missing)" in preview.stdout

    run = run_playbook("alibabacloud.apig.authorize_backends", emulator.env(), extra_vars=DRIFT_VARS, diff=True)
    assert run.rc == 0, run
    converge = run.task("Converge the gateway's authorizations")
    assert converge["repaired"] == repaired
    actions = [(a["action"], a["security_group_id"], a.get("cascading_delete")) for a in converge["actions"]]
    assert sorted(actions, key=str) == sorted(
        [("add", "sg-drifted-hz01", None), ("delete", "sg-pool-hz01", False), ("add", "sg-pool-hz01", None)], key=str
    )
    assert [a["action"] for a in converge["actions"]][-1] == "add"  # the repair's add comes after its delete
    assert converge["findings"] == [] and all(a["effective"] for a in converge["authorizations"])
    assert preview.task("Converge the gateway's authorizations")["actions"] == converge["actions"]
    summary_lines = run.task("Summarise the gateway's backend access")["msg"]
    assert "repaired 1 authorization(s) whose inbound rule was missing: sg-pool-hz01 8080/8080" in summary_lines
    deletes = [c["params"] for c in emulator.calls() if c["action"] == "DeleteGatewaySecurityGroupRule"]
    assert [str(d["cascadingDelete"]).lower() for d in deletes] == ["false"]
    counts = call_counts(emulator)
    # Verification: sg-pool-hz01 before planning and once more to confirm the repair, then both groups written.
    assert counts["DescribeSecurityGroupAttribute"] == 4 and counts["DeleteGatewaySecurityGroupRule"] == 1

    after = drift_audit(emulator, tmp_path, fail_on_drift=True)
    assert after.rc == 0, after
    summary = json.loads((tmp_path / "gw-drift-hz01.json").read_text())["summary"]
    assert summary["drifted"] == 0 and summary["missing"] == 0, summary

    again = run_playbook("alibabacloud.apig.authorize_backends", emulator.env(), extra_vars=DRIFT_VARS)
    assert again.rc == 0, again
    assert again.task("Converge the gateway's authorizations")["changed"] is False
    assert not WRITES & set(call_counts(emulator))
