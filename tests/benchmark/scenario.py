# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The world and the role input that the benchmark, the floor script and the call-count test share.

A generated world (tests/emulator/generate.py) reshaped so that the role's three backend entries
lead to exactly ``groups`` backend security groups, each reached by one entry only:

* the cluster entry: the ACK cluster, every node pool; pool *i* uses backend group *i*, so it
  yields ``node_pools`` groups (the nodes carry their pool's group: no drift);
* the tag entry: every tagged ECS instance carries ``tier=backend`` (besides the generator's
  ``app=svc-NNN``); they are spread over the next ``groups - node_pools - direct_groups`` groups;
* the groups entry: ``direct_groups`` more groups, named by id, which no instance uses.

Each entry lists ``ranges_per_group`` port ranges of its own, so the desired set is
``groups`` x ``ranges_per_group`` (group, range) pairs. The change converge replaces the groups
entry's ranges by new ones (with purge): ``direct_groups`` x ``ranges_per_group`` ranges removed
and as many added.
"""

from __future__ import annotations

import math
import random
import string
from typing import Any
from typing import Dict
from typing import List
from typing import NamedTuple
from typing import Set
from typing import Tuple

from emulator.generate import generate_world

COMMON_TAG = {"tier": "backend"}
RANGE_BASES = {"cluster": 10000, "tagged": 20000, "groups": 30000, "groups-changed": 40000}
ITEMS_PER_PAGE = 100  # DescribeClusterNodes pages and DescribeInstances batches/pages


class Shape(NamedTuple):
    nodes: int = 2000
    node_pools: int = 20
    tagged_instances: int = 500
    groups: int = 50
    ranges_per_group: int = 5
    direct_groups: int = 5
    seed: int = 0

    @property
    def tag_groups(self) -> int:
        return self.groups - self.node_pools - self.direct_groups


LARGE = Shape()
MEDIUM = Shape(nodes=300, node_pools=4, tagged_instances=120, groups=8, ranges_per_group=3, direct_groups=2)


def scaled(scale: int) -> Shape:
    """The scale benchmark's world: per unit of scale 1,000 nodes in 10 node pools, 250 tagged instances and
    20 groups (10 node pools', 8 tagged, 2 by id) of 5 ranges; scale 10 is the issue's 10,000 nodes in 100
    pools, 2,500 tagged instances and 200 groups x 5 ranges = 1,000 authorizations."""
    if scale < 1:
        raise ValueError("the scale is a whole number from 1")
    return Shape(
        nodes=1000 * scale,
        node_pools=10 * scale,
        tagged_instances=250 * scale,
        groups=20 * scale,
        ranges_per_group=5,
        direct_groups=2 * scale,
    )


def port_ranges(kind: str, count: int) -> List[str]:
    """``count`` distinct ranges that neither touch nor overlap (so merging keeps them all)."""
    base = RANGE_BASES[kind]
    return [f"{base + 100 * k}/{base + 100 * k + 9}" for k in range(count)]


class Scenario(NamedTuple):
    shape: Shape
    world: Dict[str, Any]
    gateway_id: str
    gateway_group_id: str
    cluster_id: str
    pool_groups: List[str]
    tag_groups: List[str]
    direct_groups: List[str]

    @property
    def all_groups(self) -> List[str]:
        return sorted(self.pool_groups + self.tag_groups + self.direct_groups)

    def backends(self, changed: bool = False) -> List[Dict[str, Any]]:
        """The role's backend_access_backends: the cluster, the tag and the groups."""
        count = self.shape.ranges_per_group
        return [
            {"name": "cluster", "cluster_id": self.cluster_id, "port_ranges": port_ranges("cluster", count)},
            {"name": "tagged", "instance_tags": dict(COMMON_TAG), "port_ranges": port_ranges("tagged", count)},
            {
                "name": "groups",
                "security_group_ids": list(self.direct_groups),
                "port_ranges": port_ranges("groups-changed" if changed else "groups", count),
            },
        ]

    def desired_pairs(self, changed: bool = False) -> Set[Tuple[str, str]]:
        """Every (group, range) the gateway must end with."""
        pairs = set()
        for entry in self.backends(changed):
            groups = {
                "cluster": self.pool_groups,
                "tagged": self.tag_groups,
                "groups": self.direct_groups,
            }[entry["name"]]
            pairs.update((g, r) for g in groups for r in entry["port_ranges"])
        return pairs

    def role_vars(self, changed: bool = False) -> Dict[str, Any]:
        return {
            "backend_access_gateway_id": self.gateway_id,
            "backend_access_backends": self.backends(changed),
            "backend_access_purge": True,
        }

    def expected_reads(self) -> Dict[str, int]:
        """The read floor of one converge: the gateway, discovery, one gateway list, the verification reads.

        The converge's pre-check of the groups it adds to reads nothing: discovery read the gateway
        (its VPC is the default) and the groups, and the role passes them on. Verification reads each
        group once: before planning if it is listed already, after the writes otherwise.
        """
        shape = self.shape
        return {
            "GetGateway": 1,
            "DescribeClusterNodePools": 1,
            "DescribeClusterNodes": max(1, math.ceil(shape.nodes / ITEMS_PER_PAGE)),
            # the node ids in batches of 100, plus the tag's pages
            "DescribeInstances": math.ceil(shape.nodes / ITEMS_PER_PAGE)
            + max(1, math.ceil(shape.tagged_instances / ITEMS_PER_PAGE)),
            # every discovered group checked to exist (and for its VPC) in batches of 100
            "DescribeSecurityGroups": math.ceil(shape.groups / ITEMS_PER_PAGE),
            "ListGatewayAuthorizedSecurityGroupRules": 1,
            "DescribeSecurityGroupAttribute": shape.groups,
        }

    def expected_calls(self, kind: str) -> Dict[str, int]:
        """Exact calls by action of a converge: kind is cold, noop or change."""
        counts = self.expected_reads()
        shape = self.shape
        if kind == "cold":
            counts["AddGatewaySecurityGroupRule"] = shape.groups
            counts["ListGatewayAuthorizedSecurityGroupRules"] += 1
        elif kind == "change":
            counts["AddGatewaySecurityGroupRule"] = shape.direct_groups
            counts["DeleteGatewaySecurityGroupRule"] = shape.direct_groups * shape.ranges_per_group
            counts["ListGatewayAuthorizedSecurityGroupRules"] += 1
            # the groups written are read again after the writes
            counts["DescribeSecurityGroupAttribute"] += shape.direct_groups
        elif kind != "noop":
            raise ValueError(f"unknown converge kind {kind!r}")
        return counts


def _new_id(rng: random.Random, taken: Set[str], prefix: str = "sg-bp1", length: int = 17) -> str:
    alphabet = string.ascii_lowercase + string.digits
    while True:
        ident = prefix + "".join(rng.choice(alphabet) for _index in range(length))
        if ident not in taken:
            taken.add(ident)
            return ident


def build_scenario(shape: Shape = LARGE) -> Scenario:
    """The generator's world for ``shape``, reshaped as the module docstring says."""
    if shape.tag_groups < 1 or shape.node_pools < 1:
        raise ValueError("the shape needs at least one node pool group and one tag group")
    world = generate_world(
        nodes=shape.nodes,
        node_pools=shape.node_pools,
        tagged_instances=shape.tagged_instances,
        backend_groups=shape.node_pools + shape.tag_groups,
        port_ranges_per_group=shape.ranges_per_group,
        seed=shape.seed,
    )
    for instance in world["instances"]:
        if instance.get("tags"):
            instance["tags"] = dict(instance["tags"], **COMMON_TAG)
    vpc_id = world["vpcs"][0]["id"]
    rng = random.Random(f"direct-groups-{shape.seed}")
    taken = {g["id"] for g in world["security_groups"]}
    direct = []
    for index in range(shape.direct_groups):
        group_id = _new_id(rng, taken)
        direct.append(group_id)
        world["security_groups"].append(
            {
                "id": group_id,
                "name": f"backend-{shape.node_pools + shape.tag_groups + index:03d}",
                "type": "normal",
                "vpc": vpc_id,
                "permissions": [{"port_range": "22/22", "source_cidr_ip": "10.0.0.0/8", "description": "ssh"}],
            }
        )
    cluster = world["clusters"][0]
    pool_groups = [p["security_groups"][0] for p in cluster["node_pools"]]
    tag_groups = sorted({i["security_groups"][0] for i in world["instances"] if i.get("tags")})
    gateway = world["gateways"][0]
    scenario = Scenario(
        shape=shape,
        world=world,
        gateway_id=gateway["id"],
        gateway_group_id=gateway["security_group"]["id"],
        cluster_id=cluster["id"],
        pool_groups=sorted(pool_groups),
        tag_groups=tag_groups,
        direct_groups=direct,
    )
    if len(set(scenario.all_groups)) != shape.groups:
        raise AssertionError(f"the world yields {len(set(scenario.all_groups))} groups, not {shape.groups}")
    return scenario


def authorized_pairs(state: Dict[str, Any], gateway_id: str) -> Set[Tuple[str, str]]:
    """The (group, range) pairs the gateway holds, from the emulator's state()."""
    gateway = next(g for g in state["gateways"] if g["id"] == gateway_id)
    return {(a["security_group"], a["port_range"]) for a in gateway.get("authorizations") or []}
