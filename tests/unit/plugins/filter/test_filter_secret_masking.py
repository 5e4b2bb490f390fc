# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filters mask the controller's credentials (environment, profile files) in their errors, by value."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.alibabacloud.apig.plugins.filter.backend_rules import backend_entries
from ansible_collections.alibabacloud.apig.plugins.filter.backend_rules import resource_id
from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import MASK

TOKEN = "CAIS+token/with=odd+chars"
SECRET = "s3cr3t-value-of-the-key"


def test_filter_errors_are_masked_of_the_controllers_credentials(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
    with pytest.raises(AnsibleFilterError) as caught:
        resource_id(f" {SECRET}", "gateway_id", "gateway")
    assert SECRET not in str(caught.value) and MASK in str(caught.value) and "gateway_id" in str(caught.value)
    monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN)
    with pytest.raises(AnsibleFilterError) as caught:
        backend_entries([{"security_group_id": TOKEN}])
    assert TOKEN not in str(caught.value) and MASK in str(caught.value)
