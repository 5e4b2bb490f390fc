# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""Bounded parallelism for independent reads.

Every read that does not depend on another (pages after the first, id batches, one security
group's rules per group, one gateway's details per gateway) goes through bounded_map, so that
the number of requests in flight has one bound for the whole collection. Parallelism changes how
long a look-up takes, never which calls it makes. Writes have their own bound, the
max_concurrent_writes option (see _writes.py), because they stop at the first failure.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Callable
from typing import List
from typing import Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Reads in flight at once: the benchmark's world (tests/benchmark/README.md) needs 47 discovery and
# 50 verification reads, most of them independent. Read actions are not the ones the services
# throttle first, and a throttled read is retried with backoff anyway.
MAX_CONCURRENT_READS = 8


def bounded_map(fn: Callable[[T], R], items: Sequence[T], max_workers: int = MAX_CONCURRENT_READS) -> List[R]:
    """fn over items with at most max_workers threads, results in input order; the first error propagates."""
    if len(items) <= 1 or max_workers <= 1:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(max_workers, len(items))) as pool:
        return list(pool.map(fn, items))
