# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one parser of discovery sources: the rules and messages backend_sg_info and the role's entries share."""

from __future__ import annotations

from typing import Any
from typing import Dict

import pytest
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._sources import Source
from ansible_collections.alibabacloud.apig.plugins.module_utils._sources import parse_source
from ansible_collections.alibabacloud.apig.plugins.module_utils._sources import parse_sources

CLUSTER = "c0123456789abcdef0123456789abcdef"
VPC = "vpc-main"
NP_WEB = "npweb"

BAD_INPUT = [
    ({"gateway_services": "every"}, "gateway_services", "'all' or a list"),
    ({"gateway_services": []}, "gateway_services", "must not be empty"),
    ({"gateway_services": ["web", " "]}, "gateway_services[1]", "non-empty service name"),
    ({"cluster_id": "k8s-prod"}, "cluster_id", "cluster id"),
    ({"cluster_id": "c_0123"}, "cluster_id", "cluster id"),
    ({"cluster_id": "c-"}, "cluster_id", "cluster id"),
    ({"instance_ids": ["i-ok", "vm-1"]}, "instance_ids[1]", "instance id"),
    ({"instance_ids": []}, "instance_ids", "must not be empty"),
    ({"instance_ids": {"i-abc": 1}}, "instance_ids", "must be a list"),
    ({"instance_ids": "i-abc,web-1"}, "instance_ids[1]", "instance id"),
    ({"security_group_ids": ["sg_1"]}, "security_group_ids[0]", "security group id"),
    ({"cluster_id": CLUSTER, "nodepool_ids": ["pool-1"]}, "nodepool_ids[0]", "nodepool id"),
    ({"instance_ids": ["i-"]}, "instance_ids[0]", "instance id"),
    ({"security_group_ids": ["sg-a b"]}, "security_group_ids[0]", "security group id"),
    ({"cluster_id": CLUSTER, "nodepool_names": [""]}, "nodepool_names[0]", "non-empty"),
    ({"cluster_id": CLUSTER, "nodepool_ids": [NP_WEB], "nodepool_names": ["web"]}, "nodepool_names", "exclusive"),
    ({"nodepool_ids": [NP_WEB], "instance_ids": ["i-1"]}, "nodepool_ids", "needs cluster_id"),
    ({"instance_tags": {}}, "instance_tags", "must not be empty"),
    ({"instance_tags": ["app=orders"]}, "instance_tags", "dictionary"),
    ({"instance_tags": {"replicas": 3}}, "instance_tags.replicas", "not a string"),
    ({"instance_tags": {"enabled": True}}, "instance_tags.enabled", "not a string"),
    ({"instance_tags": {f"k{i}": "v" for i in range(21)}}, "instance_tags", "at most 20"),
    ({"name": "x"}, "options", "names no source: give one or more of cluster_id"),
    ({"name": "x", "cluster_id": None}, "options", "names no source"),
    ({"instance_tags": "app"}, "instance_tags", "must be a dictionary"),
]


@pytest.mark.parametrize("raw, field, reason", BAD_INPUT)
def test_parse_source_rejects_bad_input_naming_field_and_value(raw: Dict[str, Any], field: str, reason: str) -> None:
    with pytest.raises(OptionError) as caught:
        parse_source(raw, 0)
    assert caught.value.field == field
    assert reason in str(caught.value)


def test_parse_sources_prefixes_the_entry_index() -> None:
    with pytest.raises(OptionError) as caught:
        parse_sources({"sources": [{"instance_ids": ["i-1"]}, {"instance_ids": ["bad"]}]})
    assert caught.value.field == "sources[1].instance_ids[0]"
    assert "'bad'" in str(caught.value)


@pytest.mark.parametrize("sources", [[], "i-1", [["i-1"]]])
def test_parse_sources_rejects_empty_or_malformed_lists(sources: Any) -> None:
    with pytest.raises(OptionError):
        parse_sources({"sources": sources})


def test_parse_source_sorts_and_deduplicates() -> None:
    source = parse_source(
        {"instance_ids": ["i-b", "i-a", "i-b"], "instance_tags": {"z": "1", "a": "2"}, "security_group_ids": None}, 3
    )
    assert source.index == 3
    assert source.instance_ids == ("i-a", "i-b")
    assert source.instance_tags == (("a", "2"), ("z", "1"))
    assert source.security_group_ids == ()


def test_parse_sources_top_level_options_make_one_source() -> None:
    params = {"cluster_id": CLUSTER, "nodepool_names": ["web"], "sources": None, "vpc_id": VPC, "inspect_nodes": True}
    assert parse_sources(params) == [Source(index=0, cluster_id=CLUSTER, nodepool_names=("web",))]


# What a module's argument spec would have converted, read the same way from a role's variables.
CONVERTED = [
    ({"instance_ids": "i-b,i-a"}, "instance_ids", ("i-a", "i-b")),
    ({"security_group_ids": "sg-1"}, "security_group_ids", ("sg-1",)),
    ({"instance_tags": "app=web, env=prod"}, "instance_tags", (("app", "web"), ("env", "prod"))),
    ({"cluster_id": CLUSTER, "nodepool_names": [5]}, "nodepool_names", ("5",)),
    ({"name": "web 1", "instance_ids": ["i-1"]}, "name", "web 1"),
]


@pytest.mark.parametrize("raw, key, expected", CONVERTED)
def test_values_are_read_as_the_argument_spec_reads_them(raw: Dict[str, Any], key: str, expected: Any) -> None:
    assert getattr(parse_source(raw, 0), key) == expected


@pytest.mark.parametrize(
    "name, message",
    [
        (7, "backends[2].name: 7 must be a string"),
        (True, "backends[2].name: True must be a string"),
        (["web"], "backends[2].name: ['web'] must be a string"),
        ({"a": 1}, "backends[2].name: {'a': 1} must be a string"),
        ("", "backends[2].name: '' must not be blank"),
        ("  ", "backends[2].name: '  ' must not be blank"),
        ("web\n", "backends[2].name: 'web\\n' contains a control character"),
        ("w\x1beb", "backends[2].name: 'w\\x1beb' contains a control character"),
    ],
)
def test_a_source_name_is_a_string_of_one_line(name: Any, message: str) -> None:
    with pytest.raises(OptionError) as raised:
        parse_source({"name": name, "instance_ids": ["i-1"]}, 2, "backends[2]")
    assert str(raised.value).startswith(message)


def test_to_options_reads_back_into_the_same_source() -> None:
    raw = {"cluster_id": CLUSTER, "nodepool_names": ["b", "a", "b"], "instance_tags": {"z": "1"}, "instance_ids": None}
    source = parse_source(raw, 4, "backends[4]")
    assert source.to_options() == {"cluster_id": CLUSTER, "instance_tags": {"z": "1"}, "nodepool_names": ["a", "b"]}
    assert parse_source(source.to_options(), 4, "backends[4]") == source


def test_a_source_may_combine_several_kinds() -> None:
    source = parse_source({"cluster_id": CLUSTER, "instance_ids": ["i-1"], "security_group_ids": ["sg-1"]}, 0)
    assert (source.cluster_id, source.instance_ids, source.security_group_ids) == (CLUSTER, ("i-1",), ("sg-1",))


def test_gateway_services_is_all_or_sorted_unique_names_and_round_trips():
    every = parse_source({"gateway_services": "all"}, 0)
    assert every.gateway_services == ("all",) and every.to_options() == {"gateway_services": "all"}
    named = parse_source({"gateway_services": ["web", "api", "web"]}, 0)
    assert named.gateway_services == ("api", "web")
    assert parse_source(named.to_options(), 0) == named
