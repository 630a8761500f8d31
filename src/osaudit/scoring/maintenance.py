"""Maintenance risk of one component from its package facts (pure).

The score is a RISK from 0 (none) to 100: the sum of the points of the rules
below, clamped to 0..100. Every rule that fires is a ``Reason`` with a stable
``MT-`` code, its points, the source of the evidence and the retrieval date.
Rules and weights are documented in docs/scoring-maintenance.md.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from statistics import median
from typing import Any

from osaudit import model
from osaudit.metadata.interface import PackageFacts, Release, SourceName

# ---------------------------------------------------------------- weights
P_REMOVED = 70
P_DEPRECATED = 60
P_UNMAINTAINED = 50
P_ARCHIVED = 40
P_STALE_LONG = 30  # >= 2 years without a release and >= 3x the usual interval
P_STALE = 15  # >= 1 year and >= 2x the usual interval
P_BEHIND_LONG = 20  # used version >= 3 years older than the latest
P_BEHIND = 10  # >= 1 year older
P_BEHIND_MANY = 5  # >= 20 releases behind
P_SINGLE_MAINTAINER = 10
P_SCORECARD_LOW = 15  # overall < 3
P_SCORECARD_MEDIOCRE = 8  # overall < 5
P_NOT_MAINTAINED = 15  # Scorecard Maintained = 0
P_LITTLE_MAINTAINED = 8  # Scorecard Maintained 1..3
P_VULN_FIRST = 20
P_VULN_MORE = 10  # each further vulnerability
P_VULN_CAP = 50
P_VULN_NOFIX = 10
P_NO_DEPENDENTS = 5
P_MANY_DEPENDENTS = -5  # >= 1000 dependent packages
P_YOUNG = 10  # first release < 90 days ago

DEFAULT_INTERVAL_DAYS = 365  # release interval assumed with fewer than 3 dated releases
MIN_INTERVAL_DAYS = 90
FINISHED_AGE_DAYS = 3 * 365
FINISHED_DEPENDENTS = 100
MANY_DEPENDENTS = 1000
FUND_DEPENDENTS = 1000
LEVELS: tuple[tuple[int, model.Level], ...] = (
    (75, "critical"),
    (50, "high"),
    (25, "medium"),
    (1, "low"),
    (0, "none"),
)
_PRE = re.compile(r"(?i)(alpha|beta|rc|dev|pre|preview|snapshot|canary|nightly|next)|\d(a|b)\d")


def level_of(score: int) -> model.Level:
    """0 none, 1-24 low, 25-49 medium, 50-74 high, 75-100 critical."""
    for floor, level in LEVELS:
        if score >= floor:
            return level
    return "none"


def parse_date(text: str | None) -> datetime | None:
    """An aware datetime from an ISO-8601 string, or None."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            value = datetime.fromisoformat(text.strip()[:10])
        except ValueError:
            return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _day(text: str | None) -> str | None:
    return text[:10] if text else None


def _days(a: datetime, b: datetime) -> int:
    return int((a - b).total_seconds() // 86400)


def _years(days: int) -> str:
    return f"{days / 365:.1f} years" if days >= 365 else f"{days} days"


def is_prerelease(version: str) -> bool:
    return bool(_PRE.search(version))


def major(version: str | None) -> int | None:
    """Leading integer of a version (``v1.2`` -> 1), None when there is none."""
    m = re.match(r"v?(\d+)", version or "")
    return int(m.group(1)) if m else None


def release_interval(releases: tuple[Release, ...]) -> tuple[int, int]:
    """(median days between consecutive stable releases, number of intervals)."""
    dates = sorted(
        d for r in releases if not is_prerelease(r.version) and (d := parse_date(r.published_at))
    )
    gaps = [_days(b, a) for a, b in zip(dates, dates[1:], strict=False)]
    if len(gaps) < 2:
        return DEFAULT_INTERVAL_DAYS, len(gaps)
    return max(MIN_INTERVAL_DAYS, int(median(gaps))), len(gaps)


def cadence(f: PackageFacts) -> tuple[int, str]:
    """(release interval in days, how it was found): the release list, else the registry's
    release count over its first-to-latest span (ecosyste.ms), else the assumed interval."""
    interval, n = release_interval(f.releases)
    if n >= 2:
        return interval, f"median interval {interval} days over {n} intervals"
    first, latest = parse_date(f.first_published_at), parse_date(f.latest_published_at)
    count = f.versions_count or 0
    if count >= 3 and first is not None and latest is not None and latest > first:
        mean = max(MIN_INTERVAL_DAYS, _days(latest, first) // (count - 1))
        return mean, f"mean interval {mean} days over {count} releases (ecosyste.ms)"
    return interval, f"assumed interval {interval} days"


class _Builder:
    def __init__(self, facts: PackageFacts) -> None:
        self.facts = facts
        self.reasons: list[model.Reason] = []

    def add(self, code: str, message: str, points: int, source: SourceName | None) -> None:
        date = _day(self.facts.date_of(source)) if source else None
        self.reasons.append(model.Reason(code, message, points, source, date))


def _unknown(code: str, message: str) -> model.AxisScore:
    return model.AxisScore(None, "unknown", (model.Reason(code, message),))


def _no_data(facts: PackageFacts) -> model.AxisScore:
    failing = [s for s in facts.sources if s.status not in ("skipped", "ok")]
    text = "; ".join(f"{s.source}: {s.reason or s.status}" for s in failing) or "no source applies"
    kinds = {s.status for s in failing}
    reasons = " ".join(s.reason for s in failing)
    if kinds == {"offline"}:
        code = "MT-OFFLINE"
    elif "circuit open" in reasons or "unreachable" in reasons or "timeout" in reasons:
        code = "MT-UNREACHABLE"
    elif kinds == {"not-found"}:
        code = "MT-NOT-FOUND"
    else:
        code = "MT-NO-DATA"
    return _unknown(code, f"no maintenance data ({text})")


def _has_data(facts: PackageFacts) -> bool:
    return facts.ok("deps.dev") or facts.ok("ecosyste.ms") or bool(facts.vulns)


def _latest(facts: PackageFacts) -> tuple[datetime | None, SourceName]:
    dated = [parse_date(r.published_at) for r in facts.releases]
    newest = max((d for d in dated if d), default=None)
    given = parse_date(facts.latest_published_at)
    if newest is not None and (given is None or newest >= given):
        return newest, facts.origin("releases")
    return given, facts.origin("latest_published_at", "ecosyste.ms")


def _finished(facts: PackageFacts, now: datetime) -> str | None:
    """Why the package counts as finished software, or None."""
    first = parse_date(facts.first_published_at)
    if first is None or _days(now, first) < FINISHED_AGE_DAYS:
        return None
    if not (facts.critical or (facts.dependents or 0) >= FINISHED_DEPENDENTS):
        return None
    if facts.vulns is None or facts.vulns or facts.advisories:
        return None
    if (major(facts.version) or 0) < 1:
        return None
    if facts.deprecated or facts.archived or facts.status in REMOVED_STATUS | UNMAINTAINED_STATUS:
        return None
    deps = f"{facts.dependents} dependent packages" if facts.dependents else "flagged critical"
    return (
        f"first released {_years(_days(now, first))} ago, {deps}, no known vulnerability "
        f"in {facts.version}, stable API (major version {major(facts.version)})"
    )


# Registry statuses (ecosyste.ms; deps.dev projectStatus for PyPI, PEP 792): gone or
# blocked from installing, and no longer looked after. "deprecated"/"unlisted" arrive as
# ``deprecated``.
REMOVED_STATUS = frozenset({"removed", "yanked", "unpublished", "retracted", "quarantined"})
UNMAINTAINED_STATUS = frozenset({"unmaintained", "abandoned", "archived"})


def _status_rules(b: _Builder) -> None:
    f = b.facts
    status = f.status or ""
    if status in REMOVED_STATUS:
        b.add(
            "MT-REMOVED",
            f"the package is marked {status} in its registry",
            P_REMOVED,
            f.origin("status", "ecosyste.ms"),
        )
    elif f.deprecated:
        b.add(
            "MT-DEPRECATED",
            f"the package is marked deprecated ({f.deprecated_source or 'ecosyste.ms'})",
            P_DEPRECATED,
            f.deprecated_source or "ecosyste.ms",
        )
    elif status in UNMAINTAINED_STATUS:
        b.add(
            "MT-UNMAINTAINED",
            f"the package is marked {status} in its registry",
            P_UNMAINTAINED,
            f.origin("status", "ecosyste.ms"),
        )
    if f.archived:
        b.add(
            "MT-ARCHIVED",
            f"the source repository {f.repository or ''} is archived".replace("  ", " "),
            P_ARCHIVED,
            f.origin("archived", "scorecard"),
        )


def _activity_rules(b: _Builder, now: datetime, finished: str | None) -> list[str]:
    """Stale releases; returns the low-activity penalties waived for finished software."""
    f = b.facts
    waived: list[str] = []
    latest, src = _latest(f)
    if latest is None:
        return waived
    since = _days(now, latest)
    interval, basis = cadence(f)
    ratio = since / interval
    points = 0
    if since >= 730 and ratio >= 3:
        points = P_STALE_LONG
    elif since >= 365 and ratio >= 2:
        points = P_STALE
    if points:
        msg = (
            f"no release for {_years(since)} (since {latest.date().isoformat()}), "
            f"{ratio:.1f}x its usual cadence ({basis})"
        )
        if finished:
            waived.append(f"MT-STALE {points}")
        else:
            b.add("MT-STALE", msg, points, src)
    return waived


def _behind_rules(b: _Builder) -> None:
    f = b.facts
    used = parse_date(f.published_at)
    if used is None or not f.version:
        return
    newer = [
        r
        for r in f.releases
        if not is_prerelease(r.version) and (d := parse_date(r.published_at)) and d > used
    ]
    latest, src = _latest(f)
    if latest is None or latest <= used:
        return
    gap = _days(latest, used)
    points = P_BEHIND_LONG if gap >= 3 * 365 else P_BEHIND if gap >= 365 else 0
    if len(newer) >= 20:
        points += P_BEHIND_MANY
    if points:
        target = f.latest_version or (newer[-1].version if newer else "the latest")
        b.add(
            "MT-BEHIND",
            f"{f.version} ({used.date().isoformat()}) is {len(newer)} "
            f"release{'' if len(newer) == 1 else 's'} and "
            f"{_years(gap)} behind {target}",
            points,
            src,
        )


def _people_rules(b: _Builder, now: datetime, finished: str | None) -> list[str]:
    f = b.facts
    waived: list[str] = []
    if f.maintainers == 1:
        b.add(
            "MT-SINGLE-MAINTAINER",
            "one maintainer account in the registry",
            P_SINGLE_MAINTAINER,
            "ecosyste.ms",
        )
    card = f.scorecard
    if card is not None:
        src: SourceName = card.source
        if card.overall is not None:
            if card.overall < 3:
                b.add(
                    "MT-SCORECARD-LOW",
                    f"OpenSSF Scorecard {card.overall:.1f}/10 for {card.repository} (below 3)",
                    P_SCORECARD_LOW,
                    src,
                )
            elif card.overall < 5:
                b.add(
                    "MT-SCORECARD-LOW",
                    f"OpenSSF Scorecard {card.overall:.1f}/10 for {card.repository} (below 5)",
                    P_SCORECARD_MEDIOCRE,
                    src,
                )
        if card.maintained is not None and card.maintained <= 3:
            pts = P_NOT_MAINTAINED if card.maintained == 0 else P_LITTLE_MAINTAINED
            if finished:
                waived.append(f"MT-SCORECARD-MAINTAINED {pts}")
            else:
                b.add(
                    "MT-SCORECARD-MAINTAINED",
                    f"Scorecard Maintained check {card.maintained}/10 (little activity "
                    "in the last 90 days)",
                    pts,
                    src,
                )
    if f.dependents is not None:
        if f.dependents == 0:
            b.add(
                "MT-DEPENDENTS",
                "no other published package depends on it",
                P_NO_DEPENDENTS,
                f.origin("dependents", "ecosyste.ms"),
            )
        elif f.dependents >= MANY_DEPENDENTS:
            b.add(
                "MT-DEPENDENTS",
                f"{f.dependents} dependent packages (widely used and watched)",
                P_MANY_DEPENDENTS,
                f.origin("dependents", "ecosyste.ms"),
            )
    first = parse_date(f.first_published_at)
    if first is not None and 0 <= _days(now, first) < 90:
        b.add(
            "MT-YOUNG",
            f"first released {_days(now, first)} days ago: no track record",
            P_YOUNG,
            f.origin("first_published_at"),
        )
    return waived


def _vuln_rules(b: _Builder) -> None:
    f = b.facts
    if f.vulns is not None:
        vulns = f.vulns
        source: SourceName = "osv"
    elif f.advisories:
        from osaudit.metadata.interface import Vuln

        vulns = tuple(Vuln(a) for a in f.advisories)
        source = "deps.dev"
    else:
        return
    if not vulns:
        return
    n = len(vulns)
    ids = ", ".join(v.id for v in vulns[:5]) + (f" and {n - 5} more" if n > 5 else "")
    fixes = sorted({x for v in vulns for x in v.fixed})
    fix_text = f"; fixed in {', '.join(fixes[:5])}" if fixes else ""
    b.add(
        "MT-VULN",
        f"{n} known vulnerabilit{'y' if n == 1 else 'ies'} in {f.version}: {ids}{fix_text}",
        min(P_VULN_CAP, P_VULN_FIRST + P_VULN_MORE * (n - 1)),
        source,
    )
    nofix = [v.id for v in vulns if v.fixed_known and not v.fixed]
    if nofix:
        b.add(
            "MT-VULN-NOFIX",
            f"no fixed version published for {', '.join(nofix[:5])}",
            P_VULN_NOFIX,
            source,
        )


def score_maintenance(facts: PackageFacts | None, *, now: datetime) -> model.AxisScore:
    """Maintenance RISK 0..100 with level and reasons; unknown when there is no data."""
    if facts is None:
        return _unknown("MT-NOT-COLLECTED", "package metadata was not collected")
    if facts.reason:
        code = "MT-NO-PURL" if not facts.purl else "MT-UNSUPPORTED"
        return _unknown(code, facts.reason)
    if not _has_data(facts):
        return _no_data(facts)
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    b = _Builder(facts)
    finished = _finished(facts, now)
    _status_rules(b)
    waived = _activity_rules(b, now, finished)
    _behind_rules(b)
    waived += _people_rules(b, now, finished)
    _vuln_rules(b)
    if finished:
        what = f"; low-activity penalties waived: {', '.join(waived)}" if waived else ""
        b.add(
            "MT-FINISHED",
            f"finished software, not abandoned: {finished}{what}",
            0,
            facts.origin("first_published_at"),
        )
    missing = [
        s
        for s in facts.sources
        if s.status in ("error", "offline", "not-found") or (s.status == "ok" and s.reason)
    ]
    if missing:
        b.add(
            "MT-PARTIAL",
            "partial data, missing "
            + "; ".join(f"{s.source} ({s.reason or s.status})" for s in missing),
            0,
            None,
        )
    if not any(r.points for r in b.reasons):
        used = ", ".join(s.source for s in facts.sources if s.status == "ok")
        b.add("MT-OK", f"no maintenance risk signal (sources: {used})", 0, None)
    score = max(0, min(100, sum(r.points for r in b.reasons)))
    order = {r.code: i for i, r in enumerate(b.reasons)}
    reasons = sorted(b.reasons, key=lambda r: (-abs(r.points), order[r.code]))
    return model.AxisScore(score, level_of(score), tuple(reasons))


def is_fund_or_replace(facts: PackageFacts | None, axis: model.AxisScore) -> str | None:
    """Critical but poorly maintained: fund it or plan its replacement (reason text)."""
    if facts is None or axis.level not in ("high", "critical"):
        return None
    if facts.critical:
        why = "flagged critical by ecosyste.ms"
    elif (facts.dependents or 0) >= FUND_DEPENDENTS:
        why = f"{facts.dependents} dependent packages"
    else:
        return None
    return (
        f"{why}, maintenance risk {axis.level} ({axis.score}/100): fund its maintainers "
        "or plan a replacement"
    )


def facts_to_json(facts: PackageFacts) -> dict[str, Any]:
    """The report's ``maintenance.facts``: every known fact with its source; no tokens."""
    out: dict[str, Any] = {
        "sources": [
            {"source": s.source, "status": s.status, "reason": s.reason, "date": s.date}
            for s in facts.sources
        ],
    }
    simple = (
        "purl",
        "reason",
        "published_at",
        "latest_version",
        "latest_published_at",
        "first_published_at",
        "versions_count",
        "deprecated",
        "status",
        "archived",
        "maintainers",
        "dependents",
        "critical",
        "repository",
        "stars",
        "oss_fuzz",
    )
    for name in simple:
        value = getattr(facts, name)
        if value is not None:
            out[name] = value
    if facts.licences:
        out["licences"] = list(facts.licences)
    if facts.advisories:
        out["advisories"] = list(facts.advisories)
    if facts.releases:
        interval, n = release_interval(facts.releases)
        out["releases"] = {
            "count": len(facts.releases),
            "median_interval_days": interval if n >= 2 else None,
        }
    if facts.vulns is not None:
        out["vulns"] = [
            {
                "id": v.id,
                "aliases": list(v.aliases),
                "fixed": list(v.fixed),
                "fixed_known": v.fixed_known,
            }
            for v in sorted(facts.vulns, key=lambda v: v.id)
        ]
    if facts.scorecard is not None:
        c = facts.scorecard
        out["scorecard"] = {
            "repository": c.repository,
            "overall": c.overall,
            "maintained": c.maintained,
            "date": c.date,
            "source": c.source,
        }
    out["origins"] = {name: src for name, src in facts.origins}
    return dict(sorted(out.items()))
