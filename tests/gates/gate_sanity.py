# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Gate: `ansible-test sanity` (ansible-core 2.21, Python 3.12) on a copy of the collection, with no ignore files.

ansible-test is the one of tests/core_versions' 2.21 venv (`_common.ansible_test_env`), the newest release the
collection is tested on.

    python3 tests/gates/gate_sanity.py [--test NAME ...] [ansible-test options]

Each sanity test that has requirements runs in its own venv under ~/.ansible/test/venv, which
ansible-test keeps between runs (keyed on the requirements). To bootstrap pip into such a venv,
ansible-test downloads get-pip.py from a host these machines cannot reach; its error message
names the cache path it reads first (~/.ansible/test/cache/get_pip_<version>.py). This gate lays
a stand-in there: it runs `python -m ensurepip --upgrade`, then installs the pinned pip from PyPI.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import _common

STAND_IN = '''\
"""Stand-in for get-pip.py, laid down by alibabacloud.apig's tests/gates/gate_sanity.py.

ansible-test runs this file with pip's arguments (`pip==X --no-setuptools --no-wheel ...`) to put pip
into an empty venv. The host it downloads the real script from is unreachable here, so pip comes
from the interpreter's own ensurepip and is then brought to the pinned version from the package index.
"""
import subprocess
import sys

args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"])
subprocess.check_call([sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--quiet"] + args)
'''


def ansible_test_pip_version(ansible_test: Path) -> str:
    """The pip version the `ansible_test` executable bootstraps into its venvs (_internal/python_requirements.py)."""
    package = "lib/python*/site-packages/ansible_test/_internal/python_requirements.py"
    found = sorted(ansible_test.parent.parent.glob(package))
    if not found:
        raise SystemExit(f"sanity: no ansible_test package beside {ansible_test}")
    source = found[0]
    match = re.search(r"default_packages = dict\(\s*pip='([0-9.]+)'", source.read_text(encoding="utf-8"))
    if not match:
        raise SystemExit("sanity: cannot find the pip version ansible-test bootstraps; update gate_sanity.py")
    return match.group(1)


def lay_down_pip_stand_in(ansible_test: Path) -> Path:
    version = ansible_test_pip_version(ansible_test)
    cache = Path.home() / ".ansible" / "test" / "cache" / f"get_pip_{version.replace('.', '_')}.py"
    cache.parent.mkdir(parents=True, exist_ok=True)
    if not cache.exists() or cache.read_text(encoding="utf-8") != STAND_IN:
        partial = cache.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(STAND_IN, encoding="utf-8")
        os.replace(partial, cache)  # atomic: parallel gates never see half a file
    return cache


def junit_results(junit_dir: Path) -> dict:
    """Each sanity test's outcome from ansible-test's junit files: passed, failed, or why it was skipped."""
    results = {}
    for path in sorted(junit_dir.glob("*.xml")):
        for case in ET.parse(path).getroot().iter("testcase"):
            name = (case.get("name") or path.stem).replace(f"-python-{_common.ANSIBLE_TEST_PYTHON}", "")
            skipped = case.find("skipped")
            if case.find("failure") is not None or case.find("error") is not None:
                results[name] = "failed"
            elif skipped is not None:
                results[name] = "skipped: " + (skipped.get("message") or skipped.text or "").strip()
            else:
                results[name] = results.get(name, "passed")
    return results


def main() -> int:
    _common.enter_tools_venv()
    prepare = _common.preparing()
    gate = _common.Gate("sanity")
    copy = _common.collection_copy("sanity", keep=("tests/output",))
    ansible_test, env = _common.ansible_test_env(copy)
    stand_in = lay_down_pip_stand_in(ansible_test)
    print(f"sanity: pip bootstrap stand-in at {stand_in}")
    if prepare:
        # Only the venvs of the sanity tests (kept in ~/.ansible/test/venv); no test runs.
        command = [ansible_test, "sanity", "--python", _common.ANSIBLE_TEST_PYTHON, "--local", "--prime-venvs"]
        rc = _common.call([*command, "--color", "no"], cwd=copy, env=env, log=_common.LOGS / "sanity-prepare.log")
        return gate.prepared(rc == 0, f"ansible-test sanity --prime-venvs exited {rc}")
    junit_dir = copy / "tests" / "output" / "junit"
    shutil.rmtree(junit_dir, ignore_errors=True)
    command = [
        ansible_test,
        "sanity",
        "--python",
        _common.ANSIBLE_TEST_PYTHON,
        "--local",
        "--color",
        "no",
        "--junit",
        *sys.argv[1:],
    ]
    rc, output = _common.run(command, cwd=copy, env=env, log=_common.LOGS / "sanity.log", timeout=1500)
    results = junit_results(junit_dir)
    ran = re.findall(r'^Running sanity test "([^"]+)"', output, re.M)
    idle = sorted(name for name, why in results.items() if why == "skipped: No tests applicable.")
    skipped = sorted(
        f"{name} ({why[len('skipped: ') :]})"
        for name, why in results.items()
        if why.startswith("skipped") and name not in idle
    )
    print(f"sanity: ran {', '.join(ran)}")
    ignores = sorted(p.name for p in (_common.REPO / "tests" / "sanity").glob("ignore-*.txt"))
    if ignores:
        return gate.verdict(False, f"ignore files are not allowed in tests/sanity: {', '.join(ignores)}")
    detail = f"{len(ran)} tests ran"
    if idle:
        detail += f" ({', '.join(idle)}: no files of theirs)"
    if skipped:
        detail += f", skipped: {'; '.join(skipped)}"
    if rc != 0:
        failed = sorted(set(re.findall(r"^ERROR: Found \d+ ([\w.-]+) issue", output, re.M)))
        return gate.verdict(False, f"ansible-test sanity exited {rc} ({detail}; failing: {', '.join(failed) or '?'})")
    return gate.verdict(True, detail)


if __name__ == "__main__":
    sys.exit(main())
