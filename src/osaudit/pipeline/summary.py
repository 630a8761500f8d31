"""The report's ``summary``: counts per axis and level, coverage, vendors, top risks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from osaudit.model import LEVELS, Component, Level
from osaudit.naming import display_name
from osaudit.pipeline.products import product_row
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
from osaudit.scoring.products import Product
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
    products: Sequence[Product] = (),
) -> Summary:
    """The summary of the scored rows (``rows`` in report order) and vendor products."""
    counts: dict[str, dict[Level, int]] = {axis: dict.fromkeys(LEVELS, 0) for axis in AXES}
    categories: dict[str, int] = dict.fromkeys(LICENCE_CATEGORIES, 0)
    purl = cpe_only = name_only = licence_known = maintenance_known = matched = 0
    licence_registry = 0
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
        known = r.licence.level != "unknown"
        licence_known += known
        licence_registry += known and r.licence.source not in ("sbom", None)
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
    for v in vendors.values():  # a vendor's worst level is its products', not its plumbing's
        v["worst_level"] = "none"
        v["products"] = 0
    for p in products:
        v = vendors[p.family.vendor.name]
        v["products"] += 1
        if LEVEL_RANK[p.level] > LEVEL_RANK[v["worst_level"]]:
            v["worst_level"] = p.level
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
            licence_unknown=len(rows) - licence_known,
            licence_from_registry=licence_registry,
            catalog_matched=matched,
            maintenance_known=maintenance_known,
        ),
        lockin=LevelCounts(**lock_counts),
        licence=LevelCounts(**lic_counts),
        maintenance=LevelCounts(**mt_counts),
        licence_categories=dict(sorted(categories.items())),
        vendors=tuple(vendor_list),
        vendor_products=tuple(product_row(p) for p in products),
        jurisdictions=dict(sorted(juris.items())),
        top_risks=tuple(top_risks(rows, by_ref, products)),
        fund_or_replace=tuple(fund),
    )


def _risk(axis: Axis, score: int | None) -> int:
    if score is None:
        return 0
    return 100 - score if axis == "licence" else score


def top_risks(
    rows: Sequence[ComponentResult],
    by_ref: Mapping[str, Component],
    products: Sequence[Product] = (),
) -> list[TopRisk]:
    """The :data:`TOP_RISKS` worst findings at medium or above, worst first.

    Lock-in counts once per vendor product (named by its family) when products are given.
    """
    medium = LEVEL_RANK["medium"]
    risks: list[tuple[tuple[Any, ...], ComponentResult | Product, Axis]] = []
    grouped = {ref for p in products for ref in p.refs}
    for p in products:
        rank = LEVEL_RANK[p.level]
        if rank >= medium:
            first = p.clients[0]
            risks.append(((-rank, -(p.score or 0), p.family.name, "", "lockin", first.ref), p, "lockin"))
    for r in rows:
        for axis in AXES:
            if axis == "lockin" and r.ref in grouped:
                continue
            entry = r.axis(axis)
            rank = LEVEL_RANK[entry.level]
            if rank < medium:
                continue
            key = (-rank, -_risk(axis, entry.score), r.name, r.version or "", axis, r.ref)
            risks.append((key, r, axis))
    risks.sort(key=lambda kv: kv[0])
    row_by_ref = {r.ref: r for r in rows}
    out = []
    for _, item, axis in risks[:TOP_RISKS]:
        if isinstance(item, Product):
            out.append(_product_risk(item, row_by_ref, by_ref))
            continue
        r = item
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


def _product_risk(
    p: Product, rows: Mapping[str, ComponentResult], by_ref: Mapping[str, Component]
) -> TopRisk:
    fam = p.family
    first = p.clients[0]
    clients = ", ".join(f"{m.name} {m.version or ''}".strip() for m in p.clients[:3])
    more = f" and {len(p.clients) - 3} more" if len(p.clients) > 3 else ""
    text = f"{fam.vendor.name}: {len(p.clients)} client(s) ({clients}{more})"
    if p.plumbing:
        text += f" and {len(p.plumbing)} package(s) of plumbing under them"
    if p.exits:
        best = p.exits[0]
        text += f"; best exit {best.option.alternative.name} ({best.option.swap}"
        text += f", {best.basis})" if best.basis != "catalogue" else ")"
    else:
        text += "; no open alternative in the catalogue"
    through: list[str] = []
    for m in p.clients:
        row = rows.get(m.ref)
        for ref in row.introduced_by if row is not None else ():
            c = by_ref.get(ref)
            label = f"{display_name(c.group, c.name)} {c.version or ''}".strip() if c else ref
            if label not in through:
                through.append(label)
    if through:
        text += f"; reaches you through {', '.join(through[:3])}"
    return TopRisk(
        ref=first.ref,
        name=fam.name,
        version=None,
        purl=first.purl,
        axis="lockin",
        level=p.level,  # type: ignore[arg-type]
        score=p.score,
        summary=text,
    )


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
