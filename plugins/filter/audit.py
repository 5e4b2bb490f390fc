# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit playbook's filters; the logic lives in module_utils/_audit.py and _audit_diagram.py."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from ansible.errors import AnsibleFilterError
from ansible_collections.alibabacloud.apig.plugins.module_utils._audit import audit_counts
from ansible_collections.alibabacloud.apig.plugins.module_utils._audit import audit_document
from ansible_collections.alibabacloud.apig.plugins.module_utils._audit import audit_gateway
from ansible_collections.alibabacloud.apig.plugins.module_utils._audit import audit_summary_lines
from ansible_collections.alibabacloud.apig.plugins.module_utils._audit_diagram import audit_diagram
from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import known_secrets
from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import mask_secrets


def _refused(message: str) -> AnsibleFilterError:
    """The error a filter raises, its message masked of the credentials the controller holds (the environment's and
    the profile files'), as no_log masks a module's."""
    return AnsibleFilterError(mask_secrets(message, known_secrets()))


# plugins/filter/audit.py -> the collection's root (an installed collection's, or a source tree's).
COLLECTION_ROOT = Path(__file__).resolve().parents[2]


def collection_version(root: Path = COLLECTION_ROOT):
    """The version of the collection this filter belongs to: MANIFEST.json when installed, else galaxy.yml."""
    try:
        if (root / "MANIFEST.json").is_file():
            return json.loads((root / "MANIFEST.json").read_text(encoding="utf-8"))["collection_info"]["version"]
        if (root / "galaxy.yml").is_file():
            return str(yaml.safe_load((root / "galaxy.yml").read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError, TypeError, yaml.YAMLError) as err:
        raise _refused(f"audit_report: cannot read the collection's version under {root}: {err}") from None
    return None


def backend_audit(gateway, entries, sources, declared, findings=None, security_groups=None, instances=None):
    try:
        audit = audit_gateway(gateway, entries, sources, declared, findings or [])
        audit["diagram"] = audit_diagram(audit, entries, sources, security_groups or [], instances or [])
    except (ValueError, AttributeError) as err:
        raise _refused(f"backend_audit: {err}") from None
    audit["lines"] = audit_summary_lines(audit)
    audit["summary"] = audit_counts(audit)
    return audit


def audit_report(audit, region, generated_at):
    try:
        return audit_document(audit, region, generated_at, collection_version())
    except (KeyError, TypeError, AttributeError) as err:
        raise _refused(f"audit_report: not an audit of backend_audit: {err!r}") from None


class FilterModule:
    def filters(self):
        return {"backend_audit": backend_audit, "audit_report": audit_report}
