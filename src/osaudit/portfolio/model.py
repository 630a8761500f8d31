"""The portfolio report's tables, computed from the store.

Pure reading: a few SQL queries fetch the latest run of each application and
which vendor products (catalogue lock-in families) each run contained; the rest
is plain Python so the rules are easy to read. The rules (first seen, flagged,
due dates, ranking) are documented in docs/portfolio.md.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from osaudit.scoring.lockin import classify

LEVEL_RANK = {"unknown": 0, "none": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}
RANK_LEVEL = {v: k for k, v in LEVEL_RANK.items()}
#: Levels at which an assessment flags a vendor product (Art. 29: falls short).
FLAG_RANK = LEVEL_RANK["high"]
#: Months between the assessment that flagged a vendor product and its migration due date.
MIGRATION_MONTHS = 12
#: Register rows due within this many days come right after the overdue ones.
DUE_SOON_DAYS = 90
#: Months between two sovereignty assessments of an application (Art. 29: every two years).
ASSESSMENT_MONTHS = 24
#: Exits shown per vendor product.
EXITS_SHOWN = 3
_LEVEL_SQL = (
    "CASE {col} WHEN 'critical' THEN 5 WHEN 'high' THEN 4 WHEN 'medium' THEN 3 "
    "WHEN 'low' THEN 2 WHEN 'none' THEN 1 ELSE 0 END"
)


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months (the 31st becomes the month's last day)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class _Presence:
    """One vendor product in one run of one application."""

    rank: int
    name: str | None
    vendor: str | None
    jurisdiction: str | None
    exc_pattern: str | None
    exc_expires: date | None
    exc_status: str | None


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    return value.isoformat()


def build(con: Any, now: datetime) -> dict[str, Any]:
    """Every table of the portfolio report, as one JSON-ready dict."""
    today = now.date()
    runs = con.execute(
        "SELECT application, digest, generated_at, run_date, reported_name FROM app_runs "
        "ORDER BY application, generated_at, digest"
    ).fetchall()
    runs_of: dict[str, list[tuple[str, datetime, date]]] = defaultdict(list)
    names_of: dict[str, set[str]] = defaultdict(set)
    for app, digest, at, day, reported in runs:
        runs_of[app].append((digest, at, day))
        names_of[app].add(reported)
    latest = {app: rs[-1] for app, rs in runs_of.items()}

    presence: dict[str, dict[str, _Presence]] = defaultdict(dict)  # digest -> family -> presence
    for digest, family, rank, name, vendor, juris, pattern, expires, status in con.execute(
        "SELECT digest, family, max(" + _LEVEL_SQL.format(col="lockin_level") + "), "
        "min(family_name), min(vendor), min(jurisdiction), "
        "arg_min(exception_pattern, coalesce(exception_expires, DATE '9999-12-31')) "
        "FILTER (WHERE exception_pattern IS NOT NULL), "
        "min(exception_expires) FILTER (WHERE exception_pattern IS NOT NULL), "
        "arg_min(exception_status, coalesce(exception_expires, DATE '9999-12-31')) "
        "FILTER (WHERE exception_pattern IS NOT NULL) "
        "FROM components WHERE family IS NOT NULL GROUP BY digest, family"
    ).fetchall():
        presence[digest][family] = _Presence(rank, name, vendor, juris, pattern, expires, status)

    exits = _exits(con)
    apps = _applications(con, runs_of, latest, names_of, presence, today)
    vendor_products = _vendor_products(latest, presence, exits, con)
    register = _register(con, runs_of, presence, exits, latest, today)
    stewardship = _stewardship(con)
    trends = _trends(runs_of, presence)
    headline = _headline(con, apps, latest, presence, register)
    return {
        "generated_at": _iso(now.replace(tzinfo=None)),
        "headline": headline,
        "applications": apps,
        "vendor_products": vendor_products,
        "register": register,
        "stewardship": stewardship,
        "trends": trends,
    }


def _exits(con: Any) -> dict[tuple[str, str], list[dict[str, Any]]]:
    out: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for cat, family, _rank, alt_id, name, juris, licence, maturity, swap in con.execute(
        "SELECT catalog_digest, family, rank, id, name, jurisdiction, licence, maturity, swap "
        "FROM exits WHERE rank <= ? ORDER BY catalog_digest, family, rank",
        [EXITS_SHOWN],
    ).fetchall():
        out[(cat, family)].append(
            {
                "id": alt_id,
                "name": name,
                "jurisdiction": juris,
                "licence": licence,
                "maturity": maturity,
                "swap": swap,
            }
        )
    return out


def _catalogs(con: Any) -> dict[str, str]:
    return dict(con.execute("SELECT digest, catalog_digest FROM runs").fetchall())


def _best_exits(
    exits: dict[tuple[str, str], list[dict[str, Any]]], catalog: str | None, family: str
) -> list[dict[str, Any]]:
    if catalog and (catalog, family) in exits:
        return exits[(catalog, family)]
    for (_cat, fam), options in sorted(exits.items()):
        if fam == family:
            return options
    return []


def _applications(
    con: Any,
    runs_of: dict[str, list[tuple[str, datetime, date]]],
    latest: dict[str, tuple[str, datetime, date]],
    names_of: dict[str, set[str]],
    presence: dict[str, dict[str, _Presence]],
    today: date,
) -> list[dict[str, Any]]:
    meta = {
        row[0]: row[1:]
        for row in con.execute(
            "SELECT application, owner, department, criticality, tags FROM applications"
        ).fetchall()
    }
    info = {
        row[0]: row[1:]
        for row in con.execute("SELECT digest, verdict, components, source FROM runs").fetchall()
    }
    out = []
    for app in sorted(runs_of):
        digest, at, day = latest[app]
        verdict, components, source = info[digest]
        reassess = add_months(day, ASSESSMENT_MONTHS)
        owner, department, criticality, tags = meta.get(app, (None, None, None, None))
        fams = presence.get(digest, {})
        out.append(
            {
                "application": app,
                "owner": owner,
                "department": department,
                "criticality": criticality,
                "tags": sorted(tags or []),
                "reported_names": sorted(names_of[app]),
                "runs": len(runs_of[app]),
                "first_run": _iso(runs_of[app][0][1]),
                "last_run": _iso(at),
                "last_report": source,
                "next_assessment": _iso(reassess),
                "assessment_overdue": reassess < today,
                "verdict": verdict,
                "components": components,
                "vendor_products": len(fams),
                "vendor_products_high_or_critical": sum(p.rank >= FLAG_RANK for p in fams.values()),
            }
        )
    return out


def _vendor_products(
    latest: dict[str, tuple[str, datetime, date]],
    presence: dict[str, dict[str, _Presence]],
    exits: dict[tuple[str, str], list[dict[str, Any]]],
    con: Any,
) -> list[dict[str, Any]]:
    catalogs = _catalogs(con)
    users: dict[str, list[str]] = defaultdict(list)
    worst: dict[str, int] = defaultdict(int)
    about: dict[str, _Presence] = {}
    catalog_of: dict[str, tuple[datetime, str]] = {}
    for app, (digest, at, _day) in latest.items():
        for family, p in presence.get(digest, {}).items():
            users[family].append(app)
            worst[family] = max(worst[family], p.rank)
            about.setdefault(family, p)
            cat = catalogs.get(digest) or ""
            if family not in catalog_of or (at, cat) > catalog_of[family]:
                catalog_of[family] = (at, cat)
    rows: list[dict[str, Any]] = []
    for family, apps in users.items():
        p = about[family]
        rows.append(
            {
                "family": family,
                "name": p.name,
                "vendor": p.vendor,
                "jurisdiction": p.jurisdiction,
                "control": classify(p.jurisdiction),
                "worst_level": RANK_LEVEL[worst[family]],
                "applications": len(apps),
                "application_names": sorted(apps),
                "exits": _best_exits(exits, catalog_of[family][1], family),
            }
        )
    rows.sort(key=lambda r: (-r["applications"], -LEVEL_RANK[r["worst_level"]], r["family"]))
    return rows


def _register(
    con: Any,
    runs_of: dict[str, list[tuple[str, datetime, date]]],
    presence: dict[str, dict[str, _Presence]],
    exits: dict[tuple[str, str], list[dict[str, Any]]],
    latest: dict[str, tuple[str, datetime, date]],
    today: date,
) -> list[dict[str, Any]]:
    catalogs = _catalogs(con)
    details = {
        (d, p): (reason, approver)
        for d, p, reason, approver in con.execute(
            "SELECT digest, pattern, min(reason), min(approver) FROM exceptions GROUP BY ALL"
        ).fetchall()
    }
    rows: list[dict[str, Any]] = []
    for app, app_runs in runs_of.items():
        first_seen: dict[str, date] = {}
        flagged: dict[str, date] = {}
        previous: set[str] = set()
        for digest, _at, day in app_runs:
            current = presence.get(digest, {})
            for family, p in current.items():
                if family not in previous:  # a new presence streak starts
                    first_seen[family] = day
                    flagged.pop(family, None)
                if p.rank >= FLAG_RANK and family not in flagged:
                    flagged[family] = day
            previous = set(current)
        last_digest = latest[app][0]
        for family, p in presence.get(last_digest, {}).items():
            flag = flagged.get(family)
            due: date | None = None
            basis = None
            exception = None
            if p.exc_pattern is not None:
                reason, approver = details.get((last_digest, p.exc_pattern), (None, None))
                exception = {
                    "pattern": p.exc_pattern,
                    "expires": _iso(p.exc_expires),
                    "status": p.exc_status,
                    "reason": reason,
                    "approver": approver,
                }
            if exception is not None and p.exc_expires is not None:
                due, basis = p.exc_expires, "exception expiry"
            elif flag is not None:
                due, basis = add_months(flag, MIGRATION_MONTHS), "flagged + 12 months"
            if due is None:
                status, days = "monitor", None
            else:
                days = (due - today).days
                status = "overdue" if days < 0 else "due-soon" if days <= DUE_SOON_DAYS else "open"
            rows.append(
                {
                    "application": app,
                    "family": family,
                    "name": p.name,
                    "vendor": p.vendor,
                    "jurisdiction": p.jurisdiction,
                    "level": RANK_LEVEL[p.rank],
                    "first_seen": _iso(first_seen[family]),
                    "flagged": _iso(flag),
                    "exception": exception,
                    "due": _iso(due),
                    "due_basis": basis,
                    "days_left": days,
                    "status": status,
                    "exits": _best_exits(exits, catalogs.get(last_digest), family),
                }
            )
    order = {"overdue": 0, "due-soon": 1, "open": 2, "monitor": 3}
    rows.sort(
        key=lambda r: (
            order[r["status"]],
            r["due"] or "",
            -LEVEL_RANK[r["level"]],
            r["application"],
            r["family"],
        )
    )
    return rows


def _stewardship(con: Any) -> list[dict[str, Any]]:
    level = _LEVEL_SQL.format(col="c.maintenance_level")
    rows = con.execute(
        f"""
        SELECT c.package, min(c.name), min(c.ecosystem), count(DISTINCT r.application) AS reach,
               max({level}) AS worst, list(DISTINCT r.application ORDER BY r.application),
               list(DISTINCT c.version ORDER BY c.version) FILTER (WHERE c.version IS NOT NULL),
               min(c.fund_reason)
        FROM latest_runs r JOIN components c USING (digest)
        WHERE c.maintenance_level IN ('high', 'critical')
          AND coalesce(c.licence_open, true)
          AND coalesce(c.family_kind, '') NOT LIKE 'proprietary%'
        GROUP BY c.package
        ORDER BY reach DESC, worst DESC, c.package
        """  # noqa: S608
    ).fetchall()
    return [
        {
            "package": package,
            "name": name,
            "ecosystem": ecosystem,
            "applications": reach,
            "maintenance_level": RANK_LEVEL[worst],
            "application_names": apps,
            "versions": versions or [],
            "reason": reason,
        }
        for package, name, ecosystem, reach, worst, apps, versions, reason in rows
    ]


def _trends(
    runs_of: dict[str, list[tuple[str, datetime, date]]],
    presence: dict[str, dict[str, _Presence]],
) -> list[dict[str, Any]]:
    months: dict[str, dict[str, Any]] = {}

    def month(day: date) -> dict[str, Any]:
        key = f"{day.year:04d}-{day.month:02d}"
        return months.setdefault(
            key,
            {
                "month": key,
                "runs": 0,
                "applications": set(),
                "new_applications": 0,
                "introduced": defaultdict(int),
                "removed": defaultdict(int),
            },
        )

    for app, app_runs in runs_of.items():
        previous: set[str] | None = None
        for digest, _at, day in app_runs:
            m = month(day)
            m["runs"] += 1
            m["applications"].add(app)
            current = set(presence.get(digest, {}))
            if previous is None:
                m["new_applications"] += 1
            else:
                for family in current - previous:
                    m["introduced"][family] += 1
                for family in previous - current:
                    m["removed"][family] += 1
            previous = current
    out = []
    for key in sorted(months):
        m = months[key]
        out.append(
            {
                "month": key,
                "runs": m["runs"],
                "applications": len(m["applications"]),
                "new_applications": m["new_applications"],
                "introduced": sum(m["introduced"].values()),
                "removed": sum(m["removed"].values()),
                "introduced_products": [
                    {"family": f, "applications": n}
                    for f, n in sorted(m["introduced"].items(), key=lambda x: (-x[1], x[0]))
                ],
                "removed_products": [
                    {"family": f, "applications": n}
                    for f, n in sorted(m["removed"].items(), key=lambda x: (-x[1], x[0]))
                ],
            }
        )
    return out


def _headline(
    con: Any,
    apps: list[dict[str, Any]],
    latest: dict[str, tuple[str, datetime, date]],
    presence: dict[str, dict[str, _Presence]],
    register: list[dict[str, Any]],
) -> dict[str, Any]:
    verdicts: dict[str, int] = defaultdict(int)
    for a in apps:
        verdicts[a["verdict"]] += 1
    total = con.execute(
        "SELECT coalesce(sum(components), 0), coalesce(sum(with_purl), 0), "
        "coalesce(sum(licence_known), 0), coalesce(sum(maintenance_known), 0), "
        "coalesce(sum(catalog_matched), 0), count(*) FROM latest_runs"
    ).fetchone()
    components, purl, licence, maintenance, matched, _n = total
    all_runs = con.execute("SELECT count(*), min(run_date), max(run_date) FROM runs").fetchone()

    def share(n: int) -> float | None:
        return round(100.0 * n / components, 1) if components else None

    vendors: dict[tuple[str, str], dict[str, Any]] = {}
    for app, (digest, _at, _day) in latest.items():
        for family, p in presence.get(digest, {}).items():
            if classify(p.jurisdiction) != "non-eu":
                continue
            key = (p.vendor or "unknown vendor", (p.jurisdiction or "").upper())
            v = vendors.setdefault(key, {"apps": set(), "products": set()})
            v["apps"].add(app)
            v["products"].add(family)
    non_eu: list[dict[str, Any]] = [
        {
            "vendor": vendor,
            "jurisdiction": juris,
            "applications": len(v["apps"]),
            "share": round(100.0 * len(v["apps"]) / len(apps), 1) if apps else None,
            "products": sorted(v["products"]),
        }
        for (vendor, juris), v in vendors.items()
    ]
    non_eu.sort(key=lambda r: (-r["applications"], r["vendor"], r["jurisdiction"]))
    exposed = {
        app
        for app, (digest, _at, _day) in latest.items()
        if any(classify(p.jurisdiction) == "non-eu" for p in presence.get(digest, {}).values())
    }
    status: dict[str, int] = dict.fromkeys(("overdue", "due-soon", "open", "monitor"), 0)
    for row in register:
        status[row["status"]] += 1
    return {
        "applications": len(apps),
        "runs": all_runs[0],
        "first_run": _iso(all_runs[1]),
        "last_run": _iso(all_runs[2]),
        "verdicts": dict(sorted(verdicts.items())),
        "evidence": {
            "components": components,
            "with_purl": purl,
            "licence_known": licence,
            "maintenance_known": maintenance,
            "catalog_matched": matched,
            "with_purl_pct": share(purl),
            "licence_known_pct": share(licence),
            "maintenance_known_pct": share(maintenance),
        },
        "applications_with_non_eu_vendor": len(exposed),
        "assessments_overdue": sum(a["assessment_overdue"] for a in apps),
        "non_eu_vendors": non_eu,
        "register": status,
    }
