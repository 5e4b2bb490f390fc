# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tests whose outcome can differ by ansible-core, on the other ansible-core versions the collection claims.

`meta/runtime.yml` admits ansible-core 2.17.0 and later; `.venv` runs 2.19. This script builds one venv per
version below (the oldest minor that `requires_ansible` admits, and the newest release, which needs Python 3.12),
from the pinned `constraints-<minor>.txt` beside it, and runs SELECTION there against the emulator. A Python it
needs that the machine lacks is a failure, never a skip; a selected test that no longer exists is an error.

    python tests/core_versions/run.py 2.21 --junitxml out.xml
    python tests/core_versions/run.py 2.17 --all       # every module, role and playbook test instead
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
# What ansible-core does for the collection: it validates module arguments and the role's argument_specs, runs
# check mode and diff, carries warnings and no_log into the result, calls the callback, applies module_defaults
# groups, templates the role and the playbooks (2.19 changed the templating engine and the types of variables).
# SELECTION runs each of those on each version: every playbook and every path of the role (authorize, revoke,
# audit, each guard, the summary after a failure), and the module tests of arguments, check mode, diff, warnings
# and processes. The other tests of these suites assert the modules' API logic (plans, settling, paging, call
# counts), which is the collection's Python and the SDK's, the same on every ansible-core; the main pytest run
# covers them once.
SELECTION = [
    # module processes, task environment, warnings raised in worker threads
    "tests/integration/modules/test_module_processes.py",
    # argument handling, check mode with diff, module_defaults groups, check mode refusing as the real run does
    "tests/integration/modules/test_gateway_sg_authorization.py::test_add_several_groups_check_mode_diff_and_rerun",
    "tests/integration/modules/test_gateway_sg_authorization.py::test_invalid_input_fails_before_any_api_call",
    "tests/integration/modules/test_gateway_sg_authorization.py::test_module_defaults_group_sets_credentials_and_endpoints",
    "tests/integration/modules/test_gateway_sg_authorization.py"
    "::test_a_group_the_api_refuses_fails_check_mode_as_the_real_run_and_neither_writes",
    "tests/integration/modules/test_write_settling.py::test_wait_timeout_zero_reads_once_and_warns",
    # the info modules' options and results
    "tests/integration/modules/test_gateway_info.py::test_describe_list_filter_and_authorizable",
    "tests/integration/modules/test_backend_sg_info.py::test_demo_world",
    # the authorize playbook with check mode, diff and a second run; the revoke and audit playbooks
    "tests/integration/roles/test_backend_access.py::test_demo_converges_then_a_second_run_changes_nothing_and_writes_nothing",
    "tests/integration/roles/test_backend_access.py::test_revoke_without_node_inspection_reads_only_what_it_needs",
    "tests/integration/roles/test_backend_access.py::test_audit_reports_drift_planted_out_of_band",
    # the role's argument_specs and its guards (asserts, the gateway id filter), check mode refusing as the real run
    "tests/integration/roles/test_backend_access.py::test_bad_role_input_fails_before_any_api_call",
    "tests/integration/roles/test_backend_access.py"
    "::test_role_refuses_the_gateways_own_group_in_check_mode_and_for_real_without_writing",
    "tests/integration/roles/test_role_guards.py::test_no_backends_with_purge_is_refused_before_any_call",
    "tests/integration/roles/test_role_guards.py::test_a_bad_gateway_id_is_refused_before_any_call",
    # a failure inside the role's block, then its summary; variables given as survey strings (YAML or JSON text)
    "tests/integration/roles/test_role_guards.py"
    "::test_listed_findings_fail_the_role_and_the_default_fails_on_a_group_of_another_vpc",
    "tests/integration/roles/test_role_guards.py::test_backends_as_a_survey_string_in_yaml_or_json",
    # host variables: one gateway per inventory host, two regions in one play
    "tests/integration/roles/test_backend_access.py::test_role_per_inventory_host_fans_out_over_gateways",
    "tests/integration/roles/test_regions.py",
]


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
    parser.add_argument("--all", action="store_true", help="run every module, role and playbook test, not SELECTION")
    args = parser.parse_args()
    venv = build_venv(args.minor)
    if args.venv_only:
        print(venv)
        return 0
    command = [str(venv / "bin" / "python"), "-m", "pytest", "-q", "-n", os.environ.get("PYTEST_WORKERS", "2")]
    command += ["-p", "no:cacheprovider"] + (SUITES if args.all else SELECTION)
    if args.junitxml:
        command.append(f"--junitxml={args.junitxml}")
    # ansible-playbook is the venv's own, so that the task runs on that ansible-core and its Python.
    env = dict(os.environ, PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    return subprocess.call(command, cwd=REPO, env=env)


if __name__ == "__main__":
    sys.exit(main())
