# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""SDK exception -> ApiError (the one error type of _errors.py, whose code tables then classify it).

The SDK is never imported here (the sanity import test runs without it): exceptions are
recognised by their class names and attributes.

What the SDK raises (tea-openapi 0.4.x, darabonba-core 1.0.x):
  * an HTTP 4xx/5xx answer: ``ClientException`` (4xx), ``ServerException`` (5xx), or
    ``ThrottlingException`` when the answer carried ``x-acs-retry-after`` (ms, in ``.retry_after``).
    They carry ``.code``, ``.status_code``, ``.request_id``, ``.data`` (the error body) and a
    decorated ``.message`` ("code: 404, <service message> request id: <id>"); we keep the service
    message only. Missing fields arrive as the string "None".
  * no HTTP answer: ``UnretryableException`` whose ``.inner_exception`` is a ``RetryError``
    holding the text of the requests/urllib3 error (connection refused or reset, timeouts, DNS,
    TLS). Its ``.last_request`` holds the signed headers: we never read or print it.
    Anything else raised inside the SDK's call (a credential provider failure, an unparsable
    error body) arrives as an ``UnretryableException`` around that exception and is mapped as such.
  * ``ClientException(code="InvalidCredentials")`` when no credentials were found, before any
    request is sent; ``alibabacloud_credentials`` raises ``CredentialException``.
"""

from __future__ import annotations

import re
import socket
import ssl
from typing import Any
from typing import Optional
from typing import Tuple

from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import INVALID_RESPONSE
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import UNKNOWN_CODE
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError

# How the SDK decorates an answer's message: "code: 404, <message> request id: <id>".
_SDK_MESSAGE_RE = re.compile(r"^code: \d{3}, (?P<message>.*) request id: (?P<request_id>[^\s]*)$", re.DOTALL)


def _none_if_placeholder(value: Any) -> Optional[str]:
    # The SDK formats missing fields with f"{x}", so absent values arrive as the string "None".
    if value is None:
        return None
    text = str(value).strip()
    if text in ("", "None", "null"):
        return None
    return text


def _int_or_none(value: Any) -> Optional[int]:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _class_names(exc: BaseException) -> Tuple[str, ...]:
    return tuple(cls.__name__ for cls in type(exc).__mro__)


def _body_field(data: Any, *names: str) -> Optional[str]:
    if not isinstance(data, dict):
        return None
    for name in names:
        value = _none_if_placeholder(data.get(name))
        if value:
            return value
    return None


def _denied_action(exc: Any, data: Any) -> Optional[str]:
    """The RAM action a permission refusal names in its AccessDeniedDetail, if any."""
    detail = getattr(exc, "access_denied_detail", None)
    if not isinstance(detail, dict) and isinstance(data, dict):
        detail = data.get("AccessDeniedDetail") or data.get("accessDeniedDetail")
    return _body_field(detail, "AuthAction", "authAction")


def _from_response_exception(exc: Any, operation: str) -> ApiError:
    """ClientException / ServerException / ThrottlingException (and older TeaException)."""
    data = getattr(exc, "data", None)
    status = _int_or_none(getattr(exc, "status_code", None))
    if status is None:
        status = _int_or_none(getattr(exc, "statusCode", None))
    if status is None and isinstance(data, dict):
        status = _int_or_none(data.get("statusCode"))
    raw_message = _none_if_placeholder(getattr(exc, "message", None))
    request_id = _none_if_placeholder(getattr(exc, "request_id", None))
    decorated = _SDK_MESSAGE_RE.match(raw_message or "")
    if decorated:
        request_id = request_id or _none_if_placeholder(decorated.group("request_id"))
    # Prefer the service's own words from the error body over the SDK's decorated string.
    message = _body_field(data, "Message", "message")
    if message is None:
        message = _none_if_placeholder(decorated.group("message")) if decorated else raw_message
    if message is None and status is not None:
        message = f"HTTP {status} answer without an error message"
    request_id = request_id or _body_field(data, "RequestId", "requestId", "requestid")
    code = _none_if_placeholder(getattr(exc, "code", None)) or _body_field(data, "Code", "code")
    denied_action = _denied_action(exc, data)
    if denied_action and denied_action not in (message or ""):
        # ECS's Forbidden.RAM message does not say which permission is missing; the detail does.
        message = f"{message} (RAM action: {denied_action})"
    retry_after = _int_or_none(getattr(exc, "retry_after", None))
    return ApiError(
        operation,
        code=code,
        message=message,
        request_id=request_id,
        status=status,
        retry_after_ms=retry_after if retry_after and retry_after > 0 else None,
    )


# TLS failures the same request meets again; other TLS errors (an EOF mid-handshake) are dropped connections.
_SSL_PERMANENT = (
    "certificate_verify_failed",
    "certificate verify failed",
    "hostname mismatch",
    "doesn't match",
    "wrong_version_number",
    "wrong version number",
)
# (substrings, code) checked in order against a transport error's text (requests/urllib3 wording).
_TRANSPORT_PATTERNS: Tuple[Tuple[Tuple[str, ...], str], ...] = (
    (("read timed out", "readtimeout"), "ReadTimeout"),
    (("connecttimeout", "connect timeout", "connection timed out"), "ConnectTimeout"),
    (_SSL_PERMANENT, "SSLError"),
    (("sslerror", "[ssl", "ssl:", "eof occurred"), "ConnectionReset"),
    (("temporary failure in name resolution", "eai_again"), "NameResolutionFailed"),
    (
        (
            "nameresolutionerror",
            "name or service not known",
            "nodename nor servname",
            "getaddrinfo failed",
            "no address associated",
            "failed to resolve",
        ),
        "UnknownHost",
    ),
    (
        ("invalidurl", "invalid url", "missingschema", "invalidschema", "no connection adapters", "locationparseerror"),
        "InvalidEndpoint",
    ),
    (("connection refused", "connectionrefused", "errno 111"), "ConnectionRefused"),
    (
        (
            "connection reset",
            "connectionreset",
            "connection aborted",
            "remotedisconnected",
            "remote end closed",
            "broken pipe",
            "brokenpipe",
            "incompleteread",
            "protocolerror",
            "chunkedencodingerror",
            "errno 104",
        ),
        "ConnectionReset",
    ),
    (("timed out", "timeout"), "Timeout"),
)

_TRANSPORT_CLASS_CODES: Tuple[Tuple[str, str], ...] = (
    ("ReadTimeout", "ReadTimeout"),
    ("ReadTimeoutError", "ReadTimeout"),
    ("ConnectTimeout", "ConnectTimeout"),
    ("ConnectTimeoutError", "ConnectTimeout"),
    ("NameResolutionError", "UnknownHost"),
    ("InvalidURL", "InvalidEndpoint"),
    ("MissingSchema", "InvalidEndpoint"),
    ("InvalidSchema", "InvalidEndpoint"),
    ("LocationParseError", "InvalidEndpoint"),
    ("ConnectionRefusedError", "ConnectionRefused"),
    ("ConnectionResetError", "ConnectionReset"),
    ("ConnectionAbortedError", "ConnectionReset"),
    ("BrokenPipeError", "ConnectionReset"),
    ("RemoteDisconnected", "ConnectionReset"),
    ("IncompleteRead", "ConnectionReset"),
    ("ProtocolError", "ConnectionReset"),
    ("ChunkedEncodingError", "ConnectionReset"),
)
# Class names that mean "no usable HTTP answer" even when the text says little.
_TRANSPORT_BASE_NAMES = frozenset(
    ("RetryError", "ConnectionError", "Timeout", "TimeoutError", "timeout", "RequestException")
)


def _transport_code_from_text(text: str) -> str:
    lowered = text.lower()
    for needles, code in _TRANSPORT_PATTERNS:
        if any(needle in lowered for needle in needles):
            return code
    return "TransportError"


def _transport_code(exc: BaseException) -> Optional[str]:
    """A transport code when ``exc`` means the HTTP exchange failed, else None."""
    names = _class_names(exc)
    if isinstance(exc, socket.gaierror):
        return "NameResolutionFailed" if exc.errno == socket.EAI_AGAIN else "UnknownHost"
    if isinstance(exc, ssl.SSLError) or "SSLError" in names:
        return "SSLError" if any(marker in str(exc).lower() for marker in _SSL_PERMANENT) else "ConnectionReset"
    # The SDK's RetryError and requests' umbrella classes carry the detail in their text only.
    if names[0] in ("RetryError", "ConnectionError", "RequestException") or "RetryError" in names:
        return _transport_code_from_text(f"{getattr(exc, 'message', '')} {exc}")
    for class_name, code in _TRANSPORT_CLASS_CODES:
        if class_name in names:
            return code
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "Timeout"
    if isinstance(exc, ConnectionError) or _TRANSPORT_BASE_NAMES.intersection(names):
        return _transport_code_from_text(f"{type(exc).__name__} {exc}")
    return None


# darabonba's Stream.read_as_json raises RuntimeError("Failed to parse the value as json format, Value: ...").
_UNPARSABLE_MARKERS = ("Failed to parse the value as json", "Expecting value")


# An HTML error page's own status line, as proxies write it: "<title>404 Not Found</title>", "<h1>502 Bad Gateway".
_HTML_STATUS_RE = re.compile(r"(?i)<(?:title|h1)>\s*(?:error\s*)?([45]\d\d)\b")


def _unparsable_status(exc: BaseException) -> Optional[int]:
    """The HTTP status of the answer whose body ``exc`` could not parse, when it can be known.

    The SDK reads the body inside its request loop, where the answer is the local ``_response``
    (darabonba's DaraResponse, with ``status_code``); the parse error's traceback holds that frame,
    and the UnretryableException around it drops the answer. Failing that, as a last resort, the
    status line an HTML error page prints in its title.
    """
    traceback = exc.__traceback__
    while traceback is not None:
        answer = traceback.tb_frame.f_locals.get("_response")
        status = _int_or_none(getattr(answer, "status_code", None))
        if status is not None and 100 <= status <= 599:
            return status
        traceback = traceback.tb_next
    found = _HTML_STATUS_RE.search(str(exc))
    return int(found.group(1)) if found else None


def _plain_message(exc: BaseException) -> str:
    text = _none_if_placeholder(getattr(exc, "message", None))
    if text is None:
        text = str(exc) or type(exc).__name__
    return text


def api_error_from_exception(exc: BaseException, operation: str) -> ApiError:
    """Map anything an SDK call raised to an ApiError (never raises itself)."""
    if isinstance(exc, ApiError):
        return exc
    names = _class_names(exc)
    if "UnretryableException" in names:
        # Only the wrapped exception says what failed; last_request holds the signed headers.
        inner = getattr(exc, "inner_exception", None)
        if isinstance(inner, BaseException) and inner is not exc:
            return api_error_from_exception(inner, operation)
        return ApiError(operation, code="TransportError", message=_plain_message(exc), transport=True)
    if "ResponseException" in names or "AlibabaCloudException" in names or "TeaException" in names:
        return _from_response_exception(exc, operation)
    if "CredentialException" in names:
        code = _none_if_placeholder(getattr(exc, "code", None)) or "InvalidCredentials"
        return ApiError(
            operation,
            code=code,
            message=_plain_message(exc),
            request_id=_none_if_placeholder(getattr(exc, "request_id", None)),
        )
    transport_code = _transport_code(exc)
    if transport_code is not None:
        return ApiError(operation, code=transport_code, message=_plain_message(exc), transport=True)
    if "JSONDecodeError" in names or any(marker in str(exc) for marker in _UNPARSABLE_MARKERS):
        # The SDK parses every 4xx/5xx body as JSON: a proxy's HTML error page lands here.
        return ApiError(
            operation, code=INVALID_RESPONSE, message=f"unparsable response: {exc}", status=_unparsable_status(exc)
        )
    return ApiError(operation, code=UNKNOWN_CODE, message=str(exc) or type(exc).__name__)
