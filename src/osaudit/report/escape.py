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


# ----------------------------------------------------------------- Markdown (GitHub)
#
# GitHub renders Markdown with cmark-gfm, then links @mentions, #123 issue references
# and commit SHAs in a post-processing step that skips code. A backslash does not stop
# that step (github/markup#1168, github/cmark-gfm#181): ``\@team`` still pings the team.
# So SBOM strings go into code spans, where nothing is markup, HTML, link or mention.

# Inside a table, cmark-gfm splits cells on every pipe not preceded by an odd run of
# backslashes, before code spans are parsed, and then drops one backslash before each
# pipe. An odd run is therefore written before every pipe, code span or not.
_TABLE_PIPE_RE = re.compile(r"(\\*)\|")
_BACKTICKS_RE = re.compile(r"`+")
# A whitespace-separated word of prose needs a code span when it holds something GitHub
# would turn into markup, HTML, a link, a mention, a reference, math or an emoji.
_RISKY_RE = re.compile(
    r"[\\`*\[\]|~$@#]"  # escapes, code, emphasis, links, pipes, strike, math, mentions, refs
    r"|<[A-Za-z/!?]"  # HTML tags, comments, declarations, <scheme:...> autolinks
    r"|&#?[A-Za-z0-9]+;"  # character references
    r"|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])"  # emphasis (intraword _ is not)
    r"|://|www\.|mailto:|xmpp:"  # extended autolinks
    r"|:[A-Za-z0-9_+-]*[A-Za-z_+-][A-Za-z0-9_+-]*:"  # :emoji: (not 06:17:43)
    r"|\b(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b",  # commit SHAs
    re.IGNORECASE,
)
# A first word that would open a block (quote, list, setext underline) where the text
# starts a line or a list item.
_BLOCK_START_RE = re.compile(r"^(?:>.*|[+*=-]+|[0-9]{1,9}[.)])$")
_WORD_RE = re.compile(r"\S+")
_OPENERS = "(\"'"
_CLOSERS = ").,;:!?\"'"


def _table_pipes(text: str) -> str:
    """Every pipe preceded by an odd backslash run (see above); shown as the input shows
    it unless the input itself had an odd run there (then one backslash more is shown)."""
    return _TABLE_PIPE_RE.sub(
        lambda m: m.group(1) + ("\\" if len(m.group(1)) % 2 == 0 else "\\\\") + "|", text
    )


def code_span(text: str, *, table: bool = False) -> str:
    """``text`` (already one visible line) as a code span: a fence of one backtick more
    than the longest run inside, padded with spaces when it starts or ends with a
    backtick or a space (CommonMark strips one space on each side)."""
    if table:
        text = _table_pipes(text)
    longest = max((len(run) for run in _BACKTICKS_RE.findall(text)), default=0)
    fence = "`" * (longest + 1)
    if text[:1] in ("`", " ") or text[-1:] in ("`", " "):
        text = f" {text} "
    return f"{fence}{text}{fence}"


def code(value: object, limit: int = FIELD_CAP, *, table: bool = False) -> str:
    """An SBOM-provided string for Markdown: one line, capped, visible, in a code span.

    ``table=True`` inside a table row (pipes must not split the cell). Empty gives "".
    """
    text = plain(value, limit)
    return code_span(text, table=table) if text else ""


def prose(value: object, limit: int = FIELD_CAP, *, table: bool = False) -> str:
    """Text that may carry SBOM strings inside osaudit's or the catalogue's words.

    Words that GitHub would render as anything but text go into code spans (their
    leading ``(`` and trailing punctuation stay outside); every other word is written
    as it is, so ``component(s)``, ``06:17:43Z`` and ``->`` read as written.
    """

    def word(m: re.Match[str]) -> str:
        token = m.group(0)
        if not _RISKY_RE.search(token) and not (m.start() == 0 and _BLOCK_START_RE.match(token)):
            return token
        core = token.lstrip(_OPENERS)
        head = token[: len(token) - len(core)]
        inner = core.rstrip(_CLOSERS)
        tail = core[len(inner) :]
        if not inner or _RISKY_RE.search(head + tail):
            head, inner, tail = "", token, ""
        return f"{head}{code_span(inner, table=table)}{tail}"

    return _WORD_RE.sub(word, plain(value, limit).strip())


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
