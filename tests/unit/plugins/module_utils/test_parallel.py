# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bounded_map: the one bound on reads in flight, results in input order, the first error raised."""

from __future__ import annotations

import threading
import time

import pytest
from ansible_collections.alibabacloud.apig.plugins.module_utils._parallel import MAX_CONCURRENT_READS
from ansible_collections.alibabacloud.apig.plugins.module_utils._parallel import bounded_map


def test_results_keep_the_input_order_whatever_finishes_first() -> None:
    def slow_for_small(n: int) -> int:
        time.sleep(0.001 * (20 - n))
        return n * n

    assert bounded_map(slow_for_small, list(range(20))) == [n * n for n in range(20)]


@pytest.mark.parametrize("limit", [1, 3, MAX_CONCURRENT_READS])
def test_never_more_than_the_bound_in_flight(limit: int) -> None:
    lock = threading.Lock()
    in_flight = [0]
    peak = [0]

    def work(_item: int) -> None:
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        time.sleep(0.005)
        with lock:
            in_flight[0] -= 1

    bounded_map(work, list(range(30)), limit)
    assert 1 <= peak[0] <= limit


def test_the_first_error_propagates() -> None:
    def fail_on_seven(n: int) -> int:
        if n == 7:
            raise ValueError("seven")
        return n

    with pytest.raises(ValueError, match="seven"):
        bounded_map(fail_on_seven, list(range(12)))


def test_one_item_or_one_worker_runs_in_the_calling_thread() -> None:
    caller = threading.get_ident()
    assert bounded_map(lambda _x: threading.get_ident(), [1]) == [caller]
    assert set(bounded_map(lambda _x: threading.get_ident(), [1, 2, 3], 1)) == {caller}
