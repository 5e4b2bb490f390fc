# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Generate large, deterministic worlds for benchmarks and paging tests.

    python tests/emulator/generate.py --nodes 2000 --node-pools 20 --tagged-instances 500 \\
        --backend-groups 50 --port-ranges-per-group 2 --pre-authorized 0.5 --seed 7 -o big.yml

or ``emulator.generate.generate_world(...)`` for the same document as a dict. The same
parameters and seed always give the same world, byte for byte.

Shape of a generated world (one region, one VPC ``10.0.0.0/8``):

* ``gateways`` APIG gateways, each on two small vSwitches (``10.255.N.0/24``) with its own
  managed security group;
* ``backend_groups`` backend security groups (the last ``enterprise_groups`` of them
  enterprise), each with one unrelated SSH rule;
* one ACK cluster of ``nodes`` nodes in ``node_pools`` node pools; pool *i* uses backend group
  *i mod backend_groups*; nodes are spread evenly over the pools and four workload vSwitches;
* ``tagged_instances`` plain ECS instances tagged ``app=svc-<group index>``, spread over the
  groups no node pool uses (over all groups when every group backs a pool);
* ``port_ranges_per_group`` distinct port ranges per backend group; the first
  ``round(pre_authorized * backend_groups)`` groups have them authorized on the first gateway
  already (the emulator writes the matching ECS permissions when it loads the world).

``meta.desired`` lists, per backend group, its port ranges and where its backends are (node
pool or tag), so a benchmark can build the role's input from the world itself.
"""

from __future__ import annotations

import argparse
import os
import random
import string
import sys
from typing import Any
from typing import Dict
from typing import List
from typing import Optional

if __package__ in (None, ""):  # run as a script: import the package from its parent directory
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from emulator.world import dump_document
else:
    from .world import dump_document

ACCESS_KEYS = [
    {"id": "emulator-ak-demo", "secret": "emulator-secret-demo"},
    {"id": "emulator-sts-demo", "secret": "emulator-sts-secret-demo", "security_token": "emulator-sts-token-demo"},
    {
        "id": "emulator-ak-readonly",
        "secret": "emulator-secret-readonly",
        "allowed_actions": ["apig:Get*", "apig:List*", "ecs:Describe*", "cs:Describe*"],
    },
]
WORKLOAD_ZONES = ("cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j", "cn-hangzhou-k")


class _Ids:
    """Alibaba-looking ids (``i-bp1...``), unique and reproducible from the seed."""

    ALPHABET = string.ascii_lowercase + string.digits

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: set = set()

    def new(self, prefix: str, length: int = 17) -> str:
        while True:
            ident = prefix + "".join(self.rng.choice(self.ALPHABET) for _index in range(length))
            if ident not in self.seen:
                self.seen.add(ident)
                return ident


def _port_ranges(rng: random.Random, count: int) -> List[str]:
    """``count`` distinct, non-overlapping ranges: single ports and a few short spans."""
    chosen: List[tuple] = []
    while len(chosen) < count:
        start = rng.randrange(1024, 60000)
        end = start + rng.choice((0, 0, 0, 9, 99))
        if all(end < s or start > e for s, e in chosen):
            chosen.append((start, end))
    return [f"{s}/{e}" for s, e in sorted(chosen)]


def generate_world(
    nodes: int = 2000,
    node_pools: int = 20,
    tagged_instances: int = 500,
    backend_groups: int = 50,
    port_ranges_per_group: int = 1,
    pre_authorized: float = 0.0,
    enterprise_groups: int = 0,
    gateways: int = 1,
    seed: int = 0,
    region: str = "cn-hangzhou",
) -> Dict[str, Any]:
    """A world-file document; see the module docstring for its shape."""
    if backend_groups < 1 or gateways < 1:
        raise ValueError("a generated world needs at least one backend group and one gateway")
    if nodes and node_pools < 1:
        raise ValueError("nodes need at least one node pool")
    if not 0 <= enterprise_groups <= backend_groups:
        raise ValueError("enterprise_groups must lie between 0 and backend_groups")
    if not 0.0 <= float(pre_authorized) <= 1.0:
        raise ValueError("pre_authorized is a fraction between 0 and 1")
    rng = random.Random(seed)
    ids = _Ids(rng)
    vpc_id = ids.new("vpc-bp1")
    gateway_vswitches = [
        {"id": ids.new("vsw-bp1"), "name": f"gw-{i // 2}-{'hi'[i % 2]}", "cidr": f"10.255.{i}.0/24", "zone": zone}
        for i, zone in enumerate(WORKLOAD_ZONES[:2] * gateways)
    ]
    workload_vswitches = [
        {"id": ids.new("vsw-bp1"), "name": f"workload-{zone[-1]}", "cidr": f"10.{i + 1}.0.0/16", "zone": zone}
        for i, zone in enumerate(WORKLOAD_ZONES)
    ]
    doc: Dict[str, Any] = {
        "regions": [region],
        "access_keys": [dict(k) for k in ACCESS_KEYS],
        "vpcs": [
            {
                "id": vpc_id,
                "name": "generated",
                "cidr": "10.0.0.0/8",
                "region": region,
                "vswitches": gateway_vswitches + workload_vswitches,
            }
        ],
    }

    groups = []
    for index in range(backend_groups):
        enterprise = index >= backend_groups - enterprise_groups
        groups.append(
            {
                "id": ids.new("sg-bp1"),
                "name": f"backend-{index:03d}",
                "type": "enterprise" if enterprise else "normal",
                "vpc": vpc_id,
                "permissions": [{"port_range": "22/22", "source_cidr_ip": "10.0.0.0/8", "description": "ssh"}],
            }
        )
    cluster_group = {"id": ids.new("sg-bp1"), "name": "ack-control-plane", "vpc": vpc_id}
    doc["security_groups"] = groups + [cluster_group]
    ranges = {g["id"]: _port_ranges(rng, port_ranges_per_group) for g in groups}

    pools = []
    for index in range(node_pools if nodes else 0):
        vswitches = [workload_vswitches[index % 4]["id"], workload_vswitches[(index + 1) % 4]["id"]]
        group = groups[index % backend_groups]
        pools.append(
            {
                "id": ids.new("np-", 32),
                "name": f"pool-{index:02d}",
                "security_groups": [group["id"]],
                "vswitches": vswitches,
                "default": index == 0,
            }
        )
    instances, cluster_nodes = [], []
    for index in range(nodes):
        pool = pools[index % len(pools)]
        instance_id = ids.new("i-bp1")
        instances.append(
            {
                "id": instance_id,
                "name": f"node-{index:05d}",
                "vswitch": pool["vswitches"][index // len(pools) % 2],
                "security_groups": list(pool["security_groups"]),
            }
        )
        cluster_nodes.append({"instance": instance_id, "node_pool": pool["id"]})
    pool_groups = {p["security_groups"][0] for p in pools}
    tag_groups = [g for g in groups if g["id"] not in pool_groups] or groups
    for index in range(tagged_instances):
        group = tag_groups[index % len(tag_groups)]
        instances.append(
            {
                "id": ids.new("i-bp1"),
                "name": f"svc-{index:05d}",
                "vswitch": workload_vswitches[index % 4]["id"],
                "security_groups": [group["id"]],
                "tags": {"app": f"svc-{groups.index(group):03d}"},
            }
        )
    doc["instances"] = instances
    doc["clusters"] = []
    if nodes:
        doc["clusters"].append(
            {
                "id": "c" + ids.new("", 32),
                "name": "generated-cluster",
                "vpc": vpc_id,
                "security_group": cluster_group["id"],
                "vswitches": [v["id"] for v in workload_vswitches],
                "node_pools": pools,
                "nodes": cluster_nodes,
            }
        )

    authorized = round(float(pre_authorized) * backend_groups)
    doc["gateways"] = []
    for index in range(gateways):
        doc["gateways"].append(
            {
                "id": ids.new("gw-", 20),
                "name": f"generated-gateway-{index}",
                "vpc": vpc_id,
                "vswitches": [v["id"] for v in gateway_vswitches[2 * index : 2 * index + 2]],
                "security_group": {"id": ids.new("sg-bp1"), "name": f"apig-managed-{index}", "type": "normal"},
                "authorizations": [
                    {"security_group": g["id"], "port_range": r, "description": "pre-authorized"}
                    for g in (groups[:authorized] if index == 0 else [])
                    for r in ranges[g["id"]]
                ],
            }
        )

    desired = []
    for index, group in enumerate(groups):
        entry: Dict[str, Any] = {"security_group": group["id"], "port_ranges": ranges[group["id"]]}
        entry["node_pools"] = [p["id"] for p in pools if p["security_groups"][0] == group["id"]]
        entry["tags"] = {"app": f"svc-{index:03d}"} if group in tag_groups and tagged_instances else {}
        desired.append(entry)
    doc["meta"] = {
        "generator": {
            "nodes": nodes,
            "node_pools": node_pools,
            "tagged_instances": tagged_instances,
            "backend_groups": backend_groups,
            "port_ranges_per_group": port_ranges_per_group,
            "pre_authorized": pre_authorized,
            "enterprise_groups": enterprise_groups,
            "gateways": gateways,
            "seed": seed,
        },
        "desired": desired,
    }
    return doc


def dump(doc: Dict[str, Any]) -> str:
    """YAML text, headed by the command line that regenerates it."""
    params = doc.get("meta", {}).get("generator", {})
    options = " ".join(f"--{name.replace('_', '-')} {value}" for name, value in params.items())
    header = f"# Generated by: python tests/emulator/generate.py {options}\n" if params else ""
    return header + dump_document(doc)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python tests/emulator/generate.py", description=__doc__.split("\n\n", maxsplit=1)[0]
    )
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--node-pools", type=int, default=20)
    parser.add_argument("--tagged-instances", type=int, default=500)
    parser.add_argument("--backend-groups", type=int, default=50)
    parser.add_argument("--port-ranges-per-group", type=int, default=1)
    parser.add_argument("--pre-authorized", type=float, default=0.0, help="fraction of groups already authorized")
    parser.add_argument("--enterprise-groups", type=int, default=0)
    parser.add_argument("--gateways", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--region", default="cn-hangzhou")
    parser.add_argument("-o", "--output", help="file to write (default: stdout)")
    args = parser.parse_args(argv)
    try:
        doc = generate_world(
            nodes=args.nodes,
            node_pools=args.node_pools,
            tagged_instances=args.tagged_instances,
            backend_groups=args.backend_groups,
            port_ranges_per_group=args.port_ranges_per_group,
            pre_authorized=args.pre_authorized,
            enterprise_groups=args.enterprise_groups,
            gateways=args.gateways,
            seed=args.seed,
            region=args.region,
        )
    except ValueError as exc:
        sys.stderr.write(f"generate: {exc}\n")
        return 2
    text = dump(doc)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
