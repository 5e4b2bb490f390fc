# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The server and its starters: CLI, port line, loopback-only binding, handles, concurrency."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from alibabacloud_apig20240327 import models as apig_models
from darabonba.exceptions import UnretryableException
from emulator import server
from emulator.server import start_in_thread
from emulator.server import start_subprocess
from emulator.world import load_document

REPO = Path(__file__).resolve().parents[3]
EMULATOR = REPO / "tests" / "emulator"
PORT_LINE = re.compile(r"^emulator listening on http://127\.0\.0\.1:(\d+)$")
GW = "gw-demo-hz01"


def run_cli(*args, timeout=20):
    return subprocess.run(
        [sys.executable, str(EMULATOR), *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def list_rules(client):
    request = apig_models.ListGatewayAuthorizedSecurityGroupRulesRequest()
    return client.list_gateway_authorized_security_group_rules(GW, request).body.data.items


def test_start_subprocess_serves_the_sdk_and_stops_cleanly(clients_for):
    with start_subprocess("demo.yml") as handle:
        assert handle.url == f"http://127.0.0.1:{handle.port}" and handle.endpoint == f"127.0.0.1:{handle.port}"
        apig = clients_for(handle).apig()
        assert list_rules(apig) == []
        assert [c["action"] for c in handle.calls()] == ["ListGatewayAuthorizedSecurityGroupRules"]
    assert handle.process.returncode == 0


def test_start_subprocess_with_a_dict_world_and_latency(clients_for):
    world, _path = load_document("demo.yml")
    world["gateways"][0]["name"] = "from-a-dict"
    with start_subprocess(world, latency_ms=5) as handle:
        data = clients_for(handle).apig().get_gateway(GW).body.data
        assert data.name == "from-a-dict"
        assert handle.calls()[0]["duration_ms"] >= 5


def test_cli_prints_one_port_line_on_a_free_port():
    process = subprocess.Popen(
        [sys.executable, str(EMULATOR), "--world", "demo.yml", "--port", "0", "--latency-ms", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        match = PORT_LINE.match(process.stdout.readline().strip())
        assert match, "no port line"
        port = int(match.group(1))
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
    finally:
        process.terminate()
        _out, err = process.communicate(timeout=10)
    assert process.returncode == 0 and "Traceback" not in err


def test_cli_listens_on_the_port_it_is_given():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, str(EMULATOR), "--world", "demo.yml", "--port", str(port), "--host", "localhost"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == f"emulator listening on http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.communicate(timeout=10)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::1", "example.com"])
def test_check_loopback_refuses_other_addresses(host):
    with pytest.raises(ValueError, match="loopback"):
        server.check_loopback(host)


@pytest.mark.parametrize(
    "host, bound", [("127.0.0.1", "127.0.0.1"), ("127.0.0.2", "127.0.0.2"), ("localhost", "127.0.0.1")]
)
def test_check_loopback_accepts_loopback(host, bound):
    assert server.check_loopback(host) == bound


def test_cli_refuses_a_non_loopback_host():
    result = run_cli("--world", "demo.yml", "--host", "0.0.0.0")
    assert result.returncode == 2 and result.stdout == ""
    assert "loopback" in result.stderr and "Traceback" not in result.stderr


def test_cli_reports_an_invalid_world_without_a_traceback(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("access_keys: [{id: k, secret: s}]\ninstances: [{id: i-1, vswitch: vsw-x, security_groups: [sg]}]\n")
    result = run_cli("--world", str(bad))
    assert result.returncode == 2 and result.stdout == ""
    assert "instances[0] (i-1)" in result.stderr and "vsw-x" in result.stderr
    assert "Traceback" not in result.stderr


def test_python_dash_m_emulator_works_with_tests_on_the_path():
    env = dict(os.environ, PYTHONPATH=str(REPO / "tests"))
    result = subprocess.run(
        [sys.executable, "-m", "emulator", "--world", "demo.yml", "--host", "10.0.0.1"],
        capture_output=True,
        text=True,
        timeout=20,
        env=env,
        cwd=str(REPO),
        check=False,
    )
    assert result.returncode == 2 and "loopback" in result.stderr


def _outbound_address():
    """This machine's address towards the outside (no packet is sent), or None without a route."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("198.51.100.1", 9))
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith(("127.", "0.")) else address


def test_in_thread_server_binds_127_0_0_1_only(emulator):
    assert emulator.server.server_address[0] == "127.0.0.1"
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=1):
        pass
    # Bound to one address, not 0.0.0.0: even another loopback address is refused.
    addresses = ["127.0.0.2"] + [a for a in [_outbound_address()] if a]
    for address in addresses:
        with pytest.raises(OSError):
            socket.create_connection((address, emulator.port), timeout=1).close()


def test_handle_attributes_and_env(emulator):
    assert (emulator.region, emulator.access_key_id, emulator.access_key_secret) == (
        "cn-hangzhou",
        "emulator-ak-demo",
        "emulator-secret-demo",
    )
    assert emulator.env() == {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "emulator-ak-demo",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "emulator-secret-demo",
        "ALIBABA_CLOUD_REGION_ID": "cn-hangzhou",
        "ALIBABA_CLOUD_ENDPOINT_APIG": emulator.url,
        "ALIBABA_CLOUD_ENDPOINT_ECS": emulator.url,
        "ALIBABA_CLOUD_ENDPOINT_CS": emulator.url,
        "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
    }


def test_sdk_works_with_a_url_endpoint_too(clients, emulator):
    """The env gives a URL: the SDK then sends and signs Host as that literal string."""
    assert list_rules(clients.apig(endpoint=emulator.url)) == []


@pytest.mark.world("drift.yml")
def test_world_marker_selects_the_world(emulator):
    assert [g["id"] for g in emulator.state()["gateways"]] == ["gw-drift-hz01"]


def test_a_stopped_emulator_answers_nothing(clients_for):
    handle = start_in_thread("demo.yml")
    apig = clients_for(handle).apig()
    assert list_rules(apig) == []  # leaves a kept-alive connection in the SDK's pool
    handle.stop()
    handle.stop()  # idempotent
    with pytest.raises(UnretryableException):
        list_rules(apig)


def test_concurrent_writes_are_all_applied(emulator, clients):
    errors = []

    def authorize(port):
        try:
            request = apig_models.AddGatewaySecurityGroupRuleRequest(
                security_group_id="sg-service2-hz01", port_ranges=[f"{port}/{port}"]
            )
            clients.apig().add_gateway_security_group_rule(GW, request)
        except Exception as exc:  # collected and reported below
            errors.append(exc)

    threads = [threading.Thread(target=authorize, args=(9000 + n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert errors == []
    ports = sorted(i.port_range for i in list_rules(clients.apig()))
    assert ports == [f"{9000 + n}/{9000 + n}" for n in range(8)]
    assert sorted(c["seq"] for c in emulator.calls()) == list(range(1, 10))


@pytest.mark.parametrize(
    "raw",
    [b"NOT-HTTP\r\n\r\n", b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n", b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n"],
    ids=["garbage", "unknown-method", "bad-length"],
)
def test_malformed_http_gets_a_json_error(emulator, raw):
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=2) as connection:
        connection.sendall(raw)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = connection.recv(4096)
            if not chunk:
                break
            answer += chunk
    head, _sep, body = answer.partition(b"\r\n\r\n")
    assert head.split(b" ")[1][:1] in (b"4", b"5")
    assert b"application/json" in head
    assert json.loads(body)["Code"] == "InvalidRequest"
