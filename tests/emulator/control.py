# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The control endpoints under ``/_emulator/``: for tests, not for the SDK.

They are not signed, get no latency and are not logged; no SDK operation's path starts with
``/_emulator``, so they cannot be reached through an SDK client.

=========  =========================  =======================================================
method     path                       effect
=========  =========================  =======================================================
GET        /_emulator/                what is served: products, default region, world source
GET        /_emulator/calls           ``{"calls": [{seq, product, action, method, path, status,
                                      code, started_at, duration_ms, access_key_id, params}]}``;
                                      ``?product=ecs&action=DescribeInstances`` filter
DELETE     /_emulator/calls           clear the call log
GET        /_emulator/faults          ``{"faults": [rule + fired + remaining]}``
POST       /_emulator/faults          replace the rules with the posted JSON list (faults.py)
DELETE     /_emulator/faults          remove every rule
POST       /_emulator/reset           reload the world file; clear faults and the call log
GET        /_emulator/state           the world in world-file format (JSON; ``?format=yaml``)
PUT        /_emulator/state           replace the world with a posted world document (JSON or
                                      YAML); the world file itself is not touched, so a reset
                                      returns to it
GET        /_emulator/knobs           ``{"knobs": {...}}``: every knob now in force
POST       /_emulator/knobs           set the knobs the posted object names (others unchanged)
DELETE     /_emulator/knobs           every knob back to its default
POST       /_emulator/services/{id}   change a service at run time (``World.change_service``):
                                      ``{"move_port": {"from": 8080, "to": 8081}}``, ``ports``,
                                      ``endpoints``, ``health_status``; answers ``{"service"}``
=========  =========================  =======================================================

Errors answer ``{"error": "..."}`` with 400 (bad input), 404 (no such endpoint) or 405.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import unquote

from .faults import FaultRuleError
from .protocol import HttpResponse
from .world import Knobs
from .world import WorldError
from .world import dump_document
from .world import dump_service
from .world import read_document

ENDPOINTS = {
    "": ("GET",),
    "calls": ("GET", "DELETE"),
    "faults": ("GET", "POST", "DELETE"),
    "reset": ("POST",),
    "state": ("GET", "PUT"),
    "knobs": ("GET", "POST", "DELETE"),
    "services/": ("POST",),
}


def handle(emulator: Any, request: Any) -> Any:
    name = request.raw_path[len("/_emulator") :].strip("/")
    query = dict(parse_qsl(request.raw_query))
    if name.startswith("services/") and name != "services/":
        query["service_id"] = unquote(name[len("services/") :])
        name = "services/"
    if name not in ENDPOINTS:
        return HttpResponse(404, {"error": f"no control endpoint /_emulator/{name}", "endpoints": sorted(ENDPOINTS)})
    if request.method not in ENDPOINTS[name]:
        return HttpResponse(405, {"error": f"{request.method} is not allowed on /_emulator/{name}"})
    try:
        return _dispatch(emulator, request, name, query, HttpResponse)
    except (WorldError, FaultRuleError) as exc:
        return HttpResponse(400, {"error": str(exc)})
    except LookupError as exc:
        return HttpResponse(404, {"error": str(exc)})


def _dispatch(emulator: Any, request: Any, name: str, query: dict, response: Any) -> Any:
    method = request.method
    if name == "":
        return response(
            200,
            {
                "service": "Alibaba Cloud API emulator",
                "products": {"apig": "2024-03-27", "ecs": "2014-05-26", "cs": "2015-12-15"},
                "region": emulator.world.default_region,
                "world": emulator.world_path or "(a document passed in memory)",
                "latency_ms": emulator.latency_ms,
            },
        )
    if name == "calls":
        if method == "DELETE":
            emulator.calls.clear()
            return response(200, {"cleared": True})
        return response(200, {"calls": emulator.calls.list(query.get("product"), query.get("action"))})
    if name == "faults":
        if method == "POST":
            emulator.faults.set(_payload(request, "fault rules"))
        elif method == "DELETE":
            emulator.faults.clear()
        return response(200, {"faults": emulator.faults.describe()})
    if name == "reset":
        emulator.reset()
        return response(200, {"reset": True})
    if name == "knobs":
        with emulator.lock:
            if method == "POST":
                emulator.world.knobs.update(_payload(request, "knobs"))
            elif method == "DELETE":
                emulator.world.knobs = Knobs()
            return response(200, {"knobs": emulator.world.knobs.to_document()})
    if name == "services/":
        with emulator.lock:
            service = emulator.world.change_service(query["service_id"], _payload(request, "service change"))
            return response(200, {"service": dump_service(service)})
    if method == "PUT":
        emulator.replace_world(_payload(request, "state"))
        return response(200, {"replaced": True})
    document = emulator.world_document()
    if query.get("format") == "yaml":
        return response(200, raw=dump_document(document).encode("utf-8"), headers={"Content-Type": "application/yaml"})
    return response(200, document)


def _payload(request: Any, what: str) -> Any:
    if not request.body:
        raise WorldError(f"the {what} must be posted as the request body")
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError:
        raise WorldError(f"the {what} body is not UTF-8") from None
    return read_document(text, what)
