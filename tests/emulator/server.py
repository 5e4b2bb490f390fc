# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP server: one loopback port serving APIG, ECS and CS to the real SDK clients.

A request goes through, in order:

1. ``/_emulator/...`` paths go to ``control.py`` (not signed, no latency, never logged).
2. The global latency (``--latency-ms``) is added.
3. Routing: the product comes from ``x-acs-version`` (2024-03-27 APIG, 2014-05-26 ECS,
   2015-12-15 CS); the operation from ``x-acs-action`` plus, for ROA, the method and path.
   Unknown version: 400 ``InvalidVersion``; unknown action, or an action on the wrong path:
   404 ``InvalidAction.NotFound``.
4. Authentication (``signing.Verifier``), then the key's ``allowed_actions`` (403).
5. Faults (``faults.Faults``): latency, throttling (per action, or per read/write class: rate
   limits), failures, hangs, dropped connections.
6. The operation runs under one lock on the world, and the answer is rendered in the product's
   shape; a ``malform`` fault then drops or retypes one field of it. A bug in a handler answers
   500 ``InternalError`` (JSON) and prints the traceback to stderr, never to the client.

Every SDK call is appended to the call log (``GET /_emulator/calls``), secrets scrubbed.

Starters for tests: ``start_in_thread`` (same process) and ``start_subprocess`` (the CLI, port
read from its first stdout line). Both return an ``EmulatorHandle`` whose methods talk to
``/_emulator/`` over HTTP, so they behave the same.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import ipaddress
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from typing import Any
from typing import Callable
from typing import Dict
from typing import List
from typing import Optional
from typing import Tuple
from urllib.parse import parse_qsl
from urllib.parse import quote
from urllib.parse import unquote
from urllib.parse import urlencode

from . import apig
from . import control
from . import cs
from . import ecs
from .faults import SECURITY_TOKEN_PLACEHOLDER
from .faults import THROTTLING_MESSAGE
from .faults import Effect
from .faults import Faults
from .faults import malform
from .protocol import ApiError
from .protocol import Call
from .protocol import HttpRequest
from .protocol import HttpResponse
from .protocol import error_body
from .protocol import new_request_id
from .signing import Verifier
from .world import World
from .world import dump_document
from .world import load_world
from .world import resolve_world_path

PRODUCT_MODULES = {module.VERSION: module for module in (apig, ecs, cs)}
MAX_BODY_BYTES = 10 * 1024 * 1024
MAX_LOGGED_CALLS = 100000
REDACTED = "***"


# --------------------------------------------------------------------------------------------
# Routing
# --------------------------------------------------------------------------------------------


class Router:
    """Finds (product module, action, handler, path parameters) for a request."""

    def __init__(self) -> None:
        self.routes: List[Tuple[Any, str, List[str], str, Callable]] = []
        for module in PRODUCT_MODULES.values():
            for method, template, action, handler in getattr(module, "ROUTES", ()):
                self.routes.append((module, method, template.strip("/").split("/"), action, handler))

    def resolve(self, request: HttpRequest) -> Tuple[Any, str, Callable, Dict[str, str]]:
        version = request.header("x-acs-version")
        action = request.header("x-acs-action") or ""
        module = PRODUCT_MODULES.get(version or "")
        if module is None:
            raise ApiError(
                400,
                "InvalidVersion",
                f"Specified parameter Version is not valid: {version!r}; this emulator serves "
                + ", ".join(sorted(PRODUCT_MODULES)),
                style="pop",
            )
        not_found = ApiError(
            404,
            "InvalidAction.NotFound",
            f"Specified api is not found, please check your url and method: {action or '(no action)'} "
            f"{request.method} {request.raw_path} (version {version}).",
            style="pop",
        )
        actions = getattr(module, "ACTIONS", None)
        if actions is not None:  # RPC: POST / (GET works too)
            if action not in actions or request.raw_path != "/" or request.method not in ("GET", "POST"):
                raise not_found
            return module, action, actions[action], {}
        segments = request.raw_path.strip("/").split("/")
        for route_module, method, template, route_action, handler in self.routes:
            if route_module is not module or method != request.method or len(template) != len(segments):
                continue
            params = {}
            for pattern, segment in zip(template, segments):
                if pattern.startswith("{"):
                    params[pattern[1:-1]] = unquote(segment)
                elif pattern != segment:
                    break
            else:
                if route_action != action:
                    raise not_found
                return module, action, handler, params
        raise not_found


# --------------------------------------------------------------------------------------------
# The application
# --------------------------------------------------------------------------------------------


class CallLog:
    """The SDK calls the emulator answered, oldest first."""

    def __init__(self) -> None:
        self._entries: collections.deque = collections.deque(maxlen=MAX_LOGGED_CALLS)
        self._seq = 0
        self._lock = threading.Lock()

    def add(self, entry: Dict[str, Any]) -> None:
        """Append a finished call; ``seq`` numbers calls in the order they finished."""
        with self._lock:
            self._seq += 1
            self._entries.append({"seq": self._seq, **entry})

    def list(self, product: Optional[str] = None, action: Optional[str] = None) -> List[Dict[str, Any]]:
        with self._lock:
            entries = list(self._entries)
        return [e for e in entries if product in (None, e["product"]) and action in (None, e["action"])]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class Emulator:
    """The emulated cloud behind the HTTP server: world, authentication, faults and call log."""

    def __init__(self, world: Any, latency_ms: float = 0) -> None:
        self.source = world
        self.world_path = None if isinstance(world, dict) else resolve_world_path(os.fspath(world))
        self.world = load_world(self.world_path or world)
        self.latency_ms = float(latency_ms)
        self.lock = threading.RLock()
        self.faults = Faults()
        self.calls = CallLog()
        self.router = Router()
        self.verifier = Verifier(lambda: self.world.keys_by_id)
        self.stopping = threading.Event()
        self.writes_in_flight: Dict[str, int] = collections.Counter()  # gateway id -> its writes (lock knob)

    # -- world management (control endpoints) ----------------------------------------------

    def reset(self) -> None:
        """Reload the world from its source; also clears faults and the call log."""
        world = load_world(self.world_path or self.source)
        with self.lock:
            self.world = world
        self.faults.clear()
        self.calls.clear()

    def replace_world(self, doc: Any) -> None:
        world = World.from_document(doc)
        with self.lock:
            self.world = world

    def world_document(self) -> Dict[str, Any]:
        with self.lock:
            return self.world.to_document()

    # -- one request -------------------------------------------------------------------------

    def handle(self, request: HttpRequest) -> HttpResponse:
        if request.raw_path == "/_emulator" or request.raw_path.startswith("/_emulator/"):
            return control.handle(self, request)
        started = time.monotonic()
        started_at = time.time()
        locked, lock_refused = self._take_write_lock(request)
        self._sleep(self.latency_ms)
        request_id = new_request_id()
        module = PRODUCT_MODULES.get(request.header("x-acs-version") or "")
        action = request.header("x-acs-action") or ""
        params: Dict[str, Any] = {}
        response, code = None, None
        try:
            module, action, handler, path_params = self.router.resolve(request)
            query = dict(parse_qsl(request.raw_query, keep_blank_values=True))
            if module is ecs:
                query = self._form(request, query)
            body, body_error = None, None
            if module is not ecs and request.body:
                try:
                    body = json.loads(request.body.decode("utf-8"))
                except (UnicodeDecodeError, ValueError):
                    body_error = ApiError(400, "InvalidParameter", "The request body is not valid JSON.")
            params.update(path_params)
            params.update(query)
            if isinstance(body, dict):
                params.update(body)

            key = self.verifier.verify(
                request.method, request.raw_path, request.raw_query, request.headers, request.body
            )
            if not key.allows(module.PRODUCT, action):
                raise _access_denied(module, action, key.id)
            effect = self.faults.decide(module.PRODUCT, action, action in module.WRITES)
            self._sleep(effect.latency_ms)
            if effect.kind == "drop":
                response, code = HttpResponse.dropped(), "EmulatorDroppedConnection"
                return response
            if effect.kind == "hang":
                self.stopping.wait(effect.hang_seconds)
            elif effect.kind == "throttle":
                headers = {"x-acs-retry-after": str(effect.retry_after_ms)} if effect.retry_after_ms else {}
                raise ApiError(400, "Throttling.User", THROTTLING_MESSAGE, style="pop", headers=headers)
            elif effect.kind == "fail":
                raise _injected_failure(effect, request)
            if lock_refused:
                raise ApiError(409, "Conflict.LockFailed", apig.LOCK_FAILED_MESSAGE)
            if body_error is not None:
                raise body_error
            call = Call(action, request_id, path_params, query, body, self.world.default_region)
            with self.lock:
                result = handler(self.world, call)
            body = module.render(request_id, result)
            if effect.kind == "malform":
                malform(body, effect.malform_path, effect.malform_drop, effect.malform_value)
            response = HttpResponse(200, body)
        except ApiError as error:
            response, code = self._error(module, request_id, error), error.code
        except Exception:  # a bug in the emulator: answer like the cloud would, never with a traceback
            sys.stderr.write(f"emulator: internal error in {action or '?'} (request {request_id}):\n")
            traceback.print_exc()
            error = ApiError(500, "InternalError", "The request processing has failed due to some unknown error.")
            response, code = self._error(module, request_id, error), error.code
        finally:
            self._release_write_lock(locked)
            self._record(request, module, action, params, response, code, started, started_at)
        response.headers["x-acs-request-id"] = request_id
        return response

    def _take_write_lock(self, request: HttpRequest) -> Tuple[Optional[str], bool]:
        """Knob write_lock_concurrency: (the gateway whose lock this write holds, whether it is refused instead).

        An APIG write holds its gateway's lock for the whole call, the latency included; a write that finds
        write_lock_concurrency writes of the same gateway in flight is refused with Conflict.LockFailed.
        """
        limit = self.world.knobs.write_lock_concurrency
        if limit is None:
            return None, False
        try:
            module, action, _handler, path_params = self.router.resolve(request)
        except ApiError:
            return None, False
        gateway_id = path_params.get("gatewayId")
        if module is not apig or action not in apig.WRITES or not gateway_id:
            return None, False
        with self.lock:
            if self.writes_in_flight[gateway_id] >= limit:
                return None, True
            self.writes_in_flight[gateway_id] += 1
        return gateway_id, False

    def _release_write_lock(self, gateway_id: Optional[str]) -> None:
        if gateway_id is not None:
            with self.lock:
                self.writes_in_flight[gateway_id] -= 1

    def _error(self, module: Any, request_id: str, error: ApiError) -> HttpResponse:
        style = error.style or (module.STYLE if module is not None else "pop")
        product = module.PRODUCT if module is not None else "emulator"
        host = module.host(self.world.default_region) if module is not None else "emulator"
        # Messages echo ids the caller sent; a caller who sends a secret must not see it echoed (unless a fault
        # asks for exactly that: a service that echoes the token, which the collection must mask itself).
        if not error.echoes_secret:
            error.message = _scrub(error.message, self.world.secrets())
        body = error_body(style, product, host, request_id, error)
        return HttpResponse(error.status, body, headers=error.headers)

    @staticmethod
    def _form(request: HttpRequest, query: Dict[str, str]) -> Dict[str, str]:
        """RPC parameters: a form-encoded body, overridden by the query string."""
        content_type = (request.header("content-type") or "").split(";")[0].strip().lower()
        if not request.body or content_type not in ("", "application/x-www-form-urlencoded"):
            return query
        merged = dict(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
        merged.update(query)
        return merged

    def _sleep(self, milliseconds: float) -> None:
        if milliseconds > 0:
            self.stopping.wait(milliseconds / 1000.0)

    def _record(
        self,
        request: HttpRequest,
        module: Any,
        action: str,
        params: Dict[str, Any],
        response: Optional[HttpResponse],
        code: Optional[str],
        started: float,
        started_at: float,
    ) -> None:
        secrets = self.world.secrets()
        self.calls.add(
            {
                "product": module.PRODUCT if module is not None else None,
                "action": action,
                "method": request.method,
                "path": _scrub(request.raw_path, secrets),
                "status": response.status if response is not None and not response.drop else None,
                "code": code,
                "started_at": round(started_at, 6),
                "duration_ms": round((time.monotonic() - started) * 1000.0, 3),
                "access_key_id": _scrub(_credential(request.header("authorization")), secrets),
                "params": {k: _scrub(v, secrets) for k, v in params.items()},
            }
        )


def _injected_failure(effect: Effect, request: HttpRequest) -> ApiError:
    """The error a fail_next rule answers; its message may echo the request's security token, unscrubbed."""
    if not effect.echoes_security_token:
        return ApiError(effect.status, effect.code, effect.message, style="pop")
    token = request.header("x-acs-security-token") or ""
    error = ApiError(effect.status, effect.code, effect.message.replace(SECURITY_TOKEN_PLACEHOLDER, token), style="pop")
    error.echoes_secret = True
    return error


def _credential(authorization: Optional[str]) -> Optional[str]:
    match = re.search(r"Credential=([^,\s]+)", authorization or "")
    return match.group(1) if match else None


def _scrub(value: Any, secrets: List[str]) -> Any:
    """``value`` with any world secret or token replaced by ``***`` (recursively)."""
    if isinstance(value, str):
        for secret in secrets:
            for form in (secret, quote(secret, safe="")):  # as sent, and as a path segment
                if form and form in value:
                    value = value.replace(form, REDACTED)
        return value
    if isinstance(value, list):
        return [_scrub(v, secrets) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, secrets) for k, v in value.items()}
    return value


def _access_denied(module: Any, action: str, key_id: str) -> ApiError:
    status, code, message = module.NO_PERMISSION
    auth_action = f"{module.PRODUCT}:{action}"
    detail = {
        "AuthAction": auth_action,
        "AuthPrincipalType": "SubUser",
        "AuthPrincipalDisplayName": key_id,
        "AuthPrincipalOwnerId": "1000000000000000",
        "NoPermissionType": "ImplicitDeny",
        "PolicyType": "AccountLevelIdentityBasedPolicy",
    }
    return ApiError(status, code, message.format(auth_action=auth_action), access_denied_detail=detail)


# --------------------------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the SDK's requests session reuses connections
    server_version = "AlibabaCloudEmulator/1.0"
    disable_nagle_algorithm = True  # answers are written at once; no 40 ms delayed-ACK stalls
    timeout = 300  # seconds an idle kept-alive connection (or a stalled request) may hold a thread

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except ValueError as exc:
            self._write(HttpResponse(400, {"Code": "InvalidRequest", "Message": str(exc)}))
            self.close_connection = True
            return
        headers: Dict[str, List[str]] = {}
        for name, value in self.headers.items():
            headers.setdefault(name.lower(), []).append(value)
        response = self.server.emulator.handle(HttpRequest(self.command, self.path, headers, body))
        if response.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._write(response)

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY_BYTES:
            raise ValueError(f"request body of {length} bytes refused")
        return self.rfile.read(length) if length else b""

    def _write(self, response: HttpResponse) -> None:
        reason = self.responses.get(response.status, ("",))[0]
        lines = [f"HTTP/1.1 {response.status} {reason}"]
        headers = dict(response.headers)
        headers["Content-Length"] = str(len(response.raw))
        headers["Date"] = self.date_time_string()
        headers["Server"] = self.server_version
        if self.close_connection:
            headers["Connection"] = "close"
        lines.extend(f"{name}: {value}" for name, value in headers.items())
        payload = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if self.command != "HEAD":
            payload += response.raw
        try:
            self.wfile.write(payload)
        except OSError:  # the client gave up (timeout, hang test): nothing to answer
            self.close_connection = True

    def send_error(self, code: int, message: Optional[str] = None, explain: Optional[str] = None) -> None:
        """http.server's own refusals (bad request line, unknown method) as JSON, not HTML."""
        self.close_connection = True
        text = message or self.responses.get(code, ("Error",))[0]
        self._write(HttpResponse(code, {"Code": "InvalidRequest", "Message": text}))

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        if self.server.verbose:
            sys.stderr.write(f"emulator: {self.address_string()} - {format % args}\n")


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: Tuple[str, int], emulator: Emulator, verbose: bool = False) -> None:
        self.emulator = emulator
        self.verbose = verbose
        self._connections: set = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def track(self, connection: socket.socket, alive: bool) -> None:
        with self._connections_lock:
            if alive:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def close_connections(self) -> None:
        """Close kept-alive client connections, so a stopped emulator answers nothing more."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def check_loopback(host: str) -> str:
    """The address to bind: only loopback (127.0.0.0/8, or ``localhost``) is accepted."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"--host {host!r} is not an IP address; the emulator binds loopback only") from None
    if address.version != 4 or not address.is_loopback:
        raise ValueError(f"--host {host} is not an IPv4 loopback address; the emulator binds 127.0.0.1 only")
    return host


def create_server(world: Any, port: int = 0, latency_ms: float = 0, host: str = "127.0.0.1", verbose: bool = False):
    """A bound, not yet serving EmulatorHTTPServer; raises ValueError for a non-loopback host."""
    host = check_loopback(host)
    return EmulatorHTTPServer((host, port), Emulator(world, latency_ms), verbose)


# --------------------------------------------------------------------------------------------
# Handles for tests
# --------------------------------------------------------------------------------------------


class EmulatorHandle:
    """A running emulator, however it was started; control methods go over HTTP (urllib)."""

    control_timeout = 30.0  # seconds a control call may take (a benchmark's big world takes longer to load)

    def __init__(self, host: str, port: int, world: World) -> None:
        self.host = host
        self.port = port
        self.endpoint = f"{host}:{port}"
        self.url = f"http://{host}:{port}"
        self.region = world.default_region
        self.access_key_id = world.default_key.id
        self.access_key_secret = world.default_key.secret
        # Direct to loopback: a proxy from the environment must never see these calls.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def _control(self, method: str, path: str, payload: Any = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode("utf-8")
        request = urllib.request.Request(f"{self.url}/_emulator/{path}", data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with self._opener.open(request, timeout=self.control_timeout) as answer:
                raw = answer.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")
            raise RuntimeError(f"emulator control {method} /_emulator/{path} failed: {exc.code} {detail}") from None
        return json.loads(raw.decode("utf-8")) if raw else None

    def calls(self, product: Optional[str] = None, action: Optional[str] = None) -> List[Dict[str, Any]]:
        """Logged SDK calls, oldest first, optionally only one product's or one action's."""
        query = urlencode([(k, v) for k, v in (("product", product), ("action", action)) if v])
        return self._control("GET", "calls" + (f"?{query}" if query else ""))["calls"]

    def clear_calls(self) -> None:
        self._control("DELETE", "calls")

    def set_faults(self, rules: List[Dict[str, Any]]) -> None:
        """Replace the fault rules (see faults.py)."""
        self._control("POST", "faults", rules)

    def clear_faults(self) -> None:
        self._control("DELETE", "faults")

    def faults(self) -> List[Dict[str, Any]]:
        return self._control("GET", "faults")["faults"]

    def state(self) -> Dict[str, Any]:
        """The whole world, in world-file format."""
        return self._control("GET", "state")

    def put_state(self, state: Dict[str, Any]) -> None:
        """Replace the world (a world-file document, e.g. ``state()`` edited)."""
        self._control("PUT", "state", state)

    def reset(self) -> None:
        """Reload the world file; also clears faults and the call log."""
        self._control("POST", "reset")

    def knobs(self) -> Dict[str, Any]:
        """The knobs now in force (README.md "Knobs")."""
        return self._control("GET", "knobs")["knobs"]

    def set_knobs(self, **knobs: Any) -> Dict[str, Any]:
        """Set the named knobs (the others keep their values); returns every knob."""
        return self._control("POST", "knobs", knobs)["knobs"]

    def clear_knobs(self) -> Dict[str, Any]:
        """Every knob back to its default (not to the world file's ``knobs``: reset does that)."""
        return self._control("DELETE", "knobs")["knobs"]

    def update_service(self, service_id: str, **change: Any) -> Dict[str, Any]:
        """Change a service at run time: ``ports=[{"port": 8081}]``, ``endpoints=[...]`` (world-file
        form), ``move_port={"from": 8080, "to": 8081}``, ``health_status``; returns it as in state()."""
        return self._control("POST", f"services/{quote(service_id, safe='')}", change)["service"]

    def env(self) -> Dict[str, str]:
        """Environment variables that point the SDK (and the collection) at this emulator."""
        return {
            "ALIBABA_CLOUD_ACCESS_KEY_ID": self.access_key_id,
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": self.access_key_secret,
            "ALIBABA_CLOUD_REGION_ID": self.region,
            "ALIBABA_CLOUD_ENDPOINT_APIG": self.url,
            "ALIBABA_CLOUD_ENDPOINT_ECS": self.url,
            "ALIBABA_CLOUD_ENDPOINT_CS": self.url,
            "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
        }

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> EmulatorHandle:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url}>"


class ThreadHandle(EmulatorHandle):
    """An emulator serving from a thread of this process; ``.emulator`` is the live application."""

    def __init__(self, server: EmulatorHTTPServer) -> None:
        host, port = server.server_address[:2]
        super().__init__(host, port, server.emulator.world)
        self.server = server
        self.emulator = server.emulator
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.01}, name=f"emulator-{port}", daemon=True
        )
        self._thread.start()
        self._stopped = False

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self.emulator.stopping.set()
        self.server.shutdown()
        self.server.close_connections()
        self.server.server_close()
        self._thread.join(timeout=5)


class ProcessHandle(EmulatorHandle):
    """An emulator running as ``python tests/emulator`` in a child process."""

    def __init__(self, process: subprocess.Popen, host: str, port: int, world: World, cleanup: List[str]) -> None:
        super().__init__(host, port, world)
        self.process = process
        self._cleanup = cleanup

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.process.stdout is not None:
            self.process.stdout.close()
        for path in self._cleanup:
            if os.path.exists(path):
                os.unlink(path)
        self._cleanup = []


def start_in_thread(world: Any, port: int = 0, latency_ms: float = 0) -> EmulatorHandle:
    """Serve ``world`` (a path, a name in tests/emulator/worlds such as ``"demo.yml"``, or a
    world-file dict) from a daemon thread of this process."""
    return ThreadHandle(create_server(world, port, latency_ms))


PORT_LINE = re.compile(r"^emulator listening on http://([0-9.]+):([0-9]+)$")
EMULATOR_DIR = os.path.dirname(os.path.abspath(__file__))


def start_subprocess(world: Any, port: int = 0, latency_ms: float = 0, timeout: float = 20) -> EmulatorHandle:
    """Run the CLI (``python tests/emulator --world ...``) and wait for its port line."""
    cleanup: List[str] = []
    if isinstance(world, dict):
        handle, path = tempfile.mkstemp(prefix="emulator-world-", suffix=".yml")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(dump_document(world))
        cleanup.append(path)
        world_arg = path
    else:
        world_arg = resolve_world_path(os.fspath(world))
    model = load_world(world_arg)
    command = [sys.executable, EMULATOR_DIR, "--world", world_arg, "--port", str(port), "--latency-ms", str(latency_ms)]
    # stderr is inherited: the child's complaints land where this process's go.
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    line = _read_line(process, timeout)
    match = PORT_LINE.match(line.strip())
    if not match:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=5)
        process.stdout.close()
        for path in cleanup:
            os.unlink(path)
        raise RuntimeError(f"emulator did not start (exit {process.returncode}, first line {line!r}); see its stderr")
    return ProcessHandle(process, match.group(1), int(match.group(2)), model, cleanup)


def _read_line(process: subprocess.Popen, timeout: float) -> str:
    result: List[str] = []
    reader = threading.Thread(target=lambda: result.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return result[0] if result else ""


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python tests/emulator",
        description="Serve the APIG 2024-03-27, ECS 2014-05-26 and CS 2015-12-15 APIs on one loopback port.",
    )
    parser.add_argument("--world", required=True, help="world file (path, or a name in tests/emulator/worlds)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on; 0 picks a free one (default)")
    parser.add_argument("--latency-ms", type=float, default=0, help="latency added to every SDK call")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)
    try:
        server = create_server(args.world, args.port, args.latency_ms, args.host, args.verbose)
    except ValueError as exc:  # WorldError is a ValueError too
        sys.stderr.write(f"emulator: {exc}\n")
        return 2
    except OSError as exc:
        sys.stderr.write(f"emulator: cannot listen on {args.host}:{args.port}: {exc}\n")
        return 1

    def stop(signum: int, frame: Any) -> None:
        # Ask serve_forever to return; a request made before it starts is honoured too.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    host, port = server.server_address[:2]
    print(f"emulator listening on http://{host}:{port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.emulator.stopping.set()
        server.close_connections()
        server.server_close()
    return 0
