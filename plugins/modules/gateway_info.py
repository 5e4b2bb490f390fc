#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: gateway_info
short_description: Describe Cloud-native API Gateways, their security group authorizations, and whether those still hold
version_added: 1.0.0
description:
  - Returns one gateway (O(gateway_id)) or every gateway of the region (optionally filtered by O(name), O(keyword),
    O(vpc_id)) - its VPC, vSwitches, zones, status, its managed security group (id, name and type), and its
    security group authorizations (the backend groups and port ranges it may reach).
  - With O(authorizable=true), also the security groups the gateway can be authorized to (optionally only those
    of one ACK cluster, O(cluster_id)).
  - With O(verify_backend_rules=true), checks each authorization against its backend group's inbound rules in ECS.
    An authorization whose ECS rule was deleted out of band (the gateway still lists it, but the gateway can no
    longer reach the backend - the vendor FAQ's "it worked, now it fails") gets C(effective=false) and an
    C(AUTHORIZATION_NOT_EFFECTIVE) finding, shown as a warning.
  - Reads only; never changes anything.
author:
  - alibabacloud.apig contributors (@alibabacloud)
options:
  gateway_id:
    description:
      - The gateway to describe (V(gw-...)). A gateway that does not exist fails the task.
      - When omitted, every gateway of the region is returned (filtered by O(name), O(keyword), O(vpc_id)).
      - Mutually exclusive with O(name), O(keyword) and O(vpc_id).
    type: str
  name:
    description:
      - Only the gateways with this name, when O(gateway_id) is omitted.
    type: str
  keyword:
    description:
      - Only the gateways whose name contains this keyword, when O(gateway_id) is omitted.
    type: str
  vpc_id:
    description:
      - Only the gateways in this VPC, when O(gateway_id) is omitted.
    type: str
  authorizable:
    description:
      - Also return RV(gateways[].authorizable_security_groups), the groups the gateway can be authorized to
        (one C(ListGatewayAuthorizableSecurityGroups) call per gateway).
    type: bool
    default: false
  cluster_id:
    description:
      - With O(authorizable=true), only the authorizable groups of this ACK cluster.
    type: str
  verify_backend_rules:
    description:
      - Check every authorization against the inbound rules of its backend group (one ECS
        C(DescribeSecurityGroupAttribute) per distinct backend group, for all gateways together).
      - An authorization is effective when the group holds an Accept inbound TCP rule covering its port range from
        the gateway's security group (normal groups) or, for enterprise groups, from every CIDR the authorization
        lists (RV(gateways[].authorizations[].auth_cidrs)). Several rules may cover the range together.
    type: bool
    default: false
notes:
  - API calls - one C(GetGateway) (or C(ListGateways) per page of 50); per gateway one
    C(ListGatewayAuthorizedSecurityGroupRules) (and one C(ListGatewayAuthorizableSecurityGroups) with O(authorizable));
    one ECS C(DescribeSecurityGroups) per 100 gateways for the managed groups' type; with O(verify_backend_rules),
    one ECS C(DescribeSecurityGroupAttribute) per distinct backend group.
  - The gateway list API returns less than the gateway detail API (for example no names of the VPC and vSwitch);
    pass O(gateway_id) for the details of one gateway.
  - O(verify_backend_rules) does not weigh other rules against each other, for example a Drop rule of higher priority
    or a broader Accept rule that would let the gateway in anyway; it checks that the authorization's own rule exists.
seealso:
  - module: alibabacloud.apig.gateway_sg_authorization
  - module: alibabacloud.apig.backend_sg_info
extends_documentation_fragment:
  - alibabacloud.apig.common
  - alibabacloud.apig.findings
  - alibabacloud.apig.attributes
  - alibabacloud.apig.attributes.info_module
"""

EXAMPLES = r"""
- name: Describe a gateway and its authorizations
  alibabacloud.apig.gateway_info:
    gateway_id: gw-cq7l5s5lhtgi6qasrdc0
  register: gateway

- name: Show the backend groups the gateway may reach
  ansible.builtin.debug:
    msg: "{{ gateway.gateways[0].authorizations | map(attribute='security_group_id') | unique | list }}"

- name: Check that every authorization still has its inbound rule in ECS
  alibabacloud.apig.gateway_info:
    gateway_id: gw-cq7l5s5lhtgi6qasrdc0
    verify_backend_rules: true
  register: audit

- name: The same check, failing the task (after its result) when an inbound rule was deleted out of band
  alibabacloud.apig.gateway_info:
    gateway_id: gw-cq7l5s5lhtgi6qasrdc0
    verify_backend_rules: true
    fail_on_findings: [AUTHORIZATION_NOT_EFFECTIVE]

- name: List the gateways of a VPC with the groups of an ACK cluster they can be authorized to
  alibabacloud.apig.gateway_info:
    vpc_id: vpc-bp1opxu1zkhn00gzv
    authorizable: true
    cluster_id: c82e6987e2961451182edacd74faf0b
  register: gateways
"""

RETURN = r"""
gateways:
  description: The gateways, one when O(gateway_id) is given, sorted by id otherwise.
  returned: always
  type: list
  elements: dict
  contains:
    gateway_id:
      description: The gateway's id.
      returned: always
      type: str
      sample: gw-cq7l5s5lhtgi6qasrdc0
    name:
      description: The gateway's name.
      returned: always
      type: str
      sample: demo-gateway
    status:
      description: The gateway's status (V(Running), V(Creating), ...).
      returned: always
      type: str
      sample: Running
    gateway_type:
      description: V(API) or V(AI).
      returned: always
      type: str
      sample: API
    gateway_edition:
      description: The gateway's edition, when the API reports it.
      returned: always
      type: str
      sample: Professional
    spec:
      description: The gateway's instance specification, when the API reports it.
      returned: always
      type: str
      sample: apigw.small.x1
    replicas:
      description: The number of gateway nodes, as the API reports it (a string).
      returned: always
      type: str
      sample: "2"
    version:
      description: The gateway's engine version.
      returned: always
      type: str
      sample: 2.1.2
    charge_type:
      description: The gateway's billing method.
      returned: always
      type: str
      sample: POSTPAY
    resource_group_id:
      description: The gateway's resource group.
      returned: always
      type: str
      sample: rg-acfmxazb4ph6aiy
    create_timestamp:
      description: When the gateway was created (milliseconds since the epoch).
      returned: always
      type: int
      sample: 1719386834548
    update_timestamp:
      description: When the gateway was last changed (milliseconds since the epoch).
      returned: always
      type: int
      sample: 1719386834548
    vpc_id:
      description: The gateway's VPC.
      returned: always
      type: str
      sample: vpc-bp1opxu1zkhn00gzv
    vpc_name:
      description: The VPC's name (only with O(gateway_id)).
      returned: always
      type: str
      sample: prod
    vswitch:
      description: The gateway's main vSwitch.
      returned: always
      type: dict
      contains:
        vswitch_id:
          description: The vSwitch's id.
          returned: always
          type: str
          sample: vsw-bp1s5fnvk4gn2tws03624
        name:
          description: The vSwitch's name (only with O(gateway_id)).
          returned: always
          type: str
          sample: prod-a
    vswitch_ids:
      description: Every vSwitch of the gateway (the main one and the zones'), sorted and unique.
      returned: always
      type: list
      elements: str
      sample: [vsw-bp1s5fnvk4gn2tws03624]
    zones:
      description: The zones the gateway's nodes run in.
      returned: always
      type: list
      elements: dict
      contains:
        zone_id:
          description: The zone's id.
          returned: always
          type: str
          sample: cn-hangzhou-h
        name:
          description: The zone's name.
          returned: always
          type: str
          sample: Hangzhou Zone H
        vswitch_id:
          description: The zone's vSwitch.
          returned: always
          type: str
          sample: vsw-bp1s5fnvk4gn2tws03624
        vswitch_name:
          description: The zone's vSwitch's name.
          returned: always
          type: str
          sample: prod-h
    security_group:
      description: The gateway's managed security group, the source of every inbound rule an authorization makes.
      returned: always
      type: dict
      contains:
        security_group_id:
          description: The group's id.
          returned: always
          type: str
          sample: sg-bp1gateway0000000
        name:
          description: The group's name.
          returned: always
          type: str
          sample: apig-managed
        type:
          description: V(normal) or V(enterprise), from ECS; V(null) if ECS does not know the group.
          returned: always
          type: str
          sample: normal
    load_balancers:
      description: The gateway's ingress load balancers, as the API reports them (snake_case keys).
      returned: always
      type: list
      elements: dict
      sample: []
    tags:
      description: The gateway's tags.
      returned: always
      type: dict
      sample: {"env": "prod"}
    authorizations:
      description:
        - The gateway's security group authorizations, one per rule id and port range, sorted by group and range.
      returned: always
      type: list
      elements: dict
      contains:
        rule_id:
          description: The authorization's id (V(gsgr-...)); several ranges added together may share it.
          returned: always
          type: str
          sample: gsgr-cq7l5s5lhtgi6qasrdc0
        security_group_id:
          description: The backend group.
          returned: always
          type: str
          sample: sg-bp67acfmxazb4ph
        security_group_name:
          description: The backend group's name.
          returned: always
          type: str
          sample: k8s-nodes
        port_range:
          description: The port range, V(start/end).
          returned: always
          type: str
          sample: 8080/8080
        ip_protocol:
          description: The protocol, V(TCP).
          returned: always
          type: str
          sample: TCP
        source_security_group_id:
          description: The gateway's group, the source of the inbound rule.
          returned: always
          type: str
          sample: sg-bp1gateway0000000
        auth_cidrs:
          description: The CIDR blocks the inbound rules allow for an enterprise backend group; empty for normal groups.
          returned: always
          type: list
          elements: str
          sample: []
        vpc_id:
          description: The backend group's VPC.
          returned: always
          type: str
          sample: vpc-bp1opxu1zkhn00gzv
        description:
          description: The authorization's description.
          returned: always
          type: str
          sample: managed by ansible
        effective:
          description: Whether the backend group holds the inbound rule that this authorization needs.
          returned: when O(verify_backend_rules=true)
          type: bool
          sample: true
    authorizable_security_groups:
      description: The groups the gateway can be authorized to (of O(cluster_id) when it is set).
      returned: when O(authorizable=true)
      type: list
      elements: dict
      contains:
        security_group_id:
          description: The group's id.
          returned: always
          type: str
          sample: sg-bp67acfmxazb4ph
        name:
          description: The group's name.
          returned: always
          type: str
          sample: k8s-nodes
        type:
          description: V(normal) or V(enterprise).
          returned: always
          type: str
          sample: normal
        vpc_id:
          description: The group's VPC.
          returned: always
          type: str
          sample: vpc-bp1opxu1zkhn00gzv
findings:
  description:
    - With O(verify_backend_rules=true), one C(AUTHORIZATION_NOT_EFFECTIVE) finding per authorization whose inbound
      rule is missing, each also shown as a warning.
  returned: when O(verify_backend_rules=true)
  type: list
  elements: dict
  contains:
    code:
      description: V(AUTHORIZATION_NOT_EFFECTIVE).
      returned: always
      type: str
      sample: AUTHORIZATION_NOT_EFFECTIVE
    message:
      description: What is missing and what to do.
      returned: always
      type: str
      sample: >-
        authorization gsgr-cq7l5s5lhtgi6qasrdc0: the inbound rule in sg-bp67acfmxazb4ph that grants the gateway
        8080/8080 is missing (...): it was probably deleted out of band; re-run the authorization (delete and add)
        to restore it
    ids:
      description: C(gateway_id), C(rule_id), C(security_group_id), C(port_range), C(source_security_group_id).
      returned: always
      type: dict
      sample:
        gateway_id: gw-cq7l5s5lhtgi6qasrdc0
        rule_id: gsgr-cq7l5s5lhtgi6qasrdc0
        security_group_id: sg-bp67acfmxazb4ph
        port_range: 8080/8080
"""


from ansible_collections.alibabacloud.apig.plugins.module_utils._apig import get_gateway
from ansible_collections.alibabacloud.apig.plugins.module_utils._apig import list_authorizable_security_groups
from ansible_collections.alibabacloud.apig.plugins.module_utils._apig import list_authorizations
from ansible_collections.alibabacloud.apig.plugins.module_utils._apig import list_gateways
from ansible_collections.alibabacloud.apig.plugins.module_utils._ecs import describe_security_groups
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._findings import FINDINGS_ARGUMENT_SPEC
from ansible_collections.alibabacloud.apig.plugins.module_utils._ids import check_id
from ansible_collections.alibabacloud.apig.plugins.module_utils._module import AlibabaCloudModule
from ansible_collections.alibabacloud.apig.plugins.module_utils._parallel import bounded_map
from ansible_collections.alibabacloud.apig.plugins.module_utils._verification import verify_authorizations

ARGUMENT_SPEC = dict(
    gateway_id=dict(type="str"),
    name=dict(type="str"),
    keyword=dict(type="str", no_log=False),
    vpc_id=dict(type="str"),
    authorizable=dict(type="bool", default=False),
    cluster_id=dict(type="str"),
    verify_backend_rules=dict(type="bool", default=False),
    **FINDINGS_ARGUMENT_SPEC,
)


def validate(params: dict) -> None:
    gateway_id = params["gateway_id"]
    if gateway_id is not None:
        check_id("gateway_id", gateway_id, "gateway")
    if params["vpc_id"] is not None:
        check_id("vpc_id", params["vpc_id"], "vpc")
    if params["cluster_id"] is not None:
        check_id("cluster_id", params["cluster_id"], "cluster")
        if not params["authorizable"]:
            raise OptionError("cluster_id", params["cluster_id"], "only narrows authorizable=true: set authorizable")
    for key in ("name", "keyword"):
        if params[key] is not None and not params[key].strip():
            raise OptionError(key, params[key], "must not be empty: omit it instead")


def _vswitch_ids(gateway: dict) -> list:
    ids = {(gateway.get("vswitch") or {}).get("vswitch_id")}
    ids.update(zone.get("vswitch_id") for zone in gateway.get("zones") or [])
    return sorted(i for i in ids if i)


def _fill_managed_group_types(module: AlibabaCloudModule, gateways: list) -> None:
    """One ECS look-up for every managed group whose type the gateway API did not give."""
    wanted = {
        g["security_group"]["security_group_id"]
        for g in gateways
        if g["security_group"].get("security_group_id") and not g["security_group"].get("type")
    }
    found = {s["security_group_id"]: s for s in describe_security_groups(module.session, wanted)} if wanted else {}
    for gateway in gateways:
        group = gateway["security_group"]
        ecs = found.get(group.get("security_group_id"), {})
        group["type"] = group.get("type") or ecs.get("type")
        group["name"] = group.get("name") or ecs.get("name")


def describe_gateways(module: AlibabaCloudModule) -> dict:
    params = module.params
    validate(params)
    session = module.session
    if params["gateway_id"]:
        gateways = [get_gateway(session, params["gateway_id"])]
    else:
        listed = list_gateways(session, name=params["name"], keyword=params["keyword"], vpc_id=params["vpc_id"])
        gateways = sorted(listed, key=lambda g: g.get("gateway_id") or "")

    def per_gateway(gateway: dict) -> dict:
        extra = {"authorizations": list_authorizations(session, gateway["gateway_id"])}
        if params["authorizable"]:
            extra["authorizable_security_groups"] = list_authorizable_security_groups(
                session, gateway["gateway_id"], params["cluster_id"]
            )
        return extra

    for gateway, extra in zip(gateways, bounded_map(per_gateway, gateways)):
        gateway["vswitch_ids"] = _vswitch_ids(gateway)
        gateway.update(extra)
    _fill_managed_group_types(module, gateways)
    result = {"changed": False, "gateways": gateways}

    if params["verify_backend_rules"]:
        records = [record for gateway in gateways for record in gateway["authorizations"]]
        checked, findings = verify_authorizations(session, records)
        position = 0
        for gateway in gateways:
            count = len(gateway["authorizations"])
            gateway["authorizations"] = checked[position : position + count]
            position += count
        # A finding names its rule; the rule tells which gateway it belongs to.
        rule_owner = {r.get("rule_id"): g["gateway_id"] for g in gateways for r in g["authorizations"]}
        for item in findings:
            item["ids"] = dict(gateway_id=rule_owner.get(item["ids"].get("rule_id")), **item["ids"])
            module.warn("{}: {} (gateway {})".format(item["code"], item["message"], item["ids"]["gateway_id"]))
        result["findings"] = findings
    return result


def main() -> None:
    module = AlibabaCloudModule(
        argument_spec=ARGUMENT_SPEC,
        mutually_exclusive=[("gateway_id", "name"), ("gateway_id", "keyword"), ("gateway_id", "vpc_id")],
        supports_check_mode=True,
    )
    module.run(describe_gateways)


if __name__ == "__main__":
    main()
