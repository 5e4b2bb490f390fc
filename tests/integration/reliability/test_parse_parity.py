# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role and the modules accept the same input: one table, run through both, compared.

Port forms go through the backend_access role (one entry of ``backend_access_backends``) and
through gateway_sg_authorization's ``rules[0].port_ranges``, the option the role's rules end in.
Source forms go through the role and through backend_sg_info's ``sources[0]``, the option the
role's discovery uses. The values come from YAML variables in the role's run (Ansible's tagged
types) and from module options in the other, so every form meets both input paths.

For each input both must agree: accepted by both, or refused by both with a message that names
the same field and value after the side's own prefix (``backend_access_backends[0]`` against
``rules[0]`` or ``sources[0]``). Where Ansible's type check refuses the module's option, only
the field's name is shared. Everything runs in check mode, once per side for the whole table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from typing import Dict
from typing import List
from typing import NamedTuple
from typing import Optional

import yaml
from integration.playbook import run_playbook
from integration.playbook import run_tasks
from integration.reliability.helpers import BSI
from integration.reliability.helpers import CLUSTER
from integration.reliability.helpers import DEMO_VARS
from integration.reliability.helpers import GSA
from integration.reliability.helpers import GW
from integration.reliability.helpers import NODEPOOL
from integration.reliability.helpers import SG1
from integration.reliability.helpers import SG2
from integration.reliability.helpers import assert_no_crash

ROLE_PREFIX = "backend_access_backends[0]"
INTERNAL_WORDS = ("_AnsibleTagged", "NoneType", "None is required", "Traceback", "MODULE FAILURE")


class Form(NamedTuple):
    name: str
    kind: str  # "ports" or "source"
    value: Any  # port_ranges for "ports", the source keys for "source"
    # None: both accept. Otherwise what both messages hold after their own prefix (".port_ranges[0]: '0'");
    # a fragment without a leading "." or ":" only has to appear somewhere (Ansible's type check words it).
    refusal: Optional[str] = None


def ports(name: str, value: Any, refusal: Optional[str] = None) -> Form:
    return Form(name, "ports", value, refusal)


def source(name: str, value: Dict[str, Any], refusal: Optional[str] = None) -> Form:
    return Form(name, "source", value, refusal)


FORMS: List[Form] = [
    ports("one port", 8080),
    ports("comma-separated string", "8080,8443"),
    ports("a list of an int and a range", [80, "8443/8443"]),
    ports("a dash range", "80-90"),
    ports("padded string", " 8080 ", ".port_ranges[0]: ' 8080 ' is not a valid port range: it has leading or"),
    ports("a space after a comma", "8080, 8443", ".port_ranges[1]: ' 8443' is not a valid port range"),
    ports("a trailing newline", ["80/80\n"], ".port_ranges[0]: '80/80\\n' is not a valid port range"),
    ports("duplicates", [8080, "8080/8080"]),
    ports("port 0", 0, ".port_ranges[0]: '0' is not a valid port range"),
    ports("port 0 in a list", [0], ".port_ranges[0]: 0 is not a valid port range"),
    ports("reversed range", "9000/80", ".port_ranges[0]: '9000/80' is not a valid port range"),
    ports("bad second of two", "80,abc", ".port_ranges[1]: 'abc' is not a valid port range"),
    ports("float", 80.5, ".port_ranges[0]: '80.5' is not a valid port range"),
    ports("boolean in a list", [True], ".port_ranges[0]: True is not a valid port range"),
    ports("a list in the list", [[80, 90]], ".port_ranges[0]: [80, 90] is not a valid port range"),
    ports("all ports", ["-1/-1"], ".port_ranges[0]: '-1/-1' is not a valid port range"),
    ports("empty list", [], ".port_ranges: []"),
    ports("a dictionary", {"from": 80}, "port_ranges"),
    source("a cluster", {"cluster_id": CLUSTER}),
    source("node pool names as a string", {"cluster_id": CLUSTER, "nodepool_names": "service1-pool"}),
    source("instance ids as a string", {"instance_ids": "i-node1-hz01"}),
    source("tags as k=v", {"instance_tags": "app=service2"}),
    source("several kinds", {"cluster_id": CLUSTER, "security_group_ids": [SG2, SG2]}),
    source("a name", {"name": "web 1", "security_group_ids": [SG1]}),
    source("a number as name", {"name": 7, "security_group_ids": [SG1]}, ".name: 7 must be a string"),
    source("a list as name", {"name": ["web"], "security_group_ids": [SG1]}, ".name: ['web'] must be a string"),
    source("a blank name", {"name": " ", "security_group_ids": [SG1]}, ".name: ' ' must not be blank"),
    source("a name of two lines", {"name": "web\n1", "security_group_ids": [SG1]}, ".name: 'web\\n1' contains"),
    source("no source", {"name": "web"}, ": {'name': 'web'} names no source"),
    source("cluster id of the wrong form", {"cluster_id": "k8s-prod"}, ".cluster_id: 'k8s-prod' is not a cluster id"),
    source("empty instance ids", {"instance_ids": []}, ".instance_ids: [] must not be empty"),
    source(
        "instance id of the wrong form", {"instance_ids": ["web-1"]}, ".instance_ids[0]: 'web-1' is not an instance"
    ),
    source("group ids as a bad string", {"security_group_ids": "sg_1"}, ".security_group_ids[0]: 'sg_1' is not a"),
    source("tag value not a string", {"instance_tags": {"replicas": 3}}, ".instance_tags.replicas: 3 is not a string"),
    source(
        "both node pool filters",
        {"cluster_id": CLUSTER, "nodepool_ids": [NODEPOOL], "nodepool_names": ["service1-pool"]},
        ".nodepool_names: ['service1-pool'] is mutually exclusive with nodepool_ids",
    ),
    source(
        "node pools without a cluster",
        {"instance_ids": ["i-node1-hz01"], "nodepool_ids": [NODEPOOL]},
        f".nodepool_ids: ['{NODEPOOL}'] needs cluster_id",
    ),
    source("tags as a list", {"instance_tags": ["app=service2"]}, "instance_tags"),
]


def role_entry(form: Form) -> Dict[str, Any]:
    if form.kind == "ports":
        return {"security_group_ids": [SG1], "port_ranges": form.value}
    return dict(form.value, port_ranges=[8080])


def module_task(form: Form, index: int) -> Dict[str, Any]:
    if form.kind == "ports":
        args = {"gateway_id": GW, "rules": [{"security_group_id": SG1, "port_ranges": form.value}]}
        return {"name": f"form{index}", GSA: args, "ignore_errors": True}
    return {"name": f"form{index}", BSI: {"sources": [form.value]}, "ignore_errors": True}


def run_role(emulator: Any, tmp_path: Path) -> Dict[int, Optional[str]]:
    """Per form, the role's failure message, or None when the role ran through (in check mode)."""
    hosts = {
        f"form{index}": dict(DEMO_VARS, backend_access_backends=[role_entry(form)], ansible_connection="local")
        for index, form in enumerate(FORMS)
    }
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
    play = {"name": "parity", "hosts": "all", "gather_facts": False, "roles": ["alibabacloud.apig.backend_access"]}
    run = run_playbook([play], emulator.env(), check=True, inventory=str(inventory), args=["--forks", "4"])
    assert_no_crash(run.output)
    outcome: Dict[int, Optional[str]] = {}
    for index in range(len(FORMS)):
        failed = [r for r in run.results if r["host"] == f"form{index}" and r["status"] == "failed"]
        assert len(failed) <= 1, run
        outcome[index] = str(failed[0]["result"].get("msg")) if failed else None
    return outcome


def run_modules(emulator: Any) -> Dict[int, Optional[str]]:
    run = run_tasks([module_task(form, index) for index, form in enumerate(FORMS)], emulator.env(), check=True)
    assert run.rc == 0, run
    assert_no_crash(run.output)
    outcome: Dict[int, Optional[str]] = {}
    for index in range(len(FORMS)):
        result = run.task(f"form{index}")
        outcome[index] = str(result.get("msg")) if result["_status"] == "failed" else None
    return outcome


def disagreement(form: Form, role_message: Optional[str], module_message: Optional[str]) -> Optional[str]:
    module_prefix = "rules[0]" if form.kind == "ports" else "sources[0]"
    if form.refusal is None:
        if role_message is not None or module_message is not None:
            return f"accepted by the role: {role_message is None}, by the module: {module_message is None}"
        return None
    if role_message is None or module_message is None:
        return f"refused by the role: {role_message!r}, by the module: {module_message!r}"
    exact = form.refusal.startswith((".", ":"))
    expected = [(role_message, ROLE_PREFIX), (module_message, module_prefix)]
    for message, prefix in expected:
        wanted = prefix + form.refusal if exact else form.refusal
        if wanted not in message:
            return f"{wanted!r} not in {message!r}"
    return None


def test_the_role_and_the_modules_accept_and_refuse_the_same_forms(emulator, tmp_path):
    role = run_role(emulator, tmp_path)
    modules = run_modules(emulator)
    problems = []
    for index, form in enumerate(FORMS):
        problem = disagreement(form, role[index], modules[index])
        if problem:
            problems.append(f"{form.name}: {problem}")
        for message in (role[index], modules[index]):
            problems += [f"{form.name}: {word!r} in {message!r}" for word in INTERNAL_WORDS if word in (message or "")]
    assert not problems, "\n".join(problems)
    # Check mode: nothing was written by either side.
    writes = [c for c in emulator.calls() if c["action"].startswith(("Add", "Delete", "Authorize", "Revoke"))]
    assert writes == []
