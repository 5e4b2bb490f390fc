# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Session's wiring of the adaptive rate limiter: on by default, absent with adaptive_rate_limit false."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.alibabacloud.apig.plugins.module_utils._client import Session
from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import COMMON_ARGUMENT_SPEC
from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import connection_settings
from ansible_collections.alibabacloud.apig.plugins.module_utils._retries import RateLimiters


def settings(**options: Any) -> Any:
    params = {name: spec.get("default") for name, spec in COMMON_ARGUMENT_SPEC.items()}
    params.update(region="cn-hangzhou", access_key_id="ak", access_key_secret="secret", **options)
    return connection_settings(params, environ={})


class CountingLimiters(RateLimiters):
    def __init__(self) -> None:
        super().__init__()
        self.asked = []

    def limiter(self, product: str, region: str) -> Any:
        self.asked.append((product, region))
        return super().limiter(product, region)


def sdk_call_api(client: Any) -> bool:
    """Whether the client's call_api is still the SDK's own method (no limiter in front of it)."""
    return getattr(client.call_api, "__func__", None) is type(client).call_api


def test_the_limiter_is_on_by_default() -> None:
    assert COMMON_ARGUMENT_SPEC["adaptive_rate_limit"]["default"] is True
    assert settings().adaptive_rate_limit is True


@pytest.mark.parametrize("product", ["apig", "ecs", "cs"])
def test_every_client_is_paced_by_its_products_limiter(product: str) -> None:
    limiters = CountingLimiters()
    session = Session(settings(), rate_limiters=limiters)
    client = session.client(product)
    assert limiters.asked == [(product, "cn-hangzhou")]
    assert not sdk_call_api(client)


@pytest.mark.parametrize("product", ["apig", "ecs", "cs"])
def test_with_the_limiter_off_the_session_builds_none(product: str) -> None:
    limiters = CountingLimiters()
    session = Session(settings(adaptive_rate_limit=False), rate_limiters=limiters)
    client = session.client(product)
    assert session.rate_limiters is None
    assert limiters.asked == []
    assert sdk_call_api(client)
