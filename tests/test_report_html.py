"""HTML: self-contained (CSP with the script's hash, nothing external), escaped, charts."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

from osaudit.report import RenderContext, render
from osaudit.report.html import SCRIPT
from tests.test_report_support import hostile_report, sample_report

URL_ATTRS = {"src", "href", "action", "formaction", "poster", "data", "srcset", "xlink:href"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def _parse(report) -> tuple[str, _Collector]:
    page = render("html", report, RenderContext()).decode("utf-8")
    parser = _Collector()
    parser.feed(page)
    parser.close()
    return page, parser


def _assert_inert(parser: _Collector) -> None:
    assert len(parser.scripts) == 1 and parser.scripts[0] == SCRIPT
    for tag, attrs in parser.tags:
        assert tag not in ("iframe", "object", "embed", "img", "link", "base", "form", "meta")\
            or (tag == "meta" and set(attrs) <= {"charset", "http-equiv", "content", "name"})
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in URL_ATTRS and value is not None:
                assert re.match(r"https?://", value), (tag, name, value)
        if tag == "a":
            assert attrs.get("rel") == "noopener noreferrer"
        if tag == "script":
            assert "src" not in attrs


def test_csp_hash_matches_the_inline_script():
    page, parser = _parse(sample_report())
    digest = base64.b64encode(hashlib.sha256(parser.scripts[0].encode()).digest()).decode()
    csp = next(a["content"] for t, a in parser.tags if t == "meta" and a.get("http-equiv"))
    assert csp is not None
    assert f"script-src 'sha256-{digest}'" in csp
    assert "default-src 'none'" in csp and "img-src data:" in csp
    _assert_inert(parser)


def test_nothing_external_is_loaded():
    page, parser = _parse(sample_report())
    for tag, attrs in parser.tags:
        assert not (tag in ("script", "img", "link", "iframe", "source") and
                    (attrs.get("src") or attrs.get("href")))
    assert "@import" not in page and "url(" not in page
    assert "fonts.googleapis" not in page


def test_content_charts_and_table():
    page, parser = _parse(sample_report())
    svgs = [a for t, a in parser.tags if t == "svg"]
    assert len(svgs) == 4
    assert "Lock-in by vendor" in page and "Lock-in by jurisdiction" in page
    assert "Licence categories" in page and "Maintenance risk" in page
    rows = [a for t, a in parser.tags if t == "tr" and "data-index" in a]
    assert len(rows) == 14
    assert "JUSTIFY" in page and "Justifications required (6)" in page
    links = [a["href"] for t, a in parser.tags if t == "a"]
    assert "https://garagehq.deuxfleurs.fr/" in links
    # The sample's hostile name is escaped.
    assert "weird | &lt;b&gt;pkg&lt;/b&gt; `x`" in page


def test_hostile_report_has_no_live_markup():
    page, parser = _parse(hostile_report())
    _assert_inert(parser)
    assert "javascript:" not in "".join(str(a.get("href")) for _, a in parser.tags)
    assert "\u202e" not in page
    assert "<script>alert" not in page and "<img" not in page


def test_deterministic():
    report = sample_report()
    assert render("html", report, RenderContext()) == render("html", report, RenderContext())
