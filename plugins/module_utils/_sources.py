# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""Sources of backends (an ACK cluster and its node pools, ECS instances, ECS tags, security groups, the gateway's
own services): the one parser.

parse_source checks one source, from backend_sg_info's options or one of its `sources`, or from
a backend entry of the backend_access role (through _backends.parse_backend_entries), with the
same rules and messages: at least one source key; node pool filters only with a cluster and not
both; ids of the right form; lists not empty; tag values strings. Values are read as the
module's argument spec reads them (_option_values), so the role and the module accept the same
forms. The argument spec itself checks types only.
"""

from __future__ import annotations

import unicodedata
from typing import Any
from typing import Dict
from typing import List
from typing import NamedTuple
from typing import Optional
from typing import Sequence
from typing import Tuple

from ansible_collections.alibabacloud.apig.plugins.module_utils._ecs import MAX_TAGS
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._ids import check_id
from ansible_collections.alibabacloud.apig.plugins.module_utils._option_values import as_bool
from ansible_collections.alibabacloud.apig.plugins.module_utils._option_values import as_dict
from ansible_collections.alibabacloud.apig.plugins.module_utils._option_values import as_str
from ansible_collections.alibabacloud.apig.plugins.module_utils._option_values import as_str_list

SOURCE_KEYS = ("cluster_id", "instance_ids", "instance_tags", "security_group_ids", "gateway_services")
ALL_SERVICES = "all"
NODEPOOL_KEYS = ("nodepool_ids", "nodepool_names")
# allow_empty: the source may find nothing (a node pool scaled to zero) without failing the fail_on_empty guard.
SOURCE_ENTRY_KEYS = ("name",) + SOURCE_KEYS + NODEPOOL_KEYS + ("allow_empty",)

# The argument spec of one source (types only; parse_source checks the rest): backend_sg_info's
# top-level options and its sources[].
SOURCE_OPTIONS = dict(
    cluster_id=dict(type="str"),
    nodepool_ids=dict(type="list", elements="str"),
    nodepool_names=dict(type="list", elements="str"),
    instance_ids=dict(type="list", elements="str"),
    instance_tags=dict(type="dict"),
    security_group_ids=dict(type="list", elements="str"),
    # V(all), or a list of service names: the argument spec cannot type that union, parse_source checks it.
    gateway_services=dict(type="raw"),
)

TagSet = Tuple[Tuple[str, str], ...]


class Source(NamedTuple):
    """One validated source of backends. Tuples are sorted and unique; instance_tags is sorted (key, value) pairs."""

    index: int
    name: Optional[str] = None
    cluster_id: Optional[str] = None
    nodepool_ids: Tuple[str, ...] = ()
    nodepool_names: Tuple[str, ...] = ()
    instance_ids: Tuple[str, ...] = ()
    instance_tags: TagSet = ()
    security_group_ids: Tuple[str, ...] = ()
    # The gateway's services by name; ("all",) is every service (ALL_SERVICES); () is not this source.
    gateway_services: Tuple[str, ...] = ()
    # Where the source was given, for messages: "sources[2]", "backends[0]"; "" for a module's top-level options.
    field: str = ""
    allow_empty: bool = False

    @property
    def selects_node_pools(self) -> bool:
        return bool(self.nodepool_ids or self.nodepool_names)

    def to_options(self) -> Dict[str, Any]:
        """The source as backend_sg_info's options take it (what parse_source reads back into this source)."""
        options: Dict[str, Any] = {"cluster_id": self.cluster_id} if self.cluster_id else {}
        for key in NODEPOOL_KEYS + ("instance_ids", "security_group_ids"):
            if getattr(self, key):
                options[key] = list(getattr(self, key))
        if self.instance_tags:
            options["instance_tags"] = dict(self.instance_tags)
        if self.gateway_services:
            all_services = self.gateway_services == (ALL_SERVICES,)
            options["gateway_services"] = ALL_SERVICES if all_services else list(self.gateway_services)
        return {key: options[key] for key in SOURCE_KEYS + NODEPOOL_KEYS if key in options}


def _list_option(field: str, value: Any) -> Sequence[str]:
    """The option's values; an absent option is an empty list, an empty one is refused (it selects nothing)."""
    values = as_str_list(field, value)
    if values is None:
        return ()
    if not values:
        raise OptionError(field, value, "must not be empty: omit the option instead")
    return values


def _id_list(field: str, value: Any, kind: str) -> Tuple[str, ...]:
    return tuple(sorted({check_id(f"{field}[{i}]", v, kind) for i, v in enumerate(_list_option(field, value))}))


def _name_list(field: str, value: Any) -> Tuple[str, ...]:
    names = _list_option(field, value)
    for i, name in enumerate(names):
        if not name.strip():
            raise OptionError(f"{field}[{i}]", name, "must be a non-empty node pool name")
    return tuple(sorted(set(names)))


def _tags(field: str, value: Any) -> TagSet:
    tags = as_dict(field, value)
    if tags is None:
        return ()
    if not tags:
        raise OptionError(field, value, "must not be empty: omit the option instead")
    if len(tags) > MAX_TAGS:
        raise OptionError(field, value, f"has {len(tags)} tags; ECS filters on at most {MAX_TAGS}")
    for key, tag_value in tags.items():
        if not isinstance(key, str) or not key.strip():
            raise OptionError(field, key, "has a tag key that is not a non-empty string")
        # YAML turns `env: 1` or `on: yes` into numbers and booleans: ECS tag values are strings.
        if not isinstance(tag_value, str):
            raise OptionError(f"{field}.{key}", tag_value, "is not a string: quote tag values in YAML")
    return tuple(sorted(tags.items()))


def _service_names(field: str, value: Any) -> Tuple[str, ...]:
    """`all`, or a non-empty list of non-empty service names (sorted, unique)."""
    if value is None:
        return ()
    if isinstance(value, str):
        if value.strip() != ALL_SERVICES:
            raise OptionError(field, value, f"must be {ALL_SERVICES!r} or a list of service names")
        return (ALL_SERVICES,)
    names = _list_option(field, value)
    for i, name in enumerate(names):
        if not name.strip():
            raise OptionError(f"{field}[{i}]", name, "must be a non-empty service name")
    return tuple(sorted(set(names)))


def _source_name(field: str, value: Any) -> Optional[str]:
    """A source's (a backend entry's) name: a non-blank string of one line; a number or a list is refused."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise OptionError(field, value, "must be a string (quote it in YAML)")
    if not value.strip():
        raise OptionError(field, value, "must not be blank: omit it to get a name made of the source's ids")
    if any(unicodedata.category(character) in ("Cc", "Zl", "Zp") for character in value):
        raise OptionError(field, value, "contains a control character or a line break: a name is one line of text")
    return value


def _check_source_keys(raw: Dict[str, Any], where: str, prefix: str) -> None:
    # allow_empty (which a module's argument spec fills in) is not a source: the message shows what was.
    given = {key: value for key, value in raw.items() if value is not None and key != "allow_empty"}
    if not any(key in given for key in SOURCE_KEYS):
        raise OptionError(where, given, "names no source: give one or more of " + ", ".join(SOURCE_KEYS))
    if "nodepool_ids" in given and "nodepool_names" in given:
        raise OptionError(prefix + "nodepool_names", given["nodepool_names"], "is mutually exclusive with nodepool_ids")
    for key in NODEPOOL_KEYS:
        if key in given and "cluster_id" not in given:
            raise OptionError(prefix + key, given[key], "needs cluster_id (node pools belong to a cluster)")


def parse_source(raw: Dict[str, Any], index: int, field: str = "") -> Source:
    """Validate one source (the keys of SOURCE_ENTRY_KEYS; others are ignored); field prefixes messages."""
    prefix = f"{field}." if field else ""
    _check_source_keys(raw, field or "options", prefix)
    cluster_id = as_str(raw.get("cluster_id"))
    if cluster_id is not None:
        check_id(prefix + "cluster_id", cluster_id, "cluster")
    return Source(
        index=index,
        name=_source_name(prefix + "name", raw.get("name")),
        cluster_id=cluster_id,
        nodepool_ids=_id_list(prefix + "nodepool_ids", raw.get("nodepool_ids"), "nodepool"),
        nodepool_names=_name_list(prefix + "nodepool_names", raw.get("nodepool_names")),
        instance_ids=_id_list(prefix + "instance_ids", raw.get("instance_ids"), "instance"),
        instance_tags=_tags(prefix + "instance_tags", raw.get("instance_tags")),
        security_group_ids=_id_list(prefix + "security_group_ids", raw.get("security_group_ids"), "security_group"),
        gateway_services=_service_names(prefix + "gateway_services", raw.get("gateway_services")),
        field=field,
        allow_empty=as_bool(prefix + "allow_empty", raw.get("allow_empty")),
    )


def parse_sources(params: Dict[str, Any]) -> List[Source]:
    """backend_sg_info's sources: the `sources` list, or else one source from the top-level options."""
    entries = params.get("sources")
    if entries is None:
        return [parse_source({k: params.get(k) for k in SOURCE_KEYS + NODEPOOL_KEYS}, 0)]
    if not isinstance(entries, list) or not entries:
        raise OptionError("sources", entries, "must be a non-empty list of sources")
    sources = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise OptionError(f"sources[{index}]", entry, "must be a dictionary")
        sources.append(parse_source(entry, index, f"sources[{index}]"))
    return sources
