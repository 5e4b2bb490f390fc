# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credentials masked by value (_connection.mask_secrets, known_secrets; _profiles.profile_secrets; the filters)."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from ansible_collections.alibabacloud.apig.plugins.module_utils._client import _CredentialChain
from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import MASK
from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import known_secrets
from ansible_collections.alibabacloud.apig.plugins.module_utils._connection import mask_secrets
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import ApiError
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import bound_text
from ansible_collections.alibabacloud.apig.plugins.module_utils._profiles import profile_secrets
from hypothesis import given
from hypothesis import strategies as st

TOKEN = "CAIS+token/with=odd+chars"
SECRET = "s3cr3t-value-of-the-key"


@pytest.mark.parametrize(
    "form",
    [TOKEN, quote(TOKEN, safe=""), json.dumps("a\\" + TOKEN)[1:-1].replace("a\\\\", ""), repr(TOKEN)[1:-1]],
)
def test_every_form_of_a_secret_is_masked(form):
    text = f"denied with token {form} for you"
    assert mask_secrets(text, [TOKEN]) == f"denied with token {MASK} for you"


def test_a_secret_cut_by_a_bounded_message_is_masked_up_to_the_cut():
    full = "x" * 100 + " token " + TOKEN + " tail " + "z" * 100
    cut = [bound_text(full, limit) for limit in range(100, 250)]
    cut = [text for text in cut if TOKEN[:6] in text and TOKEN not in text]
    assert cut  # some limits cut the token, leaving a prefix of it
    for text in cut:
        masked = mask_secrets(text, [TOKEN])
        assert TOKEN[:6] not in masked and f"token {MASK} [... " in masked, text
    # A cut that follows ordinary text leaves it as it is.
    plain = bound_text("y" * 3000, limit=100)
    assert mask_secrets(plain, [TOKEN]) == plain


def test_an_api_error_text_is_masked_whatever_the_label():
    err = ApiError("ListGateways", code="NoPermission", message=f"Access denied with token {TOKEN}", status=403)
    assert TOKEN not in mask_secrets(str(err), [TOKEN]) and "code: NoPermission" in str(err)


@given(
    secret=st.text(min_size=1, max_size=40).filter(lambda s: s.strip() and "*" not in s),
    before=st.text(),
    after=st.text(),
)
def test_no_secret_survives_masking(secret, before, after):
    assert secret not in mask_secrets(before + secret + after, [secret])


def test_known_secrets_come_from_the_given_values_the_environment_and_the_profile_files(tmp_path):
    home = tmp_path / "home"
    (home / ".aliyun").mkdir(parents=True)
    profiles = [
        {"name": "a", "mode": "AK", "access_key_id": "id-a", "access_key_secret": "cli-secret"},
        {"name": "b", "mode": "StsToken", "access_key_secret": "cli-sts-secret", "sts_token": "cli-token"},
        "not a profile",
    ]
    (home / ".aliyun" / "config.json").write_text(json.dumps({"current": "a", "profiles": profiles}))
    ini = tmp_path / "credentials.ini"
    ini.write_text("[default]\ntype = access_key\naccess_key_id = id-i\naccess_key_secret = ini%secret\n")
    environ = {
        "HOME": str(home),
        "ALIBABA_CLOUD_CREDENTIALS_FILE": str(ini),
        "ALICLOUD_SECRET_KEY": "legacy-secret",
        "ALIBABA_CLOUD_SECURITY_TOKEN": "env-token",
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "not-a-secret",
    }
    assert sorted(profile_secrets(environ)) == ["cli-secret", "cli-sts-secret", "cli-token", "ini%secret"]
    found = known_secrets(environ, ["option-secret", None, "", "  "])
    assert sorted(found) == sorted(
        ["option-secret", "legacy-secret", "env-token", "cli-secret", "cli-sts-secret", "cli-token", "ini%secret"]
    )
    assert [len(s) for s in found] == sorted((len(s) for s in found), reverse=True)  # longest first


def test_unreadable_profile_files_give_no_secret(tmp_path):
    (tmp_path / ".aliyun").mkdir()
    (tmp_path / ".aliyun" / "config.json").write_text("{not json")
    (tmp_path / "bad.ini").write_text("no section header\n")
    environ = {"HOME": str(tmp_path), "ALIBABA_CLOUD_CREDENTIALS_FILE": str(tmp_path / "bad.ini")}
    assert profile_secrets(environ) == [] and known_secrets(environ) == []


class _Given:
    def get_access_key_secret(self):
        return "chain-secret"

    def get_security_token(self):
        return "chain-token"


class _Provider:
    def get_credentials(self):
        return _Given()


def test_the_credential_chain_remembers_what_it_gave():
    chain = _CredentialChain([_Provider()], "none")
    assert chain.given is None
    chain.get_credentials()
    assert chain.given.get_security_token() == "chain-token"
