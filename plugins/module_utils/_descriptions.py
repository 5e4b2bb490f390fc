# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""The description sent with AddGatewaySecurityGroupRule: checked before any API call.

The APIG 2024-03-27 reference of AddGatewaySecurityGroupRule documents ``description`` as a string
("the description of the security group rule") without a length or a character set. The gateway
writes the inbound rule of the backend group for the authorization, and ECS documents that rule's
description (AuthorizeSecurityGroup ``Permissions.N.Description``, ECS 2014-05-26, the SDK's
request model) as 1 to 512 characters. Assumed: the gateway's limit is not larger than the rule's,
so a description is at most DESCRIPTION_MAX_LENGTH characters (an empty one is no description).

Control characters are refused (Unicode categories Cc, Zl and Zp: NUL, TAB, LF, CR, ESC, DEL, the
C1 controls and the line and paragraph separators): a description is one line of text, shown in the
console and in the terminal, where ESC starts a terminal control sequence and CR rewrites the line.
Lone surrogates (Cs) cannot be sent as UTF-8 and are refused too.
"""

from __future__ import annotations

import unicodedata
from typing import Any
from typing import Optional

from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError

DESCRIPTION_MAX_LENGTH = 512
_REFUSED_CATEGORIES = {
    "Cc": "a control character",
    "Cs": "a lone surrogate",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
}


def check_description(field: str, value: Any) -> Optional[str]:
    """The description to send (None for none or ""); OptionError naming field and value otherwise."""
    if value is None:
        return None
    # A number or a boolean is refused, not turned into text: YAML reads `description: 2024` as one.
    if not isinstance(value, str):
        raise OptionError(field, value, "must be a string (quote it in YAML)")
    if len(value) > DESCRIPTION_MAX_LENGTH:
        raise OptionError(
            field, value, f"has {len(value)} characters; a description has at most {DESCRIPTION_MAX_LENGTH}"
        )
    for position, character in enumerate(value):
        kind = _REFUSED_CATEGORIES.get(unicodedata.category(character))
        if kind:
            raise OptionError(
                field,
                value,
                f"contains {kind} (U+{ord(character):04X} at position {position}): "
                "a description is one line of printable text",
            )
    return value or None
