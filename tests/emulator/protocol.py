# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the three products share on the wire: the call as a handler sees it, and error answers.

Two API styles meet on one port:

* ROA (APIG 2024-03-27, CS 2015-12-15): REST paths (``GET /v1/gateways/{gatewayId}``), query
  parameters, JSON bodies. Path parameters are percent-encoded by the SDK
  (``DaraURL.percent_encode``); handlers get them decoded in ``Call.path``.
* RPC (ECS 2014-05-26): ``POST /`` with every business parameter in the query string (the
  emulator also reads a form-encoded body). Lists are flattened (``Tag.1.Key=...``) and some
  parameters are JSON arrays the caller builds (``InstanceIds='["i-1","i-2"]'``).

Both carry the action and version in the signed headers ``x-acs-action`` and ``x-acs-version``.
Query values are strings; booleans arrive as Python's ``True``/``False``, so they are read
case-insensitively (``Call.bool``).

Every failed call answers with an HTTP status from 400 to 599 and a JSON body. The SDK
(``alibabacloud_tea_openapi.client.Client.do_request``) reads ``Code|code``,
``Message|message``, ``RequestId|requestId`` and ``AccessDeniedDetail|accessDeniedDetail``, so
either casing works for the SDK; the emulator still answers each product in its own shape:

* ``pop``: the shared API gateway (POP) and RPC products such as ECS::

      {"RequestId": "...", "HostId": "ecs-cn-hangzhou.aliyuncs.com", "Code": "...",
       "Message": "...", "Recommend": "https://api.aliyun.com/troubleshoot?q=<Code>&..."}

  Signature, credential, throttling and unknown-API errors come from the gateway in front of all
  products, so they use this shape whatever the product.
* ``apig``: the APIG envelope, lower case: ``{"requestId", "code", "message"}`` (the success
  envelope adds ``data`` and uses ``code: "Ok"``).
* ``cs``: ACK answers ``{"code", "message", "requestId"}``.
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from urllib.parse import quote

# The product name used in the troubleshooting link, per product key.
RECOMMEND_PRODUCT = {"ecs": "Ecs", "apig": "APIG", "cs": "CS"}


class ApiError(Exception):
    """A refusal the emulated API answers with ``status`` and ``code``.

    ``style`` forces a body shape (``pop``, ``apig``, ``cs``); by default the product's own shape is
    used. ``headers`` are extra response headers (``x-acs-retry-after`` for throttling).
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        style: Optional[str] = None,
        headers: Optional[Dict[str, str]] = None,
        access_denied_detail: Optional[Dict[str, Any]] = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.echoes_secret = False  # True: the message carries a secret on purpose (a fault); not scrubbed
        self.style = style
        self.headers = dict(headers or {})
        self.access_denied_detail = access_denied_detail


def invalid_parameter(name: str, value: Any, reason: str = "") -> ApiError:
    """400 InvalidParameter naming the parameter and the offending value."""
    detail = f": {reason}" if reason else ""
    return ApiError(400, "InvalidParameter", f"The specified parameter {name} is not valid ({value!r}){detail}.")


def missing_parameter(name: str) -> ApiError:
    """400 MissingParameter naming the parameter."""
    return ApiError(
        400,
        "MissingParameter",
        f"The input parameter {name} that is mandatory for processing this request is not supplied.",
    )


def new_request_id() -> str:
    """A request id in Alibaba's format: an upper-case UUID."""
    return str(uuid.uuid4()).upper()


def error_body(style: str, product: str, host: str, request_id: str, error: ApiError) -> Dict[str, Any]:
    """The JSON body of ``error`` in the given ``style`` (see the module docstring)."""
    if style == "pop":
        body: Dict[str, Any] = {
            "RequestId": request_id,
            "HostId": host,
            "Code": error.code,
            "Message": error.message,
            "Recommend": "https://api.aliyun.com/troubleshoot?q={}&product={}&requestId={}".format(
                quote(error.code, safe=""), RECOMMEND_PRODUCT.get(product, product), request_id
            ),
        }
        if error.access_denied_detail is not None:
            body["AccessDeniedDetail"] = error.access_denied_detail
        return body
    if style == "apig":
        body = {"requestId": request_id, "code": error.code, "message": error.message}
    else:
        body = {"code": error.code, "message": error.message, "requestId": request_id}
    if error.access_denied_detail is not None:
        body["accessDeniedDetail"] = error.access_denied_detail
    return body


class Call:
    """One authenticated business call, as a product handler sees it.

    ``path``: decoded ROA path parameters; ``params``: query (and, for RPC, form) parameters as
    strings; ``body``: the parsed JSON body of a ROA call (None when there is none).
    """

    def __init__(
        self,
        action: str,
        request_id: str,
        path: Dict[str, str],
        params: Dict[str, str],
        body: Any,
        default_region: str,
    ) -> None:
        self.action = action
        self.request_id = request_id
        self.path = path
        self.params = params
        self.body = body
        self.default_region = default_region

    def str(self, name: str, default: Optional[str] = None) -> Optional[str]:
        value = self.params.get(name)
        return default if value in (None, "") else value

    def required(self, name: str) -> str:
        value = self.str(name)
        if value is None:
            raise missing_parameter(name)
        return value

    def int(self, name: str, default: Optional[int], minimum: int = 1, maximum: Optional[int] = None) -> Optional[int]:
        """An integer parameter within [minimum, maximum]; InvalidParameter names a bad value."""
        raw = self.str(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise invalid_parameter(name, raw, "expected an integer") from None
        if value < minimum or (maximum is not None and value > maximum):
            bounds = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
            raise invalid_parameter(name, raw, f"expected {bounds}")
        return value

    def bool(self, name: str, default: bool = False) -> bool:
        """``true``/``false`` in any case: the Python SDK sends ``True``/``False``."""
        raw = self.str(name)
        if raw is None:
            return default
        if raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        raise invalid_parameter(name, raw, "expected true or false")

    def json_list(self, name: str, limit: int) -> Optional[List[str]]:
        """A JSON array of strings (``'["i-1","i-2"]'``) with at most ``limit`` items."""
        raw = self.str(name)
        if raw is None:
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            raise invalid_parameter(name, raw, "expected a JSON array of strings") from None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise invalid_parameter(name, raw, "expected a JSON array of strings")
        if len(value) > limit:
            raise ApiError(
                400,
                "InvalidParameter",
                f"The specified parameter {name} has {len(value)} items; at most {limit} are allowed.",
            )
        return value


class HttpRequest:
    """A parsed HTTP request; ``headers`` maps lower-case names to all their values."""

    def __init__(self, method: str, target: str, headers: Dict[str, List[str]], body: bytes) -> None:
        self.method = method.upper()
        self.raw_path, _sep, self.raw_query = target.partition("?")
        self.headers = headers
        self.body = body

    def header(self, name: str) -> Optional[str]:
        values = self.headers.get(name)
        return values[0] if values else None


class HttpResponse:
    def __init__(
        self, status: int, body: Any = None, headers: Optional[Dict[str, str]] = None, raw: bytes = b""
    ) -> None:
        self.status = status
        self.headers = dict(headers or {})
        self.drop = False
        if body is not None:
            raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            self.headers.setdefault("Content-Type", "application/json;charset=utf-8")
        self.raw = raw

    @classmethod
    def dropped(cls) -> HttpResponse:
        response = cls(0)
        response.drop = True
        return response
