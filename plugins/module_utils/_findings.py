# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""fail_on_findings: the findings that fail a task, after its result is complete.

Modules that return `findings` (backend_sg_info, gateway_sg_authorization, gateway_info) take the
option FINDINGS_ARGUMENT_SPEC declares (documented by the doc fragment alibabacloud.apig.findings).
AlibabaCloudModule.run checks its value before any API call (parse_fail_on_findings) and, once
the logic returned its result, fails the task with that result when a finding matches
(findings_failure_message). A code is matched exactly or as a shell-style pattern
(``*_NOT_FOUND``); ``all`` is every finding. A code must be one of the collection's finding codes
(_finding_codes), and a pattern must match one of them: a misspelt code (``NOT_A_CODE``,
``Nodepool_Not_Found``) would match nothing and silently turn the guard off, so it is refused,
and the message lists the known codes.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Sequence
from typing import Tuple

from ansible_collections.alibabacloud.apig.plugins.module_utils import _finding_codes
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError

FINDINGS_ARGUMENT_SPEC = dict(fail_on_findings=dict(type="list", elements="str", default=[]))

ALL = "all"
_CODE_PATTERN = re.compile(r"[A-Z*][A-Z0-9_*]*")


def known_finding_codes() -> Tuple[str, ...]:
    """Every finding code of the collection: the upper-case string constants of _finding_codes, sorted."""
    constants = vars(_finding_codes).items()
    return tuple(sorted({value for name, value in constants if name.isupper() and isinstance(value, str)}))


def parse_fail_on_findings(value: Any) -> Tuple[str, ...]:
    """The patterns of fail_on_findings (``all`` becomes ``*``); OptionError names the element."""
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise OptionError("fail_on_findings", value, "must be a list of finding codes, or [all]")
    known = known_finding_codes()
    patterns = []
    for index, code in enumerate(value):
        if code == ALL:
            patterns.append("*")
        elif isinstance(code, str) and _CODE_PATTERN.fullmatch(code) and fnmatch.filter(known, code):
            patterns.append(code)
        else:
            raise OptionError(
                f"fail_on_findings[{index}]",
                code,
                "is not a finding code, nor a pattern matching one (* matches any text, as in *_NOT_FOUND; "
                "all matches every finding). Known codes: " + ", ".join(known),
            )
    return tuple(patterns)


def matching_findings(findings: Optional[Sequence[Dict[str, Any]]], patterns: Sequence[str]) -> List[Dict[str, Any]]:
    """The findings whose code matches one of the patterns, in their order."""
    return [
        item
        for item in findings or []
        if any(fnmatch.fnmatchcase(str(item.get("code")), pattern) for pattern in patterns)
    ]


def findings_failure_message(findings: Optional[Sequence[Dict[str, Any]]], patterns: Sequence[str]) -> Optional[str]:
    """The task's failure message when some finding matches fail_on_findings; None when none does."""
    matched = matching_findings(findings, patterns)
    if not matched:
        return None
    listed = "; ".join("{}: {}".format(item.get("code"), item.get("message")) for item in matched)
    return "{} finding(s) listed in fail_on_findings ({}): {}".format(len(matched), ", ".join(patterns), listed)
