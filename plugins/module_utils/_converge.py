# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""gateway_sg_authorization's runner: read, verify, plan, pre-check, write, re-read, verify the groups written.

1. read: every option is checked (_rules.parse_request, _precheck.parse_known_facts), then the
   gateway's authorizations are listed once;
2. verify (verify_backend_rules, state=present): the inbound rules of each listed group that the
   task declares, one ECS read per group; the authorizations whose rule is missing are given to
   the planner to repair;
3. plan: the planner's pure Plan, rendered as `actions` and the diff (the same in check mode);
4. pre-check: every group the plan adds to is one the API accepts (_precheck), in check mode too;
5. write: only when the plan changes something and not in check mode (_writes.execute_plan);
6. re-read: the list once more after writing, since the API does not return a new rule's id;
   in check mode, the predicted list instead (_records.predict_records);
7. verify: read again only the groups written, and the listed groups not read yet; a no-op run
   reads each group once.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import Set

from ansible_collections.alibabacloud.apig.plugins.module_utils import _apig
from ansible_collections.alibabacloud.apig.plugins.module_utils._module import AlibabaCloudModule
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Authorization
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Pair
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Plan
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import plan_authorizations
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import plan_diff
from ansible_collections.alibabacloud.apig.plugins.module_utils._precheck import parse_known_facts
from ansible_collections.alibabacloud.apig.plugins.module_utils._precheck import precheck_targets
from ansible_collections.alibabacloud.apig.plugins.module_utils._records import predict_records
from ansible_collections.alibabacloud.apig.plugins.module_utils._records import record_port_range
from ansible_collections.alibabacloud.apig.plugins.module_utils._records import to_planner_authorizations
from ansible_collections.alibabacloud.apig.plugins.module_utils._rules import AuthorizationRequest
from ansible_collections.alibabacloud.apig.plugins.module_utils._rules import parse_request
from ansible_collections.alibabacloud.apig.plugins.module_utils._verification import check_authorizations
from ansible_collections.alibabacloud.apig.plugins.module_utils._verification import ingress_by_group
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import WriteFailed
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import check_outcome
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import execute_plan
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import planned_actions
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import purge_candidates


def converge(module: AlibabaCloudModule) -> Dict[str, Any]:
    """The module's result; a failure reports in module.partial_result what was written before it."""
    module.partial_result.update(changed=False, actions=[])
    request = parse_request(module.params)
    known = parse_known_facts(module.params, request.gateway_id)
    records = _apig.list_authorizations(module.session, request.gateway_id)
    current = to_planner_authorizations(records, module.warn)
    verifying = module.params["verify_backend_rules"]
    # Only the listed ranges of the groups the task declares can be repaired: read those groups now.
    repairable = {g.security_group_id for g in request.groups} if verifying and request.state == "present" else ()
    ingress = ingress_by_group(
        module.session, [r["security_group_id"] for r in records if r.get("security_group_id") in repairable]
    )
    drifted = not_effective_pairs([r for r in records if r.get("security_group_id") in ingress], ingress)
    plan = plan_authorizations(
        current, request.groups, request.state, request.purge_port_ranges, request.purge_security_groups, drifted
    )
    field = "security_group_id" if module.params.get("rules") is None else "rules"
    precheck_targets(module.session, plan, request.gateway_id, known, field)
    result: Dict[str, Any] = dict(changed=plan.changed, actions=planned_actions(plan, request.cascading_delete))
    result["repaired"] = [dict(security_group_id=group, port_range=str(pr)) for group, pr in plan.repairs]
    if module.diff_mode:
        result["diff"] = dict(
            plan_diff(current, plan, drifted), before_header=request.gateway_id, after_header=request.gateway_id
        )
    if not plan.changed:
        result["authorizations"] = records
    elif module.check_mode:
        result["authorizations"] = predict_records(records, plan)
    else:
        result["authorizations"] = write_and_reread(module, request, current, plan)
    if verifying:
        result.update(verify(module, result["authorizations"], ingress, plan))
    return result


def not_effective_pairs(records: List[Dict[str, Any]], ingress: Dict[Any, Any]) -> Set[Pair]:
    """The readable (group, range) pairs of the listed authorizations whose inbound rule is missing."""
    checked, _findings = check_authorizations([r for r in records if r.get("rule_id")], ingress)
    pairs = ((r.get("security_group_id"), record_port_range(r)) for r in checked if not r["effective"])
    return {(group, port_range) for group, port_range in pairs if port_range is not None}


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


def verify(module: AlibabaCloudModule, records: List[Dict[str, Any]], ingress: Dict[Any, Any], plan: Plan) -> Dict:
    """`authorizations` with `effective`, and `findings`, each also warned.

    Reuses the list just read and the inbound rules read before planning: only the groups written
    (not in check mode, where nothing was) and the groups not read yet are read, one ECS read each.
    Predicted entries have no rule yet and are not checked.
    """
    existing = [r for r in records if r.get("rule_id")]
    written = set() if module.check_mode else {step.security_group_id for step in plan.steps}
    stale = {r.get("security_group_id") for r in existing}
    stale = {group for group in stale if group in written or group not in ingress}
    ingress = {**ingress, **ingress_by_group(module.session, list(stale))}
    verified, findings = check_authorizations(existing, ingress)
    for finding in findings:
        module.warn(finding["message"])
    return dict(authorizations=verified + [r for r in records if not r.get("rule_id")], findings=findings)
