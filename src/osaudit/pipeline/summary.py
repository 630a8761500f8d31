"""The report's ``summary``: counts per axis and level, coverage, vendors, top risks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from osaudit.model import LEVELS, Component, Level
from osaudit.naming import display_name
from osaudit.report.model import (
    ComponentResult,
    Coverage,
    FundOrReplace,
    LevelCounts,
    LicenceAxis,
    LockinAxis,
    MaintenanceAxis,
    Summary,
    TopRisk,
    VendorSummary,
)
from osaudit.scoring import sovereignty
from osaudit.scoring.policy import LICENCE_CATEGORIES
from osaudit.vocabulary import AXES, LEVEL_RANK, Axis

TOP_RISKS = 20


def fund_or_replace(rows: Sequence[tuple[ComponentResult, str | None]]) -> list[FundOrReplace]:
    """Components to fund or replace (critical but poorly maintained), by name."""
    out = [
        FundOrReplace(ref=r.ref, name=display_name(r.group, r.name, r.ecosystem), reason=why)
        for r, why in rows
        if why
    ]
    return sorted(out, key=lambda e: (e.name, e.ref))


def summarise(
    rows: Sequence[ComponentResult],
    controls: Sequence[sovereignty.Control],
    by_ref: Mapping[str, Component],
    fund: Sequence[FundOrReplace],
) -> Summary:
    """The summary of the scored rows (``rows`` in report order)."""
    counts: dict[str, dict[Level, int]] = {axis: dict.fromkeys(LEVELS, 0) for axis in AXES}
    categories: dict[str, int] = dict.fromkeys(LICENCE_CATEGORIES, 0)
    purl = cpe_only = name_only = licence_known = maintenance_known = matched = 0
    direct = transitive = unknown_depth = 0
    vendors: dict[str, dict[str, Any]] = {}
    lock_counts, lic_counts, mt_counts = counts["lockin"], counts["licence"], counts["maintenance"]
    for r in rows:
        lock = r.lockin
        lock_counts[lock.level] += 1
        lic_counts[r.licence.level] += 1
        mt_counts[r.maintenance.level] += 1
        cat = r.licence.category or "Unknown"
        categories[cat] = categories.get(cat, 0) + 1
        if r.purl:
            purl += 1
        elif r.cpes:
            cpe_only += 1
        else:
            name_only += 1
        licence_known += r.licence.level != "unknown"
        maintenance_known += r.maintenance.level != "unknown"
        matched += bool(lock.family or lock.alternative_of)
        if r.direct is True:
            direct += 1
        elif r.direct is False:
            transitive += 1
        else:
            unknown_depth += 1
        if lock.family and lock.vendor:
            v = vendors.setdefault(
                lock.vendor.name,
                {
                    "name": lock.vendor.name,
                    "jurisdiction": lock.vendor.jurisdiction,
                    "families": set(),
                    "components": 0,
                    "worst_level": "none",
                },
            )
            v["families"].add(lock.family.id)
            v["components"] += 1
            if LEVEL_RANK[lock.level] > LEVEL_RANK[v["worst_level"]]:
                v["worst_level"] = lock.level
    vendor_list = sorted(
        (VendorSummary(**{**v, "families": tuple(sorted(v["families"]))}) for v in vendors.values()),
        key=lambda v: (-LEVEL_RANK[v.worst_level], v.name),
    )
    juris: dict[str, int] = {}
    for c in controls:
        code = c.jurisdiction.upper() if c.jurisdiction else "unknown"
        juris[code] = juris.get(code, 0) + 1
    juris.setdefault("unknown", 0)
    return Summary(
        components=len(rows),
        direct=direct,
        transitive=transitive,
        depth_unknown=unknown_depth,
        coverage=Coverage(
            purl=purl,
            cpe_only=cpe_only,
            name_only=name_only,
            licence_known=licence_known,
            catalog_matched=matched,
            maintenance_known=maintenance_known,
        ),
        lockin=LevelCounts(**lock_counts),
        licence=LevelCounts(**lic_counts),
        maintenance=LevelCounts(**mt_counts),
        licence_categories=dict(sorted(categories.items())),
        vendors=tuple(vendor_list),
        jurisdictions=dict(sorted(juris.items())),
        top_risks=tuple(top_risks(rows, by_ref)),
        fund_or_replace=tuple(fund),
    )


def _risk(axis: Axis, score: int | None) -> int:
    if score is None:
        return 0
    return 100 - score if axis == "licence" else score


def top_risks(rows: Sequence[ComponentResult], by_ref: Mapping[str, Component]) -> list[TopRisk]:
    """The :data:`TOP_RISKS` worst (component, axis) pairs at medium or above, worst first."""
    medium = LEVEL_RANK["medium"]
    risks: list[tuple[tuple[Any, ...], ComponentResult, Axis]] = []
    for r in rows:
        for axis in AXES:
            entry = r.axis(axis)
            rank = LEVEL_RANK[entry.level]
            if rank < medium:
                continue
            key = (-rank, -_risk(axis, entry.score), r.name, r.version or "", axis, r.ref)
            risks.append((key, r, axis))
    risks.sort(key=lambda kv: kv[0])
    out = []
    for _, r, axis in risks[:TOP_RISKS]:
        entry = r.axis(axis)
        out.append(
            TopRisk(
                ref=r.ref,
                name=display_name(r.group, r.name, r.ecosystem),
                version=r.version,
                purl=r.purl,
                axis=axis,
                level=entry.level,
                score=entry.score,
                summary=_risk_summary(r, entry, by_ref),
            )
        )
    return out


def _risk_summary(
    r: ComponentResult,
    entry: LockinAxis | LicenceAxis | MaintenanceAxis,
    by_ref: Mapping[str, Component],
) -> str:
    fam = entry.family if isinstance(entry, LockinAxis) else None
    vendor = entry.vendor if isinstance(entry, LockinAxis) else None
    if isinstance(entry, LockinAxis) and fam is not None and vendor is not None:
        text = f"{fam.name} ({vendor.name}, {vendor.jurisdiction or 'jurisdiction unknown'})"
        if entry.alternatives:
            best = entry.alternatives[0]
            text += f"; best alternative {best.name} ({best.swap})"
        else:
            text += "; no open alternative in the catalogue"
        if r.introduced_by:
            names = []
            for ref in r.introduced_by[:3]:
                c = by_ref.get(ref)
                names.append(f"{display_name(c.group, c.name, c.ecosystem)} {c.version or ''}".strip() if c else ref)
            text += f"; reaches you through {', '.join(names)}"
        return text
    first = entry.reasons[0].message if entry.reasons else ""
    if isinstance(entry, LicenceAxis):
        return f"licence {entry.expression or 'unknown'} ({entry.category}); {first}"
    return first
