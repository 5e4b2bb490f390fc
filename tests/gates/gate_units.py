# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Gate: `ansible-test units` (ansible-core 2.21, Python 3.12) runs tests/unit on a copy of the collection.

    python3 tests/gates/gate_units.py [ansible-test options]

`--venv` makes ansible-test build its own virtual environment (in the copy's tests/output/.tmp,
which the gate keeps between runs) and install its pytest requirements plus tests/unit/requirements.txt
there: the tests import the collection as ansible_collections.alibabacloud.apig, exactly as a user's
ansible-test run does. pip is bootstrapped with the same stand-in as the sanity gate.
"""

from __future__ import annotations

import re
import sys

import _common
import gate_sanity


def main() -> int:
    _common.enter_tools_venv()
    prepare = _common.preparing()
    gate = _common.Gate("units")
    copy = _common.collection_copy("units", keep=("tests/output",))
    ansible_test, env = _common.ansible_test_env(copy)
    gate_sanity.lay_down_pip_stand_in(ansible_test)
    command = [
        ansible_test,
        "units",
        "--python",
        _common.ANSIBLE_TEST_PYTHON,
        "--venv",
        "--requirements",
        "--color",
        "no",
        *sys.argv[1:],
    ]
    if prepare:
        # ansible-test's venv and the requirements installed into it (kept in the copy's tests/output); no test runs.
        rc = _common.call([*command, "--collect-only"], cwd=copy, env=env, log=_common.LOGS / "units-prepare.log")
        return gate.prepared(rc == 0, f"ansible-test units --collect-only exited {rc}")
    rc, output = _common.run(command, cwd=copy, env=env, log=_common.LOGS / "units.log", timeout=900)
    summary = re.findall(r"^=+ (.*(?:passed|failed|error|no tests ran).*) =+$", output, re.M)
    # ansible-test runs the module_utils (target) tests and the controller tests in two pytest sessions.
    detail = "; ".join(summary) if summary else "no pytest summary"
    if rc != 0:
        return gate.verdict(False, f"ansible-test units exited {rc}: {detail}")
    return gate.verdict(True, detail)


if __name__ == "__main__":
    sys.exit(main())
