# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""The pure rules of a cluster's node pools: which pools a source selects (by id or name), whether its nodes must
be listed, and which nodes belong to a source. No I/O: _discovery.py reads, these decide.
"""

from __future__ import annotations

from typing import Any
from typing import Dict
from typing import List
from typing import Optional
from typing import Sequence
from typing import Set
from typing import Tuple

from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import NODEPOOL_NOT_FOUND
from ansible_collections.alibabacloud.apig.plugins.module_utils._finding_codes import finding
from ansible_collections.alibabacloud.apig.plugins.module_utils._sources import Source


def select_node_pools(
    source: Source, node_pools: Sequence[Dict[str, Any]]
) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """The pools the source names (all when it names none), and a NODEPOOL_NOT_FOUND finding per unknown one."""
    if not source.selects_node_pools:
        return list(node_pools), []
    known = ", ".join(f"{p['nodepool_id']} ({p.get('name')})" for p in node_pools) or "none"
    selected: List[Dict[str, Any]] = []
    findings = []
    for wanted in source.nodepool_ids:
        matches = [p for p in node_pools if p.get("nodepool_id") == wanted]
        selected.extend(matches)
        if not matches:
            findings.append(
                finding(
                    NODEPOOL_NOT_FOUND,
                    f"node pool {wanted} was not found in cluster {source.cluster_id} (its node pools: {known})",
                    cluster_id=source.cluster_id,
                    nodepool_id=wanted,
                )
            )
    for wanted in source.nodepool_names:
        matches = [p for p in node_pools if p.get("name") == wanted]
        selected.extend(m for m in matches if m not in selected)
        if not matches:
            findings.append(
                finding(
                    NODEPOOL_NOT_FOUND,
                    f"no node pool is named {wanted!r} in cluster {source.cluster_id} (its node pools: {known})",
                    cluster_id=source.cluster_id,
                    nodepool_name=wanted,
                )
            )
    return selected, findings


def node_listing_plan(sources: Sequence[Source], node_pools: Sequence[Dict[str, Any]]) -> Tuple[bool, Optional[str]]:
    """For one cluster's sources: (list its nodes at all?, the one node pool to filter the listing by, if any).

    Listing one pool's nodes costs fewer pages than the whole cluster's; several pools (or a
    source that takes every pool) share one cluster-wide listing.
    """
    if any(not s.selects_node_pools for s in sources):
        return True, None
    wanted: Set[str] = set()
    for source in sources:
        wanted.update(p["nodepool_id"] for p in select_node_pools(source, node_pools)[0])
    if not wanted:
        return False, None
    return True, (next(iter(wanted)) if len(wanted) == 1 else None)


def nodes_of_source(
    source: Source, node_pools: Sequence[Dict[str, Any]], nodes: Sequence[Dict[str, Any]]
) -> List[Dict[str, Any]]:
    if not source.selects_node_pools:
        return list(nodes)
    selected_ids = {p["nodepool_id"] for p in select_node_pools(source, node_pools)[0]}
    return [n for n in nodes if n.get("nodepool_id") in selected_ids]
