"""One self-contained, offline HTML report: inline CSS, inline SVG charts, a small script.

Nothing is loaded from anywhere: a strict Content-Security-Policy allows only the
one inline style sheet and the one inline script, each by its SHA-256 computed at
render time.
The page opens with the executive summary a procurement file needs (verdict with
the coverage of its evidence, what to do next, the justifications, a legend); on
paper it fills the first pages and the details start on a new page. The component
table is rendered server-side (readable with JavaScript off), grouped by vendor
product and package (:mod:`osaudit.report.html_table`); the script only adds
sorting and filtering. Every SBOM string goes through
:func:`osaudit.report.escape.html_text`; links are plain http(s) anchors.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Sequence

from osaudit.report.context import RenderContext
from osaudit.report.escape import html_text as h
from osaudit.report.escape import visible
from osaudit.report.html_table import alternatives, badge, component_table, link
from osaudit.report.links import doc_url, rule_url
from osaudit.report.model import (
    AlternativeOption,
    Evidence,
    Justification,
    JustificationAlternative,
    Report,
)
from osaudit.report.next_steps import JustificationStep, NextSteps, next_steps
from osaudit.vocabulary import AXIS_LABELS, LEVELS, Axis

#: Badge and bar colours per level. White badge text on each meets WCAG 2.x AA for
#: normal text (contrast >= 4.5:1; tests/test_html_contrast.py computes it).
COLOURS = {
    "none": "#2f7d4f",
    "low": "#5a7521",
    "medium": "#8a5d00",
    "high": "#ad4a12",
    "critical": "#b3261e",
    "unknown": "#5d6875",
}
#: SARIF rule id of each axis (its docs section, :func:`osaudit.report.links.rule_url`).
AXIS_RULES: dict[Axis, str] = {"lockin": "osaudit/lockin", "licence": "osaudit/licence",
              "maintenance": "osaudit/maintenance"}
VERDICT_LEVEL = {"pass": "none", "justify": "medium", "fail": "critical"}
VERDICT_TEXT = {
    "pass": "No component needs a justification under the open-source-first rule.",
    "justify": "Some components need a written justification, or a switch to an alternative.",
    "fail": "Policy thresholds are exceeded or exceptions have expired.",
}
ART41 = (
    "Art. 41 is the \u201copen source first\u201d article of the proposed EU Cloud and AI "
    "Development Act: a public body is to prefer open-source software and to justify "
    "in writing each choice of a proprietary one."
)
LEVEL_MEANING = {
    "none": "no risk found (score 0)",
    "low": "score 1\u201324",
    "medium": "score 25\u201349",
    "high": "score 50\u201374",
    "critical": "score 75\u2013100",
    "unknown": "no evidence: never counted as good or bad",
}
SWAP_MEANING = {
    "api-compatible": "the same client keeps working (configuration change)",
    "adapter": "a shim or compatible SDK (small code change)",
    "rewrite": "a different API (code to rewrite)",
}

CSS = (
    """
:root{--fg:#1f2933;--muted:#52606d;--line:#d9e2ec;--bg:#f5f7fa;--card:#fff;--accent:#1d4e89}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",
"Liberation Sans",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header{background:var(--accent);color:#fff;padding:20px 32px}
header h1{margin:0 0 4px;font-size:22px;font-weight:600}
header p{margin:0;font-size:13px}
main{max-width:1280px;margin:0 auto;padding:20px 32px 40px}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;
padding:16px 20px;margin:0 0 18px}
h2{font-size:16px;margin:0 0 12px;color:var(--accent)}
h3{font-size:14px;margin:12px 0 6px}
.verdict{display:flex;gap:18px;align-items:flex-start;border-left:6px solid var(--v);
flex-wrap:wrap}
.verdict>div{flex:1 1 420px}
.verdict .badge{font-size:18px;padding:6px 14px}
.verdict ul{margin:6px 0 0;padding-left:18px}
.verdict .evidence{flex:0 1 440px;border-left:1px solid var(--line);padding-left:16px}
.evidence dl{display:grid;grid-template-columns:auto 1fr;gap:2px 10px;margin:0}
.evidence dt{font-weight:600}.evidence dd{margin:0}
.art41{font-size:13px;color:var(--muted);margin:0 0 6px}
.v-pass{--v:#2f7d4f}.v-justify{--v:#8a5d00}.v-fail{--v:#b3261e}.v-unknown{--v:#5d6875}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:12px;
background:none;border:0;padding:0}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px}
.card b{display:block;font-size:24px;font-weight:600}
.card span{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.badge{display:inline-block;border-radius:999px;padding:1px 9px;color:#fff;font-size:12px;
font-weight:600;white-space:nowrap;background:var(--b)}
"""
    + "".join(f".l-{lv}{{--b:{c}}}" for lv, c in COLOURS.items())
    + """
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:18px}
.charts figure{margin:0}.charts figcaption{font-weight:600;margin-bottom:6px}
svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:#1f2933}
table{border-collapse:collapse;width:100%}
caption{text-align:left;color:var(--muted);font-size:12px;padding:0 0 6px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
thead th{background:#eef2f7;font-weight:600;font-size:12px;white-space:nowrap}
td.num,th.num{text-align:right}
tbody tr:hover td{background:#f8fafc}
tr.group th{background:#e4ebf3;font-size:13px;padding-top:8px}
tbody th[scope=row]{font-weight:600}.sub{font-weight:400}
.nw{white-space:nowrap}
.summary td{text-align:center}.summary th[scope=row]{text-align:left}
.sub{color:var(--muted);font-size:12px;overflow-wrap:anywhere}
.controls{display:flex;gap:12px;align-items:center;margin-bottom:10px;flex-wrap:wrap}
.controls input[type=search]{padding:6px 10px;border:1px solid #7b8794;
border-radius:6px;min-width:260px;font:inherit}
.controls select{font:inherit;padding:4px 6px}
th button{background:none;border:0;padding:0;margin:0;font:inherit;color:inherit;
cursor:pointer;text-align:inherit}
th button::after{content:" \\2195";color:var(--muted)}
th[aria-sort=ascending] button::after{content:" \\2191"}
th[aria-sort=descending] button::after{content:" \\2193"}
a{color:var(--accent)}
:focus-visible{outline:3px solid #1d4e89;outline-offset:2px;border-radius:2px}
ul.alts{margin:0;padding-left:16px}
#components td{padding:4px 8px;line-height:1.35}
#components td:last-child{min-width:200px}
#components td:first-child{min-width:260px}
details summary{cursor:pointer;font-weight:600}
pre{margin:0;padding:8px 10px;background:#f0f3f7;border:1px solid var(--line);
border-radius:6px;font:12px/1.45 ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;
white-space:pre-wrap;overflow-wrap:anywhere}
.next ol{margin:0 0 8px;padding-left:20px}
.blocks{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:10px}
figure.block{margin:0}figure.block figcaption{margin:0 0 3px}
.legend dl{display:grid;grid-template-columns:auto 1fr;gap:3px 10px;margin:0 0 8px}
.legend dd{margin:0}
footer{color:var(--muted);font-size:12px;text-align:center;padding:10px}
.scroll{overflow-x:auto}
[hidden]{display:none!important}
@media print{
@page{size:A4;margin:10mm 9mm}
body{background:#fff;font-size:8pt;line-height:1.25}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
header{background:none;color:var(--fg);padding:0 0 4px;border-bottom:2px solid var(--accent)}
header h1{font-size:13pt}header p{font-size:7.5pt}
main{max-width:none;padding:6px 0 0}
section{border:0;border-radius:0;padding:0;margin:0 0 8px}
h2{font-size:10.5pt;margin:0 0 4px}h3{font-size:9pt;margin:4px 0 2px}
.verdict{border-left-width:4px;padding-left:8px;gap:10px;flex-wrap:nowrap}
.verdict .badge{font-size:10pt;padding:2px 8px}
.verdict>div,.verdict .evidence{flex:1 1 50%}
.art41{font-size:8pt}
th,td{padding:1px 4px}
.sub,caption,thead th{font-size:7pt}
.badge{font-size:7pt;padding:0 5px}
pre{font-size:7pt;padding:3px 5px;line-height:1.3}
.blocks{grid-template-columns:1fr 1fr;gap:6px}
.legend dl{gap:1px 8px;margin:0}
.controls,th button,.purl{display:none!important}
th[data-label]::before{content:attr(data-label)}
.details{break-before:page}
.cards{grid-template-columns:repeat(6,1fr);gap:6px}
.card{padding:4px 8px}.card b{font-size:11pt}.card span{font-size:6.5pt}
.charts{grid-template-columns:1fr 1fr;gap:8px;break-inside:avoid}
.charts svg{max-width:100%;height:auto}
thead{display:table-header-group}
tr,figure.block{break-inside:avoid}
#components{table-layout:fixed}
#components td:last-child,#components td:first-child{min-width:0}
#components td{padding:1px 4px;line-height:1.25}
#components ul.alts{padding-left:10px}
#components thead th{white-space:normal;overflow-wrap:anywhere}
#components thead th:nth-child(1){width:28%}#components thead th:nth-child(2){width:6%}
#components thead th:nth-child(3){width:7%}#components thead th:nth-child(4){width:8%}
#components thead th:nth-child(5){width:10%}#components thead th:nth-child(6){width:18%}
#components thead th:nth-child(7){width:9%}#components thead th:nth-child(8){width:14%}
a{color:inherit;text-decoration:none}
footer{display:none}
}
"""
)

SCRIPT = """
(function () {
  "use strict";
  var table = document.getElementById("components");
  if (!table) { return; }
  var each = function (list, f) { Array.prototype.forEach.call(list, f); };
  var groups = Array.prototype.map.call(table.tBodies, function (body) {
    return {
      body: body,
      head: body.rows[0],
      rows: Array.prototype.filter.call(body.rows, function (r) {
        return r.hasAttribute("data-index");
      })
    };
  });
  var controls = document.getElementById("controls");
  var filter = document.getElementById("filter");
  var findings = document.getElementById("findings");
  var count = document.getElementById("count");
  var selects = controls.querySelectorAll("select");
  var RANK = {none: 0, low: 1, medium: 2, high: 3, critical: 4};
  var packages = 0, components = 0;
  groups.forEach(function (g) {
    g.rows.forEach(function (r) {
      packages += 1;
      components += parseInt(r.getAttribute("data-components"), 10);
    });
  });
  controls.hidden = false;
  function key(row, col, numeric) {
    var cell = row.cells[col];
    var v = cell.getAttribute("data-sort");
    if (v === null) { v = cell.textContent; }
    return numeric ? parseFloat(v) : v.toLowerCase();
  }
  var headers = table.tHead.rows[0].cells;
  each(headers, function (th, col) {
    var button = th.querySelector("button");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var numeric = th.getAttribute("data-type") === "num";
      var asc = th.getAttribute("aria-sort") !== "ascending";
      each(headers, function (o) { o.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      groups.forEach(function (g) {
        g.rows.sort(function (a, b) {
          var x = key(a, col, numeric), y = key(b, col, numeric);
          var c = x < y ? -1 : (x > y ? 1 : 0);
          if (c === 0) { c = a.getAttribute("data-index") - b.getAttribute("data-index"); }
          return asc ? c : -c;
        });
        g.rows.forEach(function (r) { g.body.appendChild(r); });
      });
    });
  });
  function levelOk(row, axis, want) {
    if (!want) { return true; }
    var levels = (row.getAttribute("data-" + axis) || "").split(" ");
    if (want === "finding") {
      return levels.some(function (l) { return (RANK[l] || 0) >= 2; });
    }
    return levels.indexOf(want) !== -1;
  }
  function apply() {
    var q = filter.value.trim().toLowerCase();
    var only = findings.checked;
    var shownRows = 0, shownComponents = 0;
    groups.forEach(function (g) {
      var any = false;
      g.rows.forEach(function (r) {
        var text = (r.textContent + " " + r.getAttribute("data-search")).toLowerCase();
        var ok = (!q || text.indexOf(q) !== -1) &&
                 (!only || r.getAttribute("data-finding") === "1");
        each(selects, function (s) {
          ok = ok && levelOk(r, s.getAttribute("data-axis"), s.value);
        });
        r.hidden = !ok;
        if (ok) {
          any = true;
          shownRows += 1;
          shownComponents += parseInt(r.getAttribute("data-components"), 10);
        }
      });
      g.body.hidden = !any;
    });
    count.textContent = shownComponents + " of " + components + " components shown, in " +
      shownRows + " of " + packages + " packages";
  }
  filter.addEventListener("input", apply);
  findings.addEventListener("change", apply);
  each(selects, function (s) { s.addEventListener("change", apply); });
  apply();
}());
"""

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
    head = "".join(f'<th scope="col">{badge(lv)}</th>' for lv in LEVELS)
    rows = []
    for key, label in AXIS_LABELS.items():
        counts = summary.counts(key)
        cells = "".join(f"<td>{counts.get(lv)}</td>" for lv in LEVELS)
        rows.append(
            f'<tr><th scope="row">{link(label, rule_url(AXIS_RULES[key]))}</th>{cells}</tr>'
        )
    return (
        '<section><h2>Risk by axis</h2><table class="summary"><caption>Components per '
        'risk level on each axis</caption><thead><tr><th scope="col">Axis</th>'
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
        (
            "Direct / transitive / depth unknown",
            f"{summary.direct} / {summary.transitive} / {summary.depth_unknown}",
        ),
        ("Catalogue matches", coverage.catalog_matched),
        ("Licence known", coverage.licence_known),
        ("Justifications", len(report.verdict.justifications_required)),
        ("Non-EU share of lock-in vendors", f"{share:.0%}" if share is not None else "n/a"),
    ]
    return (
        '<section class="cards" aria-label="Key figures">'
        + "".join(f'<div class="card"><b>{h(v)}</b><span>{h(k)}</span></div>' for k, v in cards)
        + "</section>"
    )


def _share(part: int, whole: int) -> str:
    return f" ({part / whole:.0%})" if whole else ""


def _evidence(report: Report) -> str:
    """The coverage of the evidence the verdict rests on, one line per source."""
    ev = report.verdict.evidence
    cov = report.summary.coverage
    n = report.summary.components
    if isinstance(ev, Evidence):
        lic = f"{ev.licence.known} of {n}{_share(ev.licence.known, n)}"
        lic += f", minimum {ev.licence.minimum:.0%} for a pass"
        cat = (
            f"{ev.catalogue.catalogued} catalogued; {ev.catalogue.not_catalogued} not "
            "(no lock-in recorded, which is not proof of none)"
        )
        depth = ev.graph.direct + ev.graph.transitive
        graph = f"{depth} of {n}{_share(depth, n)}: direct {ev.graph.direct}, transitive "
        graph += f"{ev.graph.transitive}"
        meta = f"{ev.metadata.known} of {n}{_share(ev.metadata.known, n)}"
    else:
        lic = f"{cov.licence_known} of {n}{_share(cov.licence_known, n)}"
        cat = f"{cov.catalog_matched} catalogued"
        depth = report.summary.direct + report.summary.transitive
        graph = f"{depth} of {n}{_share(depth, n)}"
        meta = f"{cov.maintenance_known} of {n}{_share(cov.maintenance_known, n)}"
    rows = (
        ("Licence known", lic),
        ("Lock-in catalogue", cat),
        ("Dependency depth known", graph),
        ("Maintenance data", meta),
    )
    return (
        '<div class="evidence"><h3>Evidence behind the verdict</h3><dl>'
        + "".join(f"<dt>{k}</dt><dd>{h(v, 300)}</dd>" for k, v in rows)
        + "</dl></div>"
    )


def _verdict(report: Report) -> str:
    verdict = report.verdict
    art41 = verdict.art41
    reasons = "".join(f"<li>{h(r, 400)}</li>" for r in verdict.reasons)
    return (
        f'<section class="verdict v-{art41}" aria-label="Verdict">'
        f'<span class="badge l-{VERDICT_LEVEL.get(art41, "unknown")}">'
        f"{h(str(art41).upper())}</span><div><h2>Art. 41 open-source-first verdict</h2>"
        f'<p class="art41">{h(ART41, None)} '
        f'{link("How osaudit reaches the verdict", rule_url("osaudit/art41"))}.</p>'
        f"<div>{h(VERDICT_TEXT.get(art41, 'No verdict.'))}</div><ul>{reasons}</ul></div>"
        + _evidence(report)
        + "</section>"
    )


def _packages_line(j: Justification) -> str:
    if not isinstance(j.packages, tuple):
        return h(j.purl or j.ref, 200)
    clients = [p for p in j.packages if p.role == "client"]
    more = f" and {len(clients) - 5} more" if len(clients) > 5 else ""
    plumbing = len(j.packages) - len(clients)
    return (
        f"{h(j.vendor, 80)}: clients {', '.join(h(p.name, 80) for p in clients[:5])}{more}"
        + (f"; {plumbing} plumbing package(s) under them" if plumbing else "")
    )


def _homepages(report: Report) -> dict[str, str | None]:
    """Homepage per alternative id, from the components' full alternative records."""
    out: dict[str, str | None] = {}
    for c in report.components:
        for a in c.lockin.alternatives:
            out.setdefault(a.id, a.homepage)
    return out


def _exit(
    alt: JustificationAlternative | None, homepages: dict[str, str | None], note: bool = True
) -> str:
    """An exit: the alternative (linked when its homepage is known), swap type, note."""
    if alt is None:
        return '<span class="sub">no open alternative in the catalogue</span>'
    text = alt.note if note and isinstance(alt.note, str) else ""
    extra = f' <span class="sub">{h(text, 200)}</span>' if text else ""
    return f"{link(alt.name, homepages.get(alt.id))} <code>{h(alt.swap, 20)}</code>{extra}"


def _others(
    report: Report, step: JustificationStep
) -> Sequence[AlternativeOption | JustificationAlternative]:
    """The alternatives besides the best exit (full records for a single component)."""
    j = step.justification
    options: Sequence[AlternativeOption | JustificationAlternative] = j.alternatives
    if not isinstance(j.packages, tuple):
        comp = report.by_ref().get(j.ref)
        if comp and comp.lockin.alternatives:
            options = comp.lockin.alternatives
    best = step.best_exit.id if step.best_exit else None
    return [a for a in options if a.id != best]


def _justifications(report: Report, steps: NextSteps) -> str:
    if not steps.justifications:
        return ""
    homepages = _homepages(report)
    rows = []
    for step in steps.justifications:
        j = step.justification
        easier = (
            f'<div class="sub">less work: {_exit(step.easier_exit, homepages)}</div>'
            if step.easier_exit
            else ""
        )
        rows.append(
            f'<tr><th scope="row">{h(j.name, 120)} {badge(step.level)}'
            f'<div class="sub">{_packages_line(j)}</div></th>'
            f"<td>{h(j.why, 300)}</td><td>{_exit(step.best_exit, homepages)}{easier}</td>"
            f"<td>{alternatives(_others(report, step), 3, homepages)}</td></tr>"
        )
    return (
        f"<section><h2>Justifications required ({len(steps.justifications)})</h2>"
        '<div class="scroll"><table>'
        "<caption>One row per vendor product (with its packages) or component outside any "
        "product, worst first: the best exit, then the other open-source alternatives."
        "</caption>"
        '<thead><tr><th scope="col">Vendor product or component</th><th scope="col">Why</th>'
        '<th scope="col">Best exit</th><th scope="col">Other open-source alternatives</th>'
        "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></div></section>"
    )


def _pre(text: str) -> str:
    """Preformatted text, newlines kept: escaped, invisible characters made visible."""
    return html.escape(visible(text), quote=True)


def _next_steps(report: Report, steps: NextSteps) -> str:
    """What to do next: the actions, then a copy-paste ``[[exception]]`` block per justification."""
    actions = "".join(f"<li>{h(a.text, 320)}</li>" for a in steps.actions)
    homepages = _homepages(report)
    blocks = [
        f'<figure class="block"><figcaption>{h(s.justification.name, 120)} '
        f"{badge(s.level)} <span class=\"sub\">best exit:</span> "
        f"{_exit(s.best_exit, homepages, note=False)}</figcaption>"
        f"<pre><code>{_pre(s.exception_toml)}</code></pre></figure>"
        for s in steps.justifications
        if s.exception_toml
    ]
    unnamed = [s.justification.name for s in steps.justifications if not s.exception_toml]
    out = (
        '<section class="next" aria-labelledby="next-h"><h2 id="next-h">What to do next</h2>'
        f"<ol>{actions}</ol>"
    )
    if blocks:
        out += (
            "<h3>Approved a justification? Paste its exception into osaudit.toml</h3>"
            '<p class="sub">One block per justification (fill in reason and approver); each '
            "names every package of the product, without versions.</p>"
            f'<div class="blocks">{"".join(blocks)}</div>'
        )
    if unnamed:
        out += (
            '<p class="sub">No exception block for '
            + ", ".join(h(n, 120) for n in unnamed)
            + ": no purl to name it by.</p>"
        )
    return out + "</section>"


def _legend() -> str:
    levels = "".join(
        f"<dt>{badge(lv)}</dt><dd>{h(LEVEL_MEANING[lv], None)}</dd>" for lv in LEVELS
    )
    swaps = "".join(
        f"<dt><code>{h(k, None)}</code></dt><dd>{h(v, None)}</dd>" for k, v in SWAP_MEANING.items()
    )
    return (
        '<section class="legend" aria-label="Legend"><h2>Legend</h2><div class="blocks">'
        "<div><h3>Levels (lock-in and maintenance: risk; licence: risk of the licence)</h3>"
        f"<dl>{levels}</dl></div>"
        f"<div><h3>Swap types of an alternative</h3><dl>{swaps}</dl></div></div>"
        '<p class="sub">How each axis is scored, rule by rule: '
        + " \u00b7 ".join(link(AXIS_LABELS[a], rule_url(r)) for a, r in AXIS_RULES.items())
        + f" \u00b7 {link('unknown licences', rule_url('osaudit/licence-unknown'))}"
        + f" \u00b7 {link('report formats', doc_url('report-formats', 'html'))}.</p>"
        "</section>"
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
        f"<li>{link(w.code, rule_url(w.code))}: {h(w.message, 300)}"
        + (f' <span class="sub">({h(w.location, 120)})</span>' if w.location else "")
        + "</li>"
        for w in warnings
    )
    return (
        f"<section><details><summary>Warnings ({len(warnings)})</summary><ul>{items}</ul>"
        "</details></section>"
    )


def script_hash(script: str = SCRIPT) -> str:
    """The CSP source expression for the inline script (or, given CSS, the style sheet)."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def render(report: Report, ctx: RenderContext) -> bytes:
    """The HTML page as UTF-8 bytes."""
    sbom = report.sbom
    steps = next_steps(report)
    subject = sbom.subject
    title = (subject.name if subject else None) or sbom.path or "SBOM"
    if subject and subject.version:
        title = f"{title} {subject.version}"
    csp = (
        f"default-src 'none'; style-src '{script_hash(CSS)}'; "
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
        '<main><div class="exec" id="executive-summary">'
        + "".join(
            f'<p role="alert"><strong>Maintenance unknown:</strong> {h(w.message, 400)}</p>'
            for w in report.warnings
            if w.code == "MT-UNREACHABLE-ALL"
        )
        + _verdict(report)
        + _justifications(report, steps)
        + _next_steps(report, steps)
        + _legend()
        + '</div><div class="details" id="details">'
        + _cards(report)
        + _summary(report)
        + _charts(report)
        + _gates(report)
        + component_table(report)
        + _warnings(report)
        + "</div></main><footer>Generated by osaudit. Scores explain themselves in the JSON "
        "report (reasons per component). This page works offline and loads nothing.</footer>"
        f"<script>{SCRIPT}</script></body></html>\n"
    )
    return page.encode("utf-8")
