"""Escaping helpers: Markdown, HTML, CSV and plain text neutralise SBOM strings."""

from __future__ import annotations

import random
import re

from osaudit.report.escape import FIELD_CAP, code, csv_cell, html_text, md, plain, prose, safe_url
from tests import gfm


def test_md_neutralises_links_html_pipes_and_mentions():
    out = md("[x](javascript:alert(1)) <img src=x onerror=alert(1)> a|b `c` @team #12 $x$")
    assert "](" not in out and "](javascript:" not in out
    assert "<img" not in out and "&lt;img" in out
    assert "\\|" in out and "|" not in out.replace("\\|", "")
    assert "\\`" in out and "\\@team" in out and "\\#12" in out and "\\$x\\$" in out


def test_md_collapses_newlines_and_caps_length():
    out = md("a\nb\r\n# c")
    assert "\n" not in out and "\r" not in out
    long = md("x" * 10_000)
    assert len(long) == FIELD_CAP and long.endswith("\u2026")


def test_md_breaks_autolinks():
    assert md("www.evil.example") == "www\\.evil.example"
    assert "https\\:" in md("https://evil.example")


def test_bidi_and_controls_become_visible():
    for text in ("a\u202eb", "a\u2066b", "a\x00b", "a\u200bb"):
        for fn in (md, plain, html_text):
            out = fn(text)
            assert "U+" in out
            assert not any(ch in out for ch in "\u202e\u2066\x00\u200b")


def test_html_text_escapes_quotes_and_tags():
    assert html_text("<a href='x' onclick=\"y\">&") == (
        "&lt;a href=&#x27;x&#x27; onclick=&quot;y&quot;&gt;&amp;"
    )


def test_safe_url_allows_only_http_and_https():
    assert safe_url("https://garagehq.deuxfleurs.fr/") == "https://garagehq.deuxfleurs.fr/"
    assert safe_url("http://example.org/a?b=c") == "http://example.org/a?b=c"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil", "https://a\"b", "ftp://x",
                "https://a b", "https://x/\u202e", None, 42):
        assert safe_url(bad) is None


def test_csv_cell_neutralises_formulas():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "=cmd|' /C calc'!A0"):
        assert csv_cell(text).startswith("'")
    assert csv_cell("normal") == "normal"
    assert csv_cell(True) == "true" and csv_cell(None) == ""
    assert csv_cell("multi\nline") == "multi\nline"
    assert csv_cell("x\u202ey") == "x<U+202E>y"


# ------------------------------------------------------------- Markdown code spans and prose
# Checked by rendering with GitHub's cmark-gfm (tests/gfm.py): what the reader sees.

_ALPHABET = "ab|\\` @#<>[]()*_~:$&;/!\u202e\n"


def _cell_of_table(cell: str) -> gfm.Page:
    return gfm.read(f"| h | x |\n|---|---|\n| {cell} | end |\n")


def _expected_in_table(text: str) -> str:
    """What a code span shows in a table: the text, except one more backslash before a
    pipe that the input preceded with an odd run of backslashes (docs/report-formats.md)."""
    return re.sub(r"(\\+)\|", lambda m: m.group(1) + ("\\" if len(m.group(1)) % 2 else "") + "|", text)


def test_code_spans_show_the_string_exactly_and_inertly():
    for text in ("@sentry/react", "`x`", "a``b", "``", " lead", "trail ", "<b>x</b>",
                 "[x](javascript:alert(1))", "www.evil.example", "#12 @team :smile:"):
        page = gfm.read(f"- {code(text)}\n")
        assert page.codes == [text], (text, page.codes)
        assert not [t for t, _ in page.tags if t not in ("ul", "li", "code")]


def test_code_spans_in_tables_never_split_a_cell():
    rng = random.Random(14)
    for _ in range(1500):
        text = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 12)))
        shown = plain(text)
        if not shown.strip():
            continue
        page = _cell_of_table(code(text, table=True))
        assert page.tables == [[2, 2]], (text, page.tables)
        assert page.codes == [_expected_in_table(shown)], (text, page.codes)
        assert [t for t, _ in page.tags if t in ("a", "img", "b", "script")] == []


def test_prose_keeps_osaudit_words_and_wraps_what_would_render():
    assert prose("1 client(s) -> 06:17:43Z, see docs") == "1 client(s) -> 06:17:43Z, see docs"
    assert prose("clients (@sentry/browser 6.19.7)") == "clients (`@sentry/browser` 6.19.7)"
    rng = random.Random(41)
    for _ in range(1500):
        text = "".join(rng.choice(_ALPHABET + "xyz12 -.") for _ in range(rng.randint(1, 20)))
        for table in (False, True):
            out = prose(text, table=table)
            page = _cell_of_table(out) if table else gfm.read(f"- {out}\n")
            if table:
                assert page.tables == [[2, 2]], (text, out)
            bare = " ".join(page.bare_text)
            assert not re.search(r"@\w|#\d|www\.|://", bare), (text, out)
            seen = "".join(page.text)
            if table:
                seen = seen.split("x", 1)[1].rsplit("end", 1)[0]  # the one cell
                want = _expected_in_table(plain(text).strip())
            else:
                want = plain(text).strip()
                assert [t for t, _ in page.tags].count("ul") == 1, (text, out)
            assert " ".join(seen.split()) == " ".join(want.split()), (text, out, seen)
            assert [t for t, _ in page.tags if t in ("a", "img", "b", "em", "strong", "del",
                                                      "script", "blockquote", "ol")] == []
