"""CSV: one row per component for spreadsheet users.

UTF-8 with a byte-order mark (so Excel detects the encoding; LibreOffice and
``csv``/pandas with ``utf-8-sig`` read it too), RFC 4180 quoting with CRLF line ends,
and formula injection neutralised by :func:`osaudit.report.escape.csv_cell`.
Rows follow the report's component order; list cells are joined with ``"; "``.
"""

from __future__ import annotations

import csv
import io

from osaudit.report.context import RenderContext
from osaudit.report.escape import csv_cell
from osaudit.report.model import ComponentResult, Report

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


def _row(c: ComponentResult, justify: set[str]) -> list[str]:
    lockin, licence, maint = c.lockin, c.licence, c.maintenance
    family, vendor, match = lockin.family, lockin.vendor, lockin.match
    alts = "; ".join(f"{a.name} ({a.swap})" if a.swap else a.name for a in lockin.alternatives)
    values: list[object] = [
        c.ref,
        c.purl,
        c.name,
        c.version,
        c.group,
        c.ecosystem,
        c.direct,
        lockin.level,
        lockin.score,
        family.id if family else None,
        family.category if family else None,
        vendor.name if vendor else None,
        vendor.jurisdiction if vendor else None,
        match.method if match else None,
        alts,
        licence.expression,
        "; ".join(licence.raw),
        licence.category,
        licence.level,
        licence.score,
        licence.osi_approved,
        licence.open_source,
        maint.level,
        maint.score,
        c.ref in justify,
    ]
    return [csv_cell(v) for v in values]


def render(report: Report, ctx: RenderContext) -> bytes:
    """The CSV table (header row + one row per component) as UTF-8 with BOM."""
    justify = {j.ref for j in report.verdict.justifications_required}
    buf = io.StringIO()
    writer = csv.writer(buf, dialect="excel", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for component in report.components:
        writer.writerow(_row(component, justify))
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")
