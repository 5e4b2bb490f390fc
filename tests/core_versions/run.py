# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module, role and playbook suites on the other ansible-core versions the collection claims.

`meta/runtime.yml` admits ansible-core 2.17.0 and later; `.venv` runs 2.19. This script builds one venv per
version below (the oldest minor that `requires_ansible` admits, and the newest release, which needs Python 3.12),
from the pinned `constraints-<minor>.txt` beside it, and runs the suites there against the emulator. A Python it
needs that the machine lacks is a failure, never a skip.

    python tests/core_versions/run.py 2.21 --junitxml out.xml
"""

from __future__ import annotations

import argparse
import fcntl
import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
# minor version -> the Python it runs on (ansible-core 2.20 and later need 3.12; 2.17 still runs on 3.11).
PYTHONS = {"2.17": "3.11", "2.21": "3.12"}
SUITES = ["tests/integration/modules", "tests/integration/roles"]


def find_python(version: str) -> str:
    """The interpreter for `version`: on PATH as pythonX.Y, or under pyenv's versions."""
    found = shutil.which(f"python{version}")
    candidates = [found] if found else []
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates += sorted(glob.glob(os.path.join(root, "versions", f"{version}.*", "bin", "python")), reverse=True)
    for candidate in candidates:
        if subprocess.call([candidate, "-c", "import venv, ensurepip"], stderr=subprocess.DEVNULL) == 0:
            return candidate
    raise SystemExit(f"core_versions: no Python {version} with venv and ensurepip on PATH or under {root}/versions")


def build_venv(minor: str) -> Path:
    """`.venv-core-<minor>` with exactly the pinned packages; rebuilt when the pins change.

    Two gates may ask for it at once: one builds it under a lock while the other waits.
    """
    venv = REPO / f".venv-core-{minor}"
    lock = REPO / ".build" / f"venv-core-{minor}.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "w", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        if not is_current(venv, minor):
            install_venv(venv, minor)
    return venv


def is_current(venv: Path, minor: str) -> bool:
    stamp = venv / ".installed"
    return stamp.exists() and stamp.read_text() == (HERE / f"constraints-{minor}.txt").read_text()


def install_venv(venv: Path, minor: str) -> None:
    constraints = HERE / f"constraints-{minor}.txt"
    stamp = venv / ".installed"
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.check_call([find_python(PYTHONS[minor]), "-m", "venv", str(venv)])
    python = str(venv / "bin" / "python")
    subprocess.check_call([python, "-m", "pip", "install", "--quiet", "pip==26.3"])
    subprocess.check_call([python, "-m", "pip", "install", "--quiet", "-r", str(constraints)])
    stamp.write_text(constraints.read_text())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("minor", choices=sorted(PYTHONS))
    parser.add_argument("--junitxml")
    parser.add_argument("--venv-only", action="store_true", help="build the venv, print its path, run nothing")
    args = parser.parse_args()
    venv = build_venv(args.minor)
    if args.venv_only:
        print(venv)
        return 0
    command = [str(venv / "bin" / "python"), "-m", "pytest", "-q", "-n", os.environ.get("PYTEST_WORKERS", "2")]
    command += ["-p", "no:cacheprovider"] + SUITES
    if args.junitxml:
        command.append(f"--junitxml={args.junitxml}")
    # ansible-playbook is the venv's own, so that the task runs on that ansible-core and its Python.
    env = dict(os.environ, PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    return subprocess.call(command, cwd=REPO, env=env)


if __name__ == "__main__":
    sys.exit(main())
