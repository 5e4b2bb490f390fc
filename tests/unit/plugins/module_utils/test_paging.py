# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The paging loops against fake servers: every item is read, whatever size the server serves, and a listing whose
items do not number its stated total is malformed, never "the end"."""

from __future__ import annotations

from typing import List
from typing import Optional
from typing import Tuple

import pytest
from ansible_collections.alibabacloud.apig.plugins.module_utils._answers import Answer
from ansible_collections.alibabacloud.apig.plugins.module_utils._answers import MalformedAnswerError
from ansible_collections.alibabacloud.apig.plugins.module_utils._paging import NumberedPage
from ansible_collections.alibabacloud.apig.plugins.module_utils._paging import TokenPage
from ansible_collections.alibabacloud.apig.plugins.module_utils._paging import collect_numbered_pages
from ansible_collections.alibabacloud.apig.plugins.module_utils._paging import collect_token_pages

NODES = Answer("cs", "DescribeClusterNodes", {}, "req-nodes")
INSTANCES = Answer("ecs", "DescribeInstances", {}, "req-instances")


class NumberedServer:
    """n items; pages capped at `cap`; page numbers counted in the capped or in the asked size."""

    def __init__(self, n: int, cap: int, offset_by_asked: bool) -> None:
        self.items = list(range(n))
        self.cap = cap
        self.offset_by_asked = offset_by_asked
        self.requests: List[Tuple[int, int]] = []

    def fetch(self, number: int, size: int) -> NumberedPage:
        self.requests.append((number, size))
        served = min(size, self.cap)
        start = (number - 1) * (size if self.offset_by_asked else served)
        return NumberedPage(self.items[start : start + served], len(self.items), NODES)


@pytest.mark.parametrize("offset_by_asked", [False, True])
@pytest.mark.parametrize(("n", "cap"), [(0, 10), (3, 10), (10, 10), (250, 10), (250, 100), (99, 100), (101, 100)])
def test_numbered_pages_read_every_item_whatever_the_cap(n: int, cap: int, offset_by_asked: bool):
    server = NumberedServer(n, cap, offset_by_asked)
    assert collect_numbered_pages(server.fetch, 100) == list(range(n))


@pytest.mark.parametrize(("n", "calls"), [(0, 1), (1, 1), (100, 1), (101, 2), (250, 3)])
def test_a_server_that_serves_what_is_asked_costs_ceil_n_over_the_page_size(n: int, calls: int):
    server = NumberedServer(n, cap=100, offset_by_asked=False)
    collect_numbered_pages(server.fetch, 100)
    assert len(server.requests) == calls


def test_a_capped_server_is_asked_for_its_own_page_size_after_the_first_page():
    server = NumberedServer(25, cap=10, offset_by_asked=True)
    assert collect_numbered_pages(server.fetch, 100) == list(range(25))
    assert server.requests == [(1, 100), (2, 10), (3, 10)]


def test_later_pages_go_through_map_pages_so_that_they_may_run_in_parallel():
    server = NumberedServer(30, cap=10, offset_by_asked=False)
    mapped: List[List[int]] = []

    def map_pages(fn, numbers):
        mapped.append(list(numbers))
        return [fn(number) for number in numbers]

    assert collect_numbered_pages(server.fetch, 100, map_pages=map_pages) == list(range(30))
    assert mapped == [[2, 3]]


def test_pages_shorter_than_the_first_walk_on_until_the_total():
    """A server whose later pages hold fewer items than the first: the walk goes on to the total."""
    sizes = {1: 10, 2: 5, 3: 5, 4: 5, 5: 5}
    items = list(range(30))
    starts = {1: 0, 2: 10, 3: 15, 4: 20, 5: 25}

    def fetch(number: int, size: int) -> NumberedPage:
        start = starts.get(number, 30)
        return NumberedPage(items[start : start + sizes.get(number, 0)], 30, NODES)

    assert collect_numbered_pages(fetch, 100) == items


def test_an_empty_page_before_the_total_is_malformed_naming_the_total():
    def fetch(number: int, size: int) -> NumberedPage:
        return NumberedPage(list(range(10)) if number == 1 else [], 50, NODES)

    with pytest.raises(MalformedAnswerError) as caught:
        collect_numbered_pages(fetch, 100)
    assert caught.value.field == "page.total_count" and caught.value.request_id == "req-nodes"
    assert "says 50, but the" in str(caught.value) and "held 10 distinct item(s)" in str(caught.value)


@pytest.mark.parametrize(
    ("first", "total"),
    [([], 2), ([0], 2), ([0, 1, 2], 2)],
    ids=["no-items-with-a-total", "one-item-dropped", "more-than-the-total"],
)
def test_a_single_page_that_disagrees_with_its_total_is_malformed(first: List[int], total: int):
    with pytest.raises(MalformedAnswerError, match="page.total_count says 2"):
        collect_numbered_pages(lambda number, size: NumberedPage(first if number == 1 else [], total, NODES), 100)


def test_a_server_that_ignores_the_page_number_repeats_items_and_is_malformed():
    """Page 2 answers page 1 again: 20 items listed for a total of 20, but only 10 distinct."""
    with pytest.raises(MalformedAnswerError, match=r"held 10 distinct item\(s\) \(10 of them repeated\)"):
        collect_numbered_pages(lambda number, size: NumberedPage(list(range(10)), 20, NODES), 10, identity=str)


def test_a_total_that_moves_between_pages_is_malformed():
    def fetch(number: int, size: int) -> NumberedPage:
        return NumberedPage(list(range((number - 1) * 10, number * 10)), 20 if number == 1 else 21, NODES)

    with pytest.raises(MalformedAnswerError, match="is 21 on a later page but was 20 on the first"):
        collect_numbered_pages(fetch, 10)


class TokenServer:
    """Pages of the given sizes (a zero-size page with a token included), each linked by a token."""

    def __init__(self, sizes: List[int]) -> None:
        self.sizes = sizes
        self.tokens: List[Optional[str]] = []

    def fetch(self, token: Optional[str]) -> TokenPage:
        self.tokens.append(token)
        index = 0 if token is None else int(token)
        start = sum(self.sizes[:index])
        next_token = str(index + 1) if index + 1 < len(self.sizes) else ""
        return TokenPage(list(range(start, start + self.sizes[index])), next_token, INSTANCES)


@pytest.mark.parametrize("sizes", [[0], [3], [10, 10, 5], [10, 3, 10, 1], [10, 0, 10], [100, 100, 50]])
def test_token_pages_go_on_while_a_token_remains_however_short_the_page(sizes: List[int]):
    server = TokenServer(sizes)
    assert collect_token_pages(server.fetch) == list(range(sum(sizes)))
    assert len(server.tokens) == len(sizes)


def test_a_token_seen_before_is_malformed():
    pages = {
        None: TokenPage([1], "a", INSTANCES),
        "a": TokenPage([2], "b", INSTANCES),
        "b": TokenPage([3], "a", INSTANCES),
    }
    with pytest.raises(MalformedAnswerError, match="NextToken is 'a' again"):
        collect_token_pages(lambda token: pages[token])
