"""CSV: UTF-8 with BOM, CRLF rows, RFC 4180 quoting, formula injection neutralised."""

from __future__ import annotations

import csv
import io

from osaudit.report import RenderContext, render
from osaudit.report.csv import COLUMNS
from tests.test_report_support import hostile_report, sample_report

FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def test_one_row_per_component_with_documented_columns():
    report = sample_report()
    data = render("csv", report, RenderContext())
    rows = _rows(data)
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 1 + len(report.components)
    assert data.count(b"\r\n") >= len(rows)
    by_name = {r[2]: dict(zip(COLUMNS, r, strict=True)) for r in rows[1:]}
    boto = by_name["boto3"]
    assert boto["lockin_level"] == "high" and boto["lockin_family"] == "aws-s3"
    assert boto["vendor_jurisdiction"] == "US"
    assert "Garage (api-compatible)" in boto["alternatives"]
    assert boto["justification_required"] == "true"
    assert by_name["react"]["justification_required"] == "false"
    # The npm scope starts with '@': neutralised like any formula.
    assert by_name["msal-browser"]["group"] == "'@azure"


def test_hostile_report_has_no_formula_cells():
    rows = _rows(render("csv", hostile_report(), RenderContext()))
    assert len(rows) > 5
    for row in rows[1:]:
        assert len(row) == len(COLUMNS)
        for cell in row:
            assert not cell.startswith(FORMULA), cell[:40]
            assert "\u202e" not in cell


def test_deterministic():
    report = sample_report()
    assert render("csv", report, RenderContext()) == render("csv", report, RenderContext())
