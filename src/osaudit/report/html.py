"""One self-contained, offline HTML report: inline CSS, inline SVG charts, a small script.

Nothing is loaded from anywhere: a strict Content-Security-Policy allows only the
inline style and the one inline script whose SHA-256 is computed at render time.
The component table is rendered server-side (readable with JavaScript off); the
script only adds sorting and filtering. Every SBOM string goes through
:func:`osaudit.report.escape.html_text`; links are plain http(s) anchors.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence

from osaudit.naming import display_name
from osaudit.report.context import RenderContext
from osaudit.report.escape import html_text as h
from osaudit.report.escape import safe_url
from osaudit.report.model import (
    AlternativeOption,
    ComponentResult,
    JustificationAlternative,
    LicenceAxis,
    LockinAxis,
    MaintenanceAxis,
    Report,
)
from osaudit.vocabulary import AXIS_LABELS, LEVEL_RANK, LEVELS

COLOURS = {
    "none": "#2f7d4f",
    "low": "#7a9a2e",
    "medium": "#c58a00",
    "high": "#d2601a",
    "critical": "#b3261e",
    "unknown": "#7b8794",
}
VERDICT_TEXT = {
    "pass": "No component needs a justification under the open-source-first rule.",
    "justify": "Some components need a written justification, or a switch to an alternative.",
    "fail": "Policy thresholds are exceeded or exceptions have expired.",
}

CSS = """
:root{--fg:#1f2933;--muted:#52606d;--line:#d9e2ec;--bg:#f5f7fa;--card:#fff;--accent:#1d4e89}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",
"Liberation Sans",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header{background:var(--accent);color:#fff;padding:20px 32px}
header h1{margin:0 0 4px;font-size:22px;font-weight:600}
header p{margin:0;opacity:.85;font-size:13px}
main{max-width:1280px;margin:0 auto;padding:20px 32px 40px}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;
padding:16px 20px;margin:0 0 18px}
h2{font-size:16px;margin:0 0 12px;color:var(--accent)}
.verdict{display:flex;gap:18px;align-items:flex-start;border-left:6px solid var(--v)}
.verdict .badge{font-size:18px;padding:6px 14px}
.verdict ul{margin:6px 0 0;padding-left:18px}
.v-pass{--v:#2f7d4f}.v-justify{--v:#c58a00}.v-fail{--v:#b3261e}.v-unknown{--v:#7b8794}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:12px;
background:none;border:0;padding:0}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px}
.card b{display:block;font-size:24px;font-weight:600}
.card span{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.badge{display:inline-block;border-radius:999px;padding:1px 9px;color:#fff;font-size:12px;
font-weight:600;white-space:nowrap;background:var(--b)}
.l-none{--b:#2f7d4f}.l-low{--b:#7a9a2e}.l-medium{--b:#c58a00}.l-high{--b:#d2601a}
.l-critical{--b:#b3261e}.l-unknown{--b:#7b8794}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:18px}
.charts figure{margin:0}.charts figcaption{font-weight:600;margin-bottom:6px}
svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:#1f2933}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#eef2f7;font-weight:600;font-size:12px;white-space:nowrap}
td.num,th.num{text-align:right}
tr:hover td{background:#f8fafc}
.summary td{text-align:center}.summary td:first-child{text-align:left;font-weight:600}
.sub{color:var(--muted);font-size:12px;overflow-wrap:anywhere}
.controls{display:flex;gap:12px;align-items:center;margin-bottom:10px;flex-wrap:wrap}
.controls input[type=search]{padding:6px 10px;border:1px solid var(--line);
border-radius:6px;min-width:280px;font:inherit}
th button{all:unset;cursor:pointer}
th button::after{content:" \\2195";color:var(--muted)}
th[aria-sort=ascending] button::after{content:" \\2191"}
th[aria-sort=descending] button::after{content:" \\2193"}
a{color:var(--accent)}
ul.alts{margin:0;padding-left:16px}
#components td:last-child{min-width:260px}
details summary{cursor:pointer;font-weight:600}
footer{color:var(--muted);font-size:12px;text-align:center;padding:10px}
.scroll{overflow-x:auto}
[hidden]{display:none!important}
"""

SCRIPT = """
(function () {
  "use strict";
  var table = document.getElementById("components");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var controls = document.getElementById("controls");
  var filter = document.getElementById("filter");
  var findings = document.getElementById("findings");
  var count = document.getElementById("count");
  controls.hidden = false;
  function key(row, col, numeric) {
    var cell = row.cells[col];
    var v = cell.getAttribute("data-sort");
    if (v === null) { v = cell.textContent; }
    return numeric ? parseFloat(v) : v.toLowerCase();
  }
  var headers = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(headers, function (th, col) {
    var button = th.querySelector("button");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var numeric = th.getAttribute("data-type") === "num";
      var asc = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(headers, function (o) { o.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = key(a, col, numeric), y = key(b, col, numeric);
        var c = x < y ? -1 : (x > y ? 1 : 0);
        if (c === 0) { c = a.getAttribute("data-index") - b.getAttribute("data-index"); }
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  function apply() {
    var q = filter.value.trim().toLowerCase();
    var only = findings.checked;
    var shown = 0;
    rows.forEach(function (r) {
      var ok = (!q || r.textContent.toLowerCase().indexOf(q) !== -1) &&
               (!only || r.getAttribute("data-finding") === "1");
      r.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length + " components shown";
  }
  filter.addEventListener("input", apply);
  findings.addEventListener("change", apply);
  apply();
}());
"""


def _badge(level: str, score: int | None = None) -> str:
    lv = level if level in LEVEL_RANK else "unknown"
    text = lv + (f" {score}" if isinstance(score, int) else "")
    return f'<span class="badge l-{lv}">{h(text)}</span>'


def _link(name: object, url: object) -> str:
    safe = safe_url(url)
    if safe is None:
        return h(name, 80)
    return f'<a href="{h(safe, None)}" rel="noopener noreferrer">{h(name, 80)}</a>'


def _alts(
    alternatives: Sequence[AlternativeOption | JustificationAlternative], limit: int = 4
) -> str:
    if not alternatives:
        return '<span class="sub">-</span>'
    items = []
    for a in alternatives[:limit]:
        full = a if isinstance(a, AlternativeOption) else None
        facts = (a.swap, full.licence if full else None, full.jurisdiction if full else None)
        extra = ", ".join(h(x, 40) for x in facts if x)
        items.append(
            f"<li>{_link(a.name, full.homepage if full else None)}"
            + (f' <span class="sub">({extra})</span>' if extra else "")
            + "</li>"
        )
    if len(alternatives) > limit:
        items.append(f'<li class="sub">+{len(alternatives) - limit} more</li>')
    return '<ul class="alts">' + "".join(items) + "</ul>"


def _name(c: ComponentResult) -> str:
    return display_name(c.group, c.name or c.ref or "?", c.ecosystem)


def bar_chart(title: str, bars: list[tuple[str, int, str]], width: int = 520) -> str:
    """A horizontal bar chart as inline SVG; ``bars`` are (label, value, colour)."""
    if not bars:
        return f'<figure><figcaption>{h(title)}</figcaption><p class="sub">No data.</p></figure>'
    label_w, row_h, pad = 190, 26, 6
    chart_w = width - label_w - 60
    top = max(v for _, v, _ in bars) or 1
    height = len(bars) * row_h + pad * 2
    parts = [
        f"<figure><figcaption>{h(title)}</figcaption>"
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{h(title)}">'
    ]
    for i, (label, value, colour) in enumerate(bars):
        y = pad + i * row_h
        bar_w = round(chart_w * value / top) if value else 0
        parts.append(
            f"<g><title>{h(label, 120)}: {value}</title>"
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end">{h(label, 28)}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{max(bar_w, 1)}" height="{row_h - 8}" '
            f'rx="3" fill="{colour}"/>'
            f'<text x="{label_w + max(bar_w, 1) + 6}" y="{y + 17}">{value}</text></g>'
        )
    parts.append("</svg></figure>")
    return "".join(parts)


def _charts(report: Report) -> str:
    summary = report.summary
    vendor_bars = [
        (v.name or "?", v.components, COLOURS.get(v.worst_level, COLOURS["unknown"]))
        for v in summary.vendors[:12]
    ]
    jur_bars = [
        (k, v, "#1d4e89" if k != "unknown" else COLOURS["unknown"])
        for k, v in sorted(summary.jurisdictions.items(), key=lambda kv: (-kv[1], kv[0]))
        if v
    ]
    cat_bars = [
        (k, v, "#4c6fa5" if k != "Unknown" else COLOURS["unknown"])
        for k, v in sorted(summary.licence_categories.items(), key=lambda kv: (-kv[1], kv[0]))
        if v
    ]
    maint = summary.maintenance
    maint_bars: list[tuple[str, int, str]] = [(lv, maint.get(lv), COLOURS[lv]) for lv in LEVELS]
    return (
        '<section class="charts" aria-label="Charts">'
        + bar_chart("Lock-in by vendor (components; colour = worst level)", vendor_bars)
        + bar_chart("Lock-in by jurisdiction (catalogued components)", jur_bars)
        + bar_chart("Licence categories (components)", cat_bars)
        + bar_chart("Maintenance risk (components per level)", maint_bars)
        + "</section>"
    )


def _summary(report: Report) -> str:
    summary = report.summary
    head = "".join(f"<th>{_badge(lv)}</th>" for lv in LEVELS)
    rows = []
    for key, label in AXIS_LABELS.items():
        counts = summary.counts(key)
        cells = "".join(f"<td>{counts.get(lv)}</td>" for lv in LEVELS)
        rows.append(f"<tr><td>{label}</td>{cells}</tr>")
    return (
        '<section><h2>Risk by axis</h2><table class="summary"><thead><tr><th>Axis</th>'
        + head
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></section>"
    )


def _cards(report: Report) -> str:
    summary = report.summary
    coverage = summary.coverage
    share = report.sovereignty.non_eu_share
    cards: list[tuple[str, object]] = [
        ("Components", summary.components),
        ("Direct", summary.direct),
        ("Catalogue matches", coverage.catalog_matched),
        ("Licence known", coverage.licence_known),
        ("Justifications", len(report.verdict.justifications_required)),
        ("Non-EU vendor share", f"{share:.0%}" if share is not None else "n/a"),
    ]
    return (
        '<section class="cards">'
        + "".join(f'<div class="card"><b>{h(v)}</b><span>{h(k)}</span></div>' for k, v in cards)
        + "</section>"
    )


def _verdict(report: Report) -> str:
    verdict = report.verdict
    art41 = verdict.art41
    reasons = "".join(f"<li>{h(r, 400)}</li>" for r in verdict.reasons)
    return (
        f'<section class="verdict v-{art41}"><span class="badge l-'
        f'{ {"pass": "none", "justify": "medium", "fail": "critical"}.get(art41, "unknown") }">'
        f"{h(str(art41).upper())}</span><div><h2>Art. 41 open-source-first verdict</h2>"
        f"<div>{h(VERDICT_TEXT.get(art41, 'No verdict.'))}</div><ul>{reasons}</ul></div></section>"
    )


def _justifications(report: Report) -> str:
    justs = report.verdict.justifications_required
    if not justs:
        return ""
    by_ref = report.by_ref()
    rows = []
    for j in justs:
        comp = by_ref.get(j.ref)
        alts: Sequence[AlternativeOption | JustificationAlternative] = (
            comp.lockin.alternatives if comp and comp.lockin.alternatives else j.alternatives
        )
        name = _name(comp) if comp else j.name
        rows.append(
            f'<tr><td>{h(name, 120)}<div class="sub">{h(j.purl, 200)}</div></td>'
            f"<td>{h(j.why, 300)}</td><td>{_alts(alts)}</td></tr>"
        )
    return (
        f'<section><h2>Justifications required ({len(justs)})</h2><div class="scroll"><table>'
        "<thead><tr><th>Component</th><th>Why</th><th>Open-source alternatives</th></tr></thead>"
        "<tbody>" + "".join(rows) + "</tbody></table></div></section>"
    )


def _gates(report: Report) -> str:
    verdict = report.verdict
    items = [
        f"<li>Gate {h(g.name, 80)}: "
        f"{'passed' if g.passed else '<strong>failed</strong>'} "
        f'<span class="sub">{h(g.detail, 300)}</span></li>'
        for g in verdict.gates
    ]
    items += [
        f"<li>Exception {h(e.pattern, 120)} ({h(e.status, 20)}, expires "
        f"{h(e.expires, 20)}, approved by {h(e.approver, 80)}): "
        f"{h(e.reason, 300)}</li>"
        for e in verdict.exceptions
    ]
    items += [
        f"<li>Fund or replace {h(f.name, 120)}: {h(f.reason, 300)}</li>"
        for f in report.summary.fund_or_replace
    ]
    items += [f'<li class="sub">{h(x, 500)}</li>' for x in report.sovereignty.limits]
    if not items:
        return ""
    return "<section><h2>Gates, exceptions and limits</h2><ul>" + "".join(items) + "</ul></section>"


def _warnings(report: Report) -> str:
    warnings = report.warnings
    if not warnings:
        return ""
    items = "".join(
        f"<li>{h(w.code, 40)}: {h(w.message, 300)}"
        + (f' <span class="sub">({h(w.location, 120)})</span>' if w.location else "")
        + "</li>"
        for w in warnings
    )
    return (
        f"<section><details><summary>Warnings ({len(warnings)})</summary><ul>{items}</ul>"
        "</details></section>"
    )


def _sort_key(axis: LockinAxis | LicenceAxis | MaintenanceAxis, invert: bool = False) -> str:
    score = axis.score if isinstance(axis.score, int) else 0
    return str(LEVEL_RANK.get(axis.level, -1) * 1000 + (100 - score if invert else score))


def _component_table(report: Report) -> str:
    components = report.components
    rows = []
    for i, c in enumerate(components):
        lockin, licence, maint = c.lockin, c.licence, c.maintenance
        vendor = lockin.vendor
        finding = any(
            ax.level in ("medium", "high", "critical") for ax in (lockin, licence, maint)
        )
        lic = licence.expression or ", ".join(licence.raw)
        lic = lic or "none given"
        direct = {True: "yes", False: "no", None: "?"}[c.direct]
        version = f' <span class="sub">{h(c.version, 60)}</span>' if c.version else ""
        rows.append(
            f'<tr data-index="{i}" data-finding="{1 if finding else 0}">'
            f"<td>{h(_name(c), 120)}{version}"
            f'<div class="sub">{h(c.purl or c.ref, 200)}</div></td>'
            f"<td>{h(c.ecosystem or '-', 30)}</td><td>{direct}</td>"
            f'<td data-sort="{_sort_key(lockin)}">{_badge(lockin.level, lockin.score)}'
            f"</td><td>{h((vendor.name if vendor else None) or '-', 80)}"
            + (
                f' <span class="sub">{h(vendor.jurisdiction, 10)}</span>'
                if vendor and vendor.jurisdiction
                else ""
            )
            + f'</td><td data-sort="{_sort_key(licence)}">{h(lic, 120)} '
            f'<span class="sub">{h(licence.category, 40)}</span> '
            f"{_badge(licence.level)}</td>"
            f'<td data-sort="{_sort_key(maint)}">{_badge(maint.level, maint.score)}'
            f"</td><td>{_alts(lockin.alternatives, 3)}</td></tr>"
        )
    head = "".join(
        f'<th{" data-type=num" if num else ""}><button type="button">{label}</button></th>'
        for label, num in (
            ("Component", False),
            ("Ecosystem", False),
            ("Direct", False),
            ("Lock-in", True),
            ("Vendor", False),
            ("Licence", True),
            ("Maintenance", True),
            ("Alternatives", False),
        )
    )
    return (
        f"<section><h2>Components ({len(components)})</h2>"
        '<div class="controls" id="controls" hidden>'
        '<input type="search" id="filter" placeholder="Filter components..." '
        'aria-label="Filter components">'
        '<label><input type="checkbox" id="findings"> Only findings (medium or worse)</label>'
        '<span class="sub" id="count"></span></div>'
        '<div class="scroll"><table id="components"><thead><tr>'
        + head
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div></section>"
    )


def script_hash(script: str = SCRIPT) -> str:
    """The CSP source expression for the inline script."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def render(report: Report, ctx: RenderContext) -> bytes:
    """The HTML page as UTF-8 bytes."""
    sbom = report.sbom
    subject = sbom.subject
    title = (subject.name if subject else None) or sbom.path or "SBOM"
    if subject and subject.version:
        title = f"{title} {subject.version}"
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; "
        f"script-src '{script_hash()}'; img-src data:; base-uri 'none'; form-action 'none'"
    )
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>osaudit report: {h(title, 120)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>osaudit report: {h(title, 120)}</h1><p>SBOM {h(sbom.path, 200)} "
        f"({h(sbom.format, 20)} {h(sbom.spec_version, 10)}), generated "
        f"{h(report.generated_at, 40)} by osaudit {h(report.tool.version, 20)}</p></header>"
        "<main>"
        + "".join(
            f'<p role="alert"><strong>Maintenance unknown:</strong> {h(w.message, 400)}</p>'
            for w in report.warnings
            if w.code == "MT-UNREACHABLE-ALL"
        )
        + _verdict(report)
        + _cards(report)
        + _summary(report)
        + _charts(report)
        + _justifications(report)
        + _gates(report)
        + _component_table(report)
        + _warnings(report)
        + "</main><footer>Generated by osaudit. Scores explain themselves in the JSON report "
        "(reasons per component). This page works offline and loads nothing.</footer>"
        f"<script>{SCRIPT}</script></body></html>\n"
    )
    return page.encode("utf-8")
