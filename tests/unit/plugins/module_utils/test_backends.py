# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
from ansible_collections.alibabacloud.apig.plugins.module_utils._backends import merge_backend_rules
from ansible_collections.alibabacloud.apig.plugins.module_utils._backends import normalize_backend_entries
from ansible_collections.alibabacloud.apig.plugins.module_utils._backends import parse_backend_entries
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import PortRange

FIELD = "backend_access_backends"


def test_entry_is_normalized_with_its_source_and_ranges():
    [entry] = normalize_backend_entries(
        [{"cluster_id": "c1", "nodepool_names": ["web"], "port_ranges": [8080, "80-90", "85/86"]}], FIELD
    )
    assert entry == {
        "name": "cluster_id=c1",
        "source": {"cluster_id": "c1", "nodepool_names": ["web"], "name": "cluster_id=c1"},
        "port_ranges": ["80/90", "8080/8080"],
        "description": None,
    }


def test_absent_keeps_overlapping_ranges_and_allows_none():
    entries = normalize_backend_entries(
        [{"security_group_ids": ["sg-1"], "port_ranges": ["80/9000", 8080]}, {"instance_ids": ["i-1"]}],
        FIELD,
        state="absent",
    )
    assert entries[0]["port_ranges"] == ["80/9000", "8080/8080"]
    assert entries[1]["port_ranges"] == []


@pytest.mark.parametrize(
    "entries, message",
    [
        ("sg-1", "backend_access_backends: 'sg-1' must be a list"),
        (["sg-1"], "backend_access_backends[0]: 'sg-1' must be a dictionary"),
        ([{"port_ranges": [80]}], "backend_access_backends[0]: {} names no source: give one or more of"),
        (
            [{"instance_ids": ["i-1"], "nodepool_ids": ["np1"], "port_ranges": [80]}],
            "backend_access_backends[0].nodepool_ids: ['np1'] needs cluster_id",
        ),
        (
            [{"cluster_id": "c1", "nodepool_ids": ["np1"], "nodepool_names": ["a"], "port_ranges": [80]}],
            "backend_access_backends[0].nodepool_names: ['a'] is mutually exclusive with nodepool_ids",
        ),
        ([{"instance_ids": ["i-1"], "port": [80]}], "backend_access_backends[0].port: [80] is not a key of an entry"),
        ([{"instance_ids": ["i-1"], "port_ranges": []}], "backend_access_backends[0].port_ranges: [] must list"),
        ([{"instance_ids": ["i-1"]}], "backend_access_backends[0]: 'port_ranges' is missing"),
        ([{"instance_ids": ["i-1"], "port_ranges": {"a": 1}}], "backend_access_backends[0].port_ranges: {'a': 1} must"),
        ([{"instance_ids": [], "port_ranges": [80]}], "backend_access_backends[0].instance_ids: [] must not be empty"),
        ([{"instance_ids": ["i-1"], "port_ranges": [80, "80/"]}], "backend_access_backends[0].port_ranges[1]: '80/'"),
        ([{"instance_ids": ["i-1"], "port_ranges": [65536]}], "backend_access_backends[0].port_ranges[0]: 65536"),
    ],
)
def test_bad_entries_name_the_field_and_value(entries, message):
    with pytest.raises(OptionError) as caught:
        normalize_backend_entries(entries, FIELD)
    assert message in str(caught.value)


def test_groups_reached_by_several_entries_get_the_union_of_their_ranges():
    entries = normalize_backend_entries(
        [
            {"cluster_id": "c1", "port_ranges": [8080], "description": "orders"},
            {"instance_tags": {"app": "web"}, "port_ranges": ["80/9000"], "description": "web"},
            {"security_group_ids": ["sg-c"], "port_ranges": [443]},
        ],
        FIELD,
    )
    discovered = [
        {"security_group_ids": ["sg-a", "sg-b"]},
        {"security_group_ids": ["sg-b"]},
        {"security_group_ids": ["sg-c"]},
    ]
    assert merge_backend_rules(entries, discovered) == [
        {"security_group_id": "sg-a", "port_ranges": ["8080/8080"], "description": "orders"},
        {"security_group_id": "sg-b", "port_ranges": ["80/9000"], "description": "orders"},
        {"security_group_id": "sg-c", "port_ranges": ["443/443"]},
    ]


def test_absent_union_keeps_ranges_apart():
    entries = normalize_backend_entries(
        [{"cluster_id": "c1", "port_ranges": [8080]}, {"instance_ids": ["i-1"], "port_ranges": ["80/9000"]}],
        FIELD,
        state="absent",
    )
    rules = merge_backend_rules(entries, [{"security_group_ids": ["sg-a"]}] * 2, state="absent")
    assert rules == [{"security_group_id": "sg-a", "port_ranges": ["80/9000", "8080/8080"]}]


def test_discovery_must_align_with_entries():
    with pytest.raises(OptionError, match="'2 sources' do not match the 1 backend entries"):
        merge_backend_rules([{"port_ranges": ["80/80"]}], [{}, {}])


def test_parse_backend_entries_gives_each_entry_a_discovery_source_named_by_its_field():
    parsed = parse_backend_entries(
        [
            {"name": "web", "cluster_id": "c-1", "nodepool_names": ["web"], "port_ranges": [8080]},
            {"instance_tags": {"app": "orders"}, "port_ranges": ["80/9000"]},
        ],
        "backends",
    )
    entries, sources = [e.to_dict() for e in parsed], [e.source for e in parsed]
    assert [e["port_ranges"] for e in entries] == [["8080/8080"], ["80/9000"]]
    assert [(s.index, s.field, s.name) for s in sources] == [
        (0, "backends[0]", "web"),
        (1, "backends[1]", "instance_tags=app:orders"),
    ]
    assert sources[0].cluster_id == "c-1" and sources[0].nodepool_names == ("web",)
    assert sources[1].instance_tags == (("app", "orders"),)


@pytest.mark.parametrize(
    "entry, field, value",
    [
        ({"cluster_id": "web", "port_ranges": [80]}, "backends[0].cluster_id", "web"),
        ({"instance_ids": ["i-1", "db-1"], "port_ranges": [80]}, "backends[0].instance_ids[1]", "db-1"),
        ({"instance_tags": {"replicas": 3}, "port_ranges": [80]}, "backends[0].instance_tags.replicas", 3),
    ],
)
def test_parse_backend_entries_checks_the_ids_and_tags_of_each_source(entry, field, value):
    with pytest.raises(OptionError) as caught:
        parse_backend_entries([entry], "backends")
    assert (caught.value.field, caught.value.value) == (field, value)


@pytest.mark.parametrize(
    "port_ranges, expected",
    [
        (8080, ["8080/8080"]),
        ("8080,8443", ["8080/8080", "8443/8443"]),
        ("80-90", ["80/90"]),
        ([80, "8443/8443"], ["80/80", "8443/8443"]),
        ((80,), ["80/80"]),
    ],
)
def test_port_ranges_take_the_forms_a_module_option_of_type_list_takes(port_ranges, expected):
    [entry] = normalize_backend_entries([{"instance_ids": ["i-1"], "port_ranges": port_ranges}], FIELD)
    assert entry["port_ranges"] == expected


def test_an_entry_may_name_several_sources_and_is_typed():
    [entry] = parse_backend_entries(
        [{"cluster_id": "c1", "security_group_ids": ["sg-2", "sg-1"], "port_ranges": "443", "description": "5"}], FIELD
    )
    assert entry.name == "cluster_id=c1 security_group_ids=sg-1,sg-2"
    assert (entry.source.cluster_id, entry.source.security_group_ids) == ("c1", ("sg-1", "sg-2"))
    assert (entry.source.field, entry.source.name) == ("backend_access_backends[0]", entry.name)
    assert entry.port_ranges == (PortRange(443, 443),)
    assert entry.description == "5"


def test_a_gateway_services_entry_without_ranges_gives_each_group_its_endpoints_ports():
    entries = normalize_backend_entries(
        [{"gateway_services": "all"}, {"gateway_services": ["api"], "port_ranges": [9443]}], "b"
    )
    assert entries[0]["port_ranges"] == [] and entries[0]["name"] == "gateway_services=all"
    discovered = [
        {
            "security_group_ids": ["sg-a", "sg-b"],
            "port_ranges_by_group": {"sg-a": ["8080/8080"], "sg-b": ["9100/9100", "9200/9200"]},
        },
        {"security_group_ids": ["sg-a"], "port_ranges_by_group": {"sg-a": ["8443/8443"]}},
    ]
    assert merge_backend_rules(entries, discovered) == [
        {"security_group_id": "sg-a", "port_ranges": ["8080/8080", "9443/9443"]},
        {"security_group_id": "sg-b", "port_ranges": ["9100/9100", "9200/9200"]},
    ]


def test_other_entries_still_need_their_port_ranges():
    with pytest.raises(OptionError, match="port_ranges"):
        parse_backend_entries([{"instance_ids": ["i-1"]}], "b")
