# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The guards' pure parts: discovery misses, fail_on_findings, ranges left behind, purge_all, survey text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from ansible_collections.alibabacloud.apig.plugins.module_utils import _finding_codes
from ansible_collections.alibabacloud.apig.plugins.module_utils._backends import normalize_backend_entries
from ansible_collections.alibabacloud.apig.plugins.module_utils._discovery_guard import source_misses
from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import finding
from ansible_collections.alibabacloud.apig.plugins.module_utils._findings import findings_failure_message
from ansible_collections.alibabacloud.apig.plugins.module_utils._findings import known_finding_codes
from ansible_collections.alibabacloud.apig.plugins.module_utils._findings import matching_findings
from ansible_collections.alibabacloud.apig.plugins.module_utils._findings import parse_fail_on_findings
from ansible_collections.alibabacloud.apig.plugins.module_utils._records import undeclared_ranges
from ansible_collections.alibabacloud.apig.plugins.module_utils._rules import parse_request
from ansible_collections.alibabacloud.apig.plugins.module_utils._sources import parse_source

FIELD = "backend_access_backends"
CLUSTER = "c0123456789abcdef0123456789abcdef"


def test_a_source_with_a_not_found_finding_is_refused_unless_it_allows_empty():
    typo = parse_source({"name": "web", "cluster_id": CLUSTER, "nodepool_names": ["web_pool"]}, 0, "sources[0]")
    allowed = parse_source({"instance_tags": {"app": "batch"}, "allow_empty": "yes"}, 1, "sources[1]")
    healthy = parse_source({"security_group_ids": ["sg-1"]}, 2, "sources[2]")
    findings = [
        [
            finding("NODEPOOL_NOT_FOUND", "no node pool is named 'web_pool'"),
            finding("NO_SECURITY_GROUPS_FOUND", "none"),
        ],
        [finding("TAGS_MATCH_NO_INSTANCE", "no ECS instance carries app=batch")],
        [finding("INSTANCE_MULTIPLE_SECURITY_GROUPS", "two groups"), finding("SECURITY_GROUP_IN_OTHER_VPC", "other")],
    ]
    refused, allowed_texts = source_misses([typo, allowed, healthy], findings)
    assert refused == [
        f"sources[0] (web; cluster_id={CLUSTER} nodepool_names=['web_pool']): NODEPOOL_NOT_FOUND: no node pool is "
        "named 'web_pool'; NO_SECURITY_GROUPS_FOUND: none"
    ]
    assert allowed_texts == [
        "sources[1] (instance_tags={'app': 'batch'}): TAGS_MATCH_NO_INSTANCE: no ECS instance carries app=batch"
    ]


@pytest.mark.parametrize(
    "value, message",
    [
        ("all", "fail_on_findings: 'all' must be a list of finding codes"),
        (["nodepool_not_found"], "fail_on_findings[0]: 'nodepool_not_found' is not a finding code"),
        (["NODEPOOL_NOT_FOUND", " X"], "fail_on_findings[1]: ' X' is not a finding code"),
        ([3], "fail_on_findings[0]: 3 is not a finding code"),
    ],
)
def test_fail_on_findings_refuses_what_would_never_match(value, message):
    with pytest.raises(OptionError, match=None) as raised:
        parse_fail_on_findings(value)
    assert str(raised.value).startswith(message)


def test_fail_on_findings_matches_codes_patterns_and_all():
    findings = [finding("NODEPOOL_NOT_FOUND", "a"), finding("INSTANCE_IN_OTHER_VPC", "b"), finding("X_Y", "c")]
    assert matching_findings(findings, parse_fail_on_findings(["*_NOT_FOUND"])) == findings[:1]
    assert matching_findings(findings, parse_fail_on_findings(["all"])) == findings
    assert matching_findings(findings, parse_fail_on_findings([])) == []
    assert findings_failure_message(findings, ("INSTANCE_IN_OTHER_VPC",)) == (
        "1 finding(s) listed in fail_on_findings (INSTANCE_IN_OTHER_VPC): INSTANCE_IN_OTHER_VPC: b"
    )
    assert findings_failure_message(None, ("*",)) is None


def test_ranges_left_behind_are_the_authorized_ones_no_rule_lists_exactly_in_any_group():
    records = [
        {"security_group_id": "sg-a", "port_range": "8080/8080"},
        {"security_group_id": "sg-a", "port_range": "8081/8081"},
        {"security_group_id": "sg-b", "port_range": "8080/8080"},  # inside 80/9000, yet not that range
        {"security_group_id": "sg-b", "port_range": "80/9000"},
        {"security_group_id": "sg-c", "port_range": "22/22"},  # a group no rule names
        {"security_group_id": "sg-a", "port_range": "garbled"},
    ]
    rules = [
        {"security_group_id": "sg-a", "port_ranges": ["8081/8081"]},
        {"security_group_id": "sg-b", "port_ranges": ["80/9000"]},
    ]
    assert undeclared_ranges(records, rules) == [
        {"security_group_id": "sg-a", "port_range": "8080/8080"},
        {"security_group_id": "sg-b", "port_range": "8080/8080"},
        {"security_group_id": "sg-c", "port_range": "22/22"},
    ]
    assert undeclared_ranges(records, []) == []


def test_rules_empty_with_purge_need_purge_all_and_purge_all_needs_them():
    base = {"gateway_id": "gw-1", "rules": [], "purge_security_groups": True}
    with pytest.raises(OptionError, match=r"^rules: \[\] is empty with purge_security_groups=true"):
        parse_request(base)
    assert parse_request(dict(base, purge_all=True)).groups == []
    with pytest.raises(OptionError, match=r"^purge_all: True only confirms rules=\[\]"):
        parse_request(dict(base, rules=[{"security_group_id": "sg-1", "port_ranges": [80]}], purge_all=True))
    with pytest.raises(OptionError, match=r"^purge_all: True only confirms"):
        parse_request({"gateway_id": "gw-1", "rules": [], "purge_all": True})


def test_entries_given_as_yaml_or_json_text_are_the_same_entries():
    listed = [{"name": "web", "cluster_id": CLUSTER, "port_ranges": [8080], "allow_empty": True}]
    as_yaml = "- name: web\n  cluster_id: " + CLUSTER + "\n  port_ranges: [8080]\n  allow_empty: true\n"
    as_json = json.dumps([{"name": "web", "cluster_id": CLUSTER, "port_ranges": ["8080"], "allow_empty": "yes"}])
    expected = normalize_backend_entries(listed, FIELD)
    assert expected[0]["source"] == {"cluster_id": CLUSTER, "name": "web", "allow_empty": True}
    assert normalize_backend_entries(as_yaml, FIELD) == expected
    assert normalize_backend_entries(as_json, FIELD) == expected
    assert normalize_backend_entries("  \n", FIELD) == []


@pytest.mark.parametrize(
    "text, message",
    [
        ("[{name: web", "backend_access_backends: '[{name: web' is not valid YAML or JSON (expected ',' or '}'"),
        ("name: web", "backend_access_backends: {'name': 'web'} must be a list of backend entries"),
        ("- name: web\n\tport_ranges: 1", "is not valid YAML or JSON (found character '\\t'"),
    ],
)
def test_entries_text_that_is_not_a_list_of_entries_names_the_variable(text, message):
    with pytest.raises(OptionError) as raised:
        normalize_backend_entries(text, FIELD)
    assert message in str(raised.value)


def test_allow_empty_is_refused_with_purge_and_must_be_a_boolean():
    entry = {"instance_tags": {"app": "batch"}, "port_ranges": [80]}
    with pytest.raises(OptionError, match=r"^backend_access_backends\[0\]\.allow_empty: True cannot be used with"):
        normalize_backend_entries([dict(entry, allow_empty=True)], FIELD, purge=True)
    assert normalize_backend_entries([dict(entry, allow_empty=False)], FIELD, purge=True)
    with pytest.raises(OptionError, match=r"^backend_access_backends\[0\]\.allow_empty: 'maybe' must be a boolean"):
        normalize_backend_entries([dict(entry, allow_empty="maybe")], FIELD)


@pytest.mark.parametrize("code", ["NOT_A_CODE", "NODEPOOL_NOT_FOUNDD", "*_NOT_FOUNDX", "SERVICE_*_X"])
def test_fail_on_findings_refuses_a_code_or_pattern_that_no_finding_has_and_lists_the_known_codes(code):
    with pytest.raises(OptionError) as raised:
        parse_fail_on_findings(["AUTHORIZATION_NOT_EFFECTIVE", code])
    message = str(raised.value)
    assert message.startswith(f"fail_on_findings[1]: {code!r} is not a finding code")
    assert "Known codes: " + ", ".join(known_finding_codes()) in message


def test_finding_codes_are_defined_in_one_place_and_each_is_known_to_fail_on_findings():
    # A code constant (NAME = "NAME") of any other module_utils file would be a second home for a code, and one
    # that fail_on_findings does not know; _errors' codes are error codes, not findings.
    module_utils = Path(_finding_codes.__file__).parent
    elsewhere = [
        f"{path.name}: {line.strip()}"
        for path in sorted(module_utils.glob("*.py"))
        if path.name not in ("_finding_codes.py", "_errors.py")
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.fullmatch(r"([A-Z][A-Z_]+) = \"\1\"", line.strip())
    ]
    assert elsewhere == []
    for code in known_finding_codes():
        assert parse_fail_on_findings([code]) == (code,)
