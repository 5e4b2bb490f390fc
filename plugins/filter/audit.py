# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit playbook's filter; the logic lives in module_utils/_audit.py."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible_collections.alibabacloud.apig.plugins.module_utils._audit import audit_gateway
from ansible_collections.alibabacloud.apig.plugins.module_utils._audit import audit_summary_lines


def backend_audit(gateway, entries, sources, declared, findings=None):
    try:
        audit = audit_gateway(gateway, entries, sources, declared, findings or [])
    except ValueError as err:
        raise AnsibleFilterError(f"backend_audit: {err}") from None
    audit["lines"] = audit_summary_lines(audit)
    return audit


class FilterModule:
    def filters(self):
        return {"backend_audit": backend_audit}
