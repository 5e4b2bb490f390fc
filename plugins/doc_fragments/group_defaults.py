# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The options of plugins/module_utils/_group_defaults.py, for the modules that accept and ignore them.
    DOCUMENTATION = r"""
options:
  wait_timeout:
    description:
      - Ignored by this module. Accepted so that C(module_defaults) for the action group
        (C(group/alibabacloud.apig.all)) can set it for
        M(alibabacloud.apig.gateway_sg_authorization), where it applies
        (O(alibabacloud.apig.gateway_sg_authorization#module:wait_timeout)). A value of the wrong type still fails.
    type: int
  cascading_delete:
    description:
      - Ignored by this module, accepted for the action group's C(module_defaults) as O(wait_timeout) is
        (O(alibabacloud.apig.gateway_sg_authorization#module:cascading_delete)).
    type: bool
  max_concurrent_writes:
    description:
      - Ignored by this module, accepted for the action group's C(module_defaults) as O(wait_timeout) is
        (O(alibabacloud.apig.gateway_sg_authorization#module:max_concurrent_writes)).
    type: int
  max_revocations:
    description:
      - Ignored by this module, accepted for the action group's C(module_defaults) as O(wait_timeout) is (the
        revocation budget of M(alibabacloud.apig.gateway_sg_authorization)).
    type: raw
notes:
  - >-
    Options that only M(alibabacloud.apig.gateway_sg_authorization) takes (O(wait_timeout), O(cascading_delete),
    O(max_concurrent_writes), O(max_revocations)) may be set for every module at once with
    C(module_defaults: {group/alibabacloud.apig.all: {...}}); this module accepts and ignores them. Other options of
    one module only (such as C(fail_on_empty) or C(services)) belong under that module's own name in
    C(module_defaults), for example C(alibabacloud.apig.backend_sg_info: {fail_on_empty: true}).
"""

    # backend_sg_info only: gateway_info's verify_backend_rules is an option of its own.
    VERIFY = r"""
options:
  verify_backend_rules:
    description:
      - Ignored by this module, accepted for the action group's C(module_defaults) as O(wait_timeout) is
        (O(alibabacloud.apig.gateway_sg_authorization#module:verify_backend_rules)).
    type: bool
"""
