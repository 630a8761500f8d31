"""What to do next, read from a report: exits, ``[[exception]]`` blocks, next actions.

* Per required justification (:class:`JustificationStep`): its **best exit** (the
  first of its alternatives, which the scoring already ranks: revealed, then the
  catalogue's own, then possible), an **easier exit** when another alternative
  needs less work (api-compatible < adapter < rewrite), and a copy-paste
  ``[[exception]]`` TOML block for the policy file (``scoring/policy.py``).
* Exceptions that expire within :data:`EXPIRY_WINDOW_DAYS` days of the audit.
* The **next actions**, most urgent first (:data:`ACTION_ORDER`); formats show
  the first three.

Pure: reads only the :class:`Report` (today is its ``generated_at``), so the
output is as deterministic as the report. Strings are raw, SBOM-provided names
included: each renderer escapes them as it does the rest of the report. The
TOML blocks are the exception: finished text, safe to paste (SBOM strings are
TOML-escaped inside strings, and made one visible line in comments).

Exception patterns cover every package of the justification (clients and
plumbing, since the threshold gates count plumbing too), without versions (an
update stays covered). A scope or group is named by one glob
(``pkg:npm/@sentry/*``) only when every component of the SBOM under it is a
package of this justification or of another vendor product of the same vendor
(``also_covers`` names the other required justifications it clears); otherwise
each package is named exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from osaudit.catalog.patterns import Glob, purl_key, purl_matches
from osaudit.report.escape import plain
from osaudit.report.model import (
    ComponentResult,
    Evidence,
    Justification,
    JustificationAlternative,
    Report,
)
from osaudit.vocabulary import LEVEL_RANK

#: An active exception expiring within this many days of the audit gets a warning.
EXPIRY_WINDOW_DAYS = 30
#: A generated exception expires this many months after the audit (a yearly review).
EXCEPTION_TERM_MONTHS = 12
#: Work needed by a swap, least first.
SWAP_EFFORT: dict[str, int] = {"api-compatible": 0, "adapter": 1, "rewrite": 2}
_BASIS_ORDER = {"revealed": 0, "catalogue": 1, "possible": 2}
#: Kinds of next action, most urgent first.
ACTION_ORDER: tuple[str, ...] = (
    "failed-gate",
    "expired-exception",
    "licence-coverage",
    "justify",
    "expiring-exception",
    "fund-or-replace",
    "licence-unknown",
    "maintenance-data",
    "add-gate",
    "keep-auditing",
)
_EXAMPLES = 3  # names given in one action


@dataclass(frozen=True, slots=True)
class JustificationStep:
    """One required justification with its exits and its ``[[exception]]`` block."""

    justification: Justification
    level: str  # the product's level; for a component outside a product, its lock-in level
    best_exit: JustificationAlternative | None
    #: an alternative needing less work than the best exit (None when there is none)
    easier_exit: JustificationAlternative | None
    patterns: tuple[str, ...]  # the policy patterns the exception block names
    #: names of other required justifications whose clients these patterns also cover
    also_covers: tuple[str, ...]
    #: the TOML to paste into osaudit.toml; None when no pattern can name it (no purl)
    exception_toml: str | None


@dataclass(frozen=True, slots=True)
class ExpiringException:
    """An active exception that expires within the warning window."""

    pattern: str
    expires: date
    days_left: int  # 0 = expires at the end of the audit day
    components: int


@dataclass(frozen=True, slots=True)
class NextAction:
    """One thing to do, as a sentence (raw: renderers escape it)."""

    kind: str  # one of ACTION_ORDER
    text: str


@dataclass(frozen=True, slots=True)
class NextSteps:
    """Everything "what to do next" needs, for every format."""

    today: date
    justifications: tuple[JustificationStep, ...]  # worst level first, then by name
    expiring: tuple[ExpiringException, ...]  # soonest first
    actions: tuple[NextAction, ...]  # most urgent first

    def top(self, n: int = 3) -> tuple[NextAction, ...]:
        """The ``n`` most urgent actions."""
        return self.actions[:n]


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def audit_day(report: Report) -> date:
    """The audit date (``generated_at``, UTC; the clock's date if a report has none)."""
    return _date(report.generated_at) or datetime.now(UTC).date()


def next_steps(report: Report, *, window_days: int = EXPIRY_WINDOW_DAYS) -> NextSteps:
    """What to do next after ``report``."""
    today = audit_day(report)
    comps = report.by_ref()
    steps = _steps(report, comps, today)
    expiring = expiring_exceptions(report, window_days=window_days)
    return NextSteps(today, steps, expiring, tuple(_actions(report, steps, expiring, comps)))


def expiring_exceptions(
    report: Report, *, window_days: int = EXPIRY_WINDOW_DAYS
) -> tuple[ExpiringException, ...]:
    """Active exceptions whose expiry is at most ``window_days`` days after the audit."""
    today = audit_day(report)
    out = []
    for exc in report.verdict.exceptions:
        if exc.status == "expired":
            continue
        expires = _date(exc.expires)
        if expires is None:  # not a date: nothing to count down
            continue
        left = (expires - today).days
        if 0 <= left <= window_days:
            out.append(ExpiringException(exc.pattern, expires, left, len(exc.components)))
    return tuple(sorted(out, key=lambda e: (e.expires, e.pattern)))


# --------------------------------------------------------------------------- exits


def best_exit(alternatives: Sequence[JustificationAlternative]) -> JustificationAlternative | None:
    """The first alternative: the scoring ranks them best first."""
    return alternatives[0] if alternatives else None


def easier_exit(
    alternatives: Sequence[JustificationAlternative],
) -> JustificationAlternative | None:
    """The alternative needing the least work, when that is less than the best exit's."""
    if not alternatives:
        return None
    ranked = sorted(
        enumerate(alternatives),
        key=lambda ia: (
            SWAP_EFFORT.get(ia[1].swap, 9),
            _BASIS_ORDER.get(ia[1].basis if isinstance(ia[1].basis, str) else "catalogue", 1),
            ia[0],
        ),
    )
    easiest = ranked[0][1]
    if SWAP_EFFORT.get(easiest.swap, 9) < SWAP_EFFORT.get(alternatives[0].swap, 9):
        return easiest
    return None


# --------------------------------------------------------------------------- exceptions


def _level(j: Justification, comps: Mapping[str, ComponentResult]) -> str:
    if isinstance(j.level, str):
        return j.level
    c = comps.get(j.ref)
    return c.lockin.level if c is not None else "unknown"


def _purls(j: Justification, comps: Mapping[str, ComponentResult]) -> list[str]:
    """The purls of every package the justification covers (client first)."""
    out = []
    for ref in j.refs():
        c = comps.get(ref)
        purl = c.purl if c is not None else (j.purl if ref == j.ref else None)
        if purl and purl not in out:
            out.append(purl)
    return out


def _client_purls(j: Justification, comps: Mapping[str, ComponentResult]) -> list[str]:
    """The purls that make the justification: its clients (or the component itself)."""
    refs = [j.ref]
    if isinstance(j.packages, tuple):
        refs = [p.ref for p in j.packages if p.role == "client"] or [j.ref]
    out = []
    for ref in refs:
        c = comps.get(ref)
        purl = c.purl if c is not None else (j.purl if ref == j.ref else None)
        if purl:
            out.append(purl)
    return out


def exception_patterns(
    purls: Iterable[str], all_keys: Iterable[str], kin: Iterable[str] = ()
) -> tuple[str, ...]:
    """Versionless policy patterns naming ``purls``, a scope glob where it names no other.

    ``all_keys`` are the purl keys of every component of the SBOM: a glob
    ``pkg:type/namespace/*`` is used only when every key it matches is the
    ``purls``' own or in ``kin`` (the packages of the same vendor's other products).
    """
    purl_list = list(purls)
    keys = sorted({k for p in purl_list if (k := purl_key(p))})
    mine = set(keys)
    allowed = mine | set(kin)
    known = set(all_keys)
    by_ns: dict[str, list[str]] = {}
    singles: list[str] = []
    for k in keys:
        ptype, _, rest = k.partition("/")
        ns, sep, _name = rest.rpartition("/")
        if sep and ns and "*" not in ns:
            by_ns.setdefault(f"{ptype}/{ns}", []).append(k)
        else:
            singles.append(k)
    patterns: list[str] = []
    for ns, ks in sorted(by_ns.items()):
        glob = Glob.compile(f"{ns}/*")
        if len(ks) > 1 and {k for k in known | mine if glob.matches(k)} <= allowed:
            patterns.append(f"pkg:{ns}/*")
        else:
            singles.extend(ks)
    patterns.extend(f"pkg:{k}" for k in sorted(singles))
    for purl in purl_list:  # a key that does not read back as a pattern: name the purl itself
        if not any(purl_matches(p, purl) for p in patterns):
            patterns.append(purl)
    return tuple(patterns)


def toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and invisible characters escaped."""
    out = []
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif not ch.isprintable() or ch in "\u2028\u2029":
            code = ord(ch)
            out.append(f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def exception_expiry(today: date, months: int = EXCEPTION_TERM_MONTHS) -> date:
    """``today`` plus ``months`` (the last day of a shorter month when needed)."""
    month0 = today.month - 1 + months
    year, month = today.year + month0 // 12, month0 % 12 + 1
    day = today.day
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1


def exception_block(
    j: Justification,
    patterns: Sequence[str],
    *,
    level: str,
    best: JustificationAlternative | None,
    today: date,
    packages: int,
    also_covers: Sequence[str] = (),
) -> str:
    """The ``[[exception]]`` tables (one per pattern) for one justification."""
    who = f", {j.vendor}" if isinstance(j.vendor, str) else ""
    exit_text = f"best exit {best.name} ({best.swap})" if best else "no open alternative in the catalogue"
    expires = exception_expiry(today).isoformat()
    reason = f"TODO: why {j.name} is needed, and the exit plan ({exit_text})"
    lines = [
        f"# {plain(j.name, 120)}{plain(who, 80)} (level {level}): {packages} package(s)",
        f"# {plain(exit_text, 160)}; fill in reason and approver, review by {expires}",
    ]
    if also_covers:
        lines.append(f"# also covers {plain('; '.join(also_covers), 200)}")
    for pattern in patterns:
        lines += [
            "[[exception]]",
            f"component = {toml_string(pattern)}",
            f"reason = {toml_string(reason)}",
            'approver = "TODO: who approves"',
            f"expires = {expires}",
        ]
    return "\n".join(lines) + "\n"


def _steps(
    report: Report, comps: Mapping[str, ComponentResult], today: date
) -> tuple[JustificationStep, ...]:
    all_keys = {k for c in report.components if c.purl and (k := purl_key(c.purl))}
    justs = report.verdict.justifications_required
    clients = {j.ref: _client_purls(j, comps) for j in justs}
    purls_of = {j.ref: _purls(j, comps) for j in justs}
    vendor_purls: dict[str, list[str]] = {}  # every package of each vendor's products
    for prod in report.summary.vendor_products:
        refs = [m.ref for m in prod.clients] + [m.ref for m in prod.plumbing]
        vendor_purls.setdefault(prod.vendor, []).extend(
            c.purl for r in refs if (c := comps.get(r)) is not None and c.purl
        )
    out = []
    for j in justs:
        level = _level(j, comps)
        best = best_exit(j.alternatives)
        purls = purls_of[j.ref]
        vendor = j.vendor if isinstance(j.vendor, str) else None
        kin = {k for p in vendor_purls.get(vendor or "", ()) if vendor and (k := purl_key(p))}
        patterns = exception_patterns(purls, all_keys, kin) if purls else ()
        also = tuple(
            other.name
            for other in justs
            if other.ref != j.ref
            and any(purl_matches(p, c) for p in patterns for c in clients[other.ref])
        )
        block = (
            exception_block(
                j, patterns, level=level, best=best, today=today, packages=len(purls),
                also_covers=also,
            )
            if patterns
            else None
        )
        out.append(
            JustificationStep(j, level, best, easier_exit(j.alternatives), patterns, also, block)
        )
    out.sort(key=lambda s: (-LEVEL_RANK.get(s.level, -1), s.justification.name, s.justification.ref))
    return tuple(out)


# --------------------------------------------------------------------------- actions


def _names(items: Sequence[str]) -> str:
    shown = ", ".join(items[:_EXAMPLES])
    return shown + (f" and {len(items) - _EXAMPLES} more" if len(items) > _EXAMPLES else "")


def _label(c: ComponentResult) -> str:
    name = f"{c.group}/{c.name}" if c.group and c.ecosystem != "maven" else c.name
    if c.group and c.ecosystem == "maven":
        name = f"{c.group}:{c.name}"
    return f"{name} {c.version}" if c.version else name


def _actions(
    report: Report,
    steps: Sequence[JustificationStep],
    expiring: Sequence[ExpiringException],
    comps: Mapping[str, ComponentResult],
) -> list[NextAction]:
    v = report.verdict
    acts: list[NextAction] = []
    for g in v.gates:
        if g.passed:
            continue
        if g.name == "exceptions-not-expired":
            expired = [e.pattern for e in v.exceptions if e.status == "expired"]
            acts.append(NextAction(
                "expired-exception",
                f"Renew (with a new justification) or remove the expired exception(s) "
                f"{_names(expired)}: {g.detail}",
            ))  # fmt: skip
        else:
            acts.append(NextAction("failed-gate", f"Fix the failing gate {g.name}: {g.detail}"))
    lic = v.evidence.licence if isinstance(v.evidence, Evidence) else None
    unknown_lic = [c for c in report.components if c.licence.level == "unknown"]
    if lic is not None and lic.share is not None and lic.share < lic.minimum:
        acts.append(NextAction(
            "licence-coverage",
            f"Find the licences of {lic.unknown} component(s) ({lic.share:.0%} known, the policy "
            f"needs {lic.minimum:.0%}): e.g. {_names([_label(c) for c in unknown_lic])}",
        ))  # fmt: skip
        unknown_lic = []
    if steps:
        first = steps[0]
        j = first.justification
        exit_text = (
            f"best exit {first.best_exit.name} ({first.best_exit.swap})"
            if first.best_exit
            else "no open alternative in the catalogue"
        )
        products = sum(1 for s in steps if isinstance(s.justification.packages, tuple))
        parts = [f"{products} vendor product(s)"] if products else []
        if len(steps) > products:
            parts.append(f"{len(steps) - products} component(s) outside any product")
        what = " and ".join(parts)
        acts.append(NextAction(
            "justify",
            f"Justify or exit {what}, worst first: {j.name} ({first.level}), {exit_text}; "
            "an approved justification goes into osaudit.toml as an [[exception]]",
        ))  # fmt: skip
    for e in expiring:
        when = "today" if e.days_left == 0 else f"in {e.days_left} day(s)"
        acts.append(NextAction(
            "expiring-exception",
            f"Review the exception {e.pattern}: it expires {when} ({e.expires.isoformat()})",
        ))  # fmt: skip
    for f in report.summary.fund_or_replace[:_EXAMPLES]:
        acts.append(NextAction("fund-or-replace", f"Fund or replace {f.name}: {f.reason}"))
    if unknown_lic:
        acts.append(NextAction(
            "licence-unknown",
            f"Find the licences of {len(unknown_lic)} component(s) the SBOM and the registries "
            f"leave unknown: {_names([_label(c) for c in unknown_lic])}",
        ))  # fmt: skip
    no_data = [c for c in report.components if c.maintenance.level == "unknown"]
    if no_data:
        offline = any(r.code == "MT-OFFLINE" for c in no_data for r in c.maintenance.reasons)
        how = (
            "run without --offline (or with a filled cache)"
            if offline
            else "check the metadata warnings above (services unreachable or packages unknown)"
        )
        acts.append(NextAction(
            "maintenance-data",
            f"Collect maintenance data for {len(no_data)} of {len(report.components)} "
            f"component(s): {how}",
        ))  # fmt: skip
    if not report.policy.fail_on and not report.policy.fail_on_unknown:
        acts.append(NextAction(
            "add-gate",
            "Gate CI on the audit: --fail-on lockin=high,licence=high (or a [fail-on] table "
            "in osaudit.toml)",
        ))  # fmt: skip
    if not acts:
        acts.append(NextAction(
            "keep-auditing", "Nothing to do now: keep the audit in CI to catch new lock-ins"
        ))  # fmt: skip
    order = {k: i for i, k in enumerate(ACTION_ORDER)}
    return sorted(acts, key=lambda a: order[a.kind])  # stable within a kind
