"""Escaping helpers: Markdown, HTML, CSV and plain text neutralise SBOM strings."""

from __future__ import annotations

from osaudit.report.escape import FIELD_CAP, csv_cell, html_text, md, plain, safe_url


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
