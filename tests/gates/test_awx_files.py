# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX files in docs/awx/ agree with the collection (the `awx` release gate runs this file with pytest).

- The credential type injects, for each of its inputs, the environment variable the module option of the
  same name falls back to (COMMON_ARGUMENT_SPEC in plugins/module_utils/_connection.py, read with ast:
  no import of the collection, so the test needs only pytest and PyYAML).
- Secret inputs are exactly the no_log options; no injected name starts with ANSIBLE_.
- The example project's playbooks import playbooks the collection has, and its requirements name it.
- The sample execution environment pins ansible-core 2.19 and installs the version galaxy.yml declares.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
AWX = REPO / "docs" / "awx"
CONNECTION = REPO / "plugins" / "module_utils" / "_connection.py"
CREDENTIAL_INPUTS = {"access_key_id", "access_key_secret", "security_token", "region"}
THIN_PLAYBOOKS = ("authorize_backends", "revoke", "audit")


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def literal_or_none(node: ast.AST):
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def common_argument_spec() -> dict:
    """{option: {"no_log": bool, "env": [names]}} from COMMON_ARGUMENT_SPEC = dict(option=dict(...), ...)."""
    tree = ast.parse(CONNECTION.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "COMMON_ARGUMENT_SPEC" for t in node.targets):
            spec_call = node.value
            break
    else:
        raise AssertionError(f"COMMON_ARGUMENT_SPEC not found in {CONNECTION}")
    assert isinstance(spec_call, ast.Call) and getattr(spec_call.func, "id", None) == "dict"
    spec = {}
    for option in spec_call.keywords:
        settings = {"no_log": False, "env": []}
        for setting in option.value.keywords:
            if setting.arg == "no_log":
                settings["no_log"] = bool(literal_or_none(setting.value))
            if setting.arg == "fallback" and isinstance(setting.value, ast.Tuple):
                # fallback=(env_fallback, ["NAME", ...])
                func, names = setting.value.elts
                if getattr(func, "id", None) == "env_fallback":
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
    assert set(credential_type["inputs"]["required"]) == {"access_key_id", "access_key_secret"}
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


def test_project_requirements_name_the_collection():
    requirements = load(AWX / "project" / "collections" / "requirements.yml")
    assert "alibabacloud.apig" in [c["name"] for c in requirements["collections"]]


@pytest.mark.parametrize("name", THIN_PLAYBOOKS)
def test_project_playbook_imports_the_collections_playbook(name):
    plays = load(AWX / "project" / f"{name}.yml")
    assert len(plays) == 1, "a thin playbook: one import"
    assert plays[0]["ansible.builtin.import_playbook"] == f"alibabacloud.apig.{name}"
    assert plays[0].get("name")


@pytest.mark.parametrize("name", THIN_PLAYBOOKS)
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
    for name in ("credential_type.yml", "execution-environment.yml", "project/", *THIN_PLAYBOOKS):
        assert name in readme
