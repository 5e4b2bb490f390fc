# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""gateway_sg_authorization's runner: read, verify, plan, pre-check, write, re-read, verify the groups written.

1. read: every option is checked (_rules.parse_request, _precheck.parse_known_facts), then the
   gateway's authorizations are listed once;
2. verify (verify_backend_rules, state=present): the inbound rules of each listed group that the
   task declares, one ECS read per group; the authorizations whose rule is missing are given to
   the planner to repair, and the groups of the planned repairs are read a second time: only a
   repair that both reads agree on stays in the plan (confirm_repairs);
3. plan: the planner's pure Plan, rendered as `actions` and the diff (the same in check mode); a purge
   that revokes more pairs than max_revocations allows fails here (_revocation_budget), in check mode too;
4. pre-check: every group the plan adds to is one the API accepts (_precheck), in check mode too;
5. write: only when the plan changes something and not in check mode (_writes.execute_plan);
6. wait until visible: the list after writing (the API does not return a new rule's id), read again
   with backoff within wait_timeout until it shows every add and no deleted rule
   (_settle.settle_writes); in check mode, the predicted list instead (_records.predict_records);
   the same list shows duplicates (one group and range twice), reported as findings; each list read
   there (or the first list, when nothing is written) is compared with the whole declared scope, and a
   difference this run did not write fails with CONCURRENT_CHANGE (_end_state);
7. verify: read again only the groups written, and the listed groups not read yet (a no-op run
   reads each group once); without verify_backend_rules, only the groups where a cascading delete
   ran, to report an inbound rule that the delete removed but another authorization still needs.
"""

from __future__ import annotations

from typing import Any
from typing import Callable
from typing import Dict
from typing import Iterable
from typing import List
from typing import Optional
from typing import Set
from typing import Tuple

from ansible_collections.alibabacloud.apig.plugins.module_utils import _apig
from ansible_collections.alibabacloud.apig.plugins.module_utils._cascade import GatewayContext
from ansible_collections.alibabacloud.apig.plugins.module_utils._cascade import added_over_existing_rules
from ansible_collections.alibabacloud.apig.plugins.module_utils._cascade import cascade_holds
from ansible_collections.alibabacloud.apig.plugins.module_utils._descriptions import description_findings
from ansible_collections.alibabacloud.apig.plugins.module_utils._end_state import OwnWrites
from ansible_collections.alibabacloud.apig.plugins.module_utils._end_state import Scope
from ansible_collections.alibabacloud.apig.plugins.module_utils._end_state import check_end_state
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._module import AlibabaCloudModule
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Authorization
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Pair
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import Plan
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import current_pairs
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import plan_authorizations
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import plan_diff
from ansible_collections.alibabacloud.apig.plugins.module_utils._planner import revoked_pairs
from ansible_collections.alibabacloud.apig.plugins.module_utils._precheck import parse_known_facts
from ansible_collections.alibabacloud.apig.plugins.module_utils._precheck import precheck_targets
from ansible_collections.alibabacloud.apig.plugins.module_utils._records import duplicate_findings
from ansible_collections.alibabacloud.apig.plugins.module_utils._records import predict_records
from ansible_collections.alibabacloud.apig.plugins.module_utils._records import to_planner_authorizations
from ansible_collections.alibabacloud.apig.plugins.module_utils._revocation_budget import RevocationBudget
from ansible_collections.alibabacloud.apig.plugins.module_utils._revocation_budget import check_revocation_budget
from ansible_collections.alibabacloud.apig.plugins.module_utils._revocation_budget import pair_entries
from ansible_collections.alibabacloud.apig.plugins.module_utils._revocation_budget import parse_max_revocations
from ansible_collections.alibabacloud.apig.plugins.module_utils._rules import AuthorizationRequest
from ansible_collections.alibabacloud.apig.plugins.module_utils._rules import parse_request
from ansible_collections.alibabacloud.apig.plugins.module_utils._settle import DEFAULT_WAIT_TIMEOUT
from ansible_collections.alibabacloud.apig.plugins.module_utils._settle import settle_before_removals
from ansible_collections.alibabacloud.apig.plugins.module_utils._settle import settle_writes
from ansible_collections.alibabacloud.apig.plugins.module_utils._verification import cascade_findings
from ansible_collections.alibabacloud.apig.plugins.module_utils._verification import cascaded_groups
from ansible_collections.alibabacloud.apig.plugins.module_utils._verification import check_authorizations
from ansible_collections.alibabacloud.apig.plugins.module_utils._verification import confirm_missing_rules
from ansible_collections.alibabacloud.apig.plugins.module_utils._verification import ingress_by_group
from ansible_collections.alibabacloud.apig.plugins.module_utils._verification import managed_group_reader
from ansible_collections.alibabacloud.apig.plugins.module_utils._verification import not_effective_pairs
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import WriteFailed
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import execute_plan
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import planned_actions
from ansible_collections.alibabacloud.apig.plugins.module_utils._writes import quota_advice
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
    budget = parse_max_revocations(module.params.get("max_revocations"))
    wait_timeout = wait_timeout_option(module.params)
    known = parse_known_facts(module.params, request.gateway_id)
    records = _apig.list_authorizations(module.session, request.gateway_id)
    current = to_planner_authorizations(records, module.warn)
    verifying = module.params["verify_backend_rules"]
    fallback = source_fallback(module, records, known) if verifying else None
    # Only the listed ranges of the groups the task declares can be repaired: read those groups now.
    repairable = {g.security_group_id for g in request.groups} if verifying and request.state == "present" else ()
    ingress = ingress_by_group(
        module.session, [r["security_group_id"] for r in records if r.get("security_group_id") in repairable]
    )
    drifted = not_effective_pairs([r for r in records if r.get("security_group_id") in ingress], ingress, fallback)
    plan = plan_request(request, current, drifted)
    # Findings made before any write (each warned at once); a repair needs a second read that agrees.
    plan, early = confirm_repairs(module, request, current, records, plan, (ingress, drifted, fallback))
    check_budget(module, request, budget, records, current, plan)
    field = "security_group_id" if module.params.get("rules") is None else "rules"
    precheck_targets(module.session, plan, request.gateway_id, known, field)
    kept, held = kept_inbound_rules(module, request, known, (current, records), plan, (ingress, fallback))
    early += held
    result: Dict[str, Any] = dict(changed=plan.changed, actions=planned_actions(plan, request.cascading_delete, kept))
    result["repaired"] = [dict(security_group_id=group, port_range=str(pr)) for group, pr in plan.repairs]
    if module.diff_mode:
        result["diff"] = dict(
            plan_diff(current, plan, drifted), before_header=request.gateway_id, after_header=request.gateway_id
        )
    if not plan.changed:
        result["authorizations"] = records
        confirm_end_state(module, request, records, OwnWrites(), [])
    elif module.check_mode:
        result["authorizations"] = predict_records(records, plan)
    else:
        result.update(write_and_reread(module, request, current, plan, kept, wait_timeout))
    findings = duplicate_findings(result["authorizations"]) + description_findings(
        request.state, request.groups, current
    )
    for finding in findings:
        module.warn(finding["message"])
    findings = early + findings
    written = [] if module.check_mode or not plan.changed else result["actions"]
    if verifying or cascaded_groups(written):
        findings += after_writes_step(len(written), lambda: verify(module, result, ingress, written, fallback))
    if findings or verifying:
        result["findings"] = findings + result.pop("findings", [])
    return result


def check_budget(
    module: AlibabaCloudModule,
    request: AuthorizationRequest,
    budget: RevocationBudget,
    records: List[Dict[str, Any]],
    current: List[Authorization],
    plan: Plan,
) -> None:
    """A purge revokes at most max_revocations of the listed pairs; more fails before any write, in check mode too.

    Not with state=absent (it revokes exactly what it names) nor purge_all (which confirms revoking everything).
    """
    if not (request.purge_port_ranges or request.purge_security_groups) or module.params.get("purge_all"):
        return
    revoked = revoked_pairs(current, plan)
    try:
        check_revocation_budget(request.gateway_id, revoked, len(current_pairs(current)), budget)
    except ApiError:
        module.partial_result.update(revocations=pair_entries(revoked), authorizations=records)
        raise


def scope_of(request: AuthorizationRequest) -> Scope:
    return Scope(request.groups, request.state, request.purge_port_ranges, request.purge_security_groups)


def confirm_end_state(
    module: AlibabaCloudModule,
    request: AuthorizationRequest,
    records: List[Dict[str, Any]],
    own: OwnWrites,
    actions: List[Dict[str, Any]],
) -> None:
    """The final list in the run's declaration, but for lag of its own writes; else fail with CONCURRENT_CHANGE."""
    try:
        check_end_state(request.gateway_id, records, scope_of(request), own, actions)
    except WriteFailed as err:
        module.partial_result.update(err.result_fields())
        raise


def source_fallback(module: AlibabaCloudModule, records: List[Dict[str, Any]], known: Any) -> Optional[str]:
    """The gateway's managed group, for list items whose sourceSecurityGroupId is empty: None when none is.

    From the `gateway` option when the role passed it on, else one GetGateway.
    """
    if all(r.get("source_security_group_id") for r in records):
        return None
    if known.gateway is not None and known.gateway.security_group_id:
        return known.gateway.security_group_id
    return managed_group_reader(module.session, module.params["gateway_id"])()


def plan_request(request: AuthorizationRequest, current: List[Authorization], not_effective: Iterable[Pair]) -> Plan:
    """The planner's Plan for the request; not_effective: the pairs to repair (their inbound rule is missing)."""
    return plan_authorizations(
        current,
        request.groups,
        request.state,
        request.purge_port_ranges,
        request.purge_security_groups,
        not_effective,
    )


def confirm_repairs(
    module: AlibabaCloudModule,
    request: AuthorizationRequest,
    current: List[Authorization],
    records: List[Dict[str, Any]],
    plan: Plan,
    verification: Tuple[Dict[Any, Any], Set[Pair], Optional[str]],
) -> Tuple[Plan, List[Dict[str, Any]]]:
    """The plan whose repairs a second read of their groups confirms, and a finding per repair it does not.

    verification is (the inbound rules read before planning, the pairs they show missing, the source fallback);
    the first takes in the second read, the second loses the pairs it shows. No repair planned: nothing is read.
    """
    if not plan.repairs:
        return plan, []
    ingress, drifted, fallback = verification
    confirmed, second, findings = confirm_missing_rules(module.session, records, plan.repairs, fallback)
    ingress.update(second)
    for finding in findings:
        module.warn(finding["message"])
    if len(confirmed) == len(plan.repairs):
        return plan, []
    drifted -= set(plan.repairs) - confirmed
    return plan_request(request, current, drifted), findings


def kept_inbound_rules(
    module: AlibabaCloudModule,
    request: AuthorizationRequest,
    known: Any,
    listed: Tuple[List[Authorization], List[Dict[str, Any]]],
    plan: Plan,
    verification: Tuple[Dict[Any, Any], Optional[str]],
) -> Tuple[Dict[str, str], List[Dict[str, Any]]]:
    """The deletes that do not cascade although cascading_delete asks it (rule id -> why), and their findings.

    listed is the gateway's list (the planner's view, the records); verification is (the inbound rules read
    before planning, the source fallback); see _cascade. Each finding is warned at once.
    """
    (current, records), (ingress, fallback) = listed, verification
    shared = shared_rule_ids(current, plan)
    gateway = known.gateway
    context = GatewayContext(
        request.gateway_id,
        gateway.vpc_id if gateway else None,
        ingress,
        fallback or (gateway.security_group_id if gateway else None),
    )
    held = cascade_holds(module.session, plan, records, request.cascading_delete, shared, context)
    for finding in held.findings:
        module.warn(finding["message"])
    return {**shared, **held.reasons}, held.findings


def write_and_reread(
    module: AlibabaCloudModule,
    request: AuthorizationRequest,
    current: List[Authorization],
    plan: Plan,
    kept: Dict[str, str],
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
            quota=quota_advice(current, request.groups, request.purge_port_ranges),
            settle_adds=lambda so_far: settle_before_removals(
                module.session, request.gateway_id, so_far, request.max_concurrent_writes, action_done
            ),
            shared=kept,
        )
        records, actions, warnings = settle_writes(
            module.session,
            request.gateway_id,
            applied,
            wait_timeout,
            request.max_concurrent_writes,
            on_action_done=action_done,
            scope=scope_of(request),
        )
    except WriteFailed as err:
        partial.update(changed=bool(err.actions), actions=err.actions, **err.result_fields())
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


def verify(
    module: AlibabaCloudModule,
    result: Dict[str, Any],
    ingress: Dict[Any, Any],
    written: List[Dict[str, Any]],
    fallback: Optional[str],
) -> List[Dict[str, Any]]:
    """Verification of the list just read (ECS reads only); adds `effective` when verify_backend_rules; the findings.

    Reuses the inbound rules read before planning: only the groups written and the groups not read yet are
    read, one ECS read each. Without verify_backend_rules, only the authorizations left in groups where a
    cascading delete ran are checked: a delete must not have removed an inbound rule that another authorization
    still needs. Predicted entries have no rule yet. Each finding is also warned.
    """
    records = result["authorizations"]
    full = module.params["verify_backend_rules"]
    touched = cascaded_groups(written)
    existing = [r for r in records if r.get("rule_id") and (full or r.get("security_group_id") in touched)]
    written_groups = {action["security_group_id"] for action in written}
    stale = {r.get("security_group_id") for r in existing}
    stale = {group for group in stale if group in written_groups or group not in ingress}
    ingress = {**ingress, **ingress_by_group(module.session, sorted(stale, key=lambda group: group or ""))}
    verified, findings = check_authorizations(existing, ingress, fallback)
    removed = cascade_findings(verified, written)
    removed += added_over_existing_rules(existing, written, ingress, fallback, module.params["gateway_id"])
    for finding in findings + removed:
        module.warn(finding["message"])
    if full:
        result["authorizations"] = verified + [r for r in records if not r.get("rule_id")]
        return removed + findings
    return removed
