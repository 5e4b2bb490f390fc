# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Malformed input to the three modules and the role, as one table.

Every case must end in a failed task whose message names the field and the value (or, for
Ansible's own type checks, the field and the value's type; for conflicts, both fields), without
a traceback or "MODULE FAILURE", and without any API call: only the API's own refusals (the
gateway's managed group) reach the API, as a single refused write with its error code.

The cases of a group share one ansible-playbook run (a run costs about two seconds): module
cases are tasks with ``ignore_errors``, each signing with its own access key so that the call log
tells their calls apart; role cases are inventory hosts, each with its own key in ``environment``.
No ALIBABA_CLOUD_REGION_ID is set, so each case passes its region, except those about a missing
region.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from typing import Dict
from typing import List
from typing import NamedTuple
from typing import Optional
from typing import Tuple

import pytest
import yaml
from integration.access_keys import add_keys
from integration.playbook import run_playbook
from integration.playbook import run_tasks
from integration.reliability.helpers import BSI
from integration.reliability.helpers import CLUSTER
from integration.reliability.helpers import CREDENTIAL_VARIABLES
from integration.reliability.helpers import DEMO_VARS
from integration.reliability.helpers import GI
from integration.reliability.helpers import GSA
from integration.reliability.helpers import GW
from integration.reliability.helpers import GW_SG
from integration.reliability.helpers import LIST
from integration.reliability.helpers import NODEPOOL
from integration.reliability.helpers import SG1
from integration.reliability.helpers import SG2
from integration.reliability.helpers import WRITES
from integration.reliability.helpers import assert_no_crash
from integration.reliability.helpers import env_without

OMIT = "<omit>"  # a case's argument with this value is left out of the task
CREDENTIAL_OPTIONS = ("access_key_id", "access_key_secret", "security_token", "profile")
ROLE = "role"


class Case(NamedTuple):
    name: str
    target: str  # a module's FQCN, or ROLE
    args: Dict[str, Any]  # module options, or the role's variables
    expect: Tuple[str, ...]  # fragments the failure message must contain
    refused: Optional[str] = None  # the API's error code when the API (not validation) refuses it
    reads: bool = False  # discovery reads before it refuses (a discovery miss): reads only, no write
    prechecked: bool = False  # refused by the pre-check of the target groups: reads only, no write, no error code


def gsa(label: str, expect: Tuple[str, ...], /, refused: Optional[str] = None, **args: Any) -> Case:
    base = {"gateway_id": GW, "security_group_id": SG1, "port_ranges": [8080]}
    return Case(label, GSA, dict(base, **args), expect, refused)


def bsi(label: str, expect: Tuple[str, ...], /, **args: Any) -> Case:
    return Case(label, BSI, args, expect)


def gi(label: str, expect: Tuple[str, ...], /, **args: Any) -> Case:
    return Case(label, GI, dict({"gateway_id": GW}, **args), expect)


def role(label: str, expect: Tuple[str, ...], /, refused: Optional[str] = None, **variables: Any) -> Case:
    return Case(label, ROLE, variables, expect, refused)


def miss(label: str, expect: Tuple[str, ...], /, **variables: Any) -> Case:
    """A role case that discovery refuses after its reads: with purge, and nothing may be written."""
    return Case(label, ROLE, dict(variables, backend_access_purge=True), expect, reads=True)


CLUSTER_ENTRY = {"cluster_id": CLUSTER, "port_ranges": [8080]}
SERVICE1, SERVICE2 = DEMO_VARS["backend_access_backends"]

GROUPS: Dict[str, List[Case]] = {
    "port_ranges": [
        gsa("port 0", ("port_ranges[0]: 0 ", "outside 1..65535"), port_ranges=[0]),
        gsa("port 65536", ("port_ranges[0]: 65536 ", "outside 1..65535"), port_ranges=[65536]),
        gsa("port 65536 in a range", ("port_ranges[0]: '80/65536'",), port_ranges=["80/65536"]),
        gsa(
            "reversed range",
            ("port_ranges[0]: '9000/80'", "start 9000 is greater than end 80"),
            port_ranges=["9000/80"],
        ),
        gsa("reversed dash range", ("port_ranges[0]: '90-80'", "greater than end"), port_ranges=["90-80"]),
        gsa("trailing slash", ("port_ranges[0]: '80/'", "not a valid port range"), port_ranges=["80/"]),
        gsa("letters", ("port_ranges[0]: 'abc'", "not a valid port range"), port_ranges=["abc"]),
        gsa("all ports", ("port_ranges[0]: '-1/-1'", "write 1/65535"), port_ranges=["-1/-1"]),
        gsa("negative port", ("port_ranges[1]: -80 ", "outside 1..65535"), port_ranges=[80, -80]),
        gsa("boolean", ("port_ranges[0]: True ", "boolean"), port_ranges=[True]),
        gsa("float", ("port_ranges[0]: 80.5 ", "float"), port_ranges=[80.5]),
        gsa("list as a range", ("port_ranges[0]: [80, 90] ", "a list is not a port range"), port_ranges=[[80, 90]]),
        gsa("dict where a list is expected", ("port_ranges", "dict", "list"), port_ranges={"8080": 8080}),
        gsa("empty with present", ("port_ranges: [] is required with state=present",), port_ranges=[]),
        gsa(
            "empty in rules",
            ("rules[0].port_ranges: [] is required with state=present",),
            security_group_id=OMIT,
            port_ranges=OMIT,
            rules=[{"security_group_id": SG1, "port_ranges": []}],
        ),
        gsa(
            "bad range in the second rule",
            ("rules[1].port_ranges[0]: '80-'",),
            security_group_id=OMIT,
            port_ranges=OMIT,
            rules=[{"security_group_id": SG1, "port_ranges": [80]}, {"security_group_id": SG2, "port_ranges": ["80-"]}],
        ),
    ],
    "gateway_sg_authorization": [
        gsa(
            "gateway id of the wrong form",
            ("gateway_id: 'demo-gateway'", "not a gateway id"),
            gateway_id="demo-gateway",
        ),
        gsa(
            "list where a string is expected", ("gateway_id: \"['gw-demo-hz01']\"", "not a gateway id"), gateway_id=[GW]
        ),
        gsa(
            "group id of the wrong form",
            ("security_group_id: 'default'", "not a security group id"),
            security_group_id="default",
        ),
        gsa(
            "group id of the wrong form in rules",
            ("rules[0].security_group_id: 'sg_1'",),
            security_group_id=OMIT,
            port_ranges=OMIT,
            rules=[{"security_group_id": "sg_1", "port_ranges": [80]}],
        ),
        Case(
            "the gateway's own managed group",
            GSA,
            {"gateway_id": GW, "security_group_id": GW_SG, "port_ranges": [8080]},
            (f"{GW_SG} is the gateway {GW}'s own managed security group", "nothing was written"),
            prechecked=True,
        ),
        Case(
            "a group that does not exist",
            GSA,
            {"gateway_id": GW, "security_group_id": "sg-doesnotexist", "port_ranges": [8080]},
            ("sg-doesnotexist does not exist", "nothing was written"),
            prechecked=True,
        ),
        Case(
            "a group in another VPC",
            GSA,
            {"gateway_id": GW, "security_group_id": "sg-other-hz01", "port_ranges": [8080]},
            ("sg-other-hz01 is in VPC vpc-other-hz01, not in the gateway", "VPC vpc-demo-hz01"),
            prechecked=True,
        ),
        gsa(
            "rules and security_group_id",
            ("mutually exclusive", "rules", "security_group_id"),
            port_ranges=OMIT,
            rules=[{"security_group_id": SG2, "port_ranges": [80]}],
        ),
        gsa("rules as a dict", ("rules", "dict", "list"), security_group_id=OMIT, port_ranges=OMIT, rules={SG1: [80]}),
        gsa("a rule that is a string", ("rules", "str", "dict"), security_group_id=OMIT, port_ranges=OMIT, rules=[SG1]),
        gsa(
            "unknown key in a rule",
            ("rules.ports", "Unsupported parameters"),
            security_group_id=OMIT,
            port_ranges=OMIT,
            rules=[{"security_group_id": SG1, "port_ranges": [80], "ports": [80]}],
        ),
        gsa(
            "a rule without its group",
            ("security_group_id", "rules"),
            security_group_id=OMIT,
            port_ranges=OMIT,
            rules=[{"port_ranges": [80]}],
        ),
        gsa(
            "neither group nor rules",
            ("security_group_id is required unless rules is given",),
            security_group_id=OMIT,
        ),
        gsa(
            "purge_security_groups without rules",
            ("purge_security_groups: True requires rules",),
            purge_security_groups=True,
        ),
        gsa(
            "purge_port_ranges with absent",
            ("purge_port_ranges: True cannot be used with state=absent",),
            state="absent",
            purge_port_ranges=True,
        ),
        gsa(
            "purge_security_groups with absent",
            ("purge_security_groups: True cannot be used with state=absent",),
            security_group_id=OMIT,
            port_ranges=OMIT,
            rules=[{"security_group_id": SG1}],
            state="absent",
            purge_security_groups=True,
        ),
        gsa(
            "empty rules with purge",
            ("rules: [] is empty with purge_security_groups=true", "give purge_all=true"),
            security_group_id=OMIT,
            port_ranges=OMIT,
            rules=[],
            purge_security_groups=True,
        ),
        gsa(
            "purge_all with rules",
            ("purge_all: True only confirms rules=[] with purge_security_groups=true",),
            security_group_id=OMIT,
            port_ranges=OMIT,
            rules=[{"security_group_id": SG1, "port_ranges": [80]}],
            purge_security_groups=True,
            purge_all=True,
        ),
        gsa(
            "fail_on_findings in lower case",
            ("fail_on_findings[0]: 'authorization_not_effective' is not a finding code",),
            fail_on_findings=["authorization_not_effective"],
        ),
        gsa("state not a choice", ("state", "gone"), state="gone"),
        gsa("max_concurrent_writes 0", ("max_concurrent_writes: 0 ", "between 1 and 16"), max_concurrent_writes=0),
        gsa("max_concurrent_writes 17", ("max_concurrent_writes: 17 ", "between 1 and 16"), max_concurrent_writes=17),
    ],
    "backend_sg_info and gateway_info": [
        bsi(
            "nodepool_ids and nodepool_names",
            ("mutually exclusive", "nodepool_ids", "nodepool_names"),
            cluster_id=CLUSTER,
            nodepool_ids=[NODEPOOL],
            nodepool_names=["service1-pool"],
        ),
        bsi(
            "nodepool_ids and nodepool_names in sources",
            ("mutually exclusive", "nodepool_ids", "nodepool_names", "sources"),
            sources=[{"cluster_id": CLUSTER, "nodepool_ids": [NODEPOOL], "nodepool_names": ["service1-pool"]}],
        ),
        bsi(
            "nodepool_ids without cluster_id",
            ("nodepool_ids", "cluster_id"),
            instance_ids=["i-node1-hz01"],
            nodepool_ids=[NODEPOOL],
        ),
        bsi("instance id of the wrong form", ("instance_ids[0]: 'web-1'", "not an instance"), instance_ids=["web-1"]),
        bsi("group id of the wrong form", ("security_group_ids[0]: 'sg_1'",), security_group_ids=["sg_1"]),
        bsi("cluster id of the wrong form", ("cluster_id: 'k8s-prod'",), cluster_id="k8s-prod"),
        bsi("vpc id of the wrong form", ("vpc_id: 'vpc_1'",), vpc_id="vpc_1", security_group_ids=[SG1]),
        bsi("tags as a list", ("instance_tags", "list", "dict"), instance_tags=["app=service2"]),
        bsi(
            "a tag value that is not a string",
            ("instance_tags.replicas: 3 ", "quote tag values"),
            instance_tags={"replicas": 3},
        ),
        bsi("dict where a list is expected", ("security_group_ids", "dict", "list"), security_group_ids={SG1: True}),
        bsi("no source", ("one of the following is required", "cluster_id", "sources"), vpc_id="vpc-demo-hz01"),
        bsi("empty sources", ("sources: [] must be a non-empty list",), sources=[]),
        bsi(
            "gateway without gateway_id",
            ("gateway_id is required with gateway",),
            security_group_ids=[SG1],
            gateway={"gateway_id": "gw-demo-hz01", "vpc_id": "vpc-demo-hz01"},
        ),
        bsi(
            "gateway of another id",
            ("gateway.gateway_id: 'gw-other' is not gateway_id 'gw-demo-hz01'",),
            security_group_ids=[SG1],
            gateway_id="gw-demo-hz01",
            gateway={"gateway_id": "gw-other", "vpc_id": "vpc-demo-hz01"},
        ),
        bsi(
            "gateway without its VPC",
            ("gateway.vpc_id is not a vpc id",),
            security_group_ids=[SG1],
            gateway_id="gw-demo-hz01",
            gateway={"gateway_id": "gw-demo-hz01"},
        ),
        bsi(
            "unknown key in a source",
            ("sources.clusters", "Unsupported parameters"),
            sources=[{"cluster_id": CLUSTER, "clusters": [CLUSTER]}],
        ),
        gi("gateway_id and name", ("mutually exclusive", "gateway_id", "name"), name="demo-gateway"),
        gi("gateway_id and vpc_id", ("mutually exclusive", "gateway_id", "vpc_id"), vpc_id="vpc-demo-hz01"),
        gi(
            "gateway id of the wrong form",
            ("gateway_id: 'demo-gateway'", "not a gateway id"),
            gateway_id="demo-gateway",
        ),
        gi(
            "cluster_id without authorizable",
            ("cluster_id: 'c-demo-hz01' only narrows authorizable=true",),
            cluster_id=CLUSTER,
        ),
        gi("blank name", ("name: '  ' must not be empty",), gateway_id=OMIT, name="  "),
        gi("authorizable not a boolean", ("authorizable", "maybe"), authorizable="maybe"),
        gi(
            "fail_on_findings with a blank code",
            ("fail_on_findings[1]: '' is not a finding code",),
            fail_on_findings=["all", ""],
        ),
        bsi(
            "fail_on_findings with a misspelt code",
            ("fail_on_findings[0]: 'Nodepool_Not_Found' is not a finding code",),
            cluster_id=CLUSTER,
            fail_on_findings=["Nodepool_Not_Found"],
        ),
        bsi(
            "allow_empty not a boolean",
            ("allow_empty", "maybe"),
            sources=[{"cluster_id": CLUSTER, "allow_empty": "maybe"}],
        ),
    ],
    # Text that reaches the API (descriptions), labels and finding codes: refused as typed, never stringified.
    "input text": [
        gsa("description a dict", ("description: {'a': 1} must be a string",), description={"a": 1}),
        gsa("description a number", ("description: 2024 must be a string",), description=2024),
        gsa(
            "description of 1 MB",
            ("description: 'xxxx", "has 1000000 characters; a description has at most 512"),
            description="x" * 1_000_000,
        ),
        gsa("description of 513 characters", ("has 513 characters",), description="d" * 513),
        gsa("description with NUL", ("description: 'a\\x00b'", "control character (U+0000"), description="a\x00b"),
        gsa("description with ESC", ("'\\x1b[31mred'", "control character (U+001B"), description="\x1b[31mred"),
        gsa("description with CR", ("description: 'ok\\r'", "control character (U+000D"), description="ok\r"),
        gsa(
            "description a list in rules",
            ("rules[0].description: ['a'] must be a string",),
            security_group_id=OMIT,
            port_ranges=OMIT,
            rules=[{"security_group_id": SG1, "port_ranges": [80], "description": ["a"]}],
        ),
        gsa(
            "port range with a leading space",
            ("port_ranges[0]: ' 80'", "leading or trailing whitespace"),
            port_ranges=[" 80"],
        ),
        gsa(
            "port range with a trailing space",
            ("port_ranges[1]: '80/80 '", "leading or trailing whitespace"),
            port_ranges=["8080", "80/80 "],
        ),
        gsa("port range with a newline", ("port_ranges[0]: '80\\n'", "whitespace"), port_ranges=["80\n"]),
        gsa(
            "fail_on_findings with an unknown code",
            ("fail_on_findings[0]: 'NOT_A_CODE' is not a finding code", "Known codes: AUTHORIZATION_NOT_EFFECTIVE"),
            fail_on_findings=["NOT_A_CODE"],
        ),
        bsi(
            "fail_on_findings with a pattern matching no code",
            ("fail_on_findings[1]: '*_NOT_FOUNDD' is not a finding code", "NODEPOOL_NOT_FOUND"),
            cluster_id=CLUSTER,
            fail_on_findings=["CLUSTER_NOT_FOUND", "*_NOT_FOUNDD"],
        ),
        gi(
            "fail_on_findings with an unknown code (gateway_info)",
            ("fail_on_findings[0]: 'DRIFT' is not a finding code", "Known codes:"),
            fail_on_findings=["DRIFT"],
        ),
        bsi(
            "source name a number",
            ("sources[0].name: 7 must be a string",),
            sources=[{"name": 7, "cluster_id": CLUSTER}],
        ),
        bsi(
            "source name blank",
            ("sources[0].name: ' ' must not be blank",),
            sources=[{"name": " ", "cluster_id": CLUSTER}],
        ),
    ],
    "role input text": [
        role(
            "entry name a number",
            ("backend_access_backends[0].name: 7 must be a string",),
            backend_access_backends=[dict(CLUSTER_ENTRY, name=7)],
        ),
        role(
            "entry name a list",
            ("backend_access_backends[0].name: ['web'] must be a string",),
            backend_access_backends=[dict(CLUSTER_ENTRY, name=["web"])],
        ),
        role(
            "entry name of two lines",
            ("backend_access_backends[0].name: 'web\\nprod' contains a control character",),
            backend_access_backends=[dict(CLUSTER_ENTRY, name="web\nprod")],
        ),
        role(
            "entry description a dict",
            ("backend_access_backends[0].description: {'a': 1} must be a string",),
            backend_access_backends=[dict(CLUSTER_ENTRY, description={"a": 1})],
        ),
        role(
            "entry description too long",
            ("backend_access_backends[0].description: 'ddd", "has 513 characters"),
            backend_access_backends=[dict(CLUSTER_ENTRY, description="d" * 513)],
        ),
        role(
            "entry description with ESC",
            ("backend_access_backends[0].description: '\\x1b]0;x'", "control character (U+001B at position 0)"),
            backend_access_backends=[dict(CLUSTER_ENTRY, description="\x1b]0;x")],
        ),
        role(
            "entry port range with a leading space",
            ("backend_access_backends[0].port_ranges[0]: ' 8080'", "leading or trailing whitespace"),
            backend_access_backends=[dict(CLUSTER_ENTRY, port_ranges=[" 8080"])],
        ),
        role(
            "entry port ranges with a space after a comma",
            ("backend_access_backends[0].port_ranges[1]: ' 8443'", "leading or trailing whitespace"),
            backend_access_backends=[dict(CLUSTER_ENTRY, port_ranges="8080, 8443")],
        ),
        role(
            "fail_on_findings with an unknown code",
            ("fail_on_findings[0]: 'NOT_A_CODE' is not a finding code", "Known codes:"),
            backend_access_fail_on_findings=["NOT_A_CODE"],
        ),
    ],
    "connection options": [
        gsa("missing region", ("region is required", "ALIBABA_CLOUD_REGION_ID"), region=OMIT),
        bsi("missing region (backend_sg_info)", ("region is required",), cluster_id=CLUSTER, region=OMIT),
        gi("missing region (gateway_info)", ("region is required",), region=OMIT),
        gsa("invalid region", ("region: 'Hangzhou' is not a region id",), region="Hangzhou"),
        gi("invalid region (gateway_info)", ("region: 'cn_hangzhou' is not a region id",), region="cn_hangzhou"),
        gsa("ftp endpoint", ("apig_endpoint: 'ftp://x'", "unsupported scheme"), apig_endpoint="ftp://x"),
        bsi(
            "endpoint with a path",
            ("ecs_endpoint: 'http://host/path'", "without a path"),
            security_group_ids=[SG1],
            ecs_endpoint="http://host/path",
        ),
        bsi(
            "endpoint port 70000",
            ("cs_endpoint: '127.0.0.1:70000'",),
            cluster_id=CLUSTER,
            cs_endpoint="127.0.0.1:70000",
        ),
        gsa(
            "access_key_id without secret",
            ("access_key_secret is required when access_key_id is set",),
            access_key_id="emulator-ak-demo",
        ),
        gi(
            "access_key_secret without id",
            ("access_key_id is required when access_key_secret is set",),
            access_key_secret="emulator-secret-demo",
        ),
        gi(
            "security_token without key",
            ("access_key_id is required when security_token is set",),
            security_token="a-token-of-nobody",
        ),
        gi(
            "access_key_id and profile",
            ("mutually exclusive", "access_key_id", "profile"),
            access_key_id="emulator-ak-demo",
            access_key_secret="emulator-secret-demo",
            profile="default",
        ),
        gsa("max_attempts 0", ("max_attempts: 0 must be at least 1",), max_attempts=0),
        gi("max_attempts not a number", ("max_attempts", "many"), max_attempts="many"),
        bsi("read_timeout 0", ("read_timeout: 0.0 must be greater than 0",), cluster_id=CLUSTER, read_timeout=0),
        gsa("negative retry_timeout", ("retry_timeout: -1.0 must be greater than 0",), retry_timeout=-1),
    ],
    "role": [
        role(
            "unknown entry key",
            ("backend_access_backends[0].ports: [1] is not a key of an entry",),
            backend_access_backends=[dict(CLUSTER_ENTRY, ports=[1])],
        ),
        role(
            "entry port 0",
            ("backend_access_backends[0].port_ranges[0]: 0 ", "outside 1..65535"),
            backend_access_backends=[dict(CLUSTER_ENTRY, port_ranges=[0])],
        ),
        role(
            "entry reversed range",
            ("backend_access_backends[0].port_ranges[0]: '9000/80'",),
            backend_access_backends=[dict(CLUSTER_ENTRY, port_ranges=["9000/80"])],
        ),
        role(
            "entry without ranges",
            ("backend_access_backends[0].port_ranges: [] must list at least one port range",),
            backend_access_backends=[dict(CLUSTER_ENTRY, port_ranges=[])],
        ),
        role(
            "entry without a source",
            ("backend_access_backends[0]: {'name': 'web'} names no source: give one or more of cluster_id",),
            backend_access_backends=[{"name": "web", "port_ranges": [8080]}],
        ),
        role(
            "entry with both node pool filters",
            ("backend_access_backends[0].nodepool_names: ['service1-pool'] is mutually exclusive with nodepool_ids",),
            backend_access_backends=[dict(CLUSTER_ENTRY, nodepool_ids=[NODEPOOL], nodepool_names=["service1-pool"])],
        ),
        role(
            "node pool filter without a cluster",
            ("backend_access_backends[0].nodepool_ids: ['np-service1-hz01'] needs cluster_id",),
            backend_access_backends=[
                {"instance_ids": ["i-node1-hz01"], "nodepool_ids": [NODEPOOL], "port_ranges": [80]}
            ],
        ),
        role(
            "backends as a string",
            ("backend_access_backends: 'c-demo-hz01' must be a list of backend entries",),
            backend_access_backends=CLUSTER,
        ),
        role(
            "backends as a dict",
            ("backend_access_backends: {'cluster_id': 'c-demo-hz01'", "must be a list of backend entries"),
            backend_access_backends=CLUSTER_ENTRY,
        ),
        role(
            "backends as text that is not YAML",
            ("backend_access_backends: '[{cluster_id: c-demo-hz01'", "is not valid YAML or JSON (expected"),
            backend_access_backends="[{cluster_id: c-demo-hz01",
        ),
        role(
            "no backends with purge",
            ("backend_access_backends is empty and backend_access_purge is true", "alibabacloud.apig.revoke"),
            backend_access_backends=[],
            backend_access_purge=True,
        ),
        role(
            "allow_empty with purge",
            ("backend_access_backends[0].allow_empty: True cannot be used with purge",),
            backend_access_backends=[dict(CLUSTER_ENTRY, allow_empty=True)],
            backend_access_purge=True,
        ),
        miss(
            "node pool name typo with purge",
            ("sources[0] (", "NODEPOOL_NOT_FOUND", "no node pool is named 'service1_pool'", "fail_on_empty"),
            backend_access_backends=[dict(SERVICE1, nodepool_names=["service1_pool"]), SERVICE2],
        ),
        miss(
            "unknown cluster with purge",
            ("sources[0] (", "CLUSTER_NOT_FOUND", "ACK cluster c-gone-hz01 was not found"),
            backend_access_backends=[dict(SERVICE1, cluster_id="c-gone-hz01"), SERVICE2],
        ),
        miss(
            "tag that matches nothing with purge",
            ("sources[1] (", "TAGS_MATCH_NO_INSTANCE", "carries all the tags app=service3"),
            backend_access_backends=[SERVICE1, dict(SERVICE2, instance_tags={"app": "service3"})],
        ),
        miss(
            "unknown instance with purge",
            ("sources[0] (", "INSTANCE_NOT_FOUND", "instance i-gone-hz01"),
            backend_access_backends=[{"instance_ids": ["i-gone-hz01", "i-svc2a-hz01"], "port_ranges": [80]}],
        ),
        role(
            "entry group id of the wrong form",
            ("security_group_ids[0]: 'default'", "not a security group id"),
            backend_access_backends=[{"security_group_ids": ["default"], "port_ranges": [80]}],
        ),
        Case(
            "entry naming the gateway's own group",
            ROLE,
            {"backend_access_backends": [{"security_group_ids": [GW_SG], "port_ranges": [80]}]},
            (GW_SG, "own managed security group", "nothing was written"),
            prechecked=True,
        ),
        role(
            "purge with absent",
            ("backend_access_purge: true only applies with backend_access_state: present",),
            backend_access_purge=True,
            backend_access_state="absent",
        ),
        role("state not a choice", ("backend_access_state", "gone"), backend_access_state="gone"),
        role("missing region", ("region is required",), region=OMIT),
        role(
            "gateway id of the wrong form",
            ("gateway_id: 'demo-gateway' is not a gateway id",),
            backend_access_gateway_id="demo-gateway",
        ),
    ],
}


def module_task(case: Case, keys: Dict[str, Dict[str, str]], region: str) -> Dict[str, Any]:
    args = dict(case.args)
    args.setdefault("region", region)
    if not any(option in args for option in CREDENTIAL_OPTIONS):
        args.update(keys[case.name])
    args = {k: v for k, v in args.items() if v != OMIT}
    return {"name": case.name, case.target: args, "ignore_errors": True}


def run_module_cases(
    emulator: Any, cases: List[Case], env: Dict[str, str], keys: Dict[str, Dict], check: bool = False
) -> Dict[str, Dict]:
    run = run_tasks([module_task(case, keys, emulator.region) for case in cases], env, check=check)
    assert run.rc == 0, run  # every failure was ignored
    assert_no_crash(run.output)
    return {case.name: run.task(case.name) for case in cases}


def run_role_cases(
    emulator: Any, cases: List[Case], env: Dict[str, str], keys: Dict[str, Dict], tmp_path: Path, check: bool = False
) -> Dict[str, Dict]:
    """One inventory host per case, each with the role's variables and its own key in `environment`."""
    hosts = {}
    for index, case in enumerate(cases):
        key = keys[case.name]
        case_env = {
            "ALIBABA_CLOUD_ACCESS_KEY_ID": key["access_key_id"],
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": key["access_key_secret"],
        }
        if case.args.get("region") != OMIT:
            case_env["ALIBABA_CLOUD_REGION_ID"] = emulator.region
        variables = dict(DEMO_VARS, **{k: v for k, v in case.args.items() if k != "region"})
        hosts[f"case{index}"] = dict(variables, ansible_connection="local", case_env=case_env)
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
    play = {
        "name": "role input",
        "hosts": "all",
        "gather_facts": False,
        "environment": "{{ case_env }}",
        "roles": [{"role": "alibabacloud.apig.backend_access"}],
    }
    run = run_playbook([play], env, check=check, inventory=str(inventory), args=["--forks", "4"])
    assert_no_crash(run.output)
    results = {}
    for index, case in enumerate(cases):
        failed = [r for r in run.results if r["host"] == f"case{index}" and r["status"] == "failed"]
        assert len(failed) == 1, (case.name, run)
        results[case.name] = dict(failed[0]["result"], _status="failed", _task=failed[0]["task"])
    return results


def check_case(case: Case, result: Dict[str, Any], calls: List[Dict[str, Any]]) -> List[str]:
    """What is wrong with one case's outcome (an empty list when nothing is)."""
    problems = []
    message = str(result.get("msg", ""))
    if result["_status"] != "failed":
        problems.append(f"status {result['_status']}")
    problems += [f"message lacks {fragment!r}" for fragment in case.expect if fragment not in message]
    problems += [f"message has {word!r}" for word in ("Traceback", "MODULE FAILURE") if word in message]
    refused = [c for c in calls if c["status"] != 200]
    if case.reads:
        # An unknown cluster is a refused read (404); the converge's list would mean the guard came too late.
        if not calls or [c for c in calls if c["action"] in WRITES + (LIST,)]:
            problems.append(f"calls {[(c['action'], c['status']) for c in calls]} (reads only, then refused)")
    elif case.prechecked:
        writes = [c["action"] for c in calls if c["action"].startswith(("Add", "Delete"))]
        if writes or refused or "error_code" in result:
            problems.append(f"writes {writes}, refused calls {refused}, error_code {result.get('error_code')!r}")
    elif case.refused:
        if result.get("error_code") != case.refused or not result.get("request_id"):
            problems.append(f"error_code {result.get('error_code')!r}, request_id {result.get('request_id')!r}")
        if [(c["action"], c["code"]) for c in refused] != [("AddGatewaySecurityGroupRule", case.refused)]:
            problems.append(f"refused calls {[(c['action'], c['code']) for c in refused]}")
    else:
        if calls:
            problems.append(f"API calls {[(c['action'], c['status']) for c in calls]}")
        if "error_code" in result:
            problems.append(f"error_code {result['error_code']!r} for a validation error")
    return [f"{case.name}: {problem} (message: {message!r})" for problem in problems]


# The input-text checks again in check mode: check mode refuses what the real run would refuse, before any call.
CHECK_MODE_GROUPS = ("input text", "role input text")


@pytest.mark.parametrize(
    "group, check", [(group, False) for group in GROUPS] + [(group, True) for group in CHECK_MODE_GROUPS]
)
def test_bad_input_fails_cleanly_naming_the_field_and_value(emulator, tmp_path, group, check):
    cases = GROUPS[group]
    keys = add_keys(emulator, [f"case{i}" for i in range(len(cases))])
    keys = {case.name: keys[f"case{i}"] for i, case in enumerate(cases)}
    # No region and no credentials from the environment: each case passes its own.
    env = env_without(emulator.env(), "ALIBABA_CLOUD_REGION_ID", *CREDENTIAL_VARIABLES)
    if all(case.target == ROLE for case in cases):
        results = run_role_cases(emulator, cases, env, keys, tmp_path, check)
    else:
        results = run_module_cases(emulator, cases, env, keys, check)

    calls = emulator.calls()
    problems = []
    for case in cases:
        key_id = keys[case.name]["access_key_id"]
        problems += check_case(case, results[case.name], [c for c in calls if c["access_key_id"] == key_id])
    # Cases that pass credentials of their own sign with no case key: they must not have called at all.
    case_keys = {key["access_key_id"] for key in keys.values()}
    problems += [f"a call with another key: {c}" for c in calls if c["access_key_id"] not in case_keys]
    assert not problems, "\n".join(problems)
