# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""The forms of resource ids, checked before any API call so that a typo fails with its field."""

from __future__ import annotations

import re
from typing import Any

from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import refuse_surrounding_whitespace
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError

# Real ids are lower-case letters and digits after the prefix (gw-cq7l5s5l..., sg-bp67...); hyphens
# and upper case are accepted too (assumed: no public source bounds an id's alphabet): the check
# catches a name or a wrong kind of id given by mistake, the API itself says whether the id exists. The patterns are
# matched with fullmatch: "sg-1\n" (a YAML block scalar, a copied line) is not "sg-1".
_ID_BODY = "[0-9A-Za-z][0-9A-Za-z-]*"
ID_PATTERNS = {
    "gateway": re.compile(f"gw-{_ID_BODY}"),
    "cluster": re.compile(f"c-?{_ID_BODY}"),
    "instance": re.compile(f"i-{_ID_BODY}"),
    "security_group": re.compile(f"sg-{_ID_BODY}"),
    "nodepool": re.compile(f"np-?{_ID_BODY}"),
    "vpc": re.compile(f"vpc-{_ID_BODY}"),
}
ID_EXAMPLES = {
    "gateway": "gw-cq7l5s5lhtgi6qasrdc0",
    "cluster": "c82e6987e2961451182edacd74faf0b",
    "instance": "i-bp67acfmxazb4ph",
    "security_group": "sg-bp67acfmxazb4ph",
    "nodepool": "np615c0e0966124216a0412e10afe0",
    "vpc": "vpc-bp1opxu1zkhn00gzv",
}


def check_id(field: str, value: Any, kind: str) -> str:
    """value if it has the form of a ``kind`` id; OptionError naming field and value otherwise."""
    refuse_surrounding_whitespace(field, value)
    if not isinstance(value, str) or not ID_PATTERNS[kind].fullmatch(value):
        name = kind.replace("_", " ")
        article = "an" if name[0] in "aeiou" else "a"
        raise OptionError(field, value, f"is not {article} {name} id (expected the form {ID_EXAMPLES[kind]})")
    return value
