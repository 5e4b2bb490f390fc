# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""The error types (ApiError for a failed API call, OptionError for bad input), the code tables that classify an
ApiError, and the bounding and redaction of the messages they carry.

_sdk_errors.py maps what the SDK raises to an ApiError. The codes given there to failures without a service code:
ReadTimeout, ConnectTimeout, Timeout, ConnectionRefused, ConnectionReset, NameResolutionFailed (temporary DNS
failure), UnknownHost, SSLError, InvalidEndpoint, TransportError (all with ``transport=True``), InvalidResponse (an
answer whose body could not be parsed, e.g. a proxy's HTML page; its HTTP status is kept when the SDK's exception
carries it) and Unknown.

Classification reads the HTTP status and the service code, from one table per concept below,
each naming its source. The API documents no per-action codes ("see the error centre"), so a
table lists the codes seen in the sources, and a predicate is written to be safe when a real code
is missing from its table: an unknown code makes a write fail loudly, never makes a removal
count as done. Text is matched only for transport failures, which carry nothing else, and, as a
last resort, for the status line of an HTML error page when the SDK kept no answer.
"""

from __future__ import annotations

import re
from typing import Any
from typing import Dict
from typing import Iterable
from typing import Optional
from typing import Tuple

UNKNOWN_CODE = "Unknown"
# Our code for an error answer whose body is not JSON (see api_error_from_exception).
INVALID_RESPONSE = "InvalidResponse"

# --- Throttling: the request was refused for its rate; retry later.
# Source: the Alibaba error centre's public codes and darabonba-openapi PR #145 (Throttling,
# Throttling.User, Throttling.Api); Terraform alicloud alicloud/errors.go NeedRetry
# (Rejected.Throttling, and any code containing Throttling); SDK test fixtures send them as HTTP 400.
THROTTLING_CODES = frozenset(("Throttling", "Throttling.User", "Throttling.Api", "Rejected.Throttling"))
THROTTLING_PREFIX = "Throttling."
THROTTLING_SUFFIX = ".Throttling"
# RFC 9110 / RFC 6585: 429 Too Many Requests (a proxy or a gateway in front of the API).
THROTTLING_STATUSES = frozenset((429,))

# --- Contention: the resource is locked by another operation in progress; the same request may succeed
# later. Transient (retried as such), and also a sign of too many writes at once: the adaptive rate limiter
# slows down on it as on throttling (_retries.rate_limited).
# Source: alibaba-api-brief.md section 7 (ECS OperationConflict); Terraform alicloud's APIG resources
# retry Conflict.LockFailed (brief section 3).
CONTENTION_CODES = frozenset(("OperationConflict", "Conflict.LockFailed"))

# --- Transient: the service failed for a reason of its own; the same request may succeed.
# Source: alibaba-api-brief.md section 7 (ServiceUnavailable 503, InternalError 500, SystemBusy);
# Terraform alicloud: NeedRetry retries ServiceUnavailable and any answer whose message starts
# "code: 5xx"; and the contention codes above.
TRANSIENT_CODES = frozenset(("ServiceUnavailable", "InternalError", "SystemBusy")) | CONTENTION_CODES
# Every 5xx status, as NeedRetry ("^code: 5\d\d").
TRANSIENT_STATUS_RANGE = range(500, 600)

# --- Authentication and permission: credentials, signature or RAM policy; retrying cannot help.
# Source: the error centre's "Public" codes as listed in alibaba-api-brief.md section 2, RAM's
# Forbidden.RAM (403 with AccessDeniedDetail), APIG/MSE NoPermission (403), and the SDK's own
# InvalidCredentials (no credentials found, raised before any request).
AUTH_CODES = frozenset(
    (
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "MissingSecurityToken",
        "NoPermission",
        "InvalidTimeStamp.Expired",
        "SignatureNonceUsed",
        "InvalidCredentials",
        "Forbidden",
    )
)
AUTH_PREFIXES = ("InvalidAccessKeyId.", "InvalidSecurityToken.", "Forbidden.")
# RFC 9110: 401 Unauthorized. 403 is not here: APIG/ECS also answer 403 for a quota (AuthorizationLimitExceed).
AUTH_STATUSES = frozenset((401,))

# --- Conflict: an add refused because the rule it asks for exists, or may exist. The caller
# decides by re-reading the list, never by the code alone (issue: duplicates are decided by state).
# Source: HTTP 409 Conflict (RFC 9110); Conflict.SecurityGroupRuleExists is assumed, after APIG's
# "Conflict.<Reason>" codes (Conflict.GatewayIsDeleted, below); the real code is undocumented. ECS and
# the Terraform alicloud constants (alicloud/errors.go: InvalidInstanceId.AlreadyExists,
# InvalidAccountName.Duplicate, RouterEntryConflict.Duplicated) name duplicates with these last segments.
ALREADY_EXISTS_CODES = frozenset(("Conflict.SecurityGroupRuleExists", "AlreadyExists", "AlreadyExist", "Duplicate"))
ALREADY_EXISTS_SEGMENTS = frozenset(("AlreadyExists", "AlreadyExist", "Duplicate", "Duplicated", "RuleDuplicate"))
CONFLICT_STATUS = 409

# --- The gateway is gone (deleted, or being deleted).
# Source: Terraform alicloud service_alicloud_apig_v2.go DescribeApigGateway and the APIG resources'
# Delete (resource_alicloud_apig_gateway.go; resource_alicloud_apig_gateway_security_group_rule.go of
# PR #10326, which says the API answers Conflict.GatewayIsDeleted, 409, once the gateway is deleted).
GATEWAY_GONE_CODES = frozenset(("NotFound.GatewayNotFound", "Conflict.GatewayIsDeleted"))

# --- The security-group rule (authorization) named in the path does not exist.
# Source: assumed NotFound.SecurityGroupRuleNotFound, after APIG's "NotFound.<Thing>NotFound"
# codes seen in Terraform (NotFound.GatewayNotFound, NotFound.ServiceNotFound, NotFound.EnvironmentNotFound),
# and ECS's "Invalid<Parameter>.NotFound" form (InvalidSecurityGroupId.NotFound). The real code is
# undocumented; a code missing here makes a delete of a vanished rule fail loudly, which a re-run settles.
RULE_NOT_FOUND_CODES = frozenset(
    (
        "NotFound.SecurityGroupRuleNotFound",
        "NotFound.GatewaySecurityGroupRuleNotFound",
        "NotFound.SecurityGroupRule",
        "InvalidSecurityGroupRuleId.NotFound",
    )
)
RULE_NOT_FOUND_STATUS = 404

# --- The backend group has no room for another rule (an add cannot be written as sent).
# Source: the ECS API reference of AuthorizeSecurityGroup (403 AuthorizationLimitExceed, "The limit of
# authorization records in the security group reaches"), which APIG is assumed to pass through when it
# writes the inbound rule; QuotaExceed.SecurityGroupRule and RulesPerSecurityGroupLimitExceed are ECS's
# quota-centre and console wordings. A quota code missing here only loses the hint, never a safety check.
RULE_QUOTA_CODES = frozenset(
    ("AuthorizationLimitExceed", "QuotaExceed.SecurityGroupRule", "RulesPerSecurityGroupLimitExceed")
)

# --- A named resource does not exist (a cluster, a node pool, a security group, an instance).
# Source: Terraform alicloud NotFoundError (a tea SDKError is not found when its status is 404 or its
# code ends with ".NotFound"), the codes it lists (ErrorClusterNotFound, ErrorNodePoolNotFound,
# DatabaseError.RecordNotFound, NotFound) and ECS's ".NotExist" form.
NOT_FOUND_CODES = frozenset(
    ("NotFound", "ErrorClusterNotFound", "ErrorNodePoolNotFound", "DatabaseError.RecordNotFound")
    + tuple(GATEWAY_GONE_CODES - {"Conflict.GatewayIsDeleted"})
    + tuple(RULE_NOT_FOUND_CODES)
)
NOT_FOUND_SUFFIXES = (".NotFound", ".NotExist")
NOT_FOUND_STATUS = 404
# 404s that say the request reached no API (wrong endpoint, action, version or region), not that a
# resource is missing: never "not found". Source: the error centre's public codes (InvalidAction.NotFound
# "Specified api is not found", InvalidVersion, InvalidProduct.NotFound, InvalidRegionId.NotFound);
# InvalidAccessKeyId.NotFound is a credential error (AUTH_PREFIXES).
API_NOT_FOUND_CODES = frozenset(
    (
        "InvalidAction.NotFound",
        "InvalidApi.NotFound",
        "InvalidVersion",
        "InvalidProduct.NotFound",
        "InvalidRegionId.NotFound",
    )
)

# --- The collection's own refusals (no API call failed): the result's error_code, not a service code.
# A purge that would revoke more pairs than max_revocations allows, refused before any write
# (_revocation_budget); a run whose final list differs from its declaration in what it did not write
# itself, another run's or a console change (_end_state).
REVOCATION_BUDGET_EXCEEDED = "REVOCATION_BUDGET_EXCEEDED"
CONCURRENT_CHANGE = "CONCURRENT_CHANGE"

# --- Transport failures (no HTTP answer), by our codes (see _transport_code).
# The request may have reached the server (a write may have been applied).
AMBIGUOUS_TRANSPORT_CODES = frozenset(("ReadTimeout", "Timeout", "ConnectionReset", "TransportError"))
# The same request will meet them again: retrying only costs time.
PERMANENT_TRANSPORT_CODES = frozenset(("SSLError", "InvalidEndpoint", "UnknownHost"))

# Longest message we report: error bodies and wrapped exceptions can be large.
_MAX_MESSAGE = 2000
# Shares of an ApiError's text for what was being done and for the hint; the message gets the rest.
_MAX_DOING = 400
_MAX_HINT = 600
_MIN_MESSAGE_ROOM = 200

_SECRET_KEY = (
    r"(?:x-acs-security-token|x-acs-zero-trust-idtoken|x-acs-bearer-token|authorization|"
    r"security[_-]?token|sts[_-]?token|access[_-]?key[_-]?secret|secret[_-]?access[_-]?key|"
    r"secret[_-]?key|bearer[_-]?token|signature|password|passwd|secret)"
)
# 'key': 'value' / "key": "value" / key='value': the value ends at its closing quote.
_QUOTED_SECRET_RE = re.compile(r"(?i)([\"']?\b" + _SECRET_KEY + r"[\"']?\s*[:=]\s*)([\"'])(.*?)\2")
# An Authorization header line: "ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=.." runs to the line end.
_AUTH_HEADER_RE = re.compile(r"(?i)(\bauthorization\s*:\s*)(?![\"'])[^\r\n\"'}]+")
# key=value in a query string or key: value in a header dump.
_BARE_SECRET_RE = re.compile(r"(?i)(\b" + _SECRET_KEY + r"\s*[:=]\s*)(?![\"'])[^\s&,;\"'}\]\)]+")

REDACTED = "********"


def redact(text: str) -> str:
    """Mask credential material (tokens, signatures, secrets) that an exception text may carry."""
    text = _QUOTED_SECRET_RE.sub(lambda m: m.group(1) + m.group(2) + REDACTED + m.group(2), text)
    text = _AUTH_HEADER_RE.sub(lambda m: m.group(1) + REDACTED, text)
    return _BARE_SECRET_RE.sub(lambda m: m.group(1) + REDACTED, text)


def _strip_traceback(text: str) -> str:
    """Drop any 'Traceback (most recent call last):' block, keeping the lines after it."""
    if "Traceback (most recent call last)" not in text:
        return text
    kept = []
    in_traceback = False
    for line in text.splitlines():
        if line.startswith("Traceback (most recent call last)"):
            in_traceback = True
            continue
        if in_traceback and (line.startswith(" ") or line.startswith("\t")):
            continue
        in_traceback = False
        kept.append(line)
    return "\n".join(kept)


def bound_text(text: str, limit: int = _MAX_MESSAGE) -> str:
    """``text`` cut to at most ``limit`` characters, saying how many were left out."""
    if len(text) <= limit:
        return text
    left_out = len(text) - limit
    while True:
        marker = f" [... {left_out} more characters left out]"
        kept = max(limit - len(marker), 0)
        if len(text) - kept == left_out:
            return text[:kept] + marker
        left_out = len(text) - kept


def clean_message(text: Any) -> str:
    """A message fit for users: no traceback, no credentials, bounded length."""
    return bound_text(redact(_strip_traceback(str(text))).strip())


_MAX_VALUE_REPR = 80


def short_repr(value: Any) -> str:
    """repr(value), cut to 80 characters: a bad option's message shows whitespace but never a whole 10,000-item list."""
    text = repr(value)
    if len(text) > _MAX_VALUE_REPR:
        text = text[: _MAX_VALUE_REPR - 3] + "..."
    return text


class OptionError(ValueError):
    """The one error for a bad option or input: the message names the field (with its index) and the value.

    A value that was not given (None) is left out of the message: "security_group_id is required ...".
    """

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"{field} {reason}" if value is None else f"{field}: {short_repr(value)} {reason}")


class ApiError(Exception):
    """A failed API call: service code, message, request id, HTTP status, and what was being done.

    ``doing`` (set by Session.call) words the message for a person ("Failed to add 8080/8080 on
    ..."); ``hint`` says what to do next; ``attempts`` is set by call_with_retries.
    """

    def __init__(
        self,
        operation: str,
        code: Optional[str] = None,
        message: Optional[str] = None,
        request_id: Optional[str] = None,
        status: Optional[int] = None,
        retry_after_ms: Optional[int] = None,
        transport: bool = False,
        doing: Optional[str] = None,
        hint: Optional[str] = None,
    ) -> None:
        self.operation = operation
        self.code = code or UNKNOWN_CODE
        self.message = clean_message(message) if message else self.code
        self.request_id = request_id or None
        self.status = status
        self.retry_after_ms = retry_after_ms
        self.transport = transport
        self.doing = doing
        self.hint = hint
        self.attempts = 1
        super().__init__(self.__str__())

    def __str__(self) -> str:
        details = [f"code: {self.code}"]
        if self.status is not None:
            details.append(f"HTTP {self.status}")
        if self.request_id:
            details.append(f"request id: {self.request_id}")
        if self.attempts > 1:
            details.append(f"after {self.attempts} attempts")
        # Every part is kept, each bounded, so that the whole stays within _MAX_MESSAGE: what was being
        # done (it can list thousands of ranges), the details, the hint, and the message in the room left.
        what = f"Failed to {bound_text(self.doing, _MAX_DOING)}" if self.doing else f"{self.operation} failed"
        hint = f". {bound_text(self.hint, _MAX_HINT)}" if self.hint else ""
        tail = " ({}){}".format(", ".join(details), hint)
        room = max(_MAX_MESSAGE - len(what) - len(tail) - 2, _MIN_MESSAGE_ROOM)
        return f"{what}: {bound_text(self.message, room)}{tail}"

    def __repr__(self) -> str:
        return f"ApiError({self.operation!r}, code={self.code!r}, status={self.status!r}, message={self.message!r})"

    def to_result(self) -> Dict[str, Any]:
        """Keys merged into fail_json's result."""
        return {
            "error_code": self.code,
            "error_message": self.message,
            "request_id": self.request_id,
            "http_status": self.status,
            "operation": self.operation,
        }


def _code_in(code: str, codes: Iterable[str], prefixes: Tuple[str, ...] = ()) -> bool:
    return code in codes or code.startswith(prefixes)


def _is_client_refusal(err: ApiError) -> bool:
    """A 4xx answer: the request was refused as sent, whatever the body was."""
    return err.status is not None and 400 <= err.status <= 499


def is_throttling(err: ApiError) -> bool:
    """A throttling code (THROTTLING_CODES, Throttling.*, *.Throttling) or HTTP 429."""
    if err.status in THROTTLING_STATUSES:
        return True
    return _code_in(err.code, THROTTLING_CODES, (THROTTLING_PREFIX,)) or err.code.endswith(THROTTLING_SUFFIX)


def is_contention(err: ApiError) -> bool:
    """A contention code (CONTENTION_CODES): another operation holds the resource's lock."""
    return err.code in CONTENTION_CODES


def is_transient(err: ApiError) -> bool:
    """A transient code, or HTTP 5xx; an unparsable answer only when its status is not a 4xx.

    An HTML page with a 4xx status (a proxy's 403 or 404) is refused again when resent: not transient.
    An unparsable answer whose status is unknown, 2xx or 5xx may be a passing corruption: transient.
    """
    if err.code == INVALID_RESPONSE:
        return not _is_client_refusal(err)
    return err.code in TRANSIENT_CODES or err.status in TRANSIENT_STATUS_RANGE


def is_auth_error(err: ApiError) -> bool:
    """Credentials, signature or permission problems (AUTH_CODES, AUTH_PREFIXES, HTTP 401): retrying cannot help."""
    return _code_in(err.code, AUTH_CODES, AUTH_PREFIXES) or err.status in AUTH_STATUSES


def is_api_not_found(err: ApiError) -> bool:
    """The request reached no API (API_NOT_FOUND_CODES), or a non-JSON 404 (a proxy's page, not the API's word)."""
    if err.code == INVALID_RESPONSE:
        return err.status == NOT_FOUND_STATUS
    return err.code in API_NOT_FOUND_CODES


def is_not_found(err: ApiError) -> bool:
    """A named resource does not exist: HTTP 404, a NOT_FOUND_CODES code, or a code ending .NotFound/.NotExist.

    Never an API-not-found (is_api_not_found), a credential code (InvalidAccessKeyId.NotFound) or an
    unparsable answer.
    """
    if err.code == INVALID_RESPONSE or is_api_not_found(err) or is_auth_error(err):
        return False
    return err.status == NOT_FOUND_STATUS or err.code in NOT_FOUND_CODES or err.code.endswith(NOT_FOUND_SUFFIXES)


def is_gateway_gone(err: ApiError) -> bool:
    """The gateway does not exist or is deleted (GATEWAY_GONE_CODES), whatever the status."""
    return err.code in GATEWAY_GONE_CODES


def is_rule_not_found(err: ApiError) -> bool:
    """A 404 whose code says the security-group rule (the authorization) does not exist (RULE_NOT_FOUND_CODES).

    Never a generic NotFound (it could mean the gateway), never an API-not-found: a delete answered so
    must fail rather than count as done.
    """
    return err.status == RULE_NOT_FOUND_STATUS and err.code in RULE_NOT_FOUND_CODES


def is_already_exists(err: ApiError) -> bool:
    """An add refused as a conflict: HTTP 409, or an ALREADY_EXISTS code or last segment.

    Not when the conflict says the gateway is deleted (is_gateway_gone) or is a passing lock
    (a transient code such as OperationConflict or Conflict.LockFailed, which is retried instead).
    The caller re-reads the list to learn what exists: this says only that it may.
    """
    if is_gateway_gone(err) or err.code in TRANSIENT_CODES or err.code == INVALID_RESPONSE:
        return False
    if err.status == CONFLICT_STATUS or err.code in ALREADY_EXISTS_CODES:
        return True
    return err.code.rsplit(".", 1)[-1] in ALREADY_EXISTS_SEGMENTS and "." in err.code


def may_have_been_applied(err: ApiError) -> bool:
    """True when a write may have taken effect although it failed: the caller should re-read before retrying.

    That is a transport failure after the request may have been sent (read timeout, reset
    connection), a 5xx answer, or an unparsable answer that is not a 4xx; a refused connection
    or a 4xx answer means nothing changed.
    """
    if err.transport:
        return err.code in AMBIGUOUS_TRANSPORT_CODES
    if err.code == INVALID_RESPONSE:
        return not _is_client_refusal(err)
    return err.status is not None and err.status >= 500
