# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Gate: AWX readiness (docs/awx/).

    python3 tests/gates/gate_awx.py

1. pytest tests/gates/test_awx_files.py: the credential type's injectors are the env names the modules
   read, secrets are secret, the project and the sample EE point at this collection and version.
2. `ansible-playbook --syntax-check` of each example project playbook with the collection installed
   (a copy on ANSIBLE_COLLECTIONS_PATH): the import of alibabacloud.apig.<name> resolves and parses.
"""

from __future__ import annotations

import re
import sys

import _common


def main() -> int:
    _common.enter_tools_venv()
    gate = _common.Gate("awx")
    problems = []
    log = _common.LOGS / "awx.log"
    test_file = _common.GATES / "test_awx_files.py"
    pytest = [_common.TOOLS_BIN / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    rc, output = _common.run(
        [*pytest, "--rootdir", _common.GATES, test_file],
        cwd=_common.GATES,
        env=_common.tool_env(),
        log=log,
    )
    summary = re.findall(r"^=*\s*(\d+ (?:passed|failed).*?)\s*=*$", output, re.M)
    if rc != 0:
        problems.append(f"test_awx_files.py: {summary[-1] if summary else f'pytest exited {rc}'}")

    copy = _common.collection_copy("awx")
    env = _common.tool_env(ANSIBLE_COLLECTIONS_PATH=str(copy.parents[2]), ANSIBLE_LOCALHOST_WARNING="false")
    project = _common.REPO / "docs" / "awx" / "project"
    playbooks = sorted(project.glob("*.yml"))
    for playbook in playbooks:
        command = [_common.TOOLS_BIN / "ansible-playbook", "--syntax-check", "-i", "localhost,", playbook]
        rc = _common.call(command, cwd=project, env=env)
        if rc != 0:
            problems.append(f"ansible-playbook --syntax-check {playbook.name} exited {rc}")
    if problems:
        return gate.verdict(False, "; ".join(problems))
    return gate.verdict(True, f"{summary[-1] if summary else 'tests passed'}; {len(playbooks)} project playbooks parse")


if __name__ == "__main__":
    sys.exit(main())
