# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Gate: the audit report's Mermaid diagram renders (mermaid-cli on Debian's Chromium).

    python3 tests/gates/gate_diagram.py

1. The toolchain, installed by the gate itself (it fails, never skips, when it cannot be had):
   Debian's chromium (`apt-get update && apt-get install -y chromium` when /usr/bin/chromium is missing; CI
   runs as root), and mermaid-cli from npm as pinned in tests/gates/mermaid/package-lock.json, installed with
   `npm ci` into .build/mermaid-cli (PUPPETEER_SKIP_DOWNLOAD: puppeteer downloads no browser of its own).
2. The demo's report: the emulator on the demo world, `authorize_backends.yml` with the demo's backends and
   one more (an enterprise group), the demo's inbound rule of sg-service2-hz01 deleted out of band, then
   `audit.yml` declaring the demo's backends with one more port: the report so has an authorized, a drifted,
   a missing and an undeclared link. The ```mermaid block of its Markdown is rendered to SVG and PNG
   (.build/gates/diagram/demo.svg, demo.png).
3. A diagram of labels that are Mermaid syntax (quotes, brackets, `#`, `;`, `-->`, `%%`, HTML, back-ticks,
   `end`), made by the collection's _audit_diagram.audit_diagram, renders too (hostile.svg).
4. A diagram with a syntax error must make mmdc fail: the check that a bad diagram would fail this gate.
The playbooks run with .venv's ansible-playbook (the SDKs), which `make venv` keeps current.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import sys
from pathlib import Path

import _common

MERMAID_PINS = _common.GATES / "mermaid"
MERMAID_DIR = _common.REPO / ".build" / "mermaid-cli"
MMDC = MERMAID_DIR / "node_modules" / ".bin" / "mmdc"
CHROMIUM = Path("/usr/bin/chromium")
OUT = _common.REPO / ".build" / "gates" / "diagram"
DEV_VENV = _common.REPO / ".venv"
FENCE = re.compile(r"^```mermaid\n(.*?)^```$", re.M | re.S)
GATEWAY_SG = "sg-gw-demo-hz01"


def ensure_chromium() -> str:
    """'' when /usr/bin/chromium is there (installed now if it was not), else what went wrong."""
    if CHROMIUM.exists():
        return ""
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        if _common.call(command, cwd=_common.REPO, env=env, log=_common.LOGS / "diagram-apt.log", timeout=1200):
            return f"`{' '.join(command)}` failed (see {_common.LOGS / 'diagram-apt.log'})"
    return "" if CHROMIUM.exists() else f"apt-get installed chromium but {CHROMIUM} is missing"


def ensure_mermaid_cli() -> str:
    """'' when .build/mermaid-cli has the pinned mermaid-cli (installed now if not), else what went wrong."""
    pins = [MERMAID_PINS / "package.json", MERMAID_PINS / "package-lock.json"]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in pins)).hexdigest()
    stamp = MERMAID_DIR / ".installed"
    if MMDC.exists() and stamp.exists() and stamp.read_text() == digest:
        return ""
    if not shutil.which("npm"):
        return "npm is not on PATH (Debian: apt-get install -y npm)"
    shutil.rmtree(MERMAID_DIR, ignore_errors=True)
    MERMAID_DIR.mkdir(parents=True)
    for pin in pins:
        shutil.copy2(pin, MERMAID_DIR / pin.name)
    env = dict(os.environ, PUPPETEER_SKIP_DOWNLOAD="1", PUPPETEER_SKIP_CHROMIUM_DOWNLOAD="1")
    command = ["npm", "ci", "--no-audit", "--no-fund"]
    if _common.call(command, cwd=MERMAID_DIR, env=env, log=_common.LOGS / "diagram-npm.log", timeout=900):
        return f"`npm ci` of mermaid-cli failed (see {_common.LOGS / 'diagram-npm.log'})"
    if not MMDC.exists():
        return f"npm installed mermaid-cli but {MMDC} is missing"
    stamp.write_text(digest)
    return ""


def ensure_toolchain() -> list:
    """What went wrong installing chromium and mermaid-cli; one install at a time (--prepare may run beside it)."""
    lock = _common.REPO / ".build" / "gates" / "diagram-toolchain.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "w", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        return [p for p in (ensure_chromium(), ensure_mermaid_cli()) if p]


def render(source: str, name: str) -> tuple:
    """Render the diagram text to OUT/<name>.svg and .png with mmdc; (ok, output)."""
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.mmd").write_text(source, encoding="utf-8")
    config = OUT / "puppeteer.json"
    config.write_text(json.dumps({"executablePath": str(CHROMIUM), "args": ["--no-sandbox", "--disable-gpu"]}))
    outputs = []
    ok = True
    for suffix, extra in ((".svg", []), (".png", ["--scale", "2"])):
        target = OUT / f"{name}{suffix}"
        target.unlink(missing_ok=True)
        command = [MMDC, "-p", config, "-i", OUT / f"{name}.mmd", "-o", target, "-b", "white", *extra]
        rc, output = _common.run(command, cwd=OUT, env=dict(os.environ, PUPPETEER_SKIP_DOWNLOAD="1"), timeout=180)
        outputs.append(output)
        ok = ok and rc == 0 and target.is_file() and target.stat().st_size > 0
    return ok, "".join(outputs)


def playbook(name: str, env: dict, extra_vars: dict) -> None:
    command = [DEV_VENV / "bin" / "ansible-playbook", f"alibabacloud.apig.{name}", "-e", json.dumps(extra_vars)]
    rc, output = _common.run(command, cwd=OUT, env=env, timeout=300)
    if rc != 0:
        raise RuntimeError(f"ansible-playbook alibabacloud.apig.{name} exited {rc}")


def demo_report() -> str:
    """Run the demo world's audit (with planted drift, a missing and an undeclared pair); its Markdown report."""
    import yaml

    sys.path.insert(0, str(_common.REPO / "tests"))
    from emulator.server import start_subprocess

    if _common.call(["make", "venv"], cwd=_common.REPO, log=_common.LOGS / "diagram-venv.log", timeout=900):
        raise RuntimeError("`make venv` failed: .venv (the SDKs) is needed to run the audit")
    copy = _common.collection_copy("diagram")
    demo = yaml.safe_load((_common.REPO / "demo" / "backends.yml").read_text(encoding="utf-8"))
    reports = OUT / "reports"
    shutil.rmtree(reports, ignore_errors=True)
    OUT.mkdir(parents=True, exist_ok=True)
    with start_subprocess("demo.yml") as emulator:
        env = _common.tool_env(**emulator.env(), ANSIBLE_COLLECTIONS_PATH=str(copy.parents[2]))
        env.update(ANSIBLE_PYTHON_INTERPRETER=str(DEV_VENV / "bin" / "python"), ANSIBLE_LOCALHOST_WARNING="false")
        env.update(VIRTUAL_ENV=str(DEV_VENV), PATH=f"{DEV_VENV / 'bin'}{os.pathsep}{env['PATH']}")
        enterprise = {"name": "legacy", "security_group_ids": ["sg-enterprise-hz01"], "port_ranges": [443]}
        playbook(
            "authorize_backends",
            env,
            dict(demo, backend_access_backends=[*demo["backend_access_backends"], enterprise]),
        )
        state = emulator.state()
        group = next(g for g in state["security_groups"] if g["id"] == "sg-service2-hz01")
        group["permissions"] = [p for p in group["permissions"] if p.get("source_group_id") != GATEWAY_SG]
        emulator.put_state(state)
        declared = [dict(b) for b in demo["backend_access_backends"]]
        declared[0]["port_ranges"] = [*declared[0]["port_ranges"], 8443]
        playbook("audit", env, dict(demo, backend_access_backends=declared, apig_audit_report_dir=str(reports)))
    return (reports / f"{demo['backend_access_gateway_id']}.md").read_text(encoding="utf-8")


def hostile_diagram() -> str:
    """A diagram whose every label is Mermaid syntax, from the collection's own function."""
    sys.path.insert(0, str(_common.collection_copy("diagram").parents[2]))
    from ansible_collections.alibabacloud.apig.plugins.module_utils._audit_diagram import audit_diagram

    nasty = 'end"]) --> x; %% #1 <b>&amp;</b> `md` {{a}} |b| \u7f51\u5173\nclass n0 x'
    auth = {"security_group_id": 'sg-1"]', "port_range": "80/80", "security_group_name": nasty, "effective": False}
    audit = {
        "gateway": {"gateway_id": "gw-<x>", "name": nasty, "security_group": {"security_group_id": "sg;--"}},
        "authorizations": [auth],
        "drift": [auth],
        "missing": ["sg-2%% 443/443"],
        "undeclared": ['sg-1"] 80/80'],
        "findings": [],
    }
    groups = [{"security_group_id": 'sg-1"]', "name": nasty, "node_pools": ["np-(x)"], "instances": ["i-[1]"]}]
    instances = [{"instance_id": "i-[1]", "name": nasty, "nodepool_id": None}]
    return audit_diagram(audit, [{"name": nasty}], [{"security_group_ids": ['sg-1"]']}], groups, instances)


def main() -> int:
    _common.enter_tools_venv()
    prepare = _common.preparing()
    gate = _common.Gate("diagram")
    problems = ensure_toolchain()
    if prepare:
        return gate.prepared(not problems, "; ".join(problems) or f"{CHROMIUM} and {MMDC.relative_to(_common.REPO)}")
    if problems:
        return gate.verdict(False, "toolchain: " + "; ".join(problems))
    try:
        blocks = FENCE.findall(demo_report())
    except (RuntimeError, OSError, StopIteration, KeyError) as err:
        return gate.verdict(False, f"the demo's audit report could not be made: {err}")
    if len(blocks) != 1:
        return gate.verdict(False, f"the demo's report has {len(blocks)} ```mermaid blocks, not 1")
    for marked in ("DRIFT: inbound rule missing", "MISSING: declared, not authorized", ":::drift", ":::undeclared"):
        if marked not in blocks[0]:
            problems.append(f"the demo's diagram lacks {marked!r}")
    for name, source in (("demo", blocks[0]), ("hostile", hostile_diagram())):
        ok, output = render(source, name)
        if not ok:
            problems.append(f"{name} diagram did not render: {_common.strip_ansi(output).strip()[-600:]}")
    broken_ok = render('flowchart LR\n    a["unclosed --> b\n', "broken")[0]
    if broken_ok:
        problems.append("mmdc rendered a diagram with a syntax error: a bad diagram would not fail this gate")
    if problems:
        return gate.verdict(False, "; ".join(problems))
    return gate.verdict(True, f"demo and hostile diagrams rendered to {OUT.relative_to(_common.REPO)}/*.svg, *.png")


if __name__ == "__main__":
    sys.exit(main())
