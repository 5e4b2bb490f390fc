# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Gate: `ansible-test units` (ansible-core 2.19, Python 3.11) runs tests/unit on a copy of the collection.

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
    gate = _common.Gate("units")
    gate_sanity.lay_down_pip_stand_in()
    copy = _common.collection_copy("units", keep=("tests/output",))
    env = _common.tool_env(ANSIBLE_TEST_CONTENT_ROOT=str(copy))
    command = [
        _common.TOOLS_BIN / "ansible-test",
        "units",
        "--python",
        _common.PYTHON_VERSION,
        "--venv",
        "--requirements",
        "--color",
        "no",
        *sys.argv[1:],
    ]
    rc, output = _common.run(command, cwd=copy, env=env, log=_common.LOGS / "units.log", timeout=900)
    summary = re.findall(r"^=+ (.*(?:passed|failed|error|no tests ran).*) =+$", output, re.M)
    detail = summary[-1] if summary else "no pytest summary"
    if rc != 0:
        return gate.verdict(False, f"ansible-test units exited {rc}: {detail}")
    return gate.verdict(True, detail)


if __name__ == "__main__":
    sys.exit(main())
