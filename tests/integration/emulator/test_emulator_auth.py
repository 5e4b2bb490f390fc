# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Authentication: the ACS3-HMAC-SHA256 verifier against the real SDK's signatures, and every refusal."""

from __future__ import annotations

import datetime
import hashlib
import http.client
import json
import uuid

import pytest
from alibabacloud_apig20240327 import models as apig_models
from alibabacloud_cs20151215 import models as cs_models
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.utils import Utils
from emulator import signing

GW = "gw-demo-hz01"
STS = ("emulator-sts-demo", "emulator-sts-secret-demo", "emulator-sts-token-demo")
READONLY = ("emulator-ak-readonly", "emulator-secret-readonly")


def list_rules(client, gateway=GW):
    request = apig_models.ListGatewayAuthorizedSecurityGroupRulesRequest()
    return client.list_gateway_authorized_security_group_rules(gateway, request)


def acs_date(offset_seconds=0):
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset_seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def raw_call(handle, headers, method="GET", path=f"/v1/gateways/{GW}", body=b""):
    """Send a hand-made request; returns (status, parsed body)."""
    connection = http.client.HTTPConnection(handle.host, handle.port, timeout=5)
    try:
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        return answer.status, json.loads(answer.read().decode("utf-8"))
    finally:
        connection.close()


def signed_headers(handle, method="GET", path=f"/v1/gateways/{GW}", body=b"", extra=None, unsigned=None):
    """Headers of a request signed with the emulator's recipe (for refusals the SDK cannot produce)."""
    headers = {
        "host": handle.endpoint,
        "x-acs-version": "2024-03-27",
        "x-acs-action": "GetGateway",
        "x-acs-date": acs_date(),
        "x-acs-signature-nonce": uuid.uuid4().hex,
        "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
        "accept": "application/json",
    }
    headers.update(extra or {})
    names = sorted(headers)
    canonical = signing.canonical_request(
        method, path, "", {k: [v] for k, v in headers.items()}, names, hashlib.sha256(body).hexdigest()
    )
    signature = signing.signature(handle.access_key_secret, signing.string_to_sign(canonical))
    headers["Authorization"] = (
        f"ACS3-HMAC-SHA256 Credential={handle.access_key_id},SignedHeaders={';'.join(names)},Signature={signature}"
    )
    headers.update(unsigned or {})
    return headers


# -- what the SDK signs is accepted -------------------------------------------------------------


def test_sdk_signatures_verify_for_every_style(clients, emulator, expect_api_error):
    """GET, DELETE with a query, POST with a UTF-8 JSON body, RPC with Tag.N, and encoded paths."""
    apig = clients.apig()
    request = apig_models.AddGatewaySecurityGroupRuleRequest(
        security_group_id="sg-service1-hz01", port_ranges=["8080/8080"], description="passerelle \u2192 \u670d\u52a1 ok"
    )
    apig.add_gateway_security_group_rule(GW, request)
    (item,) = list_rules(apig).body.data.items
    assert item.description == "passerelle \u2192 \u670d\u52a1 ok"
    delete = apig_models.DeleteGatewaySecurityGroupRuleRequest(cascading_delete=True)
    apig.delete_gateway_security_group_rule(GW, item.security_group_rule_id, delete)
    tag = [ecs_models.DescribeInstancesRequestTag(key="app", value="service 2 & co")]
    clients.ecs().describe_instances(ecs_models.DescribeInstancesRequest(region_id="cn-hangzhou", tag=tag))
    clients.cs().describe_cluster_nodes("c-demo-hz01", cs_models.DescribeClusterNodesRequest(page_size="5"))
    expect_api_error(lambda: apig.get_gateway("gw demo/\u00e9*~"), 404, "NotFound.GatewayNotFound", "gw demo/\u00e9*~")
    assert [c["status"] for c in emulator.calls()] == [200, 200, 200, 200, 200, 404]


def test_sts_key_with_its_token_is_accepted(clients, emulator):
    key_id, secret, token = STS
    list_rules(clients.apig(access_key_id=key_id, access_key_secret=secret, security_token=token))
    (call,) = emulator.calls()
    assert (call["access_key_id"], call["status"]) == (key_id, 200)


# -- refusals ---------------------------------------------------------------------------------------


def test_wrong_secret_is_signature_does_not_match(clients, expect_api_error):
    error = expect_api_error(
        lambda: list_rules(clients.apig(access_key_secret="not-the-secret")),
        400,
        "SignatureDoesNotMatch",
        "server StringToSign is [ACS3-HMAC-SHA256\\n",
    )
    assert "emulator-secret-demo" not in json.dumps(error.data)


def test_unknown_access_key_is_404(clients, expect_api_error):
    expect_api_error(
        lambda: list_rules(clients.apig(access_key_id="emulator-ak-unknown")), 404, "InvalidAccessKeyId.NotFound"
    )


def test_sts_key_without_token_is_missing_security_token(clients, expect_api_error):
    key_id, secret, _token = STS
    client = clients.apig(access_key_id=key_id, access_key_secret=secret)
    expect_api_error(lambda: list_rules(client), 400, "MissingSecurityToken")


def test_sts_key_with_wrong_token_is_refused(clients, expect_api_error):
    key_id, secret, _token = STS
    client = clients.apig(access_key_id=key_id, access_key_secret=secret, security_token="forged-token")
    error = expect_api_error(lambda: list_rules(client), 400, "InvalidSecurityToken.Malformed")
    assert "forged-token" not in error.message


def test_token_with_a_permanent_key_is_refused(clients, expect_api_error):
    client = clients.apig(security_token="emulator-sts-token-demo")
    expect_api_error(lambda: list_rules(client), 400, "InvalidSecurityToken.Malformed")


def test_token_of_another_sts_key_is_a_mismatch(emulator, clients, expect_api_error):
    state = emulator.state()
    state["access_keys"].append({"id": "emulator-sts-two", "secret": "two-secret", "security_token": "two-token"})
    emulator.put_state(state)
    key_id, secret, _token = STS
    client = clients.apig(access_key_id=key_id, access_key_secret=secret, security_token="two-token")
    expect_api_error(lambda: list_rules(client), 400, "InvalidSecurityToken.MismatchWithAccessKey")


def test_expired_token_is_refused(emulator, clients, expect_api_error):
    state = emulator.state()
    state["access_keys"][1]["token_expired"] = True
    emulator.put_state(state)
    key_id, secret, token = STS
    client = clients.apig(access_key_id=key_id, access_key_secret=secret, security_token=token)
    expect_api_error(lambda: list_rules(client), 400, "InvalidSecurityToken.Expired")


@pytest.mark.parametrize("offset", [-16 * 60, 16 * 60], ids=["16-min-old", "16-min-ahead"])
def test_stale_date_is_invalid_timestamp_expired(clients, monkeypatch, offset, expect_api_error):
    monkeypatch.setattr(Utils, "get_timestamp", staticmethod(lambda: acs_date(offset)))
    expect_api_error(lambda: list_rules(clients.apig()), 400, "InvalidTimeStamp.Expired")


def test_date_within_15_minutes_is_accepted(clients, monkeypatch):
    monkeypatch.setattr(Utils, "get_timestamp", staticmethod(lambda: acs_date(-14 * 60)))
    assert list_rules(clients.apig()).status_code == 200


def test_reused_nonce_is_refused_but_a_bad_signature_does_not_burn_it(clients, monkeypatch, expect_api_error):
    monkeypatch.setattr(Utils, "get_nonce", staticmethod(lambda: "0123456789abcdef0123456789abcdef"))
    expect_api_error(lambda: list_rules(clients.apig(access_key_secret="wrong")), 400, "SignatureDoesNotMatch")
    client = clients.apig()
    assert list_rules(client).status_code == 200
    expect_api_error(lambda: list_rules(client), 400, "SignatureNonceUsed")


def test_missing_authorization_is_incomplete_signature(emulator):
    headers = signed_headers(emulator)
    del headers["Authorization"]
    status, body = raw_call(emulator, headers)
    assert (status, body["Code"]) == (400, "IncompleteSignature")
    assert set(body) == {"RequestId", "HostId", "Code", "Message", "Recommend"}


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer abc",
        "ACS3-HMAC-SHA256 Credential=emulator-ak-demo",
        "ACS3-HMAC-SM3 Credential=emulator-ak-demo,SignedHeaders=host,Signature=00",
        "ACS3-HMAC-SHA256 Credential=emulator-ak-demo,SignedHeaders=x-acs-date;host,Signature=00",
    ],
)
def test_malformed_authorization_is_incomplete_signature(emulator, authorization):
    status, body = raw_call(emulator, signed_headers(emulator, unsigned={"Authorization": authorization}))
    assert (status, body["Code"]) == (400, "IncompleteSignature")


def test_a_correct_hand_signed_request_is_accepted(emulator):
    status, body = raw_call(emulator, signed_headers(emulator))
    assert (status, body["code"], body["data"]["gatewayId"]) == (200, "Ok", GW)


def test_an_unsigned_acs_header_is_incomplete_signature(emulator):
    headers = signed_headers(emulator, unsigned={"x-acs-extra": "sneaked in"})
    status, body = raw_call(emulator, headers)
    assert (status, body["Code"]) == (400, "IncompleteSignature")
    assert "x-acs-extra" in body["Message"]


def test_malformed_date_is_invalid_timestamp_format(emulator):
    status, body = raw_call(emulator, signed_headers(emulator, extra={"x-acs-date": "yesterday"}))
    assert (status, body["Code"]) == (400, "InvalidTimeStamp.Format")


def test_tampered_body_fails_the_signature(emulator):
    headers = signed_headers(emulator, method="GET", body=b"")
    status, body = raw_call(emulator, headers, body=b'{"x":1}')
    assert (status, body["Code"]) == (400, "SignatureDoesNotMatch")


# -- RAM: allowed_actions ---------------------------------------------------------------------------


def test_read_only_key_reads_everywhere_but_cannot_write(clients, expect_api_error):
    key_id, secret = READONLY
    apig = clients.apig(access_key_id=key_id, access_key_secret=secret)
    assert list_rules(apig).status_code == 200
    ecs = clients.ecs(access_key_id=key_id, access_key_secret=secret)
    ecs.describe_instances(ecs_models.DescribeInstancesRequest(region_id="cn-hangzhou"))
    clients.cs(access_key_id=key_id, access_key_secret=secret).describe_cluster_detail("c-demo-hz01")
    add = apig_models.AddGatewaySecurityGroupRuleRequest(security_group_id="sg-service1-hz01", port_ranges=["80/80"])
    error = expect_api_error(lambda: apig.add_gateway_security_group_rule(GW, add), 403, "NoPermission")
    assert error.access_denied_detail["AuthAction"] == "apig:AddGatewaySecurityGroupRule"
    assert error.access_denied_detail["NoPermissionType"] == "ImplicitDeny"
    assert set(error.data) >= {"requestId", "code", "message", "accessDeniedDetail"}


def test_denied_ecs_and_cs_calls_use_their_products_codes(emulator, clients, expect_api_error):
    state = emulator.state()
    state["access_keys"].append({"id": "emulator-ak-apig-only", "secret": "s3", "allowed_actions": ["apig:*"]})
    emulator.put_state(state)
    ecs = clients.ecs(access_key_id="emulator-ak-apig-only", access_key_secret="s3")
    error = expect_api_error(
        lambda: ecs.describe_instances(ecs_models.DescribeInstancesRequest(region_id="cn-hangzhou")),
        403,
        "Forbidden.RAM",
        "not authorized",
    )
    assert error.access_denied_detail["AuthAction"] == "ecs:DescribeInstances"
    assert "AccessDeniedDetail" in error.data and "HostId" in error.data
    cs = clients.cs(access_key_id="emulator-ak-apig-only", access_key_secret="s3")
    error = expect_api_error(lambda: cs.describe_cluster_detail("c-demo-hz01"), 403, "NoPermission")
    assert error.access_denied_detail["AuthAction"] == "cs:DescribeClusterDetail"
    assert list_rules(clients.apig(access_key_id="emulator-ak-apig-only", access_key_secret="s3")).status_code == 200


def test_denied_calls_change_nothing(clients, emulator, expect_api_error):
    key_id, secret = READONLY
    apig = clients.apig(access_key_id=key_id, access_key_secret=secret)
    add = apig_models.AddGatewaySecurityGroupRuleRequest(security_group_id="sg-service1-hz01", port_ranges=["80/80"])
    expect_api_error(lambda: apig.add_gateway_security_group_rule(GW, add), 403, "NoPermission")
    assert emulator.state()["gateways"][0]["authorizations"] == []


# -- secrets ---------------------------------------------------------------------------------------


def test_secrets_never_reach_the_call_log_or_error_messages(emulator, clients):
    key_id, secret, token = STS
    attempts = [
        lambda: list_rules(clients.apig(access_key_secret="emulator-secret-demo-typo")),
        lambda: list_rules(clients.apig(access_key_id=key_id, access_key_secret=secret, security_token=token + "x")),
        lambda: clients.apig().get_gateway("emulator-secret-demo"),
        lambda: clients.ecs().describe_instances(
            ecs_models.DescribeInstancesRequest(region_id="cn-hangzhou", instance_name=token)
        ),
    ]
    messages = []
    for attempt in attempts:
        try:
            attempt()
        except ClientException as error:
            messages.append(json.dumps(error.data))
    log = json.dumps(emulator.calls())
    for value in ("emulator-secret-demo", secret, token):
        assert value not in log
        assert not any(value in m for m in messages)
    assert len(emulator.calls()) == 4
