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

AddGatewaySecurityGroupRule is the only call that sets a description, and the APIG 2024-03-27 reference
documents no call that changes one: a declared range already authorized with another description is left
alone and reported (description_findings), never revoked and added again to change it.
"""

from __future__ import annotations

import unicodedata
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Sequence
from typing import Tuple

from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import DESCRIPTION_DIFFERS
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import finding
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Authorization
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import DesiredGroup

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


def description_findings(
    state: str, groups: Sequence[DesiredGroup], current: Sequence[Authorization]
) -> List[Dict[str, Any]]:
    """A DESCRIPTION_DIFFERS finding per group and listed description, for the declared ranges listed with a
    description other than the one the task gives (state=present; a task that gives none compares nothing)."""
    if state != "present":
        return []
    declared = {g.security_group_id: (set(g.port_ranges), g.description) for g in groups if g.description}
    differing: Dict[Tuple[str, str, str], List[Authorization]] = {}
    for auth in current:
        ranges, description = declared.get(auth.security_group_id, ((), None))
        listed = auth.description or ""
        if auth.port_range in ranges and listed != description:
            differing.setdefault((auth.security_group_id, listed, description), []).append(auth)
    return [_differs(group, listed, wanted, auths) for (group, listed, wanted), auths in sorted(differing.items())]


def _differs(group: str, listed: str, wanted: str, auths: List[Authorization]) -> Dict[str, Any]:
    ranges = sorted({str(auth.port_range) for auth in auths})
    text = ", ".join(ranges)
    return finding(
        DESCRIPTION_DIFFERS,
        f"{group} {text} is authorized with the description {listed!r}, not {wanted!r}; it is left as it is, "
        "because a description is only sent with a new authorization. To change it, revoke the range and "
        "authorize it again (this module with state=absent, then state=present), which drops access to it in "
        "between.",
        security_group_id=group,
        port_ranges=ranges,
        rule_ids=sorted({auth.rule_id for auth in auths}),
        description=listed,
        declared_description=wanted,
    )
