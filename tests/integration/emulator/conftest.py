# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SDK clients pointed at the ``emulator`` fixture: the real APIG, ECS and CS clients."""

from __future__ import annotations

import pytest
from alibabacloud_apig20240327.client import Client as ApigClient
from alibabacloud_cs20151215.client import Client as CsClient
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_tea_openapi import utils_models
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.models import Config
from darabonba.runtime import RuntimeOptions

GATEWAY = "gw-demo-hz01"


class Clients:
    """Builds SDK clients for one emulator; keyword arguments override the Config."""

    def __init__(self, handle):
        self.handle = handle

    def config(self, **overrides):
        values = dict(
            access_key_id=self.handle.access_key_id,
            access_key_secret=self.handle.access_key_secret,
            endpoint=self.handle.endpoint,
            protocol="HTTP",
            region_id=self.handle.region,
            connect_timeout=2000,
            read_timeout=5000,
        )
        values.update(overrides)
        return Config(**values)

    def apig(self, **overrides):
        return ApigClient(self.config(**overrides))

    def ecs(self, **overrides):
        return EcsClient(self.config(**overrides))

    def cs(self, **overrides):
        return CsClient(self.config(**overrides))


@pytest.fixture
def clients(emulator):
    """Clients for the ``emulator`` fixture: ``clients.apig(access_key_secret="wrong")``."""
    return Clients(emulator)


@pytest.fixture
def clients_for():
    """Clients for any other handle: ``clients_for(handle).ecs()``."""
    return Clients


@pytest.fixture
def apig(clients):
    return clients.apig()


@pytest.fixture
def ecs(clients):
    return clients.ecs()


@pytest.fixture
def cs(clients):
    return clients.cs()


@pytest.fixture
def expect_api_error():
    """``expect_api_error(call, status, code, message_part="", exception=ClientException)``.

    Runs ``call``, which must raise ``exception`` with that HTTP status and error code, a message
    containing ``message_part`` and a request id in Alibaba's format; returns the exception.
    """

    def check(call, status, code, message_part="", exception=ClientException):
        with pytest.raises(exception) as caught:
            call()
        error = caught.value
        assert (error.status_code, error.code) == (status, code), error.message
        assert message_part in error.message
        assert len(error.request_id) == 36 and error.request_id == error.request_id.upper()
        return error

    return check


@pytest.fixture
def apig_raw(apig):
    """``apig_raw(action, method, pathname, query=None)``: an APIG call through the SDK's own
    ``call_api``, answering the raw map (``["body"]`` before any typed model reads it)."""

    def call(action, method, pathname, query=None):
        params = utils_models.Params(
            action=action,
            version="2024-03-27",
            protocol="HTTP",
            pathname=pathname,
            method=method,
            auth_type="AK",
            style="ROA",
            req_body_type="json",
            body_type="json",
        )
        return apig.call_api(params, utils_models.OpenApiRequest(query=query or {}), RuntimeOptions())

    return call
