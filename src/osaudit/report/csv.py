"""CSV: one row per component for spreadsheet users.

UTF-8 with a byte-order mark (so Excel detects the encoding; LibreOffice and
``csv``/pandas with ``utf-8-sig`` read it too), RFC 4180 quoting with CRLF line ends,
and formula injection neutralised by :func:`osaudit.report.escape.csv_cell`.
Rows follow the report's component order; list cells are joined with ``"; "``.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from osaudit.report import RenderContext
from osaudit.report.escape import csv_cell

COLUMNS: tuple[str, ...] = (
    "ref",
    "purl",
    "name",
    "version",
    "group",
    "ecosystem",
    "direct",
    "lockin_level",
    "lockin_score",
    "lockin_family",
    "lockin_category",
    "vendor",
    "vendor_jurisdiction",
    "match_method",
    "alternatives",
    "licence_expression",
    "licence_raw",
    "licence_category",
    "licence_level",
    "licence_openness",
    "osi_approved",
    "open_source",
    "maintenance_level",
    "maintenance_score",
    "justification_required",
)


def _row(c: dict[str, Any], justify: set[str]) -> list[str]:
    lockin = c.get("lockin") or {}
    family = lockin.get("family") or {}
    vendor = lockin.get("vendor") or {}
    match = lockin.get("match") or {}
    licence = c.get("licence") or {}
    maint = c.get("maintenance") or {}
    alts = "; ".join(
        f"{a.get('name')} ({a.get('swap')})" if a.get("swap") else str(a.get("name"))
        for a in lockin.get("alternatives") or []
    )
    values: list[object] = [
        c.get("ref"),
        c.get("purl"),
        c.get("name"),
        c.get("version"),
        c.get("group"),
        c.get("ecosystem"),
        c.get("direct"),
        lockin.get("level"),
        lockin.get("score"),
        family.get("id"),
        family.get("category"),
        vendor.get("name"),
        vendor.get("jurisdiction"),
        match.get("method"),
        alts,
        licence.get("expression"),
        "; ".join(str(r) for r in licence.get("raw") or []),
        licence.get("category"),
        licence.get("level"),
        licence.get("score"),
        licence.get("osi_approved"),
        licence.get("open_source"),
        maint.get("level"),
        maint.get("score"),
        c.get("ref") in justify,
    ]
    return [csv_cell(v) for v in values]


def render(report: dict[str, Any], ctx: RenderContext) -> bytes:
    """The CSV table (header row + one row per component) as UTF-8 with BOM."""
    justify = {
        str(j.get("ref"))
        for j in (report.get("verdict") or {}).get("justifications_required") or []
    }
    buf = io.StringIO()
    writer = csv.writer(buf, dialect="excel", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for component in report.get("components") or []:
        writer.writerow(_row(component, justify))
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")
