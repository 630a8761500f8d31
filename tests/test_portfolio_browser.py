"""The HTML portfolio report in headless Chromium: offline, readable, escaped, screenshot."""

from __future__ import annotations

from pathlib import Path

import pytest

from osaudit.cli import main
from tests.test_portfolio_support import NOW, ROOT, generated, variant, write

pytest.importorskip("duckdb")

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts"
HOSTILE = "<img src=x onerror=alert(1)>portal"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium absent (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def page_path(tmp_path_factory):
    out = tmp_path_factory.mktemp("portfolio-html")
    base = generated("citizen-portal", out / "gen")
    signals = generated("signals", out / "gen")
    files = [
        write(out / "r" / "1.json", variant(base, name="tax-office", when="2025-10-15T08:00:00Z",
                                            maintenance={"axios": "critical"})),
        write(out / "r" / "2.json", variant(base, name="tax-office", when="2026-04-10T08:00:00Z",
                                            drop_families=("stripe",),
                                            maintenance={"axios": "critical", "pbf": "high"})),
        write(out / "r" / "3.json", variant(
            base, name="permits", when="2026-06-30T12:00:00Z", maintenance={"axios": "high"},
            exceptions=[{"pattern": "pkg:pypi/boto*", "components": ["pkg:pypi/boto3@1.35.36"],
                         "expires": "2027-01-31", "status": "active", "reason": "S3 for now",
                         "approver": "IT board"}])),
        write(out / "r" / "4.json", variant(signals, name="signals", when="2026-11-20T00:00:00Z")),
        write(out / "r" / "5.json", variant(base, name=HOSTILE, when="2026-11-25T00:00:00Z")),
    ]
    db = out / "p.duckdb"
    assert main(["portfolio", "ingest", "-q", "--db", str(db), *map(str, files)]) == 0
    html = out / "portfolio.html"
    assert main(["portfolio", "report", "--db", str(db), "--now", NOW, "--format", "html",
                 "-o", str(html)]) == 0
    return html


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def test_portfolio_html_in_chromium(browser, page_path):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    problems: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning")
            else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(page_path.as_uri())
        page.wait_for_load_state("load")
        assert requests == [page_path.as_uri()], requests
        assert not problems and not dialogs, (problems, dialogs)
        assert page.locator("img").count() == 0  # the hostile name is text, not markup
        apps = page.eval_on_selector_all("#applications-table tbody tr",
                                         "rows => rows.map(r => r.cells[0].textContent)")
        assert HOSTILE in apps and "tax-office" in apps and len(apps) == 4
        first = page.locator("#register-table tbody tr").first
        assert first.get_attribute("class") == "overdue"
        assert first.locator("td").nth(2).inner_text() == "tax-office"
        statuses = page.eval_on_selector_all("#register-table tbody tr",
                                             "rows => rows.map(r => r.className)")
        assert statuses.index("due-soon") > statuses.index("overdue")
        assert "Stewardship" in page.inner_text("#stewardship")
        top = page.locator("#stewardship-table tbody tr").first.locator("td")
        assert top.nth(0).inner_text() == "pkg:npm/axios" and top.nth(2).inner_text() == "2"  # tax-office, permits
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / "portfolio.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 20_000
    finally:
        context.close()
