# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every test of the collection, in one command (`make test`), closing with `N passed, N failed`.

Steps: style (ruff), the pytest suites (unit, emulator, modules, role, playbooks, faults), a bounded
fuzz run of the parser and planner properties, the module, role and playbook suites on ansible-core 2.17 and 2.21
(tests/core_versions/run.py), and the release gates (tests/gates/run_gates.py).
Each pytest test, style check, the fuzz run and each gate count once. The exit status is non-zero
when anything failed.

The installs of the later steps (the ansible-core venvs, the gates' tools venv, ansible-test's venvs, chromium and
mermaid-cli) start first, in the background, so that their downloads overlap the pytest run; each later step waits for
its own install. An install that failed is tried again, and reported, by the step that needs it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# The oldest ansible-core that requires_ansible admits and the newest (tests/core_versions/run.py).
CORE_VERSIONS = ("2.17", "2.21")


def run(title: str, command: list, env: dict | None = None) -> int:
    print(f"\n=== {title}: {' '.join(command)}", flush=True)
    started = time.monotonic()
    rc = subprocess.call(command, cwd=REPO, env=env)
    print(f"=== {title}: {'ok' if rc == 0 else 'FAILED'} in {time.monotonic() - started:.0f}s", flush=True)
    return rc


class Install:
    """A background install (`command`), its output kept in .build/logs/<name>.log."""

    def __init__(self, name: str, command: list) -> None:
        self.name = name
        self.log = REPO / ".build" / "logs" / f"{name}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.started = time.monotonic()
        with open(self.log, "w", encoding="utf-8") as out:
            # At a lower priority: the downloads need little CPU, and the tests running beside them keep theirs.
            self.proc = subprocess.Popen(
                ["nice", "-n", "10", *command], cwd=REPO, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )

    def wait(self) -> None:
        """Wait for the install to end and say how it went (the step that needs it runs either way)."""
        waited = time.monotonic()
        rc = self.proc.wait()
        took = f"took {time.monotonic() - self.started:.0f}s, waited {time.monotonic() - waited:.0f}s for it"
        state = "ready" if rc == 0 else f"exited {rc}, see {self.log}; the step tries again"
        print(f"=== install {self.name}: {state} ({took})", flush=True)


def start_installs(gates: bool) -> dict:
    """Start what the later steps install, in the background, before the pytest run."""
    core = [sys.executable, str(REPO / "tests" / "core_versions" / "run.py")]
    installs = {minor: Install(f"venv-core-{minor}", [*core, minor, "--venv-only"]) for minor in CORE_VERSIONS}
    if gates:
        gates_command = [sys.executable, str(REPO / "tests" / "gates" / "run_gates.py"), "--prepare"]
        installs["gates"] = Install("gates-prepare", gates_command)
    print(f"=== installs started in the background: {', '.join(i.name for i in installs.values())}", flush=True)
    return installs


def pytest_counts(junit: Path) -> tuple[int, int, int]:
    if not junit.exists():
        return 0, 1, 0
    suite = ET.parse(junit).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    tests, failures, errors, skipped = (int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
    return tests - failures - errors - skipped, failures + errors, skipped


def pytest_step(title: str, command: list) -> tuple[int, int, int]:
    """Run a pytest command with a JUnit report and count its passed, failed and skipped tests."""
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "junit.xml"
        run(title, command + [f"--junitxml={junit}"])
        return pytest_counts(junit)


def release_gates() -> tuple[int, int]:
    """Run tests/gates/run_gates.py, echoing its output, and read its closing `gates: N passed, N failed`."""
    command = [sys.executable, str(REPO / "tests" / "gates" / "run_gates.py")]
    print(f"\n=== release gates: {' '.join(command)}", flush=True)
    proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    counts = None
    for line in proc.stdout:
        print(line, end="", flush=True)
        match = re.match(r"^gates: (\d+) passed, (\d+) failed", line.strip())
        if match:
            counts = int(match.group(1)), int(match.group(2))
    rc = proc.wait()
    if counts is None:
        return 0, 1
    return counts[0], counts[1] + (1 if rc != 0 and counts[1] == 0 else 0)


def main() -> int:
    passed = failed = skipped = 0
    gates = os.environ.get("SKIP_GATES") != "1"
    installs = start_installs(gates)
    for title, command in (
        ("ruff check", [str(BIN / "ruff"), "check", "."]),
        ("ruff format", [str(BIN / "ruff"), "format", "--check", "."]),
    ):
        if run(title, command) == 0:
            passed += 1
        else:
            failed += 1

    workers = os.environ.get("PYTEST_WORKERS", "2")
    p, f, s = pytest_step("pytest", [sys.executable, "-m", "pytest", "-q", "-n", workers, "-p", "no:cacheprovider"])
    passed, failed, skipped = passed + p, failed + f, skipped + s

    # The parser and planner properties again, at a larger budget than the default run's 200 examples.
    fuzz_env = dict(os.environ, HYPOTHESIS_PROFILE="fuzz", HYPOTHESIS_FUZZ_EXAMPLES="1000")
    unit = "tests/unit/plugins/module_utils/"
    fuzz = [sys.executable, "-m", "pytest", "-q", "-n", workers, "-p", "no:cacheprovider"]
    fuzz += [unit + "test_port_ranges.py", unit + "test_planner.py"]
    if run("fuzz (1,000 examples per property)", fuzz, env=fuzz_env) == 0:
        passed += 1
    else:
        failed += 1

    # The module, role and playbook suites again on the oldest ansible-core that requires_ansible admits and the newest.
    for minor in CORE_VERSIONS:
        installs[minor].wait()
        p, f, s = pytest_step(f"ansible-core {minor}", [sys.executable, "tests/core_versions/run.py", minor])
        passed, failed, skipped = passed + p, failed + f, skipped + s

    if gates:
        installs["gates"].wait()
        g_passed, g_failed = release_gates()
        passed, failed = passed + g_passed, failed + g_failed

    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print("\n" + line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
