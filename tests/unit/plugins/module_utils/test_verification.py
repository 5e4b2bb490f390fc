# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Does a backend group's ingress rule list grant a gateway authorization? (the pure part of verification)"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List

import pytest
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import AUTHORIZATION_NOT_EFFECTIVE
from ansible_collections.alibabacloud.apig.plugins.module_utils._verification import authorization_gaps
from ansible_collections.alibabacloud.apig.plugins.module_utils._verification import check_authorizations
from ansible_collections.alibabacloud.apig.plugins.module_utils._verification import permission_port_range

GW_SG = "sg-gateway"
OTHER_SG = "sg-other"


def auth(port_range: str = "8080/8080", cidrs: List[str] = (), rule_id: str = "gsgr-1", group: str = "sg-backend"):
    return {
        "rule_id": rule_id,
        "security_group_id": group,
        "security_group_name": "backend",
        "port_range": port_range,
        "ip_protocol": "TCP",
        "source_security_group_id": GW_SG,
        "auth_cidrs": list(cidrs),
        "vpc_id": "vpc-1",
        "description": None,
    }


def perm(port_range: str = "8080/8080", source: str = GW_SG, cidr: str = None, **overrides: Any) -> Dict[str, Any]:
    rule = {
        "rule_id": "sgr-1",
        "direction": "ingress",
        "policy": "Accept",
        "ip_protocol": "TCP",
        "port_range": port_range,
        "source_group_id": None if cidr else source,
        "source_cidr_ip": cidr,
        "description": None,
    }
    rule.update(overrides)
    return rule


NORMAL_GROUP = [
    ("exact rule", auth(), [perm()], True),
    ("wider rule", auth("8080/8080"), [perm("1/65535")], True),
    ("lower-case policy and protocol", auth(), [perm(policy="accept", ip_protocol="tcp")], True),
    ("ALL protocol, -1/-1", auth("80/9000"), [perm("-1/-1", ip_protocol="ALL")], True),
    ("two adjacent rules cover the range", auth("80/9000"), [perm("80/100"), perm("101/9000")], True),
    ("overlapping rules cover the range", auth("80/9000"), [perm("200/9000"), perm("80/300")], True),
    ("no rules at all", auth(), [], False),
    ("rule deleted, another port remains", auth(), [perm("80/80")], False),
    ("rule narrower than the range", auth("80/9000"), [perm("80/8999")], False),
    ("a gap between two rules", auth("80/9000"), [perm("80/100"), perm("102/9000")], False),
    ("rule from another group", auth(), [perm(source=OTHER_SG)], False),
    ("drop rule", auth(), [perm(policy="Drop")], False),
    ("egress rule", auth(), [perm(direction="egress")], False),
    ("udp rule", auth(), [perm(ip_protocol="UDP")], False),
    ("icmp rule with -1/-1", auth(), [perm("-1/-1", ip_protocol="ICMP")], False),
    ("a CIDR rule does not stand in for the group", auth(), [perm(cidr="0.0.0.0/0")], False),
    ("unreadable rule range", auth(), [perm("eighty")], False),
]


@pytest.mark.parametrize("title, authorization, permissions, granted", NORMAL_GROUP, ids=[c[0] for c in NORMAL_GROUP])
def test_normal_group_needs_a_rule_from_the_gateway_group(
    title: str, authorization: Dict, permissions: List[Dict], granted: bool
) -> None:
    gaps = authorization_gaps(authorization, permissions)
    assert (gaps == []) is granted
    if not granted:
        assert gaps == [f"a rule from {GW_SG} for {authorization['port_range']}"]


ENTERPRISE_GROUP = [
    ("one CIDR", ["192.168.1.0/24"], [perm(cidr="192.168.1.0/24")], []),
    (
        "every CIDR",
        ["192.168.1.0/24", "192.168.2.0/24"],
        [perm(cidr="192.168.1.0/24"), perm(cidr="192.168.2.0/24")],
        [],
    ),
    ("a wider CIDR contains both", ["192.168.1.0/24", "192.168.2.0/24"], [perm(cidr="192.168.0.0/16")], []),
    ("one CIDR missing", ["192.168.1.0/24", "192.168.2.0/24"], [perm(cidr="192.168.1.0/24")], ["192.168.2.0/24"]),
    ("a narrower CIDR is not enough", ["192.168.1.0/24"], [perm(cidr="192.168.1.0/25")], ["192.168.1.0/24"]),
    ("the group rule does not count", ["192.168.1.0/24"], [perm()], ["192.168.1.0/24"]),
    ("empty strings are ignored", ["", "10.0.0.0/8"], [perm(cidr="10.0.0.0/8")], []),
    ("ipv6 CIDR", ["2408:4000::/56"], [perm(cidr="2408:4000::/48")], []),
    ("ipv4 rule for ipv6 CIDR", ["2408:4000::/56"], [perm(cidr="0.0.0.0/0")], ["2408:4000::/56"]),
]


@pytest.mark.parametrize("title, cidrs, permissions, missing", ENTERPRISE_GROUP, ids=[c[0] for c in ENTERPRISE_GROUP])
def test_enterprise_group_needs_rules_covering_every_cidr(
    title: str, cidrs: List[str], permissions: List[Dict], missing: List[str]
) -> None:
    gaps = authorization_gaps(auth(cidrs=cidrs), permissions)
    assert gaps == [f"a rule from {cidr} for 8080/8080" for cidr in missing]


def test_unreadable_authorization_range_is_a_gap() -> None:
    assert authorization_gaps(auth("all"), [perm("1/65535")]) == ["a readable port range (got 'all')"]


@pytest.mark.parametrize(
    "rule, expected",
    [
        (perm("80/90"), (80, 90)),
        (perm("-1/-1", ip_protocol="ALL"), (1, 65535)),
        (perm("", ip_protocol="ALL"), (1, 65535)),
        (perm("", ip_protocol="TCP"), None),
        (perm("80-x"), None),
    ],
)
def test_permission_port_range(rule: Dict, expected: Any) -> None:
    assert permission_port_range(rule) == expected


def test_check_authorizations_marks_records_and_explains_the_missing_rule() -> None:
    records = [
        auth("8080/8080", rule_id="gsgr-a"),
        auth("80/9000", rule_id="gsgr-b", group="sg-two"),
        auth("443/443", rule_id="gsgr-c", group="sg-gone"),
    ]
    permissions = {"sg-backend": [perm("8080/8080")], "sg-two": [perm("80/80")], "sg-gone": None}
    checked, findings = check_authorizations(records, permissions)
    assert [r["effective"] for r in checked] == [True, False, False]
    assert {k: v for k, v in checked[0].items() if k != "effective"} == records[0]
    assert "effective" not in records[0]
    assert [f["code"] for f in findings] == [AUTHORIZATION_NOT_EFFECTIVE] * 2
    assert findings[0]["ids"] == {
        "rule_id": "gsgr-b",
        "security_group_id": "sg-two",
        "port_range": "80/9000",
        "source_security_group_id": GW_SG,
    }
    message = findings[0]["message"]
    assert "the inbound rule in sg-two (backend) that grants the gateway 80/9000 is missing" in message
    assert "deleted out of band" in message
    assert "re-run the authorization (delete and add)" in message
    assert "no longer exists" in findings[1]["message"]


def test_check_authorizations_with_no_records() -> None:
    assert check_authorizations([], {}) == ([], [])
