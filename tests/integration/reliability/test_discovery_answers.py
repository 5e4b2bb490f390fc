# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Discovery answers that are wrong in a way the SDK's models hide: the role with purge never revokes on them.

Each test is one row of the trial that found purge revoking live access with rc 0 (a discovery read malformed but
parseable, an endpoint that cannot be placed). The gateway starts converged (the role ran once with purge); the
row's fault is set (emulator `malform`, or the world changed); the role runs again with purge. Each asserts: the
run fails (rc != 0) with a message naming the field (or the endpoint), no AddGatewaySecurityGroupRule and no
DeleteGatewaySecurityGroupRule was sent, and the gateway's authorizations are those it started with.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import Iterator
from typing import List
from typing import Optional

import pytest
from emulator.server import start_in_thread
from integration.playbook import run_playbook
from integration.reliability.helpers import DEMO_VARS
from integration.reliability.helpers import WRITES
from integration.reliability.helpers import assert_no_crash

DISCOVER = "Discover the security groups behind the backends"
SERVICES_VARS = {
    "backend_access_gateway_id": "gw-svc01",
    "backend_access_backends": [{"name": "routed services", "gateway_services": ["web", "metrics", "legacy-api"]}],
}


class ConvergedWorld:
    """One emulator for the module, converged once by the role with purge; each test starts from that state."""

    def __init__(self, world: str, role_vars: Dict[str, Any]) -> None:
        self.handle = start_in_thread(world)
        self.role_vars = dict(role_vars, backend_access_purge=True)
        first = self.authorize()
        assert first.rc == 0, first
        self.converged = self.handle.state()
        assert self.authorizations(), "the converged world authorizes something"

    def authorize(self) -> Any:
        return run_playbook("alibabacloud.apig.authorize_backends", self.handle.env(), extra_vars=self.role_vars)

    def authorizations(self, state: Optional[Dict[str, Any]] = None) -> List[tuple]:
        state = state or self.handle.state()
        return sorted(
            (gateway["id"], a["security_group"], a["port_range"])
            for gateway in state["gateways"]
            for a in gateway["authorizations"]
        )

    def fresh(self, faults: Optional[List[Dict[str, Any]]] = None) -> None:
        self.handle.put_state(self.converged)
        self.handle.clear_faults()
        self.handle.clear_calls()
        self.handle.set_faults(faults or [])

    def refuses(self, *named: str) -> Dict[str, Any]:
        """The role with purge, run on the faulted world: it fails naming `named`, and writes nothing."""
        run = self.authorize()
        assert_no_crash(run.output)
        assert run.rc != 0, run
        result = run.task(DISCOVER)
        assert result["_status"] == "failed", result
        for text in named:
            assert text in result["msg"], (text, result["msg"])
        assert not [c for c in self.handle.calls() if c["action"] in WRITES]
        assert self.authorizations() == self.authorizations(self.converged)
        return result


@pytest.fixture(scope="module")
def demo() -> Iterator[ConvergedWorld]:
    world = ConvergedWorld("demo.yml", DEMO_VARS)
    yield world
    world.handle.stop()


@pytest.fixture(scope="module")
def services() -> Iterator[ConvergedWorld]:
    world = ConvergedWorld("services.yml", SERVICES_VARS)
    yield world
    world.handle.stop()


def malformed(result: Dict[str, Any], field: str) -> None:
    assert result["error_code"] == "MalformedAnswer", result
    assert result["malformed_field"] == field, result


# --- CS ---------------------------------------------------------------------------------------------------


def test_cluster_nodes_without_nodes_while_the_total_says_3_revoke_nothing(demo: ConvergedWorld) -> None:
    """The SDK's model reads a missing `nodes` as []: the extra group only node 3 carries would go."""
    demo.fresh([{"action": "DescribeClusterNodes", "malform": "nodes"}])
    malformed(demo.refuses("nodes is missing", "DescribeClusterNodes"), "nodes")


def test_cluster_nodes_with_a_null_nodepool_id_revoke_nothing(demo: ConvergedWorld) -> None:
    """A source that selects a node pool cannot place a node that names none: its extra group would go."""
    demo.fresh([{"action": "DescribeClusterNodes", "malform": "nodes.*.nodepool_id", "value": None}])
    malformed(demo.refuses("nodes[0].nodepool_id is missing"), "nodes[0].nodepool_id")


# --- ECS --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("Instances.Instance.*.VpcAttributes", "Instances.Instance[0].VpcAttributes"),
        ("Instances.Instance.*.VpcAttributes.VpcId", "Instances.Instance[0].VpcAttributes.VpcId"),
    ],
    ids=["VpcAttributes", "VpcAttributes.VpcId"],
)
def test_instances_without_their_vpc_revoke_nothing(demo: ConvergedWorld, path: str, field: str) -> None:
    """Read as "in None, not in vpc-...", the instance was left out and its group revoked."""
    demo.fresh([{"action": "DescribeInstances", "malform": path}])
    malformed(demo.refuses(f"{field} is missing", "DescribeInstances"), field)


def test_security_groups_without_their_vpc_fail_naming_the_field(demo: ConvergedWorld) -> None:
    demo.fresh([{"action": "DescribeSecurityGroups", "malform": "SecurityGroups.SecurityGroup.*.VpcId"}])
    field = "SecurityGroups.SecurityGroup[0].VpcId"
    malformed(demo.refuses(f"{field} is missing", "DescribeSecurityGroups"), field)


# --- APIG GetGateway ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["vpc", "securityGroup"])
def test_a_gateway_without_its_vpc_or_group_fails_naming_the_field(demo: ConvergedWorld, key: str) -> None:
    demo.fresh([{"action": "GetGateway", "malform": f"data.{key}"}])
    malformed(demo.refuses(f"data.{key} is missing", "GetGateway"), f"data.{key}")


# --- services and their ENIs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "field"),
    [
        ({"malform": "NetworkInterfaceSets.NetworkInterfaceSet.*.PrivateIpSets"}, "PrivateIpSets is missing"),
        (
            {"malform": "NetworkInterfaceSets.NetworkInterfaceSet.*.PrivateIpSets.PrivateIpSet", "value": []},
            "PrivateIpSets.PrivateIpSet is empty",
        ),
    ],
    ids=["PrivateIpSets-missing", "PrivateIpSets-empty"],
)
def test_network_interfaces_without_their_ips_revoke_nothing(
    services: ConvergedWorld, fault: Dict[str, Any], field: str
) -> None:
    """Without its IPs an ENI holds no endpoint: the endpoint's group was revoked with a warning only."""
    services.fresh([dict(fault, action="DescribeNetworkInterfaces")])
    result = services.refuses(field, "NetworkInterfaceSets.NetworkInterfaceSet[0]", "DescribeNetworkInterfaces")
    assert result["error_code"] == "MalformedAnswer"


@pytest.mark.parametrize(
    ("address", "problem"),
    [("", "data.items[0].addresses[0] is empty"), (":8080", "data.items[0].addresses[0] is ':8080'")],
    ids=["empty", "port-only"],
)
def test_a_service_address_that_cannot_be_read_revokes_nothing(
    services: ConvergedWorld, address: str, problem: str
) -> None:
    services.fresh([{"action": "ListServices", "malform": "data.items.0.addresses.0", "value": address}])
    malformed(services.refuses(problem, "ListServices"), "data.items[0].addresses[0]")


def test_a_service_whose_addresses_are_empty_revokes_nothing(services: ConvergedWorld) -> None:
    """`addresses: []` lists no endpoint: a miss, like a source that found nothing."""
    services.fresh([{"action": "ListServices", "malform": "data.items.*.addresses", "value": []}])
    result = services.refuses("SERVICE_WITHOUT_ENDPOINTS", "addresses", "'web'")
    assert "fail_on_empty" in result["msg"]


def test_a_services_page_that_dropped_an_item_while_the_total_stands_revokes_nothing(services: ConvergedWorld) -> None:
    services.fresh([{"action": "ListServices", "malform": "data.items.1"}])
    malformed(services.refuses("data.totalSize says 5", "held 4 distinct item(s)"), "data.totalSize")


def test_an_endpoint_whose_eni_went_away_revokes_nothing(services: ConvergedWorld) -> None:
    """The VIP's instance was replaced: ListServices still lists its IP, no ENI holds it any more."""
    services.fresh()
    state = services.handle.state()
    state["instances"] = [i for i in state["instances"] if i["id"] != "i-vip-svc01"]
    for service in state["gateways"][0]["services"]:
        if service["id"] == "svc-legacy-svc01":
            service["endpoints"] = [{"ip": "10.20.2.21"}]
    services.handle.put_state(state)
    services.handle.clear_calls()
    result = services.refuses("SERVICE_ENDPOINT_NOT_FOUND", "10.20.2.21:8443", "'legacy-api'")
    assert "fail_on_empty" in result["msg"]
