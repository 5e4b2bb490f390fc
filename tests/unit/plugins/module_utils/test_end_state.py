# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""End-state truth: where the final list differs from the declared scope, less the lag of the run's own writes."""

from __future__ import annotations

import pytest
from ansible_collections.alibabacloud.apig.plugins.module_utils._end_state import ConcurrentChange
from ansible_collections.alibabacloud.apig.plugins.module_utils._end_state import OwnWrites
from ansible_collections.alibabacloud.apig.plugins.module_utils._end_state import Scope
from ansible_collections.alibabacloud.apig.plugins.module_utils._end_state import check_end_state
from ansible_collections.alibabacloud.apig.plugins.module_utils._end_state import concurrent_changes
from ansible_collections.alibabacloud.apig.plugins.module_utils._end_state import removed_since
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import CONCURRENT_CHANGE
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import DesiredGroup
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import declaration_differences
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import PortRange


def p(port: int) -> PortRange:
    return PortRange(port, port)


def want(group: str, *ports: int) -> DesiredGroup:
    return DesiredGroup(group, tuple(p(port) for port in ports))


def record(rule_id: str, group: str, port: int) -> dict:
    return {"rule_id": rule_id, "security_group_id": group, "port_range": f"{port}/{port}"}


LISTED = {("X", p(80)), ("X", p(443)), ("Y", p(8080)), ("Z", p(22))}


@pytest.mark.parametrize(
    "state, purge_ranges, purge_groups, desired, missing, unwanted",
    [
        ("present", False, False, [want("X", 80, 9000)], {("X", p(9000))}, set()),
        ("present", True, False, [want("X", 80)], set(), {("X", p(443))}),
        ("present", False, True, [want("X", 80, 443)], set(), {("Y", p(8080)), ("Z", p(22))}),
        ("present", True, True, [want("X", 80)], set(), {("X", p(443)), ("Y", p(8080)), ("Z", p(22))}),
        ("absent", False, False, [want("X", 443, 8443)], set(), {("X", p(443))}),
        ("absent", False, False, [want("Y")], set(), {("Y", p(8080))}),
    ],
)
def test_the_declared_scope_is_the_planners(state, purge_ranges, purge_groups, desired, missing, unwanted) -> None:
    assert declaration_differences(LISTED, desired, state, purge_ranges, purge_groups) == (missing, unwanted)


def test_foreign_differences_are_changes_and_lag_of_own_writes_is_not() -> None:
    scope = Scope([want("X", 80, 443), want("Y", 8080)], purge_port_ranges=True, purge_security_groups=True)
    records = [record("r1", "X", 80), record("r9", "Z", 22), record("r7", "W", 3306)]
    # Y 8080 was added by this run (not listed yet); W 3306's rule r7 was deleted by this run (still listed).
    own = OwnWrites(added=frozenset({("Y", p(8080))}), deleted=frozenset({"r7"}))
    assert concurrent_changes(records, scope, own) == [
        {"security_group_id": "X", "port_range": "443/443", "declared": "present", "listed": []},
        {"security_group_id": "Z", "port_range": "22/22", "declared": "absent", "listed": ["r9"]},
    ]
    # Once X 443 is listed and r9 is this run's own delete too, nothing is left that another writer did.
    assert not concurrent_changes(
        records + [record("r8", "X", 443)], scope, own._replace(deleted=frozenset({"r7", "r9"}))
    )
    assert not concurrent_changes(
        [record("r1", "X", 80), record("r2", "X", 443), record("r3", "Y", 8080), record("r3", "Y", 8080)],
        scope,
        OwnWrites(),
    )


def test_a_pair_held_twice_is_a_change_unless_this_run_deleted_every_holder() -> None:
    scope = Scope([want("X", 80)], purge_security_groups=True)
    records = [record("r1", "X", 80), record("r5", "Z", 22), record("r6", "Z", 22)]
    assert concurrent_changes(records, scope, OwnWrites(deleted=frozenset({"r5"})))[0]["listed"] == ["r5", "r6"]
    assert not concurrent_changes(records, scope, OwnWrites(deleted=frozenset({"r5", "r6"})))


def test_a_call_listed_in_part_was_removed_in_part() -> None:
    actions = [
        {"action": "add", "security_group_id": "X", "port_ranges": ["80/80", "443/443"], "description": None},
        {"action": "add", "security_group_id": "Y", "port_ranges": ["8080/8080"], "description": None},
        {"action": "delete", "rule_id": "r1", "security_group_id": "Z", "port_ranges": ["22/22"]},
    ]
    assert removed_since(actions, {("X", p(80))}) == {("X", p(443))}
    assert removed_since(actions, set()) == set()  # nothing of any call listed: lag, maybe
    assert removed_since(actions, {("X", p(80)), ("X", p(443))}) == set()


def test_the_failure_names_the_pairs_what_the_run_wrote_and_keeps_the_final_list() -> None:
    scope = Scope([want("X", 80)], purge_port_ranges=True, purge_security_groups=True)
    records = [record("r1", "X", 80), record("r9", "Z", 22)]
    actions = [{"action": "add", "security_group_id": "X", "port_ranges": ["80/80"], "description": None}]
    check_end_state("gw-1", records[:1], scope, OwnWrites(), actions)
    with pytest.raises(ConcurrentChange) as caught:
        check_end_state("gw-1", records, scope, OwnWrites(), actions)
    err = caught.value
    assert err.code == CONCURRENT_CHANGE and err.actions == actions
    assert err.result_fields()["authorizations"] == records
    assert err.result_fields()["concurrent_changes"] == [
        {"security_group_id": "Z", "port_range": "22/22", "declared": "absent", "listed": ["r9"]}
    ]
    text = str(err)
    assert "Failed to converge gw-1" in text
    assert "Z 22/22 listed (r9) but not declared" in text
    assert "this run wrote: added X 80/80" in text and "Run one converge per gateway at a time" in text
