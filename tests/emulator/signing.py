# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Verify ACS3-HMAC-SHA256 signatures exactly as the SDK computes them.

The recipe, from ``alibabacloud_tea_openapi.utils.Utils.get_authorization``::

    HashedPayload    = hex(sha256(raw body))          # equals the x-acs-content-sha256 header
    CanonicalURI     = the raw path as sent (still percent-encoded; never decoded)
    CanonicalQuery   = for each key, sorted: key + "=" + quote(value, safe="~"), joined with "&"
                       (the wire uses urlencode, so "+" means space: parse, then re-quote)
    CanonicalHeaders = for each signed header, sorted: name + ":" + value.strip() + "\\n"
    SignedHeaders    = the lower-case header names joined with ";"
    CanonicalRequest = METHOD, CanonicalURI, CanonicalQuery, CanonicalHeaders, SignedHeaders,
                       HashedPayload, joined with "\\n"
    StringToSign     = "ACS3-HMAC-SHA256\\n" + hex(sha256(CanonicalRequest))
    Signature        = hex(hmac_sha256(secret, StringToSign))
    Authorization:   ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<...>,Signature=<hex>

Refusals, in the order they are checked (codes of the POP gateway in front of every product):

=====================================  ======  =============================================
condition                              status  code
=====================================  ======  =============================================
no or malformed Authorization,         400     IncompleteSignature
  a required header missing or unsigned
x-acs-date not ``%Y-%m-%dT%H:%M:%SZ``  400     InvalidTimeStamp.Format
x-acs-date more than 15 min off        400     InvalidTimeStamp.Expired
unknown AccessKey id                   404     InvalidAccessKeyId.NotFound
STS key without x-acs-security-token   400     MissingSecurityToken
token of another STS key               400     InvalidSecurityToken.MismatchWithAccessKey
any other wrong token                  400     InvalidSecurityToken.Malformed
token marked expired in the world      400     InvalidSecurityToken.Expired
signature differs                      400     SignatureDoesNotMatch
nonce seen in the last 15 minutes      400     SignatureNonceUsed
=====================================  ======  =============================================

A nonce is remembered only once the signature is good, so a forged request cannot burn one.
SDK retries send a fresh nonce, so they never meet SignatureNonceUsed.
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import re
import threading
import time
from typing import Callable
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple
from urllib.parse import parse_qsl
from urllib.parse import quote

from .protocol import ApiError
from .world import AccessKey

ALGORITHM = "ACS3-HMAC-SHA256"
CLOCK_SKEW_SECONDS = 15 * 60
NONCE_WINDOW_SECONDS = 15 * 60
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
# Headers every signed request carries and signs.
REQUIRED_HEADERS = ("x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256")

_AUTH_RE = re.compile(
    r"^(?P<algorithm>\S+)\s+Credential=(?P<credential>[^,\s]+)\s*,\s*"
    r"SignedHeaders=(?P<signed>[^,\s]+)\s*,\s*Signature=(?P<signature>[0-9a-fA-F]+)\s*$"
)


def _refuse(status: int, code: str, message: str) -> ApiError:
    return ApiError(status, code, message, style="pop")


def canonical_query(raw_query: str) -> str:
    """The canonical query string of a raw (wire) query string."""
    pairs = parse_qsl(raw_query, keep_blank_values=True)
    return "&".join(f"{key}={quote(value, safe='~')}" for key, value in sorted(pairs))


def canonical_request(
    method: str,
    raw_path: str,
    raw_query: str,
    headers: Dict[str, List[str]],
    signed_headers: List[str],
    payload_hash: str,
) -> str:
    """The canonical request; ``headers`` maps lower-case names to all their values."""
    lines = []
    for name in signed_headers:
        values = sorted(v.strip() for v in headers.get(name, []))
        lines.append(f"{name}:{','.join(values)}\n")
    return "\n".join(
        [
            method.upper(),
            raw_path or "/",
            canonical_query(raw_query),
            "".join(lines),
            ";".join(signed_headers),
            payload_hash,
        ]
    )


def string_to_sign(canonical: str) -> str:
    return f"{ALGORITHM}\n{hashlib.sha256(canonical.encode('utf-8')).hexdigest()}"


def signature(secret: str, to_sign: str) -> str:
    return hmac.new(secret.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def parse_authorization(value: Optional[str]) -> Tuple[str, List[str], str]:
    """(AccessKey id, signed header names, signature) of an Authorization header."""
    if not value:
        raise _refuse(400, "IncompleteSignature", "The request is not signed: the Authorization header is missing.")
    match = _AUTH_RE.match(value.strip())
    if not match:
        raise _refuse(
            400,
            "IncompleteSignature",
            f"The Authorization header is malformed; expected '{ALGORITHM} Credential=<AccessKeyId>,"
            "SignedHeaders=<names>,Signature=<hex>'.",
        )
    if match.group("algorithm") != ALGORITHM:
        raise _refuse(
            400,
            "IncompleteSignature",
            f"The signature algorithm {match.group('algorithm')!r} is not supported here; use {ALGORITHM}.",
        )
    signed = match.group("signed").split(";")
    if signed != sorted(signed) or any(name != name.lower() or not name for name in signed):
        raise _refuse(400, "IncompleteSignature", "SignedHeaders must be lower-case names in sorted order.")
    return match.group("credential"), signed, match.group("signature").lower()


def parse_acs_date(value: str) -> float:
    """Seconds since the epoch of an x-acs-date value (``2025-01-06T08:00:00Z``)."""
    try:
        return float(calendar.timegm(time.strptime(value, "%Y-%m-%dT%H:%M:%SZ")))
    except ValueError:
        raise _refuse(
            400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted."
        ) from None


class Verifier:
    """Checks one request's credentials and signature; remembers nonces for 15 minutes."""

    def __init__(self, lookup: Callable[[], Dict[str, AccessKey]], clock: Callable[[], float] = time.time) -> None:
        self._lookup = lookup
        self._clock = clock
        self._nonces: Dict[str, float] = {}
        self._lock = threading.Lock()

    def verify(
        self, method: str, raw_path: str, raw_query: str, headers: Dict[str, List[str]], body: bytes
    ) -> AccessKey:
        """The AccessKey that signed the request, or an ApiError saying why it is refused."""
        key_id, signed, given = parse_authorization(_first(headers, "authorization"))
        for name in REQUIRED_HEADERS:
            if not _first(headers, name):
                raise _refuse(400, "IncompleteSignature", f"The header {name} is required in a signed request.")
        for name in headers:
            if (name.startswith("x-acs-") or name in ("host", "content-type")) and name not in signed:
                raise _refuse(400, "IncompleteSignature", f"The header {name} is present but not signed.")

        now = self._clock()
        sent = parse_acs_date(_first(headers, "x-acs-date"))
        if abs(now - sent) > CLOCK_SKEW_SECONDS:
            raise _refuse(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")

        keys = self._lookup()
        key = keys.get(key_id)
        if key is None:
            raise _refuse(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        self._check_token(key, _first(headers, "x-acs-security-token"), keys)

        payload_hash = hashlib.sha256(body).hexdigest()
        canonical = canonical_request(method, raw_path, raw_query, headers, signed, payload_hash)
        to_sign = string_to_sign(canonical)
        if not hmac.compare_digest(signature(key.secret, to_sign), given):
            printable = to_sign.replace("\n", "\\n")
            raise _refuse(
                400,
                "SignatureDoesNotMatch",
                f"Specified signature does not match our calculation. server StringToSign is [{printable}]",
            )
        self._use_nonce(_first(headers, "x-acs-signature-nonce"), now)
        return key

    @staticmethod
    def _check_token(key: AccessKey, token: Optional[str], keys: Dict[str, AccessKey]) -> None:
        if key.security_token is None:
            if token:
                raise _refuse(
                    400, "InvalidSecurityToken.Malformed", "A security token was sent with a permanent access key."
                )
            return
        if not token:
            raise _refuse(400, "MissingSecurityToken", "SecurityToken is mandatory for this access key.")
        if not hmac.compare_digest(token.encode("utf-8"), key.security_token.encode("utf-8")):
            if any(k.security_token == token for k in keys.values()):
                raise _refuse(
                    400,
                    "InvalidSecurityToken.MismatchWithAccessKey",
                    "Specified SecurityToken mismatch with the AccessKey.",
                )
            raise _refuse(400, "InvalidSecurityToken.Malformed", "Specified SecurityToken is malformed.")
        if key.token_expired:
            raise _refuse(400, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired.")

    def _use_nonce(self, nonce: str, now: float) -> None:
        with self._lock:
            if len(self._nonces) > 10000:
                self._nonces = {n: t for n, t in self._nonces.items() if now - t <= NONCE_WINDOW_SECONDS}
            seen = self._nonces.get(nonce)
            if seen is not None and now - seen <= NONCE_WINDOW_SECONDS:
                raise _refuse(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
            self._nonces[nonce] = now


def _first(headers: Dict[str, List[str]], name: str) -> Optional[str]:
    values = headers.get(name)
    return values[0] if values else None
