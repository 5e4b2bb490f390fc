# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Every module is in the action group, so module_defaults can set the shared options once.
    DOCUMENTATION = r"""
options: {}
attributes:
  action:
    description:
      - Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
    details:
      - When the task would run the module on the control node with the Python that runs C(ansible-playbook)
        (a local connection, C(ansible_python_interpreter) equal to that Python, as with the collection's playbooks
        and the implicit C(localhost)), no C(delegate_to), no C(become) and no C(async), the action plugin runs the
        module inside C(ansible-playbook)'s own worker process, with the task's C(environment). This saves the new
        Python process, the module payload and its imports, about 0.7 seconds a task. The options, checks, API
        calls and result are the same.
      - Any other task runs the module as usual, on the interpreter it names. To always run it as a separate
        process, set C(ansible_python_interpreter) to another path to that Python (for example C(python3) rather
        than C(python) in the same virtual environment).
  check_mode:
    description: Can run in C(check_mode) and return changed status prediction without modifying target.
  diff_mode:
    description:
      - Will return details on what has changed (or possibly needs changing in C(check_mode)), when in diff mode.
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
  action_group:
    description: Use C(group/alibabacloud.apig.all) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - alibabacloud.apig.all
"""

    # For modules that change nothing.
    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
    details:
      - This action does not modify state.
  diff_mode:
    support: N/A
    details:
      - This action does not modify state.
  idempotent:
    support: full
    details:
      - This action does not modify state.
"""
