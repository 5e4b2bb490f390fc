# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Gate: the execution environment definitions resolve (ansible-builder create + introspect; no container is built).

    python3 tests/gates/gate_builder.py

1. Builds the collection tarball and lays it next to a copy of docs/awx/execution-environment.yml
   as the sample expects (../../alibabacloud-apig-<version>.tar.gz), then `ansible-builder create`
   writes the build context. Checked: a Containerfile from the sample's base image with ansible-core
   pinned, the tarball carried into _build/ and named by _build/requirements.yml, and the tarball's
   meta/execution-environment.yml, requirements.txt and bindep.txt inside it.
2. Installs the tarball (offline) and runs `ansible-builder introspect` on it, as the image's builder
   stage does: every line of requirements.txt and bindep.txt must come out, attributed to alibabacloud.apig.
"""

from __future__ import annotations

import re
import shutil
import sys
import tarfile

import _common


def requirement_lines(path) -> list:
    """The non-comment lines of a requirements or bindep file, without trailing comments."""
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def main() -> int:
    _common.enter_tools_venv()
    import yaml  # from the tools venv: a fresh machine's python3 may not have it

    gate = _common.Gate("builder")
    repo = _common.REPO
    work = _common.temp_dir("builder")
    env = _common.tool_env()
    log = _common.LOGS / "builder.log"
    problems = []

    meta = yaml.safe_load((repo / "meta" / "execution-environment.yml").read_text(encoding="utf-8"))
    if meta.get("version") != 1:
        problems.append("meta/execution-environment.yml: version must be 1")
    deps = meta.get("dependencies") or {}
    if deps.get("python") != "requirements.txt" or deps.get("system") != "bindep.txt":
        problems.append("meta/execution-environment.yml must name python: requirements.txt and system: bindep.txt")

    version = str(yaml.safe_load((repo / "galaxy.yml").read_text(encoding="utf-8"))["version"])
    tarball_name = f"alibabacloud-apig-{version}.tar.gz"
    copy = _common.collection_copy("builder")
    rc = _common.call(
        [_common.TOOLS_BIN / "ansible-galaxy", "collection", "build", "--output-path", work, copy], cwd=work, env=env
    )
    if rc != 0 or not (work / tarball_name).is_file():
        return gate.verdict(False, f"ansible-galaxy collection build exited {rc}")
    with tarfile.open(work / tarball_name) as archive:
        names = set(archive.getnames())
    for needed in ("meta/execution-environment.yml", "requirements.txt", "bindep.txt"):
        if needed not in names:
            problems.append(f"{needed} is not in the tarball (build_ignore?)")

    # The sample EE expects the tarball two directories above it, at the repository root.
    sample = work / "docs" / "awx" / "execution-environment.yml"
    sample.parent.mkdir(parents=True)
    shutil.copy2(repo / "docs" / "awx" / "execution-environment.yml", sample)
    definition = yaml.safe_load(sample.read_text(encoding="utf-8"))
    context = work / "context"
    rc, output = _common.run(
        [
            _common.TOOLS_BIN / "ansible-builder",
            "create",
            "-f",
            sample,
            "-c",
            context,
            "--output-filename",
            "Containerfile",
        ],
        cwd=work,
        env=env,
        log=log,
    )
    if rc != 0:
        problems.append(f"ansible-builder create exited {rc}: {output.strip().splitlines()[-1:]}")
    else:
        containerfile = (context / "Containerfile").read_text(encoding="utf-8")
        base = definition["images"]["base_image"]["name"]
        if f'EE_BASE_IMAGE="{base}"' not in containerfile:
            problems.append(f"Containerfile does not start from {base}")
        if not re.search(r"ansible-core==2\.19\.\d+", containerfile):
            problems.append("Containerfile does not pin ansible-core 2.19")
        if not (context / "_build" / "artifacts" / tarball_name).is_file():
            problems.append(f"_build/artifacts/{tarball_name} is missing (sample and galaxy.yml versions differ?)")
        requirements = yaml.safe_load((context / "_build" / "requirements.yml").read_text(encoding="utf-8"))
        names_in_ee = [c.get("name", "") for c in requirements.get("collections") or []]
        if not any(n.endswith(tarball_name) or n == "alibabacloud.apig" for n in names_in_ee):
            problems.append(f"_build/requirements.yml does not install the collection: {names_in_ee}")

    # What the image's builder stage does with the installed collection.
    installed = work / "collections"
    galaxy = _common.TOOLS_BIN / "ansible-galaxy"
    rc = _common.call([galaxy, "collection", "install", "--offline", "-p", installed, work / tarball_name], work, env)
    pip_out, bindep_out = work / "introspect-requirements.txt", work / "introspect-bindep.txt"
    rc = _common.call(
        [
            _common.TOOLS_BIN / "ansible-builder",
            "introspect",
            installed,
            "--write-pip",
            pip_out,
            "--write-bindep",
            bindep_out,
        ],
        cwd=work,
        env=env,
    )
    if rc != 0:
        problems.append(f"ansible-builder introspect exited {rc}")
    else:
        for source, written in ((repo / "requirements.txt", pip_out), (repo / "bindep.txt", bindep_out)):
            got = written.read_text(encoding="utf-8").splitlines() if written.exists() else []
            for line in requirement_lines(source):
                if f"{line}  # from collection alibabacloud.apig" not in got:
                    problems.append(f"introspection lost {source.name}: {line!r}")

    if problems:
        return gate.verdict(False, "; ".join(problems))
    py = len(requirement_lines(repo / "requirements.txt"))
    system = len(requirement_lines(repo / "bindep.txt"))
    return gate.verdict(True, f"context created; introspection carries {py} Python and {system} system requirement(s)")


if __name__ == "__main__":
    sys.exit(main())
