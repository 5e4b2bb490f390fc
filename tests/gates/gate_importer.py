# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Gate: galaxy-importer accepts the tarball `ansible-galaxy collection build` makes, with no warning.

    python3 tests/gates/gate_importer.py

1. `ansible-galaxy collection build` from the repository root (as a maintainer would) into a temp dir.
   The tarball must hold exactly the files git would commit, less galaxy.yml's build_ignore: anything
   else is local clutter (caches, venvs) that build_ignore must name.
   galaxy.yml names no `repository` while none is public, and galaxy-importer requires one (Galaxy does, to
   publish): the gate then builds the tarball it imports from a copy whose galaxy.yml names a reserved placeholder
   (_common.PLACEHOLDER_REPOSITORY), which changes nothing else in the tarball.
2. galaxy-importer on that tarball, configured through GALAXY_IMPORTER_CONFIG as Galaxy imports:
   MANIFEST/FILES checksums, galaxy.yml schema (v1 or greater, a required tag), ansible-doc of every
   plugin and role, ansible-lint (production profile, offline), changelog present, no sanity ignore
   files, EE dependency files present. No container runtime: ansible-test runs in the sanity gate.
   Every WARNING or ERROR line the importer logs fails the gate: a Galaxy user would see it.
"""

from __future__ import annotations

import json
import re
import sys
import tarfile
from pathlib import Path

import _common

IMPORTER_CONFIG = """\
[galaxy-importer]
log_level_main = INFO
run_ansible_doc = True
run_ansible_lint = True
offline_ansible_lint = True
run_ansible_test = False
ansible_test_local_image = False
local_image_docker = False
run_flake8 = False
check_changelog = True
check_required_tags = True
require_v1_or_greater = True
tmp_root_dir = {tmp}
ansible_local_tmp = {tmp}/ansible
"""


def build_source() -> Path:
    """The repository root, or, when galaxy.yml names no repository, a copy whose galaxy.yml names the placeholder."""
    copy = _common.collection_copy("importer")
    return copy if _common.name_placeholder_repository(copy) else _common.REPO


def tarball_members(tarball: Path) -> set:
    with tarfile.open(tarball) as archive:
        return {m.name for m in archive.getmembers() if m.isfile()}


def main() -> int:
    _common.enter_tools_venv()
    gate = _common.Gate("importer")
    work = _common.temp_dir("importer")
    env = _common.tool_env()
    log = _common.LOGS / "importer.log"
    problems = []

    build_dir = work / "build"
    rc = _common.call(
        [_common.TOOLS_BIN / "ansible-galaxy", "collection", "build", "--output-path", build_dir, build_source()],
        cwd=_common.REPO,
        env=env,
    )
    tarballs = sorted(build_dir.glob("*.tar.gz"))
    if rc != 0 or len(tarballs) != 1:
        return gate.verdict(False, f"ansible-galaxy collection build exited {rc}")
    tarball = tarballs[0]

    patterns = _common.galaxy_build_ignore()
    expected = {p for p in _common.collection_files() if not _common.is_build_ignored(p, patterns)}
    expected = (expected - {"galaxy.yml"}) | {"MANIFEST.json", "FILES.json"}
    members = tarball_members(tarball)
    clutter = sorted(members - expected)
    missing = sorted(expected - members)
    if clutter:
        problems.append(f"tarball holds files git would not commit (add to build_ignore): {', '.join(clutter[:10])}")
    if missing:
        problems.append(f"tarball lacks committed files: {', '.join(missing[:10])}")
    print(f"importer: {tarball.name}, {len(members)} files, {tarball.stat().st_size // 1024} KiB")

    config = work / "galaxy-importer.cfg"
    (work / "importer-tmp" / "ansible").mkdir(parents=True)
    config.write_text(IMPORTER_CONFIG.format(tmp=work / "importer-tmp"), encoding="utf-8")
    result_dir = work / "result"
    rc, output = _common.run(
        [_common.TOOLS_BIN / "python", "-m", "galaxy_importer.main", "--output-path", result_dir, tarball],
        cwd=work,
        env=_common.tool_env(GALAXY_IMPORTER_CONFIG=str(config)),
        log=log,
        timeout=900,
    )
    noise = [line for line in output.splitlines() if re.match(r"^(WARNING|ERROR|CRITICAL)\b", line)]
    if rc != 0:
        problems.append(f"galaxy-importer exited {rc}")
    if noise:
        problems.append(f"galaxy-importer logged {len(noise)} warning/error line(s): {noise[0][:200]}")
    # galaxy-importer writes its result to the working directory, whatever --output-path says.
    result_file = work / "importer_result.json"
    contents = 0
    if result_file.exists():
        result = json.loads(result_file.read_text(encoding="utf-8"))
        contents = len(result.get("contents") or [])
    elif rc == 0:
        problems.append("galaxy-importer wrote no importer_result.json")
    if problems:
        return gate.verdict(False, "; ".join(problems))
    return gate.verdict(True, f"{tarball.name} imported cleanly ({contents} contents, ansible-doc and ansible-lint)")


if __name__ == "__main__":
    sys.exit(main())
