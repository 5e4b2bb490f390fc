# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection: the ways a real cloud API misbehaves, on demand.

Rules are posted as a JSON list to ``/_emulator/faults`` (replacing the current list). Each rule
names the calls it applies to and exactly one fault::

    {"action": "AddGatewaySecurityGroupRule" | "*", "product": "apig" | "ecs" | "cs" (optional),
     "calls": "read" | "write" (optional: only reads, or only writes, i.e. Add/Delete
                                        GatewaySecurityGroupRule; with "*" and a throttle this
                                        is a rate limit on writes or on reads),
     one of:
       "latency_ms": N                  add N ms before answering
       "throttle_after_per_second": R   more than R calls in any one-second window answer
                                        400 Throttling.User ("retry_after_ms": M adds the header
                                        x-acs-retry-after: M, which the SDK turns into a
                                        ThrottlingException; "per": "product" | "action" counts
                                        each product's, or each action's, calls apart instead of
                                        all the calls the rule matches together)
       "fail_next": N                   the next N calls answer "status" (default 503) with "code"
                                        (default ServiceUnavailable, InternalError for 500) and
                                        optional "message"; "{security_token}" in the message is
                                        replaced by the request's x-acs-security-token, and that
                                        message is not scrubbed (a service that echoes the token)
       "hang_seconds": S                accept the request, answer nothing for S seconds, then
                                        process it normally (a client with a shorter read timeout
                                        has given up by then: the classic ambiguous timeout)
       "drop_connection": true          close the socket without any answer
       "malform": "data.items"          answer normally, but without that field of the answer
                                        body; with "value": V the field is set to V instead
                                        (retyped). The path is dotted keys; "*" is every item
                                        of a list, a number one item ("data.items.*.
                                        securityGroupId", "Instances"). The operation runs.
     "times": N (optional)              the rule fires N times, then stays listed, exhausted}

Faults apply after authentication (a refused signature is never throttled) and before the
operation runs, so a failed call changes nothing, except ``hang_seconds``, whose call completes,
and ``malform``, which alters the answer of a call that ran.
Latency rules add up; of the other rules, the first in list order that fires decides the call.
"""

from __future__ import annotations

import collections
import threading
import time
from typing import Any
from typing import Deque
from typing import Dict
from typing import List
from typing import Optional

PRODUCTS = ("apig", "ecs", "cs")
KINDS = ("latency_ms", "throttle_after_per_second", "fail_next", "hang_seconds", "drop_connection", "malform")
CALL_CLASSES = ("read", "write")
# What a throttle rule counts apart ("per"); without it, every call the rule matches shares one window.
COUNTED_PER = ("product", "action")
THROTTLING_MESSAGE = "Request was denied due to user flow control."
DEFAULT_FAIL_CODES = {500: "InternalError", 502: "BadGateway", 503: "ServiceUnavailable", 504: "GatewayTimeout"}
# In a fail_next message: the request's security token, echoed unscrubbed (see Effect.echoes_security_token).
SECURITY_TOKEN_PLACEHOLDER = "{security_token}"
DEFAULT_FAIL_MESSAGES = {
    "InternalError": "The request processing has failed due to some unknown error.",
    "ServiceUnavailable": "The request has failed due to a temporary failure of the server.",
}


class FaultRuleError(ValueError):
    """A posted rule is not valid; the message names the rule and the field."""


class Effect:
    """What the faults decided for one call: extra latency and at most one fault."""

    def __init__(self) -> None:
        self.latency_ms = 0.0
        self.kind: Optional[str] = None  # throttle | fail | hang | drop
        self.status = 0
        self.code = ""
        self.message = ""
        self.retry_after_ms: Optional[int] = None
        self.hang_seconds = 0.0
        self.malform_path: List[str] = []
        self.malform_value: Any = None
        self.malform_drop = True

    @property
    def echoes_security_token(self) -> bool:
        """A failure whose message echoes the request's STS token: the server fills it in and does not scrub it."""
        return self.kind == "fail" and SECURITY_TOKEN_PLACEHOLDER in self.message


class FaultRule:
    def __init__(self, raw: Any, index: int) -> None:
        where = f"rule {index}"
        if not isinstance(raw, dict):
            raise FaultRuleError(f"{where}: expected an object, got {raw!r}")
        allowed = set(KINDS) | {"action", "product", "calls", "times", "status", "code", "message", "retry_after_ms"}
        allowed.update(("per", "value"))
        unknown = sorted(set(raw) - allowed)
        if unknown:
            raise FaultRuleError(f"{where}: unknown field(s) {', '.join(unknown)}")
        self.action = raw.get("action")
        if not isinstance(self.action, str) or not self.action:
            raise FaultRuleError(f"{where}: 'action' is required (an action name or '*')")
        self.product = raw.get("product")
        if self.product is not None and self.product not in PRODUCTS:
            raise FaultRuleError(f"{where}: 'product' must be one of {', '.join(PRODUCTS)}")
        self.calls = raw.get("calls")
        if self.calls is not None and self.calls not in CALL_CLASSES:
            raise FaultRuleError(f"{where}: 'calls' must be read or write")
        self.per = raw.get("per")
        if self.per is not None and self.per not in COUNTED_PER:
            raise FaultRuleError(f"{where}: 'per' must be product or action")
        kinds = [k for k in KINDS if k in raw]
        if len(kinds) != 1:
            raise FaultRuleError(f"{where}: give exactly one of {', '.join(KINDS)}")
        self.kind = kinds[0]
        self.value = raw[self.kind]
        if "value" in raw and self.kind != "malform":
            raise FaultRuleError(f"{where}: 'value' goes with malform only")
        if self.per is not None and self.kind != "throttle_after_per_second":
            raise FaultRuleError(f"{where}: 'per' goes with throttle_after_per_second only")
        if self.kind == "drop_connection":
            if self.value is not True:
                raise FaultRuleError(f"{where}: drop_connection must be true")
        elif self.kind == "malform":
            if not isinstance(self.value, str) or not all(self.value.split(".")):
                raise FaultRuleError(f"{where}: malform must be a dotted path such as data.items")
            self.malform_drop = "value" not in raw
            self.malform_value = raw.get("value")
        elif isinstance(self.value, bool) or not isinstance(self.value, (int, float)) or self.value < 0:
            raise FaultRuleError(f"{where}: {self.kind} must be a non-negative number")
        if self.kind in ("fail_next", "throttle_after_per_second") and int(self.value) != self.value:
            raise FaultRuleError(f"{where}: {self.kind} must be an integer")
        self.remaining = self._count(raw, "times", where)
        if self.kind == "fail_next":
            self.remaining = int(self.value)
        self.status = raw.get("status", 503)
        if self.kind == "fail_next" and (
            isinstance(self.status, bool) or not isinstance(self.status, int) or not 400 <= self.status <= 599
        ):
            raise FaultRuleError(f"{where}: status must be an HTTP error status (400-599)")
        self.code = raw.get("code") or DEFAULT_FAIL_CODES.get(self.status, "InjectedFault")
        self.message = raw.get("message") or DEFAULT_FAIL_MESSAGES.get(self.code, f"Injected fault {self.code}.")
        if not isinstance(self.message, str):
            raise FaultRuleError(f"{where}: message must be a string")
        self.retry_after_ms = self._count(raw, "retry_after_ms", where)
        self.raw = dict(raw)
        self.fired = 0
        self._accepted: Dict[str, Deque[float]] = collections.defaultdict(collections.deque)

    @staticmethod
    def _count(raw: Dict[str, Any], name: str, where: str) -> Optional[int]:
        value = raw.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise FaultRuleError(f"{where}: {name} must be a non-negative integer")
        return value

    def matches(self, product: str, action: str, write: bool) -> bool:
        if self.product is not None and self.product != product:
            return False
        if self.calls is not None and (self.calls == "write") != write:
            return False
        return self.action in ("*", action) and (self.remaining is None or self.remaining > 0)

    def fire(self) -> None:
        self.fired += 1
        if self.remaining is not None:
            self.remaining -= 1

    def over_rate(self, now: float, product: str, action: str) -> bool:
        """Sliding one-second window (one per product or per action with "per"): True when R calls were
        already accepted in the last second."""
        accepted = self._accepted[self._counted_as(product, action)]
        while accepted and now - accepted[0] >= 1.0:
            accepted.popleft()
        if len(accepted) >= int(self.value):
            return True
        accepted.append(now)
        return False

    def _counted_as(self, product: str, action: str) -> str:
        """The window a call counts in: the rule's one window, or its product's, or its action's."""
        if self.per == "product":
            return product
        if self.per == "action":
            return f"{product}:{action}"
        return ""

    def describe(self) -> Dict[str, Any]:
        return dict(self.raw, fired=self.fired, remaining=self.remaining)


class Faults:
    """The current fault rules; thread-safe."""

    def __init__(self, clock=time.monotonic) -> None:
        self._rules: List[FaultRule] = []
        self._lock = threading.Lock()
        self._clock = clock

    def set(self, raws: Any) -> None:
        if not isinstance(raws, list):
            raise FaultRuleError("expected a JSON list of rules")
        rules = [FaultRule(raw, index) for index, raw in enumerate(raws)]
        with self._lock:
            self._rules = rules

    def clear(self) -> None:
        with self._lock:
            self._rules = []

    def describe(self) -> List[Dict[str, Any]]:
        with self._lock:
            return [rule.describe() for rule in self._rules]

    def decide(self, product: str, action: str, write: bool = False) -> Effect:
        """What the rules do to one call; ``write``: the action writes (a ``calls: write`` rule)."""
        effect = Effect()
        with self._lock:
            now = self._clock()
            for rule in self._rules:
                if not rule.matches(product, action, write):
                    continue
                if rule.kind == "latency_ms":
                    rule.fire()
                    effect.latency_ms += float(rule.value)
                elif effect.kind is not None:
                    continue
                elif rule.kind == "throttle_after_per_second":
                    if rule.over_rate(now, product, action):
                        rule.fire()
                        effect.kind = "throttle"
                        effect.retry_after_ms = rule.retry_after_ms
                elif rule.kind == "fail_next":
                    rule.fire()
                    effect.kind, effect.status, effect.code, effect.message = (
                        "fail",
                        rule.status,
                        rule.code,
                        rule.message,
                    )
                elif rule.kind == "hang_seconds":
                    rule.fire()
                    effect.kind, effect.hang_seconds = "hang", float(rule.value)
                elif rule.kind == "drop_connection":
                    rule.fire()
                    effect.kind = "drop"
                elif rule.kind == "malform":
                    rule.fire()
                    effect.kind, effect.malform_path = "malform", rule.value.split(".")
                    effect.malform_drop, effect.malform_value = rule.malform_drop, rule.malform_value
        return effect


def malform(body: Any, path: List[str], drop: bool, value: Any) -> None:
    """Drop (or, unless ``drop``, set to ``value``) the field at ``path`` of an answer body, in
    place; ``*`` walks every item of a list. A path that is not in the body changes nothing, except
    that a value adds a missing last key, or appends an item when the last index is the list's length
    (``data.loadBalancers.0`` on an empty list)."""
    head, rest = path[0], path[1:]
    if head == "*" and isinstance(body, list):
        targets = list(range(len(body)))
    elif head.isdigit() and isinstance(body, list):
        if int(head) == len(body) and not rest and not drop:  # with a value, the next index appends an item
            body.append(value)
            return
        targets = [int(head)] if int(head) < len(body) else []
    elif isinstance(body, dict) and (head in body or (not rest and not drop)):
        targets = [head]
    else:
        return
    for key in reversed(targets) if isinstance(body, list) else targets:  # deleting from the end keeps indexes
        if rest:
            malform(body[key], rest, drop, value)
        elif drop:
            del body[key]
        else:
            body[key] = value
