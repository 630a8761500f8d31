"""GitHub-flavoured Markdown for job summaries and pull-request comments.

Layout: title, verdict line, per-axis summary table, vendors, top risks with
alternatives, justifications required, gates and exceptions, warnings, and a
collapsible ``<details>`` table of every component. Every SBOM-provided string goes
through :func:`osaudit.report.escape.md`. Output is capped at ``ctx.limit`` UTF-8
bytes (default 1 MiB): component rows are dropped first, then warnings, then other
list rows, each time with a note pointing at the full report.
"""

from __future__ import annotations

from collections.abc import Sequence

from osaudit.naming import display_name
from osaudit.report.context import MARKDOWN_LIMIT_SUMMARY, RenderContext
from osaudit.report.escape import md
from osaudit.report.model import (
    AlternativeOption,
    ComponentResult,
    JustificationAlternative,
    LicenceAxis,
    LockinAxis,
    MaintenanceAxis,
    Report,
    Summary,
)
from osaudit.vocabulary import AXIS_LABELS, LEVELS

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


def _name(c: ComponentResult) -> str:
    return display_name(c.group, c.name or c.ref or "?", c.ecosystem)


def _label(name: str, version: str | None) -> str:
    return _cell(f"{name}@{version}" if version else name, 120)


def _alts(alternatives: Sequence[AlternativeOption | JustificationAlternative], limit: int = 4) -> str:
    if not alternatives:
        return "-"
    names = [f"{md(a.name, 60)} ({md(a.swap, 20)})" for a in alternatives[:limit]]
    if len(alternatives) > limit:
        names.append(f"+{len(alternatives) - limit} more")
    return ", ".join(names)


def _level(axis: LockinAxis | LicenceAxis | MaintenanceAxis) -> str:
    score = axis.score
    return md(axis.level) + (f" ({score})" if isinstance(score, int) else "")


def _summary_table(summary: Summary) -> list[str]:
    out = ["| Axis | " + " | ".join(LEVELS) + " |", "|---" * (len(LEVELS) + 1) + "|"]
    for key, label in AXIS_LABELS.items():
        counts = summary.counts(key)
        out.append(f"| {label} | " + " | ".join(str(counts.get(lv)) for lv in LEVELS) + " |")
    return out


def _sections(report: Report, note: str) -> list[_Section]:
    summary = report.summary
    verdict = report.verdict
    sbom = report.sbom
    subject = sbom.subject
    title = (subject.name if subject else None) or sbom.path or "SBOM"
    if subject and subject.version:
        title = f"{title} {subject.version}"
    art41 = verdict.art41
    head = [
        f"# osaudit report: {md(title, 120)}",
        "",
        f"**Art. 41 open-source-first verdict: {VERDICT_TEXT.get(art41) or md(art41, 40)}**",
        "",
    ]
    head += [f"- {md(r, 300)}" for r in verdict.reasons]
    head += [
        f"\n> **Maintenance unknown:** {md(w.message, 400)}"
        for w in report.warnings
        if w.code == "MT-UNREACHABLE-ALL"
    ]
    coverage = summary.coverage
    head += [
        "",
        f"SBOM {md(sbom.path, 160)} ({md(sbom.format)} "
        f"{md(sbom.spec_version)}): {summary.components} components "
        f"({summary.direct} direct, {summary.transitive} transitive, "
        f"{summary.depth_unknown} depth unknown); "
        f"{coverage.catalog_matched} matched in the catalogue, "
        f"{coverage.licence_known} with a known licence, "
        f"{coverage.maintenance_known} with maintenance data. "
        f"Generated {md(report.generated_at)} by osaudit "
        f"{md(report.tool.version)}.",
        "",
        "## Summary",
        "",
        *_summary_table(summary),
        "",
    ]
    cats = {k: v for k, v in summary.licence_categories.items() if v}
    if cats:
        parts = [
            f"{md(k, 60)}: {v}" for k, v in sorted(cats.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        head += ["Licence categories: " + ", ".join(parts) + ".", ""]
    sov = report.sovereignty
    share = sov.non_eu_share
    if share is not None:
        by = ", ".join(f"{md(k, 20)}: {v}" for k, v in sorted(sov.by_jurisdiction.items()))
        head += [f"Non-EU share of catalogued vendors: {share:.0%} ({by}).", ""]
    sections = [_Section(head, [], [], "")]

    vendors = summary.vendors
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
                    f"| {_cell(v.name, 100)} | {_cell(v.jurisdiction, 10)} | "
                    f"{_cell(', '.join(v.families), 150)} | "
                    f"{v.components} | {_cell(v.worst_level, 10)} |"
                    for v in vendors
                ],
                [""],
                "vendors",
            )
        )

    by_ref = report.by_ref()
    risks = summary.top_risks
    if risks:
        rows = []
        for r in risks:
            comp = by_ref.get(r.ref)
            label = _label(_name(comp), comp.version) if comp else _label(r.name, r.version)
            alts = comp.lockin.alternatives if comp else ()
            rows.append(
                f"| {label} | {_cell(r.axis, 12)} | {_cell(r.level, 10)} | "
                f"{_cell(r.score, 5)} | {_cell(r.summary, 200)} | {_alts(alts)} |"
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

    justs = verdict.justifications_required
    if justs:
        lines = []
        for j in justs:
            comp = by_ref.get(j.ref)
            name = _name(comp) if comp else j.name
            lines.append(
                f"- **{_cell(name, 120)}** ({_cell(j.purl, 160)}): "
                f"{_cell(j.why, 200)}. Alternatives: {_alts(j.alternatives)}"
            )
        sections.append(_Section(["## Justifications required", ""], lines, [""], "justifications"))

    gates = verdict.gates
    exceptions = verdict.exceptions
    if gates or exceptions:
        rows = [
            f"- Gate {_cell(g.name, 80)}: {'passed' if g.passed else '**failed**'}"
            f" ({_cell(g.detail, 200)})"
            for g in gates
        ]
        rows += [
            f"- Exception {_cell(e.pattern, 120)} ({_cell(e.status, 10)}, expires "
            f"{_cell(e.expires, 20)}, approved by {_cell(e.approver, 80)}): "
            f"{_cell(e.reason, 200)}"
            for e in exceptions
        ]
        sections.append(_Section(["## Gates and exceptions", ""], rows, [""], "gates/exceptions"))

    fund = summary.fund_or_replace
    if fund:
        sections.append(
            _Section(
                ["## Fund or replace", ""],
                [f"- **{_cell(f.name, 120)}**: {_cell(f.reason, 200)}" for f in fund],
                [""],
                "components",
            )
        )

    warnings = report.warnings
    if warnings:
        sections.append(
            _Section(
                [f"<details><summary>Warnings ({len(warnings)})</summary>", ""],
                [
                    f"- {_cell(w.code, 40)}: {_cell(w.message, 200)}"
                    + (f" (at {md(w.location, 120)})" if w.location else "")
                    for w in warnings
                ],
                ["", "</details>", ""],
                "warnings",
            )
        )

    components = report.components
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


def _component_row(c: ComponentResult) -> str:
    lockin = c.lockin
    vendor = lockin.vendor
    licence = c.licence
    direct = {True: "yes", False: "no", None: "?"}[c.direct]
    lic = licence.expression or ", ".join(licence.raw) or None
    vend = vendor.name if vendor else None
    if vendor and vend and vendor.jurisdiction:
        vend = f"{vend} ({vendor.jurisdiction})"
    return (
        f"| {_label(_name(c), c.version)} | {_cell(c.ecosystem, 20)} | {direct} | {_level(lockin)} | "
        f"{_cell(vend, 100)} | {md(lic, 100) + ': ' if lic else ''}{_level(licence)} | "
        f"{_level(c.maintenance)} | {_alts(lockin.alternatives, 3)} |"
    )


def _join(sections: list[_Section], note: str) -> str:
    lines: list[str] = []
    for section in sections:
        lines += section.lines(note)
    return "\n".join(lines).rstrip("\n") + "\n"


def render(report: Report, ctx: RenderContext) -> bytes:
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
