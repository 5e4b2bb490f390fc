# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""Answers checked before they are trusted: a key that a success carries is there, with its type.

The SDK's response models (alibabacloud_apig20240327, _ecs20140526, _cs20151215 ``models``) read
any JSON: a missing key becomes None, a number where a list belongs stays a number. An answer that
lacks a key the model defines for a success, or holds it with another type, is not read as empty:
it raises MalformedAnswerError, naming the product, the action, the field and the request id, so
that nothing is planned, and nothing deleted, on the strength of it.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import NamedTuple
from typing import Optional
from typing import Tuple
from typing import Union

from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError

MALFORMED_ANSWER = "MalformedAnswer"

Kind = Union[type, Tuple[type, ...]]

_KIND_NAMES = {
    dict: "an object",
    list: "a list",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
}


class MalformedAnswerError(ApiError):
    """A success answer that lacks a key its SDK model defines, or holds it with the wrong type."""

    def __init__(self, product: str, operation: str, field: str, problem: str, request_id: Optional[str]) -> None:
        self.product = product
        self.field = field
        super().__init__(
            operation,
            code=MALFORMED_ANSWER,
            message=f"the {product.upper()} answer to {operation} is malformed: {field} {problem}",
            request_id=request_id,
            hint="Nothing was changed on the strength of this answer; run again, and report it if it persists.",
        )

    def to_result(self) -> Dict[str, Any]:
        result = super().to_result()
        result.update(malformed_product=self.product, malformed_field=self.field)
        return result


class Answer(NamedTuple):
    """One answer's body, with what its errors name: the product, the action and the request id."""

    product: str
    operation: str
    body: Dict[str, Any]
    request_id: Optional[str]

    def malformed(self, field: str, problem: str) -> MalformedAnswerError:
        return MalformedAnswerError(self.product, self.operation, field, problem, self.request_id)


def read_answer(product: str, operation: str, response: Any) -> Answer:
    """The body of an SDK response as a dict (its to_map), and its request id (body or header)."""
    body_model = getattr(response, "body", None)
    body = body_model.to_map() if body_model is not None else None
    return _answer(product, operation, body, getattr(response, "headers", None))


def read_raw_answer(product: str, operation: str, raw: Any) -> Answer:
    """The same from the untyped map the client's call_api returns ({"body", "headers", "statusCode"}).

    A typed model's from_map turns a missing list into []: where an empty list could lead to a removal, the raw
    answer is read instead, so that a missing list stays missing.
    """
    raw = raw if isinstance(raw, dict) else {}
    return _answer(product, operation, raw.get("body"), raw.get("headers"))


def _answer(product: str, operation: str, body: Any, headers: Any) -> Answer:
    headers = headers if isinstance(headers, dict) else {}
    request_id = headers.get("x-acs-request-id")
    if isinstance(body, dict):
        request_id = body.get("requestId") or body.get("RequestId") or body.get("request_id") or request_id
    answer = Answer(product, operation, body if isinstance(body, dict) else {}, request_id)
    if not isinstance(body, dict):
        raise answer.malformed("the body", "is not a JSON object")
    return answer


def _kind_name(kind: Kind) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(dict.fromkeys(_KIND_NAMES.get(k, k.__name__) for k in kinds))


def _is_kind(value: Any, kind: Kind) -> bool:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        return False  # JSON true is not a number
    return isinstance(value, kinds)


def require(answer: Answer, container: Dict[str, Any], key: str, kind: Kind, path: str) -> Any:
    """container[key], present (not null) and of type kind; `path` names it in the error."""
    if key not in container or container[key] is None:
        raise answer.malformed(path, "is missing")
    return check_type(answer, container[key], kind, path)


def optional(answer: Answer, container: Dict[str, Any], key: str, kind: Kind, path: str, default: Any = None) -> Any:
    """container[key] if present (and then of type kind), else default."""
    if container.get(key) is None:
        return default
    return check_type(answer, container[key], kind, path)


def check_type(answer: Answer, value: Any, kind: Kind, path: str) -> Any:
    if not _is_kind(value, kind):
        raise answer.malformed(path, f"is {type(value).__name__} {value!r:.60}, not {_kind_name(kind)}")
    return value


def require_id(answer: Answer, container: Dict[str, Any], key: str, path: str) -> str:
    """A non-empty string id: an item without its id cannot be told apart from another."""
    value = require(answer, container, key, str, path)
    if not value.strip():
        raise answer.malformed(path, "is empty")
    return value


def require_objects(answer: Answer, container: Dict[str, Any], key: str, path: str) -> List[Dict[str, Any]]:
    """container[key], a list whose every element is an object."""
    items = require(answer, container, key, list, path)
    for index, item in enumerate(items):
        check_type(answer, item, dict, f"{path}[{index}]")
    return items


def optional_strings(answer: Answer, container: Dict[str, Any], key: str, path: str) -> List[str]:
    """container[key], a list of strings, or [] when absent."""
    values = optional(answer, container, key, list, path, default=[])
    for index, value in enumerate(values):
        check_type(answer, value, str, f"{path}[{index}]")
    return values


def optional_count(answer: Answer, container: Dict[str, Any], key: str, path: str) -> Optional[int]:
    """A count (a total, a page size) as an int, or None when absent; a numeric string is accepted."""
    value = optional(answer, container, key, (int, str), path)
    if value is None:
        return None
    try:
        count = int(value)
    except ValueError:
        raise answer.malformed(path, f"is {value!r:.60}, not a number") from None
    if count < 0:
        raise answer.malformed(path, f"is {count}, a negative count")
    return count
