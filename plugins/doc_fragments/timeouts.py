# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The time limits of every API call, the same for the modules (common.py) and the inventory plugin
    # (inventory.py): options of the same names, types and defaults, read by _client.py.
    DOCUMENTATION = r"""
options:
  connect_timeout:
    description:
      - Seconds to wait for a connection to an API endpoint.
    type: float
    default: 5.0
  read_timeout:
    description:
      - Seconds to wait for an API response once connected.
    type: float
    default: 30.0
  retry_timeout:
    description:
      - The most seconds one API call may spend waiting between retries, in all.
    type: float
    default: 120.0
"""
