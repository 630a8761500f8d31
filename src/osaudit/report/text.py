"""A short human report for the terminal (``--format text``).

Layout: what was audited, the verdict and its reasons, the coverage of the
evidence, the required justifications worst first (each with its best exit and an
easier one when there is one), failing gates, exceptions that expired or expire
soon, the three next actions (:mod:`osaudit.report.next_steps`) and the paths
written. The ``[[exception]]`` blocks are added on request (``audit -v``).

Every SBOM-provided string goes through :func:`osaudit.report.escape.plain`, so
control characters (an ``ESC [`` in a component name) reach the terminal as
visible ``<U+001B>``, never raw. Colour (ANSI SGR) only when the caller asks for
it: the command line does on a terminal without ``NO_COLOR``.
"""

from __future__ import annotations

from collections.abc import Sequence

from osaudit.report.context import RenderContext
from osaudit.report.escape import plain
from osaudit.report.model import Evidence, JustificationAlternative, Report
from osaudit.report.next_steps import JustificationStep, NextSteps, next_steps

_SGR = {
    "bold": "1",
    "dim": "2",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "boldred": "1;31",
}
_VERDICT_STYLE = {"pass": "green", "justify": "yellow", "fail": "boldred"}
_LEVEL_STYLE = {"critical": "boldred", "high": "red", "medium": "yellow", "unknown": "dim"}
_INDENT = "  "


class _Out:
    """Lines of the report, with optional colour."""

    def __init__(self, color: bool) -> None:
        self.color = color
        self.lines: list[str] = []

    def style(self, text: str, name: str | None) -> str:
        if not self.color or not name:
            return text
        return f"\x1b[{_SGR[name]}m{text}\x1b[0m"

    def head(self, title: str) -> None:
        self.lines += ["", self.style(title, "bold")]

    def add(self, line: str = "") -> None:
        self.lines.append(line)


def _exit(alt: JustificationAlternative) -> str:
    text = f"{plain(alt.name, 80)} ({plain(alt.swap, 20)}"
    if isinstance(alt.basis, str) and alt.basis != "catalogue":
        text += f", {alt.basis}"
    return text + ")"


def _pct(share: float) -> str:
    return f"{share * 100:.1f}%"


def _evidence(out: _Out, ev: Evidence) -> None:
    n = ev.components
    out.head("Evidence")
    lic = ev.licence
    share = f" ({_pct(lic.share)}; policy minimum {lic.minimum:.0%})" if lic.share is not None else ""
    out.add(f"{_INDENT}licence     {lic.known} of {n} known{share}")
    cat = ev.catalogue
    out.add(
        f"{_INDENT}catalogue   {cat.catalogued} catalogued, {cat.not_catalogued} not "
        "(no lock-in recorded, which is not proof of none)"
    )
    g = ev.graph
    graph = "no dependency graph" if g.unknown == n and n else (
        f"{g.direct} direct, {g.transitive} transitive, {g.unknown} depth unknown"
    )
    out.add(f"{_INDENT}graph       {graph}")
    out.add(f"{_INDENT}metadata    maintenance data for {ev.metadata.known} of {n}")


def _justification(out: _Out, step: JustificationStep) -> None:
    j = step.justification
    level = out.style(f"{step.level:<8}", _LEVEL_STYLE.get(step.level))
    who = f", {plain(j.vendor, 80)}" if isinstance(j.vendor, str) else ""
    n = len(j.packages) if isinstance(j.packages, tuple) else 1
    what = f"{n} packages" if n != 1 else "1 package"
    name = plain(j.name, 120) + (f" {plain(j.version, 40)}" if j.version else "")
    out.add(f"{_INDENT}{level}  {name}{who}: {what}")
    pad = _INDENT + " " * 10
    if step.best_exit is None:
        out.add(f"{pad}best exit: none in the catalogue")
    else:
        out.add(f"{pad}best exit: {_exit(step.best_exit)}")
    if step.easier_exit is not None:
        note = step.easier_exit.note
        cond = f": {plain(note, 100)}" if isinstance(note, str) and note else ""
        out.add(f"{pad}less work: {_exit(step.easier_exit)}{cond}")


def render_text(
    report: Report,
    ctx: RenderContext | None = None,
    *,
    color: bool = False,
    written: Sequence[tuple[str, str]] = (),
    exceptions: bool = False,
    steps: NextSteps | None = None,
) -> str:
    """The text report; ``written``: (format, path) of the other reports written."""
    out = _Out(color)
    steps = steps or next_steps(report)
    s, v, sb = report.summary, report.verdict, report.sbom
    subject = sb.subject
    what = (
        " ".join(plain(x, 120) for x in (subject.name, subject.version) if x)
        if subject is not None
        else plain(sb.name or "", 120)
    )
    tools = f", {plain(', '.join(sb.tools), 120)}" if sb.tools else ""
    out.add(f"osaudit {plain(report.tool.version, 40)}: {what or 'SBOM'} "
            f"({plain(sb.path, 200)}; {sb.format} {plain(sb.spec_version, 20)}{tools})")  # fmt: skip
    out.add(
        f"{s.components} components: {s.direct} direct, {s.transitive} transitive, "
        f"{s.depth_unknown} depth unknown; {len(s.vendor_products)} vendor product(s)"
    )
    out.add("")
    verdict = out.style(v.art41.upper(), _VERDICT_STYLE.get(v.art41))
    statement = v.evidence.statement if isinstance(v.evidence, Evidence) else None
    reasons = [plain(r, 400) for r in v.reasons if r != statement]
    out.add(f"Art. 41 verdict: {verdict}" + (f"  {reasons[0]}" if reasons else ""))
    for r in reasons[1:]:
        out.add(f"{_INDENT}{r}")
    if isinstance(v.evidence, Evidence):
        _evidence(out, v.evidence)
    if steps.justifications:
        out.head(f"Needs a written justification ({len(steps.justifications)}), worst first")
        for step in steps.justifications:
            _justification(out, step)
    failed = [g for g in v.gates if not g.passed]
    if failed:
        out.head("Failing gates")
        for g in failed:
            out.add(f"{_INDENT}{out.style(plain(g.name, 80), 'red')}: {plain(g.detail, 600)}")
    expired = [e for e in v.exceptions if e.status == "expired"]
    if expired or steps.expiring:
        out.head("Exceptions")
        for e in expired:
            out.add(f"{_INDENT}{out.style('expired', 'red')}  {plain(e.pattern, 120)} "
                    f"on {e.expires} ({plain(e.approver, 80)})")  # fmt: skip
        for x in steps.expiring:
            when = "today" if x.days_left == 0 else f"in {x.days_left} day(s)"
            out.add(f"{_INDENT}{out.style('expiring', 'yellow')} {plain(x.pattern, 120)} "
                    f"{when}, on {x.expires.isoformat()}")  # fmt: skip
    out.head("Next actions")
    for i, action in enumerate(steps.top(3), 1):
        out.add(f"{_INDENT}{i}. {plain(action.text, 600)}")
    if written:
        out.head("Written")
        for fmt, path in written:
            out.add(f"{_INDENT}{plain(path, 300)} ({fmt})")
    if exceptions:
        blocks = [st.exception_toml for st in steps.justifications if st.exception_toml]
        out.head("Exception blocks (paste into osaudit.toml once the justification is approved)")
        if not blocks:
            out.add(f"{_INDENT}none needed")
        for block in blocks:
            out.add("")
            out.lines.extend(block.rstrip("\n").split("\n"))
    return "\n".join(out.lines) + "\n"


def render(report: Report, ctx: RenderContext) -> bytes:
    """The text report as UTF-8, without colour (the format registry's entry)."""
    return render_text(report, ctx).encode("utf-8")
