"""JSON text from outside, made safe before any other code sees it.

Python's ``json`` accepts what no renderer can write back: a lone UTF-16 surrogate
(``"\\ud800"``) is a ``str`` that cannot be encoded as UTF-8, and an integer of more
than 4,300 digits raises on conversion. :func:`loads` parses with both guarded:
huge integers are kept as their digits (text), lone surrogates become U+FFFD, and
what was changed is reported so a reader can warn (nothing is dropped silently).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

MAX_INT_DIGITS = 4000  # below Python's int-string conversion limit (4,300)
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(slots=True)
class Repairs:
    """What :func:`loads` changed: counts and the JSON path of the first of each."""

    surrogates: int = 0
    surrogate_at: str | None = None
    big_ints: list[int] = field(default_factory=list)  # digit counts


def loads(text: str, *, strict: bool = True) -> tuple[Any, Repairs]:
    """``json.loads`` with huge integers kept as text and lone surrogates replaced.

    Raises ``json.JSONDecodeError`` and ``RecursionError`` like ``json.loads``.
    """
    repairs = Repairs()

    def parse_int(digits: str) -> int | str:
        if len(digits) > MAX_INT_DIGITS:
            repairs.big_ints.append(len(digits))
            return digits
        return int(digits)

    value = json.loads(text, strict=strict, parse_int=parse_int)
    if "\\u" in text and re.search(r"\\u[dD][89a-fA-F]", text):
        value = _scrub(value, repairs)
    return value, repairs


def _fix(s: str, repairs: Repairs, where: str) -> str:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        repairs.surrogates += 1
        if repairs.surrogate_at is None:
            repairs.surrogate_at = where
        return _SURROGATE.sub("\ufffd", s)
    return s


def _scrub(value: Any, repairs: Repairs) -> Any:
    """Replace lone surrogates in every string and key, without recursion (deep documents)."""
    root = [value]
    stack: list[tuple[Any, Any, str]] = [(root, 0, "$")]
    while stack:
        parent, key, where = stack.pop()
        item = parent[key]
        if isinstance(item, str):
            parent[key] = _fix(item, repairs, where)
        elif isinstance(item, list):
            stack.extend((item, i, f"{where}[{i}]") for i in range(len(item)))
        elif isinstance(item, dict):
            if any(isinstance(k, str) and _SURROGATE.search(k) for k in item):
                fixed = {_fix(k, repairs, f"{where}.{k!a}"): v for k, v in item.items()}
                item.clear()
                item.update(fixed)
            stack.extend((item, k, f"{where}.{k}") for k in item)
    return root[0]
