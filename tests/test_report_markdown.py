"""Markdown: verdict, per-axis table, top risks, collapsible details, escaping, size limits."""

from __future__ import annotations

import copy
import re

import pytest

from osaudit.errors import ConfigError
from osaudit.report import (
    MARKDOWN_LIMIT_COMMENT,
    MARKDOWN_LIMIT_SUMMARY,
    RenderContext,
    parse_markdown_limit,
    render,
)
from osaudit.report.model import Report
from tests.test_report_support import hostile_report, sample_report, sample_report_dict


def _md(report, **ctx) -> str:
    return render("markdown", report, RenderContext(**ctx)).decode("utf-8")


def test_sections_and_counts():
    text = _md(sample_report())
    assert "**Art. 41 open-source-first verdict: JUSTIFY" in text
    assert "| Lock-in | 6 | 1 | 1 | 5 | 1 | 0 |" in text
    assert "| Licence | 9 | 1 | 0 | 1 | 0 | 3 |" in text
    assert "## Top risks" in text and "## Justifications required" in text
    assert "Garage (api-compatible)" in text
    assert "<details><summary>All components (14)</summary>" in text
    assert text.count("<details>") == text.count("</details>")
    assert "Non-EU share of catalogued vendors: 86%" in text


def test_sbom_strings_are_escaped():
    text = _md(sample_report())
    # The sample's hostile component name and licence.
    assert "weird \\| &lt;b&gt;pkg&lt;/b&gt; \\`x\\`" in text
    assert "\\[click\\]\\(javascript\\:alert\\(1\\)\\)" in text
    assert "](javascript:" not in text


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
    assert "## Top risks" in text and "## Justifications required" in text
    assert re.search(r"\d+ more components not shown \(size limit\)\. See the full report: "
                     r"reports/osaudit\.json\.", text)
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


def test_hostile_report_has_no_live_markup():
    text = _md(hostile_report())
    lowered = text.lower()
    assert "<script" not in lowered and "<img" not in lowered and "<a " not in lowered
    assert "](javascript:" not in text and "](https:" not in text
    assert "\u202e" not in text
    # Only osaudit's own tags remain.
    tags = set(re.findall(r"</?([a-zA-Z][a-zA-Z0-9]*)", text))
    assert tags <= {"details", "summary"}
    # Every table row has the header's number of cells (no pipe broke a row).
    for block in re.findall(r"((?:^\|.*\n)+)", text, flags=re.M):
        rows = block.strip("\n").split("\n")
        widths = {len(re.split(r"(?<!\\)\|", r)) for r in rows}
        assert len(widths) == 1, rows[:3]
