# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""AlibabaCloudModule: AnsibleModule plus the shared options, a Session, and failures without tracebacks.

Every module builds one of these, then calls `run(main_logic)`: whatever the logic raises
(ApiError, OptionError, a missing SDK) ends in fail_json with a message that
names what was being done, the error code and the request id.
"""

from __future__ import annotations

from typing import Any
from typing import Callable
from typing import Optional

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.basic import missing_required_lib
from ansible.module_utils.errors import NoLogError
from ansible_collections.alibabacloud.apig.plugins.module_utils._client import MissingLibraryError
from ansible_collections.alibabacloud.apig.plugins.module_utils._client import Session
from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import COMMON_ARGUMENT_SPEC
from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import COMMON_MUTUALLY_EXCLUSIVE
from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import connection_settings
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._findings import findings_failure_message
from ansible_collections.alibabacloud.apig.plugins.module_utils._findings import parse_fail_on_findings


def argument_error_message(errors: list, msg: str) -> str:
    """The message for a failed argument check: the first error that names the option.

    ansible-core looks for no_log values in sub-options before it checks their types, so a list
    element that is not a dictionary (``rules: [sg-1]``) fails that scan first, and the first error
    ("dictionary requested, could not parse JSON or key=value") names neither the option nor the
    value. The type check's error that follows it names the option and the element's type.
    """
    if errors and isinstance(errors[0], NoLogError) and msg == errors[0].args[0]:
        named = [error.args[0] for error in errors if not isinstance(error, NoLogError)]
        if named:
            return named[0]
    return msg


class _AnsibleModule(AnsibleModule):
    """AnsibleModule whose argument errors name the option (argument_error_message)."""

    def fail_json(self, msg: str, **kwargs: Any) -> None:
        result = getattr(self, "validation_result", None)
        errors = result.errors.errors if result is not None else []
        super().fail_json(msg=argument_error_message(errors, msg), **kwargs)


class AlibabaCloudModule:
    """The module's options, mode, session, warnings and exit."""

    def __init__(
        self,
        argument_spec: dict,
        mutually_exclusive: Optional[list] = None,
        **kwargs: Any,
    ) -> None:
        spec = dict(COMMON_ARGUMENT_SPEC)
        spec.update(argument_spec)
        self.module = _AnsibleModule(
            argument_spec=spec,
            mutually_exclusive=list(COMMON_MUTUALLY_EXCLUSIVE) + list(mutually_exclusive or []),
            **kwargs,
        )
        self._session: Optional[Session] = None
        # What the logic has already done (e.g. the writes applied before one failed): a failed run reports it.
        self.partial_result: dict = {}

    @property
    def params(self) -> dict:
        return self.module.params

    @property
    def check_mode(self) -> bool:
        return self.module.check_mode

    @property
    def diff_mode(self) -> bool:
        return self.module._diff  # pylint: disable=protected-access

    @property
    def session(self) -> Session:
        """Validated on first use, so that a module can check its own options first."""
        if self._session is None:
            self._session = Session(connection_settings(self.params), log=self.module.log)
        return self._session

    def warn(self, message: str) -> None:
        self.module.warn(message)

    def warn_findings(self, findings: list) -> None:
        """Discovery's findings as warnings, each led by its code."""
        for item in findings:
            self.warn("{}: {}".format(item["code"], item["message"]))

    def exit(self, **result: Any) -> None:
        self.module.exit_json(**result)

    def fail(self, msg: str, **result: Any) -> None:
        self.module.fail_json(msg=msg, **result)

    def run(self, logic: Callable[[AlibabaCloudModule], dict]) -> None:
        """Run the module's logic and exit; every expected failure becomes a clean fail_json."""
        try:
            # fail_on_findings is checked before the logic's first API call, applied after its result.
            fail_on = parse_fail_on_findings(self.params.get("fail_on_findings"))
            result = logic(self)
        except ApiError as err:
            self.fail(str(err), **err.to_result(), **self.partial_result)
        except OptionError as err:
            self.fail(str(err), **self.partial_result)
        except MissingLibraryError as err:
            self.fail(missing_required_lib(err.library), **self.partial_result)
        else:
            failure = findings_failure_message(result.get("findings"), fail_on)
            if failure:
                self.fail(failure, **result)
            self.exit(**result)
