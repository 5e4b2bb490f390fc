# -*- coding: utf-8 -*-
# Copyright (c) alibabacloud.apig contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# PRIVATE: this module_utils is internal to alibabacloud.apig and has no API promise.
"""Parse, validate and normalise TCP port ranges (pure, standard library only).

Accepted spellings of one range: an integer (``8080``), a digit string (``"8080"``, meaning
8080/8080), ``"START/END"`` (the API's own form) or ``"START-END"``. Ports lie in 1..65535 and
START <= END. Refused: booleans, floats, None, empty strings, signs, extra separators, leading
or trailing whitespace (``' 80'``, ``'80/80\\n'``: a copied line or a YAML block scalar; the
message shows it with ``repr``, as for ids), lists or dicts where one range is expected, and
``-1/-1`` (ECS spells "all ports" that way; the gateway API wants ``1/65535``).

Normalisation policy (the modules' DOCUMENTATION repeats it):
  * a list of ranges is sorted and exact duplicates are dropped;
  * OVERLAPPING ranges are merged into their union (``80/9000`` + ``8080`` gives ``80/9000``,
    ``80/100`` + ``90/200`` gives ``80/200``), because one gateway authorization per
    overlapping piece would grant the same ports twice;
  * ranges that only TOUCH (``80/80`` and ``81/81``) are NOT merged: they stay two
    authorizations, so what the user listed remains recognisable in the gateway.
  * ``merge=False`` sorts and de-duplicates only; state=absent uses it, since removing
    ``80/9000`` and ``8080`` means two distinct rules, not their union.

Every validation error is an OptionError naming the field and the offending value.
"""

from __future__ import annotations

import re
from typing import Any
from typing import Iterable
from typing import List
from typing import NamedTuple

from ansible_collections.alibabacloud.apig.plugins.module_utils._errors import OptionError

MIN_PORT = 1
MAX_PORT = 65535

EXPECTED = f"expected PORT, START/END or START-END with ports between {MIN_PORT} and {MAX_PORT}"

# ASCII digits only (\d would accept other scripts' digits), at most 10 of them so that int()
# never meets a pathological length.
_RANGE_RE = re.compile(r"^([0-9]{1,10})(?:([/-])([0-9]{1,10}))?$")
_ALL_PORTS_RE = re.compile(r"^-1\s*[/-]\s*-1$")
# Longest repr of an offending value quoted in a message.
# bool before int: a boolean is an int to isinstance.
_KINDS = (
    (bool, "a boolean"),
    (int, "an integer"),
    (float, "a float"),
    (str, "a string"),
    (bytes, "bytes"),
    ((list, tuple), "a list"),
    (dict, "a dictionary"),
)


class PortRange(NamedTuple):
    """An inclusive TCP port range; tuple ordering sorts by start, then end."""

    start: int
    end: int

    def __str__(self) -> str:
        return f"{self.start}/{self.end}"


def _range_error(field: str, value: Any, reason: str = EXPECTED) -> OptionError:
    return OptionError(field, value, f"is not a valid port range: {reason}")


def _kind(value: Any) -> str:
    """What a value is, in words: never a class name (values from a role's variables are Ansible's subclasses)."""
    for kind, name in _KINDS:
        if isinstance(value, kind):
            return name
    return "None" if value is None else "a value of another type"


def _check_port(port: int, field: str, value: Any) -> int:
    if not MIN_PORT <= port <= MAX_PORT:
        raise _range_error(field, value, f"port {port} is outside {MIN_PORT}..{MAX_PORT}")
    return port


def parse_port_range(value: Any, field: str = "port_ranges") -> PortRange:
    """One range from an int or a string (see the module docstring); raises OptionError."""
    # bool is a subclass of int: True must not become port 1.
    if isinstance(value, bool):
        raise _range_error(field, value, "a boolean is not a port; " + EXPECTED)
    if isinstance(value, int):
        port = _check_port(value, field, value)
        return PortRange(port, port)
    if not isinstance(value, str):
        raise _range_error(field, value, f"{_kind(value)} is not a port range; {EXPECTED}")
    if value != value.strip():
        raise _range_error(field, value, "it has leading or trailing whitespace (a space or newline): remove it")
    if _ALL_PORTS_RE.match(value):
        raise _range_error(field, value, "-1/-1 (all ports) is not accepted here; write 1/65535")
    match = _RANGE_RE.match(value)
    if match is None:
        raise _range_error(field, value)
    start = _check_port(int(match.group(1)), field, value)
    end = start if match.group(3) is None else _check_port(int(match.group(3)), field, value)
    if start > end:
        raise _range_error(field, value, f"start {start} is greater than end {end}; write {end}/{start}")
    return PortRange(start, end)


def merge_port_ranges(ranges: Iterable[PortRange]) -> List[PortRange]:
    """Sorted, without exact duplicates, overlapping ranges merged; touching ranges stay apart."""
    merged: List[PortRange] = []
    for current in sorted(set(ranges)):
        if merged and current.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = PortRange(last.start, max(last.end, current.end))
        else:
            merged.append(current)
    return merged


def normalize_port_ranges(values: Any, field: str = "port_ranges", merge: bool = True) -> List[PortRange]:
    """Parse a list of ranges (elements reported as ``field[i]``), then sort, de-duplicate and merge.

    With ``merge=False`` overlapping ranges are kept apart (sorted, exact duplicates dropped).
    """
    if not isinstance(values, (list, tuple)):
        raise _range_error(field, values, f"expected a list of port ranges, got {_kind(values)}")
    parsed = [parse_port_range(item, f"{field}[{index}]") for index, item in enumerate(values)]
    if merge:
        return merge_port_ranges(parsed)
    return sorted(set(parsed))
