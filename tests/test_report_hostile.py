"""The hostile SBOM through the real pipeline: no live markup in any output format."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from osaudit.report import FORMATS, RenderContext, render
from osaudit.report.html import SCRIPT
from tests.test_report_support import FIXTURES, cdx_validate, hostile_report, sarif_validator

HOSTILE_SBOM = FIXTURES / "hostile.cdx.json"
FORMULA = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def pipeline_outputs() -> dict[str, bytes]:
    from osaudit.pipeline import AuditOptions, build

    result = build(str(HOSTILE_SBOM), AuditOptions(
        offline=True, now=datetime(2026, 11, 23, tzinfo=UTC), collect_metadata=False))
    ctx = RenderContext(sbom=result.sbom, sbom_path="tests/fixtures/hostile.cdx.json",
                        full_report_hint="report.json")
    outs = {fmt: render(fmt, result.report, ctx) for fmt in FORMATS}
    outs["report"] = result.report.to_json()
    return outs


@pytest.fixture(scope="module")
def dict_outputs() -> dict[str, bytes]:
    report = hostile_report()
    return {fmt: render(fmt, report, RenderContext()) for fmt in FORMATS}


def test_pipeline_kept_the_hostile_strings(pipeline_outputs):
    report = pipeline_outputs["report"].decode()
    assert "<script>alert(1)</script>" in report and "\u202e" in report


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.script_text: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._script = tag == "script"

    def handle_endtag(self, tag):
        self._script = False

    def handle_data(self, data):
        if self._script:
            self.script_text.append(data)


def _check_html(data: bytes) -> None:
    parser = _Tags()
    parser.feed(data.decode("utf-8"))
    scripts = [a for t, a in parser.tags if t == "script"]
    assert len(scripts) == 1 and "".join(parser.script_text) == SCRIPT
    for tag, attrs in parser.tags:
        assert tag not in ("img", "iframe", "object", "embed", "link", "base", "form")
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src", "xlink:href", "action"):
                assert value and re.match(r"https?://", value), (tag, name, value)
    assert "\u202e" not in data.decode("utf-8")


def _check_markdown(data: bytes) -> None:
    """Rendered as github.com renders it (cmark-gfm): the hostile strings are text."""
    from tests.test_report_markdown import _inert

    _inert(data.decode("utf-8"))


def _check_csv(data: bytes) -> None:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) > 1 and len({len(r) for r in rows}) == 1
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(FORMULA), cell[:50]


def _check_sarif(data: bytes) -> None:
    log = json.loads(data)
    assert not list(sarif_validator().iter_errors(log))


def _check_cyclonedx(data: bytes) -> None:
    assert cdx_validate(data.decode("utf-8")) is None


def _check_json(data: bytes) -> None:
    """JSON carries hostile strings as data: valid JSON that reads back byte for byte."""
    from osaudit.report.model import Report

    assert isinstance(json.loads(data), dict)
    assert Report.from_json(data).to_json() == data


def _check_text(data: bytes) -> None:
    """The terminal report: no control character but newline (no raw ESC), no bidi override."""
    text = data.decode("utf-8")
    assert re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", text) is None
    assert "\u202e" not in text and "\u2028" not in text


CHECKS = {"json": _check_json, "html": _check_html, "markdown": _check_markdown, "csv": _check_csv,
          "sarif": _check_sarif, "cyclonedx": _check_cyclonedx, "text": _check_text}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_pipeline_output_is_inert(fmt, pipeline_outputs):
    CHECKS[fmt](pipeline_outputs[fmt])


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_hostile_report_dict_output_is_inert(fmt, dict_outputs):
    CHECKS[fmt](dict_outputs[fmt])


def test_long_names_are_capped(pipeline_outputs):
    md = pipeline_outputs["markdown"].decode()
    assert "A" * 300 not in md
    html = pipeline_outputs["html"].decode()
    assert "A" * 300 not in html
