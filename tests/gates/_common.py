# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every gate script shares: paths, the tools venv, collection copies, running a tool, the verdict line.

Each gate is a small script (gate_<name>.py) that ends with one line, `<name>: PASS ...` or
`<name>: FAIL ...`, and exits 0 or 1. The gates never write into the work tree except
.venv-tools/ and .build/ (both git-ignored): every tool runs on a copy of the files git
would commit (`git ls-files -co --exclude-standard`), so a stray file or a tool's cache never
leaks into a result or into the repository.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GATES = REPO / "tests" / "gates"
TOOLS_VENV = REPO / ".venv-tools"
TOOLS_BIN = TOOLS_VENV / "bin"
# The copies live outside the work tree: tools that look for a git root above them (ansible-test,
# ansible-lint) would otherwise find this repository, where the copy is git-ignored, and see no files.
# The path is stable per checkout so that caches inside a copy (ansible-test's tests/output) survive runs.
WORK = Path(tempfile.gettempdir()) / f"apig-gates-{hashlib.sha256(str(REPO).encode()).hexdigest()[:10]}"
LOGS = REPO / ".build" / "gates" / "logs"  # each tool's full output, for a look after a failure
NAMESPACE, NAME = "alibabacloud", "apig"
PYTHON_VERSION = "3.11"
# ansible-test (sanity, units) runs from the newest ansible-core the collection is tested on, on the Python it needs:
# the venv that tests/core_versions/run.py builds for that version.
ANSIBLE_TEST_CORE, ANSIBLE_TEST_PYTHON = "2.21", "3.12"


def enter_tools_venv() -> None:
    """Make sure .venv-tools is current, then continue this script under its Python (which has the tools and PyYAML).

    A gate can so be started with any python3 >= 3.11 (a fresh machine's, or .venv's).
    """
    if Path(sys.prefix).resolve() == TOOLS_VENV.resolve() and os.environ.get("APIG_GATES_IN_TOOLS") == "1":
        return
    sys.path.insert(0, str(GATES))
    import tools_venv

    tools_venv.ensure(quiet=True)
    os.environ["APIG_GATES_IN_TOOLS"] = "1"
    sys.stdout.flush()
    os.execv(str(TOOLS_BIN / "python"), [str(TOOLS_BIN / "python"), *sys.argv])


PREPARE_FLAG = "--prepare"


def preparing() -> bool:
    """True when the gate was started with --prepare: install its toolchain and run no check.

    The flag is taken out of sys.argv, so that the rest of the arguments still go to the gate's tool.
    run_gates.py --prepare uses it to install every toolchain while the pytest suites run.
    """
    if PREPARE_FLAG not in sys.argv[1:]:
        return False
    sys.argv[1:] = [arg for arg in sys.argv[1:] if arg != PREPARE_FLAG]
    return True


def tool_env(**extra: str) -> dict:
    """The environment for a tool of .venv-tools: its bin first on PATH, no user or repo Ansible config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "VIRTUAL_ENV", "PYTHON"))}
    env["PATH"] = os.pathsep.join([str(TOOLS_BIN), env.get("PATH", "/usr/bin:/bin")])
    env["VIRTUAL_ENV"] = str(TOOLS_VENV)
    env["ANSIBLE_NOCOLOR"] = "1"
    env["NO_COLOR"] = "1"
    env["PY_COLORS"] = "0"
    env.update(extra)
    return env


def ansible_test_env(copy: Path) -> tuple[Path, dict]:
    """The ansible-test of ANSIBLE_TEST_CORE (its venv built or refreshed first) and the environment to run it in."""
    built = subprocess.run(
        [sys.executable, str(REPO / "tests" / "core_versions" / "run.py"), ANSIBLE_TEST_CORE, "--venv-only"],
        check=True,
        capture_output=True,
        text=True,
    )
    venv = Path(built.stdout.strip().splitlines()[-1])
    env = tool_env(ANSIBLE_TEST_CONTENT_ROOT=str(copy), VIRTUAL_ENV=str(venv))
    env["PATH"] = os.pathsep.join([str(venv / "bin"), env["PATH"]])
    return venv / "bin" / "ansible-test", env


def collection_files() -> list[str]:
    """The paths git would commit: tracked files plus untracked ones that .gitignore does not exclude."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout.decode()
    # A tracked file deleted from the work tree is still listed by --cached: copy only what exists.
    return sorted({p for p in out.split("\0") if p and ((REPO / p).is_file() or (REPO / p).is_symlink())})


def galaxy_build_ignore() -> list[str]:
    """galaxy.yml's build_ignore patterns (what `ansible-galaxy collection build` leaves out of the tarball)."""
    import yaml  # available in .venv and .venv-tools; imported late so that tools_venv.py needs nothing

    with open(REPO / "galaxy.yml", encoding="utf-8") as handle:
        return list((yaml.safe_load(handle) or {}).get("build_ignore") or [])


def is_build_ignored(path: str, patterns: list[str]) -> bool:
    """Mirror ansible-galaxy: a pattern matches the path or one of its parent directories."""
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(fnmatch.fnmatch(c, p) for c in candidates for p in patterns)


def collection_copy(label: str, keep: tuple[str, ...] = ()) -> Path:
    """Lay the collection out as WORK/<label>/ansible_collections/alibabacloud/apig and return that path.

    The copy is refreshed on every call; directories named in `keep` (relative to the copy,
    e.g. tests/output where ansible-test caches its delegation venv) survive the refresh.
    """
    root = WORK / label / "ansible_collections" / NAMESPACE / NAME
    kept = {}
    staging = WORK / label / ".keep"
    shutil.rmtree(staging, ignore_errors=True)
    for rel in keep:
        if (root / rel).exists():
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(root / rel, target)
            kept[rel] = target
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for rel in collection_files():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, target, follow_symlinks=False)  # the symlinks sanity test sees links as links
    for rel, source in kept.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        if (root / rel).exists():
            shutil.rmtree(root / rel)
        os.replace(source, root / rel)
    shutil.rmtree(staging, ignore_errors=True)
    return root


# galaxy.yml names no repository while none is public; galaxy-importer and ansible-lint's galaxy[no-repository] require
# one, as Galaxy does to publish. The gates that check publication put this reserved name (RFC 2606) in their copy.
PLACEHOLDER_REPOSITORY = "https://repository.invalid/alibabacloud/apig"


def name_placeholder_repository(copy: Path) -> bool:
    """Give the copy's galaxy.yml PLACEHOLDER_REPOSITORY when it names no repository; True when it did so."""
    galaxy = copy / "galaxy.yml"
    text = galaxy.read_text(encoding="utf-8")
    if re.search(r"^repository:", text, re.M):
        return False
    galaxy.write_text(text.rstrip("\n") + f"\nrepository: {PLACEHOLDER_REPOSITORY}\n", encoding="utf-8")
    print(f"galaxy.yml names no repository: the copy names {PLACEHOLDER_REPOSITORY}", flush=True)
    return True


def temp_dir(label: str) -> Path:
    """A fresh scratch directory under WORK (kept until the next run of the same gate, for a look)."""
    path = WORK / "tmp" / label
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return Path(tempfile.mkdtemp(dir=path))


def run(command: list, cwd: Path, env: dict | None = None, log: Path | None = None, timeout: int = 900) -> tuple:
    """Run a command, echo its output as it comes (and keep it in `log`), return (returncode, output)."""
    print("$ " + " ".join(str(c) for c in command), flush=True)
    lines = []
    with subprocess.Popen(
        [str(c) for c in command],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: a timeout ends the tool's children too
    ) as proc:
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            for raw in proc.stdout:
                line = raw.decode(errors="replace")
                lines.append(line)
                print(line, end="", flush=True)
        finally:
            timer.cancel()
        rc = proc.wait()
    if killed.is_set():
        lines.append(f"[killed after {timeout}s]\n")
        rc = 124
    output = "".join(lines)
    if log:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(output, encoding="utf-8")
    return rc, output


def call(command: list, cwd: Path, env: dict | None = None, log: Path | None = None, timeout: int = 900) -> int:
    """Like run(), for when only the exit status matters."""
    return run(command, cwd, env, log, timeout)[0]


ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def strip_ansi(text: str) -> str:
    return ANSI.sub("", text)


class Gate:
    """Times a gate and prints its one-line verdict: `<name>: PASS (12s) ...` or `<name>: FAIL (12s) ...`."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.started = time.monotonic()

    def prepared(self, ok: bool, detail: str) -> int:
        """The line of a --prepare run: `<name>: PREPARED (12s) ...` or `<name>: NOT PREPARED (12s) ...`."""
        elapsed = time.monotonic() - self.started
        print(f"{self.name}: {'PREPARED' if ok else 'NOT PREPARED'} ({elapsed:.0f}s) {detail}", flush=True)
        return 0 if ok else 1

    def verdict(self, ok: bool, detail: str) -> int:
        elapsed = time.monotonic() - self.started
        print(f"{self.name}: {'PASS' if ok else 'FAIL'} ({elapsed:.0f}s) {detail}", flush=True)
        return 0 if ok else 1
