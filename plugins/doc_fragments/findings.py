# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The fail_on_findings option, for the modules that return findings.
    DOCUMENTATION = r"""
options:
  fail_on_findings:
    description:
      - Finding codes that fail the task. The task does all its work first and returns its whole result, then fails
        when one of its RV(findings) has a listed code; the message lists those findings.
      - A code is matched exactly (V(SECURITY_GROUP_IN_OTHER_VPC)) or as a pattern where V(*) matches any text
        (V(*_NOT_FOUND)); V(all) matches every finding. Codes are upper case; any other value fails before the
        first API call, so that a misspelt code never silently fails nothing.
      - The default, an empty list, fails on no finding; each is still returned and shown as a warning.
      - A failure here comes after the work is done; for a module that writes, the writes of the run stand.
    type: list
    elements: str
    default: []
"""
