# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""Backend entries (gateway_sg_authorization's `backends`, the backend_access role's list): validation, and
merging into one desired rule set.

An entry names one source of backends (an ACK cluster, ECS instances, ECS tags or security
groups) and the port ranges the gateway must reach there. Discovery turns each source into
security groups; merge_backend_rules then gives every group the union of the ranges of all
the entries that reach it, which gateway_sg_authorization converges like its `rules`.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import Sequence
from typing import Tuple

from ansible_collections.alibabacloud.apig.plugins.module_utils._discovery import NODEPOOL_KEYS
from ansible_collections.alibabacloud.apig.plugins.module_utils._discovery import SOURCE_KEYS
from ansible_collections.alibabacloud.apig.plugins.module_utils._discovery import Source
from ansible_collections.alibabacloud.apig.plugins.module_utils._discovery import parse_source
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import PortRangeError
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import normalize_port_ranges

ENTRY_KEYS = ("name", "port_ranges", "description") + SOURCE_KEYS + NODEPOOL_KEYS


class BackendEntryError(ValueError):
    """An entry that cannot be used; the message names the field (with its index) and the value."""


def normalize_backend_entries(entries: Any, field: str, state: str = "present") -> List[Dict[str, Any]]:
    """Check every entry and return them as {name, source, port_ranges ("start/end"), description}.

    With state present every entry needs port ranges, and overlapping ones are merged; with absent the
    ranges are kept as listed, so that revoking 80/9000 and 8080 revokes both authorizations.
    """
    present = state == "present"
    if not isinstance(entries, list):
        raise BackendEntryError(f"{field}: {entries!r} must be a list of backend entries")
    normalized = []
    for index, entry in enumerate(entries):
        where = f"{field}[{index}]"
        if not isinstance(entry, dict):
            raise BackendEntryError(f"{where}: {entry!r} must be a dictionary")
        unknown = sorted(set(entry) - set(ENTRY_KEYS))
        if unknown:
            raise BackendEntryError(
                "{}: unknown key(s) {}; an entry takes {}".format(where, ", ".join(unknown), ", ".join(ENTRY_KEYS))
            )
        sources = [key for key in SOURCE_KEYS if entry.get(key) not in (None, "", [], {})]
        if len(sources) != 1:
            raise BackendEntryError(
                "{}: needs exactly one of {}, got {}".format(
                    where, ", ".join(SOURCE_KEYS), ", ".join(sources) if sources else "none"
                )
            )
        filters = [key for key in NODEPOOL_KEYS if entry.get(key)]
        if filters and sources[0] != "cluster_id":
            raise BackendEntryError(f"{where}.{filters[0]}: only applies with cluster_id")
        if len(filters) > 1:
            raise BackendEntryError(f"{where}: nodepool_ids and nodepool_names are mutually exclusive")
        ranges_field = where + ".port_ranges"
        raw_ranges = entry.get("port_ranges")
        if raw_ranges is None and not present:
            raw_ranges = []
        try:
            port_ranges = normalize_port_ranges(raw_ranges, ranges_field, merge=present)
        except PortRangeError as err:
            raise BackendEntryError(str(err)) from None
        if present and not port_ranges:
            raise BackendEntryError(f"{ranges_field}: {raw_ranges!r} must list at least one port range")
        source = {key: entry[key] for key in SOURCE_KEYS + NODEPOOL_KEYS if entry.get(key) not in (None, "", [], {})}
        normalized.append(
            {
                "name": entry.get("name") or f"{sources[0]}={_describe(entry[sources[0]])}",
                "source": source,
                "port_ranges": [str(pr) for pr in port_ranges],
                "description": entry.get("description"),
            }
        )
    return normalized


def parse_backends(entries: Any, field: str, state: str = "present") -> Tuple[List[Dict[str, Any]], List[Source]]:
    """The normalized entries and their discovery sources, every id checked: all before any API call."""
    normalized = normalize_backend_entries(entries, field, state=state)
    sources = [
        parse_source(dict(entry["source"], name=entry["name"]), index, f"{field}[{index}]")
        for index, entry in enumerate(normalized)
    ]
    return normalized, sources


def merge_backend_rules(
    entries: Sequence[Dict[str, Any]], discovered: Sequence[Dict[str, Any]], state: str = "present"
) -> List[Dict[str, Any]]:
    """One rule per security group, with the union of the ranges of every entry that reaches it.

    `discovered` is backend_sg_info's `sources` result, aligned by index with `entries`. A group's
    description is that of the first entry that reaches it and has one. Overlapping ranges are merged
    only for state present (see normalize_backend_entries).
    """
    if len(entries) != len(discovered):
        raise BackendEntryError(f"discovery returned {len(discovered)} sources for {len(entries)} backend entries")
    ranges: Dict[str, List[str]] = {}
    descriptions: Dict[str, Any] = {}
    for entry, found in zip(entries, discovered):
        for group_id in found.get("security_group_ids") or []:
            ranges.setdefault(group_id, []).extend(entry["port_ranges"])
            if descriptions.get(group_id) is None:
                descriptions[group_id] = entry.get("description")
    rules = []
    for group_id in sorted(ranges):
        rule = {
            "security_group_id": group_id,
            "port_ranges": [
                str(pr) for pr in normalize_port_ranges(ranges[group_id], group_id, merge=state == "present")
            ],
        }
        if descriptions.get(group_id):
            rule["description"] = descriptions[group_id]
        rules.append(rule)
    return rules


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return ",".join(f"{k}:{value[k]}" for k in sorted(value))
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)
