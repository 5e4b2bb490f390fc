# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Gate: the collection as a user installs it, run from that install and never from the source tree.

    python3 tests/gates/gate_artifact.py

1. A fresh virtual environment on Python 3.12 with only requirements.txt and the newest ansible-core the
   collection is tested on (the ansible-core pin of tests/core_versions/constraints-2.21.txt, whose pins also
   constrain the SDKs), and nothing else: no test tool, no ANSIBLE_PYTHON_INTERPRETER.
2. `ansible-galaxy collection build` of the checkout with that ansible-core, and `ansible-galaxy collection install`
   of the tarball into a collections path of its own.
3. From that install, on a read-only bind mount of it (`unshare -rm`, as in an execution environment's image) for
   every command below, so that Python cannot leave __pycache__ in it either (ansible-galaxy collection verify
   counts those as modified content: ansible/ansible#81628): `ansible-doc` of every module, inventory and filter
   plugin the install lists (and the listing must hold every plugin file shipped) and of the role, with no warning.
4. The demo's steps against the emulator (demo world), with the demo's backends file as the user's own: authorize
   with --diff, the same run again with no write call, the audit, a service's port moved, the audit, authorize from
   the gateway's services with purge, the audit. The audit's reports land in the current directory; an
   apig_audit_report_dir inside the read-only install fails before any API call, naming the variable.
5. The inventory plugin (`ansible-inventory --list` on a demo.apig.yml) and the site playbook over it (check mode).
6. `ansible-galaxy collection verify --offline` of the install, after the audits: no file of it changed.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import _common

PYTHON = "3.12"
CONSTRAINTS = _common.REPO / "tests" / "core_versions" / "constraints-2.21.txt"
DEMO_BACKENDS = _common.REPO / "demo" / "backends.yml"
DEMO_SERVICES = _common.REPO / "demo" / "services.yml"
WRITES = {"AddGatewaySecurityGroupRule", "DeleteGatewaySecurityGroupRule"}
GATEWAY = "gw-demo-hz01"


class Failed(Exception):
    """A step of the gate failed; the message says which and why."""


def find_python() -> str:
    """Python 3.12: on PATH, or under pyenv's versions."""
    candidates = [shutil.which(f"python{PYTHON}")]
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates += sorted(glob.glob(os.path.join(root, "versions", f"{PYTHON}.*", "bin", "python")), reverse=True)
    for candidate in filter(None, candidates):
        if subprocess.call([candidate, "-c", "import venv, ensurepip"], stderr=subprocess.DEVNULL) == 0:
            return candidate
    raise Failed(f"no Python {PYTHON} with venv and ensurepip on PATH or under {root}/versions")


def read_only(command: list, path: Path) -> list:
    """The command run in a mount namespace of its own where `path` is a read-only bind mount."""
    quoted = shlex.quote(str(path))
    script = (
        f"mount --bind {quoted} {quoted} && mount -o remount,ro,bind {quoted} && exec {shlex.join(map(str, command))}"
    )
    return ["unshare", "--map-root-user", "--mount", "sh", "-c", script]


def check(step: str, command: list, cwd: Path, env: dict, timeout: int = 900) -> str:
    """Run a command; raise Failed naming the step when it exits non-zero; return its output."""
    rc, output = _common.run(command, cwd, env, timeout=timeout)
    if rc != 0:
        raise Failed(f"{step}: exited {rc}: {output.strip().splitlines()[-1:] or ''}")
    return output


def from_install(step: str, command: list, cwd: Path, env: dict) -> str:
    """check() of a command that uses the install, with the install (ANSIBLE_COLLECTIONS_PATH) read-only."""
    return check(step, read_only(command, Path(env["ANSIBLE_COLLECTIONS_PATH"])), cwd, env)


def fresh_venv(work: Path) -> Path:
    """The user's venv: requirements.txt and ansible-core, pinned as the 2.21 suite runs them."""
    venv = work / "venv"
    pins = CONSTRAINTS.read_text(encoding="utf-8")
    core = re.search(r"^ansible-core==\S+$", pins, re.M).group(0)
    env = _common.tool_env()
    check("venv", [find_python(), "-m", "venv", venv], work, env)
    pip = [venv / "bin" / "python", "-m", "pip", "--disable-pip-version-check", "--quiet", "install"]
    check("pip", [*pip, "pip==26.3"], work, env)
    requirements = ["-r", _common.REPO / "requirements.txt", core, "-c", CONSTRAINTS]
    check("pip install -r requirements.txt ansible-core", [*pip, *requirements], work, env)
    return venv


def user_env(venv: Path, collections: Path, home: Path, emulator_env: dict) -> dict:
    """A user's shell: the venv first on PATH, the install on ANSIBLE_COLLECTIONS_PATH, no other Ansible setting."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "VIRTUAL_ENV", "PYTHON", "ALIBABA"))}
    env.update(emulator_env)
    env.update(
        PATH=os.pathsep.join([str(venv / "bin"), env.get("PATH", "/usr/bin:/bin")]),
        VIRTUAL_ENV=str(venv),
        HOME=str(home),
        ANSIBLE_COLLECTIONS_PATH=str(collections),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
    )
    return env


def document_everything(installed: Path, cwd: Path, env: dict) -> int:
    """ansible-doc of every plugin the install lists (which must be every plugin file it ships) and of the role."""
    shipped = {
        "module": {p.stem for p in (installed / "plugins" / "modules").glob("*.py") if p.stem != "__init__"},
        "inventory": {p.stem for p in (installed / "plugins" / "inventory").glob("*.py") if p.stem != "__init__"},
        "filter": {p.stem for p in (installed / "plugins" / "filter").glob("*.yml")},
    }
    count = 0
    for kind, names in shipped.items():
        listing = from_install(
            f"ansible-doc -t {kind} --list",
            ["ansible-doc", "-t", kind, "--list", "--json", "alibabacloud.apig"],
            cwd,
            env,
        )
        listed = {name.split(".")[-1] for name in json.loads(listing[listing.index("{") :])}
        if listed != names:
            raise Failed(f"ansible-doc -t {kind} --list: lists {sorted(listed)}, the install ships {sorted(names)}")
        for name in sorted(names):
            doc_output(["ansible-doc", "-t", kind, f"alibabacloud.apig.{name}"], cwd, env)
            count += 1
    doc_output(["ansible-doc", "-t", "role", "alibabacloud.apig.backend_access"], cwd, env)
    return count


def doc_output(command: list, cwd: Path, env: dict) -> None:
    """ansible-doc, which must not warn; ansible-core 2.21's own warning on its bundled internal collection
    (site-packages/ansible/_internal/ansible_collections, no MANIFEST.json) is not the collection's."""
    output = from_install(" ".join(command), command, cwd, env)
    warnings = [
        line
        for line in output.splitlines()
        if re.search(r"\[(WARNING|ERROR)\]", line) and "/site-packages/ansible/_internal/" not in line
    ]
    if warnings:
        raise Failed(f"{' '.join(command)}: warned: {warnings[0]}")


def playbook(name: str, cwd: Path, env: dict, *args) -> subprocess.CompletedProcess:
    """ansible-playbook alibabacloud.apig.<name> as the user types it, the install read-only."""
    command = ["ansible-playbook", f"alibabacloud.apig.{name}", "-e", f"@{DEMO_BACKENDS}", *map(str, args)]
    print("$ " + " ".join(command), flush=True)
    command = read_only(command, Path(env["ANSIBLE_COLLECTIONS_PATH"]))
    result = subprocess.run(
        command, cwd=cwd, env=dict(env, PWD=str(cwd)), capture_output=True, text=True, timeout=900, check=False
    )
    print(result.stdout[-4000:] + result.stderr[-2000:], flush=True)
    return result


def step(name: str, result: subprocess.CompletedProcess) -> None:
    if result.returncode != 0:
        tail = (result.stdout + result.stderr).strip().splitlines()[-3:]
        raise Failed(f"{name}: exited {result.returncode}: {' | '.join(tail)}")
    if "Traceback" in result.stdout + result.stderr:
        raise Failed(f"{name}: a traceback reached the user")


def writes(emulator) -> int:
    count = sum(1 for call in emulator.calls() if call["action"] in WRITES)
    emulator.clear_calls()
    return count


def run_demo(emulator, user: Path, env: dict, collections: Path) -> None:
    """The demo's six steps, from the install; every audit on a read-only collection path."""
    step("authorize --diff", playbook("authorize_backends", user, env, "--diff"))
    if writes(emulator) == 0:
        raise Failed("authorize: the first run wrote nothing")
    step("authorize again", playbook("authorize_backends", user, env, "--diff"))
    if writes(emulator):
        raise Failed("authorize again: the second run wrote to the gateway")
    audit_read_only(emulator, user, env, collections)
    emulator.update_service("svc-demo-sg1-hz01", move_port={"from": 8080, "to": 8081})
    moved = playbook("audit", user, env)
    step("audit after the port moved", moved)
    if "SERVICE_PORT_NOT_AUTHORIZED" not in moved.stdout:
        raise Failed("audit after the port moved: no SERVICE_PORT_NOT_AUTHORIZED")
    services = ["-e", f"@{DEMO_SERVICES}"]
    step(
        "authorize from services",
        playbook("authorize_backends", user, env, "--diff", *services, "-e", "backend_access_purge=true"),
    )
    writes(emulator)
    step("audit after", playbook("audit", user, env, *services))
    if writes(emulator):
        raise Failed("audit: wrote to the gateway")


def audit_read_only(emulator, user: Path, env: dict, collections: Path) -> None:
    """The audit from a read-only install: reports in the current directory; a report dir inside it fails early."""
    inside = collections / "ansible_collections" / "alibabacloud" / "apig" / "reports"
    emulator.clear_calls()
    refused = playbook("audit", user, env, "-e", f"apig_audit_report_dir={inside}")
    if refused.returncode == 0 or "apig_audit_report_dir" not in refused.stdout:
        raise Failed("audit into the read-only collection: did not fail naming apig_audit_report_dir")
    if emulator.calls():
        raise Failed(f"audit into the read-only collection: {len(emulator.calls())} API call(s) before failing")
    step("audit", playbook("audit", user, env))
    for suffix in (".md", ".json"):
        if not (user / "apig-audit" / f"{GATEWAY}{suffix}").is_file():
            raise Failed(f"audit: no apig-audit/{GATEWAY}{suffix} in the current directory")
    if writes(emulator):
        raise Failed("audit: wrote to the gateway")


def inventory_and_site(user: Path, env: dict) -> None:
    """The inventory plugin over the demo region, then the site playbook over it in check mode."""
    (user / "demo.apig.yml").write_text("plugin: alibabacloud.apig.gateways\nregions: [cn-hangzhou]\n")
    (user / "group_vars").mkdir(exist_ok=True)
    backends = DEMO_BACKENDS.read_text(encoding="utf-8")
    (user / "group_vars" / "apig_gateways.yml").write_text(
        "\n".join(line for line in backends.splitlines() if not line.startswith("backend_access_gateway_id"))
    )
    listed = json.loads(
        from_install("ansible-inventory", ["ansible-inventory", "-i", "demo.apig.yml", "--list"], user, env)
    )
    hosts = listed.get("apig_gateways", {}).get("hosts", [])
    if GATEWAY not in hosts:
        raise Failed(f"ansible-inventory: apig_gateways holds {hosts}, not {GATEWAY}")
    command = ["ansible-playbook", "-i", "demo.apig.yml", "alibabacloud.apig.site", "--check", "--diff"]
    from_install("site playbook over the inventory", command, user, dict(env, PWD=str(user)))


def main() -> int:
    _common.enter_tools_venv()
    gate = _common.Gate("artifact")
    sys.path.insert(0, str(_common.REPO / "tests"))
    from emulator.server import start_subprocess

    work = _common.temp_dir("artifact")
    user, home, collections = work / "user", work / "home", work / "collections"
    for path in (user, home):
        path.mkdir()
    try:
        venv = fresh_venv(work)
        env = user_env(venv, collections, home, {})
        check(
            "build", ["ansible-galaxy", "collection", "build", "--output-path", work / "dist", _common.REPO], work, env
        )
        (tarball,) = (work / "dist").glob("*.tar.gz")
        check("install", ["ansible-galaxy", "collection", "install", tarball, "-p", collections], work, env)
        installed = collections / "ansible_collections" / "alibabacloud" / "apig"
        documented = document_everything(installed, user, env)
        with start_subprocess("demo.yml") as emulator:
            env = user_env(venv, collections, home, emulator.env())
            run_demo(emulator, user, env, collections)
            inventory_and_site(user, env)
        verify = ["ansible-galaxy", "collection", "verify", "--offline", "-p", collections, "alibabacloud.apig"]
        output = check("collection verify --offline", verify, user, env)
        if "Successfully verified" not in output:
            raise Failed("collection verify --offline: no 'Successfully verified'")
    except Failed as failure:
        return gate.verdict(False, str(failure))
    return gate.verdict(
        True,
        f"{tarball.name} installed with ansible-core of {CONSTRAINTS.name}: {documented} plugins and the role "
        "documented, the demo and the read-only audit run from the install, inventory and site play, verify clean",
    )


if __name__ == "__main__":
    sys.exit(main())
