#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: gateway_sg_authorization
short_description: Authorize a Cloud-native API Gateway to reach backend security groups on port ranges
version_added: 1.0.0
description:
  - Converges the port ranges that a Cloud-native API Gateway (APIG) instance is authorized to reach in each backend
    security group, as the console's B(Security group authorization) tab does, but declaratively and idempotently.
  - Authorizing a range makes the gateway add an inbound rule to the backend security group whose source is the
    gateway's managed security group. Revoking it removes the authorization, and with O(cascading_delete) also that
    inbound rule.
  - The module reads the gateway's authorizations once, plans the writes, applies them, and reads the list once more
    after writing (the API does not return the id of a new authorization). A run with nothing to do makes no write.
  - Writes are ordered so that access never drops for ranges that stay. First it adds all missing ranges, with one
    call per security group carrying all of that group's ranges. Only after every add succeeded does it remove what
    must go. Last it adds back ranges that must stay but belonged to a removed multi-range authorization.
  - An authorization's identity is its security group and its port range (V(start/end)). The description is not part
    of it. A range that is already authorized with another description is left alone and is not a change.
    Descriptions are only sent with new authorizations.
  - 'Port ranges are accepted as V(8080/8080), V(80/9000), V(8080), V(8000-8100) or integers, and normalized to
    V(start/end) (ports 1 to 65535, start not greater than end). With O(state=present), duplicates are removed and
    overlapping ranges are merged into their union (V(80/9000) and V(8080) give V(80/9000)). Ranges that only touch
    (V(80/80) and V(81/81)) stay separate. With O(state=absent), ranges are matched exactly and are not merged.'
  - With O(backends), the module first finds the security groups behind ACK clusters, node pools, ECS instances or tags
    (the vendor's step 1), then converges them, all in one task.
  - Every option is validated before the first API call. A wrong value fails and names the option and the value, for
    example C(rules[1].port_ranges[0]).
author:
  - alibabacloud.apig contributors (@alibabacloud)
options:
  gateway_id:
    description:
      - The ID of the gateway, of the form C(gw-cq7l5s5lhtgi6qasrdc0).
    type: str
    required: true
  security_group_id:
    description:
      - The ID of one backend security group, of the form C(sg-bp67acfmxazb4ph), when the task handles a single group.
      - Use O(rules) to handle several groups in one task. One of O(security_group_id) and O(rules) is required.
      - It must not be the gateway's own managed security group, and it must be in the gateway's VPC. The API refuses
        both.
    type: str
  port_ranges:
    description:
      - The port ranges of O(security_group_id). See the description above for the accepted forms.
      - Required with O(state=present).
      - With O(state=absent), the ranges to revoke. When omitted or empty, every authorized range of the group is
        revoked.
    type: list
    elements: raw
  description:
    description:
      - The description given to new authorizations of O(security_group_id).
      - Not part of an authorization's identity. Changing it alone changes nothing, and it is ignored with
        O(state=absent).
    type: str
  rules:
    description:
      - Several backend security groups and their port ranges, handled in one task. Mutually exclusive with
        O(security_group_id), O(port_ranges) and O(description).
      - A group may appear in several entries. Its ranges are then merged, and the first description given is
        used. With O(state=absent), an entry of a group without ranges means all of that group's ranges.
      - With O(purge_security_groups=true), the list is the gateway's complete set of authorizations. An empty list
        then revokes every authorization of the gateway.
    type: list
    elements: dict
    suboptions:
      security_group_id:
        description:
          - The ID of the backend security group, of the form C(sg-bp67acfmxazb4ph).
        type: str
        required: true
      port_ranges:
        description:
          - The group's port ranges, in the same forms as O(port_ranges).
          - Required and not empty with O(state=present). With O(state=absent), omitted or empty means all of the
            group's authorized ranges.
        type: list
        elements: raw
      description:
        description:
          - The description given to the group's new authorizations. Not part of an authorization's identity.
        type: str
  backends:
    description:
      - The backends themselves instead of their security groups, as in the vendor's procedure. Each entry names one
        source (an ACK cluster, optionally some of its node pools, ECS instances, ECS tags, or security groups) and the
        port ranges the gateway must reach there. The module discovers the security groups behind every source, as
        M(alibabacloud.apig.backend_sg_info) does and in the same process, and then converges them like O(rules). A
        group reached by several entries gets the union of their ranges.
      - Mutually exclusive with O(rules), O(security_group_id), O(port_ranges) and O(description). With
        O(purge_security_groups=true), the discovered groups are the gateway's complete set of authorizations.
      - Discovery's findings (for example a node whose groups differ from its node pool's, or an id that does not
        exist) are returned in RV(findings) and shown as warnings. A source that yields no group authorizes nothing.
      - 'Discovery reads only: per cluster one C(DescribeClusterNodePools) and, with O(inspect_nodes), pages of 100
        nodes; C(DescribeInstances) batches of 100 ids or pages of 100 per tag set; one C(DescribeSecurityGroups) per
        100 groups, all while the authorizations of the gateway are listed. Every entry is validated before the
        first read.'
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - A label for the entry, used in RV(backends[].name) and in messages.
        type: str
      port_ranges:
        description:
          - The port ranges of the entry's groups, in the same forms as O(port_ranges).
          - Required and not empty with O(state=present). With O(state=absent), omitted or empty means all of the
            groups' authorized ranges.
        type: list
        elements: raw
      description:
        description:
          - The description given to new authorizations of the entry's groups.
        type: str
      cluster_id:
        description:
          - An ACK cluster, of the form C(c82e6987e2961451182edacd74faf0b). Its node pools' security groups, and with
            O(inspect_nodes) the groups its nodes carry.
        type: str
      nodepool_ids:
        description:
          - Only these node pools of O(backends[].cluster_id). Mutually exclusive with O(backends[].nodepool_names).
        type: list
        elements: str
      nodepool_names:
        description:
          - Only the node pools of O(backends[].cluster_id) with these names.
        type: list
        elements: str
      instance_ids:
        description:
          - ECS instances (C(i-...)); the groups they carry.
        type: list
        elements: str
      instance_tags:
        description:
          - The ECS instances that carry all these tags; the groups they carry. Tag values are strings.
        type: dict
      security_group_ids:
        description:
          - Security groups taken as given, but checked to exist (and to be in O(vpc_id) when it is set).
        type: list
        elements: str
  inspect_nodes:
    description:
      - With O(backends), also read the groups each node of a cluster actually carries, so that a node with an extra
        or a different group is found and its groups are authorized too. With V(false), only the node pools are read.
      - Only used with O(backends).
    type: bool
    default: true
  vpc_id:
    description:
      - With O(backends), the VPC the backends must be in, usually the gateway's. Instances and groups in another VPC
        are left out and reported in RV(findings).
      - Requires O(backends).
    type: str
  state:
    description:
      - V(present) authorizes the listed ranges, adding what is missing.
      - V(absent) revokes the listed ranges, or all ranges of a group listed without ranges.
    type: str
    choices: [present, absent]
    default: present
  purge_port_ranges:
    description:
      - With V(true), for each security group that the task names, authorized ranges that the task does not list are
        revoked. Groups the task does not name are left alone.
      - Not allowed with O(state=absent).
    type: bool
    default: false
  purge_security_groups:
    description:
      - With V(true), the authorizations of every security group that O(rules) does not name are revoked. O(rules)
        then becomes the gateway's complete set of authorized groups.
      - Ranges of the named groups are only purged with O(purge_port_ranges=true) as well.
      - Requires O(rules). Not allowed with O(state=absent). O(rules=[]) with O(purge_security_groups=true) revokes
        every authorization of the gateway. This is allowed on purpose, for decommissioning.
    type: bool
    default: false
  cascading_delete:
    description:
      - When an authorization is revoked, also delete the inbound rules it created in the backend security group.
      - The default V(true) differs from the console, where the checkbox that deletes the backend group's inbound
        rules is off by default. Without it, the gateway stops listing the authorization but the backend group still
        accepts traffic from the gateway's security group on those ports. A playbook that revokes access should close
        the port, and should not leave rules that nobody tracks. Set V(false) to keep the inbound rules, for example
        when something other than the gateway relies on them too.
    type: bool
    default: true
  max_concurrent_writes:
    description:
      - How many add or delete calls may run at the same time (1 to 16).
      - The default V(4) is where the benchmark's cold converge of 50 groups stops getting faster (medians of 4
        runs are 6.8 s with V(1), 6.1 s with V(2), 5.1 s with V(4), 5.1 s with V(8)).
      - If the API throttles the account's writes, fewer writers are faster, because every throttled call waits
        before its retry (with writes limited to 20 a second, 7.6 s with V(1) and 9.8 s with V(4)). Use V(1) or
        V(2) then. Throttled calls are retried either way (see O(max_attempts)).
    type: int
    default: 4
  verify_backend_rules:
    description:
      - After converging, check through ECS that each backend group really holds the inbound rule that grants each
        authorization (one C(DescribeSecurityGroupAttribute) read per backend group; no second gateway list).
      - An authorization whose inbound rule was deleted out of band gets RV(authorizations[].effective=false) and a
        finding in RV(findings), also shown as a warning. Nothing is repaired.
      - In check mode, authorizations that would be created are not checked.
    type: bool
    default: false
notes:
  - The API does not return the ID of a new authorization, so the module lists the authorizations again after
    writing. RV(authorizations) is that list.
  - If a write fails after its retries, the module starts no new writes and waits for the ones in flight. Then it
    fails and reports the actions already applied in RV(actions). Removals only run after every add succeeded. The one
    exception to "no new writes" keeps access from dropping. If a removal fails after a multi-range authorization was
    removed, the ranges of it that must stay are still added back. Running the task again converges.
  - Two runs on the same gateway at the same time are safe. An add that the API refuses because the authorization
    already exists is not an error if the authorization is listed afterwards. A removal of an authorization that is
    already gone counts as done.
  - The module never revokes an authorization to make room for another. If the backend group's rule quota is
    reached, the task fails and names the ranges of that group that it does not list.
  - The API does not document whether it lists an authorization that carries several ranges as one item or as one
    item per range. Both are handled, and a multi-range item becomes one entry of RV(authorizations) per range.
    A range the API returns in a form that cannot be read is kept in RV(authorizations) as returned, and is left
    alone with a warning.
seealso:
  - module: alibabacloud.apig.gateway_info
  - module: alibabacloud.apig.backend_sg_info
  - name: Configure security group rules (Alibaba Cloud documentation)
    description: How the console authorizes a gateway to reach backend security groups.
    link: https://www.alibabacloud.com/help/en/api-gateway/cloud-native-api-gateway/user-guide/configure-security-group-rules
extends_documentation_fragment:
  - alibabacloud.apig.common
  - alibabacloud.apig.attributes
attributes:
  check_mode:
    support: full
    details:
      - Check mode plans with the same code as a real run. RV(actions), C(changed) and the diff are the same as a real
        run's, and RV(authorizations) is the predicted list.
  diff_mode:
    support: full
    details:
      - The diff shows the gateway's authorizations before and after, one line per security group and port range.
  idempotent:
    support: full
"""

EXAMPLES = r"""
- name: Let the gateway reach the backend group on 8080
  alibabacloud.apig.gateway_sg_authorization:
    gateway_id: gw-cq7l5s5lhtgi6qasrdc0
    security_group_id: sg-bp1addvx0lt0kyv3rrpi
    port_ranges:
      - 8080
    description: orders service
    region: cn-hangzhou

- name: Authorize several backend groups in one task, removing ranges they no longer serve
  alibabacloud.apig.gateway_sg_authorization:
    gateway_id: gw-cq7l5s5lhtgi6qasrdc0
    rules:
      - security_group_id: sg-bp1addvx0lt0kyv3rrpi
        port_ranges: [8080, 8443]
      - security_group_id: sg-bp16jb1rst8x5t9s1wqk
        port_ranges: ["80/9000"]
        description: legacy ECS services
    purge_port_ranges: true

- name: Let the gateway reach an ACK node pool and the tagged ECS instances, finding their groups
  alibabacloud.apig.gateway_sg_authorization:
    gateway_id: gw-cq7l5s5lhtgi6qasrdc0
    backends:
      - name: web
        cluster_id: c82e6987e2961451182edacd74faf0b
        nodepool_names: [web]
        port_ranges: [8080]
      - name: orders
        instance_tags:
          service: orders
        port_ranges: ["80/9000"]
    vpc_id: vpc-bp1k3b0bpnd2ci8pwxk1l
    verify_backend_rules: true

- name: Make these rules the gateway's complete set of authorizations
  alibabacloud.apig.gateway_sg_authorization:
    gateway_id: gw-cq7l5s5lhtgi6qasrdc0
    rules:
      - security_group_id: sg-bp1addvx0lt0kyv3rrpi
        port_ranges: [8080]
    purge_port_ranges: true
    purge_security_groups: true

- name: Revoke one range and close the port in the backend group
  alibabacloud.apig.gateway_sg_authorization:
    gateway_id: gw-cq7l5s5lhtgi6qasrdc0
    security_group_id: sg-bp1addvx0lt0kyv3rrpi
    port_ranges: [8443]
    state: absent

- name: Revoke every range of a group but keep its inbound rules
  alibabacloud.apig.gateway_sg_authorization:
    gateway_id: gw-cq7l5s5lhtgi6qasrdc0
    security_group_id: sg-bp16jb1rst8x5t9s1wqk
    state: absent
    cascading_delete: false

- name: Preview the changes without making them
  alibabacloud.apig.gateway_sg_authorization:
    gateway_id: gw-cq7l5s5lhtgi6qasrdc0
    security_group_id: sg-bp1addvx0lt0kyv3rrpi
    port_ranges: ["8000-8100"]
  check_mode: true
  diff: true
  register: preview

- name: Set the credentials once for every module of the collection
  module_defaults:
    group/alibabacloud.apig.all:
      region: cn-hangzhou
      access_key_id: "{{ alibaba_access_key_id }}"
      access_key_secret: "{{ alibaba_access_key_secret }}"
  block:
    - name: Revoke every authorization of a gateway that is being decommissioned
      alibabacloud.apig.gateway_sg_authorization:
        gateway_id: gw-cq7l5s5lhtgi6qasrdc0
        rules: []
        purge_security_groups: true
"""

RETURN = r"""
authorizations:
  description:
    - The gateway's authorizations after the change, one entry per authorization and port range, sorted by security
      group and port range.
    - In check mode, the predicted list. Entries that would be created have RV(authorizations[].rule_id=null). Their
      other fields that the API fills in are copied from the group's existing entries when it has any, and are null
      otherwise.
  returned: success
  type: list
  elements: dict
  contains:
    rule_id:
      description:
        - The ID of the authorization (C(gsgr-...)). Entries of an authorization that carries several ranges share it.
      type: str
      sample: gsgr-cq7l5s5lhtgi6qasrdc0
    security_group_id:
      description: The backend security group.
      type: str
      sample: sg-bp1addvx0lt0kyv3rrpi
    security_group_name:
      description: The backend security group's name.
      type: str
      sample: ack-nodepool-orders
    port_range:
      description:
        - The authorized port range, as V(start/end).
        - A range the API returned in a form that cannot be read is shown as returned.
      type: str
      sample: 8080/8080
    ip_protocol:
      description: The protocol of the authorization.
      type: str
      sample: TCP
    source_security_group_id:
      description: The gateway's managed security group, which is the source of the inbound rule in the backend group.
      type: str
      sample: sg-bp1gatewaymanaged0001
    auth_cidrs:
      description:
        - The CIDR blocks that the API reports as authorized. This is usually empty for a normal security group, whose
          inbound rule references the gateway's security group instead.
      type: list
      elements: str
      sample: []
    vpc_id:
      description: The VPC of the backend security group.
      type: str
      sample: vpc-bp1k3b0bpnd2ci8pwxk1l
    description:
      description: The authorization's description.
      type: str
      sample: orders service
    effective:
      description: Whether the backend group holds the inbound rule that grants this authorization.
      type: bool
      returned: when O(verify_backend_rules=true)
      sample: true
findings:
  description:
    - With O(backends), discovery's findings, with the codes of
      RV(alibabacloud.apig.backend_sg_info#module:findings).
    - With O(verify_backend_rules=true), one entry per authorization whose inbound rule is missing
      (code C(AUTHORIZATION_NOT_EFFECTIVE)), with a message and the ids concerned.
  returned: when O(backends) is given or O(verify_backend_rules=true)
  type: list
  elements: dict
  sample:
    - code: AUTHORIZATION_NOT_EFFECTIVE
      message: the inbound rule in sg-bp1addvx0lt0kyv3rrpi that grants the gateway 8080/8080 is missing
      ids:
        rule_id: gsgr-cq7l5s5lhtgi6qasrdc0
        security_group_id: sg-bp1addvx0lt0kyv3rrpi
        port_range: 8080/8080
backends:
  description:
    - What discovery found for each entry of O(backends), aligned by index with it.
  returned: when O(backends) is given
  type: list
  elements: dict
  contains:
    name:
      description: The entry's O(backends[].name), or a label made from its source.
      type: str
      sample: web
    security_group_ids:
      description: The security groups behind the entry, which received its port ranges.
      type: list
      elements: str
      sample: [sg-bp1addvx0lt0kyv3rrpi]
    findings:
      description: The findings about this entry (also in RV(findings)).
      type: list
      elements: dict
      sample: []
actions:
  description:
    - The writes that were made, in the order they were made. In check mode, the writes that would be made. They are
      the same when every write succeeds.
    - When the task fails part-way, the writes applied before the failure.
  returned: always
  type: list
  elements: dict
  sample:
    - action: add
      security_group_id: sg-bp1addvx0lt0kyv3rrpi
      port_ranges: [8080/8080, 8443/8443]
      description: orders service
    - action: delete
      rule_id: gsgr-cq7l5s5lhtgi6qasrdc1
      security_group_id: sg-bp1addvx0lt0kyv3rrpi
      port_ranges: [9000/9000]
      cascading_delete: true
  contains:
    action:
      description: V(add) (one AddGatewaySecurityGroupRule call) or V(delete) (one DeleteGatewaySecurityGroupRule call).
      type: str
      sample: add
    security_group_id:
      description: The backend security group.
      type: str
      sample: sg-bp1addvx0lt0kyv3rrpi
    port_ranges:
      description: The ranges added, or all the ranges that the deleted authorization carried.
      type: list
      elements: str
      sample: [8080/8080]
    description:
      description: The description sent with an add.
      type: str
      returned: when RV(actions[].action=add)
      sample: orders service
    rule_id:
      description: The ID of the deleted authorization.
      type: str
      returned: when RV(actions[].action=delete)
      sample: gsgr-cq7l5s5lhtgi6qasrdc1
    cascading_delete:
      description: Whether the backend group's inbound rules were deleted too (O(cascading_delete)).
      type: bool
      returned: when RV(actions[].action=delete)
      sample: true
error_code:
  description: The API's error code.
  returned: failure, when an API call failed
  type: str
  sample: InvalidParameter
error_message:
  description: The API's error message.
  returned: failure, when an API call failed
  type: str
  sample: The security group belongs to another VPC.
request_id:
  description: The request ID of the failed API call, for Alibaba Cloud support.
  returned: failure, when an API call failed
  type: str
  sample: 6A1F5C2E-3B0D-4E8E-9B57-4D8C0E3A9F10
http_status:
  description: The HTTP status of the failed API call.
  returned: failure, when the API answered
  type: int
  sample: 400
operation:
  description: The API operation that failed.
  returned: failure, when an API call failed
  type: str
  sample: AddGatewaySecurityGroupRule
"""

from typing import Any
from typing import Callable
from typing import Optional

from ansible_collections.alibabacloud.apig.plugins.module_utils import _apig
from ansible_collections.alibabacloud.apig.plugins.module_utils import _authorizations
from ansible_collections.alibabacloud.apig.plugins.module_utils._backends import merge_backend_rules
from ansible_collections.alibabacloud.apig.plugins.module_utils._backends import parse_backends
from ansible_collections.alibabacloud.apig.plugins.module_utils._discovery import SOURCE_CONSTRAINTS
from ansible_collections.alibabacloud.apig.plugins.module_utils._discovery import SOURCE_OPTIONS
from ansible_collections.alibabacloud.apig.plugins.module_utils._discovery import discover
from ansible_collections.alibabacloud.apig.plugins.module_utils._ids import check_id
from ansible_collections.alibabacloud.apig.plugins.module_utils._module import AlibabaCloudModule
from ansible_collections.alibabacloud.apig.plugins.module_utils._parallel import bounded_map
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import plan_authorizations
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import plan_diff
from ansible_collections.alibabacloud.apig.plugins.module_utils._verification import verify_authorizations

RULE_OPTIONS = dict(
    security_group_id=dict(type="str", required=True),
    port_ranges=dict(type="list", elements="raw"),
    description=dict(type="str"),
)

ARGUMENT_SPEC = dict(
    gateway_id=dict(type="str", required=True),
    security_group_id=dict(type="str"),
    port_ranges=dict(type="list", elements="raw"),
    description=dict(type="str"),
    rules=dict(type="list", elements="dict", options=RULE_OPTIONS),
    backends=dict(
        type="list",
        elements="dict",
        options=dict(
            SOURCE_OPTIONS,
            name=dict(type="str"),
            port_ranges=dict(type="list", elements="raw"),
            description=dict(type="str"),
        ),
        **SOURCE_CONSTRAINTS,
    ),
    inspect_nodes=dict(type="bool", default=True),
    vpc_id=dict(type="str"),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    purge_port_ranges=dict(type="bool", default=False),
    purge_security_groups=dict(type="bool", default=False),
    cascading_delete=dict(type="bool", default=True),
    max_concurrent_writes=dict(type="int", default=4),
    verify_backend_rules=dict(type="bool", default=False),
)

MUTUALLY_EXCLUSIVE = [
    ("rules", "backends", "security_group_id"),
    ("rules", "backends", "port_ranges"),
    ("rules", "backends", "description"),
]


def read_gateway_and_backends(module: AlibabaCloudModule) -> tuple:
    """The request, the gateway's authorizations and discovery's result (None without O(backends)).

    Every option is checked before the first read. With O(backends), the gateway's list does not
    depend on discovery, so both are read at the same time; the rules then come from discovery.
    """
    params = module.params
    if params["backends"] is None:
        request = _authorizations.parse_request(params)
        return request, _apig.list_authorizations(module.session, request.gateway_id), None
    entries, sources = parse_backends(params["backends"], "backends", params["state"])
    if params["vpc_id"] is not None:
        check_id("vpc_id", params["vpc_id"], "vpc")
    gateway_id = _authorizations.parse_request(dict(params, rules=[])).gateway_id
    session = module.session

    def discover_sources() -> dict:
        return discover(
            session, sources, vpc_id=params["vpc_id"], inspect_nodes=params["inspect_nodes"], with_sources=True
        )

    discovery, records = bounded_map(
        lambda read: read(), [discover_sources, lambda: _apig.list_authorizations(session, gateway_id)]
    )
    module.warn_findings(discovery["findings"])
    rules = merge_backend_rules(entries, discovery["sources"], params["state"])
    return _authorizations.parse_request(dict(params, rules=rules)), records, discovery


def converge(module: AlibabaCloudModule) -> dict:
    # A failure reports what was written before it (nothing, until the writes start).
    module.partial_result.update(changed=False, actions=[])
    request, records, discovery = read_gateway_and_backends(module)
    session = module.session
    current = _apig.to_planner_authorizations(records, module.warn)
    plan = plan_authorizations(
        current, request.groups, request.state, request.purge_port_ranges, request.purge_security_groups
    )
    result = dict(changed=plan.changed, actions=_authorizations.planned_actions(plan, request.cascading_delete))
    if module.diff_mode:
        result["diff"] = dict(
            plan_diff(current, plan), before_header=request.gateway_id, after_header=request.gateway_id
        )

    if not plan.changed:
        result["authorizations"] = records
    elif module.check_mode:
        result["authorizations"] = _authorizations.predict_records(records, plan)
    else:

        def action_done(action: dict) -> None:
            module.partial_result.update(changed=True)
            module.partial_result["actions"].append(action)

        try:
            applied = _authorizations.apply_plan(
                session,
                request.gateway_id,
                plan,
                request.cascading_delete,
                request.max_concurrent_writes,
                on_action_done=action_done,
                purge_hints=_authorizations.purge_candidates(current, request.groups),
            )
        except _authorizations.WriteFailed as err:
            module.partial_result.update(changed=bool(err.actions), actions=err.actions)
            raise
        module.partial_result.update(changed=True, actions=applied.actions)
        result["authorizations"] = _apig.list_authorizations(session, request.gateway_id)
        for warning in _authorizations.check_outcome(
            result["authorizations"], current, plan, applied, request.gateway_id
        ):
            module.warn(warning)

    if discovery is not None:
        result["backends"] = discovery["sources"]
        result["findings"] = discovery["findings"]
    if module.params["verify_backend_rules"]:
        # Reuses the list just read: verification costs ECS reads only. Predicted entries have no rule yet.
        existing = [r for r in result["authorizations"] if r.get("rule_id")]
        verified, findings = verify_authorizations(session, existing)
        result["authorizations"] = verified + [r for r in result["authorizations"] if not r.get("rule_id")]
        result["findings"] = result.get("findings", []) + findings
        for finding in findings:
            module.warn(finding["message"])
    return result


def main(module_class: Optional[Callable[..., Any]] = None) -> None:
    """Run the module; the action plugin passes module_class to run it inside ansible-playbook."""
    module = AlibabaCloudModule(
        module_class=module_class,
        argument_spec=ARGUMENT_SPEC,
        mutually_exclusive=MUTUALLY_EXCLUSIVE,
        required_by={"vpc_id": "backends"},
        supports_check_mode=True,
    )
    module.run(converge)


if __name__ == "__main__":
    main()
