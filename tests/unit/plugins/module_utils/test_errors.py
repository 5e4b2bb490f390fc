# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from typing import Any
from typing import Dict
from typing import Iterator
from typing import Optional
from typing import Set

import pytest
import requests
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.exceptions import ServerException
from alibabacloud_tea_openapi.exceptions import ThrottlingException
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import bound_text
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import clean_message
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_already_exists
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_api_not_found
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_auth_error
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_gateway_gone
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_not_found
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_rule_not_found
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_throttling
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_transient
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import may_have_been_applied
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import redact
from ansible_collections.alibabacloud.apig.plugins.module_utils._retries import is_retryable
from ansible_collections.alibabacloud.apig.plugins.module_utils._sdk_errors import api_error_from_exception
from darabonba.exceptions import RetryError
from darabonba.exceptions import UnretryableException
from darabonba.policy.retry import RetryPolicyContext
from darabonba.request import DaraRequest
from hypothesis import given
from hypothesis import strategies as st

OP = "AddGatewaySecurityGroupRule"
SECRETS = ("STS-TOKEN-SECRET-VALUE", "AK-SECRET-VALUE", "deadbeefcafe0123456789signature")


def sdk_error(
    cls: type, status: int, code: Optional[str], message: Optional[str], request_id: Optional[str], **kw: Any
):
    """What tea-openapi's do_request raises for an HTTP error answer (same argument formatting)."""
    body = {}
    if code is not None:
        body["code"] = code
    if message is not None:
        body["message"] = message
    if request_id is not None:
        body["requestId"] = request_id
    return cls(
        status_code=status,
        code=f"{code}",
        message=f"code: {status}, {message} request id: {request_id}",
        detail="None",
        description="None",
        data=body,
        request_id=f"{request_id}",
        **kw,
    )


def unretryable(inner: Exception, headers: Optional[dict] = None) -> UnretryableException:
    request = DaraRequest()
    request.headers = headers or {}
    return UnretryableException(RetryPolicyContext(retries_attempted=1, http_request=request, exception=inner))


def test_client_exception_prefers_the_service_message() -> None:
    exc = sdk_error(ClientException, 404, "NotFound.GatewayNotFound", "gateway gw-1 not found", "RID-1")
    err = api_error_from_exception(exc, OP)
    assert (err.operation, err.code, err.message, err.request_id, err.status) == (
        OP,
        "NotFound.GatewayNotFound",
        "gateway gw-1 not found",
        "RID-1",
        404,
    )
    assert err.retry_after_ms is None and not err.transport
    assert str(err) == (
        "AddGatewaySecurityGroupRule failed: gateway gw-1 not found "
        "(code: NotFound.GatewayNotFound, HTTP 404, request id: RID-1)"
    )
    assert err.to_result() == {
        "error_code": "NotFound.GatewayNotFound",
        "error_message": "gateway gw-1 not found",
        "request_id": "RID-1",
        "http_status": 404,
        "operation": OP,
    }
    assert is_not_found(err) and not is_already_exists(err) and not is_auth_error(err)


def test_throttling_exception_carries_retry_after() -> None:
    exc = sdk_error(ThrottlingException, 400, "Throttling.User", "Request was denied", "RID-2", retry_after=1500)
    err = api_error_from_exception(exc, OP)
    assert (err.code, err.status, err.retry_after_ms, err.message) == (
        "Throttling.User",
        400,
        1500,
        "Request was denied",
    )
    assert is_throttling(err)


def test_a_ram_refusal_names_the_missing_action() -> None:
    detail = {"AuthAction": "ecs:DescribeInstances", "NoPermissionType": "ImplicitDeny"}
    exc = ClientException(
        status_code=403,
        code="Forbidden.RAM",
        message="User not authorized to operate on the specified resource.",
        request_id="R-2",
        access_denied_detail=detail,
    )
    err = api_error_from_exception(exc, "DescribeInstances")
    assert err.message.endswith("resource. (RAM action: ecs:DescribeInstances)")
    # APIG's NoPermission message already names it: not repeated.
    exc = ClientException(
        status_code=403,
        code="NoPermission",
        message="You are not authorized to perform this action: apig:GetGateway.",
        access_denied_detail={"AuthAction": "apig:GetGateway"},
    )
    assert api_error_from_exception(exc, "GetGateway").message.count("apig:GetGateway") == 1


def test_server_exception() -> None:
    err = api_error_from_exception(sdk_error(ServerException, 503, "ServiceUnavailable", "busy", "RID-3"), OP)
    assert (err.code, err.status, err.message, err.request_id) == ("ServiceUnavailable", 503, "busy", "RID-3")
    assert is_transient(err) and may_have_been_applied(err)


def test_decorated_message_is_stripped_when_the_body_has_none() -> None:
    exc = ClientException(status_code=400, code="InvalidParameter", message="code: 400, bad port request id: RID-4")
    err = api_error_from_exception(exc, OP)
    assert (err.message, err.request_id, err.status) == ("bad port", "RID-4", 400)


def test_error_answer_without_body_fields() -> None:
    # The SDK formats missing fields as the string "None".
    err = api_error_from_exception(sdk_error(ServerException, 500, None, None, None), OP)
    assert err.code == "Unknown"
    assert err.request_id is None
    assert err.status == 500
    assert "None" not in str(err)
    assert "HTTP 500" in err.message


def test_no_credentials_client_exception() -> None:
    exc = ClientException(code="InvalidCredentials", message="Please set up the credentials correctly.")
    err = api_error_from_exception(exc, OP)
    assert (err.code, err.status, err.request_id) == ("InvalidCredentials", None, None)
    assert str(err) == f"{OP} failed: Please set up the credentials correctly. (code: InvalidCredentials)"
    assert is_auth_error(err)


def test_credential_exception_from_the_credentials_package() -> None:
    from alibabacloud_credentials.exceptions import CredentialException

    err = api_error_from_exception(CredentialException("unable to load credentials from any providers"), OP)
    assert err.code == "InvalidCredentials" and is_auth_error(err) and not err.transport


TRANSPORT_TEXTS = [
    ("HTTPConnectionPool(host='127.0.0.1', port=9): Read timed out. (read timeout=10.0)", "ReadTimeout"),
    (
        "HTTPSConnectionPool(host='apig.cn-hangzhou.aliyuncs.com', port=443): Max retries exceeded with url: /v1 "
        "(Caused by ConnectTimeoutError(<HTTPSConnection>, 'Connection to apig timed out. (connect timeout=5.0)'))",
        "ConnectTimeout",
    ),
    (
        "HTTPConnectionPool(host='127.0.0.1', port=1): Max retries exceeded with url: /v1 (Caused by "
        "NewConnectionError(\"HTTPConnection(host='127.0.0.1', port=1): Failed to establish a new connection: "
        '[Errno 111] Connection refused"))',
        "ConnectionRefused",
    ),
    ("('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))", "ConnectionReset"),
    ("('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))", "ConnectionReset"),
    (
        "HTTPConnectionPool(host='x.invalid', port=80): Max retries exceeded (Caused by NameResolutionError("
        "\"Failed to resolve 'x.invalid' ([Errno -2] Name or service not known)\"))",
        "UnknownHost",
    ),
    (
        "HTTPSConnectionPool(host='apig', port=443): Max retries exceeded (Caused by NameResolutionError("
        "\"Failed to resolve 'apig' ([Errno -3] Temporary failure in name resolution)\"))",
        "NameResolutionFailed",
    ),
    (
        "HTTPSConnectionPool(host='apig', port=443): Max retries exceeded (Caused by SSLError(SSLCertVerificationError("
        "1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate')))",
        "SSLError",
    ),
    (
        "HTTPSConnectionPool(host='apig', port=443): Max retries exceeded (Caused by SSLError(SSLEOFError(8, "
        "'[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol')))",
        "ConnectionReset",
    ),
    ("Invalid URL 'http://': No host supplied", "InvalidEndpoint"),
    ("No connection adapters were found for 'ftp://x'", "InvalidEndpoint"),
    ("something odd happened on the wire", "TransportError"),
]


@pytest.mark.parametrize(("text", "code"), TRANSPORT_TEXTS)
def test_unretryable_exception_around_retry_error(text: str, code: str) -> None:
    err = api_error_from_exception(unretryable(RetryError(text)), OP)
    assert err.transport
    assert err.code == code
    assert err.status is None and err.request_id is None
    assert err.message == text


def test_unretryable_exception_never_shows_the_signed_request() -> None:
    headers = {
        "Authorization": "ACS3-HMAC-SHA256 Credential=AKID,SignedHeaders=host,Signature=" + SECRETS[2],
        "x-acs-security-token": SECRETS[0],
    }
    err = api_error_from_exception(unretryable(RetryError("Read timed out."), headers), OP)
    for secret in SECRETS:
        assert secret not in str(err) and secret not in repr(err) and secret not in json.dumps(err.to_result())


def test_unretryable_exception_around_an_unparsable_body() -> None:
    inner = RuntimeError('Failed to parse the value as json format, Value: "<html>502 Bad Gateway</html>".')
    err = api_error_from_exception(unretryable(inner), OP)
    assert err.code == "InvalidResponse" and not err.transport and is_transient(err) and may_have_been_applied(err)


def test_unretryable_exception_around_our_own_error() -> None:
    own = ApiError("LoadCredentials", code="InvalidCredentials", message="profile 'x' was not found")
    assert api_error_from_exception(unretryable(own), OP) is own


def test_api_error_passes_through() -> None:
    err = ApiError(OP, code="X")
    assert api_error_from_exception(err, "Other") is err


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (requests.exceptions.ReadTimeout("HTTPConnectionPool(host='h', port=1): Read timed out."), "ReadTimeout"),
        (requests.exceptions.ConnectTimeout("timed out"), "ConnectTimeout"),
        (requests.exceptions.ConnectionError("[Errno 111] Connection refused"), "ConnectionRefused"),
        (requests.exceptions.ConnectionError("('Connection aborted.', RemoteDisconnected('x'))"), "ConnectionReset"),
        (
            requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead(0 bytes read)"),
            "ConnectionReset",
        ),
        (requests.exceptions.SSLError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"), "SSLError"),
        (requests.exceptions.InvalidURL("Invalid URL"), "InvalidEndpoint"),
        (socket.timeout("timed out"), "Timeout"),
        (TimeoutError("timed out"), "Timeout"),
        (ConnectionRefusedError(111, "Connection refused"), "ConnectionRefused"),
        (ConnectionResetError(104, "Connection reset by peer"), "ConnectionReset"),
        (BrokenPipeError(32, "Broken pipe"), "ConnectionReset"),
        (socket.gaierror(socket.EAI_NONAME, "Name or service not known"), "UnknownHost"),
        (socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution"), "NameResolutionFailed"),
    ],
)
def test_plain_transport_exceptions(exc: Exception, code: str) -> None:
    err = api_error_from_exception(exc, OP)
    assert (err.code, err.transport, err.status) == (code, True, None)


def test_anything_else_is_unknown_without_traceback() -> None:
    text = (
        "boom\nTraceback (most recent call last):\n  File \"x.py\", line 1, in <module>\n    raise KeyError('k')\n"
        "KeyError: 'k'"
    )
    err = api_error_from_exception(RuntimeError(text), OP)
    assert err.code == "Unknown" and not err.transport and err.status is None
    assert "Traceback" not in err.message and "File " not in err.message
    assert err.message == "boom\nKeyError: 'k'"
    assert api_error_from_exception(KeyError("items"), OP).message == "'items'"
    assert api_error_from_exception(ValueError(), OP).message == "ValueError"


LEAKY_TEXTS = [
    "{'Authorization': 'ACS3-HMAC-SHA256 Credential=AKID,Signature=deadbeefcafe0123456789signature', "
    "'x-acs-security-token': 'STS-TOKEN-SECRET-VALUE'}",
    '{"accessKeySecret": "AK-SECRET-VALUE", "securityToken":"STS-TOKEN-SECRET-VALUE"}',
    "Authorization: ACS3-HMAC-SHA256 Credential=AKID,SignedHeaders=host;x-acs-date,"
    "Signature=deadbeefcafe0123456789signature\nx-acs-security-token: STS-TOKEN-SECRET-VALUE\nhost: apig",
    "url: /?AccessKeyId=AKID&SecurityToken=STS-TOKEN-SECRET-VALUE&Signature=deadbeefcafe0123456789signature&x=1",
    "access_key_secret=AK-SECRET-VALUE security_token='STS-TOKEN-SECRET-VALUE'",
    "AccessKeySecret : AK-SECRET-VALUE",
]


@pytest.mark.parametrize("text", LEAKY_TEXTS)
def test_secrets_are_redacted(text: str) -> None:
    cleaned = redact(text)
    for secret in SECRETS:
        assert secret not in cleaned
    assert "********" in cleaned
    for exc in (RuntimeError(text), unretryable(RetryError(text)), ClientException(code="X", message=text)):
        err = api_error_from_exception(exc, OP)
        for secret in SECRETS:
            assert secret not in str(err) and secret not in err.message


def test_redaction_leaves_ordinary_text_alone() -> None:
    text = "Specified signature does not match our calculation. x-acs-signature-nonce: abc; host: apig"
    assert redact(text) == text
    assert redact("AccessKeyId=AKID&RegionId=cn-hangzhou") == "AccessKeyId=AKID&RegionId=cn-hangzhou"


def test_long_messages_are_bounded_and_say_how_much_was_left_out() -> None:
    cleaned = clean_message("x" * 100000)
    assert len(cleaned) <= 2000
    kept = cleaned.count("x")
    assert cleaned.endswith(f" [... {100000 - kept} more characters left out]")


@given(st.text(max_size=3000), st.integers(min_value=40, max_value=2500))
def test_bound_text_keeps_a_prefix_and_counts_the_rest(text: str, limit: int) -> None:
    bounded = bound_text(text, limit)
    assert len(bounded) <= limit
    if len(text) <= limit:
        assert bounded == text
    else:
        prefix, _marker, rest = bounded.rpartition(" [... ")
        left_out = int(rest.split(" ")[0])
        assert text.startswith(prefix) and len(prefix) + left_out == len(text)


def test_a_failure_over_thousands_of_ranges_stays_bounded_and_keeps_its_details() -> None:
    ranges = ", ".join(f"{port}/{port}" for port in range(1, 10001))
    err = ApiError(OP, code="AuthorizationLimitExceed", message="quota " * 5000, request_id="R-9", status=403)
    err.doing = f"add {ranges} on sg-1 for gw-1"
    err.hint = "Remove unused authorizations: " + ranges
    text = str(err)
    assert len(text) <= 2000
    for detail in ("Failed to add 1/1, 2/2", "code: AuthorizationLimitExceed", "HTTP 403", "request id: R-9"):
        assert detail in text
    assert text.count("more characters left out") == 3
    assert "Remove unused authorizations: 1/1" in text


# --------------------------------------------- classification: status x code x data -> class

CLASSES = ("throttling", "transient", "auth", "exists", "not_found", "api_not_found", "gateway_gone", "rule_not_found")
PREDICATES: Dict[str, Any] = {
    "throttling": is_throttling,
    "transient": is_transient,
    "auth": is_auth_error,
    "exists": is_already_exists,
    "not_found": is_not_found,
    "api_not_found": is_api_not_found,
    "gateway_gone": is_gateway_gone,
    "rule_not_found": is_rule_not_found,
}


def classes(err: ApiError) -> Set[str]:
    return {name for name in CLASSES if PREDICATES[name](err)}


# status, code (None: the answer had none), what only the error body (data) says, classes
CLASSIFICATION = [
    (404, "NotFound.GatewayNotFound", None, {"not_found", "gateway_gone"}),
    (409, "Conflict.GatewayIsDeleted", None, {"gateway_gone"}),
    (404, None, {"Code": "NotFound.GatewayNotFound"}, {"not_found", "gateway_gone"}),
    (404, "NotFound.SecurityGroupRuleNotFound", None, {"not_found", "rule_not_found"}),
    (404, "InvalidSecurityGroupRuleId.NotFound", None, {"not_found", "rule_not_found"}),
    (404, None, {"code": "NotFound.SecurityGroupRuleNotFound"}, {"not_found", "rule_not_found"}),
    # A rule code on a status other than 404 is not trusted as "already gone".
    (400, "NotFound.SecurityGroupRuleNotFound", None, {"not_found"}),
    # A generic NotFound could mean the gateway: not a rule.
    (404, "NotFound", None, {"not_found"}),
    (404, "DatabaseError.RecordNotFound", None, {"not_found"}),
    (400, "DatabaseError.RecordNotFound", None, {"not_found"}),
    # The API itself was not found: nothing about the resource.
    (404, "InvalidAction.NotFound", None, {"api_not_found"}),
    (404, "InvalidRegionId.NotFound", None, {"api_not_found"}),
    (400, "InvalidVersion", None, {"api_not_found"}),
    (404, "InvalidSecurityGroupId.NotFound", None, {"not_found"}),
    (400, "InvalidSecurityGroup.NotExist", None, {"not_found"}),
    (404, "ErrorClusterNotFound", None, {"not_found"}),
    (404, "ErrorNodePoolNotFound", None, {"not_found"}),
    (404, "SomethingElse", None, {"not_found"}),
    (404, "InvalidAccessKeyId.NotFound", None, {"auth"}),
    (409, "Conflict.SecurityGroupRuleExists", None, {"exists"}),
    (409, "SomeOtherConflict", None, {"exists"}),
    (409, None, {"message": "conflict"}, {"exists"}),
    (400, "SecurityGroupRule.AlreadyExists", None, {"exists"}),
    (400, "InvalidPermission.Duplicate", None, {"exists"}),
    (400, "RouterEntryConflict.Duplicated", None, {"exists"}),
    (409, "OperationConflict", None, {"transient"}),
    (409, "Conflict.LockFailed", None, {"transient"}),
    (400, "SignatureDoesNotMatch", None, {"auth"}),
    (400, "IncompleteSignature", None, {"auth"}),
    (400, "InvalidAccessKeyId.Inactive", None, {"auth"}),
    (400, "InvalidSecurityToken.Expired", None, {"auth"}),
    (400, "InvalidSecurityToken.Malformed", None, {"auth"}),
    (400, "MissingSecurityToken", None, {"auth"}),
    (403, "Forbidden.RAM", None, {"auth"}),
    (403, "Forbidden.AccessKeyDisabled", None, {"auth"}),
    (403, "NoPermission", None, {"auth"}),
    (401, None, None, {"auth"}),
    (400, "InvalidTimeStamp.Expired", None, {"auth"}),
    (403, "AuthorizationLimitExceed", None, set()),
    (400, "Throttling", None, {"throttling"}),
    (400, "Throttling.User", None, {"throttling"}),
    (400, "Throttling.Api", None, {"throttling"}),
    (400, "Throttling.Anything", None, {"throttling"}),
    (400, "Rejected.Throttling", None, {"throttling"}),
    (429, None, None, {"throttling"}),
    (503, "ServiceUnavailable", None, {"transient"}),
    (500, "InternalError", None, {"transient"}),
    (500, "SystemBusy", None, {"transient"}),
    (502, None, None, {"transient"}),
    (500, "InvalidParameter", None, {"transient"}),
    (400, "InvalidParameter", None, set()),
    (400, None, {"Code": "InvalidParameter", "Message": "bad port"}, set()),
]


@pytest.mark.parametrize(("status", "code", "data", "expected"), CLASSIFICATION)
def test_classification_by_status_code_and_data(status: int, code: Any, data: Any, expected: set) -> None:
    cls = ServerException if status >= 500 else ClientException
    exc = sdk_error(cls, status, code, "message", "RID-7")
    if data is not None:
        exc.data = dict(data, statusCode=status)
    err = api_error_from_exception(exc, OP)
    assert err.status == status
    assert classes(err) == expected, (status, code, data)


# An unparsable answer (a proxy's HTML page): its HTTP status decides, when known.
UNPARSABLE = [
    # status, transient, may have been applied, retried
    (404, False, False, False),
    (403, False, False, False),
    (400, False, False, False),
    (429, False, False, True),  # throttling, by status
    (502, True, True, True),
    (503, True, True, True),
    (None, True, True, True),  # unknown status: as a passing corruption
    (200, True, True, True),  # a corrupt success: the write may be done; a re-read settles it
]


@pytest.mark.parametrize(("status", "transient", "applied", "retried"), UNPARSABLE)
def test_unparsable_answers_by_status(status: Any, transient: bool, applied: bool, retried: bool) -> None:
    err = ApiError(OP, code="InvalidResponse", message="unparsable response: <html>", status=status)
    assert (is_transient(err), may_have_been_applied(err), is_retryable(err)) == (transient, applied, retried)
    assert not is_not_found(err) and not is_rule_not_found(err) and not is_already_exists(err)
    assert is_api_not_found(err) is (status == 404)


@pytest.mark.parametrize(
    ("page", "status"),
    [
        ("<html><head><title>404 Not Found</title></head></html>", 404),
        ("<html><body><h1>502 Bad Gateway</h1></body></html>", 502),
        ("<HTML><TITLE>Error 403 Forbidden</TITLE></HTML>", 403),
        ("<html>maintenance</html>", None),
    ],
)
def test_an_html_page_without_the_sdk_answer_falls_back_to_its_status_line(page: str, status: Any) -> None:
    inner = RuntimeError(f'Failed to parse the value as json format, Value: "{page}".')
    err = api_error_from_exception(unretryable(inner), OP)
    assert (err.code, err.status, err.transport) == ("InvalidResponse", status, False)


@pytest.mark.parametrize(
    ("err", "applied"),
    [
        (ApiError(OP, code="ReadTimeout", transport=True), True),
        (ApiError(OP, code="ConnectionReset", transport=True), True),
        (ApiError(OP, code="ConnectionRefused", transport=True), False),
        (ApiError(OP, code="ConnectTimeout", transport=True), False),
        (ApiError(OP, code="InternalError", status=500), True),
        (ApiError(OP, code="InvalidParameter", status=400), False),
    ],
)
def test_may_have_been_applied(err: ApiError, applied: bool) -> None:
    assert may_have_been_applied(err) is applied


def test_api_error_defaults() -> None:
    err = ApiError(OP)
    assert (err.code, err.message, err.attempts, err.transport) == ("Unknown", "Unknown", 1, False)
    assert str(err) == f"{OP} failed: Unknown (code: Unknown)"
    assert isinstance(err, Exception)


def test_api_error_worded_with_what_was_being_done_attempts_and_hint() -> None:
    err = ApiError(OP, code="ServiceUnavailable", message="Busy.", request_id="R-1", status=503, doing="add 80/80")
    err.attempts = 3
    assert str(err) == (
        "Failed to add 80/80: Busy. (code: ServiceUnavailable, HTTP 503, request id: R-1, after 3 attempts)"
    )
    err.hint = "Run again."
    assert str(err).endswith("after 3 attempts). Run again.")


# ------------------------------------------------- the real SDK against a local server


class _Handler(BaseHTTPRequestHandler):
    mode = "404"

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, headers: Optional[dict] = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("content-length") or 0))
        mode = type(self).mode
        if mode == "404":
            body = {"requestId": "RID-1", "code": "NotFound.GatewayNotFound", "message": "gateway gw-1 not found"}
            self._send(404, json.dumps(body).encode(), {"content-type": "application/json"})
        elif mode == "throttle":
            body = {
                "RequestId": "RID-2",
                "Code": "Throttling.User",
                "Message": "Request was denied due to flow control.",
            }
            self._send(
                400, json.dumps(body).encode(), {"content-type": "application/json", "x-acs-retry-after": "1500"}
            )
        elif mode.startswith("html"):
            status = int(mode[4:])
            page = b"<html><body>the proxy refused this request</body></html>"
            self._send(status, page, {"content-type": "text/html"})
        elif mode == "close":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif mode == "hang":
            time.sleep(0.6)


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # darabonba sends through HTTP(S)_PROXY when set, even to 127.0.0.1.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def local_server() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _call_sdk(port: int) -> None:
    from alibabacloud_tea_openapi import models
    from alibabacloud_tea_openapi.client import Client
    from darabonba.runtime import RuntimeOptions

    config = models.Config(
        access_key_id="AKID",
        access_key_secret=SECRETS[1],
        security_token=SECRETS[0],
        endpoint=f"127.0.0.1:{port}",
        protocol="HTTP",
        region_id="cn-hangzhou",
        read_timeout=250,
        connect_timeout=250,
    )
    params = models.Params(
        action=OP,
        version="2024-03-27",
        protocol="HTTP",
        pathname="/v1/gateways/gw-1/security-group-rules",
        method="POST",
        auth_type="AK",
        style="ROA",
        req_body_type="json",
        body_type="json",
    )
    Client(config).call_api(params, models.OpenApiRequest(body={"securityGroupId": "sg-1"}), RuntimeOptions())


@pytest.mark.parametrize(
    ("mode", "code", "status", "transport", "request_id", "retry_after"),
    [
        ("404", "NotFound.GatewayNotFound", 404, False, "RID-1", None),
        ("throttle", "Throttling.User", 400, False, "RID-2", 1500),
        ("html502", "InvalidResponse", 502, False, None, None),
        ("html404", "InvalidResponse", 404, False, None, None),
        ("html403", "InvalidResponse", 403, False, None, None),
        ("html200", "InvalidResponse", 200, False, None, None),
        ("close", "ConnectionReset", None, True, None, None),
        ("hang", "ReadTimeout", None, True, None, None),
    ],
)
def test_real_sdk_failures_map(
    local_server: int, mode: str, code: str, status: Any, transport: bool, request_id: Any, retry_after: Any
) -> None:
    _Handler.mode = mode
    with pytest.raises(Exception) as info:
        _call_sdk(local_server)
    err = api_error_from_exception(info.value, OP)
    assert (err.code, err.status, err.transport, err.request_id, err.retry_after_ms) == (
        code,
        status,
        transport,
        request_id,
        retry_after,
    )
    assert "code: 4" not in err.message and "request id:" not in err.message
    for secret in SECRETS:
        assert secret not in str(err)


def test_real_sdk_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening: the connection is refused
        with pytest.raises(Exception) as info:
            _call_sdk(port)
    err = api_error_from_exception(info.value, OP)
    assert (err.code, err.transport) == ("ConnectionRefused", True)


@pytest.mark.parametrize(("mode", "attempts"), [("html404", 1), ("html403", 1), ("html502", 3)])
def test_real_sdk_html_pages_are_retried_only_for_a_5xx(local_server: int, mode: str, attempts: int) -> None:
    from ansible_collections.alibabacloud.apig.plugins.module_utils._retries import RetryPolicy
    from ansible_collections.alibabacloud.apig.plugins.module_utils._retries import call_with_retries

    _Handler.mode = mode
    calls = []

    def call() -> None:
        calls.append(1)
        _call_sdk(local_server)

    policy = RetryPolicy(max_attempts=3, sleep=lambda _delay: None, random=lambda: 0.0)
    with pytest.raises(ApiError) as info:
        call_with_retries(OP, call, policy)
    assert len(calls) == attempts == info.value.attempts
    assert f"HTTP {mode[4:]}" in str(info.value)
