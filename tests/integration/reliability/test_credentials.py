# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credentials are looked up in the README's order, through real ansible-playbook runs.

Options beat the environment (a ``profile`` option included); environment keys beat
ALIBABA_CLOUD_PROFILE; a profile's ``region_id`` is the region when no option or variable gives one;
an empty secret, or no credentials at all, fail with one message that lists the ways to give them,
without any API call. Each case is a task of one run, signing with a key of its own (or with none):
the call log says which key each task used. The profile files live in a temporary HOME (the CLI's
``~/.aliyun/config.json``) and in ALIBABA_CLOUD_CREDENTIALS_FILE (``credentials.ini``), where the
SDK's credential chain looks for them. No secret may appear in the output.
"""

from __future__ import annotations

import configparser
import json
from pathlib import Path
from typing import Any
from typing import Dict

from integration.access_keys import add_keys
from integration.playbook import run_tasks
from integration.reliability.helpers import CREDENTIAL_VARIABLES
from integration.reliability.helpers import GI
from integration.reliability.helpers import GW
from integration.reliability.helpers import assert_no_crash
from integration.reliability.helpers import env_without

KEYS = ("cli_demo", "cli_regional", "ini_profile", "env_key", "option_key")
WAYS = "Give credentials in one of these ways"


def write_profiles(home: Path, keys: Dict[str, Dict[str, str]], region: str) -> Path:
    """CLI profiles `demo` (no region) and `regional` (with region_id), and an ini section `inifile`.

    Neither file names a default (no `current`, no [default]), so that the chain finds nothing
    without a profile name.
    """

    def cli_profile(name: str, key: Dict[str, str], **extra: str) -> Dict[str, str]:
        return dict(
            name=name,
            mode="AK",
            access_key_id=key["access_key_id"],
            access_key_secret=key["access_key_secret"],
            **extra,
        )

    (home / ".aliyun").mkdir(parents=True)
    config = {
        "profiles": [
            cli_profile("demo", keys["cli_demo"]),
            cli_profile("regional", keys["cli_regional"], region_id=region),
        ]
    }
    (home / ".aliyun" / "config.json").write_text(json.dumps(config))
    ini = configparser.ConfigParser()
    ini["inifile"] = {
        "type": "access_key",
        "access_key_id": keys["ini_profile"]["access_key_id"],
        "access_key_secret": keys["ini_profile"]["access_key_secret"],
        "region_id": region,
    }
    path = home / "credentials.ini"
    with path.open("w", encoding="utf-8") as handle:
        ini.write(handle)
    return path


def task(name: str, args: Dict[str, Any], environment: Dict[str, str]) -> Dict[str, Any]:
    return {"name": name, GI: dict({"gateway_id": GW}, **args), "environment": environment, "ignore_errors": True}


def env_keys(key: Dict[str, str]) -> Dict[str, str]:
    return {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": key["access_key_id"],
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": key["access_key_secret"],
    }


def test_credentials_follow_the_documented_order_and_fail_with_one_clear_message(emulator, tmp_path):
    keys = add_keys(emulator, KEYS)
    region = {"ALIBABA_CLOUD_REGION_ID": emulator.region}
    tasks = [
        # Options beat the environment: the option key signs, not the environment's.
        task("option key over environment key", dict(keys["option_key"]), dict(region, **env_keys(keys["env_key"]))),
        # A profile option beats environment keys (it used to clash with them as mutually exclusive).
        task("profile option over environment key", {"profile": "demo"}, dict(region, **env_keys(keys["env_key"]))),
        # Environment keys beat ALIBABA_CLOUD_PROFILE.
        task(
            "environment key over environment profile",
            {},
            dict(region, ALIBABA_CLOUD_PROFILE="demo", **env_keys(keys["env_key"])),
        ),
        # No region anywhere but in the profile: the profile's region_id is used.
        task("region from the CLI profile", {"profile": "regional"}, {}),
        task("profile and region from credentials.ini", {}, {"ALIBABA_CLOUD_PROFILE": "inifile"}),
        # Failures, before any call.
        task(
            "empty secret in the environment",
            {},
            dict(region, ALIBABA_CLOUD_ACCESS_KEY_ID="emulator-ak-demo", ALIBABA_CLOUD_ACCESS_KEY_SECRET=""),
        ),
        task("empty secret as an option", {"access_key_id": "emulator-ak-demo", "access_key_secret": ""}, region),
        task("no credentials at all", {}, region),
        task("unknown profile", {"profile": "nobody"}, region),
        task("no region anywhere", {"profile": "demo"}, {}),
    ]
    home = tmp_path / "home"
    ini = write_profiles(home, keys, emulator.region)
    env = env_without(emulator.env(), "ALIBABA_CLOUD_REGION_ID", *CREDENTIAL_VARIABLES)
    env.update(HOME=str(home), ALIBABA_CLOUD_CREDENTIALS_FILE=str(ini))
    run = run_tasks(tasks, env)
    assert run.rc == 0, run
    assert_no_crash(run.output)

    calls = emulator.calls()
    signers = {c["access_key_id"] for c in calls}

    def signed_only_by(name: str, key: str) -> None:
        result = run.task(name)
        assert result["_status"] == "ok", (name, result.get("msg"))
        assert keys[key]["access_key_id"] in signers, (name, signers)

    signed_only_by("option key over environment key", "option_key")
    signed_only_by("profile option over environment key", "cli_demo")
    signed_only_by("environment key over environment profile", "env_key")
    signed_only_by("region from the CLI profile", "cli_regional")
    signed_only_by("profile and region from credentials.ini", "ini_profile")
    # The successful tasks make the same calls, so each key signs the same number of them: the key
    # of the environment signs for one task only, and the failing tasks call nothing.
    counts = {key: sum(1 for c in calls if c["access_key_id"] == key) for key in signers}
    used = {keys[k]["access_key_id"] for k in ("option_key", "cli_demo", "env_key", "cli_regional", "ini_profile")}
    assert set(counts) == used, counts
    assert len(set(counts.values())) == 1, counts

    expected = {
        "empty secret in the environment": ("access_key_secret: '' is empty", WAYS),
        "empty secret as an option": ("access_key_secret: '' is empty", WAYS),
        "no credentials at all": ("no credentials were found", WAYS),
        "unknown profile": ("profile 'nobody' was not found", WAYS),
        "no region anywhere": ("region is required", "region_id in the credentials profile"),
    }
    for name, fragments in expected.items():
        result = run.task(name)
        message = result.get("msg", "")
        assert result["_status"] == "failed", (name, result)
        assert all(fragment in message for fragment in fragments), (name, message)
        assert "unable to load credentials from any of the providers" not in message, (name, message)
        assert "EnvironmentVariableCredentialsProvider" not in message, (name, message)

    secrets = [key["access_key_secret"] for key in keys.values()] + [emulator.access_key_secret]
    leaked = [secret for secret in secrets if secret in run.output or secret in json.dumps(run.results)]
    assert not leaked, f"secrets in the output: {leaked}"
