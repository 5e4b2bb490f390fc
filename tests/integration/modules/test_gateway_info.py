# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""gateway_info through real ansible-playbook runs against the emulator.

One playbook per scenario; every task signs with its own access key so that its API calls can be
counted from the emulator's call log.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List

import pytest
from ansible_collections.alibabacloud.apig.plugins.module_utils._apig import add_security_group_rule
from integration.access_keys import add_keys
from integration.api_session import session_for
from integration.modules.discovery_helpers import action_counts
from integration.modules.discovery_helpers import calls_of
from integration.modules.discovery_helpers import task
from integration.modules.discovery_helpers import warnings_text
from integration.playbook import run_tasks

MODULE = "alibabacloud.apig.gateway_info"
GW = "gw-demo-hz01"
GW_SG = "sg-gw-demo-hz01"
VPC = "vpc-demo-hz01"
CLUSTER = "c-demo-hz01"
SG1 = "sg-service1-hz01"
SG2 = "sg-service2-hz01"
SG_ENTERPRISE = "sg-enterprise-hz01"
WRITES = ("AddGatewaySecurityGroupRule", "DeleteGatewaySecurityGroupRule")


def info(task_name: str, keys: Dict, **args: Any) -> Dict[str, Any]:
    """A gateway_info task; args are module options (name included) plus the task keywords check_mode, diff..."""
    options = {k: args.pop(k) for k in ("check_mode", "diff", "ignore_errors") if k in args}
    return task(task_name, MODULE, args, keys, **options)


def delete_permissions(emulator: Any, group_id: str, **match: str) -> List[str]:
    """Delete a group's ECS rules matching all fields, behind the gateway's back; their ids."""
    state = emulator.state()
    group = next(g for g in state["security_groups"] if g["id"] == group_id)
    kept, deleted = [], []
    for permission in group.get("permissions") or []:
        if all(permission.get(k) == v for k, v in match.items()):
            deleted.append(permission["id"])
        else:
            kept.append(permission)
    group["permissions"] = kept
    emulator.put_state(state)
    return deleted


def test_describe_list_filter_and_authorizable(emulator: Any) -> None:
    names = ["one", "check", "all", "by_name", "keyword_vpc", "authorizable", "cluster_groups", "unknown", "bad"]
    keys = add_keys(emulator, names)
    run = run_tasks(
        [
            info("one", keys, gateway_id=GW),
            info("check", keys, gateway_id=GW, verify_backend_rules=True, check_mode=True, diff=True),
            info("all", keys),
            info("by_name", keys, name="no-such-gateway"),
            info("keyword_vpc", keys, keyword="DEMO", vpc_id=VPC),
            info("authorizable", keys, gateway_id=GW, authorizable=True),
            info("cluster_groups", keys, gateway_id=GW, authorizable=True, cluster_id=CLUSTER),
            info("unknown", keys, gateway_id="gw-nope-hz01", ignore_errors=True),
            info("bad", keys, gateway_id="demo-gateway", ignore_errors=True),
            info("cluster_alone", keys, gateway_id=GW, cluster_id=CLUSTER, ignore_errors=True),
            info("id_and_filter", keys, gateway_id=GW, name="demo-gateway", ignore_errors=True),
        ],
        emulator.env(),
    )
    assert run.rc == 0, run

    one = run.task("one")
    assert one["_status"] == "ok" and one["changed"] is False
    assert len(one["gateways"]) == 1
    gateway = one["gateways"][0]
    assert {k: gateway[k] for k in ("gateway_id", "name", "status", "gateway_type", "vpc_id")} == {
        "gateway_id": GW,
        "name": "demo-gateway",
        "status": "Running",
        "gateway_type": "API",
        "vpc_id": VPC,
    }
    assert gateway["vswitch"]["vswitch_id"] == "vsw-demo-h-hz01"
    assert gateway["vswitch_ids"] == ["vsw-demo-h-hz01", "vsw-demo-i-hz01"]
    assert [(z["zone_id"], z["vswitch_id"]) for z in gateway["zones"]] == [
        ("cn-hangzhou-h", "vsw-demo-h-hz01"),
        ("cn-hangzhou-i", "vsw-demo-i-hz01"),
    ]
    assert gateway["security_group"] == {"security_group_id": GW_SG, "name": "apig-managed-demo", "type": "normal"}
    assert gateway["authorizations"] == []
    assert "authorizable_security_groups" not in gateway and "findings" not in one
    # GetGateway gives the managed group's id and name, not its type: one ECS call (per 100 gateways).
    assert action_counts(emulator, keys, "one") == {
        "GetGateway": 1,
        "ListGatewayAuthorizedSecurityGroupRules": 1,
        "DescribeSecurityGroups": 1,
    }

    check = run.task("check")
    assert check["changed"] is False and "diff" not in check
    assert check["gateways"][0]["security_group"] == gateway["security_group"]
    assert check["findings"] == []  # nothing authorized, nothing to verify, no ECS rule read
    assert "DescribeSecurityGroupAttribute" not in action_counts(emulator, keys, "check")

    listed = run.task("all")
    assert [g["gateway_id"] for g in listed["gateways"]] == [GW]
    assert listed["gateways"][0]["security_group"]["type"] == "normal"
    assert action_counts(emulator, keys, "all") == {
        "ListGateways": 1,
        "ListGatewayAuthorizedSecurityGroupRules": 1,
        "DescribeSecurityGroups": 1,
    }
    assert run.task("by_name")["gateways"] == []
    assert action_counts(emulator, keys, "by_name") == {"ListGateways": 1}
    list_call = calls_of(emulator, keys, "by_name")[0]
    assert list_call["params"]["name"] == "no-such-gateway"
    assert [g["gateway_id"] for g in run.task("keyword_vpc")["gateways"]] == [GW]
    assert calls_of(emulator, keys, "keyword_vpc")[0]["params"]["vpcId"] == VPC

    # Authorizable groups: the VPC's groups except the gateway's own; with cluster_id only the cluster's.
    authorizable = run.task("authorizable")["gateways"][0]["authorizable_security_groups"]
    assert [g["security_group_id"] for g in authorizable] == [SG_ENTERPRISE, "sg-extra-hz01", SG1, SG2]
    assert {g["security_group_id"]: g["type"] for g in authorizable}[SG_ENTERPRISE] == "enterprise"
    cluster_groups = run.task("cluster_groups")["gateways"][0]["authorizable_security_groups"]
    assert [g["security_group_id"] for g in cluster_groups] == [SG1]
    authorizable_call = [
        c for c in calls_of(emulator, keys, "cluster_groups") if c["action"] == "ListGatewayAuthorizableSecurityGroups"
    ]
    assert [c["params"].get("csClusterId") for c in authorizable_call] == [CLUSTER]

    # A gateway that does not exist fails cleanly, with the API's code; a malformed id fails before any call.
    unknown = run.task("unknown")
    assert unknown["_status"] == "failed"
    assert unknown["error_code"] == "NotFound.GatewayNotFound"
    assert "gw-nope-hz01" in unknown["msg"]
    bad = run.task("bad")
    assert bad["msg"] == "gateway_id: 'demo-gateway' is not a gateway id (expected the form gw-cq7l5s5lhtgi6qasrdc0)"
    assert calls_of(emulator, keys, "bad") == []
    assert "only narrows authorizable=true" in run.task("cluster_alone")["msg"]
    assert "mutually exclusive" in run.task("id_and_filter")["msg"]
    assert "Traceback" not in run.output
    assert not [c for c in emulator.calls() if c["action"] in WRITES]


def test_inbound_rule_deleted_out_of_band_is_found(emulator: Any) -> None:
    # Authorize three groups through the real API, as the authorization module would.
    session = session_for(emulator)
    add_security_group_rule(session, GW, SG1, ["8080/8080"], "service1")
    add_security_group_rule(session, GW, SG2, ["80/9000"], "service2")
    add_security_group_rule(session, GW, SG_ENTERPRISE, ["443/443"], "legacy")
    # Then someone deletes ECS rules by hand: the gateway's rule in sg-service1 and one of the
    # enterprise group's two CIDR rules. APIG still lists every authorization.
    assert len(delete_permissions(emulator, SG1, source_group_id=GW_SG, port_range="8080/8080")) == 1
    assert len(delete_permissions(emulator, SG_ENTERPRISE, source_cidr_ip="192.168.2.0/24")) == 1

    keys = add_keys(emulator, ["verify", "verify_check", "plain"])
    run = run_tasks(
        [
            info("verify", keys, gateway_id=GW, verify_backend_rules=True),
            info("verify_check", keys, gateway_id=GW, verify_backend_rules=True, check_mode=True),
            info("plain", keys, gateway_id=GW),
        ],
        emulator.env(),
    )
    assert run.rc == 0, run
    for name in ("verify", "verify_check"):
        result = run.task(name)
        assert result["changed"] is False
        authorizations = result["gateways"][0]["authorizations"]
        assert [(a["security_group_id"], a["port_range"], a["effective"]) for a in authorizations] == [
            (SG_ENTERPRISE, "443/443", False),
            (SG1, "8080/8080", False),
            (SG2, "80/9000", True),
        ]
        assert authorizations[0]["auth_cidrs"] == ["192.168.1.0/24", "192.168.2.0/24"]
        assert authorizations[1]["source_security_group_id"] == GW_SG
        findings = result["findings"]
        assert [f["code"] for f in findings] == ["AUTHORIZATION_NOT_EFFECTIVE"] * 2
        assert [f["ids"]["security_group_id"] for f in findings] == [SG_ENTERPRISE, SG1]
        assert all(f["ids"]["gateway_id"] == GW for f in findings)
        assert findings[1]["ids"]["rule_id"] == authorizations[1]["rule_id"]
        assert (
            "the inbound rule in sg-service1-hz01 (service-sg1) that grants the gateway 8080/8080 is missing"
            in (findings[1]["message"])
        )
        assert "re-run the authorization (delete and add)" in findings[1]["message"]
        assert "192.168.2.0/24" in findings[0]["message"]
        assert warnings_text(result).count("AUTHORIZATION_NOT_EFFECTIVE") == 2
        # One ingress read per distinct backend group.
        counts = action_counts(emulator, keys, name)
        assert counts["DescribeSecurityGroupAttribute"] == 3
        assert counts["GetGateway"] == 1 and counts["ListGatewayAuthorizedSecurityGroupRules"] == 1
        reads = [c for c in calls_of(emulator, keys, name) if c["action"] == "DescribeSecurityGroupAttribute"]
        assert sorted(c["params"]["SecurityGroupId"] for c in reads) == [SG_ENTERPRISE, SG1, SG2]
        assert {c["params"]["Direction"] for c in reads} == {"ingress"}
    plain = run.task("plain")
    assert "findings" not in plain
    assert all("effective" not in a for a in plain["gateways"][0]["authorizations"])
    assert "DescribeSecurityGroupAttribute" not in action_counts(emulator, keys, "plain")
    assert not [
        c for c in emulator.calls() if c["action"] in WRITES and c.get("access_key_id") != emulator.access_key_id
    ]


@pytest.mark.world("drift.yml")
def test_drift_world_authorization_without_its_rule(emulator: Any) -> None:
    run = run_tasks([info("verify", {}, verify_backend_rules=True)], emulator.env())
    assert run.rc == 0, run
    result = run.task("verify")
    gateway = result["gateways"][0]
    assert gateway["gateway_id"] == "gw-drift-hz01"
    assert [(a["rule_id"], a["effective"]) for a in gateway["authorizations"]] == [("gsgr-drift-hz01", False)]
    assert [f["ids"]["rule_id"] for f in result["findings"]] == ["gsgr-drift-hz01"]
    assert "deleted out of band" in result["findings"][0]["message"]
