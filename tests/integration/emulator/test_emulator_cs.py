# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""CS (ACK) 2015-12-15 through the real SDK client: cluster, node pools, nodes and their paging."""

from __future__ import annotations

import json

import pytest
from alibabacloud_cs20151215 import models as cs_models
from alibabacloud_ecs20140526 import models as ecs_models

CLUSTER = "c-demo-hz01"


def nodes(cs, cluster=CLUSTER, **kwargs):
    return cs.describe_cluster_nodes(cluster, cs_models.DescribeClusterNodesRequest(**kwargs)).body


def pools(cs, cluster=CLUSTER, **kwargs):
    return cs.describe_cluster_node_pools(cluster, cs_models.DescribeClusterNodePoolsRequest(**kwargs)).body.nodepools


def test_cluster_detail(cs):
    body = cs.describe_cluster_detail(CLUSTER).body
    assert (body.cluster_id, body.name, body.vpc_id, body.security_group_id) == (
        CLUSTER,
        "demo-ack",
        "vpc-demo-hz01",
        "sg-service1-hz01",
    )
    assert (body.region_id, body.state, body.size) == ("cn-hangzhou", "running", 3)
    assert body.vswitch_ids == ["vsw-demo-h-hz01", "vsw-demo-i-hz01"]


def test_unknown_cluster_is_404(cs, expect_api_error):
    error = expect_api_error(lambda: cs.describe_cluster_detail("c-missing"), 404, "ErrorClusterNotFound", "c-missing")
    assert set(error.data) == {"code", "message", "requestId", "statusCode"}  # ACK's shape, no envelope
    expect_api_error(lambda: pools(cs, "c-missing"), 404, "ErrorClusterNotFound")
    expect_api_error(lambda: nodes(cs, "c-missing"), 404, "ErrorClusterNotFound")


def test_node_pools_carry_scaling_group_security_groups(cs):
    (pool,) = pools(cs)
    assert (pool.nodepool_info.nodepool_id, pool.nodepool_info.name, pool.nodepool_info.is_default) == (
        "np-service1-hz01",
        "service1-pool",
        True,
    )
    assert pool.scaling_group.security_group_ids == ["sg-service1-hz01"]
    assert pool.scaling_group.security_group_id == "sg-service1-hz01"
    assert pool.scaling_group.vswitch_ids == ["vsw-demo-h-hz01", "vsw-demo-i-hz01"]
    assert pool.status.total_nodes == 3
    assert [p.nodepool_info.name for p in pools(cs, nodepool_name="service1-pool")] == ["service1-pool"]
    assert pools(cs, nodepool_name="nope") == []


def test_nodes_carry_pool_and_addresses(cs):
    body = nodes(cs, page_size="10")
    assert [n.instance_id for n in body.nodes] == ["i-node1-hz01", "i-node2-hz01", "i-node3-hz01"]
    first = body.nodes[0]
    assert (first.nodepool_id, first.ip_address, first.node_name, first.instance_role) == (
        "np-service1-hz01",
        ["192.168.1.11"],
        "cn-hangzhou.192.168.1.11",
        "Worker",
    )
    assert (first.state, first.node_status, first.is_aliyun_node) == ("running", "Ready", True)
    assert (body.page.page_number, body.page.page_size, body.page.total_count) == (1, 10, 3)


def generated_cluster(emulator):
    return emulator.state()["clusters"][0]["id"]


@pytest.mark.world("paging.yml")
def test_nodes_page_by_page_number(emulator, cs):
    cluster = generated_cluster(emulator)
    seen = []
    for number in (1, 2, 3):
        body = nodes(cs, cluster, page_number=str(number), page_size="100")
        assert (body.page.page_number, body.page.page_size, body.page.total_count) == (number, 100, 250)
        seen.extend(n.instance_id for n in body.nodes)
    assert len(seen) == 250 == len(set(seen))
    assert nodes(cs, cluster, page_number="4", page_size="100").nodes == []
    assert len(nodes(cs, cluster).nodes) == 10


@pytest.mark.world("paging.yml")
def test_nodes_filter_by_node_pool(emulator, cs, expect_api_error):
    cluster = generated_cluster(emulator)
    pool_ids = [p.nodepool_info.nodepool_id for p in pools(cs, cluster)]
    counts = [nodes(cs, cluster, nodepool_id=p, page_size="100").page.total_count for p in pool_ids]
    assert counts == [84, 83, 83]
    body = nodes(cs, cluster, nodepool_id=pool_ids[1], page_size="100")
    assert {n.nodepool_id for n in body.nodes} == {pool_ids[1]}
    expect_api_error(lambda: nodes(cs, cluster, nodepool_id="np-missing"), 404, "ErrorNodePoolNotFound")


def test_nodes_filter_by_instance_ids_and_ips(cs):
    assert [n.instance_id for n in nodes(cs, instance_ids="i-node2-hz01,i-node3-hz01").nodes] == [
        "i-node2-hz01",
        "i-node3-hz01",
    ]
    assert [n.instance_id for n in nodes(cs, node_ips="192.168.1.13").nodes] == ["i-node3-hz01"]


@pytest.mark.parametrize("size", ["0", "101", "ten"])
def test_bad_page_size_is_400(cs, size, expect_api_error):
    error = expect_api_error(lambda: nodes(cs, page_size=size), 400, "InvalidParameter")
    assert "pageSize" in error.message


@pytest.mark.world("drift.yml")
def test_drifted_nodes_carry_other_groups_than_their_pool(cs, ecs):
    (pool,) = pools(cs, "c-drift-hz01")
    assert pool.scaling_group.security_group_ids == ["sg-pool-hz01"]
    node_ids = [n.instance_id for n in nodes(cs, "c-drift-hz01").nodes]
    request = ecs_models.DescribeInstancesRequest(region_id="cn-hangzhou", instance_ids=json.dumps(node_ids))
    found = ecs.describe_instances(request).body.instances.instance
    assert {i.instance_id: i.security_group_ids.security_group_id for i in found} == {
        "i-drift1-hz01": ["sg-pool-hz01"],
        "i-drift2-hz01": ["sg-drifted-hz01"],
        "i-drift3-hz01": ["sg-drifted-hz01"],
    }
