# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The /_emulator/ control endpoints: call log, reset, state round trip, and what they refuse."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
import yaml
from alibabacloud_apig20240327 import models as apig_models
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_tea_openapi import utils_models
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.exceptions import ServerException
from darabonba.runtime import RuntimeOptions

GW = "gw-demo-hz01"


def add_rule(apig, group="sg-service1-hz01", ranges=("8080/8080",)):
    request = apig_models.AddGatewaySecurityGroupRuleRequest(security_group_id=group, port_ranges=list(ranges))
    return apig.add_gateway_security_group_rule(GW, request)


def control(handle, method, path, data=None, content_type="application/json"):
    """(status, text) of a raw control call, errors included."""
    request = urllib.request.Request(f"{handle.url}/_emulator/{path}", data=data, method=method)
    request.add_header("Content-Type", content_type)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=5) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


# -- call log ------------------------------------------------------------------------------------


def test_call_log_records_every_sdk_call(emulator, apig, ecs):
    add_rule(apig)
    ecs.describe_instances(ecs_models.DescribeInstancesRequest(region_id="cn-hangzhou", vpc_id="vpc-demo-hz01"))
    with pytest.raises(ClientException):
        apig.get_gateway("gw-missing")
    calls = emulator.calls()
    assert [c["seq"] for c in calls] == [1, 2, 3]
    add, describe, missing = calls
    assert set(add) == {
        "seq",
        "product",
        "action",
        "method",
        "path",
        "status",
        "code",
        "started_at",
        "duration_ms",
        "access_key_id",
        "params",
    }
    assert (add["product"], add["action"], add["method"], add["status"], add["code"]) == (
        "apig",
        "AddGatewaySecurityGroupRule",
        "POST",
        200,
        None,
    )
    assert add["path"] == f"/v1/gateways/{GW}/security-group-rules"
    assert add["params"] == {"gatewayId": GW, "securityGroupId": "sg-service1-hz01", "portRanges": ["8080/8080"]}
    assert add["access_key_id"] == "emulator-ak-demo" and add["duration_ms"] >= 0
    assert add["started_at"] <= describe["started_at"] <= missing["started_at"]
    assert describe["params"] == {"RegionId": "cn-hangzhou", "VpcId": "vpc-demo-hz01"}
    assert (missing["status"], missing["code"]) == (404, "NotFound.GatewayNotFound")


def test_call_log_filters_and_clears(emulator, apig, ecs):
    apig.get_gateway(GW)
    ecs.describe_security_groups(ecs_models.DescribeSecurityGroupsRequest(region_id="cn-hangzhou"))
    apig.get_gateway(GW)
    assert [c["action"] for c in emulator.calls(product="apig")] == ["GetGateway", "GetGateway"]
    assert [c["product"] for c in emulator.calls(action="DescribeSecurityGroups")] == ["ecs"]
    assert emulator.calls(product="cs") == []
    emulator.clear_calls()
    assert emulator.calls() == []
    apig.get_gateway(GW)
    assert [c["seq"] for c in emulator.calls()] == [4]


def test_control_calls_are_not_logged(emulator):
    emulator.state()
    emulator.faults()
    assert emulator.calls() == []


# -- reset and state -------------------------------------------------------------------------------


def test_reset_restores_the_world_and_clears_faults_and_log(emulator, apig):
    add_rule(apig)
    emulator.set_faults([{"action": "GetGateway", "fail_next": 5}])
    emulator.reset()
    assert emulator.state()["gateways"][0]["authorizations"] == []
    assert emulator.faults() == [] and emulator.calls() == []
    assert apig.get_gateway(GW).status_code == 200


def test_state_round_trips(emulator, apig):
    add_rule(apig, "sg-enterprise-hz01", ["80/80", "443/443"])
    state = emulator.state()
    emulator.put_state(state)
    assert emulator.state() == state
    authorizations = state["gateways"][0]["authorizations"]
    assert [a["port_range"] for a in authorizations] == ["80/80", "443/443"]
    assert all(len(a["permission_ids"]) == 2 for a in authorizations)
    assert authorizations[0]["auth_cidrs"] == ["192.168.1.0/24", "192.168.2.0/24"]


def test_state_is_a_loadable_world_file(emulator, apig, tmp_path):
    add_rule(apig)
    status, text = control(emulator, "GET", "state?format=yaml")
    assert status == 200
    path = tmp_path / "saved.yml"
    path.write_text(text, encoding="utf-8")
    from emulator.world import load_world

    saved = load_world(str(path))
    assert [a.port_range for a in saved.gateways[GW].authorizations] == ["8080/8080"]
    assert yaml.safe_load(text) == emulator.state()


def test_put_state_plants_drift_seen_by_ecs(emulator, apig, ecs):
    add_rule(apig)
    state = emulator.state()
    (authorization,) = state["gateways"][0]["authorizations"]
    group = next(g for g in state["security_groups"] if g["id"] == "sg-service1-hz01")
    group["permissions"] = [p for p in group["permissions"] if p["id"] not in authorization["permission_ids"]]
    emulator.put_state(state)
    request = ecs_models.DescribeSecurityGroupAttributeRequest(region_id="cn-hangzhou", security_group_id=group["id"])
    ports = [p.port_range for p in ecs.describe_security_group_attribute(request).body.permissions.permission]
    assert "8080/8080" not in ports
    listed = apig.list_gateway_authorized_security_group_rules(
        GW, apig_models.ListGatewayAuthorizedSecurityGroupRulesRequest()
    ).body.data.items
    assert [i.port_range for i in listed] == ["8080/8080"]  # APIG still lists it: that is the drift


def test_put_state_accepts_yaml(emulator):
    state = emulator.state()
    state["gateways"][0]["name"] = "renamed"
    status, _text = control(emulator, "PUT", "state", yaml.safe_dump(state).encode(), "application/yaml")
    assert status == 200
    assert emulator.state()["gateways"][0]["name"] == "renamed"


@pytest.mark.parametrize(
    "mutate, complaint",
    [
        (lambda s: s["instances"][0].update(vswitch="vsw-missing"), "vsw-missing"),
        (lambda s: s.pop("access_keys"), "access_keys"),
        (lambda s: s["security_groups"][0].update(type="premium"), "premium"),
    ],
)
def test_put_state_refuses_an_invalid_world_and_keeps_the_old_one(emulator, mutate, complaint):
    state = emulator.state()
    mutate(state)
    with pytest.raises(RuntimeError) as caught:
        emulator.put_state(state)
    assert "400" in str(caught.value) and complaint in str(caught.value)
    assert emulator.state()["instances"][0]["vswitch"] == "vsw-demo-h-hz01"


def test_reset_after_put_state_goes_back_to_the_file(emulator):
    state = emulator.state()
    state["gateways"] = []
    emulator.put_state(state)
    emulator.reset()
    assert [g["id"] for g in emulator.state()["gateways"]] == [GW]


@pytest.mark.parametrize(
    "method, path, body, status",
    [
        ("GET", "nothing", None, 404),
        ("POST", "calls", None, 405),
        ("DELETE", "state", None, 405),
        ("PUT", "state", b"", 400),
        ("PUT", "state", b"{not yaml: [", 400),
        ("POST", "faults", b"not json {", 400),
    ],
)
def test_control_errors_are_json(emulator, method, path, body, status):
    answer_status, text = control(emulator, method, path, body)
    assert answer_status == status
    assert "error" in json.loads(text)


def test_control_index_describes_the_emulator(emulator):
    status, text = control(emulator, "GET", "")
    info = json.loads(text)
    assert status == 200 and info["region"] == "cn-hangzhou"
    assert info["products"] == {"apig": "2024-03-27", "ecs": "2014-05-26", "cs": "2015-12-15"}
    assert info["world"].endswith("demo.yml")


# -- unknown APIs and internal errors -------------------------------------------------------------


def _call(clients, action, version, pathname, method="GET", style="ROA"):
    params = utils_models.Params(
        action=action,
        version=version,
        protocol="HTTP",
        pathname=pathname,
        method=method,
        auth_type="AK",
        style=style,
        req_body_type="json",
        body_type="json",
    )
    return clients.apig().call_api(params, utils_models.OpenApiRequest(), RuntimeOptions())


@pytest.mark.parametrize(
    "action, version, pathname, method, style, status, code",
    [
        ("DescribeNothing", "2014-05-26", "/", "POST", "RPC", 404, "InvalidAction.NotFound"),
        ("GetGateway", "2024-03-27", f"/v1/gateways/{GW}/nope", "GET", "ROA", 404, "InvalidAction.NotFound"),
        ("ListGateways", "2024-03-27", f"/v1/gateways/{GW}", "GET", "ROA", 404, "InvalidAction.NotFound"),
        ("GetGateway", "2024-03-27", f"/v1/gateways/{GW}", "PUT", "ROA", 404, "InvalidAction.NotFound"),
        ("DescribeInstances", "2014-05-26", "/instances", "POST", "RPC", 404, "InvalidAction.NotFound"),
        ("GetGateway", "2099-01-01", f"/v1/gateways/{GW}", "GET", "ROA", 400, "InvalidVersion"),
    ],
)
def test_unknown_apis_get_a_proper_error(clients, emulator, action, version, pathname, method, style, status, code):
    with pytest.raises(ClientException) as caught:
        _call(clients, action, version, pathname, method, style)
    assert (caught.value.status_code, caught.value.code) == (status, code)
    assert emulator.calls()[-1]["code"] == code


def test_a_handler_bug_is_a_json_500_never_a_traceback(emulator, apig, cs, capfd):
    emulator.emulator.world.gateways[GW].vswitch_ids = []  # GetGateway will fail on an index
    with pytest.raises(ServerException) as caught:
        apig.get_gateway(GW)
    assert (caught.value.status_code, caught.value.code) == (500, "InternalError")
    assert "Traceback" not in json.dumps(caught.value.data)
    assert "Traceback" in capfd.readouterr().err
    assert cs.describe_cluster_detail("c-demo-hz01").status_code == 200  # the server keeps serving
