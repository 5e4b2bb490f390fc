# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""Paged reads, paged by what each answer says: the items it returned, its total, its next token.

Never by the page size asked for: a server may cap its pages below it (the documented maximum
is not a promise, and whether a capped page number counts in the asked or in the capped size is
not documented). Both loops are pure: they take a callable that fetches one page.

* Numbered pages (CS DescribeClusterNodes, APIG ListGateways): the first page tells the total and,
  by its item count, the size the server really serves. When that is below the size asked, the
  later pages are asked for at that size, which reads the same items whichever size the server
  counts its page numbers in. The pages then needed are known and may be fetched in parallel; if
  they still fall short of the total, the walk goes on, one page at a time, until the total is
  reached or a page comes back empty. Without a total, the walk goes on until a page holds fewer
  items than the first (one more call than needed, only then).
* Token pages (ECS): the walk goes on while the answer carries a next token, however few items a
  page holds (an empty page with a token is not the end), and stops on a token seen before.
"""

from __future__ import annotations

import math
from typing import Any
from typing import Callable
from typing import List
from typing import NamedTuple
from typing import Optional
from typing import Sequence


class NumberedPage(NamedTuple):
    items: List[Any]
    total: Optional[int]  # the total the answer states, None when it states none


class TokenPage(NamedTuple):
    items: List[Any]
    next_token: Optional[str]


def _sequential(fetch: Callable[[int], NumberedPage], numbers: Sequence[int]) -> List[NumberedPage]:
    return [fetch(number) for number in numbers]


def collect_numbered_pages(
    fetch: Callable[[int, int], NumberedPage],
    page_size: int,
    map_pages: Callable[[Callable[[int], NumberedPage], Sequence[int]], List[NumberedPage]] = _sequential,
) -> List[Any]:
    """Every item of a listing paged by number: fetch(page_number, page_size) returns one page (1-based)."""
    first = fetch(1, page_size)
    items = list(first.items)
    served = len(items)
    if served == 0:
        return items
    if first.total is None:
        return items + _walk_until_short(fetch, 2, served)
    total = first.total
    if served >= total:
        return items
    size = min(served, page_size)
    last_number = math.ceil(total / size)
    for page in map_pages(lambda number: fetch(number, size), list(range(2, last_number + 1))):
        items.extend(page.items)
    number = last_number
    while len(items) < total:
        number += 1
        page = fetch(number, size)
        if not page.items:
            break
        items.extend(page.items)
    return items


def _walk_until_short(fetch: Callable[[int, int], NumberedPage], number: int, size: int) -> List[Any]:
    """Pages number, number+1, ... of `size` until one holds fewer than `size` items."""
    items: List[Any] = []
    while True:
        page = fetch(number, size)
        items.extend(page.items)
        if len(page.items) < size:
            return items
        number += 1


def collect_token_pages(fetch: Callable[[Optional[str]], TokenPage]) -> List[Any]:
    """Every item of a listing paged by token: fetch(None) is the first page, fetch(token) the next."""
    items: List[Any] = []
    seen = set()
    token: Optional[str] = None
    while True:
        page = fetch(token)
        items.extend(page.items)
        token = page.next_token or None
        # A token seen before would loop forever: the listing is complete as far as it can be.
        if token is None or token in seen:
            return items
        seen.add(token)
