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

The adaptive rate limiter (AdaptiveRateLimiter, one per product and region, see RateLimiters)
decides how fast requests leave, under the concurrency ceilings (max_concurrent_writes, the read
pools). It follows botocore's ``adaptive`` retry mode (boto/botocore: botocore/retries/adaptive.py
ClientRateLimiter and RateClocker, bucket.py TokenBucket, throttling.py CubicCalculator):

* unlimited until the first throttling answer (adaptive.py: the bucket is only enabled then);
* on a throttling answer the rate becomes ``beta`` times the measured send rate (CUBIC's
  multiplicative decrease, throttling.py ``error_received``), never below ``min_rate``
  (bucket.py ``_MIN_RATE``); a server's ``x-acs-retry-after`` also holds every request of that
  product and region until it has passed (botocore has no such header);
* on clean answers the rate follows the CUBIC curve ``scale * (t - k)**3 + w_max`` back to the
  rate that was throttled (``w_max``, reached after ``k`` seconds) and beyond (throttling.py
  ``success_received``).

Two deliberate departures from botocore, both for short runs with bursts of parallel calls:
a throttling answer does not decrease the rate again when its request was sent before the last
decrease, or when it comes within RATE_WINDOW (one second) of that decrease: the answers to the
requests already in flight all say the same thing, and a server that counts its limit over a
one-second window refuses the rest of that window whatever the client sends now (as TCP reacts once
per round trip, not once per lost packet). Reacting to each of those answers collapsed the rate
(against a server limited to 20 writes a second over a sliding one-second window: 39 to 2.3 requests a
second within 0.9 s, and 200 writes took 21 s instead of 11). And growth above ``w_max`` is capped at twice the
measured rate (adaptive.py caps every rate so), which keeps the rate from collapsing after a
quiet phase (reads, waits) while still not probing far beyond the demand.
"""

from __future__ import annotations

import collections
import random as _random
import threading
import time
from typing import Any
from typing import Callable
from typing import Deque
from typing import Dict
from typing import Optional
from typing import Tuple
from typing import TypeVar

from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import AMBIGUOUS_TRANSPORT_CODES
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import PERMANENT_TRANSPORT_CODES
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_auth_error
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_contention
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_throttling
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_transient
from ansible_collections.alibabacloud.apig.plugins.module_utils._sdk_errors import api_error_from_exception

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


# botocore/retries/throttling.py CubicCalculator: _SCALE_CONSTANT and _BETA.
CUBIC_SCALE = 0.4
CUBIC_BETA = 0.7
# botocore/retries/bucket.py TokenBucket._MIN_RATE: requests a second.
MIN_RATE = 0.5
# botocore/retries/adaptive.py ClientRateLimiter._MAX_RATE_ADJUST_SCALE.
MAX_RATE_ADJUST_SCALE = 2.0
# The measured send rate counts the sends of the last RATE_WINDOW seconds, over at least
# MIN_RATE_SPAN seconds (botocore's RateClocker measures over 0.5 s buckets: _TIME_BUCKET_RANGE).
RATE_WINDOW = 1.0
MIN_RATE_SPAN = 0.5
# The longest hold a server's x-acs-retry-after imposes on the other requests (RetryPolicy's max_delay).
MAX_HOLD_SECONDS = 20.0


class CubicRate:
    """CUBIC's rate curve after the last throttle (botocore/retries/throttling.py CubicCalculator)."""

    def __init__(self, scale: float = CUBIC_SCALE, beta: float = CUBIC_BETA) -> None:
        self.scale = scale
        self.beta = beta
        self.w_max = 0.0
        self.k = 0.0
        self.last_throttle = 0.0

    def rate_at(self, now: float) -> float:
        """The rate ``now`` seconds on the limiter's clock, on the curve through ``w_max``."""
        return self.scale * (now - self.last_throttle - self.k) ** 3 + self.w_max

    def throttled(self, rate: float, now: float) -> float:
        """Record a throttle while sending at ``rate``; return the decreased rate."""
        self.w_max = rate
        self.k = (rate * (1 - self.beta) / self.scale) ** (1 / 3.0)
        self.last_throttle = now
        return rate * self.beta


class AdaptiveRateLimiter:
    """A token bucket whose fill rate follows the throttling answers (see the module docstring).

    The bucket (capacity ``max(rate, 1)`` tokens, as in bucket.py) is kept as a schedule: the time
    ``_tat`` at which it would be empty again (GCRA, the token bucket's equivalent). acquire()
    reserves a slot under the lock and sleeps outside it, so waiting threads never hold the lock,
    and a test's fake clock and sleeper see every wait.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        min_rate: float = MIN_RATE,
        cubic: Optional[CubicRate] = None,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self.min_rate = min_rate
        self.cubic = cubic or CubicRate()
        self.rate: Optional[float] = None  # requests a second; None: unlimited
        self._tat = 0.0
        self._last_decrease: Optional[float] = None
        self._first_send: Optional[float] = None
        self._sends: Deque[float] = collections.deque()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Wait until a request may leave; return the time it leaves (to give back to record())."""
        with self._lock:
            now = self.clock()
            send_at = now
            if self.rate is not None:
                send_at = max(now, self._tat - self._burst_seconds())
                self._tat = max(self._tat, send_at) + 1.0 / self.rate
            if self._first_send is None:
                self._first_send = send_at
            self._sends.append(send_at)
        if send_at > now:
            self.sleep(send_at - now)
        return send_at

    def record(self, sent_at: float, throttled: bool, retry_after_ms: Optional[int] = None) -> Optional[float]:
        """Take the answer to a request sent at ``sent_at`` into account; return the new rate (None: unlimited)."""
        with self._lock:
            now = self.clock()
            measured = self._measured_rate(now)
            if throttled:
                self._on_throttled(sent_at, now, measured)
                if retry_after_ms:
                    self._hold_until(now + min(retry_after_ms / 1000.0, MAX_HOLD_SECONDS))
            elif self.rate is not None:
                ceiling = max(self.cubic.w_max, MAX_RATE_ADJUST_SCALE * measured)
                self.rate = max(self.min_rate, min(self.cubic.rate_at(now), ceiling))
            return self.rate

    def _on_throttled(self, sent_at: float, now: float, measured: float) -> None:
        if self._last_decrease is not None and (
            sent_at < self._last_decrease or now - self._last_decrease < RATE_WINDOW
        ):
            # Sent at the rate already decreased from, or refused within the window of that decrease: a server
            # counting its limit over a second refuses the rest of it whatever is sent now (one event, one decrease).
            return
        engaging = self.rate is None
        sending_at = measured if engaging else min(measured, self.rate)
        self.rate = max(self.min_rate, self.cubic.throttled(sending_at, now))
        self._last_decrease = now
        if engaging:
            self._hold_until(now)

    def _hold_until(self, until: float) -> None:
        """No request leaves before ``until``; then they leave one interval apart (an empty bucket)."""
        if self.rate is not None:
            self._tat = max(self._tat, until + self._burst_seconds())

    def _burst_seconds(self) -> float:
        """How far ahead of now ``_tat`` may be while a request still leaves at once: the bucket's capacity less one."""
        return (max(self.rate or 0.0, 1.0) - 1.0) / (self.rate or 1.0)

    def _measured_rate(self, now: float) -> float:
        """Requests sent a second over the last RATE_WINDOW seconds (botocore: RateClocker)."""
        while self._sends and self._sends[0] <= now - RATE_WINDOW:
            self._sends.popleft()
        if self._first_send is None:
            return 0.0
        sent = sum(1 for send_at in self._sends if send_at <= now)
        return sent / max(MIN_RATE_SPAN, min(RATE_WINDOW, now - self._first_send))


class RateLimiters:
    """The limiters of one run: one per (product, region), made on first use; thread-safe."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._limiters: Dict[Tuple[str, str], AdaptiveRateLimiter] = {}
        self._lock = threading.Lock()

    def limiter(self, product: str, region: str) -> AdaptiveRateLimiter:
        with self._lock:
            key = (product, region)
            if key not in self._limiters:
                self._limiters[key] = AdaptiveRateLimiter(clock=self._clock, sleep=self._sleep)
            return self._limiters[key]


def rate_limited(
    limiter: AdaptiveRateLimiter,
    send: Callable[..., T],
    on_throttled: Optional[Callable[[Optional[float]], None]] = None,
) -> Callable[..., T]:
    """``send`` (one HTTP request) made to wait for ``limiter`` and to report its answer to it.

    A throttling answer (_errors.is_throttling, with its retry-after) or a contention answer
    (_errors.is_contention: a lock another call holds, met more often the more calls run at once)
    decreases the rate; any other answer, error or not, is clean; a failure without an answer
    (transport) says nothing of the rate. ``on_throttled(new_rate)`` runs after such an answer.
    """

    def limited(*args: Any, **kwargs: Any) -> T:
        sent_at = limiter.acquire()
        try:
            result = send(*args, **kwargs)
        except Exception as exc:  # pylint: disable=broad-except
            err = api_error_from_exception(exc, "rate limiter")
            if not err.transport:
                throttled = is_throttling(err) or is_contention(err)
                rate = limiter.record(sent_at, throttled, err.retry_after_ms if throttled else None)
                if throttled and on_throttled is not None:
                    on_throttled(rate)
            raise
        limiter.record(sent_at, False)
        return result

    return limited
