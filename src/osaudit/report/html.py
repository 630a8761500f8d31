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
from typing import Any

from osaudit.report import RenderContext, display_name
from osaudit.report.escape import html_text as h
from osaudit.report.escape import safe_url

LEVELS = ("none", "low", "medium", "high", "critical", "unknown")
RANK = {"none": 0, "low": 1, "medium": 2, "high": 3, "critical": 4, "unknown": -1}
COLOURS = {
    "none": "#2f7d4f",
    "low": "#7a9a2e",
    "medium": "#c58a00",
    "high": "#d2601a",
    "critical": "#b3261e",
    "unknown": "#7b8794",
}
AXES = (("lockin", "Lock-in"), ("licence", "Licence"), ("maintenance", "Maintenance"))
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


def _badge(level: object, score: object = None) -> str:
    lv = level if isinstance(level, str) and level in RANK else "unknown"
    text = lv + (f" {score}" if isinstance(score, int) else "")
    return f'<span class="badge l-{lv}">{h(text)}</span>'


def _link(name: object, url: object) -> str:
    safe = safe_url(url)
    if safe is None:
        return h(name, 80)
    return f'<a href="{h(safe, None)}" rel="noopener noreferrer">{h(name, 80)}</a>'


def _alts(alternatives: list[dict[str, Any]], limit: int = 4) -> str:
    if not alternatives:
        return '<span class="sub">-</span>'
    items = []
    for a in alternatives[:limit]:
        extra = ", ".join(
            h(x, 40) for x in (a.get("swap"), a.get("licence"), a.get("jurisdiction")) if x
        )
        items.append(
            f"<li>{_link(a.get('name'), a.get('homepage'))}"
            + (f' <span class="sub">({extra})</span>' if extra else "")
            + "</li>"
        )
    if len(alternatives) > limit:
        items.append(f'<li class="sub">+{len(alternatives) - limit} more</li>')
    return '<ul class="alts">' + "".join(items) + "</ul>"


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


def _charts(report: dict[str, Any]) -> str:
    summary = report.get("summary") or {}
    vendors = summary.get("vendors") or []
    vendor_bars = [
        (
            str(v.get("name") or "?"),
            int(v.get("components") or 0),
            COLOURS.get(str(v.get("worst_level")), COLOURS["unknown"]),
        )
        for v in vendors[:12]
    ]
    jur = summary.get("jurisdictions") or {}
    jur_bars = [
        (str(k), int(v), "#1d4e89" if k != "unknown" else COLOURS["unknown"])
        for k, v in sorted(jur.items(), key=lambda kv: (-int(kv[1]), str(kv[0])))
        if int(v)
    ]
    cats = summary.get("licence_categories") or {}
    cat_bars = [
        (str(k), int(v), "#4c6fa5" if k != "Unknown" else COLOURS["unknown"])
        for k, v in sorted(cats.items(), key=lambda kv: (-int(kv[1]), str(kv[0])))
        if int(v)
    ]
    maint = summary.get("maintenance") or {}
    maint_bars = [(lv, int(maint.get(lv, 0)), COLOURS[lv]) for lv in LEVELS]
    return (
        '<section class="charts" aria-label="Charts">'
        + bar_chart("Lock-in by vendor (components; colour = worst level)", vendor_bars)
        + bar_chart("Lock-in by jurisdiction (catalogued components)", jur_bars)
        + bar_chart("Licence categories (components)", cat_bars)
        + bar_chart("Maintenance risk (components per level)", maint_bars)
        + "</section>"
    )


def _summary(report: dict[str, Any]) -> str:
    summary = report.get("summary") or {}
    head = "".join(f"<th>{_badge(lv)}</th>" for lv in LEVELS)
    rows = []
    for key, label in AXES:
        counts = summary.get(key) or {}
        cells = "".join(f"<td>{int(counts.get(lv, 0))}</td>" for lv in LEVELS)
        rows.append(f"<tr><td>{label}</td>{cells}</tr>")
    return (
        '<section><h2>Risk by axis</h2><table class="summary"><thead><tr><th>Axis</th>'
        + head
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></section>"
    )


def _cards(report: dict[str, Any]) -> str:
    summary = report.get("summary") or {}
    coverage = summary.get("coverage") or {}
    share = (report.get("sovereignty") or {}).get("non_eu_share")
    just = (report.get("verdict") or {}).get("justifications_required") or []
    cards = [
        ("Components", summary.get("components", 0)),
        ("Direct", summary.get("direct", 0)),
        ("Catalogue matches", coverage.get("catalog_matched", 0)),
        ("Licence known", coverage.get("licence_known", 0)),
        ("Justifications", len(just)),
        ("Non-EU vendor share", f"{share:.0%}" if isinstance(share, int | float) else "n/a"),
    ]
    return (
        '<section class="cards">'
        + "".join(f'<div class="card"><b>{h(v)}</b><span>{h(k)}</span></div>' for k, v in cards)
        + "</section>"
    )


def _verdict(report: dict[str, Any]) -> str:
    verdict = report.get("verdict") or {}
    given = verdict.get("art41")
    art41: str = given if isinstance(given, str) and given in VERDICT_TEXT else "unknown"
    reasons = "".join(f"<li>{h(r, 400)}</li>" for r in verdict.get("reasons") or [])
    return (
        f'<section class="verdict v-{art41}"><span class="badge l-'
        f'{ {"pass": "none", "justify": "medium", "fail": "critical"}.get(art41, "unknown") }">'
        f"{h(str(art41).upper())}</span><div><h2>Art. 41 open-source-first verdict</h2>"
        f"<div>{h(VERDICT_TEXT.get(art41, 'No verdict.'))}</div><ul>{reasons}</ul></div></section>"
    )


def _justifications(report: dict[str, Any]) -> str:
    verdict = report.get("verdict") or {}
    justs = verdict.get("justifications_required") or []
    by_ref = {c.get("ref"): c for c in report.get("components") or []}
    if not justs:
        return ""
    rows = []
    for j in justs:
        comp = by_ref.get(j.get("ref")) or {}
        alts = (comp.get("lockin") or {}).get("alternatives") or j.get("alternatives") or []
        rows.append(
            f'<tr><td>{h(display_name(comp or j), 120)}<div class="sub">{h(j.get("purl"), 200)}</div></td>'
            f"<td>{h(j.get('why'), 300)}</td><td>{_alts(alts)}</td></tr>"
        )
    return (
        f'<section><h2>Justifications required ({len(justs)})</h2><div class="scroll"><table>'
        "<thead><tr><th>Component</th><th>Why</th><th>Open-source alternatives</th></tr></thead>"
        "<tbody>" + "".join(rows) + "</tbody></table></div></section>"
    )


def _gates(report: dict[str, Any]) -> str:
    verdict = report.get("verdict") or {}
    items = [
        f"<li>Gate {h(g.get('name'), 80)}: "
        f"{'passed' if g.get('passed') else '<strong>failed</strong>'} "
        f'<span class="sub">{h(g.get("detail"), 300)}</span></li>'
        for g in verdict.get("gates") or []
    ]
    items += [
        f"<li>Exception {h(e.get('pattern'), 120)} ({h(e.get('status'), 20)}, expires "
        f"{h(e.get('expires'), 20)}, approved by {h(e.get('approver'), 80)}): "
        f"{h(e.get('reason'), 300)}</li>"
        for e in verdict.get("exceptions") or []
    ]
    fund = (report.get("summary") or {}).get("fund_or_replace") or []
    items += [
        f"<li>Fund or replace {h(f.get('name'), 120)}: {h(f.get('reason'), 300)}</li>" for f in fund
    ]
    limits = (report.get("sovereignty") or {}).get("limits") or []
    items += [f'<li class="sub">{h(x, 500)}</li>' for x in limits]
    if not items:
        return ""
    return "<section><h2>Gates, exceptions and limits</h2><ul>" + "".join(items) + "</ul></section>"


def _warnings(report: dict[str, Any]) -> str:
    warnings = report.get("warnings") or []
    if not warnings:
        return ""
    items = "".join(
        f"<li>{h(w.get('code'), 40)}: {h(w.get('message'), 300)}"
        + (f' <span class="sub">({h(w.get("location"), 120)})</span>' if w.get("location") else "")
        + "</li>"
        for w in warnings
    )
    return (
        f"<section><details><summary>Warnings ({len(warnings)})</summary><ul>{items}</ul>"
        "</details></section>"
    )


def _sort_key(axis: dict[str, Any], invert: bool = False) -> str:
    level = axis.get("level") or "unknown"
    score = axis.get("score")
    if not isinstance(score, int):
        score = 0
    return str(RANK.get(level, -1) * 1000 + (100 - score if invert else score))


def _component_table(report: dict[str, Any]) -> str:
    components = report.get("components") or []
    rows = []
    for i, c in enumerate(components):
        lockin = c.get("lockin") or {}
        licence = c.get("licence") or {}
        maint = c.get("maintenance") or {}
        vendor = lockin.get("vendor") or {}
        finding = any(
            (ax.get("level") in ("medium", "high", "critical")) for ax in (lockin, licence, maint)
        )
        lic = licence.get("expression") or ", ".join(map(str, licence.get("raw") or []))
        lic = lic or "none given"
        direct = {True: "yes", False: "no"}.get(c.get("direct"), "?")
        version = f' <span class="sub">{h(c.get("version"), 60)}</span>' if c.get("version") else ""
        rows.append(
            f'<tr data-index="{i}" data-finding="{1 if finding else 0}">'
            f"<td>{h(display_name(c), 120)}{version}"
            f'<div class="sub">{h(c.get("purl") or c.get("ref"), 200)}</div></td>'
            f"<td>{h(c.get('ecosystem') or '-', 30)}</td><td>{direct}</td>"
            f'<td data-sort="{_sort_key(lockin)}">{_badge(lockin.get("level"), lockin.get("score"))}'
            f"</td><td>{h(vendor.get('name') or '-', 80)}"
            + (
                f' <span class="sub">{h(vendor.get("jurisdiction"), 10)}</span>'
                if vendor.get("jurisdiction")
                else ""
            )
            + f'</td><td data-sort="{_sort_key(licence)}">{h(lic, 120)} '
            f'<span class="sub">{h(licence.get("category"), 40)}</span> '
            f"{_badge(licence.get('level'))}</td>"
            f'<td data-sort="{_sort_key(maint)}">{_badge(maint.get("level"), maint.get("score"))}'
            f"</td><td>{_alts(lockin.get('alternatives') or [], 3)}</td></tr>"
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


def render(report: dict[str, Any], ctx: RenderContext) -> bytes:
    """The HTML page as UTF-8 bytes."""
    sbom = report.get("sbom") or {}
    subject = sbom.get("subject") or {}
    title = subject.get("name") or sbom.get("path") or "SBOM"
    if subject.get("version"):
        title = f"{title} {subject['version']}"
    tool = report.get("tool") or {}
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
        f"<header><h1>osaudit report: {h(title, 120)}</h1><p>SBOM {h(sbom.get('path'), 200)} "
        f"({h(sbom.get('format'), 20)} {h(sbom.get('spec_version'), 10)}), generated "
        f"{h(report.get('generated_at'), 40)} by osaudit {h(tool.get('version'), 20)}</p></header>"
        "<main>"
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
