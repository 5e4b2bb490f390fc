# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The matrix over the whole answer contract (plugins/module_utils/_answer_contract.py), generated from its table.

For every (action, field) of the table: the field dropped, set to null, retyped, emptied (a list, a string or an
object), and for paged reads one item fewer than the stated total. Each case posts one emulator `malform` fault
and drives the collection's own reading function for that action (the real SDK clients over HTTP into one shared
emulator, started once for the module). A field the table requires, or a value it refuses, must raise
MalformedAnswerError naming that field (the concrete path, with the item's index) and the request id; a field the
table lets be absent or empty must leave the reading whole (as many items as without the fault). No case writes.

The end-to-end proof that such a failure stops the role with purge before any write is test_discovery_answers.py;
this matrix proves that every field of the table is checked, in a few seconds instead of hundreds of playbook runs.
"""

from __future__ import annotations

import re
from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterator
from typing import List
from typing import NamedTuple
from typing import Optional

import pytest
from ansible_collections.alibabacloud.apig.plugins.module_utils import _apig
from ansible_collections.alibabacloud.apig.plugins.module_utils import _cs
from ansible_collections.alibabacloud.apig.plugins.module_utils import _ecs
from ansible_collections.alibabacloud.apig.plugins.module_utils._answer_contract import CONTRACTS
from ansible_collections.alibabacloud.apig.plugins.module_utils._answer_contract import Contract
from ansible_collections.alibabacloud.apig.plugins.module_utils._answer_contract import Field
from ansible_collections.alibabacloud.apig.plugins.module_utils._answers import MalformedAnswerError
from ansible_collections.alibabacloud.apig.plugins.module_utils._client import Session
from emulator.server import start_in_thread
from integration.api_session import session_for

WRITES = ("AddGatewaySecurityGroupRule", "DeleteGatewaySecurityGroupRule")
GATEWAY = "gw-svc01"
CLUSTER = "c-svc01"
VPC = "vpc-svc01"
CHECKED_VALUES = ("count", "port", "address", "ip")

# The collection's reading function for each action, on the services.yml world (completed in `world`).
READERS: Dict[str, Callable[[Session], Any]] = {
    "GetGateway": lambda s: [_apig.get_gateway(s, GATEWAY)],
    "ListGateways": _apig.list_gateways,
    "DescribeRegions": _apig.describe_regions,
    "ListServices": lambda s: _apig.list_services(s, GATEWAY),
    "GetService": lambda s: [_apig.get_service(s, "svc-web-svc01")],
    "ListGatewayAuthorizableSecurityGroups": lambda s: _apig.list_authorizable_security_groups(s, GATEWAY),
    "ListGatewayAuthorizedSecurityGroupRules": lambda s: _apig.list_authorizations(s, GATEWAY),
    "DescribeInstances": lambda s: _ecs.describe_instances_by_ids(s, ["i-node-a-svc01", "i-vip-svc01"]),
    "DescribeSecurityGroups": lambda s: _ecs.describe_security_groups(s, ["sg-pods-a-svc01", "sg-vip-svc01"]),
    "DescribeSecurityGroupAttribute": lambda s: _ecs.describe_security_group_ingress(s, "sg-pods-a-svc01"),
    "DescribeNetworkInterfaces": lambda s: _ecs.describe_network_interfaces_by_ips(s, VPC, ["10.20.1.102"]),
    "DescribeClusterDetail": lambda s: [_cs.describe_cluster(s, CLUSTER)],
    "DescribeClusterNodePools": lambda s: _cs.describe_node_pools(s, CLUSTER),
    "DescribeClusterNodes": lambda s: _cs.describe_cluster_nodes(s, CLUSTER, pools_selected=True),
}
WITHOUT_CONDITIONS = {"DescribeClusterNodes": lambda s: _cs.describe_cluster_nodes(s, CLUSTER)}


class Case(NamedTuple):
    action: str
    mutation: str  # drop | null | retype | empty | fewer
    path: str  # the malform path (dots, * for every item)
    value: Any  # the value set (None with drop)
    field: Optional[str]  # a regular expression of the field the error must name; None: the reading stays whole
    reader: Callable[[Session], Any]
    emptied_items: bool = False  # the listing's items emptied: whole means empty

    @property
    def fault(self) -> Dict[str, Any]:
        fault = {"action": self.action, "malform": self.path}
        if self.mutation != "drop" and self.mutation != "fewer":
            fault["value"] = self.value
        return fault


def _malform_path(path: str) -> str:
    """`*` for every item of the lists on the way; the field's own item is the first (`.0`), which a value appends
    to a list that the world answers empty."""
    if path.endswith("[]"):
        return path[:-2].replace("[]", ".*") + ".0"
    return path.replace("[]", ".*")


def _field_pattern(path: str) -> str:
    return re.escape(path).replace(r"\[\]", r"\[\d+\]") + "$"


def _kinds(field: Field) -> tuple:
    return field.kind if isinstance(field.kind, tuple) else (field.kind,)


def _wrong_value(field: Field) -> Any:
    """A value of none of the field's types (JSON true is no number: the checker reads it so too)."""
    return next(v for v in (5, "x", [1], {"a": 1}) if not isinstance(v, _kinds(field)))


def _empty_value(field: Field) -> Any:
    kinds = _kinds(field)
    return [] if list in kinds else {} if dict in kinds else "" if str in kinds else None


def _required_child(parent: Field, field: Field) -> bool:
    """`field` is a key the object `parent` must hold (directly, not an item of one of its lists)."""
    rest = field.path[len(parent.path) + 1 :]
    within = field.path.startswith(parent.path + ".") and "." not in rest and not rest.endswith("[]")
    return within and (field.required or bool(field.required_when))


def _field_cases(contract: Contract, field: Field, reader: Callable[[Session], Any], stated: bool) -> Iterator[Case]:
    path = _malform_path(field.path)
    pattern = _field_pattern(field.path)
    required = field.required or stated
    absent_ok = not required or bool(field.instead)
    is_item = field.path.endswith("[]")
    if not is_item:  # dropping an item is the `fewer` case
        yield Case(contract.action, "drop", path, None, None if absent_ok else pattern, reader)
    yield Case(contract.action, "null", path, None, None if absent_ok else pattern, reader)
    yield Case(contract.action, "retype", path, _wrong_value(field), pattern, reader)
    empty = _empty_value(field)
    if empty is None:
        return
    emptied_items = field.path == contract.items
    first_required_child = next((f for f in contract.fields if _required_child(field, f)), None)
    if field.check in CHECKED_VALUES or (not field.may_be_empty and not field.instead):
        expected: Optional[str] = pattern
    elif empty == {} and first_required_child is not None:  # an emptied object lacks what it must hold
        expected = _field_pattern(first_required_child.path)
    elif emptied_items and contract.total:
        expected = _field_pattern(contract.total)  # no items while the total says some: the count disagrees
    else:
        expected = None
    yield Case(contract.action, "empty", path, empty, expected, reader, emptied_items=emptied_items)


def generate_cases() -> List[Case]:
    cases: List[Case] = []
    for action, contract in sorted(CONTRACTS.items()):
        for field in contract.fields:
            cases.extend(_field_cases(contract, field, READERS[action], stated=field.required_when is not None))
            if field.required_when and action in WITHOUT_CONDITIONS:
                # Without the condition the field may be absent: the reading stays whole.
                path = _malform_path(field.path)
                cases.append(Case(action, "drop", path, None, None, WITHOUT_CONDITIONS[action]))
        if contract.total:
            fewer = (contract.items or "").replace("[]", ".*") + ".0"
            cases.append(Case(action, "fewer", fewer, None, _field_pattern(contract.total), READERS[action]))
    return cases


CASES = generate_cases()


def _case_id(case: Case) -> str:
    suffix = "" if case.reader is READERS[case.action] else "-without-condition"
    return f"{case.action}-{case.path}-{case.mutation}{suffix}"


@pytest.fixture(scope="module")
def world() -> Iterator[Dict[str, Any]]:
    """services.yml with what makes every field of the table present in some answer: an authorization (and its ECS
    rule), tags on an instance and on the gateway."""
    handle = start_in_thread("services.yml")
    state = handle.state()
    gateway = state["gateways"][0]
    gateway["authorizations"] = [{"security_group": "sg-pods-a-svc01", "port_range": "8080/8080"}]
    gateway["tags"] = {"team": "shop"}
    for instance in state["instances"]:
        instance["tags"] = dict(instance.get("tags") or {}, owner="shop")
    handle.put_state(state)
    session = session_for(handle)
    baseline = {action: len(reader(session)) for action, reader in READERS.items()}
    assert all(baseline.values()), baseline  # every reading returns something to lose
    yield {"handle": handle, "session": session, "baseline": baseline}
    handle.stop()


def test_the_matrix_covers_every_action_and_field_of_the_contract() -> None:
    assert set(READERS) == set(CONTRACTS)
    covered = {(case.action, case.path) for case in CASES}
    for action, contract in CONTRACTS.items():
        for field in contract.fields:
            assert (action, _malform_path(field.path)) in covered
    assert len(CASES) == EXPECTED_CASES


EXPECTED_CASES = 684


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_every_field_of_the_contract_is_checked(world: Dict[str, Any], case: Case) -> None:
    handle = world["handle"]
    handle.clear_calls()
    handle.set_faults([case.fault])
    try:
        if case.field is None:
            items = case.reader(world["session"])
            assert len(items) == (0 if case.emptied_items else world["baseline"][case.action])
        else:
            with pytest.raises(MalformedAnswerError) as caught:
                case.reader(world["session"])
            error = caught.value
            assert re.match(case.field, error.field), (case.field, str(error))
            assert error.operation == case.action and error.request_id and error.request_id in str(error)
            assert f"the {CONTRACTS[case.action].product.upper()} answer to {case.action} is malformed" in str(error)
        fired = [rule["fired"] for rule in handle.faults()]
        assert fired and fired[0] > 0, "the fault reached an answer"
    finally:
        handle.clear_faults()
    assert not [c for c in handle.calls() if c["action"] in WRITES]
