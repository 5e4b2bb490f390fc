# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Gate: `antsibull-changelog lint` on the fragments, plus a trial release of galaxy.yml's version on a copy.

    python3 tests/gates/gate_changelog.py

1. `antsibull-changelog lint` (fragments: known sections, valid markup) and
   `antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml`.
2. On a copy, `antsibull-changelog release` (the version in galaxy.yml): the fragments must turn
   into a release with a summary, the generated changelog.yaml must lint, and CHANGELOG.md must appear.
   The work tree is not touched: releasing is the maintainer's step.
"""

from __future__ import annotations

import sys

import _common


def main() -> int:
    _common.enter_tools_venv()
    import yaml  # from the tools venv: a fresh machine's python3 may not have it

    gate = _common.Gate("changelog")
    bin_ = _common.TOOLS_BIN
    env = _common.tool_env()
    log = _common.LOGS / "changelog.log"
    problems = []

    rc = _common.call([bin_ / "antsibull-changelog", "lint"], cwd=_common.REPO, env=env, log=log)
    if rc != 0:
        problems.append("fragments do not lint")
    changes = _common.REPO / "changelogs" / "changelog.yaml"
    rc = _common.call([bin_ / "antsibull-changelog", "lint-changelog-yaml", changes], cwd=_common.REPO, env=env)
    if rc != 0:
        problems.append("changelogs/changelog.yaml does not lint")

    version = yaml.safe_load((_common.REPO / "galaxy.yml").read_text(encoding="utf-8"))["version"]
    copy = _common.collection_copy("changelog")
    released = yaml.safe_load((copy / "changelogs" / "changelog.yaml").read_text(encoding="utf-8")) or {}
    if str(version) in (released.get("releases") or {}):
        # Already released: a trial would fail for the wrong reason. New fragments belong to the next version.
        print(f"changelog: {version} is already in changelog.yaml; trial release skipped")
    else:
        rc = _common.call([bin_ / "antsibull-changelog", "release", "--version", version], cwd=copy, env=env)
        after = yaml.safe_load((copy / "changelogs" / "changelog.yaml").read_text(encoding="utf-8")) or {}
        release = (after.get("releases") or {}).get(str(version)) or {}
        if rc != 0 or not release:
            problems.append(f"trial release of {version} failed")
        else:
            if "release_summary" not in (release.get("changes") or {}):
                problems.append(f"release {version} has no release_summary fragment")
            if not (copy / "CHANGELOG.md").is_file():
                problems.append("trial release wrote no CHANGELOG.md")
            rc = _common.call(
                [bin_ / "antsibull-changelog", "lint-changelog-yaml", copy / "changelogs" / "changelog.yaml"],
                cwd=copy,
                env=env,
            )
            if rc != 0:
                problems.append("the released changelog.yaml does not lint")

    fragments = sorted(p.name for p in (_common.REPO / "changelogs" / "fragments").glob("*.y*ml"))
    if problems:
        return gate.verdict(False, "; ".join(problems))
    return gate.verdict(True, f"{len(fragments)} fragments lint; trial release {version} renders CHANGELOG.md")


if __name__ == "__main__":
    sys.exit(main())
