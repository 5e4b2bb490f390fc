# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure module_utils run on managed targets: Python 3.8 syntax, standard library only, no print/assert."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

MODULE_UTILS = Path(__file__).resolve().parents[4] / "plugins" / "module_utils"
PURE = [
    "_port_ranges",
    "_planner",
    "_errors",
    "_sdk_errors",
    "_retries",
    "_audit",
    "_discovery_rules",
    "_discovery_guard",
    "_finding_codes",
    "_node_pools",
    "_sources",
    "_backends",
]
HEADER = [
    "# -*- coding: utf-8 -*-",
    "# Copyright (c) alibabacloud.apig contributors",
    "# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)",
    "# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.",
]
SDK_ROOTS = ("alibabacloud_tea_openapi", "alibabacloud_credentials", "darabonba", "Tea", "requests", "urllib3")


@pytest.mark.parametrize("name", PURE)
def test_header_syntax_and_forbidden_statements(name: str) -> None:
    source = (MODULE_UTILS / f"{name}.py").read_text(encoding="utf-8")
    assert source.splitlines()[:4] == HEADER
    tree = ast.parse(source, feature_version=(3, 8))
    first_import = next(node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom)))
    assert isinstance(first_import, ast.ImportFrom) and first_import.module == "__future__"
    for node in ast.walk(tree):
        assert not isinstance(node, ast.Assert), f"{name}.py:{node.lineno}: assert in module_utils"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id != "print", f"{name}.py:{node.lineno}: print in module_utils"
        if isinstance(node, ast.ExceptHandler):
            assert node.type is not None, f"{name}.py:{node.lineno}: bare except"
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
            root = (module or "").split(".")[0]
            assert root in sys.stdlib_module_names or root in ("__future__", "ansible_collections"), module


def test_importing_them_loads_no_sdk() -> None:
    code = (
        "import sys\n"
        + "".join(f"import ansible_collections.alibabacloud.apig.plugins.module_utils.{name}\n" for name in PURE)
        + f"print(sorted(m for m in sys.modules if m.split('.')[0] in {SDK_ROOTS!r}))\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.strip() == "[]"
