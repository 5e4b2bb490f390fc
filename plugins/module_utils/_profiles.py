# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""The credentials profile files, found as the SDK's credential chain finds them, read for a region.

alibabacloud_credentials reads the profile's keys; this reads only its ``region_id``, so that a
profile gives the region too when neither the option nor the environment does. The files and
the profile chosen are those of the SDK (alibabacloud_credentials 1.0, provider/cli_profile.py
and provider/profile.py):
  * the CLI's ``$HOME/.aliyun/config.json`` (unless ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true):
    the profile named, else ALIBABA_CLOUD_PROFILE, else the file's ``current``;
  * then ``credentials.ini``, from ALIBABA_CLOUD_CREDENTIALS_FILE or
    ``$HOME/.alibabacloud/credentials.ini``: the section named, else ALIBABA_CLOUD_PROFILE, else
    ``default``.
A file that is absent or unreadable gives no region: the credential chain says what is wrong with it.
"""

from __future__ import annotations

import configparser
import json
import os
from typing import Any
from typing import List
from typing import Mapping
from typing import Optional


def _home(environ: Mapping[str, str]) -> str:
    return environ.get("HOME") or os.path.expanduser("~")


def cli_config_path(environ: Mapping[str, str]) -> str:
    return os.path.join(_home(environ), ".aliyun", "config.json")


def credentials_file_path(environ: Mapping[str, str]) -> str:
    return environ.get("ALIBABA_CLOUD_CREDENTIALS_FILE") or os.path.join(
        _home(environ), ".alibabacloud", "credentials.ini"
    )


def _cli_profile(profile: Optional[str], environ: Mapping[str, str]) -> Optional[Mapping[str, Any]]:
    if environ.get("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "").lower() == "true":
        return None
    try:
        with open(cli_config_path(environ), encoding="utf-8") as handle:
            config = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(config, dict):
        return None
    name = profile or environ.get("ALIBABA_CLOUD_PROFILE") or config.get("current")
    for entry in config.get("profiles") or []:
        if isinstance(entry, dict) and name and entry.get("name") == name:
            return entry
    return None


def _ini_profile(profile: Optional[str], environ: Mapping[str, str]) -> Optional[Mapping[str, Any]]:
    parser = configparser.ConfigParser()
    try:
        if not parser.read(credentials_file_path(environ), encoding="utf-8"):
            return None
    except (OSError, configparser.Error):
        return None
    name = profile or environ.get("ALIBABA_CLOUD_PROFILE") or "default"
    return dict(parser.items(name)) if parser.has_section(name) else None


def profile_region(profile: Optional[str], environ: Mapping[str, str]) -> Optional[str]:
    """The ``region_id`` of the profile whose credentials the chain would use, or None."""
    for entry in (_cli_profile(profile, environ), _ini_profile(profile, environ)):
        if entry is not None:
            # credentials.ini allows a trailing comment, as the SDK reads it.
            region = str(entry.get("region_id") or "").split("#", maxsplit=1)[0].strip()
            return region or None
    return None


# The keys of the profile files that hold secrets (alibabacloud_credentials 1.0: cli_profile.py reads
# access_key_secret, sts_token and the Cloud SSO access_token; profile.py reads access_key_secret).
PROFILE_SECRET_KEYS = ("access_key_secret", "sts_token", "security_token", "access_token")


def profile_secrets(environ: Mapping[str, str]) -> List[str]:
    """Every secret value of every profile in the two files, so that a message can be masked of them.

    Every profile, not only the one in use: which one the SDK's chain picked is not known here, and
    masking a value that was not used costs nothing.
    """
    entries: List[Mapping[str, Any]] = []
    try:
        with open(cli_config_path(environ), encoding="utf-8") as handle:
            config = json.load(handle)
        if isinstance(config, dict) and isinstance(config.get("profiles"), list):
            entries.extend(p for p in config["profiles"] if isinstance(p, dict))
    except (OSError, ValueError):
        pass
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(credentials_file_path(environ), encoding="utf-8")
        entries.extend(dict(parser.items(section, raw=True)) for section in parser.sections())
    except (OSError, configparser.Error):
        pass
    return [str(e[k]) for e in entries for k in PROFILE_SECRET_KEYS if e.get(k)]
