"""One place for neutralising SBOM-provided strings in every output format.

SBOM fields are attacker-controlled: names and licence texts may carry Markdown,
HTML, table pipes, newlines, bidirectional overrides or spreadsheet formulas.
Each formatter calls exactly one of the functions below on every such string.
"""

from __future__ import annotations

import html
import re

#: Default cap on one displayed field (characters, before escaping).
FIELD_CAP = 200
ELLIPSIS = "\u2026"

# Bidirectional embeddings/overrides/isolates and marks (Trojan Source, CVE-2021-42574).
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# C0/C1 control characters other than tab, LF and CR; plus zero-width and BOM chars.
_CONTROL = "".join(chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), *range(127, 160)])
_INVISIBLE = "\u200b\u200c\u200d\u2028\u2029\ufeff"
_VISIBLE_RE = re.compile(f"[{re.escape(_BIDI + _CONTROL + _INVISIBLE)}]")
_NEWLINES_RE = re.compile(r"[\r\n\t]+")
# CommonMark backslash-escapable punctuation that can start markup, plus '@' (mentions,
# e-mail autolinks), ':' (URL autolinks such as https: or javascript:) and '$' (math).
# SBOM strings never start a line in osaudit's Markdown, so '-', '+', '.' and '='
# (list and heading markers) stay as they are; "www." is broken up separately.
_MD_SPECIAL_RE = re.compile(r"([\\`*_\[\]{}()#!|~:@$])")
_WWW_RE = re.compile(r"(www)\.", re.IGNORECASE)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def visible(text: str) -> str:
    """Replace bidi overrides, controls and invisible characters by ``<U+XXXX>``."""
    return _VISIBLE_RE.sub(lambda m: f"<U+{ord(m.group(0)):04X}>", text)


def one_line(text: str) -> str:
    """Collapse runs of newlines and tabs into one space."""
    return _NEWLINES_RE.sub(" ", text)


def cap(text: str, limit: int = FIELD_CAP) -> str:
    """Cut ``text`` to ``limit`` characters, ending with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)] + ELLIPSIS


def plain(value: object, limit: int = FIELD_CAP) -> str:
    """A single-line, capped, visible-characters-only string (for SARIF text, console)."""
    text = "" if value is None else str(value)
    return visible(cap(one_line(text), limit))


def md(value: object, limit: int = FIELD_CAP) -> str:
    """Escape for Markdown text and table cells: no markup, links, HTML or mentions."""
    text = plain(value, limit)
    text = html.escape(text, quote=False)  # & < > become entities
    text = _MD_SPECIAL_RE.sub(r"\\\1", text)
    return _WWW_RE.sub(r"\1\\.", text)


def html_text(value: object, limit: int | None = FIELD_CAP) -> str:
    """Escape for HTML text and attribute values (``html.escape(quote=True)``)."""
    text = "" if value is None else str(value)
    text = one_line(text)
    if limit is not None:
        text = cap(text, limit)
    return html.escape(visible(text), quote=True)


def safe_url(value: object) -> str | None:
    """Return the URL when it is an absolute http(s) URL without odd characters."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not re.fullmatch(r"https?://[^\s<>\"'`\\\x00-\x1f\x7f]+", url, flags=re.IGNORECASE):
        return None
    if _VISIBLE_RE.search(url) or len(url) > 2048:
        return None
    return url


def csv_cell(value: object, limit: int = 32_000) -> str:
    """A spreadsheet-safe cell: visible characters, capped, formulas neutralised.

    A cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR is prefixed with ``'``
    (OWASP CSV injection guidance). Newlines inside a cell are kept (RFC 4180 quotes them).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if text.startswith(_FORMULA_START):
        text = "'" + text
    text = cap(text, limit)
    # Keep tab/LF/CR inside the cell but show every other invisible character.
    return _VISIBLE_RE.sub(lambda m: f"<U+{ord(m.group(0)):04X}>", text)
