# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The revocation budget (max_revocations): its parsing, what counts as a revocation, and the refusal's words."""

from __future__ import annotations

from decimal import Decimal

import pytest
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import REVOCATION_BUDGET_EXCEEDED
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Authorization
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import DesiredGroup
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import plan_authorizations
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import revoked_pairs
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import PortRange
from ansible_collections.alibabacloud.apig.plugins.module_utils._revocation_budget import DEFAULT_BUDGET
from ansible_collections.alibabacloud.apig.plugins.module_utils._revocation_budget import RevocationBudget
from ansible_collections.alibabacloud.apig.plugins.module_utils._revocation_budget import check_revocation_budget
from ansible_collections.alibabacloud.apig.plugins.module_utils._revocation_budget import parse_max_revocations


def auth(rule_id: str, group: str, port: int) -> Authorization:
    return Authorization(rule_id, group, PortRange(port, port))


def want(group: str, *ports: int) -> DesiredGroup:
    return DesiredGroup(group, tuple(PortRange(p, p) for p in ports))


@pytest.mark.parametrize(
    "value, budget",
    [
        (None, DEFAULT_BUDGET),
        (0, RevocationBudget(count=0)),
        (7, RevocationBudget(count=7)),
        ("12", RevocationBudget(count=12)),
        ("25%", RevocationBudget(percent=Decimal(25))),
        ("12.5%", RevocationBudget(percent=Decimal("12.5"))),
        ("100%", RevocationBudget(percent=Decimal(100))),
    ],
)
def test_max_revocations_is_a_count_or_a_percentage(value, budget) -> None:
    assert parse_max_revocations(value) == budget


@pytest.mark.parametrize("value", [-1, True, False, "", " 25%", "25 %", "101%", "-5%", "1e3", 2.5, [3], {}])
def test_a_bad_max_revocations_names_the_option_and_the_value(value) -> None:
    with pytest.raises(OptionError) as caught:
        parse_max_revocations(value)
    assert str(caught.value).startswith(f"max_revocations: {value!r} must be a count")


@pytest.mark.parametrize(
    "listed, allowed",
    [(0, 2), (3, 2), (8, 2), (11, 2), (12, 3), (24, 6), (25, 6), (1000, 250)],
)
def test_the_default_is_a_quarter_of_the_listed_pairs_and_at_least_two(listed, allowed) -> None:
    assert DEFAULT_BUDGET.allowed(listed) == allowed


def test_a_percentage_is_rounded_down_and_a_count_is_absolute() -> None:
    assert RevocationBudget(percent=Decimal(10)).allowed(19) == 1
    assert RevocationBudget(percent=Decimal(0)).allowed(1000) == 0
    assert RevocationBudget(percent=Decimal(100)).allowed(7) == 7
    assert RevocationBudget(count=3).allowed(1000) == 3


def test_purged_pairs_count_but_repairs_duplicates_and_readds_do_not() -> None:
    current = [
        auth("r1", "sg-a", 80),
        auth("r2", "sg-a", 80),  # a duplicate of r1's pair
        auth("r3", "sg-a", 443),  # repaired: removed and added again
        auth("r4", "sg-b", 22),  # purged
        Authorization("r5", "sg-c", PortRange(8080, 8080)),  # r5 carries two ranges; 8080 stays, 9090 goes
        Authorization("r5", "sg-c", PortRange(9090, 9090)),
    ]
    desired = [want("sg-a", 80, 443), want("sg-c", 8080)]
    plan = plan_authorizations(
        current,
        desired,
        purge_port_ranges=True,
        purge_security_groups=True,
        not_effective=[("sg-a", PortRange(443, 443))],
    )
    deleted = {step.rule_id for step in plan.deletes}
    assert deleted == {"r2", "r3", "r4", "r5"}
    assert revoked_pairs(current, plan) == {("sg-b", PortRange(22, 22)), ("sg-c", PortRange(9090, 9090))}


def test_a_refusal_names_every_pair_the_allowance_and_the_way_out() -> None:
    revoked = [("sg-b", PortRange(22, 22)), ("sg-a", PortRange(80, 80)), ("sg-a", PortRange(443, 443))]
    check_revocation_budget("gw-1", revoked, 12, DEFAULT_BUDGET)  # 3 of 12: within 25%
    with pytest.raises(ApiError) as caught:
        check_revocation_budget("gw-1", revoked, 8, DEFAULT_BUDGET)
    err = caught.value
    assert err.code == REVOCATION_BUDGET_EXCEEDED
    text = str(err)
    assert "Failed to purge the authorizations of gw-1" in text
    assert "would revoke 3 of the 8 authorized (group, range) pairs" in text
    assert "(2: the default, 25% of 8 listed, at least 2)" in text
    assert "sg-a 80/80, sg-a 443/443, sg-b 22/22" in text
    assert "Nothing was written" in text and "max_revocations: 3" in text
    with pytest.raises(ApiError, match=r"\(0: max_revocations=0\)"):
        check_revocation_budget("gw-1", revoked[:1], 8, parse_max_revocations(0))
    with pytest.raises(ApiError, match=r"\(1: max_revocations=10% of 19 listed\)"):
        check_revocation_budget("gw-1", revoked[:2], 19, parse_max_revocations("10%"))


def test_a_long_refusal_names_twenty_pairs_and_counts_the_rest() -> None:
    revoked = [("sg-a", PortRange(port, port)) for port in range(1000, 1050)]
    with pytest.raises(ApiError) as caught:
        check_revocation_budget("gw-1", revoked, 50, DEFAULT_BUDGET)
    assert "sg-a 1019/1019 and 30 more" in str(caught.value)
