# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""Option values read as a module's argument spec reads them, for input that did not pass one.

A module's options are converted by Ansible before the module sees them (``type: list`` turns
``8080`` into ``["8080"]`` and ``"a,b"`` into ``["a", "b"]``; ``type: str`` turns ``5`` into
``"5"``; ``type: dict`` reads ``"k=v"``). The backend_access role's variables reach the same
parsers through a filter, without that conversion; these functions apply it, with Ansible's own
functions, so that the role accepts exactly what the modules accept. They are no-ops on values a
module's argument spec already converted.

Values from a role's variables are subclasses of str, int, list or dict (Ansible's tagged types):
everything here tests with isinstance, and no message names a type.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import Optional

from ansible.module_utils.common.validation import check_type_bool
from ansible.module_utils.common.validation import check_type_dict
from ansible.module_utils.common.validation import check_type_list
from ansible.module_utils.common.validation import check_type_str
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError


def as_list(field: str, value: Any) -> Optional[List[Any]]:
    """``type: list``: a list as it is, a comma-separated string split, a number as a one-item list."""
    if value is None:
        return None
    if isinstance(value, tuple):
        return list(value)
    try:
        return list(check_type_list(value))
    except TypeError:
        raise OptionError(field, value, "must be a list") from None


def as_str_list(field: str, value: Any) -> Optional[List[str]]:
    """``type: list, elements: str``: each element converted as ``type: str`` converts it."""
    values = as_list(field, value)
    if values is None:
        return None
    return [check_type_str(item) for item in values]


def as_dict(field: str, value: Any) -> Optional[Dict[Any, Any]]:
    """``type: dict``: a dictionary as it is, or a ``k=v, k2=v2`` or JSON string read into one."""
    if value is None:
        return None
    try:
        return dict(check_type_dict(value))
    except (TypeError, ValueError):
        raise OptionError(field, value, "must be a dictionary") from None


def as_str(value: Any) -> Optional[str]:
    """``type: str``: a string as it is, anything else as its text; None stays None (the option is absent)."""
    if value is None:
        return None
    return check_type_str(value)


def as_bool(field: str, value: Any) -> bool:
    """``type: bool``: true, false, ``yes``, ``no``, 1, 0...; None is false (the option is absent)."""
    if value is None:
        return False
    try:
        return check_type_bool(value)
    except TypeError:
        raise OptionError(field, value, "must be a boolean") from None


def load_text(field: str, value: str) -> Any:
    """A structure given as YAML or JSON text (an AWX survey's textarea); a blank text is an empty list.

    JSON is YAML, so one safe YAML load reads both. Only the controller reads role variables (PyYAML
    is an ansible-core requirement there): the import is here, not at the top, for the modules.
    The error names the field and the parser's own account of where it stopped.
    """
    if not value.strip():
        return []
    from yaml import YAMLError  # pylint: disable=import-outside-toplevel
    from yaml import safe_load  # pylint: disable=import-outside-toplevel

    try:
        return safe_load(str(value))
    except YAMLError as err:
        raise OptionError(field, value, f"is not valid YAML or JSON ({_yaml_reason(err)})") from None


def _yaml_reason(err: Exception) -> str:
    """``expected ',' or ']' at line 3, column 1``: the parser's problem and where, without its echo of the text."""
    problem = getattr(err, "problem", None)
    mark = getattr(err, "problem_mark", None)
    if problem and mark is not None:
        return f"{problem} at line {mark.line + 1}, column {mark.column + 1}"
    return " ".join(str(err).split())
