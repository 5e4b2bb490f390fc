# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""The revocation budget of a purge (gateway_sg_authorization's ``max_revocations``).

A purge removes what the declaration does not name; a declaration that lost a backend (a discovery
read that came back short) would revoke that backend's access. The budget bounds how many of the
gateway's listed (group, range) pairs one run may revoke: more fails before any write, in check mode
too, naming the pairs.

What counts is the pairs the plan leaves unauthorized (_planner.revoked_pairs): a repair (removed and
added again), a duplicate record removed, or a range re-added after its multi-range rule was removed
keep their pair and do not count.

The default, DEFAULT_PERCENT of the listed pairs but at least DEFAULT_FLOOR: one moved port or one
removed node pool revokes a range in the few groups of one backend, which stays within a quarter of a
gateway with several backends, and within 2 pairs on a gateway with one or two; a backend lost whole
takes every pair of its groups, more than a quarter of the pairs of a gateway with up to three backends
of similar size. A backend of one or two pairs lost whole stays within the floor: there the guard
against discovery misses is what stops it.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from typing import Dict
from typing import Iterable
from typing import List
from typing import NamedTuple
from typing import Optional

from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import REVOCATION_BUDGET_EXCEEDED
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Pair

OPTION = "max_revocations"
DEFAULT_PERCENT = Decimal(25)
DEFAULT_FLOOR = 2
_COUNT = re.compile(r"[0-9]+")
_PERCENT = re.compile(r"([0-9]+(?:\.[0-9]+)?)%")
# The pairs named in the message; all of them are in the result's `revocations`.
_NAMED_IN_MESSAGE = 20


class RevocationBudget(NamedTuple):
    """At most ``count`` pairs, or ``percent`` of the listed pairs but at least ``floor``."""

    count: Optional[int] = None
    percent: Optional[Decimal] = None
    floor: int = 0

    def allowed(self, listed: int) -> int:
        """How many pairs a run may revoke from a gateway that lists ``listed`` pairs."""
        if self.count is not None:
            return self.count
        return max(self.floor, int(listed * (self.percent or 0) / 100))

    def describe(self, listed: int) -> str:
        """How the allowance was reached, for the message."""
        if self.count is not None:
            return f"{OPTION}={self.count}"
        text = f"{Decimal(self.percent or 0).normalize():f}% of {listed} listed"
        return f"the default, {text}, at least {self.floor}" if self.floor else f"{OPTION}={text}"


DEFAULT_BUDGET = RevocationBudget(percent=DEFAULT_PERCENT, floor=DEFAULT_FLOOR)


def parse_max_revocations(value: Any) -> RevocationBudget:
    """The option as given: None (the default), a count (an int or digits, 0 or more) or a percentage ("25%")."""
    if value is None:
        return DEFAULT_BUDGET
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return RevocationBudget(count=value)
    if isinstance(value, str) and _COUNT.fullmatch(value):
        return RevocationBudget(count=int(value))
    percent = _PERCENT.fullmatch(value) if isinstance(value, str) else None
    if percent and Decimal(percent.group(1)) <= 100:
        return RevocationBudget(percent=Decimal(percent.group(1)))
    raise OptionError(
        OPTION, value, "must be a count of authorizations (0 or more) or a percentage from 0% to 100% such as '25%'"
    )


def pair_entries(pairs: Iterable[Pair]) -> List[Dict[str, str]]:
    """``[{security_group_id, port_range}]``, sorted, as the module returns pairs."""
    return [{"security_group_id": group, "port_range": str(port_range)} for group, port_range in sorted(pairs)]


def pairs_text(pairs: Iterable[Pair], limit: int = _NAMED_IN_MESSAGE) -> str:
    ordered = sorted(pairs)
    text = ", ".join(f"{group} {port_range}" for group, port_range in ordered[:limit])
    return text + (f" and {len(ordered) - limit} more" if len(ordered) > limit else "")


def check_revocation_budget(gateway_id: str, revoked: Iterable[Pair], listed: int, budget: RevocationBudget) -> None:
    """Raise ApiError (code REVOCATION_BUDGET_EXCEEDED) when the plan revokes more pairs than the budget allows."""
    revoked = sorted(revoked)
    allowed = budget.allowed(listed)
    if len(revoked) <= allowed:
        return
    raise ApiError(
        "DeleteGatewaySecurityGroupRule",
        code=REVOCATION_BUDGET_EXCEEDED,
        message=(
            f"the purge would revoke {len(revoked)} of the {listed} authorized (group, range) pairs, more than "
            f"{OPTION} allows ({allowed}: {budget.describe(listed)}): {pairs_text(revoked)}. Nothing was written"
        ),
        doing=f"purge the authorizations of {gateway_id}",
        hint=(
            f"If the backends behind these pairs are really gone, run again with {OPTION}: {len(revoked)} (or more). "
            "If not, the declaration lacks them: check what discovery found before purging (see revocations)."
        ),
    )
