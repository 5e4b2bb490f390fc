# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""Backend entries (the backend_access role's list): the one parser, and the merge into one desired rule set.

An entry names one or more sources of backends (an ACK cluster, ECS instances, ECS tags or
security groups; _sources.parse_source checks them, as backend_sg_info checks its `sources`)
and the port ranges the gateway must reach there (_port_ranges, read as a module reads its
``type: list`` options). Discovery turns each entry's source into security groups;
merge_backend_rules then gives every group the union of the ranges of all the entries that
reach it, which gateway_sg_authorization converges as its `rules`.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import NamedTuple
from typing import Optional
from typing import Sequence
from typing import Tuple

from ansible_collections.alibabacloud.apig.plugins.module_utils._descriptions import check_description
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._option_values import as_list
from ansible_collections.alibabacloud.apig.plugins.module_utils._option_values import load_text
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import DesiredGroup
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import merge_desired_groups
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import PortRange
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import normalize_port_ranges
from ansible_collections.alibabacloud.apig.plugins.module_utils._sources import SOURCE_ENTRY_KEYS
from ansible_collections.alibabacloud.apig.plugins.module_utils._sources import SOURCE_KEYS
from ansible_collections.alibabacloud.apig.plugins.module_utils._sources import Source
from ansible_collections.alibabacloud.apig.plugins.module_utils._sources import parse_source

ENTRY_KEYS = SOURCE_ENTRY_KEYS + ("port_ranges", "description")


class BackendEntry(NamedTuple):
    """One checked entry: its source, its port ranges (merged for state present) and its description."""

    name: str
    source: Source
    port_ranges: Tuple[PortRange, ...]
    description: Optional[str]

    def to_dict(self) -> Dict[str, Any]:
        """The backend_entries filter's shape: the source as an entry of backend_sg_info's `sources` (with its name)."""
        source = dict(self.source.to_options(), name=self.name)
        if self.source.allow_empty:
            source["allow_empty"] = True
        return {
            "name": self.name,
            "source": source,
            "port_ranges": [str(pr) for pr in self.port_ranges],
            "description": self.description,
        }


def parse_backend_entries(entries: Any, field: str, state: str = "present", purge: bool = False) -> List[BackendEntry]:
    """Check every entry, before any API call; OptionError names the field ``field[i]...``.

    With state present every entry needs port ranges, and overlapping ones are merged; with absent the
    ranges are kept as listed (revoking 80/9000 and 8080 revokes both), and may be left out.
    A string is the list as YAML or JSON text (an AWX survey's textarea). With purge, no entry may say
    allow_empty: purge would revoke the authorizations of what such an entry did not find.
    """
    if isinstance(entries, str):
        entries = load_text(field, entries)
    if not isinstance(entries, list):
        raise OptionError(field, entries, "must be a list of backend entries")
    parsed = [parse_backend_entry(entry, f"{field}[{index}]", index, state) for index, entry in enumerate(entries)]
    for index, entry in enumerate(parsed):
        if purge and entry.source.allow_empty:
            raise OptionError(
                f"{field}[{index}].allow_empty",
                True,
                "cannot be used with purge: purge would revoke the authorizations of what the entry did not find",
            )
    return parsed


def parse_backend_entry(entry: Any, where: str, index: int, state: str = "present") -> BackendEntry:
    if not isinstance(entry, dict):
        raise OptionError(where, entry, "must be a dictionary")
    unknown = sorted((key for key in entry if key not in ENTRY_KEYS), key=str)
    if unknown:
        key = unknown[0]
        raise OptionError(f"{where}.{key}", entry[key], "is not a key of an entry; keys: " + ", ".join(ENTRY_KEYS))
    source = parse_source({key: entry.get(key) for key in SOURCE_ENTRY_KEYS}, index, where)
    name = source.name or _default_name(source)
    return BackendEntry(
        name=name,
        source=source._replace(name=name),
        port_ranges=_entry_port_ranges(
            entry.get("port_ranges"), f"{where}.port_ranges", state, optional=bool(source.gateway_services)
        ),
        description=check_description(f"{where}.description", entry.get("description")),
    )


def _entry_port_ranges(raw: Any, field: str, state: str, optional: bool = False) -> Tuple[PortRange, ...]:
    """The entry's ranges; `optional` (gateway_services) lets them be left out: the endpoints' ports then."""
    present = state == "present"
    if raw is None and optional:
        return ()
    if raw is None and present:
        raise OptionError(field.rsplit(".", 1)[0], "port_ranges", "is missing: an entry lists the ports to authorize")
    values = as_list(field, raw) or []
    port_ranges = normalize_port_ranges(values, field, merge=present)
    if present and not port_ranges:
        raise OptionError(field, raw, "must list at least one port range")
    return tuple(port_ranges)


def _default_name(source: Source) -> str:
    """``cluster_id=c1``, ``instance_tags=app:web``: the entry's source keys and values."""
    options = source.to_options()
    return " ".join(f"{key}={_describe(options[key])}" for key in SOURCE_KEYS if key in options)


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return ",".join(f"{k}:{value[k]}" for k in sorted(value))
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def normalize_backend_entries(
    entries: Any, field: str, state: str = "present", purge: bool = False
) -> List[Dict[str, Any]]:
    """The backend_entries filter: the entries as {name, source, port_ranges ("start/end"), description}."""
    return [entry.to_dict() for entry in parse_backend_entries(entries, field, state, purge)]


def merge_backend_rules(
    entries: Sequence[Dict[str, Any]], discovered: Sequence[Dict[str, Any]], state: str = "present"
) -> List[Dict[str, Any]]:
    """One rule per security group, with the union of the ranges of every entry that reaches it.

    `entries` are the backend_entries filter's; `discovered` is backend_sg_info's `sources` result,
    aligned by index with them. A group's description is that of the first entry that reaches it and
    has one. Overlapping ranges are merged only for state present (see parse_backend_entries). A
    gateway_services entry without port ranges gives each group the ports its endpoints use
    (discovery's `port_ranges_by_group`).
    """
    if len(entries) != len(discovered):
        raise OptionError(
            "discovered", f"{len(discovered)} sources", f"do not match the {len(entries)} backend entries"
        )
    given = []
    for entry, found in zip(entries, discovered):
        # A gateway_services entry without port ranges: each group gets its endpoints' ports (discovery's).
        by_group = found.get("port_ranges_by_group") or {} if not entry["port_ranges"] else {}
        for group_id in found.get("security_group_ids") or []:
            own = normalize_port_ranges(by_group.get(group_id) or entry["port_ranges"], group_id, merge=False)
            given.append(DesiredGroup(group_id, tuple(own), entry.get("description")))
    rules = []
    for group in merge_desired_groups(given, merge_overlaps=state == "present"):
        rule = {"security_group_id": group.security_group_id, "port_ranges": [str(pr) for pr in group.port_ranges]}
        if group.description:
            rule["description"] = group.description
        rules.append(rule)
    return rules
