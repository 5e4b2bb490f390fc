# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs gateway_sg_authorization inside ansible-playbook when it would run on the controller's Python anyway."""

from __future__ import annotations

from ansible_collections.alibabacloud.apig.plugins.plugin_utils._in_process import InProcessAction


class ActionModule(InProcessAction):
    MODULE = "gateway_sg_authorization"
