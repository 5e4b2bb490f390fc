# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""The audit of one gateway as a Mermaid flowchart, for the Markdown report (GitHub, GitLab and AWX render it).

Pure: the input is the audit of _audit.audit_gateway and what backend_sg_info found (the entries'
sources, the security groups with their node pools and instances, the instances). The picture:

  gateway --port range--> authorized group --> node pools, instances, declared backends (services)

An authorization whose inbound rule is missing (drift) is a dashed red link to a red group; a declared
pair that no authorization grants (missing) a dashed orange link to an orange group; a group authorized
but declared by no backend is grey. The words on the links say the same, for a reader without colours.

Node ids are generated (``n0``, ``n1``...): a cloud id never becomes Mermaid syntax. Every label is
quoted and every character outside a small safe set is written as a Mermaid entity code (``#35;``).
"""

from __future__ import annotations

import string
from typing import Any
from typing import Dict
from typing import Iterable
from typing import List
from typing import Mapping
from typing import Optional
from typing import Sequence

from ansible_collections.alibabacloud.apig.plugins.module_utils._audit import is_drifted

_SAFE = frozenset(string.ascii_letters + string.digits + " .,:/_-+=@()")
# A node pool's instances are counted on the pool's node; other instances are drawn up to this many per group.
MAX_INSTANCES_PER_GROUP = 8

CLASS_DEFS = (
    "classDef gateway fill:#e8f0fe,stroke:#1a73e8,stroke-width:2px,color:#0b3d91",
    "classDef group fill:#f1f8e9,stroke:#558b2f,color:#1b3d0a",
    "classDef drift fill:#fdecea,stroke:#d93025,stroke-width:3px,color:#a50e0e",
    "classDef missing fill:#fff4e5,stroke:#e37400,stroke-width:2px,stroke-dasharray:6 3,color:#8a4b00",
    "classDef undeclared fill:#f5f5f5,stroke:#757575,stroke-dasharray:3 3,color:#424242",
    "classDef pool fill:#ede7f6,stroke:#5e35b1,color:#311b92",
    "classDef instance fill:#e0f7fa,stroke:#00838f,color:#004d40",
    "classDef service fill:#fffde7,stroke:#f9a825,color:#5d4300",
)
LINK_STYLES = {
    "drift": "stroke:#d93025,stroke-width:3px,stroke-dasharray:6 4,color:#a50e0e",
    "missing": "stroke:#e37400,stroke-width:2px,stroke-dasharray:6 4,color:#8a4b00",
}
SHAPES = {
    "gateway": ('{{"', '"}}'),
    "group": ('["', '"]'),
    "pool": ('[["', '"]]'),
    "instance": ('("', '")'),
    "service": ('(["', '"])'),
}


def mermaid_text(value: Any) -> str:
    """`value` as text safe inside a quoted Mermaid label: other characters become entity codes (#35;)."""
    text = "" if value is None else str(value)
    return "".join(char if char in _SAFE else f"#{ord(char)};" for char in text)


def _label(*parts: Any) -> str:
    """Label lines joined by <br> (each line escaped; empty ones left out)."""
    return "<br>".join(mermaid_text(part) for part in parts if part not in (None, ""))


class _Chart:
    """Nodes (deduplicated by a key) and links, written out as Mermaid lines."""

    def __init__(self) -> None:
        self.lines: List[str] = []
        self.ids: Dict[Any, str] = {}
        self.links = 0
        self.link_classes: Dict[str, List[int]] = {}

    def node(self, key: Any, kind: str, label: str, css_class: Optional[str] = None) -> str:
        """The node's id; the first call for a key draws it (in the shape of `kind`, styled `css_class`)."""
        if key not in self.ids:
            self.ids[key] = f"n{len(self.ids)}"
            opening, closing = SHAPES[kind]
            self.lines.append(f"    {self.ids[key]}{opening}{label}{closing}:::{css_class or kind}")
        return self.ids[key]

    def link(self, source: str, target: str, text: str = "", kind: Optional[str] = None) -> None:
        arrow = "-.->" if kind else "-->"
        label = f'|"{text}"|' if text else ""
        self.lines.append(f"    {source} {arrow}{label} {target}")
        if kind:
            self.link_classes.setdefault(kind, []).append(self.links)
        self.links += 1

    def text(self) -> str:
        styles = [
            f"    linkStyle {','.join(str(i) for i in indexes)} {LINK_STYLES[kind]}"
            for kind, indexes in self.link_classes.items()
        ]
        return "\n".join(["flowchart LR", *("    " + c for c in CLASS_DEFS), *self.lines, *styles]) + "\n"


def _split_pair(pair: Any) -> tuple:
    """'<group id> <port range>' -> (group id, port range)."""
    group_id, port_range = str(pair).rpartition(" ")[::2]
    return group_id, port_range


def _group_classes(audit: Mapping[str, Any]) -> Dict[Any, str]:
    """Each drawn group's style: drift (a rule missing) > missing (only declared) > undeclared > group."""
    classes: Dict[Any, str] = {}
    undeclared = {_split_pair(pair)[0] for pair in audit["undeclared"]}
    for auth in audit["authorizations"]:
        group_id = auth.get("security_group_id")
        if is_drifted(auth):
            classes[group_id] = "drift"
        elif classes.get(group_id) != "drift":
            classes[group_id] = "undeclared" if group_id in undeclared else "group"
    for pair in audit["missing"]:
        classes.setdefault(_split_pair(pair)[0], "missing")
    return classes


def _members(
    chart: _Chart, group: Mapping[str, Any], group_node: str, instances: Mapping[Any, Mapping[str, Any]]
) -> None:
    """Link a group to its node pools (with their node count) and to the instances outside those pools."""
    pools = list(group.get("node_pools") or [])
    in_pools = {
        i: instances.get(i, {}).get("nodepool_id")
        for i in group.get("instances") or []
        if instances.get(i, {}).get("nodepool_id") in pools
    }
    for pool in pools:
        nodes = sum(1 for p in in_pools.values() if p == pool)
        count = f"{nodes} node(s)" if nodes else ""
        chart.link(group_node, chart.node(("pool", pool), "pool", _label("node pool", pool, count)))
    others = [i for i in group.get("instances") or [] if i not in in_pools]
    for instance_id in others[:MAX_INSTANCES_PER_GROUP]:
        name = instances.get(instance_id, {}).get("name")
        chart.link(group_node, chart.node(("instance", instance_id), "instance", _label(instance_id, name)))
    if len(others) > MAX_INSTANCES_PER_GROUP:
        more = len(others) - MAX_INSTANCES_PER_GROUP
        chart.link(group_node, chart.node(("more", group_node), "instance", _label(f"{more} more instance(s)")))


def _services(
    chart: _Chart, group_id: Any, group_node: str, entries: Sequence[Mapping[str, Any]], sources: Sequence[Any]
) -> None:
    """Link a group to the declared backends whose discovered source (aligned by index) yields it."""
    for index, (entry, source) in enumerate(zip(entries, sources)):
        if group_id in ((source or {}).get("security_group_ids") or []):
            name = entry.get("name") or f"backend {index + 1}"
            chart.link(group_node, chart.node(("service", index), "service", _label(name)))


def audit_diagram(
    audit: Mapping[str, Any],
    entries: Sequence[Mapping[str, Any]] = (),
    sources: Sequence[Mapping[str, Any]] = (),
    security_groups: Optional[Iterable[Mapping[str, Any]]] = (),
    instances: Optional[Iterable[Mapping[str, Any]]] = (),
) -> str:
    """The Mermaid flowchart (text, without the fence) of an audit of _audit.audit_gateway."""
    gateway = audit["gateway"]
    groups = {g.get("security_group_id"): g for g in security_groups or ()}
    by_instance = {i.get("instance_id"): i for i in instances or ()}
    names = {group_id: group.get("name") for group_id, group in groups.items()}
    for auth in audit["authorizations"]:
        names.setdefault(auth.get("security_group_id"), auth.get("security_group_name"))
    chart = _Chart()
    managed = (gateway.get("security_group") or {}).get("security_group_id")
    gateway_label = _label(f"gateway {gateway.get('gateway_id')}", gateway.get("name"), managed)
    gateway_node = chart.node("gateway", "gateway", gateway_label)
    classes = _group_classes(audit)
    nodes = {
        group_id: chart.node(("group", group_id), "group", _label(group_id, names.get(group_id)), css_class)
        for group_id, css_class in classes.items()
    }
    for auth in audit["authorizations"]:
        node = nodes[auth.get("security_group_id")]
        if is_drifted(auth):
            chart.link(gateway_node, node, _label(auth.get("port_range"), "DRIFT: inbound rule missing"), "drift")
        else:
            chart.link(gateway_node, node, _label(auth.get("port_range")))
    for pair in audit["missing"]:
        group_id, port_range = _split_pair(pair)
        chart.link(gateway_node, nodes[group_id], _label(port_range, "MISSING: declared, not authorized"), "missing")
    for group_id, node in nodes.items():
        _members(chart, groups.get(group_id, {}), node, by_instance)
        _services(chart, group_id, node, entries, sources)
    return chart.text()
