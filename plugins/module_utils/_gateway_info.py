# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""gateway_info's logic: the gateways, their authorizations, verification, services and findings."""

from __future__ import annotations

from ansible_collections.alibabacloud.apig.plugins.module_utils._apig import get_gateway
from ansible_collections.alibabacloud.apig.plugins.module_utils._apig import list_authorizable_security_groups
from ansible_collections.alibabacloud.apig.plugins.module_utils._apig import list_authorizations
from ansible_collections.alibabacloud.apig.plugins.module_utils._apig import list_gateways
from ansible_collections.alibabacloud.apig.plugins.module_utils._ecs import describe_security_groups
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._ids import check_id
from ansible_collections.alibabacloud.apig.plugins.module_utils._module import AlibabaCloudModule
from ansible_collections.alibabacloud.apig.plugins.module_utils._parallel import bounded_map
from ansible_collections.alibabacloud.apig.plugins.module_utils._services import gateway_services_report
from ansible_collections.alibabacloud.apig.plugins.module_utils._verification import check_authorizations
from ansible_collections.alibabacloud.apig.plugins.module_utils._verification import ingress_by_group


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
    for cluster_id in params["service_cluster_ids"] or []:
        check_id("service_cluster_ids", cluster_id, "cluster")
    if params["service_cluster_ids"] and not params["services"]:
        raise OptionError(
            "service_cluster_ids", params["service_cluster_ids"], "only serves services=true: set services"
        )
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
        # One ECS read per backend group of every gateway, in parallel; each gateway's authorizations are then
        # checked with its own managed group standing for an empty sourceSecurityGroupId.
        groups = [r.get("security_group_id") for g in gateways for r in g["authorizations"]]
        ingress = ingress_by_group(session, groups)
        findings = []
        for gateway in gateways:
            managed = (gateway.get("security_group") or {}).get("security_group_id")
            gateway["authorizations"], found = check_authorizations(gateway["authorizations"], ingress, managed)
            findings += found
        # A finding names its rule; the rule tells which gateway it belongs to.
        rule_owner = {r.get("rule_id"): g["gateway_id"] for g in gateways for r in g["authorizations"]}
        for item in findings:
            item["ids"] = dict(gateway_id=rule_owner.get(item["ids"].get("rule_id")), **item["ids"])
            module.warn("{}: {} (gateway {})".format(item["code"], item["message"], item["ids"]["gateway_id"]))
        result["findings"] = findings
    if params["services"]:
        _add_services(module, gateways, result)
    return result


def _add_services(module: AlibabaCloudModule, gateways: list, result: dict) -> None:
    """gateways[].services[] and their findings (each also a warning)."""
    cluster_ids = module.params["service_cluster_ids"] or []

    def per_gateway(gateway: dict) -> tuple:
        return gateway_services_report(module.session, gateway, gateway["authorizations"], cluster_ids)

    findings = result.setdefault("findings", [])
    for gateway, (services, found, lookup) in zip(gateways, bounded_map(per_gateway, gateways)):
        gateway["services"] = services
        gateway["services_lookup"] = lookup
        findings.extend(found)
        for item in found:
            module.warn("{}: {} (gateway {})".format(item["code"], item["message"], gateway["gateway_id"]))
