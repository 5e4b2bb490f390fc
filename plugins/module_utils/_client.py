# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""SDK clients for APIG, ECS and CS, built from ConnectionSettings, and the one way to call them.

The SDKs are imported on first use, and only the product a module actually calls: importing
one product's client costs about half a second, and the sanity import test runs without them.
Every API call goes through Session.call, which applies the one retry policy (_retries) and
turns SDK exceptions into _errors.ApiError. Every request a Session's client sends (the SDK sends
each through ``call_api``, retries included) first waits for the adaptive rate limiter of its
product and region, and reports its answer to it (_retries.rate_limited), unless the settings turn
the limiter off (adaptive_rate_limit: false): then only the retries answer throttling.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any
from typing import Callable
from typing import Dict
from typing import List
from typing import Optional
from typing import TypeVar

from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import CREDENTIAL_WAYS
from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import ConnectionSettings
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError
from ansible_collections.alibabacloud.apig.plugins.module_utils._retries import RateLimiters
from ansible_collections.alibabacloud.apig.plugins.module_utils._retries import RetryPolicy
from ansible_collections.alibabacloud.apig.plugins.module_utils._retries import call_with_retries
from ansible_collections.alibabacloud.apig.plugins.module_utils._retries import rate_limited

T = TypeVar("T")

# product -> (client module, models module, PyPI distribution)
SDK_PACKAGES = {
    "apig": ("alibabacloud_apig20240327.client", "alibabacloud_apig20240327.models", "alibabacloud-apig20240327"),
    "ecs": ("alibabacloud_ecs20140526.client", "alibabacloud_ecs20140526.models", "alibabacloud-ecs20140526"),
    "cs": ("alibabacloud_cs20151215.client", "alibabacloud_cs20151215.models", "alibabacloud-cs20151215"),
}


class MissingLibraryError(ImportError):
    """A Python package the module needs is not installed where the module runs."""

    def __init__(self, library: str, cause: BaseException) -> None:
        # What missing_required_lib(err.library) shows, with the Python in use: the package, and that every SDK the
        # collection needs is listed in its requirements.txt.
        self.library = (
            f"{library}; install the Alibaba Cloud SDKs of the collection's requirements.txt into this Python:"
            " python -m pip install -r requirements.txt"
        )
        super().__init__(f"{library}: {cause}")


def _import(module_name: str, library: str) -> Any:
    try:
        return importlib.import_module(module_name)
    except ImportError as exc:
        raise MissingLibraryError(library, exc) from None


class Session:
    """Lazily built SDK clients sharing one set of settings, one retry policy and the run's rate limiters."""

    def __init__(
        self,
        settings: ConnectionSettings,
        retry_policy: Optional[RetryPolicy] = None,
        log: Optional[Callable[[str], None]] = None,
        rate_limiters: Optional[RateLimiters] = None,
    ) -> None:
        self.settings = settings
        self.retry_policy = retry_policy or RetryPolicy(
            max_attempts=settings.max_attempts, max_total_seconds=settings.retry_timeout
        )
        # per run: a Session lives one module run; None when the settings turn the limiter off
        self.rate_limiters: Optional[RateLimiters] = None
        if settings.adaptive_rate_limit:
            self.rate_limiters = rate_limiters or RateLimiters()
        self._log = log
        self._clients: Dict[str, Any] = {}
        self._credential: Any = None
        self._credential_chain: Optional[_CredentialChain] = None
        self._lock = threading.Lock()  # the clients and the shared credential are built once

    @property
    def region(self) -> str:
        return self.settings.region

    def models(self, product: str) -> Any:
        """The SDK's request models module for a product (e.g. AddGatewaySecurityGroupRuleRequest)."""
        return _import(SDK_PACKAGES[product][1], SDK_PACKAGES[product][2])

    def client(self, product: str) -> Any:
        with self._lock:
            if product not in self._clients:
                self._clients[product] = self._rate_limited(product, self._build_client(product))
            return self._clients[product]

    def call(self, operation: str, fn: Callable[[], T], retry_transport: bool = True, doing: Optional[str] = None) -> T:
        """Run one API call under the retry policy; failures raise ApiError, worded with ``doing`` if given."""

        def on_retry(attempt: int, delay: float, error: ApiError) -> None:
            if self._log:
                self._log(f"{operation}: attempt {attempt} failed ({error.code}), retrying in {delay:.2f}s")

        missing: List[MissingLibraryError] = []

        def attempt() -> T:
            # The SDK is imported when the first call builds its client: a missing package is not an API error.
            try:
                return fn()
            except MissingLibraryError as err:
                missing.append(err)
                raise

        try:
            return call_with_retries(
                operation, attempt, self.retry_policy, on_retry=on_retry, retry_transport=retry_transport
            )
        except ApiError as err:
            if missing:
                raise missing[0] from None
            err.doing = err.doing or doing
            raise

    def credential_secrets(self) -> List[str]:
        """The secret and token the SDK's credential chain gave this session, once it gave them: a message that
        echoes them can then be masked (the options' and the environment's are known without a call)."""
        given = self._credential_chain.given if self._credential_chain is not None else None
        if given is None:
            return []
        # alibabacloud_credentials' Credentials (provider/refreshable.py) keeps them behind getters.
        getters = (getattr(given, "get_access_key_secret", None), getattr(given, "get_security_token", None))
        values = [getter() for getter in getters if callable(getter)]
        return [v for v in values if isinstance(v, str) and v]

    def _rate_limited(self, product: str, client: Any) -> Any:
        """The client, its every request paced by the rate limiter of (product, region); as built without one."""
        if self.rate_limiters is None:
            return client

        def on_throttled(rate: Optional[float]) -> None:
            if self._log:
                self._log(
                    f"{product} in {self.region}: throttled or locked, now sending at most {rate:.2f} requests a second"
                )

        limiter = self.rate_limiters.limiter(product, self.region)
        client.call_api = rate_limited(limiter, client.call_api, on_throttled)
        return client

    def _build_client(self, product: str) -> Any:
        client_module = _import(SDK_PACKAGES[product][0], SDK_PACKAGES[product][2])
        openapi_models = _import("alibabacloud_tea_openapi.models", "alibabacloud-tea-openapi")
        settings = self.settings
        endpoint = settings.endpoints.get(product)
        config = openapi_models.Config(
            region_id=settings.region,
            connect_timeout=settings.connect_timeout_ms,
            read_timeout=settings.read_timeout_ms,
            protocol=endpoint.protocol if endpoint else "HTTPS",
        )
        if endpoint:
            config.endpoint = endpoint.host
        if settings.access_key_id:
            config.access_key_id = settings.access_key_id
            config.access_key_secret = settings.access_key_secret
            if settings.security_token:
                config.security_token = settings.security_token
        else:
            config.credential = self._shared_credential()
        return client_module.Client(config)

    def _shared_credential(self) -> Any:
        """The profile named by the `profile` option, or else the SDK's default credential chain."""
        if self._credential is None:
            credentials = _import("alibabacloud_credentials.client", "alibabacloud-credentials")
            providers = _import("alibabacloud_credentials.provider", "alibabacloud-credentials")
            profile = self.settings.profile
            if profile:
                chain = _CredentialChain(
                    [
                        providers.CLIProfileCredentialsProvider(profile_name=profile),
                        providers.ProfileCredentialsProvider(profile_name=profile),
                    ],
                    f"profile {profile!r} was not found or is incomplete",
                    show_reasons=True,
                )
            else:
                chain = _CredentialChain([providers.DefaultCredentialsProvider()], "no credentials were found")
            self._credential_chain = chain
            self._credential = credentials.Client(provider=chain)
        return self._credential


class _CredentialChain:
    """Providers tried in turn; when none gives credentials, one ApiError that says how to give them.

    The SDK's own failure lists every provider of its chain with its reason (files not found, an
    empty variable, a metadata service not reached): that is kept out, except for a named profile,
    where the reasons name the files that were read.
    """

    def __init__(self, providers: list, failure: str, show_reasons: bool = False) -> None:
        self._providers = providers
        self._failure = failure
        self._show_reasons = show_reasons
        self.given: Any = None  # the last credentials a provider gave

    def get_credentials(self) -> Any:
        reasons = []
        for provider in self._providers:
            try:
                self.given = provider.get_credentials()
                return self.given
            except Exception as exc:  # pylint: disable=broad-except
                reasons.append(f"{type(provider).__name__}: {exc}")
        detail = " ({})".format("; ".join(reasons)) if self._show_reasons else ""
        raise ApiError(
            "LoadCredentials", code="InvalidCredentials", message=f"{self._failure}{detail}. {CREDENTIAL_WAYS}"
        )

    async def get_credentials_async(self) -> Any:
        return self.get_credentials()

    def get_provider_name(self) -> str:
        return "chain"
