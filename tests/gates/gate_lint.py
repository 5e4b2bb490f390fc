# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Gate: `ansible-lint --profile production` on the whole collection (configuration: .ansible-lint at the root).

    python3 tests/gates/gate_lint.py [ansible-lint options]

Runs on a copy of the files git would commit (ansible-lint writes its cache, .ansible/, into the
project directory: in the copy it never reaches the work tree). ansible-lint does not read modules'
EXAMPLES, so the gate writes each module's EXAMPLES into the copy as a tasks file
(lint_examples/<module>/tasks/main.yml) and maps findings there back to the module's own lines. While galaxy.yml
names no repository (none is public yet), the copy's names a reserved placeholder, so that galaxy[no-repository],
a requirement of publication, does not fail every run.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import _common

EXAMPLES_DIR = "lint_examples"


def write_examples(copy: Path) -> dict:
    """Write each module's EXAMPLES as a tasks file; return {tasks file: (module path, line of its first line)}."""
    where = {}
    for module in sorted((copy / "plugins" / "modules").glob("*.py")):
        for node in ast.parse(module.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "EXAMPLES" for t in node.targets):
                if not isinstance(node.value, ast.Constant) or not isinstance(node.value.value, str):
                    continue
                tasks = Path(EXAMPLES_DIR) / module.stem / "tasks" / "main.yml"
                (copy / tasks).parent.mkdir(parents=True, exist_ok=True)
                # "---" comes first, so the tasks file's line N is the string's line N - 1.
                (copy / tasks).write_text("---\n" + node.value.value.lstrip("\n"), encoding="utf-8")
                first = node.value.lineno + (1 if node.value.value.startswith("\n") else 0)
                where[str(tasks)] = (str(module.relative_to(copy)), first)
    return where


def map_examples(line: str, where: dict) -> str:
    """Rewrite a finding in an EXAMPLES tasks file to the module file and line it came from."""
    match = re.match(r"^([\w./-]+):(\d+)(:\d+)?: (.*)$", line)
    if not match or match.group(1) not in where:
        return line
    module, first = where[match.group(1)]
    return f"{module}:{first + int(match.group(2)) - 2}: {match.group(4)} (in EXAMPLES)"


def main() -> int:
    _common.enter_tools_venv()
    gate = _common.Gate("lint")
    copy = _common.collection_copy("lint")
    # galaxy[no-repository] holds while none is public: the copy names a reserved placeholder (see _common).
    _common.name_placeholder_repository(copy)
    where = write_examples(copy)
    # ansible-lint resolves our FQCNs (roles, modules in EXAMPLES) through this collections path.
    env = _common.tool_env(ANSIBLE_COLLECTIONS_PATH=str(copy.parents[2]))
    command = [
        _common.TOOLS_BIN / "ansible-lint",
        "--profile",
        "production",
        "--offline",
        "--strict",
        "--nocolor",
        "--format",
        "pep8",
        *sys.argv[1:],
    ]
    rc, output = _common.run(command, cwd=copy, env=env, log=_common.LOGS / "lint.log", timeout=600)
    output = _common.strip_ansi(output)
    findings = [map_examples(line, where) for line in output.splitlines() if re.match(r"^[\w./-]+:\d+(:\d+)?: ", line)]
    for finding in findings:
        print("finding: " + finding)
    passed = re.search(r"^Passed: .*$", output, re.M)
    if rc != 0 or findings:
        return gate.verdict(False, f"ansible-lint exited {rc} with {len(findings)} finding(s)")
    return gate.verdict(
        True, (passed.group(0) if passed else "no findings") + f" (with {len(where)} modules' EXAMPLES)"
    )


if __name__ == "__main__":
    sys.exit(main())
