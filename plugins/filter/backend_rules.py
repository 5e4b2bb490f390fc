# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the backend_access role; the one parser of backend entries lives in module_utils/_backends.py."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible_collections.alibabacloud.apig.plugins.module_utils._backends import merge_backend_rules
from ansible_collections.alibabacloud.apig.plugins.module_utils._backends import normalize_backend_entries
from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import known_secrets
from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import mask_secrets
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._ids import ID_PATTERNS
from ansible_collections.alibabacloud.apig.plugins.module_utils._ids import check_id
from ansible_collections.alibabacloud.apig.plugins.module_utils._records import undeclared_ranges as _undeclared_ranges

# What the parser raises for input it refuses: each message names the field (with its index) and the value.
INPUT_ERRORS = OptionError


def _refused(err: Exception) -> AnsibleFilterError:
    """The error a filter raises, its message masked of the credentials the controller holds (the environment's and
    the profile files'), as no_log masks a module's: a value echoed in a message could be one."""
    return AnsibleFilterError(mask_secrets(str(err), known_secrets()))


def backend_entries(entries, field="backends", state="present", purge=False):
    try:
        return normalize_backend_entries(entries, field, state=state, purge=bool(purge))
    except INPUT_ERRORS as err:
        raise _refused(err) from None


def backend_rules(entries, discovered, state="present"):
    try:
        return merge_backend_rules(entries, discovered, state=state)
    except INPUT_ERRORS as err:
        raise _refused(err) from None


def resource_id(value, field, kind):
    if kind not in ID_PATTERNS:
        raise AnsibleFilterError(f"resource_id: kind {kind!r} is not one of {', '.join(sorted(ID_PATTERNS))}")
    try:
        return check_id(field, value, kind)
    except INPUT_ERRORS as err:
        raise _refused(err) from None


def undeclared_ranges(authorizations, rules):
    try:
        return _undeclared_ranges(authorizations or [], rules or [])
    except INPUT_ERRORS as err:
        raise _refused(err) from None


class FilterModule:
    def filters(self):
        return {
            "backend_entries": backend_entries,
            "backend_rules": backend_rules,
            "resource_id": resource_id,
            "undeclared_ranges": undeclared_ranges,
        }
