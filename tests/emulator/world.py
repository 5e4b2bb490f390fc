# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulated cloud: its model, the world file (YAML) that describes it, and how it changes.

A world is one account seen from one set of regions: access keys, VPCs with vSwitches,
security groups with their permissions (ECS "rules"), ECS instances and their network interfaces
(each instance's primary ENI, plus secondary ENIs such as Terway's), ACK clusters with node pools
and nodes, and APIG gateways with their security-group authorizations and their services. The
``knobs`` (``Knobs``) select readings of the real API that its documentation leaves open. ``World.from_document``
validates a world file and names the offending entry in every error (``WorldError``);
``World.to_document`` writes the same format back, so ``GET /_emulator/state`` can be edited and
``PUT`` again. The format is documented in README.md next to this file.

How an APIG authorization lands in ECS (``World.authorize``), the emulator's model:

* An authorization is one (gateway, backend security group, port range) entry with its own
  ``gsgr-`` id. It links to the ECS permissions it wrote into the backend group.
* A normal backend group gets one inbound permission whose source is the gateway's managed
  security group (``SourceGroupId``).
* An enterprise group cannot reference another group, so it gets one ``SourceCidrIp`` permission
  per gateway vSwitch CIDR; those CIDRs are the entry's ``auth_cidrs``.
* Every permission is ingress, Accept, TCP, the port range, NicType intranet, Priority "1". An
  identical permission that already exists is linked, not duplicated (ECS semantics).
* ``World.revoke`` with ``cascade`` removes the linked permissions that no remaining
  authorization still links; without it the permissions stay in the backend group.
"""

from __future__ import annotations

import copy
import fnmatch
import hashlib
import ipaddress
import os
import re
import time
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Dict
from typing import Iterable
from typing import List
from typing import Optional
from typing import Tuple

import yaml

try:  # libyaml makes the 2,500-instance benchmark worlds load several times faster
    from yaml import CSafeDumper as YamlDumper
    from yaml import CSafeLoader as YamlLoader
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeDumper as YamlDumper
    from yaml import SafeLoader as YamlLoader

WORLDS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "worlds")

DEFAULT_REGION = "cn-hangzhou"
DEFAULT_RULE_QUOTA = 200
DEFAULT_CREATE_TIME = "2025-01-06T08:00:00Z"
MIN_PORT = 1
MAX_PORT = 65535

SECURITY_GROUP_TYPES = ("normal", "enterprise")
DIRECTIONS = ("ingress", "egress")
POLICIES = {"accept": "Accept", "drop": "Drop"}
IP_PROTOCOLS = ("TCP", "UDP", "ICMP", "GRE", "ALL")
NIC_TYPES = ("intranet", "internet")
INSTANCE_STATUSES = ("Pending", "Running", "Starting", "Stopping", "Stopped")
GATEWAY_STATUSES = (
    "Running",
    "Creating",
    "CreateFailed",
    "Upgrading",
    "UpgradeFailed",
    "Restarting",
    "RestartFailed",
    "Deleting",
    "DeleteFailed",
)
GATEWAY_TYPES = ("API", "AI")
DUPLICATE_ADDS = ("refuse", "accept", "ignore")
ADDRESS_FORMS = ("ip:port", "ip")
# Knob inbound_rule_description: the Description of the ECS rule an authorization writes.
INBOUND_RULE_DESCRIPTIONS = ("gateway", "authorization")
SERVICE_SOURCE_TYPES = ("K8S", "VIP", "DNS", "MSE_NACOS", "FC3")
HEALTH_STATUSES = ("Healthy", "Unhealthy")
ENI_STATUSES = ("Available", "Attaching", "InUse", "Detaching", "Deleting")

_PORT_RANGE_RE = re.compile(r"^([0-9]{1,5})/([0-9]{1,5})$")


class WorldError(ValueError):
    """The world file (or a posted state) is not a valid world; the message names the entry."""


def parse_port_range(text: Any) -> Tuple[int, int]:
    """``"START/END"`` with 1 <= START <= END <= 65535, as APIG and ECS write TCP port ranges.

    Raises ValueError with a reason; callers add the field name and turn it into their error.
    """
    if not isinstance(text, str):
        raise ValueError("a port range is a string START/END")
    match = _PORT_RANGE_RE.match(text)
    if not match:
        raise ValueError("expected START/END, e.g. 8080/8080")
    start, end = int(match.group(1)), int(match.group(2))
    if not (MIN_PORT <= start <= MAX_PORT and MIN_PORT <= end <= MAX_PORT):
        raise ValueError(f"ports must lie between {MIN_PORT} and {MAX_PORT}")
    if start > end:
        raise ValueError("the start port is greater than the end port")
    return start, end


def format_port_range(port_range: Tuple[int, int]) -> str:
    return f"{port_range[0]}/{port_range[1]}"


# --------------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------------


@dataclass
class AccessKey:
    """An AccessKey pair; with ``security_token`` it is an STS (temporary) key.

    ``allowed_actions`` is a RAM policy in miniature: ``product:Action`` patterns with shell
    wildcards (``ecs:Describe*``, ``apig:*``); None allows everything.
    """

    id: str
    secret: str
    security_token: Optional[str] = None
    allowed_actions: Optional[List[str]] = None
    token_expired: bool = False

    def allows(self, product: str, action: str) -> bool:
        if self.allowed_actions is None:
            return True
        wanted = f"{product}:{action}".lower()
        return any(fnmatch.fnmatchcase(wanted, pattern.lower()) for pattern in self.allowed_actions)


@dataclass
class VSwitch:
    id: str
    name: str
    cidr: str
    zone: str
    vpc_id: str


@dataclass
class Vpc:
    id: str
    name: str
    cidr: str
    region: str
    vswitch_ids: List[str] = field(default_factory=list)


@dataclass
class Permission:
    """One ECS security group rule, with the string fields DescribeSecurityGroupAttribute returns."""

    id: str
    port_range: str
    direction: str = "ingress"
    policy: str = "Accept"
    priority: str = "1"
    ip_protocol: str = "TCP"
    nic_type: str = "intranet"
    source_cidr_ip: str = ""
    source_group_id: str = ""
    source_port_range: str = ""
    ipv6_source_cidr_ip: str = ""
    source_prefix_list_id: str = ""
    dest_cidr_ip: str = ""
    dest_group_id: str = ""
    ipv6_dest_cidr_ip: str = ""
    dest_prefix_list_id: str = ""
    description: str = ""
    create_time: str = DEFAULT_CREATE_TIME

    def identity(self) -> Tuple[str, ...]:
        """What makes two rules "identical" for ECS: everything but id, description and time."""
        return (
            self.direction,
            self.policy.lower(),
            self.priority,
            self.ip_protocol.upper(),
            self.port_range,
            self.nic_type,
            self.source_cidr_ip,
            self.source_group_id,
            self.source_port_range,
            self.ipv6_source_cidr_ip,
            self.source_prefix_list_id,
            self.dest_cidr_ip,
            self.dest_group_id,
            self.ipv6_dest_cidr_ip,
            self.dest_prefix_list_id,
        )


@dataclass
class SecurityGroup:
    id: str
    name: str
    type: str
    vpc_id: str
    description: str = ""
    rule_quota: int = DEFAULT_RULE_QUOTA
    service_managed: bool = False
    tags: Dict[str, str] = field(default_factory=dict)
    permissions: List[Permission] = field(default_factory=list)
    creation_time: str = DEFAULT_CREATE_TIME


@dataclass
class Instance:
    id: str
    name: str
    vpc_id: str
    vswitch_id: str
    zone: str
    region: str
    security_group_ids: List[str]
    private_ips: List[str]
    tags: Dict[str, str] = field(default_factory=dict)
    status: str = "Running"
    instance_type: str = "ecs.g7.large"
    creation_time: str = DEFAULT_CREATE_TIME


@dataclass
class NodePool:
    id: str
    name: str
    security_group_ids: List[str]
    vswitch_ids: List[str]
    is_default: bool = False


@dataclass
class Node:
    instance_id: str
    node_pool_id: str
    name: str
    state: str = "running"


@dataclass
class Cluster:
    id: str
    name: str
    vpc_id: str
    region: str
    security_group_id: str
    vswitch_ids: List[str]
    cluster_type: str = "ManagedKubernetes"
    state: str = "running"
    container_cidr: str = "172.20.0.0/16"  # the pod CIDR (Flannel); DescribeClusterDetail's container_cidr
    node_pools: List[NodePool] = field(default_factory=list)
    nodes: List[Node] = field(default_factory=list)

    def node_pool(self, node_pool_id: str) -> Optional[NodePool]:
        return next((p for p in self.node_pools if p.id == node_pool_id), None)

    def security_group_ids(self) -> List[str]:
        """The cluster's group and every node pool's scaling-group groups, first seen first."""
        seen: List[str] = [self.security_group_id]
        for pool in self.node_pools:
            seen.extend(g for g in pool.security_group_ids if g not in seen)
        return seen


@dataclass
class Authorization:
    """One APIG authorization entry: gateway -> backend group, one port range."""

    id: str
    security_group_id: str
    port_range: str
    description: str = ""
    auth_cidrs: List[str] = field(default_factory=list)
    permission_ids: List[str] = field(default_factory=list)
    # Not in the world file: creation rank (list order) and, with the list_lag_ms knob, the
    # monotonic time from which the authorized list shows the entry.
    order: int = 0
    visible_at: float = 0.0


@dataclass
class Gateway:
    id: str
    name: str
    vpc_id: str
    vswitch_ids: List[str]
    zones: List[Tuple[str, str]]  # (zone id, vSwitch id)
    security_group_id: str
    region: str
    status: str = "Running"
    gateway_type: str = "API"
    edition: str = "Professional"
    spec: str = "apigw.small.x1"
    replicas: str = "2"
    version: str = "2.1.6"
    resource_group_id: str = "rg-emulator-default"
    charge_type: str = "POSTPAY"
    create_timestamp: int = 1736150400000
    tags: Dict[str, str] = field(default_factory=dict)
    authorizations: List[Authorization] = field(default_factory=list)
    # Deleted entries the authorized list still shows under the list_lag_ms knob: (entry, hidden_at).
    fading: List[Tuple[Authorization, float]] = field(default_factory=list)

    def authorization(self, rule_id: str) -> Optional[Authorization]:
        return next((a for a in self.authorizations if a.id == rule_id), None)


@dataclass
class Knobs:
    """Readings of the real API that its docs leave open; README.md "Knobs" explains each one."""

    list_lag_ms: int = 0
    duplicate_adds: str = "refuse"
    page_cap: Optional[int] = None
    empty_source_security_group_id: bool = False
    cascade_removes_shared_rules: bool = False
    service_address_form: str = "ip:port"
    eni_filters_match_primary: bool = False
    write_lock_concurrency: Optional[int] = None
    inbound_rule_description: str = "gateway"
    description_max_length: int = 512

    NAMES = (
        "list_lag_ms",
        "duplicate_adds",
        "page_cap",
        "empty_source_security_group_id",
        "cascade_removes_shared_rules",
        "service_address_form",
        "eni_filters_match_primary",
        "write_lock_concurrency",
        "inbound_rule_description",
        "description_max_length",
    )

    def update(self, raw: Any, where: str = "knobs") -> None:
        """Set the knobs ``raw`` names (the others keep their values); raises WorldError."""
        r = _Reader(raw if raw is not None else {}, where, (), self.NAMES)
        values, trial = r.value, copy.copy(self)  # all or nothing
        if "list_lag_ms" in values:
            trial.list_lag_ms = r.int("list_lag_ms", 0)
        if "duplicate_adds" in values:
            trial.duplicate_adds = r.choice("duplicate_adds", DUPLICATE_ADDS, "refuse")
        for name in ("page_cap", "write_lock_concurrency"):
            if name in values:
                setattr(trial, name, None if values[name] is None else r.int(name, 0, minimum=1))
        for name in ("empty_source_security_group_id", "cascade_removes_shared_rules", "eni_filters_match_primary"):
            if name in values:
                setattr(trial, name, r.bool(name))
        if "description_max_length" in values:
            trial.description_max_length = r.int("description_max_length", 512, minimum=1)
        if "service_address_form" in values:
            trial.service_address_form = r.choice("service_address_form", ADDRESS_FORMS, "ip:port")
        if "inbound_rule_description" in values:
            trial.inbound_rule_description = r.choice("inbound_rule_description", INBOUND_RULE_DESCRIPTIONS, "gateway")
        self.__dict__.update(trial.__dict__)

    def to_document(self) -> Dict[str, Any]:
        return {name: getattr(self, name) for name in self.NAMES}

    def cap(self, page_size: int) -> int:
        """The page size a paged read really answers with: the size asked, at most ``page_cap``."""
        return page_size if self.page_cap is None else min(page_size, self.page_cap)


@dataclass
class NetworkInterface:
    """An ENI. Every instance has a primary one (``World.network_interfaces`` derives it); the
    world file adds secondary ENIs with their own groups and secondary IPs (Terway pods)."""

    id: str
    name: str
    vpc_id: str
    vswitch_id: str
    zone: str
    region: str
    security_group_ids: List[str]
    primary_ip: str
    secondary_ips: List[str] = field(default_factory=list)
    instance_id: str = ""
    type: str = "Secondary"
    status: str = "InUse"
    creation_time: str = DEFAULT_CREATE_TIME

    def ips(self) -> List[str]:
        return [self.primary_ip] + list(self.secondary_ips)


@dataclass
class ServicePort:
    port: int
    name: str = ""
    protocol: str = "TCP"


@dataclass
class Endpoint:
    """One backend address of a service: exactly one of instance (its primary IP), network
    interface (its primary IP), ip (any address: a secondary IP, or one no ENI holds) or domain."""

    kind: str  # instance | network_interface | ip | domain
    ref: str
    ports: List[int]
    healthy: bool = True


@dataclass
class Service:
    """An APIG service of a gateway (ListServices / GetService)."""

    id: str
    gateway_id: str
    name: str
    source_type: str = "K8S"
    namespace: str = ""
    protocol: str = "HTTP"
    health_status: Optional[str] = None  # None: Unhealthy when an endpoint is, else Healthy
    ports: List[ServicePort] = field(default_factory=list)
    endpoints: List[Endpoint] = field(default_factory=list)
    create_timestamp: int = 1736150400000


# --------------------------------------------------------------------------------------------
# Reading the world file
# --------------------------------------------------------------------------------------------


class _Reader:
    """Typed access to one mapping of the world file; every error names ``where``."""

    def __init__(self, value: Any, where: str, required: Iterable[str], optional: Iterable[str]) -> None:
        if not isinstance(value, dict):
            raise WorldError(f"{where}: expected a mapping, got {type(value).__name__}")
        required = tuple(required)
        allowed = set(required) | set(optional)
        unknown = sorted(str(k) for k in value if k not in allowed)
        if unknown:
            raise WorldError(f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")
        for key in required:
            if value.get(key) in (None, ""):
                raise WorldError(f"{where}: '{key}' is required")
        self.value = value
        self.where = where

    def str(self, key: str, default: Optional[str] = None) -> Optional[str]:
        value = self.value.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise WorldError(f"{self.where}.{key}: expected a string, got {value!r}")
        return str(value)

    def choice(self, key: str, choices: Iterable[str], default: str, fold: bool = False) -> str:
        value = self.str(key, default)
        options = {c.lower() if fold else c: c for c in choices}
        found = options.get(value.lower() if fold else value)
        if found is None:
            raise WorldError(f"{self.where}.{key}: {value!r} is not one of {', '.join(choices)}")
        return found

    def int(self, key: str, default: int, minimum: int = 0) -> int:
        value = self.value.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise WorldError(f"{self.where}.{key}: expected an integer >= {minimum}, got {value!r}")
        return value

    def bool(self, key: str, default: bool = False) -> bool:
        value = self.value.get(key, default)
        if not isinstance(value, bool):
            raise WorldError(f"{self.where}.{key}: expected true or false, got {value!r}")
        return value

    def str_list(self, key: str, default: Optional[List[str]] = None) -> Optional[List[str]]:
        value = self.value.get(key)
        if value is None:
            return None if default is None else list(default)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise WorldError(f"{self.where}.{key}: expected a list of strings, got {value!r}")
        return list(value)

    def str_map(self, key: str) -> Dict[str, str]:
        value = self.value.get(key) or {}
        if not isinstance(value, dict):
            raise WorldError(f"{self.where}.{key}: expected a mapping of strings, got {value!r}")
        result = {}
        for k, v in value.items():
            if not isinstance(k, str) or isinstance(v, bool) or not isinstance(v, (str, int, float)):
                raise WorldError(f"{self.where}.{key}: tag {k!r} must map a string to a string")
            result[k] = str(v)
        return result

    def list(self, key: str) -> List[Any]:
        value = self.value.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise WorldError(f"{self.where}.{key}: expected a list, got {type(value).__name__}")
        return value


def _cidr(value: str, where: str) -> ipaddress.IPv4Network:
    try:
        return ipaddress.IPv4Network(value)
    except ValueError as exc:
        raise WorldError(f"{where}: {value!r} is not an IPv4 CIDR block ({exc})") from None


def _check_addresses(ips: List[str], vsw: VSwitch, where: str) -> None:
    """Each address is an IPv4 address inside the vSwitch's CIDR block."""
    network = ipaddress.IPv4Network(vsw.cidr)
    for ip in ips:
        try:
            inside = ipaddress.IPv4Address(ip) in network
        except ValueError:
            raise WorldError(f"{where}: {ip!r} is not an IPv4 address") from None
        if not inside:
            raise WorldError(f"{where}: {ip} is not inside vSwitch {vsw.id} ({vsw.cidr})")


def _entity_where(collection: str, index: int, raw: Any) -> str:
    ident = raw.get("id") if isinstance(raw, dict) else None
    return f"{collection}[{index}]" + (f" ({ident})" if ident else "")


class IdFactory:
    """Deterministic, unique ids: ``prefix-`` plus hex derived from a counter, skipping used ids."""

    def __init__(self, used: Iterable[str] = ()) -> None:
        self.used = set(used)
        self.counters: Dict[str, int] = {}

    def new(self, prefix: str, length: int = 20) -> str:
        while True:
            count = self.counters.get(prefix, 0) + 1
            self.counters[prefix] = count
            digest = hashlib.sha256(f"emulator:{prefix}:{count}".encode()).hexdigest()
            candidate = f"{prefix}-{digest[:length]}"
            if candidate not in self.used:
                self.used.add(candidate)
                return candidate

    def claim(self, ident: str, where: str) -> str:
        if ident in self.used:
            raise WorldError(f"{where}: id {ident!r} is used twice")
        self.used.add(ident)
        return ident


# --------------------------------------------------------------------------------------------
# World
# --------------------------------------------------------------------------------------------


class World:
    """The whole emulated account. Mutated only by the API handlers, under the server's lock."""

    def __init__(self) -> None:
        self.regions: List[str] = []
        self.access_keys: List[AccessKey] = []
        self.vpcs: Dict[str, Vpc] = {}
        self.vswitches: Dict[str, VSwitch] = {}
        self.security_groups: Dict[str, SecurityGroup] = {}
        self.instances: Dict[str, Instance] = {}
        self.clusters: Dict[str, Cluster] = {}
        self.gateways: Dict[str, Gateway] = {}
        self.extra_interfaces: Dict[str, NetworkInterface] = {}
        self.services: Dict[str, Service] = {}
        self.knobs = Knobs()
        self.meta: Dict[str, Any] = {}
        self.ids = IdFactory()
        self.clock = time.monotonic
        self._order = 0
        self.keys_by_id: Dict[str, AccessKey] = {}
        self._positions: Dict[str, int] = {}

    # -- look-ups ---------------------------------------------------------------------------

    @property
    def default_region(self) -> str:
        return self.regions[0]

    @property
    def default_key(self) -> AccessKey:
        return self.access_keys[0]

    def access_key(self, key_id: str) -> Optional[AccessKey]:
        return self.keys_by_id.get(key_id)

    def secrets(self) -> List[str]:
        """Every secret and token, so that logs and messages can be scrubbed of them."""
        values = [k.secret for k in self.access_keys]
        values.extend(k.security_token for k in self.access_keys if k.security_token)
        return values

    def position(self, instance: Instance) -> int:
        """The instance's rank in the world file: answers list instances in that order."""
        return self._positions[instance.id]

    def instances_in_group(self, group_id: str) -> List[Instance]:
        return [i for i in self.instances.values() if group_id in i.security_group_ids]

    # -- network interfaces and services ------------------------------------------------------

    @staticmethod
    def primary_interface_id(instance: Instance) -> str:
        return "eni-" + hashlib.sha256(instance.id.encode()).hexdigest()[:20]

    def primary_interface(self, instance: Instance) -> NetworkInterface:
        """The instance's primary ENI: its groups, its private IPs (the first is the primary)."""
        return NetworkInterface(
            id=self.primary_interface_id(instance),
            name="",
            vpc_id=instance.vpc_id,
            vswitch_id=instance.vswitch_id,
            zone=instance.zone,
            region=instance.region,
            security_group_ids=list(instance.security_group_ids),
            primary_ip=instance.private_ips[0],
            secondary_ips=list(instance.private_ips[1:]),
            instance_id=instance.id,
            type="Primary",
            creation_time=instance.creation_time,
        )

    def network_interfaces(self) -> List[NetworkInterface]:
        """Every ENI: the instances' primary ENIs in world order, then the secondary ENIs."""
        result = [self.primary_interface(i) for i in self.instances.values()]
        result.extend(self.extra_interfaces.values())
        return result

    def interfaces_of(self, instance_id: str) -> List[NetworkInterface]:
        return [e for e in self.extra_interfaces.values() if e.instance_id == instance_id]

    def endpoint_host(self, endpoint: Endpoint) -> str:
        """The address an endpoint is reached at: an IP, or the domain name."""
        if endpoint.kind == "instance":
            return self.instances[endpoint.ref].private_ips[0]
        if endpoint.kind == "network_interface":
            return self.extra_interfaces[endpoint.ref].primary_ip
        return endpoint.ref

    def gateway_services(self, gateway_id: Optional[str]) -> List[Service]:
        return [s for s in self.services.values() if gateway_id is None or s.gateway_id == gateway_id]

    # -- authorizations (APIG -> ECS) -------------------------------------------------------

    def authorization_permissions(
        self, gateway: Gateway, group: SecurityGroup, port_range: str, description: str = ""
    ) -> List[Permission]:
        """The ECS permissions an authorization of ``group`` on ``port_range`` needs (ids unset).

        Their Description follows the knob ``inbound_rule_description``: ``gateway`` names the gateway,
        ``authorization`` is the authorization's own description (empty when it has none).
        """
        if self.knobs.inbound_rule_description == "authorization":
            rule_description = description
        else:
            rule_description = f"Authorized by APIG gateway {gateway.id}"
        base = dict(
            direction="ingress",
            policy="Accept",
            priority="1",
            ip_protocol="TCP",
            port_range=port_range,
            nic_type="intranet",
            description=rule_description,
        )
        if group.type == "enterprise":
            return [Permission(id="", source_cidr_ip=cidr, **base) for cidr in self.gateway_cidrs(gateway)]
        return [Permission(id="", source_group_id=gateway.security_group_id, **base)]

    def gateway_cidrs(self, gateway: Gateway) -> List[str]:
        return [self.vswitches[v].cidr for v in gateway.vswitch_ids]

    def missing_permissions(self, group: SecurityGroup, wanted: List[Permission]) -> List[Permission]:
        """The permissions of ``wanted`` that ``group`` does not already hold (by identity)."""
        present = {p.identity() for p in group.permissions}
        result, seen = [], set()
        for permission in wanted:
            identity = permission.identity()
            if identity not in present and identity not in seen:
                seen.add(identity)
                result.append(permission)
        return result

    def authorize(
        self,
        gateway: Gateway,
        group: SecurityGroup,
        port_range: str,
        description: str,
        rule_id: Optional[str] = None,
        lag: bool = True,
    ) -> Authorization:
        """Record one authorization entry and write (or link) its ECS permissions.

        Callers validate first (quota, duplicates): this only applies the change. ``lag``: the
        list_lag_ms knob applies (an API write; not an authorization read from the world file).
        """
        wanted = self.authorization_permissions(gateway, group, port_range, description)
        by_identity = {p.identity(): p for p in group.permissions}
        linked = []
        for permission in wanted:
            existing = by_identity.get(permission.identity())
            if existing is None:
                permission.id = self.ids.new("sgr")
                group.permissions.append(permission)
                by_identity[permission.identity()] = permission
                existing = permission
            linked.append(existing.id)
        entry = Authorization(
            id=rule_id or self.ids.new("gsgr"),
            security_group_id=group.id,
            port_range=port_range,
            description=description,
            auth_cidrs=[p.source_cidr_ip for p in wanted if p.source_cidr_ip],
            permission_ids=linked,
        )
        self._record(gateway, entry, lag)
        return entry

    def _record(self, gateway: Gateway, entry: Authorization, lag: bool) -> None:
        self._order += 1
        entry.order = self._order
        entry.visible_at = self.clock() + self.knobs.list_lag_ms / 1000.0 if lag else 0.0
        gateway.authorizations.append(entry)

    def listed_authorizations(self, gateway: Gateway) -> List[Authorization]:
        """What ListGatewayAuthorizedSecurityGroupRules shows now: under the list_lag_ms knob, an
        add appears, and a delete disappears, that many milliseconds after the write."""
        now = self.clock()
        gateway.fading = [(entry, hidden_at) for entry, hidden_at in gateway.fading if hidden_at > now]
        shown = [a for a in gateway.authorizations if a.visible_at <= now]
        shown.extend(entry for entry, _hidden_at in gateway.fading if entry.visible_at <= now)
        return sorted(shown, key=lambda a: a.order)

    def revoke(self, gateway: Gateway, entry: Authorization, cascade: bool) -> List[str]:
        """Remove an authorization; with ``cascade``, also the ECS permissions only it still needs.

        Returns the ids of the permissions removed from the backend group.
        """
        gateway.authorizations.remove(entry)
        if self.knobs.list_lag_ms:
            gateway.fading.append((entry, self.clock() + self.knobs.list_lag_ms / 1000.0))
        if not cascade:
            return []
        still_needed = {pid for gw in self.gateways.values() for a in gw.authorizations for pid in a.permission_ids}
        if self.knobs.cascade_removes_shared_rules:
            still_needed = set()  # the reading where the service does not check other authorizations
        group = self.security_groups.get(entry.security_group_id)
        if group is None:
            return []
        doomed = {pid for pid in entry.permission_ids if pid not in still_needed}
        group.permissions = [p for p in group.permissions if p.id not in doomed]
        return sorted(doomed)

    # -- the world file -----------------------------------------------------------------------

    @classmethod
    def from_document(cls, doc: Any) -> World:
        """Build and validate a world from a parsed world file; raises WorldError."""
        world = cls()
        top = _Reader(
            doc,
            "world",
            required=("access_keys",),
            optional=(
                "region",
                "regions",
                "vpcs",
                "security_groups",
                "instances",
                "clusters",
                "gateways",
                "network_interfaces",
                "knobs",
                "meta",
            ),
        )
        world._load_regions(top)
        world._load_access_keys(top)
        world.knobs.update(top.value.get("knobs"), "world.knobs")
        for index, raw in enumerate(top.list("vpcs")):
            world._load_vpc(raw, _entity_where("vpcs", index, raw))
        pending_permissions = []
        for index, raw in enumerate(top.list("security_groups")):
            pending_permissions.append(world._load_security_group(raw, _entity_where("security_groups", index, raw)))
        pending_authorizations = []
        for index, raw in enumerate(top.list("gateways")):
            pending_authorizations.append(world._load_gateway(raw, _entity_where("gateways", index, raw)))
        # Permissions may name any group as source, the gateways' managed groups included.
        for group, raws, where in pending_permissions:
            for index, raw in enumerate(raws):
                group.permissions.append(world._load_permission(raw, f"{where}.permissions[{index}]"))
        auto_ips = _IpAllocator()
        for index, raw in enumerate(top.list("instances")):
            world._load_instance(raw, _entity_where("instances", index, raw), auto_ips)
        auto_ips.assign(world)
        world._positions = {ident: rank for rank, ident in enumerate(world.instances)}
        held = {ip for i in world.instances.values() for ip in i.private_ips}
        for index, raw in enumerate(top.list("network_interfaces")):
            world._load_interface(raw, _entity_where("network_interfaces", index, raw), held)
        for index, raw in enumerate(top.list("clusters")):
            world._load_cluster(raw, _entity_where("clusters", index, raw))
        for gateway, raws, _service_raws, where in pending_authorizations:
            for index, raw in enumerate(raws):
                world._load_authorization(gateway, raw, f"{where}.authorizations[{index}]")
        for gateway, _raws, service_raws, where in pending_authorizations:
            for index, raw in enumerate(service_raws):
                world._load_service(gateway, raw, f"{where}.{_entity_where('services', index, raw)}")
        meta = doc.get("meta")
        if meta is not None and not isinstance(meta, dict):
            raise WorldError("world.meta: expected a mapping")
        world.meta = copy.deepcopy(meta or {})
        return world

    def _load_regions(self, top: _Reader) -> None:
        regions = top.str_list("regions")
        region = top.str("region")
        if regions is None:
            regions = [region or DEFAULT_REGION]
        elif region is not None and region not in regions:
            raise WorldError(f"world.region: {region!r} is not in world.regions")
        elif region is not None:
            regions = [region] + [r for r in regions if r != region]
        if not regions or len(set(regions)) != len(regions):
            raise WorldError("world.regions: expected a non-empty list of distinct region ids")
        self.regions = regions

    def _load_access_keys(self, top: _Reader) -> None:
        raws = top.list("access_keys")
        if not raws:
            raise WorldError("world.access_keys: at least one access key is required")
        for index, raw in enumerate(raws):
            where = _entity_where("access_keys", index, raw)
            r = _Reader(raw, where, ("id", "secret"), ("security_token", "allowed_actions", "token_expired"))
            key = AccessKey(
                id=r.str("id"),
                secret=r.str("secret"),
                security_token=r.str("security_token"),
                allowed_actions=r.str_list("allowed_actions"),
                token_expired=r.bool("token_expired"),
            )
            if key.id in self.keys_by_id:
                raise WorldError(f"{where}: access key id {key.id!r} is used twice")
            if re.match(r"^LTAI[0-9A-Za-z]{12,}", key.id):
                raise WorldError(f"{where}: {key.id!r} looks like a real Alibaba Cloud AccessKey id; use a fake one")
            if key.token_expired and not key.security_token:
                raise WorldError(f"{where}: token_expired needs a security_token")
            self.access_keys.append(key)
            self.keys_by_id[key.id] = key

    def _load_vpc(self, raw: Any, where: str) -> None:
        r = _Reader(raw, where, ("id", "cidr"), ("name", "region", "vswitches"))
        vpc = Vpc(
            id=self.ids.claim(r.str("id"), where),
            name=r.str("name", ""),
            cidr=r.str("cidr"),
            region=r.str("region", self.default_region),
        )
        network = _cidr(vpc.cidr, f"{where}.cidr")
        if vpc.region not in self.regions:
            raise WorldError(f"{where}.region: {vpc.region!r} is not in world.regions {self.regions}")
        for index, raw_vsw in enumerate(r.list("vswitches")):
            vsw_where = f"{where}.{_entity_where('vswitches', index, raw_vsw)}"
            vr = _Reader(raw_vsw, vsw_where, ("id", "cidr", "zone"), ("name",))
            vsw = VSwitch(
                id=self.ids.claim(vr.str("id"), vsw_where),
                name=vr.str("name", ""),
                cidr=vr.str("cidr"),
                zone=vr.str("zone"),
                vpc_id=vpc.id,
            )
            if not _cidr(vsw.cidr, f"{vsw_where}.cidr").subnet_of(network):
                raise WorldError(f"{vsw_where}.cidr: {vsw.cidr} is not inside the VPC's {vpc.cidr}")
            self.vswitches[vsw.id] = vsw
            vpc.vswitch_ids.append(vsw.id)
        self.vpcs[vpc.id] = vpc

    def _vpc(self, vpc_id: Optional[str], where: str) -> Vpc:
        vpc = self.vpcs.get(vpc_id or "")
        if vpc is None:
            raise WorldError(f"{where}: VPC {vpc_id!r} is not defined in world.vpcs")
        return vpc

    def _vswitch(self, vsw_id: str, vpc_id: Optional[str], where: str) -> VSwitch:
        vsw = self.vswitches.get(vsw_id)
        if vsw is None:
            raise WorldError(f"{where}: vSwitch {vsw_id!r} is not defined in any VPC")
        if vpc_id is not None and vsw.vpc_id != vpc_id:
            raise WorldError(f"{where}: vSwitch {vsw_id!r} belongs to {vsw.vpc_id}, not {vpc_id}")
        return vsw

    def _placement(self, vsw: VSwitch) -> Dict[str, str]:
        """Where a resource on ``vsw`` lives: the fields instances and ENIs share."""
        return {"vpc_id": vsw.vpc_id, "vswitch_id": vsw.id, "zone": vsw.zone, "region": self.vpcs[vsw.vpc_id].region}

    def _group(self, group_id: str, vpc_id: Optional[str], where: str) -> SecurityGroup:
        group = self.security_groups.get(group_id)
        if group is None:
            raise WorldError(f"{where}: security group {group_id!r} is not defined in world.security_groups")
        if vpc_id is not None and group.vpc_id != vpc_id:
            raise WorldError(f"{where}: security group {group_id!r} belongs to {group.vpc_id}, not {vpc_id}")
        return group

    def _load_security_group(self, raw: Any, where: str) -> Tuple[SecurityGroup, List[Any], str]:
        r = _Reader(
            raw,
            where,
            ("id", "vpc"),
            ("name", "type", "description", "rule_quota", "service_managed", "tags", "permissions", "creation_time"),
        )
        group = SecurityGroup(
            id=self.ids.claim(r.str("id"), where),
            name=r.str("name", ""),
            type=r.choice("type", SECURITY_GROUP_TYPES, "normal", fold=True),
            vpc_id=self._vpc(r.str("vpc"), f"{where}.vpc").id,
            description=r.str("description", ""),
            rule_quota=r.int("rule_quota", DEFAULT_RULE_QUOTA, minimum=1),
            service_managed=r.bool("service_managed"),
            tags=r.str_map("tags"),
            creation_time=r.str("creation_time", DEFAULT_CREATE_TIME),
        )
        self.security_groups[group.id] = group
        return group, r.list("permissions"), where

    def _load_permission(self, raw: Any, where: str) -> Permission:
        text_fields = (
            "source_cidr_ip",
            "source_group_id",
            "source_port_range",
            "ipv6_source_cidr_ip",
            "source_prefix_list_id",
            "dest_cidr_ip",
            "dest_group_id",
            "ipv6_dest_cidr_ip",
            "dest_prefix_list_id",
            "description",
            "create_time",
        )
        r = _Reader(
            raw,
            where,
            ("port_range",),
            ("id", "direction", "policy", "priority", "ip_protocol", "nic_type") + text_fields,
        )
        protocol = r.choice("ip_protocol", IP_PROTOCOLS, "TCP", fold=True)
        port_range = r.str("port_range")
        if protocol in ("TCP", "UDP"):
            try:
                parse_port_range(port_range)
            except ValueError as exc:
                raise WorldError(f"{where}.port_range: {port_range!r}: {exc}") from None
        elif port_range != "-1/-1":
            raise WorldError(f"{where}.port_range: {protocol} rules use -1/-1, got {port_range!r}")
        priority = r.str("priority", "1")
        if not priority.isdigit() or not 1 <= int(priority) <= 100:
            raise WorldError(f"{where}.priority: expected 1 to 100, got {priority!r}")
        values = {name: r.str(name, "") for name in text_fields}
        values["create_time"] = values["create_time"] or DEFAULT_CREATE_TIME
        for name in ("source_cidr_ip", "dest_cidr_ip"):
            if values[name]:
                _cidr(values[name], f"{where}.{name}")
        for name in ("source_group_id", "dest_group_id"):
            if values[name] and values[name] not in self.security_groups:
                raise WorldError(f"{where}.{name}: security group {values[name]!r} is not defined")
        ident = self.ids.claim(r.str("id"), where) if r.str("id") else self.ids.new("sgr")
        return Permission(
            id=ident,
            port_range=port_range,
            direction=r.choice("direction", DIRECTIONS, "ingress", fold=True),
            policy=POLICIES[r.choice("policy", tuple(POLICIES), "accept", fold=True)],
            priority=str(int(priority)),
            ip_protocol=protocol,
            nic_type=r.choice("nic_type", NIC_TYPES, "intranet", fold=True),
            **values,
        )

    def _load_instance(self, raw: Any, where: str, auto_ips: _IpAllocator) -> None:
        r = _Reader(
            raw,
            where,
            ("id", "vswitch", "security_groups"),
            ("name", "vpc", "private_ips", "tags", "status", "instance_type", "creation_time"),
        )
        vsw = self._vswitch(r.str("vswitch"), r.str("vpc"), f"{where}.vswitch")
        group_ids = r.str_list("security_groups")
        if not group_ids:
            raise WorldError(f"{where}.security_groups: an instance belongs to at least one security group")
        for group_id in group_ids:
            self._group(group_id, vsw.vpc_id, f"{where}.security_groups")
        ips = r.str_list("private_ips", [])
        _check_addresses(ips, vsw, f"{where}.private_ips")
        instance = Instance(
            id=self.ids.claim(r.str("id"), where),
            name=r.str("name", ""),
            **self._placement(vsw),
            security_group_ids=group_ids,
            private_ips=ips,
            tags=r.str_map("tags"),
            status=r.choice("status", INSTANCE_STATUSES, "Running", fold=True),
            instance_type=r.str("instance_type", "ecs.g7.large"),
            creation_time=r.str("creation_time", DEFAULT_CREATE_TIME),
        )
        instance.name = instance.name or instance.id
        auto_ips.add(instance, where)
        self.instances[instance.id] = instance

    def _load_cluster(self, raw: Any, where: str) -> None:
        r = _Reader(
            raw,
            where,
            ("id", "vpc", "security_group"),
            ("name", "vswitches", "cluster_type", "state", "container_cidr", "node_pools", "nodes"),
        )
        vpc = self._vpc(r.str("vpc"), f"{where}.vpc")
        container_cidr = r.str("container_cidr", "172.20.0.0/16")
        _cidr(container_cidr, f"{where}.container_cidr")
        cluster = Cluster(
            id=self.ids.claim(r.str("id"), where),
            name=r.str("name", ""),
            vpc_id=vpc.id,
            region=vpc.region,
            security_group_id=self._group(r.str("security_group"), vpc.id, f"{where}.security_group").id,
            vswitch_ids=[self._vswitch(v, vpc.id, f"{where}.vswitches").id for v in r.str_list("vswitches", [])],
            cluster_type=r.str("cluster_type", "ManagedKubernetes"),
            state=r.str("state", "running"),
            container_cidr=container_cidr,
        )
        for index, raw_pool in enumerate(r.list("node_pools")):
            pool_where = f"{where}.{_entity_where('node_pools', index, raw_pool)}"
            pr = _Reader(raw_pool, pool_where, ("id", "security_groups"), ("name", "vswitches", "default"))
            pool = NodePool(
                id=self.ids.claim(pr.str("id"), pool_where),
                name=pr.str("name", ""),
                security_group_ids=[
                    self._group(g, vpc.id, f"{pool_where}.security_groups").id for g in pr.str_list("security_groups")
                ],
                vswitch_ids=[
                    self._vswitch(v, vpc.id, f"{pool_where}.vswitches").id for v in pr.str_list("vswitches", [])
                ],
                is_default=pr.bool("default"),
            )
            cluster.node_pools.append(pool)
        taken = {n.instance_id for c in self.clusters.values() for n in c.nodes}
        for index, raw_node in enumerate(r.list("nodes")):
            node_where = f"{where}.nodes[{index}]"
            nr = _Reader(raw_node, node_where, ("instance", "node_pool"), ("name", "state"))
            instance = self.instances.get(nr.str("instance"))
            if instance is None:
                raise WorldError(f"{node_where}.instance: {nr.str('instance')!r} is not an instance in world.instances")
            if instance.vpc_id != vpc.id:
                raise WorldError(
                    f"{node_where}.instance: {instance.id} is in {instance.vpc_id}, not the cluster's {vpc.id}"
                )
            if instance.id in taken:
                raise WorldError(f"{node_where}.instance: {instance.id} is already a node of a cluster")
            taken.add(instance.id)
            pool = cluster.node_pool(nr.str("node_pool"))
            if pool is None:
                raise WorldError(f"{node_where}.node_pool: {nr.str('node_pool')!r} is not a node pool of {cluster.id}")
            name = nr.str("name") or f"{cluster.region}.{instance.private_ips[0]}"
            cluster.nodes.append(Node(instance.id, pool.id, name, nr.str("state", "running")))
        self.clusters[cluster.id] = cluster

    def _load_gateway(self, raw: Any, where: str) -> Tuple[Gateway, List[Any], List[Any], str]:
        r = _Reader(
            raw,
            where,
            ("id", "vpc", "vswitches", "security_group"),
            (
                "name",
                "zones",
                "status",
                "gateway_type",
                "edition",
                "spec",
                "replicas",
                "version",
                "resource_group_id",
                "charge_type",
                "create_timestamp",
                "tags",
                "authorizations",
                "services",
            ),
        )
        vpc = self._vpc(r.str("vpc"), f"{where}.vpc")
        vswitch_ids = [self._vswitch(v, vpc.id, f"{where}.vswitches").id for v in r.str_list("vswitches")]
        zones = []
        for index, raw_zone in enumerate(r.list("zones")):
            zr = _Reader(raw_zone, f"{where}.zones[{index}]", ("id", "vswitch"), ())
            if zr.str("vswitch") not in vswitch_ids:
                raise WorldError(
                    f"{where}.zones[{index}].vswitch: {zr.str('vswitch')!r} is not one of the gateway's vswitches"
                )
            zones.append((zr.str("id"), zr.str("vswitch")))
        if not zones:
            zones = [(self.vswitches[v].zone, v) for v in vswitch_ids]
        gateway = Gateway(
            id=self.ids.claim(r.str("id"), where),
            name=r.str("name", ""),
            vpc_id=vpc.id,
            vswitch_ids=vswitch_ids,
            zones=zones,
            security_group_id=self._managed_group(r.value.get("security_group"), vpc.id, f"{where}.security_group"),
            region=vpc.region,
            status=r.choice("status", GATEWAY_STATUSES, "Running"),
            gateway_type=r.choice("gateway_type", GATEWAY_TYPES, "API"),
            edition=r.str("edition", "Professional"),
            spec=r.str("spec", "apigw.small.x1"),
            replicas=r.str("replicas", "2"),
            version=r.str("version", "2.1.6"),
            resource_group_id=r.str("resource_group_id", "rg-emulator-default"),
            charge_type=r.str("charge_type", "POSTPAY"),
            create_timestamp=r.int("create_timestamp", 1736150400000),
            tags=r.str_map("tags"),
        )
        self.gateways[gateway.id] = gateway
        return gateway, r.list("authorizations"), r.list("services"), where

    def _managed_group(self, raw: Any, vpc_id: str, where: str) -> str:
        """The gateway's managed group; created in ECS when world.security_groups does not list it."""
        r = _Reader(raw, where, ("id",), ("name", "type"))
        group = self.security_groups.get(r.str("id"))
        if group is None:
            group = SecurityGroup(
                id=self.ids.claim(r.str("id"), where),
                name=r.str("name", "") or f"apig-managed-{r.str('id')}",
                type=r.choice("type", SECURITY_GROUP_TYPES, "normal", fold=True),
                vpc_id=vpc_id,
                description="Managed by APIG for the gateway's nodes",
                service_managed=True,
            )
            self.security_groups[group.id] = group
            return group.id
        if group.vpc_id != vpc_id:
            raise WorldError(f"{where}: {group.id} belongs to {group.vpc_id}, the gateway to {vpc_id}")
        if r.str("name") not in (None, group.name):
            raise WorldError(f"{where}.name: {r.str('name')!r} differs from the group's name {group.name!r}")
        if (
            r.value.get("type") is not None
            and r.choice("type", SECURITY_GROUP_TYPES, "normal", fold=True) != group.type
        ):
            raise WorldError(f"{where}.type: differs from the group's type {group.type!r}")
        return group.id

    def _load_authorization(self, gateway: Gateway, raw: Any, where: str) -> None:
        r = _Reader(raw, where, ("security_group", "port_range"), ("id", "description", "auth_cidrs", "permission_ids"))
        group = self._group(r.str("security_group"), None, f"{where}.security_group")
        if group.id == gateway.security_group_id:
            raise WorldError(f"{where}.security_group: {group.id} is the gateway's own managed group")
        if group.vpc_id != gateway.vpc_id:
            raise WorldError(
                f"{where}.security_group: {group.id} is in {group.vpc_id}, not the gateway's {gateway.vpc_id}"
            )
        port_range = r.str("port_range")
        try:
            port_range = format_port_range(parse_port_range(port_range))
        except ValueError as exc:
            raise WorldError(f"{where}.port_range: {port_range!r}: {exc}") from None
        twice = any(a.security_group_id == group.id and a.port_range == port_range for a in gateway.authorizations)
        if twice and self.knobs.duplicate_adds != "accept":
            raise WorldError(f"{where}: {group.id} {port_range} is authorized twice on {gateway.id}")
        rule_id = self.ids.claim(r.str("id"), where) if r.str("id") else None
        permission_ids = r.str_list("permission_ids")
        if permission_ids is None:
            # Not recorded: apply the authorization as the API would, writing or linking permissions.
            self.authorize(gateway, group, port_range, r.str("description", ""), rule_id, lag=False)
            return
        auth_cidrs = r.str_list("auth_cidrs")
        if auth_cidrs is None:
            auth_cidrs = self.gateway_cidrs(gateway) if group.type == "enterprise" else []
        entry = Authorization(
            id=rule_id or self.ids.new("gsgr"),
            security_group_id=group.id,
            port_range=port_range,
            description=r.str("description", ""),
            auth_cidrs=auth_cidrs,
            permission_ids=permission_ids,
        )
        self._record(gateway, entry, lag=False)

    def _load_interface(self, raw: Any, where: str, held: set) -> None:
        """A secondary ENI; ``held`` (every IP already on an instance or ENI) grows with its IPs."""
        r = _Reader(
            raw,
            where,
            ("id", "vswitch", "security_groups", "primary_ip"),
            ("name", "instance", "secondary_ips", "status", "creation_time"),
        )
        vsw = self._vswitch(r.str("vswitch"), None, f"{where}.vswitch")
        group_ids = [self._group(g, vsw.vpc_id, f"{where}.security_groups").id for g in r.str_list("security_groups")]
        instance_id = r.str("instance", "")
        instance = self.instances.get(instance_id) if instance_id else None
        if instance_id and instance is None:
            raise WorldError(f"{where}.instance: {instance_id!r} is not an instance in world.instances")
        if instance is not None and instance.vpc_id != vsw.vpc_id:
            raise WorldError(f"{where}.instance: {instance.id} is in {instance.vpc_id}, the ENI in {vsw.vpc_id}")
        ips = [r.str("primary_ip")] + r.str_list("secondary_ips", [])
        _check_addresses(ips, vsw, where)
        for ip in ips:
            if ip in held:
                raise WorldError(f"{where}: {ip} is already held by an instance or another ENI")
            held.add(ip)
        eni = NetworkInterface(
            id=self.ids.claim(r.str("id"), where),
            name=r.str("name", ""),
            **self._placement(vsw),
            security_group_ids=group_ids,
            primary_ip=ips[0],
            secondary_ips=ips[1:],
            instance_id=instance.id if instance else "",
            status=r.choice("status", ENI_STATUSES, "InUse" if instance else "Available"),
            creation_time=r.str("creation_time", DEFAULT_CREATE_TIME),
        )
        self.extra_interfaces[eni.id] = eni

    def _load_service(self, gateway: Gateway, raw: Any, where: str) -> None:
        r = _Reader(
            raw,
            where,
            ("id", "name"),
            ("source_type", "namespace", "protocol", "health_status", "ports", "endpoints", "create_timestamp"),
        )
        service = Service(
            id=self.ids.claim(r.str("id"), where),
            gateway_id=gateway.id,
            name=r.str("name"),
            source_type=r.choice("source_type", SERVICE_SOURCE_TYPES, "K8S"),
            namespace=r.str("namespace", ""),
            protocol=r.str("protocol", "HTTP"),
            create_timestamp=r.int("create_timestamp", 1736150400000),
        )
        if r.value.get("health_status") is not None:
            service.health_status = r.choice("health_status", HEALTH_STATUSES, "Healthy")
        self.set_service_ports(service, r.list("ports"), f"{where}.ports")
        self.set_service_endpoints(service, r.list("endpoints"), f"{where}.endpoints")
        self.services[service.id] = service

    def set_service_ports(self, service: Service, raws: List[Any], where: str) -> None:
        """Replace a service's ports (world file, or the control endpoint); raises WorldError."""
        ports = []
        for index, raw in enumerate(raws):
            pr = _Reader(raw, f"{where}[{index}]", ("port",), ("name", "protocol"))
            port = pr.int("port", 0, minimum=MIN_PORT)
            if port > MAX_PORT:
                raise WorldError(f"{where}[{index}].port: {port} is above {MAX_PORT}")
            ports.append(ServicePort(port, pr.str("name", ""), pr.choice("protocol", ("TCP", "UDP"), "TCP")))
        service.ports = ports

    def set_service_endpoints(self, service: Service, raws: List[Any], where: str) -> None:
        """Replace a service's endpoints; an endpoint's ``ports`` default to the service's ports."""
        kinds = ("instance", "network_interface", "ip", "domain")
        endpoints = []
        for index, raw in enumerate(raws):
            ew = f"{where}[{index}]"
            er = _Reader(raw, ew, (), kinds + ("port", "ports", "healthy"))
            given = [k for k in kinds if er.value.get(k) is not None]
            if len(given) != 1:
                raise WorldError(f"{ew}: give exactly one of {', '.join(kinds)}")
            kind, ref = given[0], er.str(given[0])
            if kind == "instance" and ref not in self.instances:
                raise WorldError(f"{ew}.instance: {ref!r} is not an instance in world.instances")
            if kind == "network_interface" and ref not in self.extra_interfaces:
                raise WorldError(f"{ew}.network_interface: {ref!r} is not in world.network_interfaces")
            if kind == "ip":
                try:
                    ipaddress.ip_address(ref)
                except ValueError:
                    raise WorldError(f"{ew}.ip: {ref!r} is not an IP address") from None
            if "port" in er.value and "ports" in er.value:
                raise WorldError(f"{ew}: give port or ports, not both")
            ports = [er.value["port"]] if "port" in er.value else er.value.get("ports")
            if ports is not None and (
                not isinstance(ports, list)
                or not all(isinstance(p, int) and not isinstance(p, bool) and MIN_PORT <= p <= MAX_PORT for p in ports)
            ):
                raise WorldError(f"{ew}: expected port (1..65535) or a list of them as ports, got {ports!r}")
            if ports is None:
                ports = [p.port for p in service.ports]
            if not ports:
                raise WorldError(f"{ew}: no port (give port, or ports on the service)")
            endpoints.append(Endpoint(kind, ref, list(ports), er.bool("healthy", True)))
        service.endpoints = endpoints

    def change_service(self, service_id: str, raw: Any) -> Service:
        """Apply a run-time change (the control endpoint ``POST /_emulator/services/{id}``):
        ``ports`` and ``endpoints`` replace (world-file form), ``move_port: {from, to}`` renumbers
        a port on the service and every endpoint, ``health_status`` (null: derived). All or nothing."""
        service = self.services.get(service_id)
        if service is None:
            raise LookupError(f"no service {service_id!r} in the world")
        where = f"service {service_id}"
        r = _Reader(raw, where, (), ("ports", "endpoints", "move_port", "health_status"))
        changed = copy.deepcopy(service)
        if "ports" in r.value:
            self.set_service_ports(changed, r.list("ports"), f"{where}.ports")
        if "endpoints" in r.value:
            self.set_service_endpoints(changed, r.list("endpoints"), f"{where}.endpoints")
        if "move_port" in r.value:
            mr = _Reader(r.value["move_port"], f"{where}.move_port", ("from", "to"), ())
            old, new = mr.int("from", 0, minimum=MIN_PORT), mr.int("to", 0, minimum=MIN_PORT)
            if new > MAX_PORT or not any(old in e.ports for e in changed.endpoints):
                raise WorldError(f"{where}.move_port: no endpoint uses port {old}, or {new} is not a port")
            for port in changed.ports:
                port.port = new if port.port == old else port.port
            for endpoint in changed.endpoints:
                endpoint.ports = [new if p == old else p for p in endpoint.ports]
        if "health_status" in r.value:
            value = r.value["health_status"]
            changed.health_status = None if value is None else r.choice("health_status", HEALTH_STATUSES, "Healthy")
        self.services[service_id] = changed
        return changed

    def to_document(self) -> Dict[str, Any]:
        """The world in world-file form; ``World.from_document`` reads it back to an equal world."""
        doc: Dict[str, Any] = {"regions": list(self.regions), "access_keys": []}
        for key in self.access_keys:
            entry: Dict[str, Any] = {"id": key.id, "secret": key.secret}
            if key.security_token:
                entry["security_token"] = key.security_token
            if key.allowed_actions is not None:
                entry["allowed_actions"] = list(key.allowed_actions)
            if key.token_expired:
                entry["token_expired"] = True
            doc["access_keys"].append(entry)
        doc["vpcs"] = [
            {
                "id": vpc.id,
                "name": vpc.name,
                "cidr": vpc.cidr,
                "region": vpc.region,
                "vswitches": [
                    {"id": v.id, "name": v.name, "cidr": v.cidr, "zone": v.zone}
                    for v in (self.vswitches[i] for i in vpc.vswitch_ids)
                ],
            }
            for vpc in self.vpcs.values()
        ]
        doc["security_groups"] = [_dump_group(g) for g in self.security_groups.values()]
        doc["instances"] = [
            {
                "id": i.id,
                "name": i.name,
                "vswitch": i.vswitch_id,
                "security_groups": list(i.security_group_ids),
                "private_ips": list(i.private_ips),
                "tags": dict(i.tags),
                "status": i.status,
                "instance_type": i.instance_type,
                "creation_time": i.creation_time,
            }
            for i in self.instances.values()
        ]
        doc["clusters"] = [_dump_cluster(c) for c in self.clusters.values()]
        doc["gateways"] = [self._dump_gateway(g) for g in self.gateways.values()]
        doc["network_interfaces"] = [_dump_interface(e) for e in self.extra_interfaces.values()]
        doc["knobs"] = self.knobs.to_document()
        if self.meta:
            doc["meta"] = copy.deepcopy(self.meta)
        return doc

    def _dump_gateway(self, gw: Gateway) -> Dict[str, Any]:
        group = self.security_groups[gw.security_group_id]
        return {
            "id": gw.id,
            "name": gw.name,
            "vpc": gw.vpc_id,
            "vswitches": list(gw.vswitch_ids),
            "zones": [{"id": zone, "vswitch": vsw} for zone, vsw in gw.zones],
            "security_group": {"id": group.id, "name": group.name, "type": group.type},
            "status": gw.status,
            "gateway_type": gw.gateway_type,
            "edition": gw.edition,
            "spec": gw.spec,
            "replicas": gw.replicas,
            "version": gw.version,
            "resource_group_id": gw.resource_group_id,
            "charge_type": gw.charge_type,
            "create_timestamp": gw.create_timestamp,
            "tags": dict(gw.tags),
            "authorizations": [
                {
                    "id": a.id,
                    "security_group": a.security_group_id,
                    "port_range": a.port_range,
                    "description": a.description,
                    "auth_cidrs": list(a.auth_cidrs),
                    "permission_ids": list(a.permission_ids),
                }
                for a in gw.authorizations
            ],
            "services": [dump_service(s) for s in self.gateway_services(gw.id)],
        }


def _dump_group(group: SecurityGroup) -> Dict[str, Any]:
    permissions = []
    for p in group.permissions:
        entry = {
            "id": p.id,
            "direction": p.direction,
            "policy": p.policy,
            "priority": p.priority,
            "ip_protocol": p.ip_protocol,
            "port_range": p.port_range,
            "nic_type": p.nic_type,
        }
        for name in (
            "source_cidr_ip",
            "source_group_id",
            "source_port_range",
            "ipv6_source_cidr_ip",
            "source_prefix_list_id",
            "dest_cidr_ip",
            "dest_group_id",
            "ipv6_dest_cidr_ip",
            "dest_prefix_list_id",
            "description",
        ):
            if getattr(p, name):
                entry[name] = getattr(p, name)
        entry["create_time"] = p.create_time
        permissions.append(entry)
    return {
        "id": group.id,
        "name": group.name,
        "type": group.type,
        "vpc": group.vpc_id,
        "description": group.description,
        "rule_quota": group.rule_quota,
        "service_managed": group.service_managed,
        "tags": dict(group.tags),
        "creation_time": group.creation_time,
        "permissions": permissions,
    }


def _dump_interface(eni: NetworkInterface) -> Dict[str, Any]:
    entry = {
        "id": eni.id,
        "name": eni.name,
        "vswitch": eni.vswitch_id,
        "security_groups": list(eni.security_group_ids),
        "primary_ip": eni.primary_ip,
        "secondary_ips": list(eni.secondary_ips),
        "status": eni.status,
        "creation_time": eni.creation_time,
    }
    if eni.instance_id:
        entry["instance"] = eni.instance_id
    return entry


def dump_service(service: Service) -> Dict[str, Any]:
    entry: Dict[str, Any] = {
        "id": service.id,
        "name": service.name,
        "source_type": service.source_type,
        "namespace": service.namespace,
        "protocol": service.protocol,
        "ports": [{"port": p.port, "name": p.name, "protocol": p.protocol} for p in service.ports],
        "endpoints": [{e.kind: e.ref, "ports": list(e.ports), "healthy": e.healthy} for e in service.endpoints],
        "create_timestamp": service.create_timestamp,
    }
    if service.health_status is not None:
        entry["health_status"] = service.health_status
    return entry


def _dump_cluster(cluster: Cluster) -> Dict[str, Any]:
    return {
        "id": cluster.id,
        "name": cluster.name,
        "vpc": cluster.vpc_id,
        "security_group": cluster.security_group_id,
        "vswitches": list(cluster.vswitch_ids),
        "cluster_type": cluster.cluster_type,
        "state": cluster.state,
        "container_cidr": cluster.container_cidr,
        "node_pools": [
            {
                "id": p.id,
                "name": p.name,
                "security_groups": list(p.security_group_ids),
                "vswitches": list(p.vswitch_ids),
                "default": p.is_default,
            }
            for p in cluster.node_pools
        ],
        "nodes": [
            {"instance": n.instance_id, "node_pool": n.node_pool_id, "name": n.name, "state": n.state}
            for n in cluster.nodes
        ],
    }


class _IpAllocator:
    """Gives instances without ``private_ips`` the next free address of their vSwitch."""

    def __init__(self) -> None:
        self.taken: Dict[str, set] = {}
        self.waiting: List[Instance] = []

    def add(self, instance: Instance, where: str) -> None:
        taken = self.taken.setdefault(instance.vswitch_id, set())
        for ip in instance.private_ips:
            if ip in taken:
                raise WorldError(f"{where}.private_ips: {ip} is already used in {instance.vswitch_id}")
            taken.add(ip)
        if not instance.private_ips:
            self.waiting.append(instance)

    def assign(self, world: World) -> None:
        cursors: Dict[str, Any] = {}
        for instance in self.waiting:
            taken = self.taken.setdefault(instance.vswitch_id, set())
            addresses = cursors.get(instance.vswitch_id)
            if addresses is None:
                network = ipaddress.IPv4Network(world.vswitches[instance.vswitch_id].cidr)
                # ECS reserves the network address and the last three addresses of a vSwitch.
                first, last = int(network.network_address) + 1, int(network.broadcast_address) - 3
                addresses = (str(ipaddress.IPv4Address(n)) for n in range(first, last + 1))
                cursors[instance.vswitch_id] = addresses
            address = next((a for a in addresses if a not in taken), None)
            if address is None:
                raise WorldError(f"instance {instance.id}: vSwitch {instance.vswitch_id} has no free address left")
            taken.add(address)
            instance.private_ips = [address]


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


def read_document(text: str, where: str = "world") -> Any:
    """Parse YAML (JSON is YAML too); raises WorldError on a syntax error."""
    try:
        return yaml.load(text, Loader=YamlLoader)
    except yaml.YAMLError as exc:
        raise WorldError(f"{where}: not valid YAML or JSON: {exc}") from None


def dump_document(doc: Dict[str, Any]) -> str:
    return yaml.dump(doc, Dumper=YamlDumper, sort_keys=False, default_flow_style=False, allow_unicode=True)


def resolve_world_path(name: str) -> str:
    """A path as given, or the name of a file in tests/emulator/worlds (``demo.yml`` or ``demo``)."""
    candidates = [name, os.path.join(WORLDS_DIR, name), os.path.join(WORLDS_DIR, name + ".yml")]
    for candidate in candidates:
        if os.path.isfile(candidate):
            return os.path.abspath(candidate)
    raise WorldError(f"no world file {name!r} (looked in the current directory and {WORLDS_DIR})")


def load_document(world: Any) -> Tuple[Any, Optional[str]]:
    """(parsed document, file path or None) for a path, a name in worlds/, or a dict."""
    if isinstance(world, dict):
        return copy.deepcopy(world), None
    path = resolve_world_path(os.fspath(world))
    with open(path, encoding="utf-8") as handle:
        return read_document(handle.read(), path), path


def load_world(world: Any) -> World:
    """A validated World from a path, a name in tests/emulator/worlds, or a world-file dict."""
    doc, path = load_document(world)
    try:
        return World.from_document(doc)
    except WorldError as exc:
        if path:
            raise WorldError(f"{path}: {exc}") from None
        raise
