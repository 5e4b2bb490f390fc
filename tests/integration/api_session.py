# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's own API layer in the test's process, signed with an emulator world's default key."""

from __future__ import annotations

from typing import Any

from ansible_collections.alibabacloud.apig.plugins.module_utils._client import Session
from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import connection_settings


def session_for(emulator: Any) -> Session:
    """A Session on every product's endpoint of the emulator; one attempt a call, so a refusal shows at once."""
    params = dict(
        access_key_id=emulator.access_key_id,
        access_key_secret=emulator.access_key_secret,
        security_token=None,
        region=emulator.region,
        profile=None,
        apig_endpoint=emulator.url,
        ecs_endpoint=emulator.url,
        cs_endpoint=emulator.url,
        connect_timeout=5.0,
        read_timeout=30.0,
        max_attempts=1,
        retry_timeout=10.0,
    )
    return Session(connection_settings(params))
