#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: backend_sg_info
short_description: Find the security groups that guard an API gateway's backends (ACK node pools, ECS instances)
version_added: 1.0.0
description:
  - Finds the ECS security groups of the nodes a Cloud-native API Gateway (APIG) backend runs on, the groups
    that need the gateway's inbound rule (see M(alibabacloud.apig.gateway_sg_authorization)).
  - The C(alibabacloud.apig.backend_access) role composes it with M(alibabacloud.apig.gateway_sg_authorization) -
    one run of this module with O(sources) for all the role's backend entries, checked by the same parser, then one
    converge of the groups it found. Unknown ids are findings here; the role decides what to authorize.
  - Sources, in any combination, at least one of them - an ACK cluster (O(cluster_id)), optionally narrowed to
    some node pools (O(nodepool_ids) or O(nodepool_names)); ECS instances by id (O(instance_ids)); ECS instances
    by tags (O(instance_tags)); security groups by id (O(security_group_ids)); the gateway's own services
    (O(gateway_services)).
  - Several sources can be discovered in one run with O(sources), sharing the API calls (one node pool listing per
    cluster, instance look-ups merged into batches of 100). Each invocation of a module costs a process and the
    SDK imports, so a role that knows all its backends should use O(sources) once rather than loop over the module.
  - For a cluster, the groups of its node pools' scaling groups are found and, with O(inspect_nodes=true), the
    groups each node actually carries, so that a node with an extra or a different group is found too (the
    vendor's FAQ - the rule was put on the wrong node's group, or a node has several groups and each needs the rule).
  - What a person should know is returned in RV(findings) and shown as warnings - an instance with several groups,
    a node whose groups differ from its node pool's, ids that do not exist, items in another VPC than O(vpc_id).
    Unknown ids are findings, not failures, unless O(fail_on_empty) or O(fail_on_findings) says otherwise.
  - Reads only; never changes anything.
author:
  - alibabacloud.apig contributors (@alibabacloud)
options:
  cluster_id:
    description:
      - The id of an ACK cluster whose node pools (and, with O(inspect_nodes), nodes) run the backend.
      - One C(DescribeClusterNodePools) call per cluster; with O(inspect_nodes), C(DescribeClusterNodes) pages of
        100 nodes and C(DescribeInstances) batches of 100 instances.
      - A cluster without node pools (ACK Serverless) yields the cluster's own security group.
      - Mutually exclusive with O(sources).
    type: str
  nodepool_ids:
    description:
      - Only these node pools of O(cluster_id) (ids such as V(np615c0e0966124216a0412e10afe0)).
      - An unknown id is a C(NODEPOOL_NOT_FOUND) finding.
      - Requires O(cluster_id). Mutually exclusive with O(nodepool_names) and O(sources).
    type: list
    elements: str
  nodepool_names:
    description:
      - Only the node pools of O(cluster_id) with these names.
      - An unknown name is a C(NODEPOOL_NOT_FOUND) finding.
      - Requires O(cluster_id). Mutually exclusive with O(nodepool_ids) and O(sources).
    type: list
    elements: str
  instance_ids:
    description:
      - ECS instances (V(i-...)) that run the backend; the groups they carry are returned.
      - An unknown id is an C(INSTANCE_NOT_FOUND) finding.
      - Mutually exclusive with O(sources).
    type: list
    elements: str
  instance_tags:
    description:
      - ECS instances that carry all these tags (key and value; at most 20 tags); the groups they carry are returned.
      - Tag values are strings; quote values such as V('1') or V('yes') in YAML.
      - Mutually exclusive with O(sources).
    type: dict
  security_group_ids:
    description:
      - Security groups taken as given, but checked to exist (and to be in O(vpc_id) when it is set).
      - Mutually exclusive with O(sources).
    type: list
    elements: str
  gateway_services:
    description:
      - The services of the gateway O(gateway_id), V(all) or a list of service names - the security groups of the
        network interfaces (ENIs) holding their endpoints' IPs in the gateway's VPC, every group of each (a Terway
        pod's ENI, a node's or an instance's primary ENI). The gateway's own view - the groups of the nodes the
        service really runs on, and the ports its endpoints really listen on now.
      - With O(sources), RV(sources[].port_ranges_by_group) gives each group the ports its endpoints use (one range
        per port); the C(alibabacloud.apig.backend_access) role authorizes those when the entry gives no port ranges.
      - A name the gateway has no service for fails the task, naming it and the gateway's services. Endpoints that
        cannot be mapped are findings - C(SERVICE_ADDRESS_NOT_IP) (a domain name, never resolved here) and
        C(SERVICE_ENDPOINT_NOT_FOUND) (an IP no ENI of the VPC holds, nor the pod CIDR of a cluster named by
        another source's O(cluster_id)); a service that lists no endpoint is C(SERVICE_WITHOUT_ENDPOINTS).
      - C(SERVICE_ENDPOINT_NOT_FOUND) and C(SERVICE_WITHOUT_ENDPOINTS) are misses, like a source that found
        nothing - with O(fail_on_empty) the task fails unless the source says C(allow_empty). An empty or
        unreadable address in the gateway's answer fails the task as a malformed answer.
      - API calls as O(alibabacloud.apig.gateway_info#module:services) of M(alibabacloud.apig.gateway_info), plus one
        C(GetGateway) (the gateway's VPC).
      - Mutually exclusive with O(sources).
    type: raw
  sources:
    description:
      - Several sources, each with the keys of the top-level source options, discovered in one run with shared,
        de-duplicated API calls. The result then has RV(sources), aligned by index with this list.
      - Each entry is checked as the top-level options are (the same parser checks the entries of the
        C(alibabacloud.apig.backend_access) role), and a wrong one fails naming C(sources[i].option) and the value.
      - Mutually exclusive with the top-level source options (O(cluster_id), O(nodepool_ids), O(nodepool_names),
        O(instance_ids), O(instance_tags), O(security_group_ids) and O(gateway_services)).
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - A free label, returned in RV(sources[].name) and used in messages.
          - A non-blank string on one line. A number, a list or a dictionary fails the task before any API call
            (quote a numeric name in YAML).
        type: raw
      cluster_id:
        description:
          - As the top-level O(cluster_id).
        type: str
      nodepool_ids:
        description:
          - As the top-level O(nodepool_ids); requires O(sources[].cluster_id), mutually exclusive with
            O(sources[].nodepool_names).
        type: list
        elements: str
      nodepool_names:
        description:
          - As the top-level O(nodepool_names); requires O(sources[].cluster_id).
        type: list
        elements: str
      instance_ids:
        description:
          - As the top-level O(instance_ids).
        type: list
        elements: str
      instance_tags:
        description:
          - As the top-level O(instance_tags).
        type: dict
      security_group_ids:
        description:
          - As the top-level O(security_group_ids).
        type: list
        elements: str
      gateway_services:
        description:
          - As the top-level O(gateway_services).
        type: raw
      allow_empty:
        description:
          - With O(fail_on_empty=true), this source may find nothing, or less than it names (a node pool scaled to
            zero, a tag set that is sometimes on no instance), and it is then a warning, not a failure.
        type: bool
        default: false
  fail_on_empty:
    description:
      - With V(true), the task fails when a source finds nothing or has a C(*_NOT_FOUND) finding
        (C(CLUSTER_NOT_FOUND), C(NODEPOOL_NOT_FOUND), C(INSTANCE_NOT_FOUND), C(SECURITY_GROUP_NOT_FOUND)), a tag set
        that matches no instance (C(TAGS_MATCH_NO_INSTANCE)) or no group at all (C(NO_SECURITY_GROUPS_FOUND)),
        unless that source says O(sources[].allow_empty=true). The message names each such source (C(sources[i]),
        its name and its options) and the findings; the whole result is returned with the failure.
      - A read that found less than was named cannot be trusted to stand for the backends. A task that converges
        or purges authorizations from this result must not run on it, and this stops it before any write.
      - The C(alibabacloud.apig.backend_access) role sets it.
    type: bool
    default: false
  vpc_id:
    description:
      - The VPC the backends must be in, usually the gateway's.
      - Instances and security groups in another VPC are left out of the result and reported as
        C(INSTANCE_IN_OTHER_VPC) and C(SECURITY_GROUP_IN_OTHER_VPC) findings.
      - Defaults to the VPC of O(gateway_id) when that is given.
    type: str
  gateway_id:
    description:
      - The APIG gateway the backends are for, of the form C(gw-cq7l5s5lhtgi6qasrdc0). One C(GetGateway) call.
      - Required with O(gateway_services) (or O(sources[].gateway_services)), as the gateway whose services they name.
      - Its VPC is then the default of O(vpc_id), and the gateway is returned in RV(gateway), which
        M(alibabacloud.apig.gateway_sg_authorization) takes as its
        O(alibabacloud.apig.gateway_sg_authorization#module:gateway) so that it does not read the gateway again.
    type: str
  gateway:
    description:
      - The gateway of O(gateway_id), read earlier in the same play. An item of
        RV(alibabacloud.apig.gateway_info#module:gateways) or this module's own RV(gateway). The module then does
        not call C(GetGateway).
      - When it has C(services) (M(alibabacloud.apig.gateway_info) with
        O(alibabacloud.apig.gateway_info#module:services=true)), the O(gateway_services) sources take the services
        from it, and C(ListServices), C(GetService) and the ENI look-ups are not called again. Their findings about
        endpoints that cannot be mapped are then gateway_info's, and are not repeated here.
      - Its C(gateway_id) must be O(gateway_id). The collection's audit playbook passes gateway_info's gateway.
    type: dict
  inspect_nodes:
    description:
      - With V(true), besides the node pools' scaling-group security groups, read the groups each node of the
        cluster actually carries, so a node with an extra or a different group is found
        (C(INSTANCE_GROUPS_DIFFER_FROM_NODEPOOL), C(INSTANCE_MULTIPLE_SECURITY_GROUPS)) and its groups are returned.
      - With V(false), only the node pools are read (one call per cluster).
    type: bool
    default: true
  return_instances:
    description:
      - With V(false), the result has no RV(instances) list; the groups, their RV(security_groups[].instances) and
        the findings are the same. A cluster of thousands of nodes makes RV(instances) about a megabyte, which
        Ansible then carries through every later task.
    type: bool
    default: true
notes:
  - All ids are checked for their form before any API call; a wrong one fails the task naming the option and value.
  - API calls for one run - one C(DescribeClusterNodePools) per cluster (plus C(DescribeClusterDetail) for a
    cluster without node pools); with O(inspect_nodes), ceil(nodes/100) C(DescribeClusterNodes) per cluster
    (of the one selected node pool when that is all the sources ask for); one C(DescribeInstances) per tag set and
    page of 100; ceil(ids/100) C(DescribeInstances) for all instance ids and nodes together; ceil(groups/100)
    C(DescribeSecurityGroups) for every group found; one C(GetGateway) with O(gateway_id).
  - The vendor recommends putting the gateway's rule on every security group of an instance that has several; all
    of them are returned.
seealso:
  - module: alibabacloud.apig.gateway_sg_authorization
  - module: alibabacloud.apig.gateway_info
extends_documentation_fragment:
  - alibabacloud.apig.common
  - alibabacloud.apig.timeouts
  - alibabacloud.apig.findings
  - alibabacloud.apig.group_defaults
  - alibabacloud.apig.group_defaults.verify
  - alibabacloud.apig.attributes
  - alibabacloud.apig.attributes.info_module
"""

EXAMPLES = r"""
- name: Find the security groups of an ACK cluster's nodes
  alibabacloud.apig.backend_sg_info:
    cluster_id: c82e6987e2961451182edacd74faf0b
    vpc_id: vpc-bp1opxu1zkhn00gzv
  register: backend

- name: Show the groups that need the gateway's rule
  ansible.builtin.debug:
    var: backend.security_group_ids

- name: Fail when a node carries other groups than its node pool
  ansible.builtin.assert:
    that:
      - backend.findings | selectattr('code', 'equalto', 'INSTANCE_GROUPS_DIFFER_FROM_NODEPOOL') | list | length == 0
    fail_msg: "{{ backend.findings | map(attribute='message') | join('; ') }}"

- name: Find the groups of one node pool, by name, without reading the nodes
  alibabacloud.apig.backend_sg_info:
    cluster_id: c82e6987e2961451182edacd74faf0b
    nodepool_names:
      - backend-pool
    inspect_nodes: false
  register: pool_groups

- name: Find the groups of the ECS instances tagged service=orders
  alibabacloud.apig.backend_sg_info:
    instance_tags:
      service: orders
      env: prod
  register: orders_groups

- name: Discover several backends in one run
  alibabacloud.apig.backend_sg_info:
    vpc_id: vpc-bp1opxu1zkhn00gzv
    sources:
      - name: web
        cluster_id: c82e6987e2961451182edacd74faf0b
        nodepool_names:
          - web
      - name: orders
        instance_tags:
          service: orders
      - name: legacy
        instance_ids:
          - i-bp67acfmxazb4ph
          - i-bp67acfmxazb4pj
  register: all_backends

- name: Show each source's groups
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.security_group_ids | join(', ') }}"
  loop: "{{ all_backends.sources }}"
  loop_control:
    label: "{{ item.name }}"

- name: Discover, failing on a typo or an unknown id, but not on a node pool that may be scaled to zero
  alibabacloud.apig.backend_sg_info:
    vpc_id: vpc-bp1opxu1zkhn00gzv
    fail_on_empty: true
    fail_on_findings: [SECURITY_GROUP_IN_OTHER_VPC]
    sources:
      - name: web
        cluster_id: c82e6987e2961451182edacd74faf0b
        nodepool_names: [web]
      - name: batch
        cluster_id: c82e6987e2961451182edacd74faf0b
        nodepool_names: [batch]
        allow_empty: true
  register: guarded
"""

RETURN = r"""
security_groups:
  description:
    - The security groups found (those that exist and, with O(vpc_id), are in that VPC), sorted by id.
  returned: always
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
      description: V(normal) or V(enterprise) (advanced); an enterprise group cannot reference a group as source.
      returned: always
      type: str
      sample: normal
    vpc_id:
      description: The group's VPC.
      returned: always
      type: str
      sample: vpc-bp1opxu1zkhn00gzv
    node_pools:
      description: The node pools whose scaling group carries this group.
      returned: always
      type: list
      elements: str
      sample: [np615c0e0966124216a0412e10afe0]
    instances:
      description: The instances (nodes, named or tagged instances) that carry this group.
      returned: always
      type: list
      elements: str
      sample: [i-bp67acfmxazb4ph]
    sources:
      description: The indexes in O(sources) of the sources that yield this group.
      returned: when O(sources) is set
      type: list
      elements: int
      sample: [0, 2]
security_group_ids:
  description: The ids of RV(security_groups), sorted and unique.
  returned: always
  type: list
  elements: str
  sample: [sg-bp67acfmxazb4ph, sg-bp67acfmxazb4pj]
instances:
  description:
    - The instances looked at (nodes with O(inspect_nodes), named and tagged instances), sorted by id; instances
      in another VPC than O(vpc_id) are left out.
  returned: when O(return_instances=true)
  type: list
  elements: dict
  contains:
    instance_id:
      description: The instance's id.
      returned: always
      type: str
      sample: i-bp67acfmxazb4ph
    name:
      description: The instance's name.
      returned: always
      type: str
      sample: worker-1
    status:
      description: The instance's status (V(Running), V(Stopped), ...).
      returned: always
      type: str
      sample: Running
    vpc_id:
      description: The instance's VPC.
      returned: always
      type: str
      sample: vpc-bp1opxu1zkhn00gzv
    vswitch_id:
      description: The instance's vSwitch.
      returned: always
      type: str
      sample: vsw-bp1s5fnvk4gn2tws03624
    security_group_ids:
      description: The groups the instance carries, the primary one first.
      returned: always
      type: list
      elements: str
      sample: [sg-bp67acfmxazb4ph]
    private_ips:
      description: The instance's private addresses.
      returned: always
      type: list
      elements: str
      sample: [192.168.0.12]
    cluster_id:
      description: The ACK cluster the instance is a node of, or V(null).
      returned: always
      type: str
      sample: c82e6987e2961451182edacd74faf0b
    nodepool_id:
      description: The node pool the instance belongs to, or V(null).
      returned: always
      type: str
      sample: np615c0e0966124216a0412e10afe0
findings:
  description:
    - What a person should know, each also shown as a warning; de-duplicated across sources.
    - "Codes: C(INSTANCE_MULTIPLE_SECURITY_GROUPS) (each group needs the rule), C(INSTANCE_GROUPS_DIFFER_FROM_NODEPOOL)
      (a node's groups differ from its node pool's scaling group), C(INSTANCE_NOT_FOUND), C(SECURITY_GROUP_NOT_FOUND),
      C(CLUSTER_NOT_FOUND), C(NODEPOOL_NOT_FOUND), C(TAGS_MATCH_NO_INSTANCE), C(INSTANCE_IN_OTHER_VPC),
      C(SECURITY_GROUP_IN_OTHER_VPC), C(NO_SECURITY_GROUPS_FOUND) (a source yields no group)."
  returned: always
  type: list
  elements: dict
  contains:
    code:
      description: The finding's stable code.
      returned: always
      type: str
      sample: INSTANCE_GROUPS_DIFFER_FROM_NODEPOOL
    message:
      description: What was found and what it means.
      returned: always
      type: str
      sample: >-
        node i-bp67acfmxazb4pj of node pool np615c0e0966124216a0412e10afe0 (web) carries security groups
        sg-bp67acfmxazb4pk but the node pool's scaling group has sg-bp67acfmxazb4ph ...
    ids:
      description: The ids the finding is about (keys such as C(instance_id), C(security_group_id), C(cluster_id),
        C(nodepool_id), C(security_group_ids), C(vpc_id), C(expected_vpc_id), C(source)).
      returned: always
      type: dict
      sample: {"instance_id": "i-bp67acfmxazb4pj", "nodepool_id": "np615c0e0966124216a0412e10afe0"}
gateway:
  description:
    - The gateway of O(gateway_id), as C(GetGateway) describes it, for
      O(alibabacloud.apig.gateway_sg_authorization#module:gateway).
  returned: when O(gateway_id) is set
  type: dict
  contains:
    gateway_id:
      description: The gateway.
      type: str
      sample: gw-cq7l5s5lhtgi6qasrdc0
    vpc_id:
      description: The gateway's VPC, the default of O(vpc_id).
      type: str
      sample: vpc-bp1opxu1zkhn00gzv
    security_group:
      description: The gateway's managed security group (C(security_group_id), C(name)), which cannot be a backend.
      type: dict
      sample: {"security_group_id": "sg-bp1gatewaymanaged0001", "name": "apig-managed"}
sources:
  description: One entry per O(sources) entry, in the same order.
  returned: when O(sources) is set
  type: list
  elements: dict
  contains:
    name:
      description: The entry's O(sources[].name), or V(null).
      returned: always
      type: str
      sample: web
    security_group_ids:
      description: The groups this source yields, sorted.
      returned: always
      type: list
      elements: str
      sample: [sg-bp67acfmxazb4ph]
    findings:
      description: The findings about this source, as in RV(findings).
      returned: always
      type: list
      elements: dict
      sample: []
    port_ranges_by_group:
      description: For a O(sources[].gateway_services) source, each group's ranges - one per port its endpoints use.
      returned: for a gateway_services source
      type: dict
      sample: {sg-bp67acfmxazb4ph: [8080/8080]}
"""


from ansible_collections.alibabacloud.apig.plugins.module_utils._discovery import run_backend_sg_info
from ansible_collections.alibabacloud.apig.plugins.module_utils._findings import FINDINGS_ARGUMENT_SPEC
from ansible_collections.alibabacloud.apig.plugins.module_utils._group_defaults import CONVERGE_ONLY_OPTIONS
from ansible_collections.alibabacloud.apig.plugins.module_utils._group_defaults import VERIFY_OPTION
from ansible_collections.alibabacloud.apig.plugins.module_utils._module import AlibabaCloudModule
from ansible_collections.alibabacloud.apig.plugins.module_utils._sources import SOURCE_KEYS
from ansible_collections.alibabacloud.apig.plugins.module_utils._sources import SOURCE_OPTIONS

# Types only: the rules of a source (node pool filters, ids, tags) are _sources.parse_source's.
ARGUMENT_SPEC = dict(
    SOURCE_OPTIONS,
    sources=dict(
        type="list",
        elements="dict",
        options=dict(SOURCE_OPTIONS, name=dict(type="raw"), allow_empty=dict(type="bool", default=False)),
    ),
    fail_on_empty=dict(type="bool", default=False),
    vpc_id=dict(type="str"),
    gateway_id=dict(type="str"),
    gateway=dict(type="dict"),
    inspect_nodes=dict(type="bool", default=True),
    return_instances=dict(type="bool", default=True),
    **FINDINGS_ARGUMENT_SPEC,
    **CONVERGE_ONLY_OPTIONS,
    **VERIFY_OPTION,
)


def main() -> None:
    module = AlibabaCloudModule(
        argument_spec=ARGUMENT_SPEC,
        mutually_exclusive=[("sources", key) for key in SOURCE_OPTIONS],
        required_one_of=[SOURCE_KEYS + ("sources",)],
        supports_check_mode=True,
    )
    module.run(run_backend_sg_info)


if __name__ == "__main__":
    main()
