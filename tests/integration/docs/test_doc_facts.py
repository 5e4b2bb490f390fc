# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Facts the user docs repeat have one source each, and every copy is checked against it.

* RAM actions: docs/ram-policy.json (itself checked against the code and the emulator's call logs in
  integration/reliability/test_least_privilege.py). Every `apig:`/`ecs:`/`cs:` action a user doc names is in it, and
  the lists that claim to be complete (ram-policy.md's table and its counts, the AWX guide's marked list) equal it.
* The AWX surveys' hints: every option they name is a role variable or an option of a backends entry
  (roles/backend_access/meta/argument_specs.yml), node pools are named only as a narrowing of cluster_id, and the
  example answer each hint gives passes the role's own entry check (the backend_entries filter).
* Versions: meta/runtime.yml's requires_ansible is the ansible-core minimum. The Python minimum that the modules'
  and the inventory plugin's requirements state, and the README, is the one that ansible-core release needs on the
  control node (where the modules run); the demo's and the sample EE's Python are the ones their pinned
  ansible-core needs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[3]
POLICY = REPO / "docs" / "ram-policy.json"
AWX = REPO / "docs" / "awx"
ROLE_SPEC = REPO / "roles" / "backend_access" / "meta" / "argument_specs.yml"
USER_DOCS = [
    REPO / "README.md",
    REPO / "roles" / "backend_access" / "README.md",
    *sorted((REPO / "docs").rglob("*.md")),
    *sorted((REPO / "docs").rglob("*.yml")),
    *sorted((REPO / "plugins" / "modules").glob("*.py")),
    *sorted((REPO / "plugins" / "doc_fragments").glob("*.py")),
    REPO / "plugins" / "inventory" / "gateways.py",
]
ACTION = re.compile(r"\b(apig|ecs|cs):([A-Z][A-Za-z]+)\b")
NUMBER_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
}
# The Python each ansible-core release needs on the control node (its setup metadata, python_requires).
CONTROLLER_PYTHON = {
    "2.17": (3, 10),
    "2.18": (3, 11),
    "2.19": (3, 11),
    "2.20": (3, 12),
    "2.21": (3, 12),
}


def policy_actions() -> set:
    statement = json.loads(POLICY.read_text(encoding="utf-8"))["Statement"][0]
    return set(statement["Action"])


def actions_in(text: str) -> set:
    return {f"{product}:{name}" for product, name in ACTION.findall(text)}


@pytest.mark.parametrize("path", USER_DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_ram_action_a_user_doc_names_is_in_the_policy(path):
    unknown = actions_in(path.read_text(encoding="utf-8")) - policy_actions()
    assert not unknown, f"{path.relative_to(REPO)} names actions docs/ram-policy.json lacks: {sorted(unknown)}"


def test_the_awx_guides_list_is_the_policy():
    text = (AWX / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"<!-- ram-policy:.*?-->(.*?)<!-- end ram-policy -->", text, re.S)
    assert len(blocks) == 1, "the AWX guide lists the policy's actions once, between the ram-policy markers"
    assert actions_in(blocks[0]) == policy_actions()


def test_ram_policy_page_lists_and_counts_every_action():
    text = (REPO / "docs" / "ram-policy.md").read_text(encoding="utf-8")
    table = [line for line in text.splitlines() if re.match(r"^\| `(apig|ecs|cs):", line)]
    listed = [re.match(r"^\| `([a-z]+:[A-Za-z]+)`", line).group(1) for line in table]
    assert len(listed) == len(set(listed)) and set(listed) == policy_actions()
    counted = re.search(r"It has (\w+) actions: (\w+) of API Gateway \(APIG\), (\w+) of ECS and (\w+) of", text)
    assert counted, "ram-policy.md states how many actions the policy has"
    total, apig, ecs, cs = (NUMBER_WORDS[word] for word in counted.groups())
    products = [action.split(":")[0] for action in policy_actions()]
    assert (total, apig, ecs, cs) == (
        len(products),
        products.count("apig"),
        products.count("ecs"),
        products.count("cs"),
    )


def role_options() -> tuple:
    spec = yaml.safe_load(ROLE_SPEC.read_text(encoding="utf-8"))["argument_specs"]["main"]["options"]
    return set(spec), set(spec["backend_access_backends"]["options"])


def survey_questions():
    for path in sorted((AWX / "surveys").glob("*.json")):
        for question in json.loads(path.read_text(encoding="utf-8"))["spec"]:
            yield pytest.param(question, id=f"{path.stem}:{question['variable']}")


@pytest.mark.parametrize("question", list(survey_questions()))
def test_survey_hints_name_only_what_the_role_takes(question):
    variables, entry_options = role_options()
    hint = question["question_description"]
    named = set(re.findall(r"\b[a-z]+(?:_[a-z]+)+\b", hint))
    playbook_variables = {"apig_hosts", "apig_gateways", "apig_audit_report_dir", "apig_audit_fail_on_drift"}
    # The role's own name, and a group of the gateways inventory given as an example of a host pattern.
    other_names = {"backend_access", "region_cn_hangzhou"}
    unknown = named - variables - entry_options - playbook_variables - other_names
    assert not unknown, f"{question['variable']}: the hint names {sorted(unknown)}, which the role does not take"
    for narrowing in ("nodepool_ids", "nodepool_names"):
        if narrowing in hint:
            # A node pool is a part of a cluster, never a source of its own.
            assert re.search(r"cluster_id \([^)]*" + narrowing, hint), f"{narrowing} must be shown with cluster_id"


@pytest.mark.parametrize("question", list(survey_questions()))
def test_survey_example_answers_pass_the_roles_entry_check(question):
    from ansible_collections.alibabacloud.apig.plugins.filter.backend_rules import backend_entries

    examples = re.findall(r"e\.g\. (\[.*\])", question["question_description"])
    if question["variable"] != "backend_access_backends":
        assert not examples
        return
    for example in examples:
        entries = backend_entries(example, "backend_access_backends")
        assert entries and all(entry["source"] for entry in entries), example


def python_minimum(text: str, pattern: str) -> tuple:
    found = {tuple(int(part) for part in match) for match in re.findall(pattern, text)}
    assert len(found) == 1, f"one Python minimum, found {sorted(found)}"
    return found.pop()


def core_minimum() -> str:
    requires = yaml.safe_load((REPO / "meta" / "runtime.yml").read_text(encoding="utf-8"))["requires_ansible"]
    return re.fullmatch(r">=(\d+\.\d+)\.0", requires).group(1)


def test_python_and_ansible_core_versions_are_stated_once():
    python = CONTROLLER_PYTHON[core_minimum()]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"It needs ansible-core {core_minimum()} or newer, on Python {python[0]}.{python[1]} or newer." in readme
    for path in [*sorted((REPO / "plugins" / "doc_fragments").glob("*.py")), *(REPO / "plugins").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        if re.search(r"^\s*- python >=", text, re.M):
            assert python_minimum(text, r"- python >= (\d+)\.(\d+)") == python, path.relative_to(REPO)


def pinned_core(text: str) -> str:
    return re.search(r"ansible-core==(\d+\.\d+)\.\d+", text).group(1)


def test_the_demos_and_the_sample_ees_python_is_what_their_ansible_core_needs():
    demo_core = pinned_core((REPO / "requirements-dev.txt").read_text(encoding="utf-8"))
    major, minor = CONTROLLER_PYTHON[demo_core]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"`python3` (Python {major}.{minor} or newer: the demo runs ansible-core {demo_core})" in readme
    definition = yaml.safe_load((AWX / "execution-environment.yml").read_text(encoding="utf-8"))
    ee_core = pinned_core(definition["dependencies"]["ansible_core"]["package_pip"])
    ee_python = re.fullmatch(r"python(\d+)\.(\d+)", definition["dependencies"]["python_interpreter"]["package_system"])
    assert tuple(int(part) for part in ee_python.groups()) >= CONTROLLER_PYTHON[ee_core]
    assert [int(part) for part in ee_core.split(".")] >= [int(part) for part in core_minimum().split(".")]
