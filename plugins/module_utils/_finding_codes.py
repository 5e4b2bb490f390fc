# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""Every finding code (stable, for `when:` conditions and fail_on_findings) and how a finding is built.

Every upper-case string constant of this file is a finding code: fail_on_findings accepts exactly
these (and patterns that match one of them), so a code added here is known to it at once.
"""

from __future__ import annotations

from typing import Any
from typing import Dict

# Finding codes: stable, for `when:` conditions in playbooks.
INSTANCE_MULTIPLE_SECURITY_GROUPS = "INSTANCE_MULTIPLE_SECURITY_GROUPS"
INSTANCE_GROUPS_DIFFER_FROM_NODEPOOL = "INSTANCE_GROUPS_DIFFER_FROM_NODEPOOL"
INSTANCE_NOT_FOUND = "INSTANCE_NOT_FOUND"
INSTANCE_IN_OTHER_VPC = "INSTANCE_IN_OTHER_VPC"
SECURITY_GROUP_NOT_FOUND = "SECURITY_GROUP_NOT_FOUND"
SECURITY_GROUP_IN_OTHER_VPC = "SECURITY_GROUP_IN_OTHER_VPC"
CLUSTER_NOT_FOUND = "CLUSTER_NOT_FOUND"
NODEPOOL_NOT_FOUND = "NODEPOOL_NOT_FOUND"
TAGS_MATCH_NO_INSTANCE = "TAGS_MATCH_NO_INSTANCE"
NO_SECURITY_GROUPS_FOUND = "NO_SECURITY_GROUPS_FOUND"


def finding(code: str, message: str, **ids: Any) -> Dict[str, Any]:
    return {"code": code, "message": message, "ids": {k: v for k, v in ids.items() if v is not None}}


# Codes of the service endpoints (_service_endpoints), the inbound-rule checks (_verification) and the
# authorization list (_records).
SERVICE_PORT_NOT_AUTHORIZED = "SERVICE_PORT_NOT_AUTHORIZED"
SERVICE_ENDPOINT_NOT_FOUND = "SERVICE_ENDPOINT_NOT_FOUND"
SERVICE_ADDRESS_NOT_IP = "SERVICE_ADDRESS_NOT_IP"
SERVICE_UNHEALTHY_ENDPOINT_NOT_AUTHORIZED = "SERVICE_UNHEALTHY_ENDPOINT_NOT_AUTHORIZED"
# A service that lists no endpoint, or only addresses without a port: its backends cannot be placed.
SERVICE_WITHOUT_ENDPOINTS = "SERVICE_WITHOUT_ENDPOINTS"
AUTHORIZATION_NOT_EFFECTIVE = "AUTHORIZATION_NOT_EFFECTIVE"
INBOUND_RULE_REMOVED_BY_CASCADE = "INBOUND_RULE_REMOVED_BY_CASCADE"
DUPLICATE_AUTHORIZATION = "DUPLICATE_AUTHORIZATION"

# Verification of the inbound rules (gateway_sg_authorization).
# Two reads of a group's inbound rules disagree on a rule that a repair would restore: nothing is repaired.
INBOUND_RULE_READS_DISAGREE = "INBOUND_RULE_READS_DISAGREE"
# The inbound rule an authorization relies on was not written for it (made by hand, by another tool or for
# another gateway): a cascading revoke of the authorization leaves it.
INBOUND_RULE_PREEXISTS = "INBOUND_RULE_PREEXISTS"
# Another gateway of the VPC authorizes the same enterprise group and range: a revoke leaves the inbound rules.
INBOUND_RULE_SHARED_BY_GATEWAY = "INBOUND_RULE_SHARED_BY_GATEWAY"

# A declared group and range that the gateway lists with another description than the task gives
# (gateway_sg_authorization, state=present): a description is only sent with a new authorization.
DESCRIPTION_DIFFERS = "DESCRIPTION_DIFFERS"
