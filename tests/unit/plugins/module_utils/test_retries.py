# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

from typing import Any
from typing import Callable
from typing import List
from typing import Optional

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.exceptions import ServerException
from alibabacloud_tea_openapi.exceptions import ThrottlingException
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError
from ansible_collections.alibabacloud.apig.plugins.module_utils._retries import RetryPolicy
from ansible_collections.alibabacloud.apig.plugins.module_utils._retries import call_with_retries
from ansible_collections.alibabacloud.apig.plugins.module_utils._retries import is_retryable
from darabonba.exceptions import RetryError
from darabonba.exceptions import UnretryableException
from darabonba.policy.retry import RetryPolicyContext
from hypothesis import given
from hypothesis import strategies as st

OP = "ListGatewayAuthorizedSecurityGroupRules"


class FakeTime:
    """A clock that only moves when the policy sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: List[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def policy(fake: FakeTime, random_value: float = 1.0, **kwargs: Any) -> RetryPolicy:
    return RetryPolicy(sleep=fake.sleep, clock=fake.clock, random=lambda: random_value, **kwargs)


def failing(errors: List[Exception], result: Any = "ok") -> Callable[[], Any]:
    """fn() raising the given errors in turn, then returning result."""
    calls = {"n": 0}

    def fn() -> Any:
        calls["n"] += 1
        if errors:
            raise errors.pop(0)
        return result

    fn.calls = calls  # type: ignore[attr-defined]
    return fn


def throttled(retry_after: Optional[int] = None) -> ThrottlingException:
    return ThrottlingException(
        status_code=400, code="Throttling.User", message="code: 400, slow down request id: R", retry_after=retry_after
    )


def server_error(status: int = 503, code: str = "ServiceUnavailable") -> ServerException:
    return ServerException(status_code=status, code=code, message=f"code: {status}, busy request id: R")


def client_error(code: str = "InvalidParameter", status: int = 400) -> ClientException:
    return ClientException(status_code=status, code=code, message=f"code: {status}, nope request id: R")


def transport(text: str = "HTTPConnectionPool(host='h', port=1): Read timed out. (read timeout=10.0)"):
    return UnretryableException(RetryPolicyContext(retries_attempted=1, exception=RetryError(text)))


def test_defaults() -> None:
    p = RetryPolicy()
    assert (p.max_attempts, p.max_total_seconds, p.base_delay, p.max_delay) == (8, 120, 0.5, 20)


def test_backoff_sequence_is_capped_exponential_with_full_jitter() -> None:
    fake = FakeTime()
    fn = failing([server_error() for _attempt in range(7)])
    assert call_with_retries(OP, fn, policy(fake, random_value=1.0)) == "ok"
    # random() == 1 shows the caps: 0.5 * 2**n, at most 20.
    assert fake.sleeps == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 20.0]
    fake = FakeTime()
    call_with_retries(OP, failing([server_error() for _attempt in range(3)]), policy(fake, random_value=0.25))
    assert fake.sleeps == [0.125, 0.25, 0.5]


def test_jitter_draws_from_random_each_time() -> None:
    fake = FakeTime()
    draws = iter([0.0, 0.5, 0.9])
    p = RetryPolicy(sleep=fake.sleep, clock=fake.clock, random=lambda: next(draws))
    call_with_retries(OP, failing([server_error() for _attempt in range(3)]), p)
    assert fake.sleeps == [0.0, 0.5, 0.9 * 2.0]


def test_attempts_exhausted_raise_api_error_with_attempts() -> None:
    fake = FakeTime()
    fn = failing([server_error() for _attempt in range(20)])
    with pytest.raises(ApiError) as info:
        call_with_retries(OP, fn, policy(fake, random_value=0.0, max_attempts=4))
    err = info.value
    assert (err.attempts, err.code, err.status, err.operation) == (4, "ServiceUnavailable", 503, OP)
    assert fn.calls["n"] == 4 and len(fake.sleeps) == 3
    assert err.__cause__ is None and err.__suppress_context__


def test_max_attempts_one_disables_retries() -> None:
    fake = FakeTime()
    with pytest.raises(ApiError) as info:
        call_with_retries(OP, failing([throttled()]), policy(fake, max_attempts=1))
    assert info.value.attempts == 1 and fake.sleeps == []


def test_budget_stops_before_a_sleep_that_would_pass_it() -> None:
    fake = FakeTime()
    fn = failing([server_error() for _attempt in range(20)])
    with pytest.raises(ApiError) as info:
        call_with_retries(OP, fn, policy(fake, random_value=1.0, max_total_seconds=10, max_attempts=100))
    # Sleeps 0.5 + 1 + 2 + 4 = 7.5; the next (8) would end at 15.5 > 10.
    assert fake.sleeps == [0.5, 1.0, 2.0, 4.0]
    assert info.value.attempts == 5
    assert fake.now - 1000.0 <= 10


def test_budget_counts_time_spent_in_calls() -> None:
    fake = FakeTime()

    def slow() -> Any:
        fake.now += 9  # each call takes 9 s
        raise server_error()

    with pytest.raises(ApiError) as info:
        call_with_retries(OP, slow, policy(fake, random_value=1.0, max_total_seconds=20))
    # 9 + 0.5 and 18.5 + 1 fit in 20 s; after the third call (28.5 s) nothing does.
    assert fake.sleeps == [0.5, 1.0]
    assert info.value.attempts == 3


def test_retry_after_is_a_lower_bound() -> None:
    fake = FakeTime()
    call_with_retries(OP, failing([throttled(retry_after=3000), throttled(retry_after=100)]), policy(fake, 0.5))
    # 3 s beats the jittered 0.25 s; the jittered 0.5 s beats 0.1 s.
    assert fake.sleeps == [3.0, 0.5]


def test_retry_after_beyond_the_budget_stops() -> None:
    fake = FakeTime()
    with pytest.raises(ApiError) as info:
        call_with_retries(OP, failing([throttled(retry_after=200000)]), policy(fake, max_total_seconds=120))
    assert info.value.retry_after_ms == 200000 and fake.sleeps == []


def test_on_retry_reports_each_retry() -> None:
    fake = FakeTime()
    seen = []
    call_with_retries(
        OP,
        failing([throttled(), server_error()]),
        policy(fake, random_value=1.0),
        on_retry=lambda attempt, delay, err: seen.append((attempt, delay, err.code)),
    )
    assert seen == [(1, 0.5, "Throttling.User"), (2, 1.0, "ServiceUnavailable")]


RETRIED = [
    throttled(),
    ClientException(status_code=400, code="Throttling", message="x"),
    ClientException(status_code=400, code="Rejected.Throttling", message="x"),
    server_error(503, "ServiceUnavailable"),
    server_error(500, "InternalError"),
    server_error(502, "BadGateway"),
    server_error(504, "None"),
    client_error("OperationConflict", 409),
    client_error("Conflict.LockFailed", 409),
    client_error("SystemBusy", 400),
    transport(),
    transport("('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))"),
    transport("Max retries exceeded (Caused by NewConnectionError('[Errno 111] Connection refused'))"),
    transport("Max retries exceeded (Caused by ConnectTimeoutError('Connection to h timed out. (connect timeout=5)'))"),
    ConnectionResetError(104, "Connection reset by peer"),
    TimeoutError("timed out"),
]

NOT_RETRIED = [
    client_error("InvalidParameter", 400),
    client_error("NotFound.GatewayNotFound", 404),
    client_error("Conflict.SecurityGroupRuleExists", 409),
    client_error("SignatureDoesNotMatch", 400),
    client_error("InvalidAccessKeyId.NotFound", 404),
    client_error("InvalidSecurityToken.Expired", 400),
    client_error("Forbidden.RAM", 403),
    client_error("NoPermission", 403),
    # An auth code on a 5xx answer is still an auth error.
    server_error(500, "InvalidTimeStamp.Expired"),
    ClientException(code="InvalidCredentials", message="no credentials"),
    transport(
        "Max retries exceeded (Caused by SSLError('[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed'))"
    ),
    transport("Max retries exceeded (Caused by NameResolutionError('[Errno -2] Name or service not known'))"),
    KeyError("items"),
    RuntimeError("bug"),
]


@pytest.mark.parametrize("exc", RETRIED, ids=lambda e: type(e).__name__)
def test_retried(exc: Exception) -> None:
    fake = FakeTime()
    fn = failing([exc])
    assert call_with_retries(OP, fn, policy(fake, random_value=0.1)) == "ok"
    assert fn.calls["n"] == 2 and len(fake.sleeps) == 1


@pytest.mark.parametrize("exc", NOT_RETRIED, ids=lambda e: type(e).__name__)
def test_not_retried(exc: Exception) -> None:
    fake = FakeTime()
    fn = failing([exc])
    with pytest.raises(ApiError) as info:
        call_with_retries(OP, fn, policy(fake))
    assert info.value.attempts == 1 and fn.calls["n"] == 1 and fake.sleeps == []


def test_retry_transport_false_only_stops_ambiguous_failures() -> None:
    fake = FakeTime()
    with pytest.raises(ApiError) as info:
        call_with_retries(OP, failing([transport()]), policy(fake), retry_transport=False)
    assert info.value.code == "ReadTimeout" and info.value.attempts == 1
    # The request never left: safe to retry even a write.
    refused = transport("Max retries exceeded (Caused by NewConnectionError('[Errno 111] Connection refused'))")
    assert call_with_retries(OP, failing([refused]), policy(fake), retry_transport=False) == "ok"
    # Answers from the server are unaffected by the flag.
    assert call_with_retries(OP, failing([throttled()]), policy(fake), retry_transport=False) == "ok"


@pytest.mark.parametrize(
    ("err", "default", "no_transport"),
    [
        (ApiError(OP, code="ReadTimeout", transport=True), True, False),
        (ApiError(OP, code="ConnectionReset", transport=True), True, False),
        (ApiError(OP, code="ConnectionRefused", transport=True), True, True),
        (ApiError(OP, code="ConnectTimeout", transport=True), True, True),
        (ApiError(OP, code="NameResolutionFailed", transport=True), True, True),
        (ApiError(OP, code="UnknownHost", transport=True), False, False),
        (ApiError(OP, code="SSLError", transport=True), False, False),
        (ApiError(OP, code="InvalidResponse"), True, True),
        (ApiError(OP, code="Unknown", status=599), True, True),
        (ApiError(OP, code="Unknown", status=499), False, False),
        (ApiError(OP, code="Unknown"), False, False),
    ],
)
def test_is_retryable(err: ApiError, default: bool, no_transport: bool) -> None:
    assert is_retryable(err) is default
    assert is_retryable(err, retry_transport=False) is no_transport


def test_success_first_time_never_sleeps() -> None:
    fake = FakeTime()
    assert call_with_retries(OP, lambda: {"items": []}, policy(fake)) == {"items": []}
    assert fake.sleeps == []


def test_api_error_raised_by_fn_is_kept() -> None:
    fake = FakeTime()
    own = ApiError("LoadCredentials", code="InvalidCredentials")
    with pytest.raises(ApiError) as info:
        call_with_retries(OP, failing([own]), policy(fake))
    assert info.value is own and own.attempts == 1


def test_keyboard_interrupt_is_not_swallowed() -> None:
    def interrupted() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        call_with_retries(OP, interrupted, policy(FakeTime()))


@pytest.mark.parametrize(
    "kwargs", [{"max_attempts": 0}, {"max_total_seconds": -1}, {"base_delay": -0.1}, {"max_delay": -1}]
)
def test_policy_validation(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)


def test_huge_retry_index_does_not_overflow() -> None:
    p = RetryPolicy(random=lambda: 1.0)
    assert p.delay(10000) == 20.0
    assert p.backoff_cap(0) == 0.5


@given(
    st.integers(1, 12),
    st.floats(0, 300),
    st.floats(0, 2),
    st.floats(0, 30),
    st.lists(st.floats(0, 1), min_size=12, max_size=12),
)
def test_budget_and_caps_hold_for_any_policy(
    max_attempts: int, budget: float, base: float, cap: float, draws: List[float]
) -> None:
    fake = FakeTime()
    values = iter(draws)
    p = RetryPolicy(
        max_attempts=max_attempts,
        max_total_seconds=budget,
        base_delay=base,
        max_delay=cap,
        sleep=fake.sleep,
        clock=fake.clock,
        random=lambda: next(values),
    )
    fn = failing([server_error() for _attempt in range(20)])
    with pytest.raises(ApiError) as info:
        call_with_retries(OP, fn, p)
    assert info.value.attempts == fn.calls["n"] <= max_attempts
    assert len(fake.sleeps) == fn.calls["n"] - 1
    assert sum(fake.sleeps) <= budget + 1e-9
    for index, delay in enumerate(fake.sleeps):
        assert 0 <= delay <= min(cap, base * 2**index) + 1e-12
