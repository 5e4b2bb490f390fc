# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A description is a string of one line, of at most 512 characters, checked before any API call."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.alibabacloud.apig.plugins.module_utils._backends import parse_backend_entries
from ansible_collections.alibabacloud.apig.plugins.module_utils._descriptions import DESCRIPTION_MAX_LENGTH
from ansible_collections.alibabacloud.apig.plugins.module_utils._descriptions import check_description
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._rules import parse_request

FIELD = "rules[1].description"

GOOD = [
    (None, None),
    ("", None),
    ("orders service", "orders service"),
    ("商品中心访问安全组", "商品中心访问安全组"),
    ("x" * DESCRIPTION_MAX_LENGTH, "x" * DESCRIPTION_MAX_LENGTH),
    ("emoji 👩‍💻 and accents é", "emoji 👩‍💻 and accents é"),
]

BAD = [
    ({"a": 1}, "{'a': 1} must be a string"),
    (["a"], "['a'] must be a string"),
    (2024, "2024 must be a string"),
    (True, "True must be a string"),
    (1.5, "1.5 must be a string"),
    ("x" * (DESCRIPTION_MAX_LENGTH + 1), "has 513 characters; a description has at most 512"),
    ("x" * 1_000_000, "has 1000000 characters"),
    ("a\x00b", "contains a control character (U+0000 at position 1)"),
    ("\x1b[31mred", "contains a control character (U+001B at position 0)"),
    ("line\r", "contains a control character (U+000D at position 4)"),
    ("two\nlines", "contains a control character (U+000A at position 3)"),
    ("tab\there", "contains a control character (U+0009 at position 3)"),
    ("del\x7f", "contains a control character (U+007F at position 3)"),
    ("c1\x85", "contains a control character (U+0085 at position 2)"),
    ("sep\u2028", "contains a line separator (U+2028 at position 3)"),
    ("para\u2029", "contains a paragraph separator (U+2029 at position 4)"),
    ("lone\ud800", "contains a lone surrogate (U+D800 at position 4)"),
]


@pytest.mark.parametrize(("value", "expected"), GOOD, ids=[repr(good[0])[:20] for good in GOOD])
def test_a_description_of_one_line_of_at_most_512_characters_is_sent_as_given(value: Any, expected: Any) -> None:
    assert check_description(FIELD, value) == expected


@pytest.mark.parametrize(("value", "reason"), BAD, ids=[repr(bad[0])[:20] for bad in BAD])
def test_a_bad_description_fails_naming_the_field_and_the_value(value: Any, reason: str) -> None:
    with pytest.raises(OptionError) as raised:
        check_description(FIELD, value)
    message = str(raised.value)
    assert raised.value.field == FIELD and raised.value.value is value
    assert message.startswith(f"{FIELD}: {repr(value)[:20]}")
    assert reason in message
    assert len(message) < 300  # a 1 MB description is shown cut


def test_the_module_request_and_the_role_entries_check_descriptions_the_same_way() -> None:
    params = {
        "gateway_id": "gw-1",
        "rules": [{"security_group_id": "sg-1", "port_ranges": [80], "description": {"a": 1}}],
    }
    with pytest.raises(OptionError, match=r"^rules\[0\]\.description: \{'a': 1\} must be a string"):
        parse_request(params)
    with pytest.raises(OptionError, match=r"^description: 'a\\nb' contains a control character"):
        parse_request({"gateway_id": "gw-1", "security_group_id": "sg-1", "port_ranges": [80], "description": "a\nb"})
    entries = [{"security_group_ids": ["sg-1"], "port_ranges": [80], "description": 5}]
    with pytest.raises(OptionError, match=r"^backends\[0\]\.description: 5 must be a string"):
        parse_backend_entries(entries, "backends")
