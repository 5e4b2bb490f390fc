# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import PortRange
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import merge_port_ranges
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import normalize_port_ranges
from ansible_collections.alibabacloud.apig.plugins.module_utils._port_ranges import parse_port_range
from hypothesis import given
from hypothesis import strategies as st

GOOD = [
    (8080, (8080, 8080)),
    (1, (1, 1)),
    (65535, (65535, 65535)),
    ("8080", (8080, 8080)),
    ("1", (1, 1)),
    ("65535", (65535, 65535)),
    ("8080/8080", (8080, 8080)),
    ("80/9000", (80, 9000)),
    ("1/65535", (1, 65535)),
    ("80-90", (80, 90)),
    ("1-65535", (1, 65535)),
    ("0080", (80, 80)),
    ("80/0090", (80, 90)),
    ("22/22", (22, 22)),
    ("65534/65535", (65534, 65535)),
]

BAD = [
    (True, "boolean"),
    (False, "boolean"),
    (80.0, "float"),
    (8080.5, "float"),
    (None, "None is not a port range"),
    ("", "expected PORT"),
    ("   ", "leading or trailing whitespace"),
    (" 8080 ", "leading or trailing whitespace"),
    (" 80", "leading or trailing whitespace"),
    ("80/80 ", "leading or trailing whitespace"),
    ("\t80/90\n", "leading or trailing whitespace"),
    ("80\n", "leading or trailing whitespace"),
    ("  443-443  ", "leading or trailing whitespace"),
    (" -1/-1", "leading or trailing whitespace"),
    ("abc", "expected PORT"),
    ("80/", "expected PORT"),
    ("/80", "expected PORT"),
    ("80/90/100", "expected PORT"),
    ("80-90-100", "expected PORT"),
    ("-1", "expected PORT"),
    ("+80", "expected PORT"),
    ("80 / 90", "expected PORT"),
    ("80,443", "expected PORT"),
    ("0x50", "expected PORT"),
    ("８０", "expected PORT"),  # full-width digits: str.isdigit() says yes, we say no
    ("٨٠", "expected PORT"),  # Arabic-Indic digits
    ("1e3", "expected PORT"),
    (0, "outside 1..65535"),
    (-1, "outside 1..65535"),
    (65536, "outside 1..65535"),
    ("0", "outside 1..65535"),
    ("65536", "outside 1..65535"),
    ("0/80", "outside 1..65535"),
    ("80/70000", "outside 1..65535"),
    ("9000/80", "greater than end"),
    ("90-80", "greater than end"),
    ("-1/-1", "all ports"),
    ("-1--1", "all ports"),
    ([80], "list"),
    ({"start": 80}, "a dictionary is not"),
    ((80, 90), "a list is not"),
    (b"80", "bytes"),
    ("12345678901", "expected PORT"),
    ("9" * 5000, "expected PORT"),
]


@pytest.mark.parametrize(("value", "expected"), GOOD, ids=[repr(v) for v, _expected in GOOD])
def test_parse_good(value: Any, expected: tuple) -> None:
    assert parse_port_range(value) == PortRange(*expected)


@pytest.mark.parametrize(("value", "reason"), BAD, ids=[repr(v)[:30] for v, _reason in BAD])
def test_parse_bad_names_field_and_value(value: Any, reason: str) -> None:
    field = "rules[1].port_ranges[2]"
    with pytest.raises(OptionError) as info:
        parse_port_range(value, field)
    err = info.value
    message = str(err)
    assert err.field == field
    assert err.value is value
    assert message.startswith(f"{field}: " if value is not None else f"{field} is not a valid port range")
    assert repr(value)[:40] in message
    assert " is not a valid port range: " in message
    assert reason in message


def test_error_message_matches_contract() -> None:
    with pytest.raises(OptionError) as info:
        parse_port_range("80/", "rules[1].port_ranges[2]")
    assert str(info.value) == (
        "rules[1].port_ranges[2]: '80/' is not a valid port range: "
        "expected PORT, START/END or START-END with ports between 1 and 65535"
    )
    assert isinstance(info.value, ValueError)
    assert info.value.reason.startswith("is not a valid port range: expected PORT")


def test_long_values_are_shortened_in_the_message() -> None:
    with pytest.raises(OptionError) as info:
        parse_port_range("x" * 1000)
    assert len(str(info.value)) < 300
    assert info.value.value == "x" * 1000


def test_port_range_str_and_order() -> None:
    assert str(PortRange(80, 90)) == "80/90"
    assert str(PortRange(1, 65535)) == "1/65535"
    assert sorted([PortRange(90, 91), PortRange(80, 100), PortRange(80, 90)]) == [
        PortRange(80, 90),
        PortRange(80, 100),
        PortRange(90, 91),
    ]


NORMALIZE = [
    ([], []),
    ([8080], ["8080/8080"]),
    (["80/9000", 8080], ["80/9000"]),
    ([8080, "80/9000"], ["80/9000"]),
    (["80/100", "90/200"], ["80/200"]),
    (["90/200", "80/100"], ["80/200"]),
    (["80/80", "81/81"], ["80/80", "81/81"]),
    (["80/100", "100/200"], ["80/200"]),
    (["80/100", "101/200"], ["80/100", "101/200"]),
    ([443, "443", "443/443", "443-443"], ["443/443"]),
    (["80/100", "90/95", "300", "200-250", "240/260"], ["80/100", "200/260", "300/300"]),
    ((22, 80), ["22/22", "80/80"]),
]


@pytest.mark.parametrize(("values", "expected"), NORMALIZE)
def test_normalize(values: Any, expected: list) -> None:
    assert [str(pr) for pr in normalize_port_ranges(values)] == expected


def test_normalize_without_merge_keeps_overlaps_apart() -> None:
    assert normalize_port_ranges(["80/9000", 8080, "8080/8080"], merge=False) == [
        PortRange(80, 9000),
        PortRange(8080, 8080),
    ]


@pytest.mark.parametrize("values", ["8080", 8080, None, {"a": 1}, "80,443"])
def test_normalize_needs_a_list(values: Any) -> None:
    with pytest.raises(OptionError) as info:
        normalize_port_ranges(values, "rules[0].port_ranges")
    assert info.value.field == "rules[0].port_ranges"
    assert info.value.value is values
    assert "expected a list" in str(info.value)


def test_normalize_names_the_element() -> None:
    with pytest.raises(OptionError) as info:
        normalize_port_ranges([80, "90", "abc"], "rules[3].port_ranges")
    assert info.value.field == "rules[3].port_ranges[2]"
    assert str(info.value).startswith("rules[3].port_ranges[2]: 'abc' ")


class Tagged(int):
    """Like Ansible's tagged values from a role's variables: a subclass of a built-in type."""


class TaggedStr(str):
    pass


def test_subclasses_of_int_and_str_are_ports_and_no_message_names_a_class() -> None:
    assert parse_port_range(Tagged(8080)) == PortRange(8080, 8080)
    assert parse_port_range(TaggedStr("80-90")) == PortRange(80, 90)
    for value in (Tagged(0), TaggedStr("80/")):
        with pytest.raises(OptionError) as info:
            parse_port_range(value)
        assert "Tagged" not in str(info.value)
    with pytest.raises(OptionError) as info:
        normalize_port_ranges(Tagged(8080))
    assert str(info.value).endswith("expected a list of port ranges, got an integer")


ports = st.integers(min_value=1, max_value=65535)
ranges = st.tuples(ports, ports).map(lambda pair: PortRange(min(pair), max(pair)))


@given(st.one_of(st.text(), st.integers(), st.floats(), st.none(), st.booleans(), st.binary()))
def test_parse_fuzz_raises_only_port_range_error(value: Any) -> None:
    try:
        result = parse_port_range(value)
    except OptionError as err:
        assert err.field == "port_ranges"
        return
    assert 1 <= result.start <= result.end <= 65535


@given(st.text(alphabet="0123456789/- \t+", max_size=14))
def test_parse_fuzz_separator_text(value: str) -> None:
    try:
        result = parse_port_range(value)
    except OptionError:
        return
    assert parse_port_range(str(result)) == result


@given(st.lists(ranges, max_size=12))
def test_merge_properties(values: list) -> None:
    merged = merge_port_ranges(values)
    # Sorted, and neighbours neither overlap nor repeat.
    assert merged == sorted(merged)
    for first, second in zip(merged, merged[1:]):
        assert first.end < second.start
    # The same ports are covered.
    covered = {p for pr in values for p in (pr.start, pr.end)}
    assert all(any(m.start <= p <= m.end for m in merged) for p in covered)
    for m in merged:
        assert any(pr.start == m.start for pr in values)
        assert any(pr.end == m.end for pr in values)
    # Merging is idempotent, and the list form agrees.
    assert merge_port_ranges(merged) == merged
    assert normalize_port_ranges([str(pr) for pr in values]) == merged
