# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""World files (loading, validation, round trip) and the large-world generator."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from alibabacloud_apig20240327 import models as apig_models
from alibabacloud_cs20151215 import models as cs_models
from alibabacloud_ecs20140526 import models as ecs_models
from emulator import generate
from emulator.world import World
from emulator.world import WorldError
from emulator.world import load_document
from emulator.world import load_world
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

WORLDS = Path(__file__).resolve().parents[2] / "emulator" / "worlds"
GENERATE = Path(__file__).resolve().parents[2] / "emulator" / "generate.py"


def demo():
    return load_document("demo.yml")[0]


@pytest.mark.parametrize("name", sorted(p.name for p in WORLDS.glob("*.yml")))
def test_every_shipped_world_loads_and_round_trips(name):
    world = load_world(name)
    document = world.to_document()
    assert World.from_document(copy.deepcopy(document)).to_document() == document
    for key in world.access_keys:
        assert not key.id.startswith("LTAI")


def test_worlds_are_found_by_name_path_or_stem():
    assert load_world("demo").gateways.keys() == load_world(str(WORLDS / "demo.yml")).gateways.keys()
    with pytest.raises(WorldError, match="no world file 'nowhere.yml'"):
        load_world("nowhere.yml")


def test_the_demo_world_matches_the_seed_picture():
    world = load_world("demo.yml")
    (gateway,) = list(world.gateways.values())
    assert gateway.id.startswith("gw-demo") and gateway.authorizations == []
    assert len(gateway.vswitch_ids) == 2 and world.default_region == "cn-hangzhou"
    managed = world.security_groups[gateway.security_group_id]
    assert managed.service_managed and managed.vpc_id == gateway.vpc_id
    (cluster,) = list(world.clusters.values())
    assert cluster.node_pools[0].security_group_ids == ["sg-service1-hz01"]
    two_groups = [i for i in world.instances.values() if len(i.security_group_ids) == 2]
    assert [i.id for i in two_groups] == ["i-node3-hz01"]
    assert world.security_groups["sg-enterprise-hz01"].type == "enterprise"
    assert any(i.vpc_id != gateway.vpc_id for i in world.instances.values())
    assert [k.id for k in world.access_keys] == ["emulator-ak-demo", "emulator-sts-demo", "emulator-ak-readonly"]
    assert world.access_keys[1].security_token and world.access_keys[2].allowed_actions


def _broken(mutate):
    document = demo()
    mutate(document)
    return document


INVALID_WORLDS = [
    (lambda d: d.update(colour="red"), "world: unknown key(s) colour"),
    (lambda d: d.update(access_keys=[]), "at least one access key"),
    (lambda d: d["access_keys"].append({"id": "LTAI" + "5tAbCdEfGhIjKlMn", "secret": "x"}), "real Alibaba Cloud"),
    (lambda d: d["access_keys"].append(dict(d["access_keys"][0])), "used twice"),
    (lambda d: d["access_keys"][0].pop("secret"), "access_keys[0] (emulator-ak-demo): 'secret' is required"),
    (lambda d: d["vpcs"][0].update(cidr="192.168.0.0/33"), "not an IPv4 CIDR"),
    (lambda d: d["vpcs"][0]["vswitches"][0].update(cidr="10.0.0.0/24"), "not inside the VPC"),
    (lambda d: d["vpcs"][0].update(region="eu-west-9"), "not in world.regions"),
    (lambda d: d["security_groups"][0].update(type="premium"), "'premium' is not one of normal, enterprise"),
    (lambda d: d["security_groups"][0].update(vpc="vpc-missing"), "VPC 'vpc-missing' is not defined"),
    (lambda d: d["security_groups"][0].update(rule_quota=0), "rule_quota: expected an integer >= 1"),
    (
        lambda d: d["security_groups"][1]["permissions"][0].update(port_range="22"),
        "security_groups[1] (sg-service2-hz01).permissions[0].port_range",
    ),
    (lambda d: d["security_groups"][0]["permissions"][0].update(port_range="1/2"), "ALL rules use -1/-1"),
    (lambda d: d["security_groups"][1]["permissions"][0].update(priority="101"), "priority: expected 1 to 100"),
    (lambda d: d["security_groups"][1]["permissions"][0].update(source_group_id="sg-x"), "'sg-x' is not defined"),
    (lambda d: d["instances"][0].update(vswitch="vsw-missing"), "vSwitch 'vsw-missing' is not defined"),
    (lambda d: d["instances"][0].update(security_groups=["sg-other-hz01"]), "belongs to vpc-other-hz01"),
    (lambda d: d["instances"][0].update(private_ips=["10.0.0.1"]), "not inside vSwitch"),
    (lambda d: d["instances"][2].update(private_ips=["192.168.1.11"]), "already used"),
    (lambda d: d["instances"][0].update(status="Exploded"), "'Exploded' is not one of"),
    (lambda d: d["clusters"][0]["nodes"].append({"instance": "i-gone", "node_pool": "np-service1-hz01"}), "i-gone"),
    (lambda d: d["clusters"][0]["nodes"].append({"instance": "i-other-hz01", "node_pool": "np-x"}), "the cluster's"),
    (lambda d: d["clusters"][0]["nodes"].append(dict(d["clusters"][0]["nodes"][0])), "already a node"),
    (lambda d: d["clusters"][0]["nodes"][0].update(node_pool="np-missing"), "'np-missing' is not a node pool"),
    (lambda d: d["gateways"][0].update(vswitches=["vsw-other-h-hz01"]), "belongs to vpc-other-hz01"),
    (lambda d: d["gateways"][0].update(status="Sleeping"), "'Sleeping' is not one of"),
    (lambda d: d["gateways"][0]["security_group"].update(id="sg-other-hz01"), "belongs to vpc-other-hz01"),
    (
        lambda d: d["gateways"][0].update(
            authorizations=[{"security_group": "sg-gw-demo-hz01", "port_range": "80/80"}]
        ),
        "the gateway's own managed group",
    ),
    (
        lambda d: d["gateways"][0].update(
            authorizations=[{"security_group": "sg-service1-hz01", "port_range": "90/80"}]
        ),
        "start port is greater",
    ),
    (
        lambda d: d["gateways"][0].update(
            authorizations=[{"security_group": "sg-service1-hz01", "port_range": "80/80"}] * 2
        ),
        "authorized twice",
    ),
    (
        lambda d: d["gateways"][0].update(authorizations=[{"security_group": "sg-other-hz01", "port_range": "80/80"}]),
        "not the gateway's",
    ),
    (lambda d: d["security_groups"].append(dict(d["security_groups"][0])), "id 'sg-service1-hz01' is used twice"),
]


@pytest.mark.parametrize("mutate, complaint", [pytest.param(m, c, id=c) for m, c in INVALID_WORLDS])
def test_invalid_worlds_are_refused_naming_the_entry(mutate, complaint):
    with pytest.raises(WorldError) as caught:
        World.from_document(_broken(mutate))
    assert complaint in str(caught.value)


def test_a_broken_file_names_the_file(tmp_path):
    path = tmp_path / "broken.yml"
    path.write_text("access_keys: [ {id: x, secret: y\n", encoding="utf-8")
    with pytest.raises(WorldError, match="broken.yml: not valid YAML"):
        load_world(str(path))


def test_authorizations_in_a_world_file_write_their_ecs_permissions():
    document = demo()
    document["gateways"][0]["authorizations"] = [
        {"security_group": "sg-service1-hz01", "port_range": "8080/8080"},
        {"security_group": "sg-enterprise-hz01", "port_range": "80/80", "description": "legacy"},
    ]
    world = World.from_document(document)
    normal, enterprise = world.gateways["gw-demo-hz01"].authorizations
    service1 = world.security_groups["sg-service1-hz01"]
    (linked,) = [p for p in service1.permissions if p.id in normal.permission_ids]
    assert (linked.port_range, linked.source_group_id) == ("8080/8080", "sg-gw-demo-hz01")
    assert enterprise.auth_cidrs == ["192.168.1.0/24", "192.168.2.0/24"] and len(enterprise.permission_ids) == 2


def test_instances_without_addresses_get_free_ones():
    document = demo()
    for instance in document["instances"][:3]:
        instance.pop("private_ips")
    world = World.from_document(document)
    addresses = [world.instances[i["id"]].private_ips for i in document["instances"][:3]]
    assert addresses == [["192.168.1.1"], ["192.168.2.1"], ["192.168.1.2"]]


# -- generator ---------------------------------------------------------------------------------------


def test_generator_is_deterministic():
    first = generate.dump(generate.generate_world(seed=3, nodes=50, node_pools=3, tagged_instances=20))
    again = generate.dump(generate.generate_world(seed=3, nodes=50, node_pools=3, tagged_instances=20))
    other = generate.dump(generate.generate_world(seed=4, nodes=50, node_pools=3, tagged_instances=20))
    assert first == again and first != other
    assert first.startswith("# Generated by: python tests/emulator/generate.py --nodes 50 --node-pools 3")


def test_generator_default_world_has_the_benchmark_shape():
    world = World.from_document(generate.generate_world())
    (cluster,) = list(world.clusters.values())
    assert (len(world.gateways), len(cluster.nodes), len(cluster.node_pools)) == (1, 2000, 20)
    tagged = [i for i in world.instances.values() if i.tags.get("app")]
    backends = [g for g in world.security_groups.values() if g.name.startswith("backend-")]
    assert (len(tagged), len(backends)) == (500, 50)
    assert all(len(world.instances[n.instance_id].private_ips) == 1 for n in cluster.nodes)


def test_generator_pre_authorizes_a_fraction_of_groups():
    document = generate.generate_world(
        nodes=40, node_pools=4, tagged_instances=10, backend_groups=10, port_ranges_per_group=3, pre_authorized=0.5
    )
    world = World.from_document(document)
    (gateway,) = list(world.gateways.values())
    assert len(gateway.authorizations) == 15
    assert len({a.security_group_id for a in gateway.authorizations}) == 5
    desired = document["meta"]["desired"]
    assert len(desired) == 10 and all(len(d["port_ranges"]) == 3 for d in desired)
    first = desired[0]
    assert sorted(a.port_range for a in gateway.authorizations if a.security_group_id == first["security_group"]) == (
        sorted(first["port_ranges"])
    )


def test_generator_refuses_impossible_shapes():
    with pytest.raises(ValueError):
        generate.generate_world(backend_groups=0)
    with pytest.raises(ValueError):
        generate.generate_world(pre_authorized=1.5)


def test_generated_world_answers_through_the_sdk(make_emulator, clients_for):
    document = generate.generate_world(
        nodes=230,
        node_pools=4,
        tagged_instances=120,
        backend_groups=6,
        port_ranges_per_group=2,
        pre_authorized=0.5,
        enterprise_groups=1,
        seed=11,
    )
    handle = make_emulator(document)
    sdk = clients_for(handle)
    cluster = document["clusters"][0]["id"]
    gateway = document["gateways"][0]["id"]
    nodes = sdk.cs().describe_cluster_nodes(cluster, cs_models.DescribeClusterNodesRequest(page_size="100")).body
    assert nodes.page.total_count == 230
    pools = sdk.cs().describe_cluster_node_pools(cluster, cs_models.DescribeClusterNodePoolsRequest()).body.nodepools
    assert len(pools) == 4
    tag = [ecs_models.DescribeInstancesRequestTag(key="app", value="svc-004")]
    found = (
        sdk.ecs()
        .describe_instances(ecs_models.DescribeInstancesRequest(region_id="cn-hangzhou", tag=tag, max_results=100))
        .body
    )
    assert found.total_count == 60
    rules = (
        sdk.apig()
        .list_gateway_authorized_security_group_rules(
            gateway, apig_models.ListGatewayAuthorizedSecurityGroupRulesRequest()
        )
        .body.data.items
    )
    assert len(rules) == 6  # round(0.5 * 6) groups x 2 ranges


def test_generator_cli_writes_a_loadable_file(tmp_path):
    out = tmp_path / "gen.yml"
    result = subprocess.run(
        [sys.executable, str(GENERATE), "--nodes", "30", "--node-pools", "2", "--tagged-instances", "5",
         "--backend-groups", "3", "--seed", "5", "-o", str(out)],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    world = load_world(str(out))
    assert len(world.instances) == 35
    assert json.loads(json.dumps(world.meta))["generator"]["seed"] == 5
    bad = subprocess.run(
        [sys.executable, str(GENERATE), "--backend-groups", "0"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert bad.returncode == 2 and "backend group" in bad.stderr


# -- the authorization model -------------------------------------------------------------------------

GROUPS = ["sg-service1-hz01", "sg-enterprise-hz01"]
RANGES = ["80/80", "8080/8080", "1/65535"]


@settings(max_examples=60, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["add", "delete"]), st.integers(0, 1), st.integers(0, 2), st.booleans()),
        max_size=25,
    )
)
def test_authorize_and_revoke_keep_ecs_consistent(steps):
    """Random adds and (cascading or not) deletes on two gateways sharing vSwitches."""
    document = demo()
    twin = copy.deepcopy(document["gateways"][0])
    twin.update(id="gw-twin", security_group={"id": "sg-gw-twin", "type": "enterprise"}, services=[])
    document["gateways"].append(twin)
    world = World.from_document(document)
    original = {g: [p.id for p in world.security_groups[g].permissions] for g in GROUPS}
    gateways = list(world.gateways.values())
    left_behind = set()  # permissions of authorizations deleted without cascade
    for action, gw_index, range_index, flag in steps:
        gateway = gateways[gw_index]
        group = world.security_groups[GROUPS[range_index % 2]]
        entry = next((a for a in gateway.authorizations if a.security_group_id == group.id), None)
        if action == "add" and not any(
            a.security_group_id == group.id and a.port_range == RANGES[range_index] for a in gateway.authorizations
        ):
            world.authorize(gateway, group, RANGES[range_index], "")
        elif action == "delete" and entry is not None:
            world.revoke(gateway, entry, cascade=flag)
            if not flag:
                left_behind.update(entry.permission_ids)
        for name in GROUPS:
            identities = [p.identity() for p in world.security_groups[name].permissions]
            assert len(identities) == len(set(identities)), "an identical permission was duplicated"
        present = {p.id for g in GROUPS for p in world.security_groups[g].permissions}
        for gw in gateways:
            for authorization in gw.authorizations:
                wanted = world.authorization_permissions(gw, world.security_groups[authorization.security_group_id], "")
                assert len(authorization.permission_ids) == len(wanted)
                assert set(authorization.permission_ids) <= present, "a permission still needed was removed"
    for gw in gateways:
        for authorization in list(gw.authorizations):
            world.revoke(gw, authorization, cascade=True)
    for name in GROUPS:
        remaining = {p.id for p in world.security_groups[name].permissions}
        assert set(original[name]) <= remaining
        assert remaining - set(original[name]) <= left_behind
