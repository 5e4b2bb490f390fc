# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ECS 2014-05-26 through the real SDK client: instances, security groups, permissions, paging."""

from __future__ import annotations

import json

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_tea_openapi import utils_models
from darabonba.runtime import RuntimeOptions

REGION = "cn-hangzhou"
PAGING_TAG = [ecs_models.DescribeInstancesRequestTag(key="app", value="svc-003")]


def describe_instances(ecs, **kwargs):
    return ecs.describe_instances(ecs_models.DescribeInstancesRequest(region_id=REGION, **kwargs)).body


def describe_groups(ecs, **kwargs):
    return ecs.describe_security_groups(ecs_models.DescribeSecurityGroupsRequest(region_id=REGION, **kwargs)).body


def describe_attribute(ecs, group, **kwargs):
    request = ecs_models.DescribeSecurityGroupAttributeRequest(region_id=REGION, security_group_id=group, **kwargs)
    return ecs.describe_security_group_attribute(request).body


def ids(body):
    return [i.instance_id for i in body.instances.instance]


# -- DescribeInstances -----------------------------------------------------------------------------


def test_describe_instances_by_ids_returns_network_and_groups(ecs):
    body = describe_instances(ecs, instance_ids=json.dumps(["i-node3-hz01", "i-svc2a-hz01", "i-gone"]))
    assert body.request_id and body.total_count == 2
    node3, svc2a = body.instances.instance
    assert (node3.instance_id, node3.instance_name, node3.status, node3.zone_id) == (
        "i-node3-hz01",
        "ack-node-3",
        "Running",
        "cn-hangzhou-h",
    )
    assert node3.security_group_ids.security_group_id == ["sg-service1-hz01", "sg-extra-hz01"]
    assert (node3.vpc_attributes.vpc_id, node3.vpc_attributes.v_switch_id) == ("vpc-demo-hz01", "vsw-demo-h-hz01")
    assert node3.vpc_attributes.private_ip_address.ip_address == ["192.168.1.13"]
    (eni,) = node3.network_interfaces.network_interface
    assert eni.primary_ip_address == "192.168.1.13" and eni.type == "Primary"
    assert [(s.private_ip_address, s.primary) for s in eni.private_ip_sets.private_ip_set] == [("192.168.1.13", True)]
    assert [(t.tag_key, t.tag_value) for t in svc2a.tags.tag] == [("app", "service2"), ("env", "demo")]


def test_describe_instances_filters_by_tag_vpc_and_group(ecs):
    tag = [ecs_models.DescribeInstancesRequestTag(key="app", value="service2")]
    assert ids(describe_instances(ecs, tag=tag)) == ["i-svc2a-hz01", "i-svc2b-hz01", "i-other-hz01"]
    assert ids(describe_instances(ecs, tag=tag, vpc_id="vpc-demo-hz01")) == ["i-svc2a-hz01", "i-svc2b-hz01"]
    key_only = [ecs_models.DescribeInstancesRequestTag(key="env")]
    assert ids(describe_instances(ecs, tag=key_only)) == ["i-svc2a-hz01", "i-svc2b-hz01"]
    two_tags = tag + [ecs_models.DescribeInstancesRequestTag(key="env", value="prod")]
    assert ids(describe_instances(ecs, tag=two_tags)) == []
    assert ids(describe_instances(ecs, security_group_id="sg-extra-hz01")) == ["i-node3-hz01"]
    assert ids(describe_instances(ecs, private_ip_addresses=json.dumps(["192.168.2.31"]))) == ["i-legacy-hz01"]


def test_describe_instances_sends_tags_flattened_in_the_query(emulator, ecs):
    tag = [ecs_models.DescribeInstancesRequestTag(key="app", value="service2")]
    describe_instances(ecs, tag=tag, max_results=5)
    (call,) = emulator.calls(product="ecs", action="DescribeInstances")
    assert call["method"] == "POST" and call["path"] == "/"
    assert call["params"] == {"RegionId": REGION, "Tag.1.Key": "app", "Tag.1.Value": "service2", "MaxResults": "5"}


def test_more_than_100_instance_ids_is_invalid_parameter(ecs, expect_api_error):
    too_many = json.dumps([f"i-{n:05d}" for n in range(101)])
    expect_api_error(lambda: describe_instances(ecs, instance_ids=too_many), 400, "InvalidParameter", "InstanceIds")
    assert describe_instances(ecs, instance_ids=json.dumps([f"i-{n:05d}" for n in range(100)])).total_count == 0


def test_instance_ids_must_be_a_json_array(ecs, expect_api_error):
    expect_api_error(
        lambda: describe_instances(ecs, instance_ids="i-node1-hz01"), 400, "InvalidParameter", "JSON array"
    )


@pytest.mark.world("paging.yml")
def test_describe_instances_pages_with_next_token(ecs):
    first = describe_instances(ecs, tag=PAGING_TAG, max_results=100)
    assert len(first.instances.instance) == 100 and first.next_token
    second = describe_instances(ecs, tag=PAGING_TAG, max_results=100, next_token=first.next_token)
    assert len(second.instances.instance) == 50 and second.next_token == ""
    assert len(set(ids(first)) | set(ids(second))) == 150


@pytest.mark.world("paging.yml")
def test_max_results_defaults_to_10_and_reads_above_100_as_100(ecs):
    assert len(describe_instances(ecs, tag=PAGING_TAG, next_token=None, max_results=None).instances.instance) == 10
    body = describe_instances(ecs, tag=PAGING_TAG, max_results=500)
    assert len(body.instances.instance) == 100 and body.next_token


@pytest.mark.world("paging.yml")
def test_describe_instances_legacy_page_number_paging(ecs, expect_api_error):
    first = describe_instances(ecs, tag=PAGING_TAG, page_number=1, page_size=100)
    assert (first.page_number, first.page_size, first.total_count) == (1, 100, 150)
    second = describe_instances(ecs, tag=PAGING_TAG, page_number=2, page_size=100)
    assert len(second.instances.instance) == 50 and not set(ids(first)) & set(ids(second))
    default = describe_instances(ecs, tag=PAGING_TAG)
    assert (default.page_number, default.page_size, len(default.instances.instance)) == (1, 10, 10)
    expect_api_error(lambda: describe_instances(ecs, page_size=101), 400, "InvalidParameter", "PageSize")


@pytest.mark.world("paging.yml")
def test_instance_ids_batch_of_100_is_answered_in_pages(ecs):
    every = describe_instances(ecs, tag=PAGING_TAG, max_results=100)
    batch = json.dumps(ids(every))
    first = describe_instances(ecs, instance_ids=batch, max_results=60)
    second = describe_instances(ecs, instance_ids=batch, max_results=60, next_token=first.next_token)
    assert ids(first) + ids(second) == ids(every) and second.next_token == ""


def test_forged_next_token_is_refused(ecs, expect_api_error):
    expect_api_error(
        lambda: describe_instances(ecs, max_results=10, next_token="not-a-token"), 400, "InvalidParameter", "NextToken"
    )


def test_region_is_required_and_checked(ecs, expect_api_error):
    request = ecs_models.DescribeInstancesRequest()
    expect_api_error(lambda: ecs.describe_instances(request), 400, "MissingParameter", "RegionId")
    request = ecs_models.DescribeInstancesRequest(region_id="cn-nowhere")
    expect_api_error(lambda: ecs.describe_instances(request), 404, "InvalidRegionId.NotFound", "cn-nowhere")


def test_parameters_in_a_form_body_are_read_too(clients):
    """RPC parameters may come as a form body: the generic call_api sends them that way."""
    client = clients.ecs()
    params = utils_models.Params(
        action="DescribeInstances",
        version="2014-05-26",
        protocol="HTTP",
        pathname="/",
        method="POST",
        auth_type="AK",
        style="RPC",
        req_body_type="formData",
        body_type="json",
    )
    request = utils_models.OpenApiRequest(body={"RegionId": REGION, "InstanceIds": json.dumps(["i-node1-hz01"])})
    body = client.call_api(params, request, RuntimeOptions())["body"]
    assert [i["InstanceId"] for i in body["Instances"]["Instance"]] == ["i-node1-hz01"]


# -- DescribeSecurityGroups -----------------------------------------------------------------------


def test_describe_security_groups_filters(ecs):
    body = describe_groups(ecs, security_group_ids=json.dumps(["sg-enterprise-hz01", "sg-service1-hz01", "sg-gone"]))
    groups = body.security_groups.security_group
    assert [g.security_group_id for g in groups] == ["sg-service1-hz01", "sg-enterprise-hz01"]
    service1, enterprise = groups
    assert (service1.security_group_name, service1.security_group_type, service1.vpc_id) == (
        "service-sg1",
        "normal",
        "vpc-demo-hz01",
    )
    assert (service1.ecs_count, service1.rule_count, service1.service_managed) == (3, 1, False)
    assert enterprise.security_group_type == "enterprise" and body.region_id == REGION
    only_enterprise = describe_groups(ecs, security_group_type="enterprise").security_groups.security_group
    assert [g.security_group_id for g in only_enterprise] == ["sg-enterprise-hz01"]
    other = describe_groups(ecs, vpc_id="vpc-other-hz01").security_groups.security_group
    assert [g.security_group_id for g in other] == ["sg-other-hz01"]
    managed = describe_groups(ecs, security_group_id="sg-gw-demo-hz01").security_groups.security_group
    assert managed[0].service_managed is True


def test_describe_security_groups_pages(ecs):
    first = describe_groups(ecs, max_results=4)
    assert len(first.security_groups.security_group) == 4 and first.next_token and first.total_count == 6
    second = describe_groups(ecs, max_results=4, next_token=first.next_token)
    assert len(second.security_groups.security_group) == 2 and second.next_token == ""
    legacy = describe_groups(ecs, page_number=2, page_size=5)
    assert (legacy.page_number, legacy.page_size, len(legacy.security_groups.security_group)) == (2, 5, 1)


def test_describe_security_groups_validates(ecs, expect_api_error):
    too_many = json.dumps([f"sg-{n}" for n in range(101)])
    expect_api_error(lambda: describe_groups(ecs, security_group_ids=too_many), 400, "InvalidParameter")
    expect_api_error(
        lambda: describe_groups(ecs, security_group_type="premium"), 400, "InvalidParameter", "SecurityGroupType"
    )


# -- DescribeSecurityGroupAttribute ---------------------------------------------------------------


def test_permission_fields_are_all_strings(ecs):
    body = describe_attribute(ecs, "sg-service2-hz01")
    assert (body.security_group_id, body.security_group_name, body.vpc_id) == (
        "sg-service2-hz01",
        "service-sg2",
        "vpc-demo-hz01",
    )
    assert body.inner_access_policy == "Accept" and body.next_token == ""
    (ssh,) = body.permissions.permission
    record = ssh.to_map()
    assert all(isinstance(v, str) for v in record.values()), record
    assert (ssh.direction, ssh.policy, ssh.priority, ssh.ip_protocol, ssh.port_range, ssh.source_cidr_ip) == (
        "ingress",
        "Accept",
        "1",
        "TCP",
        "22/22",
        "192.168.0.0/16",
    )
    assert (ssh.description, ssh.nic_type, ssh.source_group_id) == ("ssh from the VPC", "intranet", "")
    assert ssh.security_group_rule_id.startswith("sgr-") and ssh.create_time.endswith("Z")
    intra = describe_attribute(ecs, "sg-service1-hz01").permissions.permission[0]
    assert (intra.ip_protocol, intra.port_range, intra.source_group_id, intra.source_group_name, intra.priority) == (
        "ALL",
        "-1/-1",
        "sg-service1-hz01",
        "service-sg1",
        "100",
    )
    assert describe_attribute(ecs, "sg-enterprise-hz01").inner_access_policy == "Drop"


def _many_permissions(emulator, count):
    state = emulator.state()
    group = next(g for g in state["security_groups"] if g["id"] == "sg-extra-hz01")
    group["permissions"] = [
        {"port_range": f"{8000 + n}/{8000 + n}", "source_cidr_ip": "10.0.0.0/8", "direction": direction}
        for n in range(count)
        for direction in ("ingress", "egress")
    ]
    emulator.put_state(state)


def test_direction_and_nic_type_filter_permissions(emulator, ecs, expect_api_error):
    _many_permissions(emulator, 3)
    assert len(describe_attribute(ecs, "sg-extra-hz01").permissions.permission) == 6
    ingress = describe_attribute(ecs, "sg-extra-hz01", direction="ingress").permissions.permission
    assert [p.direction for p in ingress] == ["ingress"] * 3
    assert (
        len(describe_attribute(ecs, "sg-extra-hz01", direction="egress", nic_type="intranet").permissions.permission)
        == 3
    )
    assert describe_attribute(ecs, "sg-extra-hz01", nic_type="internet").permissions.permission == []
    expect_api_error(lambda: describe_attribute(ecs, "sg-extra-hz01", direction="in"), 400, "InvalidParameter")


def test_permissions_page_with_next_token(emulator, ecs, expect_api_error):
    _many_permissions(emulator, 12)  # 24 permissions
    first = describe_attribute(ecs, "sg-extra-hz01", max_results=10)
    second = describe_attribute(ecs, "sg-extra-hz01", max_results=10, next_token=first.next_token)
    third = describe_attribute(ecs, "sg-extra-hz01", max_results=10, next_token=second.next_token)
    pages = [first, second, third]
    assert [len(p.permissions.permission) for p in pages] == [10, 10, 4]
    assert third.next_token == "" and first.next_token != second.next_token
    rule_ids = [r.security_group_rule_id for p in pages for r in p.permissions.permission]
    assert len(set(rule_ids)) == 24
    expect_api_error(lambda: describe_attribute(ecs, "sg-extra-hz01", max_results=5), 400, "InvalidParameter")
    expect_api_error(lambda: describe_attribute(ecs, "sg-extra-hz01", max_results=1001), 400, "InvalidParameter")


def test_unknown_security_group_is_404(ecs, expect_api_error):
    error = expect_api_error(
        lambda: describe_attribute(ecs, "sg-missing"), 404, "InvalidSecurityGroupId.NotFound", "sg-missing"
    )
    assert set(error.data) >= {"RequestId", "HostId", "Code", "Message", "Recommend"}
    assert error.data["HostId"] == "ecs-cn-hangzhou.aliyuncs.com"
    assert "q=InvalidSecurityGroupId.NotFound" in error.data["Recommend"]


def test_security_group_id_is_required(ecs, expect_api_error):
    request = ecs_models.DescribeSecurityGroupAttributeRequest(region_id=REGION)
    expect_api_error(lambda: ecs.describe_security_group_attribute(request), 400, "MissingParameter")
