"""Every corpus SBOM through the pipeline into every format; SARIF and CycloneDX validated.

SARIF is checked against the official OASIS schema. CycloneDX is checked against
cyclonedx-python-lib's strict 1.6 schema with a fast RFC 3987 check for the
``iri-reference`` format (see test_report_support); the unmodified strict validator
runs on the smaller outputs (under 200 kB).
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from osaudit.errors import OsauditError
from osaudit.report import FORMATS, MARKDOWN_LIMIT_SUMMARY, RenderContext, render
from osaudit.report.escape import html_text
from tests.conftest import CORPUS, SKIP_REASON, corpus_files, corpus_id
from tests.test_report_support import cdx_validate, fast_cdx_validator, sarif_validator

FILES = corpus_files()


@pytest.fixture(scope="module")
def validators():
    return sarif_validator(), fast_cdx_validator()


@pytest.mark.skipif(not CORPUS.is_dir(), reason=SKIP_REASON)
@pytest.mark.parametrize("path", FILES, ids=corpus_id)
def test_every_format(path: Path, validators):
    from osaudit.pipeline import AuditOptions, build

    try:
        result = build(str(path), AuditOptions(
            offline=True, now=datetime(2026, 11, 23, tzinfo=UTC), collect_metadata=False))
    except OsauditError as exc:
        assert "invalid" in path.parts or "catalogue" not in str(exc), str(exc)
        pytest.skip(f"not an auditable SBOM (reader tests cover it): {str(exc)[:120]}")
    report = result.report
    ctx = RenderContext(sbom=result.sbom, sbom_path=str(path), repo_root=None)
    outs = {fmt: render(fmt, report, ctx) for fmt in FORMATS}
    sarif_v, cdx_v = validators

    errors = list(sarif_v.iter_errors(json.loads(outs["sarif"])))
    assert not errors, errors[0].message[:300]

    bom = json.loads(outs["cyclonedx"])
    errors = list(cdx_v.iter_errors(bom))
    assert not errors, errors[0].message[:300]
    if len(outs["cyclonedx"]) < 200_000:
        assert cdx_validate(outs["cyclonedx"].decode("utf-8")) is None
    assert len(bom.get("components", [])) == len({c.ref for c in result.sbom.components})

    rows = list(csv.reader(io.StringIO(outs["csv"].decode("utf-8-sig"), newline="")))
    assert len(rows) == 1 + len(report.components)

    assert len(outs["markdown"]) <= MARKDOWN_LIMIT_SUMMARY
    parser = HTMLParser()
    parser.feed(outs["html"].decode("utf-8"))
    # one row per package (versions together); every component counted in one row
    shown = [int(n) for n in re.findall(rb'<tr data-index="\d+" [^>]*data-components="(\d+)"',
                                        outs["html"])]
    assert sum(shown) == len(report.components)
    page = outs["html"].decode("utf-8")
    missing = [c.ref for c in report.components if html_text(c.purl or c.ref) not in page]
    assert not missing, missing[:5]
