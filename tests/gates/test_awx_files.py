# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX files in docs/awx/ agree with the collection (the `awx` release gate runs this file with pytest).

- The credential type injects, for each of its inputs, the environment variable the module option of the
  same name reads (COMMON_ARGUMENT_SPEC and the *_VARIABLES names in plugins/module_utils/_connection.py, read
  with ast: no import of the collection, so the test needs only pytest and PyYAML).
- Secret inputs are exactly the no_log options; no injected name starts with ANSIBLE_.
- The example project's playbooks import playbooks the collection has, and its requirements name it.
- The sample execution environment pins ansible-core 2.19 and installs the version galaxy.yml declares; its
  tag names a registry; bindep.txt's Python headers are those of the EE's Python.
- One survey spec per project playbook, in the API's form, asking only for variables the playbooks read.
- The inventory source example is a file of the collection's inventory plugin.
- The story on publication is one: the collection is installed from the user's own checkout (its tarball, in the
  EE), no document installs it by its Galaxy name, and no address is invented for it (galaxy.yml names none).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
AWX = REPO / "docs" / "awx"
CONNECTION = REPO / "plugins" / "module_utils" / "_connection.py"
CREDENTIAL_INPUTS = {
    "access_key_id",
    "access_key_secret",
    "security_token",
    "region",
    "apig_endpoint",
    "ecs_endpoint",
    "cs_endpoint",
}
SURVEY_TYPES = {"text", "textarea", "password", "integer", "float", "multiplechoice", "multiselect"}
SURVEY_KEYS = {
    "question_name",
    "question_description",
    "required",
    "type",
    "variable",
    "min",
    "max",
    "default",
    "choices",
}
THIN_PLAYBOOKS = ("authorize_backends", "revoke", "audit")
# Every playbook of the example project imports the collection's playbook of its name.
PROJECT_PLAYBOOKS = (*THIN_PLAYBOOKS, "site")


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def literal_or_none(node: ast.AST):
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def common_argument_spec() -> dict:
    """{option: {"no_log": bool, "env": [names]}} from _connection.py's COMMON_ARGUMENT_SPEC.

    An option's names are its env_fallback's list, or, for the options _connection.resolve_credentials reads from the
    environment itself (access_key_id, profile: options beat the environment), the tuple <OPTION>_VARIABLES.
    """
    tree = ast.parse(CONNECTION.read_text(encoding="utf-8"))
    constants = {
        target.id: literal_or_none(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and target.id.endswith("_VARIABLES")
    }
    spec_call = next(
        (
            node.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            and any(getattr(t, "id", None) == "COMMON_ARGUMENT_SPEC" for t in node.targets)
        ),
        None,
    )
    assert isinstance(spec_call, ast.Call) and getattr(spec_call.func, "id", None) == "dict", CONNECTION
    spec = {}
    for option in spec_call.keywords:
        settings = {"no_log": False, "env": list(constants.get(option.arg.upper() + "_VARIABLES") or [])}
        for setting in option.value.keywords:
            if setting.arg == "no_log":
                settings["no_log"] = bool(literal_or_none(setting.value))
            if setting.arg == "fallback" and isinstance(setting.value, ast.Tuple):
                # fallback=(env_fallback, ["NAME", ...]) or (env_fallback, list(NAME_VARIABLES))
                func, names = setting.value.elts
                if isinstance(names, ast.Call) and names.args and isinstance(names.args[0], ast.Name):
                    names = names.args[0]
                    settings["env"] = list(constants.get(names.id) or [])
                elif getattr(func, "id", None) == "env_fallback":
                    settings["env"] = list(literal_or_none(names) or [])
        spec[option.arg] = settings
    return spec


@pytest.fixture(scope="module")
def credential_type() -> dict:
    return load(AWX / "credential_type.yml")


@pytest.fixture(scope="module")
def spec() -> dict:
    return common_argument_spec()


def test_credential_type_shape(credential_type):
    assert credential_type["kind"] == "cloud"
    assert credential_type["name"]
    fields = {f["id"]: f for f in credential_type["inputs"]["fields"]}
    assert set(fields) == CREDENTIAL_INPUTS
    assert all(f.get("type", "string") == "string" and f.get("label") for f in fields.values())
    assert set(credential_type["inputs"]["required"]) == {"access_key_id", "access_key_secret", "region"}
    assert set(credential_type["injectors"]) == {"env"}, "only environment variables: no extra_vars, no files"


def test_every_input_is_injected_as_the_env_name_its_option_reads(credential_type, spec):
    env = credential_type["injectors"]["env"]
    for field in credential_type["inputs"]["fields"]:
        option = field["id"]
        assert option in spec, f"input {option} is not a module option"
        assert spec[option]["env"], f"option {option} has no env fallback"
        # The first fallback name is the SDK's own (ALIBABA_CLOUD_*); the others are legacy aliases.
        wanted = spec[option]["env"][0]
        assert env.get(wanted) == "{{ " + option + " }}", f"{wanted} must inject input {option}"
    injected_inputs = {re.fullmatch(r"\{\{ *(\w+) *\}\}", value).group(1) for value in env.values()}
    assert injected_inputs == CREDENTIAL_INPUTS


def test_injected_names_are_read_by_the_modules(credential_type, spec):
    read_by_modules = {name for settings in spec.values() for name in settings["env"]}
    assert set(credential_type["injectors"]["env"]) <= read_by_modules


def test_no_injected_name_starts_with_ansible(credential_type):
    assert not [name for name in credential_type["injectors"]["env"] if name.upper().startswith("ANSIBLE_")]


def test_secret_inputs_are_the_no_log_options(credential_type, spec):
    secret = {f["id"] for f in credential_type["inputs"]["fields"] if f.get("secret")}
    no_log = {option for option, settings in spec.items() if settings["no_log"] and option in CREDENTIAL_INPUTS}
    assert secret == no_log == {"access_key_secret", "security_token"}


def test_project_installs_no_collection_from_an_address_nobody_can_verify():
    """The EE built from the user's tarball carries the collection: the project names no Git or Galaxy source."""
    assert not (AWX / "project" / "collections" / "requirements.yml").exists()


def test_no_document_installs_the_collection_by_its_galaxy_name():
    """Not published yet: documents install it from the user's checkout (its tarball or its Git history)."""
    for path in (REPO / "README.md", AWX / "README.md"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"collection install alibabacloud\.apig\b", text), path
        assert "not on Galaxy or Automation Hub yet" in text, path


def test_no_document_or_metadata_names_an_unverified_web_address_for_the_collection():
    """galaxy.yml names no repository, documentation or issues address while none exists; no doc invents one."""
    galaxy = load(REPO / "galaxy.yml")
    assert not {"repository", "documentation", "issues", "homepage"} & set(galaxy), "no public address exists yet"
    documents = [REPO / "README.md", REPO / "roles" / "backend_access" / "README.md", *sorted(AWX.rglob("*"))]
    documents += sorted((REPO / "docs").glob("*.md"))
    for path in documents:
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"github\.com/alibabacloud|ansible-collection-apig", text), path


def test_execution_environment_tag_names_a_registry_and_bindep_the_ees_python():
    definition = load(AWX / "execution-environment.yml")
    tags = definition["options"]["tags"]
    assert tags and all(re.fullmatch(r"[a-z0-9.-]+\.[a-z]+(:\d+)?/[\w./-]+:[\w.-]+", tag) for tag in tags), tags
    python = definition["dependencies"]["python_interpreter"]["package_system"]  # python3.11
    bindep = [
        line.split()[0]
        for line in (REPO / "bindep.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    headers = [name for name in bindep if name.startswith("python") and name.endswith("-devel")]
    assert headers == [f"{python}-devel"]


@pytest.mark.parametrize("name", THIN_PLAYBOOKS)
def test_survey_spec_per_job_template(name):
    survey = json.loads((AWX / "surveys" / f"{name}.json").read_text(encoding="utf-8"))
    assert set(survey) == {"name", "description", "spec"} and survey["name"]
    variables = [question["variable"] for question in survey["spec"]]
    assert len(variables) == len(set(variables)) and "backend_access_backends" in variables
    for question in survey["spec"]:
        assert set(question) >= SURVEY_KEYS, question
        assert question["type"] in SURVEY_TYPES
        assert re.fullmatch(r"[a-z_][a-z0-9_]*", question["variable"])
        assert not question["variable"].startswith("ansible_")
        assert isinstance(question["required"], bool) and 0 <= question["min"] <= question["max"]
        assert question["variable"] in role_and_playbook_variables(), question["variable"]


def role_and_playbook_variables() -> set:
    """The role's argument spec variables, and the variables the collection's playbooks read."""
    spec = load(REPO / "roles" / "backend_access" / "meta" / "argument_specs.yml")
    names = {v for entry in spec["argument_specs"].values() for v in entry.get("options", {})}
    playbooks = " ".join(p.read_text(encoding="utf-8") for p in (REPO / "playbooks").glob("*.yml"))
    names.update(re.findall(r"\b(apig_\w+|backend_access_\w+)\b", playbooks))
    names.add("backend_access_region")  # the role's per-host region (issue 18, item 2)
    return names


def test_inventory_source_is_a_file_of_the_gateways_plugin():
    source = AWX / "project" / "inventories" / "gateways.apig.yml"
    config = load(source)
    assert config["plugin"] == "alibabacloud.apig.gateways"
    assert (REPO / "plugins" / "inventory" / "gateways.py").is_file()
    assert len(config["regions"]) >= 2
    assert "backend_access_region" in [group["key"] for group in config["keyed_groups"]]
    assert not {"access_key_id", "access_key_secret", "security_token"} & set(config), "credentials come from AWX"


@pytest.mark.parametrize("name", PROJECT_PLAYBOOKS)
def test_project_playbook_imports_the_collections_playbook(name):
    plays = load(AWX / "project" / f"{name}.yml")
    assert len(plays) == 1, "a thin playbook: one import"
    assert plays[0]["ansible.builtin.import_playbook"] == f"alibabacloud.apig.{name}"
    assert plays[0].get("name")


@pytest.mark.parametrize("name", PROJECT_PLAYBOOKS)
def test_imported_playbook_exists_in_the_collection(name):
    if not (REPO / "playbooks").is_dir():
        pytest.skip("playbooks/ is not written yet")
    assert (REPO / "playbooks" / f"{name}.yml").is_file(), f"playbooks/{name}.yml is imported by docs/awx/project"


def test_sample_execution_environment_installs_this_version():
    definition = load(AWX / "execution-environment.yml")
    version = str(load(REPO / "galaxy.yml")["version"])
    assert definition["version"] == 3
    assert re.fullmatch(r"ansible-core==2\.19\.\d+", definition["dependencies"]["ansible_core"]["package_pip"])
    text = (AWX / "execution-environment.yml").read_text(encoding="utf-8")
    assert f"alibabacloud-apig-{version}.tar.gz" in text or f"version: {version}" in text


def test_readme_names_every_file():
    readme = (AWX / "README.md").read_text(encoding="utf-8")
    for name in (
        "credential_type.yml",
        "execution-environment.yml",
        "project/",
        "surveys/",
        "inventories/gateways.apig.yml",
        *PROJECT_PLAYBOOKS,
    ):
        assert name in readme
