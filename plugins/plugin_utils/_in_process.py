# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this plugin_utils is internal to alibabacloud.apig and has no API promise.
"""Run a module of this collection inside ansible-playbook when it would run on this very Python anyway.

A module task costs a new Python process, its AnsiballZ payload (built, written, unpacked and
compiled on every run) and the import of AnsibleModule: about 0.7 s on a two-core machine, before
the module's first API call. When the task would run the module on the controller with the Python
that runs ansible-playbook (a local connection, that interpreter, no delegation, no become, not
async), the action plugin runs the module's own ``main()`` in the task's worker process instead:
same options, same checks, same calls, same result. Any other task runs the module as usual.

The worker is a process of its own for this one task and host; the task's ``environment:`` is
applied to it for the run, so credentials, endpoints and proxies given there reach the SDK as they
would reach a module.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import os
import sys
from typing import Any
from typing import Dict
from typing import Iterator
from typing import Optional

from ansible import constants as C
from ansible.module_utils.common.arg_spec import ModuleArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.common.warnings import get_deprecation_messages
from ansible.module_utils.common.warnings import get_warning_messages
from ansible.module_utils.common.warnings import warn
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible.utils.vars import merge_hash
from ansible_collections.alibabacloud.apig.plugins.module_utils._module import argument_error_message

display = Display()


class ModuleExit(BaseException):
    """Raised by InProcessModule's exit_json and fail_json, as AnsibleModule's raise SystemExit."""

    def __init__(self, result: Dict[str, Any]) -> None:
        super().__init__("module exit")
        self.result = result


class InProcessModule:
    """The part of AnsibleModule's interface that AlibabaCloudModule uses, without a process of its own.

    The options are checked by the validator AnsibleModule itself uses, so messages, defaults,
    environment fallbacks and no_log values are the same; exit_json and fail_json shape the result
    as AnsibleModule does (invocation, warnings, deprecations, no_log values masked) and raise
    ModuleExit instead of printing it.
    """

    def __init__(
        self,
        argument_spec: dict,
        *,
        module_name: str,
        args: Dict[str, Any],
        check_mode: bool,
        diff: bool,
        supports_check_mode: bool = False,
        **constraints: Any,
    ) -> None:
        self.check_mode = check_mode
        self._diff = diff
        self._warnings_before = set(get_warning_messages())
        self._deprecations_before = len(get_deprecation_messages())
        self.params: Dict[str, Any] = dict(args)
        validator = ModuleArgumentSpecValidator(argument_spec, **constraints)
        self.validation_result = validator.validate(self.params)
        self.params.update(self.validation_result.validated_parameters)
        self.no_log_values = set(self.validation_result._no_log_values)  # pylint: disable=protected-access
        errors = self.validation_result.errors
        if errors.errors:
            msg = errors.msg
            if isinstance(errors.errors[0], UnsupportedError):
                msg = f"Unsupported parameters for ({module_name}) module: {msg}"
            self.fail_json(msg=argument_error_message(errors.errors, msg))
        if check_mode and not supports_check_mode:
            self.exit_json(skipped=True, msg=f"remote module ({module_name}) does not support check mode")

    def warn(self, message: str) -> None:
        warn(message)

    def log(self, message: str) -> None:
        display.vvv(message)

    def exit_json(self, **result: Any) -> None:
        raise ModuleExit(self._formatted(result))

    def fail_json(self, msg: str, **result: Any) -> None:
        raise ModuleExit(self._formatted(dict(result, failed=True, msg=str(msg))))

    def _formatted(self, result: Dict[str, Any]) -> Dict[str, Any]:
        result.setdefault("invocation", {"module_args": self.params})
        warnings = [w for w in get_warning_messages() if w not in self._warnings_before]
        if warnings:
            result["warnings"] = warnings
        deprecations = list(get_deprecation_messages()[self._deprecations_before :])
        if deprecations:
            result["deprecations"] = deprecations
        return remove_values(result, self.no_log_values)


def _as_json(args: Dict[str, Any]) -> Dict[str, Any]:
    """The arguments as a module process receives them: JSON types, without the controller's data tags.

    ansible-core tags the values it templates (a float that came from YAML is a tagged float
    subclass); a module never sees those, and its messages name plain types (float, list).
    """

    def encode(value: Any) -> Any:
        return value.isoformat() if hasattr(value, "isoformat") else str(value)

    return json.loads(json.dumps(args, default=encode))


@contextlib.contextmanager
def _environment(variables: Dict[str, Any]) -> Iterator[None]:
    """The task's environment in os.environ for the run (the worker process is this task's alone)."""
    saved = dict(os.environ)
    os.environ.update({str(k): str(v) for k, v in variables.items()})
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


class InProcessAction(ActionBase):
    """The action plugin of one of this collection's modules; MODULE names it."""

    MODULE = ""
    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp: Optional[str] = None, task_vars: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        result = super().run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        if not self._runs_in_process(task_vars):
            return self._run_as_module(result, task_vars)
        environment: Dict[str, Any] = {}
        self._compute_environment_string(environment)
        module_class = functools.partial(
            InProcessModule,
            module_name=self._task.action,
            args=_as_json(self._task.args),
            check_mode=bool(self._task.check_mode),
            diff=bool(self._task.diff),
        )
        module = importlib.import_module("ansible_collections.alibabacloud.apig.plugins.modules." + self.MODULE)
        with _environment(environment):
            try:
                module.main(module_class=module_class)
            except ModuleExit as done:
                return merge_hash(result, done.result)
        raise RuntimeError(f"{self.MODULE} returned without exit_json or fail_json")

    def _runs_in_process(self, task_vars: Dict[str, Any]) -> bool:
        """True when the module would run here anyway: local, on this Python, as this user, now."""
        if self._task.delegate_to or self._task.async_val or self._play_context.become:
            return False
        if self._connection.transport != "local":
            return False
        try:
            configured = C.config.get_config_value("INTERPRETER_PYTHON", variables=task_vars)
            interpreter = self._templar.template(configured)
        except Exception:  # pylint: disable=broad-except
            return False  # whatever stops us reading it, the module path reads it the usual way
        return isinstance(interpreter, str) and interpreter.strip() == sys.executable

    def _run_as_module(self, result: Dict[str, Any], task_vars: Dict[str, Any]) -> Dict[str, Any]:
        """As ansible.builtin.normal does."""
        wrap_async = self._task.async_val and not self._connection.has_native_async
        result = merge_hash(result, self._execute_module(task_vars=task_vars, wrap_async=wrap_async))
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)  # pylint: disable=protected-access
        return result
