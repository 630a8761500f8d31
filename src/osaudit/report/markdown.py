"""GitHub-flavoured Markdown for job summaries and pull-request comments.

Layout: title, verdict line, per-axis summary table, vendors, top risks with
alternatives, justifications required, gates and exceptions, warnings, and a
collapsible ``<details>`` table of every component. Every SBOM-provided string goes
through :func:`osaudit.report.escape.md`. Output is capped at ``ctx.limit`` UTF-8
bytes (default 1 MiB): component rows are dropped first, then warnings, then other
list rows, each time with a note pointing at the full report.
"""

from __future__ import annotations

from typing import Any

from osaudit.report import MARKDOWN_LIMIT_SUMMARY, RenderContext, display_name
from osaudit.report.escape import md

LEVELS = ("none", "low", "medium", "high", "critical", "unknown")
AXES = (("lockin", "Lock-in"), ("licence", "Licence"), ("maintenance", "Maintenance"))
VERDICT_TEXT = {
    "pass": "PASS: no component needs a justification",
    "justify": "JUSTIFY: some components need a written justification",
    "fail": "FAIL: policy thresholds exceeded or exceptions expired",
}


class _Section:
    """A heading/intro plus rows that may be dropped from the end when space runs out."""

    def __init__(self, head: list[str], rows: list[str], tail: list[str], what: str) -> None:
        self.head, self.rows, self.tail, self.what = head, rows, tail, what
        self.kept = len(rows)

    def lines(self, note: str) -> list[str]:
        out = list(self.head) + self.rows[: self.kept]
        if self.kept < len(self.rows):
            dropped = len(self.rows) - self.kept
            out += ["", f"*{dropped} more {self.what} not shown (size limit). {note}*"]
        return out + list(self.tail)


def _cell(value: object, limit: int = 200) -> str:
    return md(value, limit) if value not in (None, "") else "-"


def _comp_label(c: dict[str, Any]) -> str:
    version = c.get("version")
    name = display_name(c)
    return _cell(f"{name}@{version}" if version else name, 120)


def _alts(alternatives: list[dict[str, Any]], limit: int = 4) -> str:
    if not alternatives:
        return "-"
    names = [f"{md(a.get('name'), 60)} ({md(a.get('swap'), 20)})" for a in alternatives[:limit]]
    if len(alternatives) > limit:
        names.append(f"+{len(alternatives) - limit} more")
    return ", ".join(names)


def _level(axis: dict[str, Any] | None) -> str:
    axis = axis or {}
    level = axis.get("level") or "unknown"
    score = axis.get("score")
    return md(level) + (f" ({score})" if isinstance(score, int) else "")


def _summary_table(summary: dict[str, Any]) -> list[str]:
    out = ["| Axis | " + " | ".join(LEVELS) + " |", "|---" * (len(LEVELS) + 1) + "|"]
    for key, label in AXES:
        counts = summary.get(key) or {}
        out.append(f"| {label} | " + " | ".join(str(counts.get(lv, 0)) for lv in LEVELS) + " |")
    return out


def _sections(report: dict[str, Any], note: str) -> list[_Section]:
    summary = report.get("summary") or {}
    verdict = report.get("verdict") or {}
    sbom = report.get("sbom") or {}
    subject = sbom.get("subject") or {}
    title = subject.get("name") or sbom.get("path") or "SBOM"
    if subject.get("version"):
        title = f"{title} {subject.get('version')}"
    art41 = str(verdict.get("art41") or "unknown")
    head = [
        f"# osaudit report: {md(title, 120)}",
        "",
        f"**Art. 41 open-source-first verdict: {VERDICT_TEXT.get(art41) or md(art41, 40)}**",
        "",
    ]
    head += [f"- {md(r, 300)}" for r in verdict.get("reasons") or []]
    coverage = summary.get("coverage") or {}
    head += [
        "",
        f"SBOM {md(sbom.get('path'), 160)} ({md(sbom.get('format'))} "
        f"{md(sbom.get('spec_version'))}): {summary.get('components', 0)} components "
        f"({summary.get('direct', 0)} direct, {summary.get('transitive', 0)} transitive, "
        f"{summary.get('depth_unknown', 0)} depth unknown); "
        f"{coverage.get('catalog_matched', 0)} matched in the catalogue, "
        f"{coverage.get('licence_known', 0)} with a known licence, "
        f"{coverage.get('maintenance_known', 0)} with maintenance data. "
        f"Generated {md(report.get('generated_at'))} by osaudit "
        f"{md((report.get('tool') or {}).get('version'))}.",
        "",
        "## Summary",
        "",
        *_summary_table(summary),
        "",
    ]
    cats = {k: v for k, v in (summary.get("licence_categories") or {}).items() if v}
    if cats:
        parts = [
            f"{md(k, 60)}: {v}" for k, v in sorted(cats.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        head += ["Licence categories: " + ", ".join(parts) + ".", ""]
    sov = report.get("sovereignty") or {}
    share = sov.get("non_eu_share")
    if isinstance(share, int | float):
        by = ", ".join(
            f"{md(k, 20)}: {v}" for k, v in sorted((sov.get("by_jurisdiction") or {}).items())
        )
        head += [f"Non-EU share of catalogued vendors: {share:.0%} ({by}).", ""]
    sections = [_Section(head, [], [], "")]

    vendors = summary.get("vendors") or []
    if vendors:
        sections.append(
            _Section(
                [
                    "### Vendors",
                    "",
                    "| Vendor | Jurisdiction | Families | Components | Worst |",
                    "|---|---|---|---|---|",
                ],
                [
                    f"| {_cell(v.get('name'), 100)} | {_cell(v.get('jurisdiction'), 10)} | "
                    f"{_cell(', '.join(map(str, v.get('families') or [])), 150)} | "
                    f"{int(v.get('components') or 0)} | {_cell(v.get('worst_level'), 10)} |"
                    for v in vendors
                ],
                [""],
                "vendors",
            )
        )

    by_ref = {c.get("ref"): c for c in report.get("components") or []}
    risks = summary.get("top_risks") or []
    if risks:
        rows = []
        for r in risks:
            comp = by_ref.get(r.get("ref")) or {}
            alts = (comp.get("lockin") or {}).get("alternatives") or []
            rows.append(
                f"| {_comp_label(comp or r)} | {_cell(r.get('axis'), 12)} | {_cell(r.get('level'), 10)} | "
                f"{_cell(r.get('score'), 5)} | {_cell(r.get('summary'), 200)} | {_alts(alts)} |"
            )
        sections.append(
            _Section(
                [
                    "## Top risks",
                    "",
                    "| Component | Axis | Level | Score | Why | Alternatives |",
                    "|---|---|---|---|---|---|",
                ],
                rows,
                [""],
                "risks",
            )
        )

    justs = verdict.get("justifications_required") or []
    if justs:
        sections.append(
            _Section(
                ["## Justifications required", ""],
                [
                    f"- **{_cell(display_name(by_ref.get(j.get('ref')) or j), 120)}** "
                    f"({_cell(j.get('purl'), 160)}): "
                    f"{_cell(j.get('why'), 200)}. Alternatives: {_alts(j.get('alternatives') or [])}"
                    for j in justs
                ],
                [""],
                "justifications",
            )
        )

    gates = verdict.get("gates") or []
    exceptions = verdict.get("exceptions") or []
    if gates or exceptions:
        rows = [
            f"- Gate {_cell(g.get('name'), 80)}: {'passed' if g.get('passed') else '**failed**'}"
            f" ({_cell(g.get('detail'), 200)})"
            for g in gates
        ]
        rows += [
            f"- Exception {_cell(e.get('pattern'), 120)} ({_cell(e.get('status'), 10)}, expires "
            f"{_cell(e.get('expires'), 20)}, approved by {_cell(e.get('approver'), 80)}): "
            f"{_cell(e.get('reason'), 200)}"
            for e in exceptions
        ]
        sections.append(_Section(["## Gates and exceptions", ""], rows, [""], "gates/exceptions"))

    fund = summary.get("fund_or_replace") or []
    if fund:
        sections.append(
            _Section(
                ["## Fund or replace", ""],
                [f"- **{_cell(f.get('name'), 120)}**: {_cell(f.get('reason'), 200)}" for f in fund],
                [""],
                "components",
            )
        )

    warnings = report.get("warnings") or []
    if warnings:
        sections.append(
            _Section(
                [f"<details><summary>Warnings ({len(warnings)})</summary>", ""],
                [
                    f"- {_cell(w.get('code'), 40)}: {_cell(w.get('message'), 200)}"
                    + (f" (at {md(w.get('location'), 120)})" if w.get("location") else "")
                    for w in warnings
                ],
                ["", "</details>", ""],
                "warnings",
            )
        )

    components = report.get("components") or []
    sections.append(
        _Section(
            [
                f"<details><summary>All components ({len(components)})</summary>",
                "",
                "| Component | Ecosystem | Direct | Lock-in | Vendor | Licence | Maintenance "
                "| Alternatives |",
                "|---|---|---|---|---|---|---|---|",
            ],
            [_component_row(c) for c in components],
            ["", "</details>", ""],
            "components",
        )
    )
    return sections


def _component_row(c: dict[str, Any]) -> str:
    lockin = c.get("lockin") or {}
    vendor = lockin.get("vendor") or {}
    licence = c.get("licence") or {}
    direct = {True: "yes", False: "no"}.get(c.get("direct"), "?")  # type: ignore[arg-type]
    lic = licence.get("expression") or ", ".join(map(str, licence.get("raw") or [])) or None
    vend = vendor.get("name")
    if vend and vendor.get("jurisdiction"):
        vend = f"{vend} ({vendor.get('jurisdiction')})"
    return (
        f"| {_comp_label(c)} | {_cell(c.get('ecosystem'), 20)} | {direct} | {_level(lockin)} | "
        f"{_cell(vend, 100)} | {md(lic, 100) + ': ' if lic else ''}{_level(licence)} | "
        f"{_level(c.get('maintenance'))} | {_alts(lockin.get('alternatives') or [], 3)} |"
    )


def _join(sections: list[_Section], note: str) -> str:
    lines: list[str] = []
    for section in sections:
        lines += section.lines(note)
    return "\n".join(lines).rstrip("\n") + "\n"


def render(report: dict[str, Any], ctx: RenderContext) -> bytes:
    """Markdown within ``ctx.limit`` UTF-8 bytes (details dropped first, then the rest)."""
    limit = ctx.limit or MARKDOWN_LIMIT_SUMMARY
    hint = ctx.full_report_hint
    note = f"See the full report: {md(hint, 200)}." if hint else "See the full JSON report."
    sections = _sections(report, note)
    text = _join(sections, note)
    if len(text.encode("utf-8")) <= limit:
        return text.encode("utf-8")
    # Drop rows: component details first, then warnings, then the other sections.
    order = [sections[-1]] + [s for s in sections[:-1] if s.what == "warnings"]
    order += [s for s in reversed(sections[:-1]) if s.what != "warnings"]
    for section in order:
        lo, hi = 0, section.kept
        while lo < hi:  # largest kept count that fits
            mid = (lo + hi + 1) // 2
            section.kept = mid
            if len(_join(sections, note).encode("utf-8")) <= limit:
                lo = mid
            else:
                hi = mid - 1
        section.kept = lo
        text = _join(sections, note)
        if len(text.encode("utf-8")) <= limit:
            return text.encode("utf-8")
    # Still too long (tiny limit): cut whole lines and say so.
    tail = f"\n\n*Output truncated (size limit). {note}*\n"
    budget = limit - len(tail.encode("utf-8"))
    out: list[str] = []
    used = 0
    for line in text.splitlines():
        size = len(line.encode("utf-8")) + 1
        if used + size > budget:
            break
        out.append(line)
        used += size
    return ("\n".join(out) + tail).encode("utf-8")
