# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Gate: `antsibull-docs lint-collection-docs --plugin-docs` (schema and markup of plugin docs and role specs).

    python3 tests/gates/gate_docs.py

Runs on a copy laid out as ansible_collections/alibabacloud/apig, so that ansible-doc finds the
collection as a user's installation would, and validates every reference (O(), M(), RV(), FQCNs)
to this collection and to ansible.builtin; a reference to a collection that is not installed fails.
"""

from __future__ import annotations

import sys

import _common


def main() -> int:
    _common.enter_tools_venv()
    gate = _common.Gate("docs")
    copy = _common.collection_copy("docs")
    env = _common.tool_env(ANSIBLE_COLLECTIONS_PATH=str(copy.parents[2]))
    command = [
        _common.TOOLS_BIN / "antsibull-docs",
        "lint-collection-docs",
        "--plugin-docs",
        "--validate-collection-refs",
        "all",
        "--disallow-unknown-collection-refs",
        ".",
    ]
    rc, output = _common.run(command, cwd=copy, env=env, log=_common.LOGS / "docs.log", timeout=600)
    problems = [line for line in output.splitlines() if line.strip() and not line.startswith("$ ")]
    if rc != 0 or problems:
        return gate.verdict(False, f"antsibull-docs exited {rc} with {len(problems)} message(s)")
    return gate.verdict(True, "plugin docs, role argument specs and references are clean")


if __name__ == "__main__":
    sys.exit(main())
