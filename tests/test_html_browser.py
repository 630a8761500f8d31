"""The HTML report in headless Chromium: offline, sort, filters, no-JS, contrast, focus, print.

Screenshots (the example SBOM with its policy, the Airflow SBOM of the corpus) and the
printed PDFs go to ``test-artifacts/`` (gitignored). The print test counts the PDF's
pages: the executive summary alone (the page with ``#details`` removed) and the whole
report.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from osaudit.report import RenderContext, render
from osaudit.report.model import Report
from tests.conftest import CORPUS
from tests.test_html_contrast import contrast, parse_colour
from tests.test_report_support import ROOT, hostile_report, sample_report

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"
EXAMPLE = ROOT / "examples" / "citizen-portal.cdx.json"
EXAMPLE_POLICY = ROOT / "examples" / "osaudit.toml"
AIRFLOW = CORPUS / "large" / "interlynk-io_sbomqs__samples_apache_airflow-sbom-2.8.0-python3.10.json"
NOW = datetime(2026, 11, 23, tzinfo=UTC)

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium absent (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _pipeline(path: Path, **kw) -> Report:
    from osaudit.pipeline import AuditOptions, build

    return build(str(path), AuditOptions(offline=True, now=NOW, collect_metadata=False,
                                         **kw)).report


@pytest.fixture(scope="module")
def example_report() -> Report:
    return _pipeline(EXAMPLE, policy=str(EXAMPLE_POLICY))


@pytest.fixture(scope="module")
def airflow_report() -> Report:
    if not AIRFLOW.is_file():
        pytest.skip(f"Airflow SBOM not found at {AIRFLOW} (CI provides ../shared/corpus)")
    return _pipeline(AIRFLOW)


def _write(tmp_path: Path, report, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(render("html", report, RenderContext()))
    return path


def _open(browser, path: Path, **ctx):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, **ctx)
    page = context.new_page()
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in
            ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return context, page, requests, problems


def _names(page) -> list[str]:
    return page.eval_on_selector_all(
        "#components tr[data-index]:not([hidden])",
        "rows => rows.map(r => r.cells[0].childNodes[0].textContent.trim())",
    )


def _pdf_pages(pdf: bytes) -> int:
    """Pages of a PDF written by Chromium (one ``/Type /Page`` object per page)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def _artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name


def test_offline_sort_filter_and_screenshot(browser, tmp_path):
    path = _write(tmp_path, sample_report(), "report.html")
    context, page, requests, problems = _open(browser, path)
    try:
        assert all(u == path.as_uri() or u.startswith("data:") for u in requests), requests
        assert not problems, problems
        assert page.is_visible("#filter")
        total = len(_names(page))
        assert total == 14  # the sample has no vendor product: one group, 14 packages
        # Sort by lock-in: ascending then descending by level and score.
        page.click("#components thead th:nth-child(4) button")
        asc = _names(page)
        page.click("#components thead th:nth-child(4) button")
        desc = _names(page)
        terraform = "github.com/hashicorp/terraform"
        assert desc[0] == terraform and asc[-1] == terraform
        assert page.get_attribute("#components thead th:nth-child(4)", "aria-sort") == "descending"
        # Sort by name.
        page.click("#components thead th:nth-child(1) button")
        names = _names(page)
        assert names == sorted(names, key=str.lower)
        # Filter.
        page.fill("#filter", "AMAZON web")
        assert set(_names(page)) == {"com.amazonaws:aws-java-sdk-s3", "boto3", "botocore"}
        assert page.inner_text("#count") == "3 of 14 components shown, in 3 of 14 packages"
        page.fill("#filter", "")
        page.check("#findings")
        findings = _names(page)
        assert "react" not in findings and terraform in findings and len(findings) < total
        page.uncheck("#findings")
        assert len(_names(page)) == total
        # Per-axis filters: licence unknown, lock-in medium or worse, maintenance.
        page.select_option("#f-licence", "unknown")
        assert set(_names(page)) == {"internal-utils", "left-pad-py", "weird | <b>pkg</b> `x`"}
        page.select_option("#f-licence", "")
        page.select_option("#f-lockin", "finding")
        assert set(_names(page)) == {
            terraform, "com.amazonaws:aws-java-sdk-s3", "@azure/msal-browser", "boto3",
            "botocore", "elasticsearch", "google-cloud-storage",
        }
        page.select_option("#f-lockin", "low")
        assert _names(page) == ["minio"]
        page.select_option("#f-lockin", "")
        page.screenshot(path=str(_artifact("sample.png")), full_page=True)
        assert _artifact("sample.png").stat().st_size > 10_000
        assert not problems, problems
    finally:
        context.close()


def test_readable_without_javascript(browser, tmp_path):
    path = _write(tmp_path, sample_report(), "report.html")
    context, page, requests, problems = _open(browser, path, java_script_enabled=False)
    try:
        assert page.locator("#components tr[data-index]").count() == 14
        assert not page.is_visible("#filter")  # controls appear only with JavaScript
        assert "JUSTIFY" in page.inner_text(".verdict")
        assert all(u == path.as_uri() or u.startswith("data:") for u in requests), requests
    finally:
        context.close()


def test_hostile_report_runs_no_injected_script(browser, tmp_path):
    path = _write(tmp_path, hostile_report(), "hostile.html")
    context, page, requests, problems = _open(browser, path)
    try:
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.reload()
        page.wait_for_timeout(200)
        assert not dialogs
        assert page.locator("script").count() == 1
        assert page.locator("img").count() == 0
        assert all(u == path.as_uri() or u.startswith("data:") for u in requests), requests
        assert not problems, problems
    finally:
        context.close()


def _rgb(css: str) -> str:
    """``rgb(r, g, b)`` as computed by the browser -> ``#rrggbb``."""
    m = re.fullmatch(r"rgba?\((\d+), (\d+), (\d+)(?:, 1)?\)", css)
    assert m, css
    return "#" + "".join(f"{int(x):02x}" for x in m.groups())


def test_badge_contrast_from_computed_styles(browser, tmp_path, example_report):
    """Every badge the page shows (all six levels, the verdict) has text contrast >= 4.5:1."""
    path = _write(tmp_path, example_report, "example.html")
    context, page, _, problems = _open(browser, path)
    try:
        styles = page.eval_on_selector_all(
            ".badge",
            "els => els.map(e => [e.className, getComputedStyle(e).color,"
            " getComputedStyle(e).backgroundColor])",
        )
        seen: dict[str, float] = {}
        for cls, fg, bg in styles:
            ratio = contrast(parse_colour(_rgb(fg)), parse_colour(_rgb(bg)))
            seen[cls] = min(ratio, seen.get(cls, 99.0))
        levels = {c.split("l-")[1] for c in seen}
        assert levels == {"none", "low", "medium", "high", "critical", "unknown"}, seen
        assert all(r >= 4.5 for r in seen.values()), seen
        assert not problems, problems
    finally:
        context.close()


def test_keyboard_focus_is_visible(browser, tmp_path, example_report):
    """Tab through the filter controls to the sort buttons: each shows a >= 2 px outline."""
    path = _write(tmp_path, example_report, "example.html")
    context, page, _, problems = _open(browser, path)
    try:
        page.focus("#filter")
        reached: list[str] = []
        for _ in range(12):
            state = page.evaluate(
                "() => { const e = document.activeElement, s = getComputedStyle(e);"
                " return [e.tagName + (e.id ? '#' + e.id : ''), s.outlineStyle,"
                " parseFloat(s.outlineWidth), s.outlineColor,"
                " e.matches(':focus-visible'), e.closest('th') !== null]; }"
            )
            name, style, width, colour, visible, in_header = state
            assert visible and style != "none" and width >= 2, state
            # the outline stands out from the header background (non-text contrast 3:1)
            assert contrast(parse_colour(_rgb(colour)), parse_colour("#eef2f7")) >= 3, state
            reached.append(name)
            if in_header:
                break
            page.keyboard.press("Tab")
        assert reached[-1] == "BUTTON", reached
        assert {"SELECT#f-lockin", "SELECT#f-licence", "INPUT#findings"} <= set(reached)
        page.screenshot(path=str(_artifact("focus.png")),
                        clip=page.locator("#components-section").bounding_box())
        page.keyboard.press("Enter")  # the focused sort button works from the keyboard
        assert page.get_attribute("#components thead th:nth-child(1)", "aria-sort")
        assert not problems, problems
    finally:
        context.close()


def _measure(browser, tmp_path: Path, report: Report, name: str) -> dict[str, int]:
    path = _write(tmp_path, report, f"{name}.html")
    context, page, requests, problems = _open(browser, path)
    try:
        height = page.evaluate("document.documentElement.scrollHeight")
        # at 1,400 px the component table fits its section (no sideways scrolling)
        sideways = page.evaluate("() => { const s = document.getElementById('components')"
                                 ".parentElement; return s.scrollWidth - s.clientWidth; }")
        assert sideways <= 0, sideways
        page.screenshot(path=str(_artifact(f"{name}.png")), full_page=False)
        box = page.evaluate(
            "() => { const r = document.getElementById('components-section')"
            ".getBoundingClientRect(); return {x: r.x, y: r.y + scrollY, width: r.width,"
            " height: Math.min(r.height, 1200)}; }")
        page.screenshot(path=str(_artifact(f"{name}-components.png")), full_page=True, clip=box)
        pdf = page.pdf(format="A4")
        _artifact(f"{name}.pdf").write_bytes(pdf)
        page.evaluate("document.getElementById('details').remove()")
        summary = page.pdf(format="A4")
        assert not problems, problems
        assert all(u == path.as_uri() or u.startswith("data:") for u in requests), requests
        return {"height": height, "pages": _pdf_pages(pdf), "summary_pages": _pdf_pages(summary)}
    finally:
        context.close()


def test_exception_blocks_copy_as_valid_toml(browser, tmp_path, example_report):
    """What a user selects in a block is the TOML next_steps wrote, and it parses."""
    import tomllib

    from osaudit.report.next_steps import next_steps

    path = _write(tmp_path, example_report, "example.html")
    context, page, _, problems = _open(browser, path)
    try:
        texts = page.eval_on_selector_all(".next pre", "els => els.map(e => e.innerText)")
        steps = next_steps(example_report).justifications
        assert texts == [s.exception_toml for s in steps]
        assert all(tomllib.loads(t)["exception"] for t in texts)
        assert not problems, problems
    finally:
        context.close()


def test_example_prints_summary_first(browser, tmp_path, example_report):
    m = _measure(browser, tmp_path, example_report, "example")
    print(f"example: {m}")
    assert 1 <= m["summary_pages"] <= 2, m
    assert m["pages"] > m["summary_pages"]  # the details follow on their own pages
    assert m["pages"] <= 10, m


def test_airflow_page_is_short_and_prints_compactly(browser, tmp_path, airflow_report):
    """Airflow (1,749 components): was 115,834 px tall and 138 A4 pages (offline, 1400 px)."""
    m = _measure(browser, tmp_path, airflow_report, "airflow")
    print(f"airflow: {m}")
    assert 1 <= m["summary_pages"] <= 2, m
    assert m["pages"] <= 40, m  # far below the 162 (138 offline) pages before grouping
    assert m["height"] <= 60_000, m  # was 115,834 px


def test_airflow_licence_unknown_filter(browser, tmp_path, airflow_report):
    """The 'licence unknown' filter shows exactly the packages with a version of unknown licence."""
    from osaudit.report.html_table import group_rows

    expected = sorted(
        row.name for g in group_rows(airflow_report) for row in g.rows
        if any(c.licence.level == "unknown" for c in row.versions)
    )
    unknown = sum(c.licence.level == "unknown" for c in airflow_report.components)
    assert unknown == airflow_report.summary.coverage.licence_unknown == 1559
    path = _write(tmp_path, airflow_report, "airflow.html")
    context, page, _, problems = _open(browser, path)
    try:
        page.select_option("#f-licence", "unknown")
        assert sorted(_names(page)) == expected
        shown = page.inner_text("#count")
        assert shown.endswith(f"in {len(expected)} of 1473 packages"), shown
        page.select_option("#f-lockin", "finding")  # and lock-in medium or worse: none of them
        assert _names(page) == []
        assert page.locator("#components tbody:not([hidden])").count() == 0
        assert not problems, problems
    finally:
        context.close()
