"""The HTML report in headless Chromium: offline, no errors, sort, filter, no-JS, screenshot."""

from __future__ import annotations

from pathlib import Path

import pytest

from osaudit.report import RenderContext, render
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
        "#components tbody tr:not([hidden])",
        "rows => rows.map(r => r.cells[0].childNodes[0].textContent.trim())",
    )


def test_offline_sort_filter_and_screenshot(browser, tmp_path):
    path = _write(tmp_path, sample_report(), "report.html")
    context, page, requests, problems = _open(browser, path)
    try:
        assert all(u == path.as_uri() or u.startswith("data:") for u in requests), requests
        assert not problems, problems
        assert page.is_visible("#filter")
        total = len(_names(page))
        assert total == 14
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
        assert page.inner_text("#count") == "3 of 14 components shown"
        page.fill("#filter", "")
        page.check("#findings")
        findings = _names(page)
        assert "react" not in findings and terraform in findings and len(findings) < total
        page.uncheck("#findings")
        assert len(_names(page)) == total
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        assert (ARTIFACTS / "report.png").stat().st_size > 10_000
        assert not problems, problems
    finally:
        context.close()


def test_readable_without_javascript(browser, tmp_path):
    path = _write(tmp_path, sample_report(), "report.html")
    context, page, requests, problems = _open(browser, path, java_script_enabled=False)
    try:
        assert page.locator("#components tbody tr").count() == 14
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
