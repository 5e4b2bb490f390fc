# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""Answers read raw, and what a malformed one raises.

The SDK's response models (alibabacloud_apig20240327, _ecs20140526, _cs20151215 ``models``) read
any JSON: a missing list becomes [] in some models and None in others, a number where a list belongs
stays a number or crashes from_map. Every read is therefore taken raw (call_raw) and checked against
its action's contract (_answer_contract): an answer that lacks a field the collection uses, holds it
with another type, or whose counts disagree is not read as empty: it raises MalformedAnswerError,
naming the product, the action, the field and the request id, so that nothing is planned, and
nothing deleted, on the strength of it.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
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


class _RawAnswerCapture:
    """Stands in for an SDK client while one of its typed methods runs: the method's request is built and sent by
    the SDK as usual (through the client's own ``call_api``), and the untyped map ``call_api`` returns is kept, so
    that the answer is read as the wire sent it, not as the response model's ``from_map`` rebuilt it."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.raw: Any = None

    def __getattr__(self, name: str) -> Any:
        # The client class's own methods run bound to the capture, so that their call_api is the one below.
        attribute = getattr(type(self._client), name, None)
        if callable(attribute) and hasattr(attribute, "__get__"):
            return attribute.__get__(self)
        return getattr(self._client, name)

    def call_api(self, params: Any, request: Any, runtime: Any) -> Any:
        self.raw = self._client.call_api(params, request, runtime)
        return self.raw


def call_raw(session: Any, product: str, operation: str, method: str, *args: Any, doing: Optional[str] = None) -> Any:
    """One read through the SDK client's typed ``method`` (its request serialisation, signing and retries), the
    answer taken raw ({"body", "headers", "statusCode"}) for read_raw_answer.

    The response models turn a missing list into [] and a retyped field into None or a crash (their from_map);
    the raw map keeps what the server sent. A from_map that fails on a malformed answer is not an error here:
    the contract check that follows names the field.
    """
    client = session.client(product)

    def send() -> Any:
        capture = _RawAnswerCapture(client)
        try:
            getattr(type(client), method)(capture, *args)
        except Exception:  # pylint: disable=broad-except
            if capture.raw is None:  # the call itself failed: the retry policy and the error mapping decide
                raise
        return capture.raw

    return read_raw_answer(product, operation, session.call(operation, send, doing=doing))


def read_raw_answer(product: str, operation: str, raw: Any) -> Answer:
    """The body of the untyped map the client's call_api returns ({"body", "headers", "statusCode"}), as an
    Answer with its request id (body or header)."""
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


def check_type(answer: Answer, value: Any, kind: Kind, path: str) -> Any:
    if not _is_kind(value, kind):
        raise answer.malformed(path, f"is {type(value).__name__} {value!r:.60}, not {_kind_name(kind)}")
    return value
