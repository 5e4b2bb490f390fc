# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""The guard against a discovery miss: a source that found nothing, or less than it names, is a read that
cannot be trusted to stand for the backends (a typo, a cluster of another region, a tag on no instance), and
nothing may be written, least of all purged, on its strength. Pure: _discovery.guard_empty_sources applies it.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import Sequence
from typing import Tuple

from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import CLUSTER_NOT_FOUND
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import INSTANCE_NOT_FOUND
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import NO_SECURITY_GROUPS_FOUND
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import NODEPOOL_NOT_FOUND
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import SECURITY_GROUP_NOT_FOUND
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import SERVICE_ENDPOINT_NOT_FOUND
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import SERVICE_WITHOUT_ENDPOINTS
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import TAGS_MATCH_NO_INSTANCE
from ansible_collections.alibabacloud.apig.plugins.module_utils._sources import Source

# A source with one of these found less than it names, or nothing: a read that cannot be trusted to
# stand for the backends (a typo, a cluster of another region, a tag on no instance, a service endpoint whose
# ENI went away or was not listed, a service that lists no endpoint). A domain-name endpoint
# (SERVICE_ADDRESS_NOT_IP) is not one: it is never placed, so no earlier run authorized it from the service.
MISS_CODES = (
    CLUSTER_NOT_FOUND,
    NODEPOOL_NOT_FOUND,
    INSTANCE_NOT_FOUND,
    SECURITY_GROUP_NOT_FOUND,
    TAGS_MATCH_NO_INSTANCE,
    NO_SECURITY_GROUPS_FOUND,
    SERVICE_ENDPOINT_NOT_FOUND,
    SERVICE_WITHOUT_ENDPOINTS,
)


def _miss_text(source: Source, findings: Sequence[Dict[str, Any]]) -> str:
    """``sources[0] (web; cluster_id=c1 nodepool_names=web): NODEPOOL_NOT_FOUND: no node pool ...``"""
    options = source.to_options()
    given = " ".join(f"{key}={options[key]}" for key in options)
    label = source.field or "the task's source"
    described = f"{source.name}; {given}" if source.name and source.name != given else given
    reasons = "; ".join(f"{item['code']}: {item['message']}" for item in findings)
    return f"{label} ({described}): {reasons}"


def source_misses(
    sources: Sequence[Source], per_source_findings: Sequence[Sequence[Dict[str, Any]]]
) -> Tuple[List[str], List[str]]:
    """(refused, allowed): a text per source that found nothing or has a *_NOT_FOUND finding.

    ``per_source_findings`` is aligned by index with ``sources``. A source that says allow_empty
    goes to ``allowed`` (the caller warns), every other one to ``refused`` (the caller fails).
    """
    refused: List[str] = []
    allowed: List[str] = []
    for source, findings in zip(sources, per_source_findings):
        misses = [item for item in findings if item["code"] in MISS_CODES]
        if misses:
            (allowed if source.allow_empty else refused).append(_miss_text(source, misses))
    return refused, allowed
