# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the release gates: all of them, or the ones named.

    python3 tests/gates/run_gates.py                       # every gate
    python3 tests/gates/run_gates.py sanity lint           # some gates
    python3 tests/gates/run_gates.py --jobs 1 --list       # options: parallel jobs, list the gates
    python3 tests/gates/run_gates.py --prepare             # install the gates' toolchains, run no gate

Creates or refreshes .venv-tools first (tools_venv.py), then runs each gate script (gate_<name>.py)
with the tools venv's Python, two at a time by default (the machines have 2 cores; the longest gates
start first). Prints each gate's verdict with its time, the tail of its output when it failed (the
whole output is in the log named), and closes with `gates: N passed, N failed`. Exits 1 if any failed.

--prepare runs `gate_<name>.py --prepare` of the gates that install something (INSTALLS): the tools venv,
ansible-test's venvs, chromium and mermaid-cli, and checks nothing. tests/run_all.py starts it first thing,
so that the downloads overlap the pytest suites; a toolchain it could not install is tried again by its gate,
which fails then.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import tools_venv  # noqa: E402  (stdlib only: safe before the tools venv exists)

# Longest first, so that two workers finish close together.
GATES = {
    "sanity": "ansible-test sanity (2.21, Python 3.12), no ignore files",
    "units": "ansible-test units (2.21, Python 3.12) on tests/unit",
    "importer": "galaxy-importer on the built tarball (ansible-doc, ansible-lint, checks)",
    "artifact": "the tarball installed in a fresh venv (requirements.txt, ansible-core 2.21): docs, demo, audit",
    "diagram": "the demo audit report's Mermaid diagram rendered by mermaid-cli on Debian's Chromium",
    "lint": "ansible-lint --profile production (modules' EXAMPLES included)",
    "docs": "antsibull-docs lint-collection-docs --plugin-docs",
    "changelog": "antsibull-changelog lint and a trial release",
    "awx": "docs/awx: credential type against the modules' env names, project playbooks",
    "builder": "ansible-builder create + introspect of the execution environment",
}
# The gates whose script installs something with --prepare (the rest need only .venv-tools).
INSTALLS = ("sanity", "units", "diagram")
TAIL_LINES = 40
print_lock = threading.Lock()


def say(text: str) -> None:
    with print_lock:
        print(text, flush=True)


def run_gate(name: str, logs: Path) -> tuple:
    """Run one gate script under the tools venv; return (name, ok, seconds, verdict line, log path)."""
    started = time.monotonic()
    log = logs / f"{name}.out"
    env = dict(os.environ, APIG_GATES_IN_TOOLS="1", PYTHONUNBUFFERED="1")
    say(f"--- {name}: started")
    with open(log, "w", encoding="utf-8") as out:
        rc = subprocess.call(
            [str(tools_venv.VENV / "bin" / "python"), str(HERE / f"gate_{name}.py")],
            cwd=tools_venv.REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    elapsed = time.monotonic() - started
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    verdicts = [line for line in lines if line.startswith(f"{name}: ")]
    verdict = verdicts[-1] if verdicts else f"{name}: {'PASS' if rc == 0 else 'FAIL'} (exit {rc})"
    ok = rc == 0
    with print_lock:
        print(f"{'PASS' if ok else 'FAIL'} {name} ({elapsed:.0f}s) {verdict}", flush=True)
        if not ok:
            print(f"    last {TAIL_LINES} lines of {log}:")
            for line in lines[-TAIL_LINES:]:
                print("    | " + line)
            sys.stdout.flush()
    return name, ok, elapsed, verdict, log


def prepare_gate(name: str, logs: Path) -> tuple:
    """Run `gate_<name>.py --prepare`; return (name, ok, seconds, its PREPARED line)."""
    started = time.monotonic()
    log = logs / f"{name}-prepare.out"
    env = dict(os.environ, APIG_GATES_IN_TOOLS="1", PYTHONUNBUFFERED="1")
    with open(log, "w", encoding="utf-8") as out:
        rc = subprocess.call(
            [str(tools_venv.VENV / "bin" / "python"), str(HERE / f"gate_{name}.py"), "--prepare"],
            cwd=tools_venv.REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    lines = [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if line.startswith(name)]
    detail = lines[-1] if lines else f"{name}: NOT PREPARED (exit {rc}), see {log}"
    say(detail if rc == 0 else f"{detail} (log: {log})")
    return name, rc == 0, time.monotonic() - started, detail


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gates", nargs="*", metavar="GATE", help=f"gates to run (default: all): {', '.join(GATES)}")
    parser.add_argument("--jobs", "-j", type=int, default=int(os.environ.get("GATES_JOBS", "2")))
    parser.add_argument("--list", action="store_true", help="list the gates and exit")
    parser.add_argument("--prepare", action="store_true", help="install the gates' toolchains, run no gate")
    options = parser.parse_args()
    if options.list:
        for name, what in GATES.items():
            print(f"{name:10} {what}")
        return 0
    unknown = [g for g in options.gates if g not in GATES]
    if unknown:
        parser.error(f"unknown gate(s): {', '.join(unknown)}; known: {', '.join(GATES)}")
    selected = [g for g in GATES if not options.gates or g in options.gates]

    started = time.monotonic()
    try:
        built = tools_venv.ensure(quiet=True)
    except (subprocess.CalledProcessError, OSError, SystemExit) as exc:
        print(f"FAIL tools-venv: could not build .venv-tools: {exc}")
        print(f"gates: 0 passed, {len(selected)} failed")
        return 1
    if not built:
        print("tools venv: up to date", flush=True)

    logs = Path(tools_venv.REPO / ".build" / "gates" / "logs")
    logs.mkdir(parents=True, exist_ok=True)
    if options.prepare:
        with ThreadPoolExecutor(max_workers=max(1, options.jobs)) as pool:
            prepared = list(pool.map(lambda name: prepare_gate(name, logs), [g for g in selected if g in INSTALLS]))
        print(f"gates prepared in {time.monotonic() - started:.0f}s wall")
        return 0 if all(ok for _name, ok, *_rest in prepared) else 1
    with ThreadPoolExecutor(max_workers=max(1, options.jobs)) as pool:
        results = list(pool.map(lambda name: run_gate(name, logs), selected))

    passed = sum(1 for r in results if r[1])
    failed = len(results) - passed
    print(f"\nrelease gates ({time.monotonic() - started:.0f}s wall):")
    for name, ok, elapsed, *_details in results:
        print(f"  {'PASS' if ok else 'FAIL'} {name:10} {elapsed:5.0f}s")
    print(f"gates: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
