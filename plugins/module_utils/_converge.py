# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""gateway_sg_authorization's runner: read, plan, write, re-read, verify.

1. read: every option is checked (_rules.parse_request), then the gateway's authorizations are
   listed once;
2. plan: the planner's pure Plan, rendered as `actions` and the diff (the same in check mode);
3. write: only when the plan changes something and not in check mode (_writes.execute_plan);
4. wait until visible: the list after writing (the API does not return a new rule's id), read again
   with backoff within wait_timeout until it shows every add and no deleted rule
   (_writes.settle_writes); in check mode, the predicted list instead (_records.predict_records);
5. verify (verify_backend_rules): the backend groups' inbound rules, one ECS read per group, on
   the list just read; without it, only the groups where a cascading delete ran are read, to report
   an inbound rule that the delete removed but another authorization still needs. The same list
   shows duplicates (one group and range twice): reported as findings.
"""

from __future__ import annotations

from typing import Any
from typing import Callable
from typing import Dict
from typing import FrozenSet
from typing import List

from ansible_collections.alibabacloud.apig.plugins.module_utils import _apig
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._module import AlibabaCloudModule
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Authorization
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Plan
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import plan_authorizations
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import plan_diff
from ansible_collections.alibabacloud.apig.plugins.module_utils._records import duplicate_findings
from ansible_collections.alibabacloud.apig.plugins.module_utils._records import predict_records
from ansible_collections.alibabacloud.apig.plugins.module_utils._records import to_planner_authorizations
from ansible_collections.alibabacloud.apig.plugins.module_utils._rules import AuthorizationRequest
from ansible_collections.alibabacloud.apig.plugins.module_utils._rules import parse_request
from ansible_collections.alibabacloud.apig.plugins.module_utils._verification import cascade_findings
from ansible_collections.alibabacloud.apig.plugins.module_utils._verification import cascaded_groups
from ansible_collections.alibabacloud.apig.plugins.module_utils._verification import managed_group_reader
from ansible_collections.alibabacloud.apig.plugins.module_utils._verification import verify_authorizations
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import DEFAULT_WAIT_TIMEOUT
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import WriteFailed
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import execute_plan
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import planned_actions
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import purge_candidates
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import settle_writes
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import shared_rule_ids

MAX_WAIT_TIMEOUT = 3600


def wait_timeout_option(params: Dict[str, Any]) -> float:
    """wait_timeout in seconds: 0 (do not wait) to MAX_WAIT_TIMEOUT."""
    value = params.get("wait_timeout", DEFAULT_WAIT_TIMEOUT)
    if value is None or not 0 <= value <= MAX_WAIT_TIMEOUT:
        raise OptionError("wait_timeout", value, f"must be between 0 and {MAX_WAIT_TIMEOUT} seconds")
    return float(value)


def converge(module: AlibabaCloudModule) -> Dict[str, Any]:
    """The module's result; a failure reports in module.partial_result what was written before it."""
    module.partial_result.update(changed=False, actions=[])
    request = parse_request(module.params)
    wait_timeout = wait_timeout_option(module.params)
    records = _apig.list_authorizations(module.session, request.gateway_id)
    current = to_planner_authorizations(records, module.warn)
    plan = plan_authorizations(
        current, request.groups, request.state, request.purge_port_ranges, request.purge_security_groups
    )
    shared = shared_rule_ids(current, plan)
    result: Dict[str, Any] = dict(changed=plan.changed, actions=planned_actions(plan, request.cascading_delete, shared))
    if module.diff_mode:
        result["diff"] = dict(
            plan_diff(current, plan), before_header=request.gateway_id, after_header=request.gateway_id
        )
    if not plan.changed:
        result["authorizations"] = records
    elif module.check_mode:
        result["authorizations"] = predict_records(records, plan)
    else:
        written = write_and_reread(module, request, current, plan, shared, wait_timeout)
        result.update(written)
    findings = duplicate_findings(result["authorizations"])
    for finding in findings:
        module.warn(finding["message"])
    written = [] if module.check_mode or not plan.changed else result["actions"]
    if module.params["verify_backend_rules"] or cascaded_groups(written):
        findings += after_writes_step(len(written), lambda: verify(module, result, written))
    if findings or module.params["verify_backend_rules"]:
        result["findings"] = findings + result.pop("findings", [])
    return result


def write_and_reread(
    module: AlibabaCloudModule,
    request: AuthorizationRequest,
    current: List[Authorization],
    plan: Plan,
    shared: FrozenSet[str],
    wait_timeout: float,
) -> Dict[str, Any]:
    """Run the plan's writes, then list the authorizations until they show them; changed, actions, the list."""
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
            shared=shared,
        )
        records, actions, warnings = settle_writes(
            module.session,
            request.gateway_id,
            applied,
            wait_timeout,
            request.max_concurrent_writes,
            on_action_done=action_done,
        )
    except WriteFailed as err:
        partial.update(changed=bool(err.actions), actions=err.actions)
        raise
    partial.update(changed=bool(actions), actions=actions)
    for warning in warnings:
        module.warn(warning)
    return dict(changed=bool(actions), actions=actions, authorizations=records)


def after_writes_step(applied: int, step: Callable[[], List[Dict[str, Any]]]) -> List[Dict[str, Any]]:
    """Run a step that follows the writes; its failure says how many writes were applied and verified."""
    try:
        return step()
    except ApiError as err:
        if applied:
            note = f"{applied} write(s) were applied and verified (the list shows them; see actions)"
            err.hint = f"{note}. {err.hint}" if err.hint else f"{note}."
        raise


def verify(module: AlibabaCloudModule, result: Dict[str, Any], written: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Verification of the list just read (ECS reads only); adds `effective` when verify_backend_rules; the findings.

    Without verify_backend_rules, only the authorizations left in groups where a cascading delete ran are
    checked: a delete must not have removed an inbound rule that another authorization still needs.
    Predicted entries have no rule yet. Each finding is warned as soon as its group is read.
    """
    records = result["authorizations"]
    full = module.params["verify_backend_rules"]
    touched = cascaded_groups(written)
    existing = [r for r in records if r.get("rule_id") and (full or r.get("security_group_id") in touched)]
    verified, findings = verify_authorizations(
        module.session,
        existing,
        on_finding=(lambda finding: module.warn(finding["message"])) if full else None,
        managed_group=managed_group_reader(module.session, module.params["gateway_id"]),
    )
    removed = cascade_findings(verified, written)
    for finding in removed:
        module.warn(finding["message"])
    if full:
        result["authorizations"] = verified + [r for r in records if not r.get("rule_id")]
        return removed + findings
    return removed
