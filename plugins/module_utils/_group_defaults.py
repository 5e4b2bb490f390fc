# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""Options of gateway_sg_authorization that the read-only modules accept and ignore.

ansible-core gives every module of an action group all the options set in the play's
``module_defaults: {group/alibabacloud.apig.all: {...}}`` (executor/module_common.py,
_get_action_arg_defaults: the group's options, then the module's own, then the task's), and a
module fails on an option it does not know. So that a group default such as ``wait_timeout`` does
not break backend_sg_info and gateway_info, those modules declare gateway_sg_authorization's
converge-only options, with the same types and no default, and ignore them (the doc fragment
alibabacloud.apig.group_defaults says so). A wrong type still fails in every module of the group.
"""

from __future__ import annotations

CONVERGE_ONLY_OPTIONS = dict(
    wait_timeout=dict(type="int"),
    cascading_delete=dict(type="bool"),
    max_concurrent_writes=dict(type="int"),
    max_revocations=dict(type="raw"),
)

# backend_sg_info has no verification of its own; gateway_info's verify_backend_rules is its own option.
VERIFY_OPTION = dict(verify_backend_rules=dict(type="bool"))
