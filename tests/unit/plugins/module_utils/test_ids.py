# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The id checks every module runs before any API call."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._ids import ID_EXAMPLES
from ansible_collections.alibabacloud.apig.plugins.module_utils._ids import ID_PATTERNS
from ansible_collections.alibabacloud.apig.plugins.module_utils._ids import check_id


@pytest.mark.parametrize("kind", sorted(ID_PATTERNS))
def test_every_example_has_its_own_form_only(kind: str) -> None:
    assert check_id("field", ID_EXAMPLES[kind], kind) == ID_EXAMPLES[kind]
    others = [k for k in ID_PATTERNS if k != kind and ID_PATTERNS[k].match(ID_EXAMPLES[kind])]
    # A cluster id may start with "c" and a node pool id with "np" without a hyphen; no other kind overlaps.
    assert others in ([], ["cluster"], ["nodepool"]), others


@pytest.mark.parametrize(
    ("field", "value", "kind", "message"),
    [
        ("gateway_id", "demo-gateway", "gateway", "gateway_id: 'demo-gateway' is not a gateway id"),
        ("instance_ids[2]", "web-1", "instance", "instance_ids[2]: 'web-1' is not an instance id"),
        ("rules[0].security_group_id", "sg_1", "security_group", "'sg_1' is not a security group id"),
        ("gateway_id", ["gw-1"], "gateway", "gateway_id: ['gw-1'] is not a gateway id"),
        ("vpc_id", None, "vpc", "vpc_id is not a vpc id"),
    ],
)
def test_a_wrong_id_names_the_field_the_value_and_the_expected_form(
    field: str, value: Any, kind: str, message: str
) -> None:
    with pytest.raises(OptionError) as caught:
        check_id(field, value, kind)
    assert message in str(caught.value)
    assert ID_EXAMPLES[kind] in str(caught.value)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("sg-bp67acfmxazb4ph\n", "'sg-bp67acfmxazb4ph\\n'"),
        (" sg-bp67acfmxazb4ph", "' sg-bp67acfmxazb4ph'"),
        ("sg-bp67acfmxazb4ph\t", "'sg-bp67acfmxazb4ph\\t'"),
    ],
)
def test_surrounding_whitespace_is_refused_and_shown(value: str, shown: str) -> None:
    with pytest.raises(OptionError) as caught:
        check_id("security_group_id", value, "security_group")
    assert f"security_group_id: {shown} has leading or trailing whitespace" in str(caught.value)


@pytest.mark.parametrize("kind", sorted(ID_PATTERNS))
def test_an_id_matches_as_a_whole_string(kind: str) -> None:
    """`$` matches before a trailing newline; fullmatch does not, nor does it accept a second line."""
    for value in (ID_EXAMPLES[kind] + "\n", ID_EXAMPLES[kind] + "\nx", ID_EXAMPLES[kind] + " x"):
        with pytest.raises(OptionError):
            check_id("field", value, kind)
