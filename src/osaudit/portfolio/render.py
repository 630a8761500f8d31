"""The portfolio report as HTML, Markdown, JSON or CSV.

Every string that came from a report (application, vendor, product and package
names, exception reasons) goes through ``osaudit.report.escape``. Output depends
only on the model, so the same store and ``--now`` give the same bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import orjson

from osaudit.report import escape

#: Applications named in one cell of a vendor-product or stewardship row (HTML, Markdown).
NAMES_SHOWN = 12

STATUS_TEXT = {
    "overdue": "overdue",
    "due-soon": "due within 90 days",
    "open": "open",
    "monitor": "monitor (not flagged)",
}

CSV_TABLES = (
    "register",
    "vendor-products",
    "stewardship",
    "trends",
    "applications",
    "non-eu-vendors",
)


def to_json(model: dict[str, Any]) -> bytes:
    """The whole model, keys sorted, two-space indent, trailing newline."""
    return orjson.dumps(model, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def _names(names: list[str], esc: Callable[[object], str]) -> str:
    shown = ", ".join(esc(n) for n in names[:NAMES_SHOWN])
    more = len(names) - NAMES_SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


def _exit_text(options: list[dict[str, Any]]) -> list[str]:
    out = []
    for o in options:
        bits = [b for b in (o.get("jurisdiction"), o.get("swap")) if b]
        out.append(f"{o.get('name') or o.get('id')}" + (f" ({', '.join(bits)})" if bits else ""))
    return out


def _exception_text(exc: dict[str, Any] | None) -> str:
    if not exc:
        return ""
    parts = [exc.get("pattern") or "", f"expires {exc.get('expires') or 'never'}"]
    if exc.get("status") and exc["status"] != "active":
        parts.append(str(exc["status"]))
    return "; ".join(p for p in parts if p)


# ---------------------------------------------------------------- CSV


def _csv_rows(model: dict[str, Any], table: str) -> tuple[list[str], list[list[Any]]]:
    if table == "register":
        head = [
            "status",
            "due",
            "days_left",
            "due_basis",
            "application",
            "vendor_product",
            "product_name",
            "vendor",
            "jurisdiction",
            "level",
            "first_seen",
            "flagged",
            "exception",
            "exception_expires",
            "exception_reason",
            "exits",
        ]
        rows = [
            [
                r["status"],
                r["due"],
                r["days_left"],
                r["due_basis"],
                r["application"],
                r["family"],
                r["name"],
                r["vendor"],
                r["jurisdiction"],
                r["level"],
                r["first_seen"],
                r["flagged"],
                (r["exception"] or {}).get("pattern"),
                (r["exception"] or {}).get("expires"),
                (r["exception"] or {}).get("reason"),
                "; ".join(_exit_text(r["exits"])),
            ]
            for r in model["register"]
        ]
    elif table == "vendor-products":
        head = [
            "vendor_product",
            "name",
            "vendor",
            "jurisdiction",
            "control",
            "worst_level",
            "applications",
            "application_names",
            "exits",
        ]
        rows = [
            [
                r["family"],
                r["name"],
                r["vendor"],
                r["jurisdiction"],
                r["control"],
                r["worst_level"],
                r["applications"],
                "; ".join(r["application_names"]),
                "; ".join(_exit_text(r["exits"])),
            ]
            for r in model["vendor_products"]
        ]
    elif table == "stewardship":
        head = [
            "package",
            "name",
            "ecosystem",
            "applications",
            "maintenance_level",
            "application_names",
            "versions",
            "reason",
        ]
        rows = [
            [
                r["package"],
                r["name"],
                r["ecosystem"],
                r["applications"],
                r["maintenance_level"],
                "; ".join(r["application_names"]),
                "; ".join(r["versions"]),
                r["reason"],
            ]
            for r in model["stewardship"]
        ]
    elif table == "trends":
        head = [
            "month",
            "runs",
            "applications",
            "new_applications",
            "introduced",
            "removed",
            "introduced_products",
            "removed_products",
        ]
        rows = [
            [
                t["month"],
                t["runs"],
                t["applications"],
                t["new_applications"],
                t["introduced"],
                t["removed"],
                "; ".join(f"{p['family']} x{p['applications']}" for p in t["introduced_products"]),
                "; ".join(f"{p['family']} x{p['applications']}" for p in t["removed_products"]),
            ]
            for t in model["trends"]
        ]
    elif table == "applications":
        head = [
            "application",
            "owner",
            "department",
            "criticality",
            "tags",
            "reported_names",
            "runs",
            "first_run",
            "last_run",
            "next_assessment",
            "verdict",
            "components",
            "vendor_products",
            "vendor_products_high_or_critical",
        ]
        rows = [
            [
                a["application"],
                a["owner"],
                a["department"],
                a["criticality"],
                "; ".join(a["tags"]),
                "; ".join(a["reported_names"]),
                a["runs"],
                a["first_run"],
                a["last_run"],
                a["next_assessment"],
                a["verdict"],
                a["components"],
                a["vendor_products"],
                a["vendor_products_high_or_critical"],
            ]
            for a in model["applications"]
        ]
    elif table == "non-eu-vendors":
        head = ["vendor", "jurisdiction", "applications", "share_pct", "products"]
        rows = [
            [
                v["vendor"],
                v["jurisdiction"],
                v["applications"],
                v["share"],
                "; ".join(v["products"]),
            ]
            for v in model["headline"]["non_eu_vendors"]
        ]
    else:  # pragma: no cover - the CLI offers CSV_TABLES only
        raise ValueError(table)
    return head, rows


def to_csv(model: dict[str, Any], table: str = "register") -> bytes:
    """One table as RFC 4180 CSV with a header row; cells are spreadsheet-safe."""
    head, rows = _csv_rows(model, table)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(head)
    for row in rows:
        writer.writerow([escape.csv_cell(v) for v in row])
    return buf.getvalue().encode("utf-8")


# ---------------------------------------------------------------- Markdown


def _md_table(head: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return lines


def to_markdown(model: dict[str, Any]) -> bytes:
    """The report as GitHub-flavoured Markdown (every report string escaped)."""
    md = escape.md
    h = model["headline"]
    ev = h["evidence"]
    out = [
        "# OSPO portfolio report",
        "",
        f"Generated {model['generated_at']} from {h['runs']} run(s) of {h['applications']} "
        f"application(s), {h['first_run'] or '-'} to {h['last_run'] or '-'}.",
        "",
        "## Headline",
        "",
        "- Verdicts (latest run of each application): "
        + (", ".join(f"{md(k)} {v}" for k, v in h["verdicts"].items()) or "none"),
        f"- Evidence coverage: {ev['components']} components; purl {_pct(ev['with_purl_pct'])}, "
        f"licence known {_pct(ev['licence_known_pct'])}, maintenance known "
        f"{_pct(ev['maintenance_known_pct'])}, {ev['catalog_matched']} catalogue matches",
        f"- Applications depending on a non-EU vendor's products: "
        f"{h['applications_with_non_eu_vendor']} of {h['applications']}",
        f"- Art. 29 assessments (every two years) overdue: {h['assessments_overdue']}",
        f"- Art. 29 register: {h['register']['overdue']} overdue, {h['register']['due-soon']} due "
        f"within 90 days, {h['register']['open']} open, {h['register']['monitor']} to monitor",
        "",
        "### Non-EU vendor exposure",
        "",
    ]
    out += (
        _md_table(
            ["Vendor", "Jurisdiction", "Applications", "Products"],
            [
                [
                    md(v["vendor"]),
                    md(v["jurisdiction"]),
                    f"{v['applications']} ({_pct(v['share'])})",
                    ", ".join(md(p) for p in v["products"]),
                ]
                for v in h["non_eu_vendors"]
            ],
        )
        if h["non_eu_vendors"]
        else ["None."]
    )
    out += ["", "## Art. 29 sovereignty risk register", ""]
    out += (
        _md_table(
            [
                "Status",
                "Due",
                "Application",
                "Vendor product",
                "Level",
                "First seen",
                "Flagged",
                "Exception",
                "Best exits",
            ],
            [
                [
                    STATUS_TEXT[r["status"]],
                    md(r["due"] or "-") + (f" ({md(r['due_basis'])})" if r["due_basis"] else ""),
                    md(r["application"]),
                    f"{md(r['name'] or r['family'])} ({md(r['vendor'])})",
                    r["level"],
                    md(r["first_seen"]),
                    md(r["flagged"] or "-"),
                    md(_exception_text(r["exception"])) or "-",
                    "; ".join(md(e) for e in _exit_text(r["exits"])) or "-",
                ]
                for r in model["register"]
            ],
        )
        if model["register"]
        else ["No vendor product in any application's latest run."]
    )
    out += ["", "## Vendor products by number of applications", ""]
    out += (
        _md_table(
            ["Vendor product", "Vendor", "Worst level", "Applications", "Used by", "Best exits"],
            [
                [
                    md(r["name"] or r["family"]),
                    f"{md(r['vendor'])} ({md(r['jurisdiction'] or '?')})",
                    r["worst_level"],
                    str(r["applications"]),
                    _names(r["application_names"], md),
                    "; ".join(md(e) for e in _exit_text(r["exits"])) or "-",
                ]
                for r in model["vendor_products"]
            ],
        )
        if model["vendor_products"]
        else ["None."]
    )
    out += ["", "## Stewardship: fund or replace", ""]
    out += (
        _md_table(
            ["Package", "Maintenance", "Applications", "Used by", "Versions"],
            [
                [
                    md(r["package"]),
                    r["maintenance_level"],
                    str(r["applications"]),
                    _names(r["application_names"], md),
                    ", ".join(md(v) for v in r["versions"][:5]),
                ]
                for r in model["stewardship"]
            ],
        )
        if model["stewardship"]
        else [
            "No open-source package with high or critical maintenance risk in the latest runs "
            "(reports made with --offline and an empty cache know no maintenance facts)."
        ]
    )
    out += ["", "## Trends: vendor products introduced and removed per month", ""]
    out += _md_table(
        ["Month", "Runs", "Applications", "New applications", "Introduced", "Removed", "Which"],
        [
            [
                t["month"],
                str(t["runs"]),
                str(t["applications"]),
                str(t["new_applications"]),
                str(t["introduced"]),
                str(t["removed"]),
                _trend_which(t, md),
            ]
            for t in model["trends"]
        ],
    )
    out += ["", "## Applications", ""]
    out += _md_table(
        [
            "Application",
            "Owner",
            "Department",
            "Criticality",
            "Last run",
            "Next assessment",
            "Verdict",
            "Components",
            "Vendor products (high/critical)",
        ],
        [
            [
                md(a["application"]),
                md(a["owner"] or "-"),
                md(a["department"] or "-"),
                md(a["criticality"] or "-"),
                a["last_run"],
                md(a["next_assessment"]) + (" (overdue)" if a["assessment_overdue"] else ""),
                md(a["verdict"]),
                str(a["components"]),
                f"{a['vendor_products']} ({a['vendor_products_high_or_critical']})",
            ]
            for a in model["applications"]
        ],
    )
    return ("\n".join(out) + "\n").encode("utf-8")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} %"


def _trend_which(t: dict[str, Any], esc: Callable[[object], str]) -> str:
    parts = [f"+{esc(p['family'])} x{p['applications']}" for p in t["introduced_products"][:6]]
    parts += [f"-{esc(p['family'])} x{p['applications']}" for p in t["removed_products"][:6]]
    return ", ".join(parts) or "-"


# ---------------------------------------------------------------- HTML

_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1400px;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:2px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin:.6rem 0}
th,td{border:1px solid #d4d4d4;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#f1f3f5}td.n{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;flex-wrap:wrap;gap:.8rem}
.card{border:1px solid #d4d4d4;border-radius:6px;padding:.6rem .9rem;min-width:12rem}
.card b{display:block;font-size:1.5rem}
tr.overdue td:first-child{background:#f8d7da;font-weight:600}
tr.due-soon td:first-child{background:#fff3cd;font-weight:600}
.lv-critical{color:#a4161a;font-weight:600}.lv-high{color:#c2410c;font-weight:600}
.lv-medium{color:#8a6d00}.muted{color:#666}
"""


def _cell(value: object, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<td{attr}>{value}</td>"


def _html_table(head: list[str], rows: list[tuple[str, list[str]]], table_id: str) -> str:
    parts = [f'<table id="{table_id}"><thead><tr>']
    parts += [f"<th>{h}</th>" for h in head]
    parts.append("</tr></thead><tbody>")
    for cls, cells in rows:
        parts.append(f'<tr class="{cls}">' if cls else "<tr>")
        parts += cells
        parts.append("</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def _lv(level: str) -> str:
    return _cell(escape.html_text(level), f"lv-{level}")


def to_html(model: dict[str, Any]) -> bytes:
    """A self-contained HTML page (no scripts, no external resources)."""
    e = escape.html_text
    h = model["headline"]
    ev = h["evidence"]
    reg = h["register"]
    cards = [
        (
            "Applications",
            str(h["applications"]),
            f"{h['runs']} runs, {h['first_run'] or '-'} to {h['last_run'] or '-'}",
        ),
        (
            "Verdicts",
            ", ".join(f"{e(k)} {v}" for k, v in h["verdicts"].items()) or "-",
            "latest run of each application",
        ),
        (
            "Evidence coverage",
            f"licence {_pct(ev['licence_known_pct'])}",
            f"maintenance {_pct(ev['maintenance_known_pct'])}, purl {_pct(ev['with_purl_pct'])}, "
            f"{ev['components']} components",
        ),
        (
            "Non-EU vendor exposure",
            f"{h['applications_with_non_eu_vendor']} of {h['applications']}",
            "applications depending on a non-EU vendor's products",
        ),
        (
            "Art. 29 register",
            f"{reg['overdue']} overdue",
            f"{reg['due-soon']} due within 90 days, {reg['open']} open; "
            f"{h['assessments_overdue']} assessment(s) older than two years",
        ),
    ]
    body = [
        "<h1>OSPO portfolio report</h1>",
        f'<p class="muted">Generated {e(model["generated_at"])} by osaudit.</p>',
        '<h2 id="headline">Headline</h2><div class="cards">',
        *(
            f'<div class="card">{t}<b>{v}</b><span class="muted">{s}</span></div>'
            for t, v, s in cards
        ),
        "</div>",
        "<h3>Non-EU vendor exposure</h3>",
        _html_table(
            ["Vendor", "Jurisdiction", "Applications", "Products"],
            [
                (
                    "",
                    [
                        _cell(e(v["vendor"])),
                        _cell(e(v["jurisdiction"])),
                        _cell(f"{v['applications']} ({_pct(v['share'])})", "n"),
                        _cell(", ".join(e(p) for p in v["products"])),
                    ],
                )
                for v in h["non_eu_vendors"]
            ],
            "non-eu",
        ),
        '<h2 id="register">Art. 29 sovereignty risk register</h2>',
        "<p>One row per application and vendor product in the application's latest run. "
        "Migration due: the exception's expiry, else 12 months after the assessment that first "
        "rated it high or critical. Overdue and due within 90 days first.</p>",
        _html_table(
            [
                "Status",
                "Due",
                "Application",
                "Vendor product",
                "Level",
                "First seen",
                "Flagged",
                "Exception",
                "Best exits",
            ],
            [
                (
                    r["status"],
                    [
                        _cell(e(STATUS_TEXT[r["status"]])),
                        _cell(
                            e(r["due"] or "-")
                            + (
                                f'<br><span class="muted">{e(r["due_basis"])}</span>'
                                if r["due_basis"]
                                else ""
                            )
                        ),
                        _cell(e(r["application"])),
                        _cell(
                            f'{e(r["name"] or r["family"])}<br><span class="muted">'
                            f"{e(r['vendor'])} ({e(r['jurisdiction'] or '?')})</span>"
                        ),
                        _lv(r["level"]),
                        _cell(e(r["first_seen"])),
                        _cell(e(r["flagged"] or "-")),
                        _cell(e(_exception_text(r["exception"])) or "-"),
                        _cell("<br>".join(e(x) for x in _exit_text(r["exits"])) or "-"),
                    ],
                )
                for r in model["register"]
            ],
            "register-table",
        ),
        '<h2 id="vendor-products">Vendor products by number of applications</h2>',
        _html_table(
            ["Vendor product", "Vendor", "Worst level", "Applications", "Used by", "Best exits"],
            [
                (
                    "",
                    [
                        _cell(e(r["name"] or r["family"])),
                        _cell(f"{e(r['vendor'])} ({e(r['jurisdiction'] or '?')})"),
                        _lv(r["worst_level"]),
                        _cell(str(r["applications"]), "n"),
                        _cell(_names(r["application_names"], e)),
                        _cell("<br>".join(e(x) for x in _exit_text(r["exits"])) or "-"),
                    ],
                )
                for r in model["vendor_products"]
            ],
            "vendor-products-table",
        ),
        '<h2 id="stewardship">Stewardship: fund or replace</h2>',
        "<p>Open-source packages with high or critical maintenance risk in the latest runs, "
        "ranked by the number of applications using them.</p>",
        _html_table(
            ["Package", "Maintenance", "Applications", "Used by", "Versions"],
            [
                (
                    "",
                    [
                        _cell(e(r["package"])),
                        _lv(r["maintenance_level"]),
                        _cell(str(r["applications"]), "n"),
                        _cell(_names(r["application_names"], e)),
                        _cell(", ".join(e(v) for v in r["versions"][:5])),
                    ],
                )
                for r in model["stewardship"]
            ],
            "stewardship-table",
        ),
        '<h2 id="trends">Trends: vendor products introduced and removed per month</h2>',
        _html_table(
            ["Month", "Runs", "Applications", "New applications", "Introduced", "Removed", "Which"],
            [
                (
                    "",
                    [
                        _cell(e(t["month"])),
                        _cell(str(t["runs"]), "n"),
                        _cell(str(t["applications"]), "n"),
                        _cell(str(t["new_applications"]), "n"),
                        _cell(str(t["introduced"]), "n"),
                        _cell(str(t["removed"]), "n"),
                        _cell(_trend_which(t, e)),
                    ],
                )
                for t in model["trends"]
            ],
            "trends-table",
        ),
        '<h2 id="applications">Applications</h2>',
        _html_table(
            [
                "Application",
                "Owner",
                "Department",
                "Criticality",
                "Last run",
                "Next assessment",
                "Verdict",
                "Components",
                "Vendor products (high/critical)",
            ],
            [
                (
                    "",
                    [
                        _cell(e(a["application"])),
                        _cell(e(a["owner"] or "-")),
                        _cell(e(a["department"] or "-")),
                        _cell(e(a["criticality"] or "-")),
                        _cell(e(a["last_run"])),
                        _cell(
                            e(a["next_assessment"])
                            + (" <b>overdue</b>" if a["assessment_overdue"] else "")
                        ),
                        _cell(e(a["verdict"])),
                        _cell(str(a["components"]), "n"),
                        _cell(
                            f"{a['vendor_products']} ({a['vendor_products_high_or_critical']})", "n"
                        ),
                    ],
                )
                for a in model["applications"]
            ],
            "applications-table",
        ),
    ]
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        f"<title>OSPO portfolio report</title><style>{_CSS}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )
    return page.encode("utf-8")


RENDERERS: dict[str, Callable[[dict[str, Any]], bytes]] = {
    "html": to_html,
    "markdown": to_markdown,
    "json": to_json,
}
