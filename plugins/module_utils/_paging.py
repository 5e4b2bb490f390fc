# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""Paged reads, paged by what each answer says: the items it returned, its total, its next token.

Never by the page size asked for: a server may cap its pages below it (the documented maximum
is not a promise, and whether a capped page number counts in the asked or in the capped size is
not documented). Both loops are pure: they take a callable that fetches one page.

* Numbered pages (CS DescribeClusterNodes, APIG ListGateways, ListServices): every answer states the
  total (the answer contract requires it) and, on the first page, by its item count, the size the server
  really serves. When that is below the size asked, the later pages are asked for at that size, which
  reads the same items whichever size the server counts its page numbers in. The pages then needed are
  known and may be fetched in parallel; if they still fall short of the total, the walk goes on, one page
  at a time, until the total is reached or a page comes back empty. Then the count must agree: the
  distinct items over all pages number exactly the total, and every page states the same total. A
  listing that falls short of (or exceeds) its total, or whose total moved while it was read, is
  malformed (MalformedAnswerError naming the total), never "the end": a short listing read as complete
  would, with purge, revoke what the missing items needed.
* Token pages (ECS): the walk goes on while the answer carries a next token, however few items a
  page holds (an empty page with a token is not the end); a token seen before is malformed (a loop).
"""

from __future__ import annotations

import math
from typing import Any
from typing import Callable
from typing import Dict
from typing import List
from typing import NamedTuple
from typing import Optional
from typing import Sequence

from ansible_collections.alibabacloud.apig.plugins.module_utils._answer_contract import CONTRACTS
from ansible_collections.alibabacloud.apig.plugins.module_utils._answers import Answer


class NumberedPage(NamedTuple):
    items: List[Any]
    total: int  # the total the answer states
    answer: Answer  # the page's answer (checked): what a count that disagrees names


class TokenPage(NamedTuple):
    items: List[Any]
    next_token: Optional[str]
    answer: Answer


def _sequential(fetch: Callable[[int], NumberedPage], numbers: Sequence[int]) -> List[NumberedPage]:
    return [fetch(number) for number in numbers]


def collect_numbered_pages(
    fetch: Callable[[int, int], NumberedPage],
    page_size: int,
    map_pages: Callable[[Callable[[int], NumberedPage], Sequence[int]], List[NumberedPage]] = _sequential,
    identity: Callable[[Any], Any] = id,
) -> List[Any]:
    """Every item of a listing paged by number, each once by `identity`: fetch(page_number, page_size) returns one
    page (1-based). Raises MalformedAnswerError when the items do not number the stated total."""
    first = fetch(1, page_size)
    pages = [first]
    served = len(first.items)
    if 0 < served < first.total:
        size = min(served, page_size)
        last_number = math.ceil(first.total / size)
        pages.extend(map_pages(lambda number: fetch(number, size), list(range(2, last_number + 1))))
        number = last_number
        while sum(len(page.items) for page in pages) < first.total:
            number += 1
            pages.append(fetch(number, size))
            if not pages[-1].items:
                break
    return _agreeing_items(pages, identity)


def _agreeing_items(pages: Sequence[NumberedPage], identity: Callable[[Any], Any]) -> List[Any]:
    """The distinct items of the pages, if they number the total every page states; else MalformedAnswerError."""
    first = pages[0]
    total_path = CONTRACTS[first.answer.operation].total or "the total"
    for page in pages[1:]:
        if page.total != first.total:
            raise page.answer.malformed(
                total_path, f"is {page.total} on a later page but was {first.total} on the first: the listing changed"
            )
    unique: Dict[Any, Any] = {}
    for page in pages:
        for item in page.items:
            unique.setdefault(identity(item), item)
    items = list(unique.values())
    if len(items) != first.total:
        listed = sum(len(page.items) for page in pages)
        repeated = f" ({listed - len(items)} of them repeated)" if listed != len(items) else ""
        raise first.answer.malformed(
            total_path,
            f"says {first.total}, but the {len(pages)} page(s) read held {len(items)} distinct item(s){repeated}",
        )
    return items


def collect_token_pages(fetch: Callable[[Optional[str]], TokenPage]) -> List[Any]:
    """Every item of a listing paged by token: fetch(None) is the first page, fetch(token) the next."""
    items: List[Any] = []
    seen = set()
    token: Optional[str] = None
    while True:
        page = fetch(token)
        items.extend(page.items)
        token = page.next_token or None
        if token is None:
            return items
        # A token seen before would loop forever, and the items read so far cannot be told complete.
        if token in seen:
            raise page.answer.malformed("NextToken", f"is {token!r:.60} again, a token an earlier page gave")
        seen.add(token)
