"""GitHub-flavoured Markdown for job summaries and pull-request comments.

Layout: title, verdict line, per-axis summary table, vendors, justifications required
(each vendor product or component once, with its exits), the other top risks, gates
and exceptions, warnings, and a collapsible ``<details>`` table of every component.
SBOM-provided strings are code spans (:func:`osaudit.report.escape.code`); text that
may carry them (reasons, catalogue names) goes through :func:`~osaudit.report.escape.prose`;
osaudit's own words are written as they are. Rules and axes link to their published docs
(:mod:`osaudit.report.links`). Output is capped at ``ctx.limit`` UTF-8 bytes (default
1 MiB): component rows are dropped first, then warnings, then other list rows, each
time with a note pointing at the full report.
"""

from __future__ import annotations

from collections.abc import Sequence

from osaudit.naming import display_name
from osaudit.report.context import MARKDOWN_LIMIT_SUMMARY, RenderContext
from osaudit.report.escape import code, prose
from osaudit.report.links import doc_url, rule_url
from osaudit.report.model import (
    AlternativeOption,
    ComponentResult,
    Justification,
    JustificationAlternative,
    LicenceAxis,
    LockinAxis,
    MaintenanceAxis,
    ProductExit,
    Report,
    SbomInfo,
    Summary,
    TopRisk,
    VendorProduct,
)
from osaudit.vocabulary import AXIS_LABELS, LEVELS, depth_word

VERDICT_TEXT = {
    "pass": "PASS: no component needs a justification",
    "justify": "JUSTIFY: some components need a written justification",
    "fail": "FAIL: policy thresholds exceeded or exceptions expired",
}
#: The SARIF rule (and docs section) of each axis.
AXIS_RULE = {"lockin": "osaudit/lockin", "licence": "osaudit/licence", "maintenance": "osaudit/maintenance"}
ART41_RULE = "osaudit/art41"


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


def _sbom(value: object, limit: int = 200) -> str:
    """An SBOM string in a table cell (a code span; ``-`` when empty)."""
    return code(value, limit, table=True) or "-"


def _text(value: object, limit: int = 200) -> str:
    """osaudit's or the catalogue's words in a table cell (``-`` when empty)."""
    return prose(value, limit, table=True) if value not in (None, "") else "-"


def _name(c: ComponentResult) -> str:
    return display_name(c.group, c.name or c.ref or "?", c.ecosystem)


def _label(name: str, version: str | None, *, table: bool = True) -> str:
    return code(f"{name}@{version}" if version else name, 120, table=table) or "-"


def _alts(
    alternatives: Sequence[AlternativeOption | JustificationAlternative | ProductExit],
    limit: int = 4,
    *,
    table: bool = True,
) -> str:
    if not alternatives:
        return "-" if table else "none in the catalogue"
    names = []
    for a in alternatives[:limit]:
        basis = getattr(a, "basis", None)
        note = getattr(a, "note", None)
        why = (
            f", {basis}: {prose(note, 160, table=table)}"
            if basis in ("revealed", "possible") and isinstance(note, str) and note
            else ""
        )
        names.append(f"{prose(a.name, 60, table=table)} ({prose(a.swap, 20, table=table)}{why})")
    if len(alternatives) > limit:
        names.append(f"+{len(alternatives) - limit} more")
    return ", ".join(names)


def _level(axis: LockinAxis | LicenceAxis | MaintenanceAxis) -> str:
    score = axis.score
    return axis.level + (f" ({score})" if isinstance(score, int) else "")


def _summary_table(summary: Summary) -> list[str]:
    out = ["| Axis | " + " | ".join(LEVELS) + " |", "|---" * (len(LEVELS) + 1) + "|"]
    for key, label in AXIS_LABELS.items():
        counts = summary.counts(key)
        link = f"[{label}]({rule_url(AXIS_RULE[key])})"
        out.append(f"| {link} | " + " | ".join(str(counts.get(lv)) for lv in LEVELS) + " |")
    return out


def _through(refs: Sequence[str], by_ref: dict[str, ComponentResult], table: bool) -> list[str]:
    out: list[str] = []
    for ref in refs:
        c = by_ref.get(ref)
        label = _label(_name(c), c.version, table=table) if c else code(ref, 120, table=table)
        if label not in out:
            out.append(label)
    return out


def _product_why(p: VendorProduct, by_ref: dict[str, ComponentResult]) -> str:
    """The top-risk line of a vendor product, its SBOM names in code spans."""
    clients = ", ".join(_label(m.name, m.version) for m in p.clients[:3])
    more = f" and {len(p.clients) - 3} more" if len(p.clients) > 3 else ""
    text = f"{_text(p.vendor, 100)}: {len(p.clients)} client(s) ({clients}{more})"
    if p.plumbing:
        text += f" and {len(p.plumbing)} package(s) of plumbing under them"
    through: list[str] = []
    for m in p.clients:
        row = by_ref.get(m.ref)
        for label in _through(row.introduced_by if row else (), by_ref, True):
            if label not in through:
                through.append(label)
    if through:
        text += f"; reaches you through {', '.join(through[:3])}"
    return text


def _risk_rows(
    risks: Sequence[TopRisk],
    products: dict[tuple[str, str], VendorProduct],
    by_ref: dict[str, ComponentResult],
) -> list[str]:
    rows = []
    for r in risks:
        axis = f"[{r.axis}]({rule_url(AXIS_RULE[r.axis])})"
        score = "-" if r.score is None else str(r.score)
        product = products.get((r.name, r.ref))
        if product is not None:  # a vendor product: its name, its clients, its exits
            rows.append(
                f"| {_text(product.name, 120)} (vendor product) | {axis} | {r.level} | {score} | "
                f"{_product_why(product, by_ref)} | {_alts(product.exits)} |"
            )
            continue
        comp = by_ref.get(r.ref)
        label = _label(_name(comp), comp.version) if comp else _label(r.name, r.version)
        alts = comp.lockin.alternatives if comp and r.axis == "lockin" else ()
        rows.append(
            f"| {label} | {axis} | {r.level} | {score} | {_text(r.summary, 200)} | {_alts(alts)} |"
        )
    return rows


def _also(
    risks: Sequence[TopRisk], by_ref: dict[str, ComponentResult], self_ref: str | None = None
) -> str:
    """Top risks on other axes of a justification's packages, folded into its line
    (a single component's own licence level is in its line already)."""
    parts = []
    for r in risks:
        if r.ref == self_ref and r.axis == "licence":
            continue
        comp = by_ref.get(r.ref)
        who = _label(_name(comp), comp.version, table=False) if comp else code(r.name, 120)
        score = f" ({r.score})" if r.score is not None else ""
        whose = "" if r.ref == self_ref else f" for {who}"
        parts.append(f"{AXIS_LABELS[r.axis].lower()} {r.level}{score}{whose}")
    return f" Also among the top risks: {'; '.join(parts)}." if parts else ""


def _justification_line(
    j: Justification, by_ref: dict[str, ComponentResult], folded: Sequence[TopRisk]
) -> str:
    single = not isinstance(j.packages, tuple)
    also = _also(folded, by_ref, j.ref if single else None)
    if isinstance(j.packages, tuple):  # one vendor product with its packages
        clients = [p for p in j.packages if p.role == "client"]
        shown = ", ".join(_label(p.name, p.version, table=False) for p in clients[:5])
        more = f" and {len(clients) - 5} more" if len(clients) > 5 else ""
        plumbing = len(j.packages) - len(clients)
        under = f"; {plumbing} plumbing package(s) under them" if plumbing else ""
        level = j.level if isinstance(j.level, str) else "unknown"
        vendor = j.vendor if isinstance(j.vendor, str) else None
        return (
            f"- **{prose(j.name, 120)}** ({prose(vendor or 'vendor unknown', 80)}, lock-in "
            f"{level}): clients {shown}{more}{under}. {prose(j.why, 200)}. "
            f"Exits: {_alts(j.alternatives, table=False)}.{also}"
        )
    comp = by_ref.get(j.ref)
    if comp is not None:
        who = _label(_name(comp), comp.version, table=False)
        levels = f"lock-in {_level(comp.lockin)}, licence {_level(comp.licence)}"
    else:
        who, levels = _label(j.name, j.version, table=False), ""
    purl = f", {code(j.purl, 160)}" if j.purl else ""
    return (
        f"- **{who}** ({levels}{purl}): {prose(j.why, 200)}. "
        f"Alternatives: {_alts(j.alternatives, table=False)}.{also}".replace("(, ", "(")
    )


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
        f"# osaudit report: {code(title, 120)}",
        "",
        f"**Art. 41 open-source-first verdict: {VERDICT_TEXT.get(art41) or prose(art41, 40)}** "
        f"([how it is decided]({rule_url(ART41_RULE)}))",
        "",
    ]
    head += [f"- {prose(r, 300)}" for r in verdict.reasons]
    head += [
        f"\n> **Maintenance unknown:** {prose(w.message, 400)}"
        for w in report.warnings
        if w.code == "MT-UNREACHABLE-ALL"
    ]
    coverage = summary.coverage
    head += [
        "",
        f"SBOM {code(sbom.path, 160)} ({prose(sbom.format)} "
        f"{prose(sbom.spec_version)}): {summary.components} components "
        f"({summary.direct} direct, {summary.transitive} transitive, "
        f"{summary.depth_unknown} depth unknown); "
        f"{coverage.catalog_matched} matched in the catalogue, "
        f"{coverage.licence_known} with a known licence, "
        f"{coverage.maintenance_known} with maintenance data. "
        f"Generated {prose(report.generated_at)} by osaudit "
        f"{prose(report.tool.version)}. How each score is computed: "
        f"[scoring rules]({doc_url('scoring')}); this report: "
        f"[report formats]({doc_url('report-formats', 'markdown')}).",
        *_subprojects_line(sbom),
        "",
        "## Summary",
        "",
        *_summary_table(summary),
        "",
    ]
    cats = {k: v for k, v in summary.licence_categories.items() if v}
    if cats:
        parts = [
            f"{prose(k, 60)}: {v}" for k, v in sorted(cats.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        head += ["Licence categories: " + ", ".join(parts) + ".", ""]
    sov = report.sovereignty
    share = sov.non_eu_share
    if share is not None:
        by = ", ".join(f"{prose(k, 20)}: {v}" for k, v in sorted(sov.by_jurisdiction.items()))
        head += [
            f"Non-EU share of lock-in vendors: {share:.0%} (vendors by jurisdiction: {by}; "
            f"counted: {prose(sov.counted, 300)}).",
            "",
        ]
    stewards = sov.open_alternative_stewards
    if stewards:
        names = ", ".join(
            f"{prose(p.name, 80)} ({prose(p.jurisdiction or 'unknown', 10)})" for p in stewards[:10]
        )
        more = f" and {len(stewards) - 10} more" if len(stewards) > 10 else ""
        head += [f"Stewards of the open alternatives in use: {names}{more}.", ""]
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
                    f"| {_text(v.name, 100)} | {_text(v.jurisdiction, 10)} | "
                    f"{_text(', '.join(v.families), 150)} | "
                    f"{v.components} | {v.worst_level} |"
                    for v in vendors
                ],
                [""],
                "vendors",
            )
        )

    by_ref = report.by_ref()
    justs = verdict.justifications_required
    owner: dict[str, int] = {}  # ref -> index of the justification that covers it
    for i, j in enumerate(justs):
        for ref in j.refs():
            owner.setdefault(ref, i)
    folded: dict[int, list[TopRisk]] = {}
    others: list[TopRisk] = []
    for r in summary.top_risks:
        covering = owner.get(r.ref)
        if covering is None:
            others.append(r)
        elif r.axis != "lockin":  # the lock-in is the justification itself
            folded.setdefault(covering, []).append(r)
    if justs:
        lines = [
            _justification_line(j, by_ref, folded.get(i, ())) for i, j in enumerate(justs)
        ]
        intro = (
            "Under an open-source-first policy each of these needs a written justification "
            f"or an approved exception ([Art. 41 rules]({rule_url(ART41_RULE)}))."
        )
        sections.append(
            _Section(["## Justifications required", "", intro, ""], lines, [""], "justifications")
        )

    if others:
        products = {(p.name, p.clients[0].ref): p for p in summary.vendor_products if p.clients}
        title = "## Other top risks" if justs else "## Top risks"
        sections.append(
            _Section(
                [
                    title,
                    "",
                    "| Component | Axis | Level | Score | Why | Alternatives |",
                    "|---|---|---|---|---|---|",
                ],
                _risk_rows(others, products, by_ref),
                [""],
                "risks",
            )
        )

    gates = verdict.gates
    exceptions = verdict.exceptions
    if gates or exceptions:
        rows = [
            f"- Gate {prose(g.name, 80)}: {'passed' if g.passed else '**failed**'}"
            f" ({prose(g.detail, 200)})"
            for g in gates
        ]
        rows += [
            f"- Exception {code(e.pattern, 120) or '-'} ({prose(e.status, 10)}, expires "
            f"{prose(e.expires, 20)}, approved by {prose(e.approver, 80)}): "
            f"{prose(e.reason, 200)}"
            for e in exceptions
        ]
        sections.append(_Section(["## Gates and exceptions", ""], rows, [""], "gates/exceptions"))

    fund = summary.fund_or_replace
    if fund:
        sections.append(
            _Section(
                ["## Fund or replace", ""],
                [
                    f"- **{_fund_name(f.ref, f.name, by_ref)}**: {prose(f.reason, 200)}"
                    for f in fund
                ],
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
                    f"- {prose(w.code, 40)}: {prose(w.message, 200)}"
                    + (f" (at {code(w.location, 120)})" if w.location else "")
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
                "| Component | Ecosystem | Depth | Lock-in | Vendor | Licence | Maintenance "
                "| Alternatives |",
                "|---|---|---|---|---|---|---|---|",
            ],
            [_component_row(c) for c in components],
            ["", "</details>", ""],
            "components",
        )
    )
    return sections


def _fund_name(ref: str, name: str, by_ref: dict[str, ComponentResult]) -> str:
    comp = by_ref.get(ref)
    return _label(_name(comp), comp.version, table=False) if comp else code(name, 120)


def _subprojects_line(sbom: SbomInfo) -> list[str]:
    subs = sbom.subprojects
    if not subs:
        return []
    names = [code(" ".join(x for x in (p.name, p.version) if x), 80) for p in subs[:10]]
    more = f", +{len(subs) - 10} more" if len(subs) > 10 else ""
    return [
        "",
        f"Sub-projects of the application ({len(subs)}, not counted as components): "
        f"{', '.join(names)}{more}.",
    ]


def _component_row(c: ComponentResult) -> str:
    lockin = c.lockin
    vendor = lockin.vendor
    licence = c.licence
    direct = depth_word(c.direct)
    lic = licence.expression or ", ".join(licence.raw) or None
    vend = vendor.name if vendor else None
    if vendor and vend and vendor.jurisdiction:
        vend = f"{vend} ({vendor.jurisdiction})"
    return (
        f"| {_label(_name(c), c.version)} | {_text(c.ecosystem, 20)} | {direct} | "
        f"{_level(lockin)} | {_text(vend, 100)} | "
        f"{code(lic, 100, table=True) + ': ' if lic else ''}{_level(licence)} | "
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
    note = f"See the full report: {code(hint, 200)}." if hint else "See the full JSON report."
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
