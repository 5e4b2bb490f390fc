# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""Gateways across regions as inventory hosts: the options, the filters, the listing and the host variables.

The inventory plugin (plugins/inventory/gateways.py) reads its options and hands them here; the
calls go through the same Session and ConnectionSettings as every module, one Session per region.

Filters are sent to ListGateways where the request takes them (name, vpcId, gatewayType,
resourceGroupId, tag as key and value) and checked again on every gateway answered, so the result is
the same whether the server matches names exactly or in part, and tags with AND or OR (both
undocumented). A tag filter without a value (any value) can only be checked here.
"""

from __future__ import annotations

import re
from typing import Any
from typing import Callable
from typing import Dict
from typing import List
from typing import NamedTuple
from typing import Optional
from typing import Tuple

from ansible_collections.alibabacloud.apig.plugins.module_utils._apig import describe_regions
from ansible_collections.alibabacloud.apig.plugins.module_utils._apig import list_gateways
from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import COMMON_ARGUMENT_SPEC
from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import COMMON_MUTUALLY_EXCLUSIVE
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import is_auth_error

DEFAULT_GROUP = "apig_gateways"
HOSTNAME_SOURCES = ("gateway_id", "name")
FILTER_KEYS = ("name", "vpc_id", "gateway_type", "resource_group_id", "tags")

# Codes that refuse one operation to a valid key (a RAM policy without apig:DescribeRegions), as opposed
# to a key that is wrong. Sources: NoPermission (403) is the RAM denial code APIG's sister MSE API documents,
# assumed to be APIG's too; ECS documents Forbidden.RAM (403, with AccessDeniedDetail).
PERMISSION_DENIED_CODES = frozenset(("NoPermission", "Forbidden.RAM"))

PERMISSION_HINT = (
    "The RAM policy of the key must allow apig:{action} (the collection's docs/ram-policy.md lists every action "
    "it calls)."
)
CREDENTIALS_HINT = (
    "Check the credentials: access_key_id and access_key_secret (or ALIBABA_CLOUD_ACCESS_KEY_ID and "
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET), security_token for an STS key, or profile."
)


class GatewayFilters(NamedTuple):
    name: Optional[str] = None
    vpc_id: Optional[str] = None
    gateway_type: Optional[str] = None
    resource_group_id: Optional[str] = None
    tags: Dict[str, Optional[str]] = {}

    def server_tags(self) -> Dict[str, str]:
        """The tag filters ListGateways can take: those with a value."""
        return {k: v for k, v in self.tags.items() if v is not None}


class RegionGateway(NamedTuple):
    region: str
    gateway: Dict[str, Any]


def parse_filters(raw: Any) -> GatewayFilters:
    """The `filters` option; an unknown key or a value of the wrong type names the field."""
    if raw is None:
        return GatewayFilters()
    if not isinstance(raw, dict):
        raise OptionError("filters", raw, "must be a dictionary with the keys " + ", ".join(FILTER_KEYS))
    unknown = sorted(set(raw) - set(FILTER_KEYS))
    if unknown:
        raise OptionError("filters", unknown[0], "is not a filter; use " + ", ".join(FILTER_KEYS))
    values: Dict[str, Any] = {}
    for key in FILTER_KEYS[:-1]:
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise OptionError(f"filters.{key}", value, "must be a non-empty string")
        values[key] = value
    tags = raw.get("tags") or {}
    if not isinstance(tags, dict):
        raise OptionError("filters.tags", tags, "must be a dictionary of tag keys to values (null: any value)")
    for key, value in tags.items():
        if not isinstance(key, str) or not key:
            raise OptionError("filters.tags", key, "is not a tag key")
        if value is not None and not isinstance(value, str):
            raise OptionError(f"filters.tags.{key}", value, "must be a string, or null for any value")
    return GatewayFilters(tags=dict(tags), **values)


def matches(gateway: Dict[str, Any], filters: GatewayFilters) -> bool:
    """Whether a gateway passes every filter (exact values; every tag, any value where the filter has none)."""
    exact = (
        ("name", filters.name),
        ("vpc_id", filters.vpc_id),
        ("gateway_type", filters.gateway_type),
        ("resource_group_id", filters.resource_group_id),
    )
    if any(wanted is not None and gateway.get(key) != wanted for key, wanted in exact):
        return False
    tags = gateway.get("tags") or {}
    return all(key in tags and (value is None or tags[key] == value) for key, value in filters.tags.items())


def zone_in_region(zone_id: str, region: str) -> bool:
    """Zone ids are the region id and a letter: cn-hangzhou-h, ap-southeast-1a (not ap-southeast-10a)."""
    return re.match(rf"^{re.escape(region)}-?[a-z]+$", zone_id or "") is not None


def in_region(gateway: Dict[str, Any], region: str) -> bool:
    """Whether the gateway's zones say it is in `region`; a gateway without zones is taken as answered.

    A fixed APIG endpoint (the apig_endpoint option) answers for its own region whatever region is
    asked: the zones keep a gateway from being listed under a region it is not in.
    """
    zones = [z.get("zone_id") for z in gateway.get("zones") or [] if z.get("zone_id")]
    return all(zone_in_region(zone, region) for zone in zones)


def requested_regions(regions: Any, default_region: Optional[str]) -> List[str]:
    """The `regions` option, or else the one `region` (ALIBABA_CLOUD_REGION_ID), de-duplicated in order."""
    if regions in (None, []):
        if not default_region:
            raise OptionError(
                "regions",
                regions,
                "is empty and no default region is set: list regions, or set the region option or the "
                "ALIBABA_CLOUD_REGION_ID environment variable",
            )
        return [default_region]
    if not isinstance(regions, list) or not all(isinstance(r, str) and r for r in regions):
        raise OptionError("regions", regions, "must be a list of region ids such as cn-hangzhou")
    return list(dict.fromkeys(regions))


def check_regions(requested: List[str], offered: List[str]) -> None:
    """Fail on the first requested region APIG does not offer; an empty answer checks nothing."""
    if not offered:
        return
    for region in requested:
        if region not in offered:
            raise OptionError(
                "regions", region, "is not a region where APIG is offered (it offers: {})".format(", ".join(offered))
            )


def connection_params(options: Dict[str, Any], region: str) -> Dict[str, Any]:
    """The modules' shared options (as connection_settings reads them) from the plugin's options."""
    params = {name: options.get(name, spec.get("default")) for name, spec in COMMON_ARGUMENT_SPEC.items()}
    for first, second in COMMON_MUTUALLY_EXCLUSIVE:
        if params.get(first) and params.get(second):
            raise OptionError(second, params[second], f"is mutually exclusive with {first}")
    params["region"] = region
    return params


def host_variables(record: RegionGateway) -> Dict[str, Any]:
    """The variables of one gateway's host: what the backend_access role reads, and the gateway's facts."""
    gateway = record.gateway
    vswitch_ids = [gateway["vswitch"]["vswitch_id"]] if gateway["vswitch"].get("vswitch_id") else []
    for zone in gateway.get("zones") or []:
        if zone.get("vswitch_id") and zone["vswitch_id"] not in vswitch_ids:
            vswitch_ids.append(zone["vswitch_id"])
    return {
        "backend_access_gateway_id": gateway["gateway_id"],
        "backend_access_region": record.region,
        "apig_gateway_id": gateway["gateway_id"],
        "apig_name": gateway.get("name"),
        "apig_region": record.region,
        "apig_vpc_id": gateway.get("vpc_id"),
        "apig_vswitch_ids": vswitch_ids,
        "apig_zone_ids": [z["zone_id"] for z in gateway.get("zones") or [] if z.get("zone_id")],
        "apig_security_group_id": (gateway.get("security_group") or {}).get("security_group_id"),
        "apig_status": gateway.get("status"),
        "apig_gateway_type": gateway.get("gateway_type"),
        "apig_spec": gateway.get("spec"),
        "apig_resource_group_id": gateway.get("resource_group_id"),
        "apig_tags": dict(gateway.get("tags") or {}),
    }


def host_name(record: RegionGateway, source: str) -> str:
    if source == "name" and record.gateway.get("name"):
        return str(record.gateway["name"])
    return str(record.gateway["gateway_id"])


def host_names(records: List[RegionGateway], source: str) -> List[Tuple[str, RegionGateway]]:
    """(host name, record) per gateway; two gateways under one name fail, naming both."""
    if source not in HOSTNAME_SOURCES:
        raise OptionError("hostname", source, "must be one of " + ", ".join(HOSTNAME_SOURCES))
    named: Dict[str, RegionGateway] = {}
    for record in records:
        name = host_name(record, source)
        if name in named:
            raise OptionError(
                "hostname",
                source,
                "gives two gateways the host name {!r} ({} and {}): use hostname gateway_id".format(
                    name, named[name].gateway["gateway_id"], record.gateway["gateway_id"]
                ),
            )
        named[name] = record
    return list(named.items())


def _offered_regions(session: Any, warn: Callable[[str], None]) -> List[str]:
    try:
        return describe_regions(session)
    except ApiError as err:
        if err.code not in PERMISSION_DENIED_CODES:
            raise
        warn(f"The region names are not checked: {err}")
        return []


class Listing(NamedTuple):
    gateways: List[RegionGateway]
    skipped_regions: List[str]  # regions left out with a warning (skip_failing_regions)


def explained(err: ApiError) -> ApiError:
    """The error with a hint saying what to do when it is a RAM denial or a credentials problem."""
    if err.hint:
        return err
    if err.code in PERMISSION_DENIED_CODES:
        err.hint = PERMISSION_HINT.format(action=err.operation)
    elif is_auth_error(err):
        err.hint = CREDENTIALS_HINT
    return err


def _region_gateways(session: Any, region: str, filters: GatewayFilters) -> List[Dict[str, Any]]:
    """ListGateways of one region (every page, complete or an ApiError that names the region)."""
    try:
        return list_gateways(
            session,
            name=filters.name,
            vpc_id=filters.vpc_id,
            gateway_type=filters.gateway_type,
            resource_group_id=filters.resource_group_id,
            tags=filters.server_tags(),
        )
    except ApiError as err:
        err.doing = err.doing or f"list the gateways in {region}"
        raise explained(err) from None


def collect_gateways(
    sessions: Callable[[str], Any],
    regions: List[str],
    filters: GatewayFilters,
    warn: Callable[[str], None],
    skip_failing_regions: bool = False,
) -> Listing:
    """The gateways of every region that pass the filters, each once, in region order.

    ``sessions(region)`` gives the Session of a region. The region names are checked with
    DescribeRegions first (one call), so that a misspelt region fails instead of listing nothing.
    A region whose listing fails raises its ApiError (naming the region, the code and the request
    id), unless ``skip_failing_regions``: then it is left out with a warning naming it, as long as
    another region answered (every region failing is the first region's error).
    """
    check_regions(regions, _offered_regions(sessions(regions[0]), warn))
    found: Dict[str, RegionGateway] = {}
    failures: List[ApiError] = []
    skipped: List[str] = []
    for region in regions:
        try:
            listed = _region_gateways(sessions(region), region, filters)
        except ApiError as err:
            if not skip_failing_regions:
                raise
            failures.append(err)
            skipped.append(region)
            continue
        for gateway in listed:
            if not matches(gateway, filters) or not in_region(gateway, region):
                continue
            if gateway["gateway_id"] in found:
                warn(
                    "Gateway {} was listed in {} and in {}; it is kept in {}.".format(
                        gateway["gateway_id"],
                        found[gateway["gateway_id"]].region,
                        region,
                        found[gateway["gateway_id"]].region,
                    )
                )
                continue
            found[gateway["gateway_id"]] = RegionGateway(region, gateway)
    if failures and len(skipped) == len(regions):
        raise failures[0]
    for region, err in zip(skipped, failures):
        warn(f"Region {region} is left out of the inventory (skip_failing_regions): its gateways are not listed. {err}")
    return Listing(list(found.values()), skipped)
