"""Derive an SPDX expression from licence text as SBOMs carry it.

The raw text is always kept by the caller; this module only says which SPDX
expression the text stands for when that is unambiguous, else ``None``.
"""

from __future__ import annotations

from functools import lru_cache

from license_expression import ExpressionError, get_spdx_licensing

_LICENSING = get_spdx_licensing()
_SPECIAL = {"NOASSERTION": "NOASSERTION", "NONE": "NONE"}


@lru_cache(maxsize=65536)
def derive_expression(raw: str) -> str | None:
    """Return the SPDX expression ``raw`` denotes, or None when it is not one."""
    text = raw.strip()
    if not text:
        return None
    if text.upper() in _SPECIAL:
        return _SPECIAL[text.upper()]
    try:
        parsed = _LICENSING.parse(text, validate=True, strict=False)
    except (ExpressionError, TypeError, ValueError):
        return None
    if parsed is None:
        return None
    return str(_LICENSING.dedup(parsed))
