# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""backend_sg_info through real ansible-playbook runs against the emulator.

One playbook per world; every task signs with its own access key so that its API calls can be
counted from the emulator's call log (the counts are deterministic: they depend on the input only).
"""

from __future__ import annotations

import json
import math
from typing import Any
from typing import Dict
from typing import List

import pytest
from integration.access_keys import add_keys
from integration.modules.discovery_helpers import action_counts
from integration.modules.discovery_helpers import calls_of
from integration.modules.discovery_helpers import finding_codes
from integration.modules.discovery_helpers import task
from integration.modules.discovery_helpers import warnings_text
from integration.playbook import run_tasks

MODULE = "alibabacloud.apig.backend_sg_info"
CLUSTER = "c-demo-hz01"
POOL = "np-service1-hz01"
VPC = "vpc-demo-hz01"
SG1 = "sg-service1-hz01"
SG2 = "sg-service2-hz01"
SG_EXTRA = "sg-extra-hz01"
SG_ENTERPRISE = "sg-enterprise-hz01"
SG_OTHER_VPC = "sg-other-hz01"
WRITES = ("AddGatewaySecurityGroupRule", "DeleteGatewaySecurityGroupRule")


def info(name: str, keys: Dict, **args: Any) -> Dict[str, Any]:
    options = {k: args.pop(k) for k in ("check_mode", "diff", "ignore_errors") if k in args}
    return task(name, MODULE, args, keys, **options)


def ids_by_code(result: Dict[str, Any], code: str, key: str) -> List[str]:
    return sorted(f["ids"][key] for f in result["findings"] if f["code"] == code)


def test_demo_world(emulator: Any) -> None:
    # Plus an ACK Serverless cluster: no node pool, no node; its own security group guards the pods.
    state = emulator.state()
    state["clusters"].append(
        {"id": "c-serverless-hz01", "vpc": VPC, "security_group": SG2, "cluster_type": "ManagedKubernetes"}
    )
    emulator.put_state(state)
    names = ["cluster", "cluster_check", "pools_only", "tags_vpc", "groups_vpc", "unknown", "sources", "bad_id"]
    keys = add_keys(emulator, names + ["serverless"])
    sources = [
        {"name": "service1", "cluster_id": CLUSTER},
        {"name": "service2", "instance_tags": {"app": "service2"}},
        {"name": "legacy", "instance_ids": ["i-legacy-hz01", "i-node3-hz01"]},
        {"name": "given", "security_group_ids": [SG2]},
    ]
    run = run_tasks(
        [
            info("cluster", keys, cluster_id=CLUSTER),
            info("cluster_check", keys, cluster_id=CLUSTER, check_mode=True, diff=True),
            info("pools_only", keys, cluster_id=CLUSTER, inspect_nodes=False),
            info("tags_vpc", keys, instance_tags={"app": "service2"}, vpc_id=VPC),
            info("groups_vpc", keys, security_group_ids=[SG_OTHER_VPC, SG2, SG_ENTERPRISE], vpc_id=VPC),
            info(
                "unknown",
                keys,
                sources=[
                    {"cluster_id": "c-nope-hz01"},
                    {"instance_ids": ["i-nope-hz01", "i-node1-hz01"]},
                    {"security_group_ids": ["sg-nope-hz01"]},
                    {"cluster_id": CLUSTER, "nodepool_ids": ["np-nope-hz01"]},
                ],
            ),
            info("sources", keys, sources=sources, vpc_id=VPC),
            info("serverless", keys, cluster_id="c-serverless-hz01"),
            info("bad_id", keys, cluster_id="my-cluster", ignore_errors=True),
            info("bad_tags", keys, instance_tags={"replicas": 3}, ignore_errors=True),
            info("empty_list", keys, instance_ids=[], ignore_errors=True),
            info("no_source", keys, vpc_id=VPC, ignore_errors=True),
        ],
        emulator.env(),
    )
    assert run.rc == 0, run

    # The cluster: the node pool's group, and the extra group one node carries (the FAQ's two cases).
    cluster = run.task("cluster")
    assert cluster["_status"] == "ok" and cluster["changed"] is False
    assert cluster["security_group_ids"] == [SG_EXTRA, SG1]
    groups = {g["security_group_id"]: g for g in cluster["security_groups"]}
    assert groups[SG1] == {
        "security_group_id": SG1,
        "name": "service-sg1",
        "type": "normal",
        "vpc_id": VPC,
        "node_pools": [POOL],
        "instances": ["i-node1-hz01", "i-node2-hz01", "i-node3-hz01"],
    }
    assert groups[SG_EXTRA]["node_pools"] == [] and groups[SG_EXTRA]["instances"] == ["i-node3-hz01"]
    assert [(i["instance_id"], i["nodepool_id"], i["cluster_id"]) for i in cluster["instances"]] == [
        (f"i-node{n}-hz01", POOL, CLUSTER) for n in (1, 2, 3)
    ]
    assert cluster["instances"][2]["private_ips"] == ["192.168.1.13"]
    assert finding_codes(cluster) == ["INSTANCE_GROUPS_DIFFER_FROM_NODEPOOL", "INSTANCE_MULTIPLE_SECURITY_GROUPS"]
    assert all(f["ids"]["instance_id"] == "i-node3-hz01" for f in cluster["findings"])
    assert "INSTANCE_GROUPS_DIFFER_FROM_NODEPOOL: node i-node3-hz01" in warnings_text(cluster)
    assert "INSTANCE_MULTIPLE_SECURITY_GROUPS" in warnings_text(cluster)
    # One node pool listing, one page of nodes, one instance batch, one group batch.
    expected_cluster_calls = {
        "DescribeClusterNodePools": 1,
        "DescribeClusterNodes": 1,
        "DescribeInstances": 1,
        "DescribeSecurityGroups": 1,
    }
    assert action_counts(emulator, keys, "cluster") == expected_cluster_calls

    # Check mode (and diff mode) changes nothing about a read: same result, same calls, no diff.
    check = run.task("cluster_check")
    assert check["changed"] is False and "diff" not in check
    for key in ("security_groups", "security_group_ids", "instances", "findings"):
        assert check[key] == cluster[key]
    assert action_counts(emulator, keys, "cluster_check") == expected_cluster_calls

    pools_only = run.task("pools_only")
    assert pools_only["security_group_ids"] == [SG1]
    assert pools_only["instances"] == [] and pools_only["findings"] == []
    assert action_counts(emulator, keys, "pools_only") == {"DescribeClusterNodePools": 1, "DescribeSecurityGroups": 1}

    # Tags: service2's group; the tagged instance in another VPC is left out and reported.
    tags = run.task("tags_vpc")
    assert tags["security_group_ids"] == [SG2]
    assert [i["instance_id"] for i in tags["instances"]] == ["i-svc2a-hz01", "i-svc2b-hz01"]
    assert finding_codes(tags) == ["INSTANCE_IN_OTHER_VPC"]
    assert tags["findings"][0]["ids"] == {
        "instance_id": "i-other-hz01",
        "vpc_id": "vpc-other-hz01",
        "expected_vpc_id": VPC,
    }
    assert action_counts(emulator, keys, "tags_vpc") == {"DescribeInstances": 1, "DescribeSecurityGroups": 1}
    tag_call = calls_of(emulator, keys, "tags_vpc")[0]
    assert tag_call["params"]["Tag.1.Key"] == "app" and tag_call["params"]["Tag.1.Value"] == "service2"

    given = run.task("groups_vpc")
    assert given["security_group_ids"] == [SG_ENTERPRISE, SG2]
    assert {g["security_group_id"]: g["type"] for g in given["security_groups"]} == {
        SG_ENTERPRISE: "enterprise",
        SG2: "normal",
    }
    assert ids_by_code(given, "SECURITY_GROUP_IN_OTHER_VPC", "security_group_id") == [SG_OTHER_VPC]
    assert action_counts(emulator, keys, "groups_vpc") == {"DescribeSecurityGroups": 1}

    # Unknown ids are findings, never a failure; the known part is still discovered.
    unknown = run.task("unknown")
    assert unknown["_status"] == "ok"
    assert [s["security_group_ids"] for s in unknown["sources"]] == [[], [SG1], [], []]
    assert [sorted(f["code"] for f in s["findings"]) for s in unknown["sources"]] == [
        ["CLUSTER_NOT_FOUND", "NO_SECURITY_GROUPS_FOUND"],
        ["INSTANCE_NOT_FOUND"],
        ["NO_SECURITY_GROUPS_FOUND", "SECURITY_GROUP_NOT_FOUND"],
        ["NODEPOOL_NOT_FOUND", "NO_SECURITY_GROUPS_FOUND"],
    ]
    assert unknown["sources"][3]["findings"][0]["ids"] == {"cluster_id": CLUSTER, "nodepool_id": "np-nope-hz01"}
    for code in ("CLUSTER_NOT_FOUND", "INSTANCE_NOT_FOUND", "SECURITY_GROUP_NOT_FOUND", "NODEPOOL_NOT_FOUND"):
        assert code in warnings_text(unknown)
    # Both clusters' pools are read (one 404); no node listing for a pool that does not exist.
    assert action_counts(emulator, keys, "unknown") == {
        "DescribeClusterNodePools": 2,
        "DescribeInstances": 1,
        "DescribeSecurityGroups": 1,
    }

    # Several sources in one run: each read once for all of them.
    multi = run.task("sources")
    assert multi["security_group_ids"] == [SG_ENTERPRISE, SG_EXTRA, SG1, SG2]
    assert [(s["name"], s["security_group_ids"]) for s in multi["sources"]] == [
        ("service1", [SG_EXTRA, SG1]),
        ("service2", [SG2]),
        ("legacy", [SG_ENTERPRISE, SG_EXTRA, SG1]),
        ("given", [SG2]),
    ]
    by_group = {g["security_group_id"]: g["sources"] for g in multi["security_groups"]}
    assert by_group == {SG_ENTERPRISE: [2], SG_EXTRA: [0, 2], SG1: [0, 2], SG2: [1, 3]}
    assert [f["code"] for f in multi["sources"][1]["findings"]] == ["INSTANCE_IN_OTHER_VPC"]
    # i-node3's two groups are reported by two sources, once at the top.
    assert finding_codes(multi).count("INSTANCE_MULTIPLE_SECURITY_GROUPS") == 1
    multi_calls = calls_of(emulator, keys, "sources")
    assert action_counts(emulator, keys, "sources") == {
        "DescribeClusterNodePools": 1,
        "DescribeClusterNodes": 1,
        "DescribeInstances": 2,  # the tag look-up, and one batch for the nodes and the named instances
        "DescribeSecurityGroups": 1,
    }
    by_ids = [c for c in multi_calls if c["action"] == "DescribeInstances" and "InstanceIds" in c["params"]]
    assert sorted(json.loads(by_ids[0]["params"]["InstanceIds"])) == [
        "i-legacy-hz01",
        "i-node1-hz01",
        "i-node2-hz01",
        "i-node3-hz01",
    ]

    serverless = run.task("serverless")
    assert serverless["security_group_ids"] == [SG2]
    assert serverless["instances"] == [] and serverless["findings"] == []
    assert action_counts(emulator, keys, "serverless") == {
        "DescribeClusterNodePools": 1,
        "DescribeClusterDetail": 1,  # only for a cluster without node pools
        "DescribeClusterNodes": 1,
        "DescribeSecurityGroups": 1,
    }

    # Input errors name the option and the value, before any call.
    assert run.task("bad_id")["_status"] == "failed"
    assert run.task("bad_id")["msg"] == (
        "cluster_id: 'my-cluster' is not a cluster id (expected the form c82e6987e2961451182edacd74faf0b)"
    )
    assert calls_of(emulator, keys, "bad_id") == []
    assert "instance_tags.replicas: 3 is not a string" in run.task("bad_tags")["msg"]
    assert "instance_ids: [] must not be empty" in run.task("empty_list")["msg"]
    assert "one of the following is required" in run.task("no_source")["msg"]
    assert "Traceback" not in run.output

    # A read-only module: nothing was written.
    assert not [c for c in emulator.calls() if c["action"] in WRITES]


@pytest.mark.world("drift.yml")
def test_node_pool_whose_nodes_drifted_to_another_group(emulator: Any) -> None:
    keys = add_keys(emulator, ["whole", "pool", "pools_only"])
    run = run_tasks(
        [
            info("whole", keys, cluster_id="c-drift-hz01"),
            info("pool", keys, cluster_id="c-drift-hz01", nodepool_ids=["np-drift-hz01"], vpc_id="vpc-drift-hz01"),
            info("pools_only", keys, cluster_id="c-drift-hz01", inspect_nodes=False),
        ],
        emulator.env(),
    )
    assert run.rc == 0, run
    for name in ("whole", "pool"):
        result = run.task(name)
        # The pool's group (new nodes get it) and the group the moved nodes really carry.
        assert result["security_group_ids"] == ["sg-drifted-hz01", "sg-pool-hz01"]
        assert ids_by_code(result, "INSTANCE_GROUPS_DIFFER_FROM_NODEPOOL", "instance_id") == [
            "i-drift2-hz01",
            "i-drift3-hz01",
        ]
        differ = next(f for f in result["findings"] if f["code"] == "INSTANCE_GROUPS_DIFFER_FROM_NODEPOOL")
        assert differ["ids"]["security_group_ids"] == ["sg-drifted-hz01"]
        assert differ["ids"]["nodepool_security_group_ids"] == ["sg-pool-hz01"]
        assert "does not carry sg-pool-hz01" in differ["message"]
        assert warnings_text(result).count("INSTANCE_GROUPS_DIFFER_FROM_NODEPOOL") == 2
    # Naming the one pool lists only that pool's nodes.
    node_calls = [c for c in calls_of(emulator, keys, "pool") if c["action"] == "DescribeClusterNodes"]
    assert [c["params"].get("nodepool_id") for c in node_calls] == ["np-drift-hz01"]
    whole_node_calls = [c for c in calls_of(emulator, keys, "whole") if c["action"] == "DescribeClusterNodes"]
    assert [c["params"].get("nodepool_id") for c in whole_node_calls] == [None]
    # Without inspecting the nodes, the drift goes unseen: only the pool's configured group.
    pools_only = run.task("pools_only")
    assert pools_only["security_group_ids"] == ["sg-pool-hz01"] and pools_only["findings"] == []


@pytest.mark.world("paging.yml")
def test_paging_and_batching_follow_the_api_limits(emulator: Any) -> None:
    state = emulator.state()
    cluster = state["clusters"][0]
    pools = {p["name"]: p for p in cluster["node_pools"]}
    node_count = len(cluster["nodes"])
    node_ids = sorted(n["instance"] for n in cluster["nodes"])
    pool0_nodes = sorted(n["instance"] for n in cluster["nodes"] if n["node_pool"] == pools["pool-00"]["id"])
    tagged = sorted(i["id"] for i in state["instances"] if (i.get("tags") or {}).get("app") == "svc-003")
    tagged_group = state["instances"][[i["id"] for i in state["instances"]].index(tagged[0])]["security_groups"][0]
    pool_groups = sorted(g for p in cluster["node_pools"] for g in p["security_groups"])
    assert node_count == 250 and len(tagged) == 150 and len(pool0_nodes) < 100

    keys = add_keys(emulator, ["cluster", "one_pool", "ids", "tags", "sources"])
    run = run_tasks(
        [
            info("cluster", keys, cluster_id=cluster["id"]),
            info("one_pool", keys, cluster_id=cluster["id"], nodepool_names=["pool-00"]),
            info("ids", keys, instance_ids=tagged),
            info("tags", keys, instance_tags={"app": "svc-003"}),
            info(
                "sources",
                keys,
                sources=[
                    {"name": "all", "cluster_id": cluster["id"]},
                    {"name": "pool-01", "cluster_id": cluster["id"], "nodepool_names": ["pool-01"]},
                    {"name": "tagged", "instance_tags": {"app": "svc-003"}},
                    {"name": "mixed", "instance_ids": tagged[:120] + node_ids[:30]},
                ],
                return_instances=False,
            ),
        ],
        emulator.env(),
    )
    assert run.rc == 0, run
    pages = math.ceil(node_count / 100)

    whole = run.task("cluster")
    assert whole["security_group_ids"] == pool_groups
    assert len(whole["instances"]) == node_count
    assert action_counts(emulator, keys, "cluster") == {
        "DescribeClusterNodePools": 1,
        "DescribeClusterNodes": pages,
        "DescribeInstances": pages,
        "DescribeSecurityGroups": 1,
    }
    node_pages = [c for c in calls_of(emulator, keys, "cluster") if c["action"] == "DescribeClusterNodes"]
    assert sorted(c["params"]["pageNumber"] for c in node_pages) == [str(n) for n in range(1, pages + 1)]
    assert {c["params"]["pageSize"] for c in node_pages} == {"100"}
    batches = [c for c in calls_of(emulator, keys, "cluster") if c["action"] == "DescribeInstances"]
    assert sorted(len(json.loads(c["params"]["InstanceIds"])) for c in batches) == [50, 100, 100]

    one_pool = run.task("one_pool")
    assert one_pool["security_group_ids"] == pools["pool-00"]["security_groups"]
    assert [i["instance_id"] for i in one_pool["instances"]] == pool0_nodes
    assert action_counts(emulator, keys, "one_pool") == {
        "DescribeClusterNodePools": 1,
        "DescribeClusterNodes": 1,  # filtered by the pool: fewer than 100 nodes, one page
        "DescribeInstances": 1,
        "DescribeSecurityGroups": 1,
    }

    # 150 ids: two DescribeInstances calls of at most 100 ids each.
    by_ids = run.task("ids")
    assert by_ids["security_group_ids"] == [tagged_group]
    assert len(by_ids["instances"]) == 150
    assert action_counts(emulator, keys, "ids") == {"DescribeInstances": 2, "DescribeSecurityGroups": 1}
    sizes = [
        len(json.loads(c["params"]["InstanceIds"]))
        for c in calls_of(emulator, keys, "ids")
        if "InstanceIds" in c["params"]
    ]
    assert sorted(sizes) == [50, 100]

    # 150 tagged instances: two pages of 100.
    by_tags = run.task("tags")
    assert by_tags["security_group_ids"] == [tagged_group] and len(by_tags["instances"]) == 150
    assert action_counts(emulator, keys, "tags") == {"DescribeInstances": 2, "DescribeSecurityGroups": 1}

    # Four sources: one node pool listing and one node listing for the cluster's two sources; the
    # tag pages; the nodes and the named instances merged into batches (minus those the tags returned).
    multi = run.task("sources")
    assert "instances" not in multi  # return_instances: false: the groups still name them
    assert {g["security_group_id"]: g["instances"] for g in multi["security_groups"]}[tagged_group] == tagged
    assert [s["name"] for s in multi["sources"]] == ["all", "pool-01", "tagged", "mixed"]
    assert multi["sources"][1]["security_group_ids"] == pools["pool-01"]["security_groups"]
    assert multi["sources"][2]["security_group_ids"] == [tagged_group]
    pool_of = {n["instance"]: n["node_pool"] for n in cluster["nodes"]}
    groups_of_pool = {p["id"]: p["security_groups"] for p in cluster["node_pools"]}
    mixed_groups = {tagged_group} | {g for i in node_ids[:30] for g in groups_of_pool[pool_of[i]]}
    assert multi["sources"][3]["security_group_ids"] == sorted(mixed_groups)
    assert multi["security_group_ids"] == sorted(set(pool_groups) | {tagged_group})
    merged_ids = (set(node_ids) | set(tagged[:120]) | set(node_ids[:30])) - set(tagged)
    assert action_counts(emulator, keys, "sources") == {
        "DescribeClusterNodePools": 1,
        "DescribeClusterNodes": pages,
        "DescribeInstances": 2 + math.ceil(len(merged_ids) / 100),
        "DescribeSecurityGroups": 1,
    }
