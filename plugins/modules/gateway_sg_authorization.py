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
    If that list does not show the writes yet, it is read again until it does, within O(wait_timeout).
  - Writes are ordered so that access never drops for ranges that stay. First it adds all missing ranges, with one
    call per security group carrying all of that group's ranges. Only after every add succeeded does it remove what
    must go. Last it adds back ranges that must stay but belonged to a removed multi-range authorization.
  - An authorization's identity is its security group and its port range (V(start/end)). The description is not part
    of it. A range that is already authorized with another description is left alone and is not a change. With
    O(state=present) and a O(description) (or a O(rules) entry's), it is reported as a C(DESCRIPTION_DIFFERS)
    finding. The API sets a description only when it authorizes a range. To change it, revoke the range
    (O(state=absent)) and authorize it again, which drops access to that range in between.
    Descriptions are only sent with new authorizations.
  - 'Port ranges are accepted as V(8080/8080), V(80/9000), V(8080), V(8000-8100) or integers, and normalized to
    V(start/end) (ports 1 to 65535, start not greater than end). With O(state=present), duplicates are removed and
    overlapping ranges are merged into their union (V(80/9000) and V(8080) give V(80/9000)). Ranges that only touch
    (V(80/80) and V(81/81)) stay separate. With O(state=absent), ranges are matched exactly and are not merged.'
  - 'Quote port ranges: C(port_ranges: ["22/22", "443"]). YAML 1.1 reads some bare values as other numbers:
    C(22:22) is 1342 (base 60), C(0443) is 291 and C(010) is 8 (octal). The module cannot tell once YAML has parsed
    them, so write every port range as a string.'
  - The module converges the security groups it is given. To find the groups behind ACK clusters, node pools, ECS
    instances or tags (the vendor's step 1), use M(alibabacloud.apig.backend_sg_info) first; the
    C(alibabacloud.apig.backend_access) role composes the two, building O(rules) from discovery's result.
  - Every option is validated before the first API call. A wrong value fails and names the option and the value, for
    example C(rules[1].port_ranges[0]).
  - Before any write, and in check mode alike, every security group that the plan adds to is checked as the API
    checks it. It must exist, be in the gateway's VPC, not be the gateway's own managed security group, and be of a
    known type (normal or enterprise). A group that the API would refuse fails the task before the first write, in
    check mode exactly as in a real run. The message names each such group and the reason, and both VPCs for a group
    in another VPC. This costs one C(GetGateway) (unless O(gateway) is given) and one C(DescribeSecurityGroups) per
    100 target groups that O(known_security_groups) does not describe. A plan that adds nothing reads nothing more.
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
      - 'Quote every range (C(["8080", "80/9000"])): YAML 1.1 reads bare C(22:22) as 1342, C(0443) as 291 and C(010)
        as 8, and the module only sees the number.'
      - A range with leading or trailing whitespace (C(' 80'), a copied line ending in a newline) fails the task
        before any API call; the message shows the value with its whitespace.
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
      - A string of at most 512 characters (the limit ECS documents for the inbound rule's description; the
        gateway's API documents none), on one line. A number, a list or a dictionary, a longer text, or a control
        character (tab, line feed, carriage return, NUL, ESC, DEL) fails the task before any API call. An empty
        string means no description.
    type: raw
  rules:
    description:
      - Several backend security groups and their port ranges, handled in one task. Mutually exclusive with
        O(security_group_id), O(port_ranges) and O(description).
      - A group may appear in several entries. Its ranges are then merged, and the first description given is
        used. With O(state=absent), an entry of a group without ranges means all of that group's ranges.
      - With O(purge_security_groups=true), the list is the gateway's complete set of authorizations. An empty list
        then revokes every authorization of the gateway, and is refused unless O(purge_all=true) says so.
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
          - Checked as O(description) is.
        type: raw
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
        every authorization of the gateway, and is refused unless O(purge_all=true) is given as well.
    type: bool
    default: false
  purge_all:
    description:
      - V(true) confirms that O(rules=[]) with O(purge_security_groups=true) is meant to revoke every authorization of
        the gateway (decommissioning). Without it, that combination fails before any API call. An empty list is
        what a template gives when its discovery found nothing, so it never purges by default.
      - Only with O(rules=[]) and O(purge_security_groups=true); with anything else it is refused, so that it can
        never be mistaken for "purge whatever is not listed".
    type: bool
    default: false
  max_revocations:
    description:
      - The revocation budget of a purge. With O(purge_port_ranges) or O(purge_security_groups), a run that would
        revoke more of the gateway's authorized (security group, port range) pairs than this fails before any
        write, in check mode too. The message and RV(revocations) name the pairs. Nothing is written.
      - A count (V(3); V(0) allows no revocation) or a percentage of the pairs the gateway lists (V("25%"),
        rounded down). Raise it for a run that is meant to revoke more, for example to retire several backends
        at once.
      - When not set, 25% of the pairs the gateway lists, and at least 2. A routine change revokes a range in the
        few groups of one backend - one moved port, one removed node pool - which stays within a quarter of a
        gateway with several backends, and within 2 pairs on a gateway with one or two. A backend whose discovery
        came back empty or short takes every pair of its groups, which is more than a quarter of the pairs of a
        gateway with up to three backends of similar size, so the run fails instead of revoking their access. A
        backend of one or two pairs lost whole stays within the 2 pairs, and there the check that each source found
        what it names (M(alibabacloud.apig.backend_sg_info)) is what stops it.
      - What counts is access that goes away. A repair (an authorization removed and added again), the removal of
        a duplicate record of a pair that stays, and a range added back after its multi-range authorization was
        removed keep their pair and do not count.
      - Not applied with O(state=absent), which revokes exactly what it names, nor with O(purge_all=true), which
        already confirms that every authorization goes.
    type: raw
  cascading_delete:
    description:
      - When an authorization is revoked, also delete the inbound rules it created in the backend security group.
      - The default V(true) differs from the console, where the checkbox that deletes the backend group's inbound
        rules is off by default. Without it, the gateway stops listing the authorization but the backend group still
        accepts traffic from the gateway's security group on those ports. A playbook that revokes access should close
        the port, and should not leave rules that nobody tracks. Set V(false) to keep the inbound rules, for example
        when something other than the gateway relies on them too.
      - A cascading delete never removes an inbound rule that the authorization did not create. ECS does not create
        an identical rule twice, so an authorization added over a rule that was already there (made by hand, by
        another tool, or for another gateway) uses that rule. Before a delete cascades (in check mode too), the
        module reads the backend group's inbound rules (one C(DescribeSecurityGroupAttribute) per group, unless it
        was read before planning) and looks at the rules the cascade would remove, those identical to what the
        authorization writes. The authorization list records no origin, so a rule counts as the gateway's own only
        when its description names the gateway or equals the authorization's description. Otherwise, and for a
        rule without a description, the authorization is deleted without cascade. The action says why in
        RV(actions[].cascade_skipped), and a C(INBOUND_RULE_PREEXISTS) finding is warned. Delete such a rule by
        hand if nothing else needs it.
      - The rules of an enterprise security group are written per vSwitch CIDR of the gateway, so two gateways on
        the same vSwitches need the same rules. Before a cascading delete on an enterprise group, the module lists
        the gateways of the VPC (C(ListGateways)) and their authorizations. If another gateway authorizes the same
        group and range, the delete does not cascade (C(INBOUND_RULE_SHARED_BY_GATEWAY)).
      - An authorization that shares its inbound rule with another authorization of the gateway that stays is
        deleted without cascade too.
    type: bool
    default: true
  max_concurrent_writes:
    description:
      - How many add or delete calls may run at the same time (1 to 16).
      - The ceiling of the adaptive rate limiter (see O(max_attempts)), which slows the writes down when the API
        throttles them or answers that the gateway is locked by another operation (C(Conflict.LockFailed)), and
        speeds them up again when the answers are clean, so the default needs no tuning. It bounds the first burst.
      - Lower it only to leave room for other tools that write to the same account at the same time.
    type: int
    default: 8
  verify_backend_rules:
    description:
      - After converging, check through ECS that each backend group really holds the inbound rule that grants each
        authorization (one C(DescribeSecurityGroupAttribute) read per backend group; no second gateway list).
      - The groups the task declares that the gateway already lists are read before planning, so that drift is
        repaired in the same run. With O(state=present), an
        authorization of a listed range whose inbound rule was deleted out of band is removed without cascade (only
        the gateway's record; the backend group's other inbound rules stay) and added again, which restores the
        inbound rule. A repair needs two reads that agree. The group is read a second time before it is repaired,
        and if the second read shows the rule, nothing is written and an C(INBOUND_RULE_READS_DISAGREE) finding says
        so. RV(repaired) lists them, the diff marks them C((inbound rule missing)) before, and the next
        run is clean. Only the authorizations that hold such a range are touched, never a healthy group.
      - Authorizations the task does not list (without purge) are not repaired. They get
        RV(authorizations[].effective=false) and a finding in RV(findings), also shown as a warning.
      - After writing, only the groups written are read again. A run with nothing to do reads each group once.
      - An authorization added over an inbound rule that was already there, with a description that is not the
        gateway's, is reported as C(INBOUND_RULE_PREEXISTS). A cascading revoke of it leaves that rule.
      - In check mode, authorizations that would be created (and repairs) are not checked.
    type: bool
    default: false
  wait_timeout:
    description:
      - After writing, how many seconds to wait at most until the gateway's list shows every write (every add listed,
        every removed authorization gone). The list is read again with backoff (0.5 s doubling to 8 s).
      - A list that keeps up costs no read beyond the one after the writes. Success is reported only once the list
        shows the writes. If the time runs out, the task fails and names the writes not visible yet.
      - Run again once the list shows them. A re-run reads the list and adds only what it lacks, so a re-run made
        while the list still lags adds those ranges once more. An API that refuses or ignores a duplicate add keeps
        one authorization. The public documentation does not say which it does; if it accepts a duplicate, the list
        shows the range twice (a C(DUPLICATE_AUTHORIZATION) finding), and the next run with O(state=present)
        deletes the extra record without cascade, so the inbound rule stays.
      - V(0) does not wait. The list after the writes is read once, and what it does not show yet is only a warning.
    type: int
    default: 60
  gateway:
    description:
      - The gateway as M(alibabacloud.apig.backend_sg_info) returns it
        (RV(alibabacloud.apig.backend_sg_info#module:gateway)), read earlier in the same play. The pre-check then
        takes the gateway's VPC and managed security group from it instead of reading C(GetGateway) again.
      - Its C(gateway_id) must be O(gateway_id). The C(alibabacloud.apig.backend_access) role passes it.
    type: dict
  known_security_groups:
    description:
      - Security groups already read in the same play, as M(alibabacloud.apig.backend_sg_info) returns them
        (RV(alibabacloud.apig.backend_sg_info#module:security_groups)), each with C(security_group_id), C(vpc_id) and
        C(type). The pre-check does not read these again; groups not listed here are read with
        C(DescribeSecurityGroups).
      - The C(alibabacloud.apig.backend_access) role passes discovery's groups, so its pre-check reads nothing.
    type: list
    elements: dict
notes:
  - The API does not return the ID of a new authorization, so the module lists the authorizations again after
    writing. RV(authorizations) is that list.
  - If a write fails after its retries, the module starts no new writes and waits for the ones in flight. Then it
    fails and reports the actions already applied in RV(actions). Removals only run after every add succeeded. The one
    exception to "no new writes" keeps access from dropping. If a removal fails after a multi-range authorization was
    removed, the ranges of it that must stay are still added back. Running the task again converges.
  - A run reports the end state it reached, or fails. After its writes, and on a run with nothing to do, the list
    it read last is compared with the whole declared scope. With O(purge_security_groups), that is the gateway's
    complete set; with O(purge_port_ranges), every range of the declared groups; otherwise the declared ranges
    present (or, with O(state=absent), absent). A difference that the run did not write itself, made by another
    run or in the console since the run read the list, fails the task with C(CONCURRENT_CHANGE)
    (RV(error_code)). The message and RV(concurrent_changes) name the pairs, RV(actions) says what the run wrote
    itself, and RV(authorizations) is the final list. Writes of the run that the list does not show yet are
    waited for (O(wait_timeout)) and are not a change.
  - Two runs with different declarations on one gateway at the same time cannot both reach their declaration.
    Each fails with C(CONCURRENT_CHANGE) when the other changed what it declares, and a re-run converges. So run
    one converge per gateway at a time. In AWX, a job template with B(Concurrent Jobs) left off (the default). In a
    playbook, one play per gateway, or the converge task with C(throttle) set to 1, or C(serial) over an inventory of
    gateways in which no two hosts are the same gateway.
  - Two runs with the same declaration at the same time both end in it without duplicates. Duplicates are decided
    by the list, not by error codes. An add refused as a conflict, or whose outcome is unknown (a timeout, a
    dropped connection), is settled by the list read after the writes. What the list shows is done, and only what
    it lacks is added again, once. An add that another run made is not reported as a change. A removal answered
    "rule not found" counts as done. Any other 404 (such as an API-not-found) fails the task.
  - If the list shows one group and range twice (an API that accepts duplicate adds), no third is added. The
    duplicate is reported in RV(findings), and the extra record is deleted without cascade, so the inbound rule
    it shares with the one that stays is kept.
  - A cascading delete never breaks another authorization, and never removes a rule that the authorization did not
    create (see O(cascading_delete)). An authorization that shares its inbound rule with one that stays is deleted
    without cascade. After a cascading delete, the authorizations left in that group are
    checked through ECS, and an inbound rule the delete removed but another still needs is reported in
    RV(findings).
  - The module never revokes an authorization to make room for another. If the backend group's rule quota is
    reached, the task fails and names the ranges of that group that it does not list. O(purge_port_ranges) does
    not make room, because removals only run after every add succeeded. Free a rule of the group, raise its rule
    quota, or revoke the old ranges first (this module with O(state=absent), or the C(alibabacloud.apig.revoke)
    playbook), then run again.
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
  - alibabacloud.apig.timeouts
  - alibabacloud.apig.findings
  - alibabacloud.apig.attributes
attributes:
  check_mode:
    support: full
    details:
      - Check mode plans with the same code as a real run. RV(actions), C(changed) and the diff are the same as a real
        run's, and RV(authorizations) is the predicted list.
      - The pre-check of the target groups runs in check mode too. A group that the API would refuse fails the check
        run as it fails the real run, and neither writes. With O(verify_backend_rules), check mode predicts the
        repairs (RV(repaired)).
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
      - "8080"
    description: orders service
    region: cn-hangzhou

- name: Authorize several backend groups in one task, removing ranges they no longer serve
  alibabacloud.apig.gateway_sg_authorization:
    gateway_id: gw-cq7l5s5lhtgi6qasrdc0
    rules:
      - security_group_id: sg-bp1addvx0lt0kyv3rrpi
        port_ranges: ["8080", "8443"]
      - security_group_id: sg-bp16jb1rst8x5t9s1wqk
        port_ranges: ["80/9000"]
        description: legacy ECS services
    purge_port_ranges: true

- name: Make these rules the gateway's complete set of authorizations
  alibabacloud.apig.gateway_sg_authorization:
    gateway_id: gw-cq7l5s5lhtgi6qasrdc0
    rules:
      - security_group_id: sg-bp1addvx0lt0kyv3rrpi
        port_ranges: ["8080"]
    purge_port_ranges: true
    purge_security_groups: true

- name: Revoke one range and close the port in the backend group
  alibabacloud.apig.gateway_sg_authorization:
    gateway_id: gw-cq7l5s5lhtgi6qasrdc0
    security_group_id: sg-bp1addvx0lt0kyv3rrpi
    port_ranges: ["8443"]
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
        purge_all: true

- name: Converge, and fail the job when a backend group is missing the gateway's inbound rule
  alibabacloud.apig.gateway_sg_authorization:
    gateway_id: gw-cq7l5s5lhtgi6qasrdc0
    security_group_id: sg-bp1addvx0lt0kyv3rrpi
    port_ranges: [8080]
    verify_backend_rules: true
    fail_on_findings: [AUTHORIZATION_NOT_EFFECTIVE]
"""

RETURN = r"""
authorizations:
  description:
    - The gateway's authorizations after the change, one entry per authorization and port range, sorted by security
      group and port range.
    - In check mode, the predicted list. Entries that would be created have RV(authorizations[].rule_id=null). Their
      other fields that the API fills in are copied from the group's existing entries when it has any, and are null
      otherwise.
    - On a failure with C(CONCURRENT_CHANGE), the final list; with C(REVOCATION_BUDGET_EXCEEDED), the list read.
  returned: success, and on those two failures
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
    - One entry per authorization whose inbound rule is missing (code C(AUTHORIZATION_NOT_EFFECTIVE)), with a
      message and the ids concerned. Each is also shown as a warning.
    - Also, whatever O(verify_backend_rules) says, C(DUPLICATE_AUTHORIZATION) for a group and range listed under
      several rule ids, and C(INBOUND_RULE_REMOVED_BY_CASCADE) for an authorization whose inbound rule a cascading
      delete of this run removed.
    - C(INBOUND_RULE_READS_DISAGREE) when two reads of a group disagree on a rule that a repair would restore (no
      repair is made).
    - C(INBOUND_RULE_PREEXISTS) for an authorization deleted without cascade because its inbound rule does not show
      that the gateway wrote it, and (with O(verify_backend_rules)) for an authorization added over a rule that was
      already there. C(INBOUND_RULE_SHARED_BY_GATEWAY) for an enterprise authorization deleted without cascade
      because another gateway of the VPC needs the same inbound rules. See O(cascading_delete).
    - C(DESCRIPTION_DIFFERS) (O(state=present)) for declared ranges that the gateway lists with another description
      than the task gives; nothing is written for it. Its ids give the group, the ranges, the rule ids, the listed
      C(description) and the C(declared_description).
  returned: when O(verify_backend_rules=true), or when there is a finding
  type: list
  elements: dict
  sample:
    - code: AUTHORIZATION_NOT_EFFECTIVE
      message: the inbound rule in sg-bp1addvx0lt0kyv3rrpi that grants the gateway 8080/8080 is missing
      ids:
        rule_id: gsgr-cq7l5s5lhtgi6qasrdc0
        security_group_id: sg-bp1addvx0lt0kyv3rrpi
        port_range: 8080/8080
repaired:
  description:
    - The authorizations that were (in check mode, would be) repaired, because the gateway listed them but their
      inbound rule was missing from the backend group. Each was removed without cascade and added again; its two
      writes are in RV(actions). Empty without O(verify_backend_rules).
  returned: success
  type: list
  elements: dict
  sample:
    - security_group_id: sg-bp1addvx0lt0kyv3rrpi
      port_range: 8080/8080
  contains:
    security_group_id:
      description: The backend security group.
      type: str
    port_range:
      description: The repaired range, as V(start/end).
      type: str
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
      description:
        - Whether the backend group's inbound rules were deleted too (O(cascading_delete)).
        - Always V(false) for the removal of a repair (see RV(repaired)).
      type: bool
      returned: when RV(actions[].action=delete)
      sample: true
    cascade_skipped:
      description:
        - Why this removal does not cascade although O(cascading_delete=true) asks for it. Its inbound rule does not
          show that the gateway wrote it for this authorization, another authorization of the gateway holds the same
          group and range, or another gateway of the VPC needs the same rules of an enterprise group. See
          O(cascading_delete).
      type: str
      returned: when a removal does not cascade although O(cascading_delete=true)
      sample: another authorization of this gateway (gsgr-cq7l5s5lhtgi6qasrdc2) holds the same group and range and
        needs its inbound rule
revocations:
  description:
    - The (security group, port range) pairs the purge would have revoked, when more than O(max_revocations) allows
      (RV(error_code=REVOCATION_BUDGET_EXCEEDED)). Nothing was written.
  returned: failure, when the revocation budget refused the run
  type: list
  elements: dict
  sample:
    - security_group_id: sg-bp1addvx0lt0kyv3rrpi
      port_range: 8080/8080
concurrent_changes:
  description:
    - The differences between the final list and the declaration that the run did not write
      (RV(error_code=CONCURRENT_CHANGE)), sorted by security group and port range.
    - C(declared) is V(present) for a declared pair the list lacks, and V(absent) for a listed pair the declaration
      excludes. C(listed) holds the IDs of the authorizations that hold the pair, and is empty when it is missing.
  returned: failure, when another writer changed the declared scope during the run
  type: list
  elements: dict
  sample:
    - security_group_id: sg-bp16jb1rst8x5t9s1wqk
      port_range: 22/22
      declared: absent
      listed: [gsgr-cq7l5s5lhtgi6qasrdc2]
error_code:
  description:
    - The API's error code.
    - C(REVOCATION_BUDGET_EXCEEDED) when a purge would revoke more than O(max_revocations) allows (see
      RV(revocations)), and C(CONCURRENT_CHANGE) when the final list differs from the declaration in what the run
      did not write (see RV(concurrent_changes)). Neither is an API code.
  returned: failure, when an API call failed or the run refused to go on
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

from ansible_collections.alibabacloud.apig.plugins.module_utils._converge import converge
from ansible_collections.alibabacloud.apig.plugins.module_utils._findings import FINDINGS_ARGUMENT_SPEC
from ansible_collections.alibabacloud.apig.plugins.module_utils._module import AlibabaCloudModule

RULE_OPTIONS = dict(
    security_group_id=dict(type="str", required=True),
    port_ranges=dict(type="list", elements="raw"),
    description=dict(type="raw"),
)

ARGUMENT_SPEC = dict(
    gateway_id=dict(type="str", required=True),
    security_group_id=dict(type="str"),
    port_ranges=dict(type="list", elements="raw"),
    description=dict(type="raw"),
    rules=dict(type="list", elements="dict", options=RULE_OPTIONS),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    purge_port_ranges=dict(type="bool", default=False),
    purge_security_groups=dict(type="bool", default=False),
    purge_all=dict(type="bool", default=False),
    cascading_delete=dict(type="bool", default=True),
    max_concurrent_writes=dict(type="int", default=8),
    max_revocations=dict(type="raw"),
    verify_backend_rules=dict(type="bool", default=False),
    **FINDINGS_ARGUMENT_SPEC,
    wait_timeout=dict(type="int", default=60),
    gateway=dict(type="dict"),
    known_security_groups=dict(type="list", elements="dict"),
)

MUTUALLY_EXCLUSIVE = [("rules", "security_group_id"), ("rules", "port_ranges"), ("rules", "description")]


def main() -> None:
    module = AlibabaCloudModule(
        argument_spec=ARGUMENT_SPEC, mutually_exclusive=MUTUALLY_EXCLUSIVE, supports_check_mode=True
    )
    module.run(converge)


if __name__ == "__main__":
    main()
