# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection, seen through the real SDK: latency, throttling, failures, hangs, dropped connections."""

from __future__ import annotations

import time

import pytest
from alibabacloud_apig20240327 import models as apig_models
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.exceptions import ServerException
from alibabacloud_tea_openapi.exceptions import ThrottlingException
from darabonba.exceptions import UnretryableException
from darabonba.policy.retry import RetryOptions
from emulator.faults import Faults

GW = "gw-demo-hz01"
LIST = "ListGatewayAuthorizedSecurityGroupRules"


def list_rules(client):
    request = apig_models.ListGatewayAuthorizedSecurityGroupRulesRequest()
    return client.list_gateway_authorized_security_group_rules(GW, request)


def add_rule(client, ranges=("8080/8080",)):
    request = apig_models.AddGatewaySecurityGroupRuleRequest(
        security_group_id="sg-service1-hz01", port_ranges=list(ranges)
    )
    return client.add_gateway_security_group_rule(GW, request)


def timed(call):
    started = time.monotonic()
    call()
    return time.monotonic() - started


def test_latency_rule_slows_only_its_action(emulator, apig):
    emulator.set_faults([{"action": "GetGateway", "latency_ms": 200}])
    assert timed(lambda: apig.get_gateway(GW)) >= 0.2
    assert timed(lambda: list_rules(apig)) < 0.15


def test_global_latency_applies_to_sdk_calls_not_control_calls(make_emulator, clients_for):
    slow = make_emulator(latency_ms=120)
    apig = clients_for(slow).apig()
    assert timed(lambda: list_rules(apig)) >= 0.12
    assert timed(slow.calls) < 0.1
    assert slow.calls()[0]["duration_ms"] >= 120


def test_throttling_without_retry_after_is_a_client_exception(emulator, apig):
    emulator.set_faults([{"action": LIST, "throttle_after_per_second": 2}])
    list_rules(apig)
    list_rules(apig)
    with pytest.raises(ClientException) as caught:
        list_rules(apig)
    error = caught.value
    assert not isinstance(error, ThrottlingException)
    assert (error.status_code, error.code) == (400, "Throttling.User")
    assert "Request was denied due to user flow control." in error.message
    assert set(error.data) >= {"RequestId", "HostId", "Code", "Message", "Recommend"}
    assert apig.get_gateway(GW).status_code == 200  # other actions are not limited


def test_throttling_with_retry_after_is_a_throttling_exception(emulator, apig):
    emulator.set_faults([{"action": LIST, "throttle_after_per_second": 0, "retry_after_ms": 250}])
    with pytest.raises(ThrottlingException) as caught:
        list_rules(apig)
    assert (caught.value.status_code, caught.value.code, caught.value.retry_after) == (400, "Throttling.User", 250)


def test_throttle_window_slides_over_one_second():
    now = [0.0]
    faults = Faults(clock=lambda: now[0])
    faults.set([{"action": "X", "throttle_after_per_second": 2}])

    def kind_at(moment):
        now[0] = moment
        return faults.decide("apig", "X").kind

    assert [kind_at(t) for t in (0.0, 0.1, 0.2, 0.99, 1.05, 1.15, 1.2)] == [
        None,
        None,
        "throttle",
        "throttle",
        None,
        None,
        "throttle",
    ]


def test_a_throttle_counted_per_action_or_per_product_keeps_a_window_for_each():
    """Without "per", every call the rule matches shares one window (a limit over the account's reads);
    "per": "action" counts each product's action apart, as ECS documents its limits; "per": "product" each product."""
    calls = [("ecs", "DescribeInstances"), ("ecs", "DescribeSecurityGroups"), ("cs", "DescribeClusterNodes")] * 2
    kinds = {}
    for per in (None, "action", "product"):
        faults = Faults(clock=lambda: 0.0)
        faults.set([dict({"action": "*", "throttle_after_per_second": 2}, **({"per": per} if per else {}))])
        kinds[per] = [faults.decide(product, action).kind for product, action in calls]
    assert kinds[None] == [None, None] + ["throttle"] * 4
    assert kinds["action"] == [None] * 6
    assert kinds["product"] == [None, None, None, "throttle", "throttle", None]


@pytest.mark.parametrize(
    "rule, exception, status, code",
    [
        ({}, ServerException, 503, "ServiceUnavailable"),
        ({"status": 500}, ServerException, 500, "InternalError"),
        (
            {"status": 409, "code": "Conflict.LockFailed", "message": "locked"},
            ClientException,
            409,
            "Conflict.LockFailed",
        ),
    ],
)
def test_fail_next_fails_n_calls_then_recovers(emulator, apig, rule, exception, status, code):
    emulator.set_faults([dict(rule, action="AddGatewaySecurityGroupRule", fail_next=2)])
    for attempt in range(2):
        with pytest.raises(exception) as caught:
            add_rule(apig)
        assert (caught.value.status_code, caught.value.code) == (status, code), attempt
    assert emulator.state()["gateways"][0]["authorizations"] == []  # a failed call changes nothing
    add_rule(apig)
    assert [f["remaining"] for f in emulator.faults()] == [0]
    assert [c["status"] for c in emulator.calls()] == [status, status, 200]


def test_product_filter_limits_a_wildcard_rule(emulator, apig, ecs):
    emulator.set_faults([{"action": "*", "product": "ecs", "fail_next": 1}])
    assert list_rules(apig).status_code == 200
    with pytest.raises(ServerException):
        ecs.describe_instances(ecs_models.DescribeInstancesRequest(region_id="cn-hangzhou"))
    ecs.describe_instances(ecs_models.DescribeInstancesRequest(region_id="cn-hangzhou"))


def test_sdk_retries_through_transient_failures_with_fresh_nonces(emulator, clients):
    retry = RetryOptions(
        {
            "retryable": True,
            "retryCondition": [
                {
                    "maxAttempts": 3,
                    "errorCode": ["ServiceUnavailable"],
                    "backoff": {"policy": "Fixed", "period": 100},
                }
            ],
        }
    )
    emulator.set_faults([{"action": LIST, "fail_next": 2}])
    assert list_rules(clients.apig(retry_options=retry)).status_code == 200
    assert [c["status"] for c in emulator.calls()] == [503, 503, 200]


def test_faults_apply_after_authentication(emulator, clients):
    emulator.set_faults([{"action": "*", "fail_next": 1}])
    with pytest.raises(ClientException) as caught:
        list_rules(clients.apig(access_key_secret="wrong"))
    assert caught.value.code == "SignatureDoesNotMatch"
    assert [f["remaining"] for f in emulator.faults()] == [1]


def test_hang_outlasts_the_read_timeout_and_the_call_still_lands(emulator, clients):
    emulator.set_faults([{"action": "AddGatewaySecurityGroupRule", "hang_seconds": 0.6, "times": 1}])
    client = clients.apig(read_timeout=200)
    started = time.monotonic()
    with pytest.raises(UnretryableException) as caught:
        add_rule(client)
    assert time.monotonic() - started < 0.55
    assert "timed out" in str(caught.value).lower()
    deadline = time.monotonic() + 3
    while not emulator.state()["gateways"][0]["authorizations"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [a["port_range"] for a in emulator.state()["gateways"][0]["authorizations"]] == ["8080/8080"]


def test_dropped_connection_is_an_unretryable_exception(emulator, apig):
    emulator.set_faults([{"action": LIST, "drop_connection": True, "times": 1}])
    with pytest.raises(UnretryableException) as caught:
        list_rules(apig)
    assert "RetryError" in type(caught.value.inner_exception).__name__
    assert list_rules(apig).status_code == 200
    dropped, answered = emulator.calls()
    assert (dropped["status"], dropped["code"]) == (None, "EmulatorDroppedConnection")
    assert answered["status"] == 200


def test_drop_without_times_drops_every_call(emulator, apig):
    emulator.set_faults([{"action": LIST, "drop_connection": True}])
    for _attempt in range(3):
        with pytest.raises(UnretryableException):
            list_rules(apig)
    emulator.clear_faults()
    assert emulator.faults() == []
    assert list_rules(apig).status_code == 200


def test_fault_rules_are_listed_with_their_counters(emulator, apig):
    emulator.set_faults([{"action": LIST, "latency_ms": 1, "times": 3}, {"action": "GetGateway", "fail_next": 1}])
    list_rules(apig)
    listed = emulator.faults()
    assert [(f["action"], f["fired"], f["remaining"]) for f in listed] == [(LIST, 1, 2), ("GetGateway", 0, 1)]


@pytest.mark.parametrize(
    "rules, complaint",
    [
        ({"action": "X", "fail_next": 1}, "list"),
        ([{"fail_next": 1}], "action"),
        ([{"action": "X"}], "exactly one"),
        ([{"action": "X", "fail_next": 1, "latency_ms": 3}], "exactly one"),
        ([{"action": "X", "fail_next": 1, "status": 200}], "status"),
        ([{"action": "X", "product": "rds", "fail_next": 1}], "product"),
        ([{"action": "X", "drop_connection": "yes"}], "drop_connection"),
        ([{"action": "X", "latency_ms": 5, "colour": "red"}], "colour"),
        ([{"action": "X", "throttle_after_per_second": 1, "per": "region"}], "per"),
        ([{"action": "X", "fail_next": 1, "per": "action"}], "per"),
    ],
)
def test_invalid_fault_rules_are_refused(emulator, rules, complaint):
    with pytest.raises(RuntimeError) as caught:
        emulator.set_faults(rules)
    assert "400" in str(caught.value) and complaint in str(caught.value)


def test_fail_next_message_can_echo_the_security_token_unscrubbed(emulator, clients):
    """A service that echoes the STS token in an error: what the collection must mask by itself."""
    sts = clients.apig(
        access_key_id="emulator-sts-demo",
        access_key_secret="emulator-sts-secret-demo",
        security_token="emulator-sts-token-demo",
    )
    message = "Access denied with token {security_token}"
    emulator.set_faults([{"action": LIST, "fail_next": 2, "status": 403, "code": "NoPermission", "message": message}])
    with pytest.raises(ClientException) as caught:
        list_rules(sts)
    assert "with token emulator-sts-token-demo" in caught.value.message
    # Without a token, nothing is filled in; other messages are still scrubbed of every world secret.
    with pytest.raises(ClientException) as caught:
        list_rules(clients.apig())
    assert "Access denied with token  request id" in caught.value.message
    emulator.set_faults([{"action": LIST, "fail_next": 1, "message": "echo emulator-sts-token-demo"}])
    with pytest.raises(ServerException) as caught:
        list_rules(sts)
    assert "emulator-sts-token-demo" not in caught.value.message and "***" in caught.value.message
    assert all("emulator-sts-token-demo" not in str(call) for call in emulator.calls())
