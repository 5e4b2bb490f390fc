# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The adaptive rate limiter (_retries.AdaptiveRateLimiter), on a fake clock: nothing here sleeps."""

from __future__ import annotations

import threading
from typing import Any
from typing import List

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.exceptions import ThrottlingException
from ansible_collections.alibabacloud.apig.plugins.module_utils._retries import CUBIC_BETA
from ansible_collections.alibabacloud.apig.plugins.module_utils._retries import CUBIC_SCALE
from ansible_collections.alibabacloud.apig.plugins.module_utils._retries import MIN_RATE
from ansible_collections.alibabacloud.apig.plugins.module_utils._retries import AdaptiveRateLimiter
from ansible_collections.alibabacloud.apig.plugins.module_utils._retries import RateLimiters
from ansible_collections.alibabacloud.apig.plugins.module_utils._retries import rate_limited
from darabonba.exceptions import RetryError
from darabonba.exceptions import UnretryableException
from darabonba.policy.retry import RetryPolicyContext


class FakeTime:
    """A clock that moves when told to or when the limiter sleeps; thread-safe."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: List[float] = []
        self._lock = threading.Lock()

    def clock(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


def limiter_on(fake: FakeTime) -> AdaptiveRateLimiter:
    return AdaptiveRateLimiter(clock=fake.clock, sleep=fake.sleep)


def send_clean(limiter: AdaptiveRateLimiter, fake: FakeTime, count: int, spacing: float) -> None:
    """``count`` requests ``spacing`` seconds apart, each answered cleanly at once."""
    for _request in range(count):
        limiter.record(limiter.acquire(), throttled=False)
        fake.advance(spacing)


def engaged_at_eight_a_second(fake: FakeTime) -> AdaptiveRateLimiter:
    """A limiter that sent 8 requests in the last second, then met a throttle: rate 5.6/s, w_max 8/s."""
    limiter = limiter_on(fake)
    send_clean(limiter, fake, 8, 0.125)
    sent_at = limiter.acquire()
    assert limiter.record(sent_at, throttled=True) == pytest.approx(8 * CUBIC_BETA)
    return limiter


def test_starts_unlimited_and_stays_so_while_answers_are_clean(fake: FakeTime) -> None:
    limiter = limiter_on(fake)
    for _request in range(500):
        assert limiter.acquire() == fake.now  # a burst at one instant: nobody waits
    send_clean(limiter, fake, 50, 0.001)
    assert limiter.rate is None
    assert fake.sleeps == []


def test_a_throttle_sets_the_rate_to_beta_times_the_measured_send_rate(fake: FakeTime) -> None:
    limiter = engaged_at_eight_a_second(fake)
    assert limiter.rate == pytest.approx(5.6)
    assert limiter.cubic.w_max == pytest.approx(8.0)
    # The bucket starts empty: the next requests leave one interval (1/5.6 s) apart.
    sends = [limiter.acquire() for _request in range(4)]
    gaps = [later - earlier for earlier, later in zip(sends, sends[1:])]
    assert gaps == [pytest.approx(1 / 5.6)] * 3
    assert fake.sleeps == [pytest.approx(n / 5.6) for n in (1, 2, 3)]


def test_a_first_throttle_within_half_a_second_measures_over_half_a_second(fake: FakeTime) -> None:
    limiter = limiter_on(fake)
    send_clean(limiter, fake, 4, 0.01)
    # 5 sends in 0.04 s are counted over MIN_RATE_SPAN (0.5 s): 10 a second, not 125.
    assert limiter.record(limiter.acquire(), throttled=True) == pytest.approx(10 * CUBIC_BETA)


def test_clean_answers_recover_along_the_cubic_curve(fake: FakeTime) -> None:
    limiter = engaged_at_eight_a_second(fake)
    k = (8 * (1 - CUBIC_BETA) / CUBIC_SCALE) ** (1 / 3.0)
    throttled_at = fake.now
    observed = []
    for elapsed in (0.25, 0.5, 1.0, k):
        fake.now = throttled_at + elapsed
        observed.append(limiter.record(limiter.acquire(), throttled=False))
    expected = [CUBIC_SCALE * (elapsed - k) ** 3 + 8 for elapsed in (0.25, 0.5, 1.0, k)]
    assert observed == [pytest.approx(rate) for rate in expected]
    assert observed == sorted(observed) and observed[-1] == pytest.approx(8.0)  # back to w_max after k seconds


def test_growth_above_the_throttled_rate_is_capped_at_twice_the_measured_rate(fake: FakeTime) -> None:
    limiter = engaged_at_eight_a_second(fake)
    fake.advance(30.0)  # long quiet: the curve is far above w_max, the demand is one request
    sends = [limiter.acquire()]
    assert limiter.record(sends[0], throttled=False) == pytest.approx(8.0)  # max(w_max, 2 * 1/s)
    for _request in range(60):  # then requests as fast as the limiter lets them leave
        sends.append(limiter.acquire())
        fake.now = max(fake.now, sends[-1])
        rate = limiter.record(sends[-1], throttled=False)
        sent_last_second = sum(1 for sent_at in sends if sent_at > fake.now - 1.0)
        assert rate == pytest.approx(max(8.0, 2.0 * sent_last_second))
    assert limiter.rate > 16.0


def test_answers_to_requests_sent_before_the_decrease_do_not_decrease_it_again(fake: FakeTime) -> None:
    limiter = limiter_on(fake)
    in_flight = [limiter.acquire() for _request in range(8)]  # a burst of 8 parallel requests
    fake.advance(0.05)
    first = limiter.record(in_flight[0], throttled=True)
    assert first == pytest.approx(8 / 0.5 * CUBIC_BETA)
    for sent_at in in_flight[1:]:
        assert limiter.record(sent_at, throttled=True) == first
    # A request sent after the decrease and refused within its window (a server counting over a second
    # refuses the rest of that second whatever is sent now) does not decrease it either.
    fake.advance(0.5)
    assert limiter.record(limiter.acquire(), throttled=True) == first
    # Refused a window after the decrease, at the decreased rate: that decreases it.
    fake.advance(0.5)
    assert limiter.record(limiter.acquire(), throttled=True) < first


def test_throttling_all_through_a_servers_window_decreases_once_per_window(fake: FakeTime) -> None:
    """A sliding one-second limit refuses everything until the burst ages out: no collapse to the minimum."""
    limiter = limiter_on(fake)
    burst = [limiter.acquire() for _request in range(40)]
    fake.advance(0.05)
    engaged = limiter.record(burst[0], throttled=True)
    rates = []
    for _tick in range(20):  # refused every 50 ms for one second
        fake.advance(0.05)
        rates.append(limiter.record(limiter.acquire(), throttled=True))
    assert rates[:18] == [engaged] * 18
    assert min(rates) >= engaged * CUBIC_BETA


def test_the_rate_never_falls_below_the_minimum(fake: FakeTime) -> None:
    limiter = engaged_at_eight_a_second(fake)
    for _request in range(40):
        fake.advance(2.0)
        assert limiter.record(limiter.acquire(), throttled=True) >= MIN_RATE
    assert limiter.rate == MIN_RATE
    fake.sleeps.clear()
    fake.advance(10.0)
    limiter.acquire()
    limiter.acquire()
    assert fake.sleeps == [pytest.approx(1 / MIN_RATE)]


def test_retry_after_holds_every_request_then_they_leave_one_interval_apart(fake: FakeTime) -> None:
    limiter = limiter_on(fake)
    send_clean(limiter, fake, 8, 0.125)
    throttled_at = fake.now
    limiter.record(limiter.acquire(), throttled=True, retry_after_ms=2000)
    sends = [limiter.acquire() for _request in range(3)]
    assert sends == [pytest.approx(throttled_at + 2.0 + n / 5.6) for n in range(3)]


def test_an_absurd_retry_after_holds_at_most_twenty_seconds(fake: FakeTime) -> None:
    limiter = limiter_on(fake)
    throttled_at = fake.now
    limiter.record(limiter.acquire(), throttled=True, retry_after_ms=3_600_000)
    assert limiter.acquire() == pytest.approx(throttled_at + 20.0)


def test_limiters_are_per_product_and_region(fake: FakeTime) -> None:
    limiters = RateLimiters(clock=fake.clock, sleep=fake.sleep)
    apig = limiters.limiter("apig", "cn-hangzhou")
    assert limiters.limiter("apig", "cn-hangzhou") is apig
    others = [limiters.limiter("ecs", "cn-hangzhou"), limiters.limiter("apig", "cn-beijing")]
    assert len({id(apig), *map(id, others)}) == 3
    apig.record(apig.acquire(), throttled=True)
    assert apig.rate == pytest.approx(MIN_RATE / MIN_RATE * 2 * CUBIC_BETA)  # 1 send over 0.5 s
    for other in others:
        for _request in range(100):
            other.acquire()
        assert other.rate is None
    assert fake.sleeps == []


def test_parallel_acquires_get_distinct_slots_one_interval_apart(fake: FakeTime) -> None:
    limiter = engaged_at_eight_a_second(fake)
    sends: List[float] = []
    sends_lock = threading.Lock()
    start = threading.Barrier(8)

    def worker() -> None:
        start.wait()
        for _request in range(25):
            sent_at = limiter.acquire()
            with sends_lock:
                sends.append(sent_at)

    threads = [threading.Thread(target=worker) for _request in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sends.sort()
    assert len(sends) == 200
    assert [later - earlier for earlier, later in zip(sends, sends[1:])] == [pytest.approx(1 / 5.6)] * 199


def test_parallel_answers_leave_a_consistent_rate(fake: FakeTime) -> None:
    limiter = limiter_on(fake)
    in_flight = [limiter.acquire() for _request in range(64)]
    fake.advance(0.5)
    threads = [
        threading.Thread(target=limiter.record, args=(sent_at, index % 2 == 0))
        for index, sent_at in enumerate(in_flight)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Every request was sent before the one decrease; clean answers keep it on the curve's start.
    assert limiter.rate == pytest.approx(64 / 0.5 * CUBIC_BETA)


def throttling_exception(retry_after: Any = None) -> ThrottlingException:
    return ThrottlingException(
        status_code=400, code="Throttling.User", message="code: 400, slow down request id: R", retry_after=retry_after
    )


def raising(exc: Exception):
    def send(*args: Any, **kwargs: Any) -> Any:
        raise exc

    return send


def test_rate_limited_reports_throttling_answers_with_their_retry_after(fake: FakeTime) -> None:
    limiter = limiter_on(fake)
    rates: List[Any] = []
    send = rate_limited(limiter, raising(throttling_exception(retry_after=1500)), rates.append)
    throttled_at = fake.now
    with pytest.raises(ThrottlingException):
        send("params", "request", "runtime")
    assert rates == [pytest.approx(2 * CUBIC_BETA)] and limiter.rate == rates[0]
    assert limiter.acquire() == pytest.approx(throttled_at + 1.5)


def test_rate_limited_passes_results_and_counts_other_answers_as_clean(fake: FakeTime) -> None:
    limiter = limiter_on(fake)
    rates: List[Any] = []
    assert rate_limited(limiter, lambda *args, **kwargs: (args, kwargs), rates.append)(1, b=2) == ((1,), {"b": 2})
    not_found = ClientException(status_code=404, code="NotFound.GatewayNotFound", message="code: 404, x request id: R")
    with pytest.raises(ClientException):
        rate_limited(limiter, raising(not_found), rates.append)()
    transport = UnretryableException(RetryPolicyContext(retries_attempted=1, exception=RetryError("Read timed out.")))
    with pytest.raises(UnretryableException):
        rate_limited(limiter, raising(transport), rates.append)()
    assert rates == [] and limiter.rate is None


def test_rate_limited_recognises_throttling_without_the_header(fake: FakeTime) -> None:
    limiter = limiter_on(fake)
    refused = ClientException(status_code=400, code="Throttling.Api", message="code: 400, busy request id: R")
    with pytest.raises(ClientException):
        rate_limited(limiter, raising(refused))()
    assert limiter.rate == pytest.approx(2 * CUBIC_BETA)
    assert limiter.acquire() == fake.now  # no retry-after: no hold, the bucket's first token


@pytest.mark.parametrize("code, status", [("Conflict.LockFailed", 409), ("OperationConflict", 400)])
def test_rate_limited_slows_down_on_a_lock_conflict_as_on_throttling(fake: FakeTime, code: str, status: int) -> None:
    """Another operation holds the resource's lock: more requests at once would meet it more often."""
    limiter = limiter_on(fake)
    rates: List[Any] = []
    locked = ClientException(status_code=status, code=code, message=f"code: {status}, locked request id: R")
    with pytest.raises(ClientException):
        rate_limited(limiter, raising(locked), rates.append)()
    assert rates == [pytest.approx(2 * CUBIC_BETA)] and limiter.rate == rates[0]
