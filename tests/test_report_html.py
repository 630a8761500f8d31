"""HTML: self-contained (CSP with the script's hash, nothing external), escaped, charts."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import msgspec
import pytest

from osaudit.report import RenderContext, Report, render
from osaudit.report.html import CSS, SCRIPT, script_hash
from tests.conftest import CORPUS
from tests.test_report_support import ROOT, hostile_report, sample_report

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


# --------------------------------------------------------------------------- issue 14 "HTML"
# The example SBOM with its policy and the Airflow SBOM of the corpus, through the pipeline.

EXAMPLE = ROOT / "examples" / "citizen-portal.cdx.json"
AIRFLOW = CORPUS / "large" / "interlynk-io_sbomqs__samples_apache_airflow-sbom-2.8.0-python3.10.json"


def _pipeline(path, **kw) -> Report:
    from osaudit.pipeline import AuditOptions, build

    now = datetime(2026, 11, 23, tzinfo=UTC)
    return build(str(path), AuditOptions(offline=True, now=now, collect_metadata=False,
                                         **kw)).report


@pytest.fixture(scope="module")
def example() -> Report:
    return _pipeline(EXAMPLE, policy=str(ROOT / "examples" / "osaudit.toml"))


@pytest.fixture(scope="module")
def airflow() -> Report:
    if not AIRFLOW.is_file():
        pytest.skip(f"Airflow SBOM not found at {AIRFLOW} (CI provides ../shared/corpus)")
    return _pipeline(AIRFLOW)


def test_tables_have_captions_and_scoped_headers(example):
    page, parser = _parse(example)
    tags = [t for t, _ in parser.tags]
    tables = [i for i, t in enumerate(tags) if t == "table"]
    assert len(tables) >= 3
    assert all(tags[i + 1] == "caption" for i in tables), "every table starts with a caption"
    ths = [a for t, a in parser.tags if t == "th"]
    assert ths and all(a.get("scope") in ("col", "row", "rowgroup") for a in ths)
    assert "all:unset" not in page and ":focus-visible{outline:3px solid" in page


def test_art41_legend_and_evidence_beside_the_verdict(example):
    page, _ = _parse(example)
    verdict = page[page.index('<section class="verdict'):]
    verdict = verdict[: verdict.index("</section>")]
    assert "proposed EU Cloud and AI Development Act" in verdict
    assert "open source first" in verdict
    ev = example.verdict.evidence
    assert ev is not None and not isinstance(ev, type(msgspec.UNSET))
    assert "Evidence behind the verdict" in verdict
    assert f"{ev.licence.known} of {ev.components}" in verdict
    assert f"{ev.catalogue.catalogued} catalogued" in verdict
    assert f"Maintenance data</dt><dd>{ev.metadata.known} of {ev.components}" in verdict
    legend = page[page.index('<section class="legend"'):]
    for level in ("none", "low", "medium", "high", "critical", "unknown"):
        assert f'class="badge l-{level}"' in legend
    for swap in ("api-compatible", "adapter", "rewrite"):
        assert f"<code>{swap}</code>" in legend


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr data-index="\d+"[^>]*>.*?</tr>', page)


def test_example_rows_grouped_by_vendor_product(example):
    page, _ = _parse(example)
    bodies = re.findall(r"<tbody><tr class=\"group\">(.*?)</tbody>", page)
    products = example.summary.vendor_products
    assert len(bodies) == len(products) + 1  # then the packages outside any product
    for body, product in zip(bodies, products, strict=False):
        assert f"Vendor product: {html.escape(product.name)}" in body
        names = {p.name for p in product.clients} | {p.name for p in product.plumbing}
        shown = {re.match(r"<td>([^<]*)", r[r.index("<td>"):]).group(1).strip()
                 for r in _rows(body)}
        assert {n.split("/")[-1] for n in shown} == {n.split("/")[-1] for n in names}
    sentry = bodies[[p.family for p in products].index("sentry")]
    assert "plumbing, via" in sentry  # @sentry/core and friends arrive through the clients


def test_airflow_versions_of_one_package_share_a_row(airflow):
    page, _ = _parse(airflow)
    rows = _rows(page)
    packages = {(c.ecosystem, c.group, c.name) for c in airflow.components}
    assert len(airflow.components) == 1749 and len(rows) == len(packages) == 1473
    runtime = [c.version for c in airflow.components
               if c.group == "@babel" and c.name == "runtime"]
    assert len(runtime) == 8
    row = next(r for r in rows if "<td>@babel/runtime <" in r)
    assert 'data-components="8"' in row
    assert all(html.escape(v) in row for v in runtime if v)
    # per-axis filter data: the levels of the row's versions
    for r in rows:
        for axis in ("lockin", "licence", "maintenance"):
            levels = re.search(rf'data-{axis}="([a-z ]+)"', r).group(1).split()
            assert levels and set(levels) <= {"none", "low", "medium", "high", "critical",
                                              "unknown"}
    unknown = sum(int(re.search(r'data-components="(\d+)"', r).group(1)) for r in rows
                  if 'data-licence="unknown"' in r)  # every version's licence unknown
    assert unknown == airflow.summary.coverage.licence_unknown == 1559


def test_print_layout_puts_the_executive_summary_first(example):
    page, _ = _parse(example)
    summary = page.index('id="executive-summary"')
    details = page.index('id="details"')
    assert summary < page.index('class="verdict') < page.index("Justifications required")
    assert page.index('class="legend"') < details < page.index('id="components"')
    css = page[page.index("@media print{"):]
    assert ".details{break-before:page}" in css and "@page{size:A4" in css


def test_csp_stays_strict():
    page, parser = _parse(sample_report())
    csp = next(a["content"] for t, a in parser.tags if t == "meta" and a.get("http-equiv"))
    assert csp is not None
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == f"'{script_hash()}'"
    assert directives["style-src"] == f"'{script_hash(CSS)}'"  # no 'unsafe-inline'
    assert 'style="' not in page  # style attributes would be blocked by the hash
    assert "unsafe" not in directives["script-src"] and "default-src" in directives
    assert directives["default-src"] == "'none'"


def test_airflow_deterministic_and_escaped(airflow):
    one = render("html", airflow, RenderContext())
    assert one == render("html", airflow, RenderContext())
    _, parser = _parse(airflow)
    _assert_inert(parser)


def test_rule_links_point_at_the_published_docs(example):
    from osaudit.report.links import PROJECT_URL, rule_url

    _, parser = _parse(example)
    hrefs = {a["href"] for t, a in parser.tags if t == "a"}
    for rule in ("osaudit/lockin", "osaudit/licence", "osaudit/maintenance", "osaudit/art41",
                 "osaudit/licence-unknown"):
        assert rule_url(rule) in hrefs, rule
    ours = [u for u in hrefs if "osaudit" in u and "/blob/" in u]
    assert ours and all(u.startswith(PROJECT_URL + "/blob/v") for u in ours)


def test_next_steps_box_has_each_exception_block_and_best_exit(example):
    """Per justification: the best exit, and the [[exception]] TOML of report/next_steps.py."""
    import tomllib

    from osaudit.report.next_steps import next_steps

    page, _ = _parse(example)
    box = page[page.index('<section class="next"'):]
    box = box[: box.index("</section>")]
    steps = next_steps(example)
    assert len(steps.justifications) == len(example.verdict.justifications_required) == 7
    blocks = [html.unescape(b) for b in re.findall(r"<pre><code>(.*?)</code></pre>", box, re.S)]
    assert blocks == [s.exception_toml for s in steps.justifications]
    for step, block in zip(steps.justifications, blocks, strict=True):
        parsed = tomllib.loads(block)["exception"]
        assert [e["component"] for e in parsed] == list(step.patterns)
        assert step.best_exit is not None
        assert html.escape(step.best_exit.name) in box
    for action in steps.actions:
        assert f"<li>{html.escape(action.text)}</li>" in box or len(action.text) > 320
    # the justifications table gives the best exit of each, worst first
    table = page[page.index("Justifications required"):page.index('<section class="next"')]
    names = [html.escape(s.justification.name) for s in steps.justifications]
    assert [table.index(n) for n in names] == sorted(table.index(n) for n in names)


def test_hostile_exception_blocks_stay_text():
    page, parser = _parse(hostile_report())
    _assert_inert(parser)
    for block in re.findall(r"<pre><code>(.*?)</code></pre>", page, re.S):
        assert "<" not in block and ">" not in block
