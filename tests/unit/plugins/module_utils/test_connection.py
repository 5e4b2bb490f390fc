# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection settings: the region's form, and credentials in the README's lookup order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from typing import Dict
from typing import Optional

import pytest
from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import CREDENTIAL_WAYS
from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import connection_settings
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._profiles import profile_region

ENV_KEY = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "env-id", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "env-secret"}


def params(**options: Any) -> Dict[str, Any]:
    base = dict(
        region="cn-hangzhou",
        access_key_id=None,
        access_key_secret=None,
        security_token=None,
        profile=None,
        connect_timeout=5.0,
        read_timeout=30.0,
        max_attempts=8,
        retry_timeout=120.0,
    )
    base.update(options)
    return base


def with_fallbacks(environ: Dict[str, str], **options: Any) -> Dict[str, Any]:
    """The options as Ansible hands them over: the secret and the token fall back to the environment."""
    result = params(**options)
    for name, variable in (
        ("access_key_secret", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
        ("security_token", "ALIBABA_CLOUD_SECURITY_TOKEN"),
    ):
        if result[name] is None and variable in environ:
            result[name] = environ[variable]
    return result


@pytest.mark.parametrize("region", ["cn-hangzhou\n", "cn-hangzhou ", " cn-hangzhou"])
def test_a_region_with_surrounding_whitespace_is_refused_and_shown(region: str) -> None:
    with pytest.raises(OptionError) as caught:
        connection_settings(params(region=region, access_key_id="a", access_key_secret="b"), environ={})
    assert f"region: {region!r} has leading or trailing whitespace" in str(caught.value)


@pytest.mark.parametrize(
    ("environ", "options", "expected"),
    [
        # Options beat the environment.
        (ENV_KEY, {"access_key_id": "opt-id", "access_key_secret": "opt-secret"}, ("opt-id", "opt-secret", None)),
        # A profile option beats environment keys, and the environment's token with them.
        (dict(ENV_KEY, ALIBABA_CLOUD_SECURITY_TOKEN="tok"), {"profile": "demo"}, (None, None, "demo")),
        # Environment keys beat ALIBABA_CLOUD_PROFILE.
        (dict(ENV_KEY, ALIBABA_CLOUD_PROFILE="demo"), {}, ("env-id", "env-secret", None)),
        ({"ALIBABA_CLOUD_PROFILE": "demo"}, {}, (None, None, "demo")),
        ({"ALICLOUD_ACCESS_KEY": "legacy-id", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "s"}, {}, ("legacy-id", "s", None)),
        # An option key with the environment's secret (the fallback), as before.
        (
            {"ALIBABA_CLOUD_ACCESS_KEY_SECRET": "env-secret"},
            {"access_key_id": "opt-id"},
            ("opt-id", "env-secret", None),
        ),
        # Nothing: the SDK's default chain.
        ({}, {}, (None, None, None)),
    ],
)
def test_credentials_follow_the_lookup_order(environ: Dict[str, str], options: Dict[str, Any], expected: tuple) -> None:
    settings = connection_settings(with_fallbacks(environ, **options), environ=environ)
    assert (settings.access_key_id, settings.access_key_secret, settings.profile) == expected


@pytest.mark.parametrize(
    ("environ", "options", "message"),
    [
        ({}, {"access_key_id": "a", "access_key_secret": ""}, "access_key_secret: '' is empty"),
        ({"ALIBABA_CLOUD_ACCESS_KEY_ID": "a", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": ""}, {}, "access_key_secret: '' is"),
        ({}, {"access_key_id": "a"}, "access_key_secret is required when access_key_id is set"),
        ({}, {"access_key_secret": "s"}, "access_key_id is required when access_key_secret is set"),
        ({}, {"profile": "demo", "access_key_secret": "s"}, "access_key_id is required when access_key_secret"),
        ({}, {"profile": "demo", "security_token": "t"}, "access_key_id is required when security_token"),
    ],
)
def test_incomplete_credentials_name_the_option_and_never_the_secret(
    environ: Dict[str, str], options: Dict[str, Any], message: str
) -> None:
    with pytest.raises(OptionError) as caught:
        connection_settings(with_fallbacks(environ, **options), environ=environ)
    text = str(caught.value)
    assert message in text
    assert "'s'" not in text and "'t'" not in text
    if "access_key_secret: ''" in message:
        assert CREDENTIAL_WAYS in text


def write_cli_config(home: Path, current: Optional[str] = None) -> None:
    (home / ".aliyun").mkdir(parents=True, exist_ok=True)
    config: Dict[str, Any] = {
        "profiles": [
            {"name": "demo", "mode": "AK", "region_id": "cn-shanghai"},
            {"name": "plain", "mode": "AK"},
        ]
    }
    if current:
        config["current"] = current
    (home / ".aliyun" / "config.json").write_text(json.dumps(config))


def test_a_profile_gives_the_region_when_no_option_or_variable_does(tmp_path: Path) -> None:
    write_cli_config(tmp_path)
    environ = {"HOME": str(tmp_path)}
    settings = connection_settings(params(region=None, profile="demo"), environ=environ)
    assert settings.region == "cn-shanghai"
    # The option (or ALIBABA_CLOUD_REGION_ID, through its fallback) still wins.
    assert connection_settings(params(region="cn-beijing", profile="demo"), environ=environ).region == "cn-beijing"


def test_keys_do_not_take_a_region_from_a_profile(tmp_path: Path) -> None:
    write_cli_config(tmp_path, current="demo")
    with pytest.raises(OptionError, match="region is required"):
        connection_settings(
            params(region=None, access_key_id="a", access_key_secret="b"), environ={"HOME": str(tmp_path)}
        )


@pytest.mark.parametrize(
    ("profile", "environ_extra", "region"),
    [
        ("demo", {}, "cn-shanghai"),
        ("plain", {}, None),
        (None, {"ALIBABA_CLOUD_PROFILE": "demo"}, "cn-shanghai"),
        (None, {}, "cn-shanghai"),  # the CLI file's current profile
        ("demo", {"ALIBABA_CLOUD_CLI_PROFILE_DISABLED": "true"}, None),
        ("ini", {}, "cn-qingdao"),
        (None, {"ALIBABA_CLOUD_PROFILE": "ini"}, "cn-qingdao"),
        ("nobody", {}, None),
    ],
)
def test_profile_region_reads_the_files_the_credential_chain_reads(
    tmp_path: Path, profile: Optional[str], environ_extra: Dict[str, str], region: Optional[str]
) -> None:
    write_cli_config(tmp_path, current="demo")
    ini = tmp_path / "credentials.ini"
    ini.write_text("[ini]\ntype = access_key\nregion_id = cn-qingdao # a comment\n")
    environ = dict({"HOME": str(tmp_path), "ALIBABA_CLOUD_CREDENTIALS_FILE": str(ini)}, **environ_extra)
    assert profile_region(profile, environ) == region
