# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""The options every module shares, and how they become connection settings.

One place for credentials, region, endpoints, timeouts and the retry budget: the argument
spec (merged into every module by _module.AlibabaCloudModule), its environment fallbacks,
and the validation that turns the raw options into ConnectionSettings, with errors that
name the option and the value before any API call is made.
"""

from __future__ import annotations

import re
from typing import Dict
from typing import NamedTuple
from typing import Optional

from ansible.module_utils.basic import env_fallback

PRODUCTS = ("apig", "ecs", "cs")

# The environment names follow the SDK's credential chain (ALIBABA_CLOUD_*) first and the
# legacy alibaba.alicloud collection (ALICLOUD_*) second; endpoints use the Terraform names.
COMMON_ARGUMENT_SPEC = dict(
    access_key_id=dict(
        type="str",
        no_log=False,
        aliases=["access_key", "alicloud_access_key"],
        fallback=(env_fallback, ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY"]),
    ),
    access_key_secret=dict(
        type="str",
        no_log=True,
        aliases=["secret_key", "alicloud_secret_key"],
        fallback=(env_fallback, ["ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY"]),
    ),
    security_token=dict(
        type="str",
        no_log=True,
        fallback=(env_fallback, ["ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"]),
    ),
    region=dict(
        type="str",
        aliases=["region_id"],
        fallback=(env_fallback, ["ALIBABA_CLOUD_REGION_ID", "ALICLOUD_REGION"]),
    ),
    profile=dict(
        type="str",
        fallback=(env_fallback, ["ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE"]),
    ),
    apig_endpoint=dict(type="str", fallback=(env_fallback, ["ALIBABA_CLOUD_ENDPOINT_APIG"])),
    ecs_endpoint=dict(type="str", fallback=(env_fallback, ["ALIBABA_CLOUD_ENDPOINT_ECS"])),
    cs_endpoint=dict(type="str", fallback=(env_fallback, ["ALIBABA_CLOUD_ENDPOINT_CS"])),
    connect_timeout=dict(type="float", default=5.0),
    read_timeout=dict(type="float", default=30.0),
    max_attempts=dict(type="int", default=8),
    retry_timeout=dict(type="float", default=120.0),
)

COMMON_MUTUALLY_EXCLUSIVE = [("access_key_id", "profile")]

_REGION = re.compile(r"[a-z]{2,}(-[a-z0-9]+)+")  # matched with fullmatch: no trailing newline
_HOST_PORT = re.compile(r"^(?P<host>[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:(?P<port>[0-9]{1,5}))?$")


class OptionError(ValueError):
    """A module option whose value cannot be used; the message names the option and the value."""

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"{field}: {value!r} {reason}")


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


def connection_settings(params: dict) -> ConnectionSettings:
    """Validate the shared options; raise OptionError naming the first one that is wrong."""
    region = params.get("region")
    if not region:
        raise OptionError(
            "region",
            region,
            "is required: set the region option or the ALIBABA_CLOUD_REGION_ID environment variable",
        )
    refuse_surrounding_whitespace("region", region)
    if not _REGION.fullmatch(region):
        raise OptionError("region", region, "is not a region id such as cn-hangzhou")
    key_id = params.get("access_key_id") or None
    secret = params.get("access_key_secret") or None
    if key_id and not secret:
        raise OptionError(
            "access_key_secret",
            None,
            "is required when access_key_id is set (option or ALIBABA_CLOUD_ACCESS_KEY_SECRET)",
        )
    if secret and not key_id:
        raise OptionError(
            "access_key_id",
            None,
            "is required when access_key_secret is set (option or ALIBABA_CLOUD_ACCESS_KEY_ID)",
        )
    if params.get("security_token") and not key_id:
        raise OptionError("access_key_id", None, "is required when security_token is set")
    for name in ("connect_timeout", "read_timeout", "retry_timeout"):
        if params[name] <= 0:
            raise OptionError(name, params[name], "must be greater than 0 seconds")
    if params["max_attempts"] < 1:
        raise OptionError("max_attempts", params["max_attempts"], "must be at least 1 (1 disables retries)")
    endpoints = {p: parse_endpoint(params.get(p + "_endpoint"), p + "_endpoint") for p in PRODUCTS}
    return ConnectionSettings(
        region=region,
        access_key_id=key_id,
        access_key_secret=secret,
        security_token=params.get("security_token") or None,
        profile=params.get("profile") or None,
        endpoints=endpoints,
        connect_timeout_ms=int(params["connect_timeout"] * 1000),
        read_timeout_ms=int(params["read_timeout"] * 1000),
        max_attempts=params["max_attempts"],
        retry_timeout=params["retry_timeout"],
    )
