# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import re

from ansible_collections.alibabacloud.apig.plugins.filter.audit import audit_report
from ansible_collections.alibabacloud.apig.plugins.filter.audit import backend_audit
from ansible_collections.alibabacloud.apig.plugins.filter.audit import collection_version
from ansible_collections.alibabacloud.apig.plugins.module_utils._audit import audit_gateway
from ansible_collections.alibabacloud.apig.plugins.module_utils._audit_diagram import MAX_INSTANCES_PER_GROUP
from ansible_collections.alibabacloud.apig.plugins.module_utils._audit_diagram import audit_diagram
from ansible_collections.alibabacloud.apig.plugins.module_utils._audit_diagram import mermaid_text
from hypothesis import given
from hypothesis import strategies as st

GATEWAY = {
    "gateway_id": "gw-1",
    "name": "demo",
    "security_group": {"security_group_id": "sg-gw"},
    "authorizations": [
        {"security_group_id": "sg-a", "port_range": "8080/8080", "effective": True},
        {"security_group_id": "sg-b", "port_range": "80/9000", "effective": False},
        {"security_group_id": "sg-x", "port_range": "22/22"},
    ],
}
ENTRIES = [{"name": "orders", "port_ranges": ["8080/8080"]}, {"name": "billing", "port_ranges": ["80/9000", "443/443"]}]
SOURCES = [{"security_group_ids": ["sg-a"]}, {"security_group_ids": ["sg-b", "sg-c"]}]
DECLARED = [
    {"security_group_id": "sg-a", "port_ranges": ["8080/8080"]},
    {"security_group_id": "sg-b", "port_ranges": ["80/9000"]},
    {"security_group_id": "sg-c", "port_ranges": ["443/443"]},
]
GROUPS = [
    {"security_group_id": "sg-a", "name": "nodes", "node_pools": ["np-1"], "instances": ["i-1", "i-2", "i-9"]},
    {"security_group_id": "sg-b", "name": "ecs", "node_pools": [], "instances": ["i-3"]},
]
INSTANCES = [
    {"instance_id": "i-1", "name": "node-1", "nodepool_id": "np-1"},
    {"instance_id": "i-2", "name": "node-2", "nodepool_id": "np-1"},
    {"instance_id": "i-9", "name": "stray", "nodepool_id": None},
    {"instance_id": "i-3", "name": "web-1", "nodepool_id": None},
]
NODE = re.compile(r"^    (n\d+)[\[({]+\"(.*?)\"[\])}]+:::(\w+)$")
ESCAPED = re.compile(r"(?:[A-Za-z0-9 .,:/_\-+=@()]|#\d+;)*")
LINK = re.compile(r"^    (n\d+) (-->|-\.->)(?:\|\"(.*?)\"\|)? (n\d+)$")


def diagram() -> str:
    audit = audit_gateway(GATEWAY, ENTRIES, SOURCES, DECLARED)
    return audit_diagram(audit, ENTRIES, SOURCES, GROUPS, INSTANCES)


def parse(text: str):
    """(nodes: id -> (label, class), links: [(source, arrow, label, target)], linkStyle lines)."""
    nodes, links, styles = {}, [], []
    for line in text.splitlines()[1:]:
        if line.startswith("    classDef "):
            continue
        if line.startswith("    linkStyle "):
            styles.append(line.split()[1:3])
            continue
        node, link = NODE.match(line), LINK.match(line)
        assert node or link, f"unexpected line {line!r}"
        if node:
            nodes[node.group(1)] = (node.group(2), node.group(3))
        else:
            links.append(link.groups())
    return nodes, links, styles


def by_label(nodes, start: str) -> str:
    return next(node for node, (label, css) in nodes.items() if label.startswith(start))


def test_the_diagram_links_the_gateway_to_its_groups_and_their_members():
    text = diagram()
    assert text.startswith("flowchart LR\n") and text.endswith("\n")
    nodes, links, styles = parse(text)
    gateway = by_label(nodes, "gateway gw-1")
    assert nodes[gateway] == ("gateway gw-1<br>demo<br>sg-gw", "gateway")
    group_a, group_b, group_c = (by_label(nodes, g) for g in ("sg-a", "sg-b", "sg-c"))
    assert nodes[group_a] == ("sg-a<br>nodes", "group")
    assert nodes[group_b][1] == "drift"
    assert nodes[group_c] == ("sg-c", "missing")
    assert nodes[by_label(nodes, "sg-x")][1] == "undeclared"
    assert (gateway, "-->", "8080/8080", group_a) in links
    assert (gateway, "-.->", "80/9000<br>DRIFT: inbound rule missing", group_b) in links
    assert (gateway, "-.->", "443/443<br>MISSING: declared, not authorized", group_c) in links
    # The node pool counts its nodes; the instance outside it is drawn by itself.
    assert (group_a, "-->", None, by_label(nodes, "node pool<br>np-1<br>2 node(s)")) in links
    assert (group_a, "-->", None, by_label(nodes, "i-9<br>stray")) in links
    assert not [label for label, css in nodes.values() if label.startswith(("i-1", "i-2"))]
    # Declared backends (services) hang off the groups their source yields; one node per backend.
    billing = by_label(nodes, "billing")
    assert nodes[billing][1] == "service"
    assert {(link[0], link[3]) for link in links if link[3] == billing} == {(group_b, billing), (group_c, billing)}
    # The dashed links are styled by their index among the links.
    indexes = {kind: [int(i) for i in index.split(",")] for index, kind in [(s[0], s[1]) for s in styles]}
    dashed = [i for i, link in enumerate(links) if link[1] == "-.->"]
    assert sorted(i for values in indexes.values() for i in values) == dashed
    assert [line for line in text.splitlines() if "linkStyle" in line][0].endswith("color:#a50e0e")


def test_many_instances_are_summed_up():
    group = {"security_group_id": "sg-a", "node_pools": [], "instances": [f"i-{n}" for n in range(20)]}
    audit = audit_gateway(GATEWAY, [], [], [])
    nodes = parse(audit_diagram(audit, [], [], [group], []))[0]
    instances = [label for label, css in nodes.values() if css == "instance"]
    assert len(instances) == MAX_INSTANCES_PER_GROUP + 1
    assert f"{20 - MAX_INSTANCES_PER_GROUP} more instance(s)" in instances


def test_an_audit_with_nothing_is_the_gateway_alone():
    audit = audit_gateway({"gateway_id": "gw-1"}, [], [], [])
    nodes, links, styles = parse(audit_diagram(audit))
    assert list(nodes.values()) == [("gateway gw-1", "gateway")] and links == [] and styles == []


def test_labels_are_escaped_as_entity_codes():
    assert mermaid_text('a"b') == "a#34;b"
    assert mermaid_text("x]; end %% <b>`#") == "x#93;#59; end #37;#37; #60;b#62;#96;#35;"
    assert mermaid_text(None) == ""
    assert mermaid_text("\u7f51\u5173") == "#32593;#20851;"


@given(st.text(max_size=40), st.text(max_size=40))
def test_no_label_can_break_out_of_its_quotes(name, group_id):
    gateway = {
        "gateway_id": name,
        "name": name,
        "authorizations": [{"security_group_id": group_id, "port_range": name, "security_group_name": name}],
    }
    audit = audit_gateway(gateway, [{"name": name}], [{"security_group_ids": [group_id]}], [])
    text = audit_diagram(audit, [{"name": name}], [{"security_group_ids": [group_id]}], [], [])
    nodes, links = parse(text)[:2]
    labels = [label for label, css in nodes.values()] + [link[2] or "" for link in links]
    for label in labels:
        assert ESCAPED.fullmatch(label.replace("<br>", "")), label
    assert len(nodes) == 3 and len(links) == 2


def test_the_filter_adds_the_diagram_and_the_counts():
    audit = backend_audit(GATEWAY, ENTRIES, SOURCES, DECLARED, [], GROUPS, INSTANCES)
    assert audit["diagram"] == diagram()
    assert audit["summary"] == {"authorizations": 3, "drifted": 1, "missing": 1, "undeclared": 1, "findings": 0}


def test_the_json_report_says_when_where_and_which_version():
    audit = backend_audit(GATEWAY, ENTRIES, SOURCES, DECLARED)
    document = audit_report(audit, "cn-hangzhou", "2026-01-02T03:04:05Z")
    assert document["collection"] == {"name": "alibabacloud.apig", "version": collection_version()}
    assert document["region"] == "cn-hangzhou" and document["generated_at"] == "2026-01-02T03:04:05Z"
    assert "authorizations" not in document["gateway"] and document["gateway"]["gateway_id"] == "gw-1"
    assert document["summary"]["drifted"] == 1 and document["missing"] == ["sg-c 443/443"]
    assert [a["backends"] for a in document["authorizations"]] == [["orders"], ["billing"], []]


def test_the_collection_version_comes_from_the_manifest_or_galaxy_yml(tmp_path):
    assert collection_version(tmp_path) is None
    (tmp_path / "galaxy.yml").write_text("version: 2.3.4\n")
    assert collection_version(tmp_path) == "2.3.4"
    (tmp_path / "MANIFEST.json").write_text('{"collection_info": {"version": "5.6.7"}}')
    assert collection_version(tmp_path) == "5.6.7"
