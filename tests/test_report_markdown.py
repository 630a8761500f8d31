"""Markdown: verdict, per-axis table, top risks, collapsible details, escaping, size limits."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime

import pytest

from osaudit import __version__
from osaudit.errors import ConfigError
from osaudit.report import (
    MARKDOWN_LIMIT_COMMENT,
    MARKDOWN_LIMIT_SUMMARY,
    RenderContext,
    links,
    markdown,
    parse_markdown_limit,
    render,
)
from osaudit.report.model import Report
from tests import gfm
from tests.conftest import CORPUS
from tests.test_report_support import hostile_report, sample_report, sample_report_dict

TRACKDECHETS = CORPUS / "generated" / "MTES-MCT_trackdechets.cdxgen.cdx.json"


def _md(report, **ctx) -> str:
    return render("markdown", report, RenderContext(**ctx)).decode("utf-8")


def test_sections_and_counts():
    text = _md(sample_report())
    assert "**Art. 41 open-source-first verdict: JUSTIFY" in text
    assert re.search(r"^\| \[Lock-in\]\([^)]+#lock-in\) \| 6 \| 1 \| 1 \| 5 \| 1 \| 0 \|$", text, re.M)
    assert re.search(r"^\| \[Licence\]\([^)]+\) \| 9 \| 1 \| 0 \| 1 \| 0 \| 3 \|$", text, re.M)
    assert "## Other top risks" in text and "## Justifications required" in text
    assert "Garage (api-compatible)" in text
    assert "<details><summary>All components (14)</summary>" in text
    assert text.count("<details>") == text.count("</details>")
    assert "Non-EU share of lock-in vendors: 80%" in text


def test_sbom_strings_are_code_spans_that_render_exactly():
    text = _md(sample_report())
    page = gfm.read(text)
    # The sample's hostile component name and licence, shown as they are, inert.
    assert "weird | <b>pkg</b> `x`@1.0" in page.codes
    assert "Custom: see LICENSE | [click](javascript:alert(1))" in page.codes
    assert "@azure/msal-browser@3.7.1" in page.codes  # an npm scope: no mention, no "\\@"
    assert not [tag for tag, _ in page.tags if tag in ("b", "img", "script")]
    assert all(len(set(rows)) == 1 for rows in page.tables), page.tables


def _links_ok(page: gfm.Page) -> None:
    prefix = f"{links.PROJECT_URL}/blob/v{__version__}/"
    known = {links.doc_url(p) for p in links.DOC_PAGES} | {
        links.rule_url(r) for r in links.RULE_DOCS
    } | {links.doc_url("report-formats", "markdown")}
    for href in page.hrefs():
        assert href.startswith(prefix) and href in known, href


def _inert(text: str) -> None:
    """Rendered as GitHub does: only osaudit's tags and links; no mention, reference,
    autolink or emoji outside code; every table row as wide as its header."""
    page = gfm.read(text)
    assert {tag for tag, _ in page.tags} <= {
        "h1", "h2", "h3", "p", "ul", "li", "strong", "em", "code", "a", "table", "thead",
        "tbody", "tr", "th", "td", "details", "summary", "blockquote", "br",
    }, {tag for tag, _ in page.tags}
    _links_ok(page)
    bare = " ".join(page.bare_text)
    assert not re.search(r"@\w|#\d|www\.|://|:[a-z_+-]+:", bare, re.I), re.findall(
        r".{20}(?:@\w|#\d|www\.|://|:[a-z_+-]+:).{20}", bare, re.I
    )[:5]
    assert "\u202e" not in text
    for rows in page.tables:
        assert len(set(rows)) == 1, rows


def test_hostile_report_has_no_live_markup():
    _inert(_md(hostile_report()))


@pytest.fixture(scope="module")
def trackdechets() -> tuple[Report, str]:
    if not TRACKDECHETS.is_file():
        pytest.skip(f"corpus SBOM not found at {TRACKDECHETS}")
    from osaudit.pipeline import AuditOptions, build

    result = build(str(TRACKDECHETS), AuditOptions(
        offline=True, now=datetime(2026, 12, 1, 6, 17, 43, tzinfo=UTC), collect_metadata=False))
    return result.report, _md(result.report)


def test_corpus_report_reads_cleanly_and_renders_inert(trackdechets):
    report, text = trackdechets
    _inert(text)
    # osaudit's own words as written: no backslash escapes, no entities (457 before).
    assert not re.findall(r"\\[\\`*_\[\]{}()#!|~:@$.]|&(?:lt|gt|amp|quot);", text)
    assert "Generated 2026-12-01T06:17:43Z" in text and "package(s) under them" in text, text[:2000]
    page = gfm.read(text)
    assert "@sentry/browser@6.19.7" in page.codes and "@aws-sdk/client-s3@3.750.0" in page.codes


def test_each_vendor_product_is_listed_once(trackdechets):
    report, text = trackdechets
    justs = report.verdict.justifications_required
    assert len(justs) >= 5 and all(isinstance(j.packages, tuple) for j in justs)
    # The products that need a justification are the top risks; they are listed under the
    # justifications only, each once.
    risks = report.summary.top_risks
    assert risks and {r.name for r in risks} <= {j.name for j in justs}
    assert "## Other top risks" not in text and "## Top risks" not in text
    for j in justs:
        assert text.count(f"**{j.name}**") == 1, j.name


def test_a_product_among_top_risks_shows_the_products_exits(tmp_path):
    """With exceptions for its clients, the AWS core SDK product of the Amsterdam Signals SBOM is
    a top risk outside the justifications: its row shows the product's exits (12, its
    families' alternatives), not boto3's own alternatives (8)."""
    from osaudit.pipeline import AuditOptions, build

    sbom = CORPUS / "generated" / "Amsterdam_signals.environment.cyclonedx-py.cdx.json"
    if not sbom.is_file():
        pytest.skip(f"corpus SBOM not found at {sbom}")
    policy = tmp_path / "osaudit.toml"
    policy.write_text("".join(
        f'[[exception]]\ncomponent = "pkg:pypi/{name}"\nreason = "until the Garage migration"\n'
        'approver = "CIO office"\nexpires = 2027-06-30\n\n'
        for name in ("boto3", "botocore", "s3transfer")  # the product's three clients
    ))
    report = build(str(sbom), AuditOptions(
        offline=True, now=datetime(2026, 12, 1, tzinfo=UTC), collect_metadata=False,
        policy=str(policy))).report
    product = next(p for p in report.summary.vendor_products if p.family == "aws-core-sdk")
    client = report.by_ref()[product.clients[0].ref]
    assert client.name == "boto3"
    assert [e.name for e in product.exits] != [a.name for a in client.lockin.alternatives]
    assert product.name in {r.name for r in report.summary.top_risks}
    assert product.name not in {j.name for j in report.verdict.justifications_required}
    text = _md(report)
    row = next(line for line in text.splitlines() if line.startswith(f"| {product.name} "))
    cells = row.split(" | ")
    assert cells[-1].rstrip(" |") == markdown._alts(product.exits)
    assert f"+{len(product.exits) - 4} more" in cells[-1]
    assert f"`boto3@{client.version}`" in row


def test_rules_and_axes_link_to_the_published_docs():
    text = _md(sample_report())
    page = gfm.read(text)
    _links_ok(page)
    hrefs = set(page.hrefs())
    assert links.rule_url("osaudit/art41") in hrefs
    assert {links.rule_url(links_id) for links_id in
            ("osaudit/lockin", "osaudit/licence", "osaudit/maintenance")} <= hrefs


def _big_report(n: int) -> Report:
    report = sample_report_dict()
    base = report["components"]
    comps = []
    for i in range(n):
        c = copy.deepcopy(base[i % len(base)])
        c["ref"] = f"{c['ref']}-{i}"
        c["name"] = f"{c['name']}-{i:05d}-" + "x" * 60
        comps.append(c)
    report["components"] = comps
    report["warnings"] = [{"code": "W", "message": f"warning {i}", "location": None}
                          for i in range(2000)]
    return Report.from_dict(report)


def test_comment_preset_truncates_details_first_with_pointer():
    report = _big_report(3000)
    text = _md(report, limit=MARKDOWN_LIMIT_COMMENT, full_report_hint="reports/osaudit.json")
    assert len(text) <= MARKDOWN_LIMIT_COMMENT
    assert len(text.encode("utf-8")) <= MARKDOWN_LIMIT_COMMENT
    assert "## Other top risks" in text and "## Justifications required" in text
    assert re.search(r"\d+ more components not shown \(size limit\)\. See the full report: "
                     r"`reports/osaudit\.json`\.", text)
    assert text.count("<details>") == text.count("</details>")


def test_summary_limit_keeps_everything_when_it_fits():
    report = _big_report(300)
    text = _md(report)
    assert len(text.encode("utf-8")) <= MARKDOWN_LIMIT_SUMMARY
    assert "not shown" not in text
    assert text.count("\n| ") >= 300


def test_tiny_limit_still_within_bounds():
    text = _md(_big_report(50), limit=2048)
    assert len(text.encode("utf-8")) <= 2048
    assert "size limit" in text


def test_parse_markdown_limit():
    assert parse_markdown_limit(None) == MARKDOWN_LIMIT_SUMMARY
    assert parse_markdown_limit("comment") == MARKDOWN_LIMIT_COMMENT
    assert parse_markdown_limit("summary") == MARKDOWN_LIMIT_SUMMARY
    assert parse_markdown_limit("100000") == 100000
    for bad in ("lots", "12"):
        with pytest.raises(ConfigError, match="--markdown-limit"):
            parse_markdown_limit(bad)


def test_diff_markdown_is_inert_and_unescaped():
    """``osaudit diff --format markdown`` (the PR comment) follows the same rules."""
    from osaudit.report.diff import compare, to_markdown

    base = sample_report()
    head_dict = sample_report_dict()
    for comp in head_dict["components"]:
        if comp["name"] == "msal-browser":
            comp["version"] = "3.8.0"
    changes = compare(base, Report.from_dict(head_dict))
    text = to_markdown(changes, [], "high")
    page = gfm.read(text)
    assert "@azure/msal-browser" in page.codes  # a scope, not a team mention
    assert "3.7.1 -> 3.8.0" in text and "\\" not in text
    _inert(text)
    hostile = to_markdown(compare(base, hostile_report()), [], "high")
    _inert(hostile)
