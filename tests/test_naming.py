"""One display-name rule: the JSON report, Markdown, HTML and ``osaudit diff`` name a component alike.

Maven components are ``groupId:artifactId``; other grouped components ``group/name``
(npm scopes: ``@sentry/react``, never plain ``react``).
"""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
import pytest

from osaudit.naming import display_name
from osaudit.pipeline import AuditOptions, audit
from osaudit.report import RenderContext, render
from osaudit.report.diff import compare
from osaudit.report.escape import html_text
from osaudit.report.model import Report
from tests.conftest import CORPUS
from tests.test_report_support import ROOT

NOW = datetime(2026, 11, 23, tzinfo=UTC)
KEYCLOAK = CORPUS / "large" / "CycloneDX_bom-examples__SBOM_keycloak-10.0.2_bom.json"


def test_rule() -> None:
    assert display_name("org.apache.camel", "camel-core", "maven") == "org.apache.camel:camel-core"
    assert display_name("@sentry", "react", "npm") == "@sentry/react"
    assert display_name(None, "react", "npm") == "react"


def _agree(report: Report, ecosystem: str) -> str:
    """The JSON names of a grouped component in ``ecosystem`` agree with Markdown, HTML, diff."""
    by_ref = report.by_ref()
    named: list[tuple[str, str]] = []  # (ref, name as the justification gives it)
    for j in report.verdict.justifications_required:
        # a vendor product names its packages; a component outside any product names itself
        pk = j.packages if isinstance(j.packages, tuple) else ()
        named += [(p.ref, p.name) for p in pk] if pk else [(j.ref, j.name)]
    justified = [(by_ref[r], n) for r, n in named
                 if r in by_ref and by_ref[r].group and by_ref[r].ecosystem == ecosystem]
    assert justified, f"no grouped {ecosystem} component needs a justification"
    comp, jname = justified[0]
    name = display_name(comp.group, comp.name, comp.ecosystem)
    assert jname == name  # the JSON report
    # lock-in top risks name the vendor product; every other row names the component
    assert all(
        r.name == name for r in report.summary.top_risks if r.ref == comp.ref and r.axis != "lockin"
    )
    text = render("markdown", report, RenderContext()).decode()
    assert f"`{name}@{comp.version}`" in text  # a code span: no mention, no escapes
    assert html_text(name, 120) in render("html", report, RenderContext()).decode()
    bumped = msgspec.structs.replace(comp, version="99.0.0")
    head = msgspec.structs.replace(
        report, components=tuple(bumped if c.ref == comp.ref else c for c in report.components)
    )
    changes = compare(report, head)
    assert any(c.kind == "version-changed" and c.subject == name for c in changes)
    return name


def test_npm_scope_everywhere(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("OSAUDIT_CACHE_DIR", str(tmp_path))
    report = audit(ROOT / "examples" / "citizen-portal.cdx.json", AuditOptions(offline=True, now=NOW))
    assert _agree(report, "npm").startswith("@")


def test_maven_coordinates_everywhere(monkeypatch, tmp_path) -> None:
    if not KEYCLOAK.is_file():
        pytest.skip(f"corpus file absent: {KEYCLOAK}")
    monkeypatch.setenv("OSAUDIT_CACHE_DIR", str(tmp_path))
    report = audit(KEYCLOAK, AuditOptions(offline=True, now=NOW))
    assert ":" in _agree(report, "maven")
