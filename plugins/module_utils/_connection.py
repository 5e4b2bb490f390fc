# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""The options every module shares, and how they become connection settings.

One place for credentials, region, endpoints, timeouts and the retry budget: the argument
spec (merged into every module by _module.AlibabaCloudModule), its environment fallbacks,
and the validation that turns the raw options into ConnectionSettings, with errors that
name the option and the value before any API call is made.

Credentials, in the order the README gives: options (``access_key_id`` with its secret, or
``profile``) beat the environment; in the environment, keys beat ALIBABA_CLOUD_PROFILE; with none of
these, the SDK's default chain. ``access_key_id`` and ``profile`` therefore have no environment
fallback in the argument spec (a fallback would make an environment key clash with a ``profile``
option): connection_settings reads those variables itself. The secret and the token keep theirs,
so that Ansible masks them wherever they would show. The region comes from the option, the
environment, or else the profile in use (_profiles).
"""

from __future__ import annotations

import json
import os
import re
from typing import Dict
from typing import Iterable
from typing import List
from typing import Mapping
from typing import NamedTuple
from typing import Optional
from typing import Tuple
from urllib.parse import quote

from ansible.module_utils.basic import env_fallback
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._profiles import profile_region
from ansible_collections.alibabacloud.apig.plugins.module_utils._profiles import profile_secrets

PRODUCTS = ("apig", "ecs", "cs")

# The environment names follow the SDK's credential chain (ALIBABA_CLOUD_*) first and the
# legacy alibaba.alicloud collection (ALICLOUD_*) second; endpoints use the Terraform names.
ACCESS_KEY_ID_VARIABLES = ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY")
ACCESS_KEY_SECRET_VARIABLES = ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY")
SECURITY_TOKEN_VARIABLES = ("ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN")
PROFILE_VARIABLES = ("ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE")

CREDENTIAL_WAYS = (
    "Give credentials in one of these ways: the options access_key_id and access_key_secret (with "
    "security_token for an STS key); the environment variables ALIBABA_CLOUD_ACCESS_KEY_ID and "
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET (with ALIBABA_CLOUD_SECURITY_TOKEN); a profile named by the option profile "
    "or ALIBABA_CLOUD_PROFILE, from ~/.aliyun/config.json or ~/.alibabacloud/credentials.ini "
    "(or ALIBABA_CLOUD_CREDENTIALS_FILE); or, with none of these, the default profile of those files, an OIDC "
    "role (ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE) or the ECS "
    "instance RAM role."
)

COMMON_ARGUMENT_SPEC = dict(
    access_key_id=dict(type="str", no_log=False, aliases=["access_key", "alicloud_access_key"]),
    access_key_secret=dict(
        type="str",
        no_log=True,
        aliases=["secret_key", "alicloud_secret_key"],
        fallback=(env_fallback, list(ACCESS_KEY_SECRET_VARIABLES)),
    ),
    security_token=dict(type="str", no_log=True, fallback=(env_fallback, list(SECURITY_TOKEN_VARIABLES))),
    region=dict(
        type="str",
        aliases=["region_id"],
        fallback=(env_fallback, ["ALIBABA_CLOUD_REGION_ID", "ALICLOUD_REGION"]),
    ),
    profile=dict(type="str"),
    apig_endpoint=dict(type="str", fallback=(env_fallback, ["ALIBABA_CLOUD_ENDPOINT_APIG"])),
    ecs_endpoint=dict(type="str", fallback=(env_fallback, ["ALIBABA_CLOUD_ENDPOINT_ECS"])),
    cs_endpoint=dict(type="str", fallback=(env_fallback, ["ALIBABA_CLOUD_ENDPOINT_CS"])),
    connect_timeout=dict(type="float", default=5.0),
    read_timeout=dict(type="float", default=30.0),
    max_attempts=dict(type="int", default=8),
    retry_timeout=dict(type="float", default=120.0),
    adaptive_rate_limit=dict(type="bool", default=True, fallback=(env_fallback, ["ALIBABA_CLOUD_ADAPTIVE_RATE_LIMIT"])),
)

COMMON_MUTUALLY_EXCLUSIVE = [("access_key_id", "profile")]

_REGION = re.compile(r"[a-z]{2,}(-[a-z0-9]+)+")  # matched with fullmatch: no trailing newline
_HOST_PORT = re.compile(r"^(?P<host>[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:(?P<port>[0-9]{1,5}))?$")


def refuse_surrounding_whitespace(field: str, value: object) -> None:
    """OptionError for a string with leading or trailing whitespace; its repr shows the space or newline."""
    if isinstance(value, str) and value != value.strip():
        raise OptionError(field, value, "has leading or trailing whitespace (a space or newline): remove it")


class Endpoint(NamedTuple):
    host: str  # host[:port], as the SDK's Config.endpoint wants it
    protocol: str  # "HTTP" or "HTTPS"


class ConnectionSettings(NamedTuple):
    region: str
    access_key_id: Optional[str]
    access_key_secret: Optional[str]
    security_token: Optional[str]
    profile: Optional[str]
    endpoints: Dict[str, Optional[Endpoint]]
    connect_timeout_ms: int
    read_timeout_ms: int
    max_attempts: int
    retry_timeout: float
    adaptive_rate_limit: bool = True  # False: no client-side limiter, only retries (Session)


def parse_endpoint(value: Optional[str], field: str) -> Optional[Endpoint]:
    """`host[:port]` means HTTPS; a URL's scheme picks HTTP or HTTPS. None keeps the regional default."""
    if value is None or value == "":
        return None
    text = value.strip()
    protocol = "HTTPS"
    match = re.match(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<rest>.*)$", text)
    if match:
        scheme = match.group("scheme").lower()
        if scheme not in ("http", "https"):
            raise OptionError(
                field, value, "has an unsupported scheme: use host[:port], http://host[:port] or https://"
            )
        protocol = scheme.upper()
        text = match.group("rest").rstrip("/")
    hp = _HOST_PORT.match(text)
    if not hp or (hp.group("port") is not None and not 0 < int(hp.group("port")) < 65536):
        raise OptionError(field, value, "is not a valid endpoint: expected host[:port] or a URL without a path")
    return Endpoint(host=text, protocol=protocol)


class Credentials(NamedTuple):
    access_key_id: Optional[str]
    access_key_secret: Optional[str]
    security_token: Optional[str]
    profile: Optional[str]  # None with no key either: the SDK's default chain


def _from_environment(environ: Mapping[str, str], names: Tuple[str, ...]) -> Optional[str]:
    return next((environ[name] for name in names if environ.get(name)), None)


def _given_as_option(value: Optional[str], environ: Mapping[str, str], names: Tuple[str, ...]) -> bool:
    """Whether a value with an environment fallback came from the task (it differs from the environment's)."""
    return bool(value) and all(environ.get(name) != value for name in names)


def resolve_credentials(params: dict, environ: Mapping[str, str]) -> Credentials:
    """Options first (a key, or a profile), then environment keys, then ALIBABA_CLOUD_PROFILE, then the chain."""
    secret = params.get("access_key_secret")
    token = params.get("security_token")
    profile = params.get("profile") or None
    if profile and not params.get("access_key_id"):
        # Keys in the environment give way to the profile option; keys given as options do not.
        if _given_as_option(secret, environ, ACCESS_KEY_SECRET_VARIABLES):
            raise OptionError("access_key_id", None, "is required when access_key_secret is set (not profile)")
        if _given_as_option(token, environ, SECURITY_TOKEN_VARIABLES):
            raise OptionError("access_key_id", None, "is required when security_token is set (not profile)")
        return Credentials(None, None, None, profile)
    key_id = params.get("access_key_id") or _from_environment(environ, ACCESS_KEY_ID_VARIABLES)
    if key_id:
        if not secret:
            reason = "is required when access_key_id is set" if secret is None else "is empty"
            raise OptionError(
                "access_key_secret", secret, f"{reason} (option or ALIBABA_CLOUD_ACCESS_KEY_SECRET). {CREDENTIAL_WAYS}"
            )
        return Credentials(key_id, secret, token or None, None)
    if secret:
        raise OptionError(
            "access_key_id",
            None,
            f"is required when access_key_secret is set (option or ALIBABA_CLOUD_ACCESS_KEY_ID). {CREDENTIAL_WAYS}",
        )
    if token:
        raise OptionError("access_key_id", None, "is required when security_token is set")
    return Credentials(None, None, None, _from_environment(environ, PROFILE_VARIABLES))


def _region(params: dict, credentials: Credentials, environ: Mapping[str, str]) -> str:
    region = params.get("region")
    if not region and credentials.access_key_id is None:
        region = profile_region(credentials.profile, environ)
    if not region:
        raise OptionError(
            "region",
            region,
            "is required: set the region option, the ALIBABA_CLOUD_REGION_ID environment variable, "
            "or region_id in the credentials profile",
        )
    refuse_surrounding_whitespace("region", region)
    if not _REGION.fullmatch(region):
        raise OptionError("region", region, "is not a region id such as cn-hangzhou")
    return region


def connection_settings(params: dict, environ: Optional[Mapping[str, str]] = None) -> ConnectionSettings:
    """Validate the shared options; raise OptionError naming the first one that is wrong."""
    environ = os.environ if environ is None else environ
    credentials = resolve_credentials(params, environ)
    region = _region(params, credentials, environ)
    for name in ("connect_timeout", "read_timeout", "retry_timeout"):
        if params[name] <= 0:
            raise OptionError(name, params[name], "must be greater than 0 seconds")
    if params["max_attempts"] < 1:
        raise OptionError("max_attempts", params["max_attempts"], "must be at least 1 (1 disables retries)")
    endpoints = {p: parse_endpoint(params.get(p + "_endpoint"), p + "_endpoint") for p in PRODUCTS}
    return ConnectionSettings(
        region=region,
        access_key_id=credentials.access_key_id,
        access_key_secret=credentials.access_key_secret,
        security_token=credentials.security_token,
        profile=credentials.profile,
        endpoints=endpoints,
        connect_timeout_ms=int(params["connect_timeout"] * 1000),
        read_timeout_ms=int(params["read_timeout"] * 1000),
        max_attempts=params["max_attempts"],
        retry_timeout=params["retry_timeout"],
        adaptive_rate_limit=bool(params.get("adaptive_rate_limit", True)),
    )


# --- masking the credentials by value, as no_log does for a module's options --------------------------------------

# What bound_text (_errors) appends to a message it cut: a secret cut there leaves a prefix just before it.
_CUT_MARKER = re.compile(r" \[\.\.\. \d+ more characters left out\]")
# A secret prefix shorter than this, left before a cut, is not told from ordinary text.
_MIN_MASKED_PREFIX = 6
MASK = "********"


def known_secrets(environ: Optional[Mapping[str, str]] = None, given: Iterable[Optional[str]] = ()) -> List[str]:
    """The secret values a message could echo: ``given`` (options, a credential provider's answer), the secret and
    token variables of the environment, and every secret of the profile files."""
    environ = os.environ if environ is None else environ
    values = list(given)
    values.extend(environ.get(name) for name in ACCESS_KEY_SECRET_VARIABLES + SECURITY_TOKEN_VARIABLES)
    values.extend(profile_secrets(environ))
    return sorted({v for v in values if isinstance(v, str) and v.strip()}, key=len, reverse=True)


def _forms(secret: str) -> List[str]:
    """A secret as a message may carry it: as is, URL-encoded, JSON- or repr-escaped."""
    forms = {secret, quote(secret, safe=""), json.dumps(secret)[1:-1], repr(secret)[1:-1]}
    return sorted(forms, key=len, reverse=True)


def mask_secrets(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of each secret replaced by ``********``, and a secret's prefix cut short by a
    bounded message (``... [... N more characters left out]``) masked too."""
    secrets = [s for s in secrets if s]
    for secret in secrets:
        for form in _forms(secret):
            text = text.replace(form, MASK)
    for marker in reversed(list(_CUT_MARKER.finditer(text))):
        before = text[: marker.start()]
        for secret in secrets:
            for length in range(len(secret) - 1, _MIN_MASKED_PREFIX - 1, -1):
                if before.endswith(secret[:length]):
                    text = before[:-length] + MASK + text[marker.start() :]
                    break
            else:
                continue
            break
    return text
