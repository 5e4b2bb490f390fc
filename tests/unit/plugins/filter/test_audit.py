# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.alibabacloud.apig.plugins.filter.audit import backend_audit
from ansible_collections.alibabacloud.apig.plugins.module_utils._audit import audit_gateway
from ansible_collections.alibabacloud.apig.plugins.module_utils._audit import audit_summary_lines
from ansible_collections.alibabacloud.apig.plugins.module_utils._audit import declared_pairs
from ansible_collections.alibabacloud.apig.plugins.module_utils._records import undeclared_ranges
from hypothesis import given
from hypothesis import strategies as st

GROUPS = ("sg-a", "sg-b", "sg-c", "sg-d")
RANGES = ("80/80", "443/443", "8080/8080", "80/9000")


def auth(group: str, port_range: str, effective: Any = True, rule_id: str = "gsgr-1") -> Dict[str, Any]:
    item = {"security_group_id": group, "port_range": port_range, "rule_id": rule_id}
    if effective is not None:
        item["effective"] = effective
    return item


GATEWAY = {
    "gateway_id": "gw-1",
    "name": "demo",
    "vpc_id": "vpc-1",
    "authorizations": [
        auth("sg-a", "8080/8080"),
        auth("sg-b", "80/9000", effective=False),
        auth("sg-x", "22/22", effective=None),
    ],
}
ENTRIES = [
    {"name": "service a", "port_ranges": ["8080/8080"]},
    {"name": "service b", "port_ranges": ["80/9000"]},
    {"name": "both", "port_ranges": ["443/443", "8080/8080"]},
]
SOURCES = [
    {"security_group_ids": ["sg-a"]},
    {"security_group_ids": ["sg-b"]},
    {"security_group_ids": ["sg-a", "sg-b"]},
]
DECLARED = [
    {"security_group_id": "sg-a", "port_ranges": ["8080/8080", "443/443"]},
    {"security_group_id": "sg-b", "port_ranges": ["80/9000"]},
]


def test_drift_missing_undeclared_and_backends() -> None:
    audit = audit_gateway(GATEWAY, ENTRIES, SOURCES, DECLARED, [{"code": "F1", "message": "m"}])
    assert [a["backends"] for a in audit["authorizations"]] == [["service a", "both"], ["service b", "both"], []]
    assert [(a["security_group_id"], a["port_range"]) for a in audit["drift"]] == [("sg-b", "80/9000")]
    assert audit["missing"] == ["sg-a 443/443"]
    assert audit["undeclared"] == ["sg-x 22/22"]
    assert audit["findings"] == [{"code": "F1", "message": "m"}]
    assert audit["gateway"] == GATEWAY
    # The input is not changed.
    assert "backends" not in GATEWAY["authorizations"][0]


def test_a_range_is_credited_only_to_the_entries_that_declare_it() -> None:
    """Two entries reach one group with different ranges: each authorized range names only its own entry."""
    gateway = {
        "gateway_id": "gw-1",
        "authorizations": [auth("sg-a", "9443/9443"), auth("sg-a", "8080/8080"), auth("sg-a", "22/22")],
    }
    entries = [{"name": "orders pool", "port_ranges": ["8080/8080"]}, {"name": "orders admin", "port_ranges": [9443]}]
    sources = [{"security_group_ids": ["sg-a"]}, {"security_group_ids": ["sg-a"]}]
    declared = [{"security_group_id": "sg-a", "port_ranges": ["8080/8080", "9443/9443"]}]
    audit = audit_gateway(gateway, entries, sources, declared)
    assert [a["backends"] for a in audit["authorizations"]] == [["orders admin"], ["orders pool"], []]
    assert audit["undeclared"] == ["sg-a 22/22"]
    assert audit_summary_lines(audit)[1:4] == [
        "sg-a 9443/9443 -> orders admin",
        "sg-a 8080/8080 -> orders pool",
        "sg-a 22/22 -> no declared backend",
    ]


def test_a_merged_range_is_credited_to_every_entry_inside_it_and_services_use_their_discovered_ports() -> None:
    gateway = {"gateway_id": "gw-1", "authorizations": [auth("sg-a", "80/9000"), auth("sg-a", "8080/8080")]}
    entries = [
        {"name": "wide", "port_ranges": ["80/9000"]},
        {"name": "narrow", "port_ranges": ["8443/8443"]},
        {"name": "services", "port_ranges": []},
        {"name": "elsewhere", "port_ranges": ["8080/8080"]},
    ]
    sources = [
        {"security_group_ids": ["sg-a"]},
        {"security_group_ids": ["sg-a"]},
        {"security_group_ids": ["sg-a"], "port_ranges_by_group": {"sg-a": ["8080/8080"]}},
        {"security_group_ids": ["sg-b"]},
    ]
    audit = audit_gateway(gateway, entries, sources, [{"security_group_id": "sg-a", "port_ranges": ["80/9000"]}])
    assert [a["backends"] for a in audit["authorizations"]] == [["wide", "narrow", "services"], ["services"]]
    # 8080/8080 inside the declared 80/9000 is not that range: undeclared, as the planner and the summary see it.
    assert audit["undeclared"] == ["sg-a 8080/8080"]


def test_the_audit_and_the_summary_name_the_same_undeclared_pairs() -> None:
    records = [
        auth("sg-a", "8080/8080"),
        auth("sg-a", "8081"),  # the same as 8081/8081
        auth("sg-b", "8080/8080"),  # inside 80/9000, yet not that range
        auth("sg-c", "22/22"),  # a group no rule names
        auth("sg-a", "garbled"),  # unreadable: left alone by the planner, named by neither
    ]
    rules = [
        {"security_group_id": "sg-a", "port_ranges": [8081]},
        {"security_group_id": "sg-b", "port_ranges": ["80/9000"]},
    ]
    audit = audit_gateway({"gateway_id": "gw-1", "authorizations": records}, [], [], rules)
    summary = [f"{item['security_group_id']} {item['port_range']}" for item in undeclared_ranges(records, rules)]
    assert audit["undeclared"] == summary == ["sg-a 8080/8080", "sg-b 8080/8080", "sg-c 22/22"]


def test_summary_lines() -> None:
    audit = audit_gateway(GATEWAY, ENTRIES, SOURCES, DECLARED, [{"code": "F1", "message": "m"}])
    assert audit_summary_lines(audit) == [
        "gateway gw-1 (demo, VPC vpc-1): 3 authorization(s), 1 drifted, 1 declared but missing, 1 undeclared",
        "sg-a 8080/8080 -> service a, both",
        "sg-b 80/9000 -> service b, both [DRIFT: inbound rule missing]",
        "sg-x 22/22 -> no declared backend",
        "declared but not authorized: sg-a 443/443",
        "finding F1: m",
    ]


def test_nothing_declared_means_nothing_undeclared_or_missing() -> None:
    audit = audit_gateway(GATEWAY, [], [], [])
    assert audit["undeclared"] == [] and audit["missing"] == []
    assert [a["backends"] for a in audit["authorizations"]] == [[], [], []]
    assert len(audit["drift"]) == 1


def test_a_gateway_without_name_or_vpc() -> None:
    audit = audit_gateway({"gateway_id": "gw-2", "authorizations": []}, [], [], [])
    assert audit_summary_lines(audit) == [
        "gateway gw-2 (, VPC ?): 0 authorization(s), 0 drifted, 0 declared but missing, 0 undeclared"
    ]


def test_effective_none_is_drift_but_absent_is_not() -> None:
    gateway = {"gateway_id": "gw-1", "authorizations": [dict(auth("sg-a", "80/80"), effective=None)]}
    assert len(audit_gateway(gateway, [], [], [])["drift"]) == 1
    assert (
        audit_gateway({"gateway_id": "gw-1", "authorizations": [auth("sg-a", "80/80", None)]}, [], [], [])["drift"]
        == []
    )


@pytest.mark.parametrize(
    ("gateway", "sources", "declared", "message"),
    [
        ("gw-1", [], [], "gateway must be a dict, got str: 'gw-1'"),
        ({"authorizations": "x"}, [], [], "gateway.authorizations must be a list, got str: 'x'"),
        ({"authorizations": [5]}, [], [], "gateway.authorizations[0] must be a dict, got int: 5"),
        (
            GATEWAY,
            [],
            [{"security_group_id": "sg-a", "port_ranges": 80}],
            "declared rules[0].port_ranges must be a list",
        ),
        (GATEWAY, ["sg-a"], [], "sources[0] must be a dict, got str: 'sg-a'"),
    ],
)
def test_the_filter_names_what_is_wrong(gateway: Any, sources: Any, declared: Any, message: str) -> None:
    with pytest.raises(AnsibleFilterError) as info:
        backend_audit(gateway, [{"name": "e"}], sources, declared)
    assert message in str(info.value)


def test_the_filter_adds_the_lines() -> None:
    audit = backend_audit(GATEWAY, ENTRIES, SOURCES, DECLARED)
    assert audit["lines"] == audit_summary_lines(audit)
    assert audit["findings"] == []


# ------------------------------------------------------------------ properties

authorizations = st.lists(
    st.builds(auth, st.sampled_from(GROUPS), st.sampled_from(RANGES), st.sampled_from([True, False, None])),
    max_size=12,
)
declared_rules = st.lists(
    st.builds(
        lambda group, ranges: {"security_group_id": group, "port_ranges": sorted(ranges)},
        st.sampled_from(GROUPS),
        st.sets(st.sampled_from(RANGES), max_size=4),
    ),
    max_size=4,
    unique_by=lambda rule: rule["security_group_id"],
)
sources_and_entries = st.lists(st.sets(st.sampled_from(GROUPS), max_size=3), max_size=4)


@given(authorizations, declared_rules, sources_and_entries)
def test_the_audit_partitions_the_pairs(auths: List[Dict], declared: List[Dict], groups: List[set]) -> None:
    entries = [{"name": f"e{i}", "port_ranges": list(RANGES)} for i in range(len(groups))]
    sources = [{"security_group_ids": sorted(g)} for g in groups]
    gateway = {"gateway_id": "gw-1", "authorizations": auths}
    audit = audit_gateway(gateway, entries, sources, declared)
    authorized = {f"{a['security_group_id']} {a['port_range']}" for a in auths}
    wanted = declared_pairs(declared)
    assert set(audit["missing"]) == set(wanted) - authorized
    if wanted:
        assert set(audit["undeclared"]) == authorized - set(wanted)
    else:
        assert audit["undeclared"] == []
    assert audit["drift"] == [a for a in auths if not a.get("effective", True)]
    assert len(audit["authorizations"]) == len(auths)
    for item in audit["authorizations"]:
        # Every entry lists every range, so each declares each authorization of a group it reaches.
        expected = [e["name"] for e, g in zip(entries, groups) if item["security_group_id"] in g]
        assert item["backends"] == expected
    lines = audit_summary_lines(audit)
    assert len(lines) == 1 + len(auths) + len(audit["missing"])
    assert sum("[DRIFT" in line for line in lines) == len(audit["drift"])
