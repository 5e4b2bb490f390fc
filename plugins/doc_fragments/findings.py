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
        (V(*_NOT_FOUND)); V(all) matches every finding.
      - Each value must be a finding code of the collection, or a pattern that matches one. Anything else (a
        misspelt code such as V(NOT_A_CODE), lower case, a pattern that matches no code) fails before the first
        API call, naming the value and listing the known codes, so that a typo never silently turns the guard off.
      - The default, an empty list, fails on no finding; each is still returned and shown as a warning.
      - A failure here comes after the work is done; for a module that writes, the writes of the run stand.
      - Each module lists its codes under RV(findings). Those of the inbound rules' verification are
        V(AUTHORIZATION_NOT_EFFECTIVE), V(INBOUND_RULE_REMOVED_BY_CASCADE), V(INBOUND_RULE_READS_DISAGREE) (two
        reads disagree, nothing repaired), V(INBOUND_RULE_PREEXISTS) (a rule that was there before the
        authorization, left in place by its revoke) and V(INBOUND_RULE_SHARED_BY_GATEWAY) (an enterprise group's
        rules that another gateway needs, left in place). V(DESCRIPTION_DIFFERS) is a declared range that is
        authorized with another description than the task gives (left as it is).
    type: list
    elements: str
    default: []
"""
