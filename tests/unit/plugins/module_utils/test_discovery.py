# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure rules of backend discovery: node-pool selection, resolution, findings, the result."""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List

import pytest
from ansible_collections.alibabacloud.apig.plugins.module_utils import _discovery_rules as d
from ansible_collections.alibabacloud.apig.plugins.module_utils import _finding_codes as fc
from ansible_collections.alibabacloud.apig.plugins.module_utils import _node_pools as node_pools
from ansible_collections.alibabacloud.apig.plugins.module_utils._cs import node_pool_from_wire
from ansible_collections.alibabacloud.apig.plugins.module_utils._ecs import instance_from_wire
from ansible_collections.alibabacloud.apig.plugins.module_utils._sources import Source
from ansible_collections.alibabacloud.apig.plugins.module_utils._sources import parse_source

CLUSTER = "c0123456789abcdef0123456789abcdef"
VPC = "vpc-main"
OTHER_VPC = "vpc-other"
NP_WEB = "npweb"
NP_API = "npapi"


def pool(nodepool_id: str, name: str, groups: List[str]) -> Dict[str, Any]:
    return {"nodepool_id": nodepool_id, "name": name, "security_group_ids": groups}


def node(instance_id: str, nodepool_id: str = None) -> Dict[str, Any]:
    return {"instance_id": instance_id, "nodepool_id": nodepool_id, "private_ips": ["10.0.0.1"]}


def instance(instance_id: str, groups: List[str], vpc: str = VPC) -> Dict[str, Any]:
    return {
        "instance_id": instance_id,
        "name": instance_id,
        "status": "Running",
        "vpc_id": vpc,
        "vswitch_id": "vsw-1",
        "security_group_ids": groups,
        "private_ips": ["10.0.0.9"],
        "tags": {},
    }


def group(group_id: str, vpc: str = VPC, kind: str = "normal") -> Dict[str, Any]:
    return {"security_group_id": group_id, "name": group_id + "-name", "type": kind, "vpc_id": vpc}


def world(**overrides: Any) -> d.Observations:
    """A cluster with two pools (web: 3 nodes, api: 1 node), tagged instances, and their groups."""
    pools = (pool(NP_WEB, "web", ["sg-web"]), pool(NP_API, "api", ["sg-api"]))
    nodes = (node("i-w1", NP_WEB), node("i-w2", NP_WEB), node("i-w3", NP_WEB), node("i-a1", NP_API))
    instances = {
        "i-w1": instance("i-w1", ["sg-web"]),
        "i-w2": instance("i-w2", ["sg-web", "sg-extra"]),  # the node with two groups
        "i-w3": instance("i-w3", ["sg-web"]),
        "i-a1": instance("i-a1", ["sg-api"]),
        "i-t1": instance("i-t1", ["sg-tagged"]),
        "i-t2": instance("i-t2", ["sg-tagged"]),
        "i-far": instance("i-far", ["sg-far"], vpc=OTHER_VPC),
    }
    groups = {g: group(g) for g in ("sg-web", "sg-api", "sg-extra", "sg-tagged", "sg-given")}
    groups["sg-far"] = group("sg-far", vpc=OTHER_VPC)
    base = dict(
        clusters={CLUSTER: d.ClusterObservation(found=True, node_pools=pools, nodes=nodes)},
        instances=instances,
        tag_matches={(("app", "orders"),): ("i-t1", "i-t2")},
        groups=groups,
    )
    base.update(overrides)
    return d.Observations(**base)


def src(index: int = 0, **kwargs: Any) -> Source:
    return parse_source(kwargs, index)


def resolve_and_build(
    sources: List[Source],
    obs: d.Observations,
    vpc_id: str = None,
    inspect_nodes: bool = True,
    with_sources: bool = False,
) -> Dict[str, Any]:
    """What _discovery.discover computes once everything was read."""
    resolutions = d.resolve_sources(sources, obs, vpc_id, inspect_nodes)
    return d.build_discovery(resolutions, obs.groups, vpc_id, with_sources)


def codes(result: Dict[str, Any]) -> List[str]:
    return sorted(f["code"] for f in result["findings"])


# --- node pools ----------------------------------------------------------------------------------------

POOLS = [pool(NP_WEB, "web", ["sg-web"]), pool(NP_API, "api", ["sg-api"])]

SELECTIONS = [
    ({}, [NP_WEB, NP_API], []),
    ({"nodepool_ids": [NP_API]}, [NP_API], []),
    ({"nodepool_names": ["web"]}, [NP_WEB], []),
    ({"nodepool_ids": [NP_WEB, "npgone"]}, [NP_WEB], [{"cluster_id": CLUSTER, "nodepool_id": "npgone"}]),
    ({"nodepool_names": ["nope"]}, [], [{"cluster_id": CLUSTER, "nodepool_name": "nope"}]),
]


@pytest.mark.parametrize("selector, selected, not_found", SELECTIONS)
def test_select_node_pools(selector: Dict[str, Any], selected: List[str], not_found: List[Dict[str, str]]) -> None:
    pools, findings = node_pools.select_node_pools(src(cluster_id=CLUSTER, **selector), POOLS)
    assert sorted(p["nodepool_id"] for p in pools) == sorted(selected)
    assert [f["ids"] for f in findings] == not_found
    assert all(f["code"] == fc.NODEPOOL_NOT_FOUND for f in findings)


LISTING = [
    ([{}], (True, None)),
    ([{"nodepool_names": ["web"]}], (True, NP_WEB)),
    ([{"nodepool_ids": [NP_WEB]}, {"nodepool_names": ["web"]}], (True, NP_WEB)),
    ([{"nodepool_ids": [NP_WEB]}, {"nodepool_ids": [NP_API]}], (True, None)),
    ([{"nodepool_ids": [NP_WEB]}, {}], (True, None)),
    ([{"nodepool_ids": ["npgone"]}], (False, None)),
]


@pytest.mark.parametrize("selectors, plan", LISTING)
def test_node_listing_plan(selectors: List[Dict[str, Any]], plan: tuple) -> None:
    sources = [src(i, cluster_id=CLUSTER, **s) for i, s in enumerate(selectors)]
    assert node_pools.node_listing_plan(sources, POOLS) == plan


# --- resolution ----------------------------------------------------------------------------------------


def test_cluster_yields_pool_groups_and_the_groups_nodes_carry() -> None:
    result = resolve_and_build([src(cluster_id=CLUSTER)], world())
    assert result["security_group_ids"] == ["sg-api", "sg-extra", "sg-web"]
    by_id = {g["security_group_id"]: g for g in result["security_groups"]}
    assert by_id["sg-web"]["node_pools"] == [NP_WEB]
    assert by_id["sg-web"]["instances"] == ["i-w1", "i-w2", "i-w3"]
    assert by_id["sg-extra"] == {
        "security_group_id": "sg-extra",
        "name": "sg-extra-name",
        "type": "normal",
        "vpc_id": VPC,
        "node_pools": [],
        "instances": ["i-w2"],
    }
    assert [i["instance_id"] for i in result["instances"]] == ["i-a1", "i-w1", "i-w2", "i-w3"]
    assert {i["nodepool_id"] for i in result["instances"] if i["instance_id"].startswith("i-w")} == {NP_WEB}
    assert all(i["cluster_id"] == CLUSTER for i in result["instances"])
    assert codes(result) == [fc.INSTANCE_GROUPS_DIFFER_FROM_NODEPOOL, fc.INSTANCE_MULTIPLE_SECURITY_GROUPS]
    differ = next(f for f in result["findings"] if f["code"] == fc.INSTANCE_GROUPS_DIFFER_FROM_NODEPOOL)
    assert differ["ids"] == {
        "instance_id": "i-w2",
        "cluster_id": CLUSTER,
        "nodepool_id": NP_WEB,
        "security_group_ids": ["sg-web", "sg-extra"],
        "nodepool_security_group_ids": ["sg-web"],
    }
    assert "also carries sg-extra" in differ["message"]
    assert "sources" not in result


def test_without_node_inspection_only_pool_groups_count() -> None:
    result = resolve_and_build([src(cluster_id=CLUSTER)], world(), inspect_nodes=False)
    assert result["security_group_ids"] == ["sg-api", "sg-web"]
    assert result["instances"] == []
    assert result["findings"] == []


def test_node_pool_selection_limits_nodes_too() -> None:
    result = resolve_and_build([src(cluster_id=CLUSTER, nodepool_names=["api"])], world())
    assert result["security_group_ids"] == ["sg-api"]
    assert [i["instance_id"] for i in result["instances"]] == ["i-a1"]
    assert result["findings"] == []


def test_drifted_pool_finds_every_node_and_the_groups_it_really_carries() -> None:
    obs = world()
    for instance_id in ("i-w1", "i-w2", "i-w3"):
        obs.instances[instance_id]["security_group_ids"] = ["sg-api"]
    result = resolve_and_build([src(cluster_id=CLUSTER, nodepool_ids=[NP_WEB])], obs)
    # The pool's configured group stays (new nodes get it); the group the nodes carry is added.
    assert result["security_group_ids"] == ["sg-api", "sg-web"]
    differ = [f for f in result["findings"] if f["code"] == fc.INSTANCE_GROUPS_DIFFER_FROM_NODEPOOL]
    assert [f["ids"]["instance_id"] for f in differ] == ["i-w1", "i-w2", "i-w3"]
    assert "does not carry sg-web" in differ[0]["message"]


def test_node_without_pool_or_with_unknown_pool_is_not_compared() -> None:
    nodes = (node("i-w1", None), node("i-a1", "npvanished"))
    obs = world(clusters={CLUSTER: d.ClusterObservation(found=True, node_pools=tuple(POOLS), nodes=nodes)})
    result = resolve_and_build([src(cluster_id=CLUSTER)], obs)
    assert result["findings"] == []
    assert result["security_group_ids"] == ["sg-api", "sg-web"]


def test_cluster_without_node_pools_uses_the_cluster_group() -> None:
    serverless = d.ClusterObservation(found=True, node_pools=(), cluster={"security_group_id": "sg-api"}, nodes=())
    result = resolve_and_build([src(cluster_id=CLUSTER)], world(clusters={CLUSTER: serverless}))
    assert result["security_group_ids"] == ["sg-api"]
    assert result["findings"] == []


NOT_FOUND = [
    (
        {"cluster_id": "cunknown"},
        [fc.CLUSTER_NOT_FOUND, fc.NO_SECURITY_GROUPS_FOUND],
        {"cluster_id": "cunknown"},
    ),
    (
        {"cluster_id": CLUSTER, "nodepool_ids": ["npgone"]},
        [fc.NODEPOOL_NOT_FOUND, fc.NO_SECURITY_GROUPS_FOUND],
        {"cluster_id": CLUSTER, "nodepool_id": "npgone"},
    ),
    (
        {"instance_ids": ["i-gone"]},
        [fc.INSTANCE_NOT_FOUND, fc.NO_SECURITY_GROUPS_FOUND],
        {"instance_id": "i-gone"},
    ),
    ({"security_group_ids": ["sg-gone"]}, [fc.NO_SECURITY_GROUPS_FOUND, fc.SECURITY_GROUP_NOT_FOUND], None),
    (
        {"instance_tags": {"app": "none"}},
        [fc.NO_SECURITY_GROUPS_FOUND, fc.TAGS_MATCH_NO_INSTANCE],
        {"instance_tags": {"app": "none"}},
    ),
]


@pytest.mark.parametrize("raw, expected_codes, first_ids", NOT_FOUND)
def test_unknown_ids_are_findings(raw: Dict[str, Any], expected_codes: List[str], first_ids: Any) -> None:
    result = resolve_and_build([src(**raw)], world())
    assert result["security_group_ids"] == []
    assert codes(result) == expected_codes
    if first_ids is not None:
        assert result["findings"][0]["ids"] == first_ids


def test_a_source_without_groups_is_named_by_where_it_was_given() -> None:
    given = parse_source({"name": "legacy", "instance_ids": ["i-gone"]}, 2, "backends[2]")
    top_level = parse_source({"instance_ids": ["i-gone"]}, 0)
    for source, label in ((given, "backends[2] (legacy)"), (top_level, "the task's source options")):
        [message] = [
            f["message"]
            for f in resolve_and_build([source], world())["findings"]
            if f["code"] == fc.NO_SECURITY_GROUPS_FOUND
        ]
        assert message.startswith(label + " yields no security group"), message


def test_node_missing_from_ecs_is_reported_with_its_pool() -> None:
    obs = world()
    del obs.instances["i-w3"]
    result = resolve_and_build([src(cluster_id=CLUSTER, nodepool_ids=[NP_WEB])], obs)
    missing = [f for f in result["findings"] if f["code"] == fc.INSTANCE_NOT_FOUND]
    assert [f["ids"] for f in missing] == [{"instance_id": "i-w3", "cluster_id": CLUSTER, "nodepool_id": NP_WEB}]
    assert "released" in missing[0]["message"]


def test_group_referenced_by_a_pool_but_missing_in_ecs() -> None:
    obs = world()
    del obs.groups["sg-api"]
    result = resolve_and_build([src(cluster_id=CLUSTER, nodepool_ids=[NP_API])], obs, inspect_nodes=False)
    assert codes(result) == [fc.NO_SECURITY_GROUPS_FOUND, fc.SECURITY_GROUP_NOT_FOUND]
    assert result["findings"][0]["ids"] == {"security_group_id": "sg-api", "node_pools": [NP_API]}
    assert NP_API in result["findings"][0]["message"]


def test_instances_and_tags_and_given_groups() -> None:
    result = resolve_and_build(
        [src(instance_ids=["i-w1"], instance_tags={"app": "orders"}, security_group_ids=["sg-given"])], world()
    )
    assert result["security_group_ids"] == ["sg-given", "sg-tagged", "sg-web"]
    by_id = {g["security_group_id"]: g for g in result["security_groups"]}
    assert by_id["sg-tagged"]["instances"] == ["i-t1", "i-t2"]
    assert by_id["sg-given"]["instances"] == []
    assert [i["instance_id"] for i in result["instances"]] == ["i-t1", "i-t2", "i-w1"]
    assert result["instances"][2]["cluster_id"] is None
    assert result["findings"] == []


VPC_CASES = [
    ({"instance_ids": ["i-far", "i-w1"]}, ["sg-web"], [fc.INSTANCE_IN_OTHER_VPC], {"instance_id": "i-far"}),
    (
        {"security_group_ids": ["sg-far", "sg-given"]},
        ["sg-given"],
        [fc.SECURITY_GROUP_IN_OTHER_VPC],
        {"security_group_id": "sg-far"},
    ),
    (
        {"instance_ids": ["i-far"]},
        [],
        [fc.INSTANCE_IN_OTHER_VPC, fc.NO_SECURITY_GROUPS_FOUND],
        {"instance_id": "i-far"},
    ),
]


@pytest.mark.parametrize("raw, kept, expected_codes, excluded", VPC_CASES)
def test_vpc_id_excludes_and_reports_other_vpc_items(
    raw: Dict[str, Any], kept: List[str], expected_codes: List[str], excluded: Dict[str, str]
) -> None:
    result = resolve_and_build([src(**raw)], world(), vpc_id=VPC)
    assert result["security_group_ids"] == kept
    assert codes(result) == expected_codes
    first = result["findings"][0]
    assert {k: first["ids"][k] for k in excluded} == excluded
    assert first["ids"]["vpc_id"] == OTHER_VPC
    assert first["ids"]["expected_vpc_id"] == VPC
    assert all(i["vpc_id"] == VPC for i in result["instances"])


def test_without_vpc_id_other_vpcs_are_kept() -> None:
    result = resolve_and_build([src(instance_ids=["i-far"])], world())
    assert result["security_group_ids"] == ["sg-far"]
    assert result["findings"] == []


def test_several_sources_share_groups_and_report_per_source() -> None:
    sources = [
        src(0, name="web", cluster_id=CLUSTER, nodepool_names=["web"]),
        src(1, name="orders", instance_tags={"app": "orders"}),
        src(2, name="again", instance_ids=["i-w2"]),
        src(3, name="ghost", instance_ids=["i-gone"]),
    ]
    result = resolve_and_build(sources, world(), with_sources=True)
    assert result["security_group_ids"] == ["sg-extra", "sg-tagged", "sg-web"]
    assert [s["name"] for s in result["sources"]] == ["web", "orders", "again", "ghost"]
    assert [s["security_group_ids"] for s in result["sources"]] == [
        ["sg-extra", "sg-web"],
        ["sg-tagged"],
        ["sg-extra", "sg-web"],
        [],
    ]
    by_id = {g["security_group_id"]: g for g in result["security_groups"]}
    assert by_id["sg-web"]["sources"] == [0, 2]
    assert by_id["sg-tagged"]["sources"] == [1]
    # i-w2's two groups are reported by sources 0 and 2, once at the top.
    multiple = [f for f in result["findings"] if f["code"] == fc.INSTANCE_MULTIPLE_SECURITY_GROUPS]
    assert len(multiple) == 1
    assert [f["code"] for f in result["sources"][2]["findings"]] == [fc.INSTANCE_MULTIPLE_SECURITY_GROUPS]
    assert sorted(f["code"] for f in result["sources"][3]["findings"]) == [
        fc.INSTANCE_NOT_FOUND,
        fc.NO_SECURITY_GROUPS_FOUND,
    ]
    assert result["sources"][3]["findings"][1]["ids"] == {"source": 3, "name": "ghost"}
    # The node's pool is kept when another source names the same instance directly.
    assert next(i for i in result["instances"] if i["instance_id"] == "i-w2")["nodepool_id"] == NP_WEB


def test_candidate_group_ids_cover_every_source() -> None:
    sources = [src(0, cluster_id=CLUSTER), src(1, security_group_ids=["sg-gone"]), src(2, instance_ids=["i-far"])]
    resolutions = d.resolve_sources(sources, world(), vpc_id=VPC)
    # Other-VPC instances are left out before their groups are looked up.
    assert d.candidate_group_ids(resolutions) == ["sg-api", "sg-extra", "sg-gone", "sg-web"]


def test_result_is_deterministic() -> None:
    sources = [src(0, cluster_id=CLUSTER), src(1, instance_tags={"app": "orders"})]
    first = resolve_and_build(sources, world(), with_sources=True)
    assert resolve_and_build(list(sources), world(), with_sources=True) == first


# --- wire normalization used by the pure part ------------------------------------------------------


def test_instance_from_wire() -> None:
    item = {
        "InstanceId": "i-1",
        "InstanceName": "web-1",
        "Status": "Running",
        "SecurityGroupIds": {"SecurityGroupId": ["sg-b", "sg-a"]},
        "VpcAttributes": {"VpcId": VPC, "VSwitchId": "vsw-1", "PrivateIpAddress": {"IpAddress": []}},
        "NetworkInterfaces": {
            "NetworkInterface": [
                {"NetworkInterfaceId": "eni-1", "Type": "Primary", "PrimaryIpAddress": "10.0.0.5", "PrivateIpSets": {}}
            ]
        },
        "Tags": {"Tag": [{"TagKey": "app", "TagValue": "orders"}]},
    }
    assert instance_from_wire(item) == {
        "primary_network_interface_id": "eni-1",
        "instance_id": "i-1",
        "name": "web-1",
        "status": "Running",
        "vpc_id": VPC,
        "vswitch_id": "vsw-1",
        "security_group_ids": ["sg-b", "sg-a"],
        "private_ips": ["10.0.0.5"],
        "tags": {"app": "orders"},
    }


@pytest.mark.parametrize(
    "scaling, groups",
    [
        ({"security_group_ids": ["sg-a", "sg-b"], "security_group_id": "sg-a"}, ["sg-a", "sg-b"]),
        ({"security_group_id": "sg-old"}, ["sg-old"]),
        ({}, []),
    ],
)
def test_node_pool_from_wire_falls_back_to_the_deprecated_group(scaling: Dict[str, Any], groups: List[str]) -> None:
    wire = {"nodepool_info": {"nodepool_id": NP_WEB, "name": "web"}, "scaling_group": scaling}
    assert node_pool_from_wire(wire)["security_group_ids"] == groups
