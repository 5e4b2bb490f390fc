# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The environment AWX gives a job or an inventory update that has a credential of docs/awx/credential_type.yml.

AWX renders each injector template of the credential type with the credential's inputs in a sandboxed
Jinja environment (an input left empty renders as ""), and runs the job with those variables.
"""

from __future__ import annotations

from typing import Dict

import yaml
from integration.playbook import REPO
from jinja2.sandbox import ImmutableSandboxedEnvironment

AWX = REPO / "docs" / "awx"


def injected_env(inputs: Dict[str, str]) -> Dict[str, str]:
    """The env injectors rendered as AWX renders them (booleans absent from the inputs are False)."""
    credential_type = yaml.safe_load((AWX / "credential_type.yml").read_text(encoding="utf-8"))
    namespace = {f["id"]: False for f in credential_type["inputs"]["fields"] if f.get("type") == "boolean"}
    namespace.update(inputs)
    sandbox = ImmutableSandboxedEnvironment()
    return {
        name: sandbox.from_string(template).render(**namespace)
        for name, template in credential_type["injectors"]["env"].items()
    }
