# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""The one retry policy for every API call: exponential backoff with full jitter, within a budget.

Retried: throttling codes, HTTP 5xx, transient codes (see _errors) and transport failures
(reset or dropped connections, timeouts, refused connections, temporary DNS failures).
Never retried: other 4xx answers, authentication/permission errors, TLS failures, invalid
endpoints and unknown hosts (the same request would meet them again).

Delay before retry n (n = 0 for the first retry): ``random() * min(max_delay, base_delay * 2**n)``
("full jitter": concurrent runs spread out instead of retrying in lock step). A server's
``x-acs-retry-after`` is a lower bound on that delay. We stop when ``max_attempts`` calls have
been made or when the next sleep would end after ``max_total_seconds`` since the first call.

Writes and timeouts: a read timeout (or a reset connection) on a write may mean the server
applied it. We still retry by default, because every write here converges: a retried add may
then answer "already exists" and the API layer re-reads the authorizations to settle it
(see _errors.is_already_exists and may_have_been_applied). A caller that cannot settle it that
way passes ``retry_transport=False``: transport failures where the request may have been sent
are then raised at once, while failures where it provably never left (connection refused,
connect timeout, temporary DNS failure) are still retried.
"""

from __future__ import annotations

import random as _random
import time
from typing import Callable
from typing import Optional
from typing import TypeVar

from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import AMBIGUOUS_TRANSPORT_CODES
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import PERMANENT_TRANSPORT_CODES
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import api_error_from_exception
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_auth_error
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_throttling
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_transient

T = TypeVar("T")

# 2**n grows without bound; past this exponent the delay is max_delay anyway.
_MAX_EXPONENT = 60


class RetryPolicy:
    """How often and how long to retry; sleep, random and clock are injectable for tests."""

    def __init__(
        self,
        max_attempts: int = 8,
        max_total_seconds: float = 120.0,
        base_delay: float = 0.5,
        max_delay: float = 20.0,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = _random.random,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {max_attempts}")
        if max_total_seconds < 0 or base_delay < 0 or max_delay < 0:
            raise ValueError("max_total_seconds, base_delay and max_delay must not be negative")
        self.max_attempts = max_attempts
        self.max_total_seconds = max_total_seconds
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.sleep = sleep
        self.random = random
        self.clock = clock

    def __repr__(self) -> str:
        return (
            f"RetryPolicy(max_attempts={self.max_attempts}, max_total_seconds={self.max_total_seconds}, "
            f"base_delay={self.base_delay}, max_delay={self.max_delay})"
        )

    def backoff_cap(self, retry_index: int) -> float:
        """The upper bound of the jittered delay before retry ``retry_index`` (0-based)."""
        return min(self.max_delay, self.base_delay * 2 ** min(retry_index, _MAX_EXPONENT))

    def delay(self, retry_index: int, retry_after_ms: Optional[int] = None) -> float:
        """Seconds to sleep before retry ``retry_index``: full jitter, at least the server's retry-after."""
        delay = self.random() * self.backoff_cap(retry_index)
        if retry_after_ms:
            delay = max(delay, retry_after_ms / 1000.0)
        return delay


def is_retryable(err: ApiError, retry_transport: bool = True) -> bool:
    """Whether another attempt may succeed (see the module docstring)."""
    if is_auth_error(err):
        return False
    if err.transport:
        if err.code in PERMANENT_TRANSPORT_CODES:
            return False
        return retry_transport or err.code not in AMBIGUOUS_TRANSPORT_CODES
    if is_throttling(err) or is_transient(err):
        return True
    return err.status is not None and 500 <= err.status <= 599


def call_with_retries(
    operation_name: str,
    fn: Callable[[], T],
    policy: Optional[RetryPolicy] = None,
    on_retry: Optional[Callable[[int, float, ApiError], None]] = None,
    retry_transport: bool = True,
) -> T:
    """Return ``fn()``, retrying per ``policy``; failures raise ApiError with ``attempts`` set.

    ``on_retry(attempt, delay, err)`` runs before each sleep: ``attempt`` is the 1-based number
    of the attempt that just failed.
    """
    policy = policy or RetryPolicy()
    started = policy.clock()
    attempt = 0
    while True:
        attempt += 1
        try:
            return fn()
        except Exception as exc:  # pylint: disable=broad-except
            err = api_error_from_exception(exc, operation_name)
        err.attempts = attempt
        if attempt >= policy.max_attempts or not is_retryable(err, retry_transport):
            # from None: the SDK exception's context can hold the signed request.
            raise err from None
        delay = policy.delay(attempt - 1, err.retry_after_ms)
        if policy.clock() - started + delay > policy.max_total_seconds:
            raise err from None
        if on_retry is not None:
            on_retry(attempt, delay, err)
        policy.sleep(delay)
