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
  - With O(services=true), also the gateway's own services (what it routes to), each endpoint mapped to the network
    interface (ENI) holding its IP in the gateway's VPC, that ENI's instance and security groups, and whether every
    one of those groups has an authorization covering the endpoint's port. This catches the vendor FAQ's traps
    before users do - the rule on the wrong node's group, a node with several groups, and a service whose port moved
    (8080 to 8081) while only the old port is authorized - as C(SERVICE_*) findings.
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
  services:
    description:
      - Also return RV(gateways[].services), the gateway's services and their endpoints, with the findings
        C(SERVICE_PORT_NOT_AUTHORIZED), C(SERVICE_UNHEALTHY_ENDPOINT_NOT_AUTHORIZED), C(SERVICE_ENDPOINT_NOT_FOUND)
        and C(SERVICE_ADDRESS_NOT_IP), each naming the service, the endpoint and (where known) the group.
      - A service's C(addresses) are read in every form the API may use - V(ip:port), a bare V(ip) (its ports are
        then the service's C(ports[].port)), V([ipv6]:port) and domain names. A domain name is never resolved on the
        controller (its resolver is not the VPC's); it becomes a C(SERVICE_ADDRESS_NOT_IP) finding.
    type: bool
    default: false
  service_cluster_ids:
    description:
      - With O(services=true), ACK clusters whose pod CIDR (C(container_cidr), for example Flannel) may hold endpoint
        addresses that no ENI holds. Such an endpoint is attributed to the cluster's node pools' security groups;
        without a cluster whose pod CIDR holds it, it is a C(SERVICE_ENDPOINT_NOT_FOUND) finding.
      - Read only when an endpoint IP is held by no ENI (one C(DescribeClusterDetail) per cluster, and one
        C(DescribeClusterNodePools) per cluster that holds one).
    type: list
    elements: str
notes:
  - API calls - one C(GetGateway) (or C(ListGateways) per page of 50); per gateway one
    C(ListGatewayAuthorizedSecurityGroupRules) (and one C(ListGatewayAuthorizableSecurityGroups) with O(authorizable));
    one ECS C(DescribeSecurityGroups) per 100 gateways for the managed groups' type; with O(verify_backend_rules),
    one ECS C(DescribeSecurityGroupAttribute) per distinct backend group.
  - API calls with O(services=true), per gateway - C(ListServices) pages of 100, paged by the answer
    (ceil(services/100) calls, ceil(services/c) from a server capping its pages at c), and a C(GetService) only for
    a listed service whose item lacks its C(addresses) or C(ports). No ENI call when no endpoint is an IP.
  - The ENI look-up (RV(gateways[].services_lookup)) picks the cheaper of two ways by the number of unique endpoint
    IPs. It first reads one page of the VPC's network interfaces (ECS C(DescribeNetworkInterfaces) by C(VpcId),
    C(MaxResults=500)), which lists primary and secondary ENIs with every IP and tells their total. When that page
    holds them all, or holds every endpoint IP, it stops (one call for a VPC of up to 500 ENIs). Otherwise it weighs
    the listing's pages left against looking up the n IPs still missing, 2 x ceil(n/100) calls -
    C(DescribeNetworkInterfaces) with C(PrivateIpAddress.N) (100 a call; documented to match secondary IPs, such as
    Terway pods) and then ECS C(DescribeInstances) with C(PrivateIpAddresses) (100 a call; an instance's own,
    primary-ENI addresses) - and takes the cheaper. An IP neither finds (the primary IP of a secondary ENI, or one
    nobody holds) is then asked for with C(PrimaryIpAddress), one call each, when they are fewer than the listing's
    pages left, or else the listing is finished. An IP is declared unheld only after a read that would have seen it,
    whichever IPs the filters really match.
  - The gateway list API returns less than the gateway detail API (for example no names of the VPC and vSwitch);
    pass O(gateway_id) for the details of one gateway.
  - O(verify_backend_rules) does not weigh other rules against each other, for example a Drop rule of higher priority
    or a broader Accept rule that would let the gateway in anyway; it checks that the authorization's own rule exists.
seealso:
  - module: alibabacloud.apig.gateway_sg_authorization
  - module: alibabacloud.apig.backend_sg_info
extends_documentation_fragment:
  - alibabacloud.apig.common
  - alibabacloud.apig.timeouts
  - alibabacloud.apig.findings
  - alibabacloud.apig.group_defaults
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

- name: What the gateway routes to, and whether the firewall lets it through
  alibabacloud.apig.gateway_info:
    gateway_id: gw-cq7l5s5lhtgi6qasrdc0
    services: true
  register: routed

- name: Fail on a service port the gateway may not reach (for example one that moved from 8080 to 8081)
  ansible.builtin.assert:
    that:
      - routed.findings | selectattr('code', 'equalto', 'SERVICE_PORT_NOT_AUTHORIZED') | list | length == 0
    fail_msg: "{{ routed.findings | map(attribute='message') | join('; ') }}"

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
    services:
      description: The gateway's services, sorted by name.
      returned: when O(services=true)
      type: list
      elements: dict
      contains:
        service_id:
          description: The service's id.
          returned: always
          type: str
          sample: svc-cr8a1ip5lhtgi6qasrdc0
        name:
          description: The service's name.
          returned: always
          type: str
          sample: web
        source_type:
          description: Where the service comes from (V(K8S), V(VIP), V(DNS), V(MSE_NACOS), V(FC3)).
          returned: always
          type: str
          sample: K8S
        namespace:
          description: The service's namespace, or V(null).
          returned: always
          type: str
          sample: shop
        health_status:
          description: The service's health status as the gateway reports it.
          returned: always
          type: str
          sample: Healthy
        endpoints:
          description: One per (address, port) the gateway routes to.
          returned: always
          type: list
          elements: dict
          contains:
            address:
              description: The endpoint's IP address (IPv6 without brackets) or domain name.
              returned: always
              type: str
              sample: 192.168.1.102
            port:
              description: The port the endpoint listens on.
              returned: always
              type: int
              sample: 8080
            healthy:
              description: False when the gateway lists the endpoint among its unhealthy endpoints.
              returned: always
              type: bool
              sample: true
            network_interface_id:
              description: The ENI holding the address (primary or secondary IP), or V(null).
              returned: always
              type: str
              sample: eni-bp1pods0000000000
            instance_id:
              description: The instance the ENI is attached to, or V(null).
              returned: always
              type: str
              sample: i-bp1node100000000000
            cluster_id:
              description: The ACK cluster of O(service_cluster_ids) whose pod CIDR holds the address, or V(null).
              returned: always
              type: str
              sample: null
            security_group_ids:
              description: The groups of the ENI (every one of them), or of the cluster's node pools; empty if unknown.
              returned: always
              type: list
              elements: str
              sample: [sg-bp67acfmxazb4ph]
            authorized:
              description: True when every one of RV(gateways[].services[].endpoints[].security_group_ids) has an
                authorization covering the port (false when no group is known).
              returned: always
              type: bool
              sample: true
    services_lookup:
      description: How the endpoint IPs were mapped to ENIs - C(unique_ips), and C(network_interface_lookup) -
        V(vpc_listing), V(by_ip) or V(none) (no IP endpoint); see the notes.
      returned: when O(services=true)
      type: dict
      sample: {unique_ips: 6, network_interface_lookup: vpc_listing}
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
    - With O(services=true), per endpoint - C(SERVICE_PORT_NOT_AUTHORIZED) for each of its groups lacking an
      authorization covering its port (the message says so when the same group is authorized on other ports only -
      the service's port probably moved); C(SERVICE_UNHEALTHY_ENDPOINT_NOT_AUTHORIZED) too when the endpoint is
      unhealthy (its health check fails because of the firewall); C(SERVICE_ENDPOINT_NOT_FOUND) when no ENI of the
      VPC holds its IP (nor a pod CIDR of O(service_cluster_ids)); C(SERVICE_ADDRESS_NOT_IP) for a domain name.
  returned: when O(verify_backend_rules=true) or O(services=true)
  type: list
  elements: dict
  contains:
    code:
      description: V(AUTHORIZATION_NOT_EFFECTIVE), or one of the V(SERVICE_*) codes.
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
      description:
        - C(gateway_id), C(rule_id), C(security_group_id), C(port_range), C(source_security_group_id).
        - For the V(SERVICE_*) codes - C(gateway_id), C(service_id), C(service_name), C(endpoint) (V(ip:port)), and
          where known C(security_group_id), C(port), C(network_interface_id), C(vpc_id).
      returned: always
      type: dict
      sample:
        gateway_id: gw-cq7l5s5lhtgi6qasrdc0
        rule_id: gsgr-cq7l5s5lhtgi6qasrdc0
        security_group_id: sg-bp67acfmxazb4ph
        port_range: 8080/8080
"""

from ansible_collections.alibabacloud.apig.plugins.module_utils._findings import FINDINGS_ARGUMENT_SPEC
from ansible_collections.alibabacloud.apig.plugins.module_utils._gateway_info import describe_gateways
from ansible_collections.alibabacloud.apig.plugins.module_utils._group_defaults import CONVERGE_ONLY_OPTIONS
from ansible_collections.alibabacloud.apig.plugins.module_utils._module import AlibabaCloudModule

ARGUMENT_SPEC = dict(
    gateway_id=dict(type="str"),
    name=dict(type="str"),
    keyword=dict(type="str", no_log=False),
    vpc_id=dict(type="str"),
    authorizable=dict(type="bool", default=False),
    cluster_id=dict(type="str"),
    verify_backend_rules=dict(type="bool", default=False),
    services=dict(type="bool", default=False),
    service_cluster_ids=dict(type="list", elements="str"),
    **FINDINGS_ARGUMENT_SPEC,
    **CONVERGE_ONLY_OPTIONS,
)


def main() -> None:
    module = AlibabaCloudModule(
        argument_spec=ARGUMENT_SPEC,
        mutually_exclusive=[("gateway_id", "name"), ("gateway_id", "keyword"), ("gateway_id", "vpc_id")],
        supports_check_mode=True,
    )
    module.run(describe_gateways)


if __name__ == "__main__":
    main()
