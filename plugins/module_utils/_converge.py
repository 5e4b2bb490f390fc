# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""gateway_sg_authorization's runner: read, plan, write, re-read, verify.

1. read: every option is checked (_rules.parse_request), then the gateway's authorizations are
   listed once;
2. plan: the planner's pure Plan, rendered as `actions` and the diff (the same in check mode);
3. write: only when the plan changes something and not in check mode (_writes.execute_plan);
4. re-read: the list once more after writing, since the API does not return a new rule's id;
   in check mode, the predicted list instead (_records.predict_records);
5. verify (verify_backend_rules): the backend groups' inbound rules, one ECS read per group, on
   the list just read.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List

from ansible_collections.alibabacloud.apig.plugins.module_utils import _apig
from ansible_collections.alibabacloud.apig.plugins.module_utils._module import AlibabaCloudModule
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Authorization
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Plan
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import plan_authorizations
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import plan_diff
from ansible_collections.alibabacloud.apig.plugins.module_utils._records import predict_records
from ansible_collections.alibabacloud.apig.plugins.module_utils._records import to_planner_authorizations
from ansible_collections.alibabacloud.apig.plugins.module_utils._rules import AuthorizationRequest
from ansible_collections.alibabacloud.apig.plugins.module_utils._rules import parse_request
from ansible_collections.alibabacloud.apig.plugins.module_utils._verification import verify_authorizations
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import WriteFailed
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import check_outcome
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import execute_plan
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import planned_actions
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import purge_candidates


def converge(module: AlibabaCloudModule) -> Dict[str, Any]:
    """The module's result; a failure reports in module.partial_result what was written before it."""
    module.partial_result.update(changed=False, actions=[])
    request = parse_request(module.params)
    records = _apig.list_authorizations(module.session, request.gateway_id)
    current = to_planner_authorizations(records, module.warn)
    plan = plan_authorizations(
        current, request.groups, request.state, request.purge_port_ranges, request.purge_security_groups
    )
    result: Dict[str, Any] = dict(changed=plan.changed, actions=planned_actions(plan, request.cascading_delete))
    if module.diff_mode:
        result["diff"] = dict(
            plan_diff(current, plan), before_header=request.gateway_id, after_header=request.gateway_id
        )
    if not plan.changed:
        result["authorizations"] = records
    elif module.check_mode:
        result["authorizations"] = predict_records(records, plan)
    else:
        result["authorizations"] = write_and_reread(module, request, current, plan)
    if module.params["verify_backend_rules"]:
        result.update(verify(module, result["authorizations"]))
    return result


def write_and_reread(
    module: AlibabaCloudModule, request: AuthorizationRequest, current: List[Authorization], plan: Plan
) -> List[Dict[str, Any]]:
    """Run the plan's writes, then list the authorizations again and settle the outcome against that list."""
    partial = module.partial_result

    def action_done(action: Dict[str, Any]) -> None:
        partial.update(changed=True)
        partial["actions"].append(action)

    try:
        applied = execute_plan(
            module.session,
            request.gateway_id,
            plan,
            request.cascading_delete,
            request.max_concurrent_writes,
            on_action_done=action_done,
            purge_hints=purge_candidates(current, request.groups),
        )
    except WriteFailed as err:
        partial.update(changed=bool(err.actions), actions=err.actions)
        raise
    partial.update(changed=True, actions=applied.actions)
    records = _apig.list_authorizations(module.session, request.gateway_id)
    for warning in check_outcome(records, current, plan, applied, request.gateway_id):
        module.warn(warning)
    return records


def verify(module: AlibabaCloudModule, records: List[Dict[str, Any]]) -> Dict[str, Any]:
    """`authorizations` with `effective`, and `findings`; each finding is warned as soon as its group is read.

    Reuses the list just read: verification costs ECS reads only. Predicted entries have no rule yet.
    """
    existing = [r for r in records if r.get("rule_id")]
    verified, findings = verify_authorizations(
        module.session, existing, on_finding=lambda finding: module.warn(finding["message"])
    )
    return dict(authorizations=verified + [r for r in records if not r.get("rule_id")], findings=findings)
