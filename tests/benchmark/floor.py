# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The floor: the backend_access role's work in plain Python, with the same SDKs and no Ansible.

    ALIBABA_CLOUD_...=... .venv/bin/python tests/benchmark/floor.py --spec spec.json

The spec (JSON, written by run_benchmark.py) names the gateway and the role's backend entries
(``backend_access_backends``: a cluster, instance tags or security group ids, each with port ranges)
and ``purge``. Credentials, region and endpoints come from the environment the collection reads
(``ALIBABA_CLOUD_ACCESS_KEY_ID``, ``..._SECRET``, ``..._REGION_ID``, ``ALIBABA_CLOUD_ENDPOINT_APIG``,
``_ECS``, ``_CS``).

It makes the minimal calls for that work, with the collection's bounded parallelism (8 reads, 8 writes at once):
one GetGateway (its VPC bounds the backends, and its managed group and VPC are what the pre-check of the target
groups compares with the groups discovery read: no further read); per cluster one DescribeClusterNodePools and its
DescribeClusterNodes pages (the first, then the rest in parallel); per tag set its DescribeInstances pages (token
paging, one after the other); the node instances in DescribeInstances batches of 100 (in parallel); one
DescribeSecurityGroups per 100 groups found; then one ListGatewayAuthorizedSecurityGroupRules; one
AddGatewaySecurityGroupRule per group carrying all its missing ranges; one DeleteGatewaySecurityGroupRule per
authorization to remove; one list after the writes (only if it wrote); and one DescribeSecurityGroupAttribute per
authorized group to check the inbound rules (unless --no-verify): before planning for the desired groups
already listed (a drifted authorization is repaired: deleted without cascade and added again), after the
writes only for the groups written and those not read yet. It prints one JSON line: what it did.
No retries, no input checks, no findings, no error handling: a floor, not a tool.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

STARTED = time.perf_counter()
os.environ.setdefault("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")

from alibabacloud_apig20240327 import models as apig_models  # noqa: E402
from alibabacloud_apig20240327.client import Client as ApigClient  # noqa: E402
from alibabacloud_cs20151215 import models as cs_models  # noqa: E402
from alibabacloud_cs20151215.client import Client as CsClient  # noqa: E402
from alibabacloud_ecs20140526 import models as ecs_models  # noqa: E402
from alibabacloud_ecs20140526.client import Client as EcsClient  # noqa: E402
from alibabacloud_tea_openapi.models import Config  # noqa: E402

IMPORTED = time.perf_counter()
READERS = 8  # the collection's bounded parallelism: MAX_CONCURRENT_READS (module_utils/_parallel.py)
WRITERS = 8  # and the default of max_concurrent_writes
PAGE = 100


def parallel(fn, items, workers=READERS):
    """fn over items, at most `workers` at a time, results in order (a fresh pool, as the collection does)."""
    if len(items) <= 1:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        return list(pool.map(fn, items))


def client(cls, product):
    url = os.environ[f"ALIBABA_CLOUD_ENDPOINT_{product}"]
    scheme, _sep, host = url.partition("://")
    return cls(
        Config(
            access_key_id=os.environ["ALIBABA_CLOUD_ACCESS_KEY_ID"],
            access_key_secret=os.environ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"],
            region_id=os.environ["ALIBABA_CLOUD_REGION_ID"],
            endpoint=host.rstrip("/"),
            protocol=scheme.upper(),
        )
    )


class Floor:
    def __init__(self, spec):
        self.spec = spec
        self.region = os.environ["ALIBABA_CLOUD_REGION_ID"]
        self.apig = client(ApigClient, "APIG")
        self.ecs = client(EcsClient, "ECS")
        self.cs = client(CsClient, "CS")
        self.calls = 0
        self._lock = threading.Lock()

    def count(self):
        with self._lock:
            self.calls += 1

    # --- discovery -------------------------------------------------------------------------------

    def node_pools(self, cluster_id):
        self.count()
        body = self.cs.describe_cluster_node_pools(cluster_id, cs_models.DescribeClusterNodePoolsRequest()).body
        return {p.nodepool_info.nodepool_id: list(p.scaling_group.security_group_ids or []) for p in body.nodepools}

    def nodes(self, cluster_id):
        def page(number):
            self.count()
            request = cs_models.DescribeClusterNodesRequest(page_number=str(number), page_size=str(PAGE))
            return self.cs.describe_cluster_nodes(cluster_id, request).body

        first = page(1)
        pages = [first] + parallel(page, list(range(2, math.ceil(first.page.total_count / PAGE) + 1)))
        return [n.instance_id for body in pages for n in body.nodes]

    def instances_by_tags(self, tags):
        found, token = [], None
        while True:
            self.count()
            request = ecs_models.DescribeInstancesRequest(
                region_id=self.region,
                tag=[ecs_models.DescribeInstancesRequestTag(key=k, value=v) for k, v in sorted(tags.items())],
                max_results=PAGE,
                next_token=token,
            )
            body = self.ecs.describe_instances(request).body
            found.extend(body.instances.instance)
            token = body.next_token
            if not token:
                return found

    def instances_by_ids(self, ids):
        def batch(batch_ids):
            self.count()
            request = ecs_models.DescribeInstancesRequest(
                region_id=self.region, instance_ids=json.dumps(batch_ids), max_results=PAGE
            )
            return self.ecs.describe_instances(request).body.instances.instance

        ids = sorted(ids)
        batches = parallel(batch, [ids[i : i + PAGE] for i in range(0, len(ids), PAGE)])
        return [instance for found in batches for instance in found]

    def existing_groups(self, ids):
        def batch(batch_ids):
            self.count()
            request = ecs_models.DescribeSecurityGroupsRequest(
                region_id=self.region, security_group_ids=json.dumps(batch_ids), max_results=PAGE
            )
            return [
                g.security_group_id
                for g in self.ecs.describe_security_groups(request).body.security_groups.security_group
            ]

        ids = sorted(ids)
        return {g for found in parallel(batch, [ids[i : i + PAGE] for i in range(0, len(ids), PAGE)]) for g in found}

    def cluster(self, cluster_id):
        """(the node pools' groups, the node instance ids), as the role reads them."""
        pools = self.node_pools(cluster_id)
        return {g for groups in pools.values() for g in groups}, self.nodes(cluster_id)

    def discover(self):
        """{group id: set of port ranges} for the spec's entries."""
        entries = self.spec["backends"]
        clusters = sorted({e["cluster_id"] for e in entries if e.get("cluster_id")})
        tag_sets = sorted({json.dumps(e["instance_tags"], sort_keys=True) for e in entries if e.get("instance_tags")})
        jobs = [("cluster", c) for c in clusters] + [("tags", t) for t in tag_sets]
        outcomes = parallel(
            lambda job: self.cluster(job[1]) if job[0] == "cluster" else self.instances_by_tags(json.loads(job[1])),
            jobs,
        )
        read = dict(zip(jobs, outcomes))
        tagged = {i.instance_id: i for key in jobs if key[0] == "tags" for i in read[key]}
        node_ids = {i for c in clusters for i in read[("cluster", c)][1]}
        instances = {i.instance_id: i for i in self.instances_by_ids(node_ids - set(tagged))}
        instances.update(tagged)

        def groups_of(instance_ids):
            return {
                g for i in instance_ids if i in instances for g in instances[i].security_group_ids.security_group_id
            }

        desired = {}
        for entry in entries:
            if entry.get("cluster_id"):
                pool_groups, nodes = read[("cluster", entry["cluster_id"])]
                groups = pool_groups | groups_of(nodes)
            elif entry.get("instance_tags"):
                groups = groups_of(
                    i.instance_id for i in read[("tags", json.dumps(entry["instance_tags"], sort_keys=True))]
                )
            else:
                groups = set(entry["security_group_ids"])
            for group in groups:
                desired.setdefault(group, set()).update(entry["port_ranges"])
        existing = self.existing_groups(desired)
        return {g: r for g, r in desired.items() if g in existing}

    # --- the gateway ----------------------------------------------------------------------------

    def gateway(self):
        self.count()
        return self.apig.get_gateway(self.spec["gateway_id"]).body.data

    def authorizations(self):
        self.count()
        gateway = self.spec["gateway_id"]
        request = apig_models.ListGatewayAuthorizedSecurityGroupRulesRequest()
        items = self.apig.list_gateway_authorized_security_group_rules(gateway, request).body.data.items or []
        return [
            (i.security_group_rule_id, i.security_group_id, i.port_range, i.source_security_group_id) for i in items
        ]

    def converge(self, desired, current, drifted=()):
        gateway = self.spec["gateway_id"]
        drifted = set(drifted)
        have = {(g, r) for _rule, g, r, _source in current if (g, r) not in drifted}
        adds = []
        for group in sorted(desired):
            missing = sorted(r for r in desired[group] if (group, r) not in have)
            if missing:
                adds.append((group, missing))
        deletes = [rule for rule, g, r, _source in current if (g, r) in drifted and r in desired.get(g, ())]
        if self.spec.get("purge"):
            deletes += [rule for rule, g, r, _source in current if r not in desired.get(g, ())]

        def add(step):
            self.count()
            request = apig_models.AddGatewaySecurityGroupRuleRequest(security_group_id=step[0], port_ranges=step[1])
            self.apig.add_gateway_security_group_rule(gateway, request)

        repairs = {rule for rule, g, r, _source in current if (g, r) in drifted}

        def delete(rule_id):
            self.count()
            request = apig_models.DeleteGatewaySecurityGroupRuleRequest(cascading_delete=rule_id not in repairs)
            self.apig.delete_gateway_security_group_rule(gateway, rule_id, request)

        parallel(add, [a for a in adds if not any((a[0], r) in drifted for r in a[1])], WRITERS)
        parallel(delete, deletes, WRITERS)
        parallel(add, [a for a in adds if any((a[0], r) in drifted for r in a[1])], WRITERS)  # a repair's add
        written = {g for g, _ranges in adds} | {g for rule, g, _r, _s in current if rule in set(deletes)}
        if adds or deletes:
            current = self.wait_until_listed({(g, r) for g, ranges in adds for r in ranges}, set(deletes))
        return current, len(adds), len(deletes), written

    def wait_until_listed(self, added, deleted, budget=60.0):
        """List until every add shows and every deleted rule is gone (as the module does): one list if it keeps up."""
        deadline, delay = time.monotonic() + budget, 0.5
        while True:
            current = self.authorizations()
            listed = {(g, r) for _rule, g, r, _source in current}
            if added <= listed and not deleted & {rule for rule, _g, _r, _source in current}:
                return current
            if time.monotonic() >= deadline:
                raise SystemExit(f"the list does not show the writes after {budget:.0f} s")
            time.sleep(min(delay, max(deadline - time.monotonic(), 0)))
            delay = min(delay * 2, 8.0)

    def ingress(self, groups):
        """{group: its TCP (source group, range) rules}, one read per group."""

        def ingress(group):
            self.count()
            request = ecs_models.DescribeSecurityGroupAttributeRequest(
                region_id=self.region, security_group_id=group, direction="ingress", max_results=1000
            )
            permissions = self.ecs.describe_security_group_attribute(request).body.permissions.permission
            return {(p.source_group_id, p.port_range) for p in permissions if p.ip_protocol.upper() in ("TCP", "ALL")}

        groups = sorted(groups)
        return dict(zip(groups, parallel(ingress, groups)))

    @staticmethod
    def drifted(current, rules):
        """The (group, range) pairs of the groups read whose inbound rule is missing."""
        return {(g, r) for _rule, g, r, source in current if g in rules and (source, r) not in rules[g]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--spec", required=True, help="JSON: gateway_id, backends, purge")
    parser.add_argument("--no-verify", action="store_true", help="skip the inbound-rule reads")
    args = parser.parse_args()
    with open(args.spec, encoding="utf-8") as handle:
        spec = json.load(handle)
    floor = Floor(spec)
    # As the role does: discovery (its first task), then the gateway's list (the converge task's first read).
    floor.gateway()  # the default VPC, and the pre-check's gateway facts
    desired = floor.discover()
    before = floor.authorizations()
    # Verification before planning: the desired groups already listed, so that drift is repaired.
    rules = {} if args.no_verify else floor.ingress({g for _rule, g, _r, _s in before if g in desired})
    current, adds, deletes, written = floor.converge(desired, before, floor.drifted(before, rules))
    missing = None
    if not args.no_verify:
        listed = {g for _rule, g, _r, _s in current}
        rules.update(floor.ingress({g for g in listed if g in written or g not in rules}))
        missing = sum(1 for _rule, g, r, source in current if (source, r) not in rules[g])
    report = {
        "import_seconds": round(IMPORTED - STARTED, 3),
        "seconds": round(time.perf_counter() - STARTED, 3),
        "calls": floor.calls,
        "groups": len(desired),
        "adds": adds,
        "deletes": deletes,
        "authorizations": len(current),
        "not_effective": missing,
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
