"""Shape scored components into the JSON report's parts (components, summary, top risks).

Pure functions over the pipeline's results; ``osaudit.audit`` calls them and
``report/report.schema.json`` describes what they build.
"""

from __future__ import annotations

from typing import Any

from osaudit.model import LEVELS, AxisScore, Component, Reason, Sbom
from osaudit.scoring import sovereignty
from osaudit.scoring.lockin import LEVEL_RANK, LockinResult
from osaudit.scoring.policy import LICENCE_CATEGORIES

TOP_RISKS = 20
_AXES = ("lockin", "licence", "maintenance")


def _reason_json(r: Reason) -> dict[str, Any]:
    return {
        "code": r.code,
        "message": r.message,
        "points": r.points,
        "source": r.source,
        "date": r.date,
    }


def _axis_json(axis: AxisScore) -> dict[str, Any]:
    return {
        "score": axis.score if axis.level != "unknown" else None,
        "level": axis.level,
        "reasons": [_reason_json(r) for r in axis.reasons],
    }


def _lockin_json(lock: LockinResult) -> dict[str, Any]:
    fam = lock.family
    out = _axis_json(lock.axis)
    out["family"] = (
        {
            "id": fam.id,
            "name": fam.name,
            "category": fam.category,
            "kind": fam.kind,
            "lock": list(fam.lock),
            "open_standards": list(fam.open_standards),
        }
        if fam
        else None
    )
    out["vendor"] = (
        {
            "name": fam.vendor.name,
            "jurisdiction": lock.vendor_jurisdiction,
            "parent": fam.vendor.parent,
        }
        if fam
        else None
    )
    m = lock.match
    out["match"] = (
        {"method": m.method, "pattern": m.pattern, "confidence": m.confidence} if m else None
    )
    out["alternative_of"] = list(lock.alternative_of)
    out["alternatives"] = [
        {
            "id": o.alternative.id,
            "name": o.alternative.name,
            "homepage": o.alternative.homepage,
            "licence": o.alternative.licence,
            "steward": o.alternative.steward,
            "steward_type": o.alternative.steward_type,
            "jurisdiction": o.jurisdiction,
            "maturity": o.alternative.maturity,
            "swap": o.swap,
            "note": o.note,
        }
        for o in lock.alternatives
    ]
    return out


def _component_json(
    comp: Component,
    direct: bool | None,
    intro: tuple[str, ...],
    lock_json: dict[str, Any],
    lic: dict[str, Any],
    mt_axis: AxisScore,
    mt_facts: dict[str, Any],
) -> dict[str, Any]:
    maint = _axis_json(mt_axis)
    fund = mt_facts.pop("_fund", None) if "_fund" in mt_facts else None
    maint["facts"] = mt_facts
    if fund:
        maint["_fund"] = fund
    return {
        "ref": comp.ref,
        "purl": comp.purl,
        "name": comp.name,
        "version": comp.version,
        "group": comp.group,
        "ecosystem": comp.ecosystem,
        "direct": direct,
        "introduced_by": sorted(intro),
        "cpes": list(comp.cpes),
        "lockin": lock_json,  # shared between components with the same match: read-only
        "licence": lic,
        "maintenance": maint,
    }


def display_name(comp: Component) -> str:
    """``group/name`` when the component has a group (npm scope, Maven groupId), else name."""
    return f"{comp.group}/{comp.name}" if comp.group else comp.name


def _sbom_json(sbom: Sbom, digest: str | None) -> dict[str, Any]:
    doc = sbom.document
    subj = doc.subject
    return {
        "path": sbom.path,
        "sha256": digest,
        "format": doc.format,
        "spec_version": doc.spec_version,
        "encoding": doc.encoding,
        "serial": doc.serial,
        "name": doc.name,
        "created": doc.created,
        "tools": list(doc.tools),
        "subject": (
            {"name": subj.name, "version": subj.version, "purl": subj.purl} if subj else None
        ),
    }


def _row_name(r: dict[str, Any]) -> str:
    return f"{r['group']}/{r['name']}" if r["group"] else str(r["name"])


def _fund_or_replace(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = [
        {"ref": r["ref"], "name": _row_name(r), "reason": r["maintenance"]["_fund"]}
        for r in rows
        if r["maintenance"].get("_fund")
    ]
    return sorted(out, key=lambda e: (e["name"], e["ref"]))


def _summary(
    rows: list[dict[str, Any]],
    controls: list[sovereignty.Control],
    by_ref: dict[str, Component],
    *,
    maint_fund: list[dict[str, Any]],
) -> dict[str, Any]:
    counts = {axis: dict.fromkeys(LEVELS, 0) for axis in _AXES}
    categories: dict[str, int] = dict.fromkeys(LICENCE_CATEGORIES, 0)
    cov = dict.fromkeys(
        ("purl", "cpe_only", "name_only", "licence_known", "catalog_matched", "maintenance_known"),
        0,
    )
    direct = transitive = unknown_depth = 0
    vendors: dict[str, dict[str, Any]] = {}
    for r in rows:
        for axis in _AXES:
            counts[axis][r[axis]["level"]] += 1
        cat = r["licence"]["category"] or "Unknown"
        categories[cat] = categories.get(cat, 0) + 1
        if r["purl"]:
            cov["purl"] += 1
        elif r["cpes"]:
            cov["cpe_only"] += 1
        else:
            cov["name_only"] += 1
        cov["licence_known"] += r["licence"]["level"] != "unknown"
        cov["maintenance_known"] += r["maintenance"]["level"] != "unknown"
        lock = r["lockin"]
        cov["catalog_matched"] += bool(lock["family"] or lock["alternative_of"])
        if r["direct"] is True:
            direct += 1
        elif r["direct"] is False:
            transitive += 1
        else:
            unknown_depth += 1
        if lock["family"]:
            v = vendors.setdefault(
                lock["vendor"]["name"],
                {
                    "name": lock["vendor"]["name"],
                    "jurisdiction": lock["vendor"]["jurisdiction"],
                    "families": set(),
                    "components": 0,
                    "worst_level": "none",
                },
            )
            v["families"].add(lock["family"]["id"])
            v["components"] += 1
            if LEVEL_RANK[lock["level"]] > LEVEL_RANK[v["worst_level"]]:
                v["worst_level"] = lock["level"]
    vendor_list = [{**v, "families": sorted(v["families"])} for v in vendors.values()]
    vendor_list.sort(key=lambda v: (-LEVEL_RANK[v["worst_level"]], v["name"]))
    juris: dict[str, int] = {}
    for c in controls:
        code = c.jurisdiction.upper() if c.jurisdiction else "unknown"
        juris[code] = juris.get(code, 0) + 1
    juris.setdefault("unknown", 0)
    return {
        "components": len(rows),
        "direct": direct,
        "transitive": transitive,
        "depth_unknown": unknown_depth,
        "coverage": cov,
        **counts,
        "licence_categories": dict(sorted(categories.items())),
        "vendors": vendor_list,
        "jurisdictions": dict(sorted(juris.items())),
        "top_risks": _top_risks(rows, by_ref),
        "fund_or_replace": maint_fund,
    }


def _risk(axis: str, entry: dict[str, Any]) -> int:
    score = entry["score"]
    if score is None:
        return 0
    return 100 - score if axis == "licence" else score


def _top_risks(rows: list[dict[str, Any]], by_ref: dict[str, Component]) -> list[dict[str, Any]]:
    risks: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    for r in rows:
        for axis in _AXES:
            entry = r[axis]
            rank = LEVEL_RANK[entry["level"]]
            if rank < LEVEL_RANK["medium"]:
                continue
            item = {
                "ref": r["ref"],
                "name": _row_name(r),
                "version": r["version"],
                "purl": r["purl"],
                "axis": axis,
                "level": entry["level"],
                "score": entry["score"],
                "summary": _risk_summary(axis, r, by_ref),
            }
            key = (-rank, -_risk(axis, entry), r["name"], r["version"] or "", axis, r["ref"])
            risks.append((key, item))
    risks.sort(key=lambda kv: kv[0])
    return [item for _, item in risks[:TOP_RISKS]]


def _risk_summary(axis: str, r: dict[str, Any], by_ref: dict[str, Component]) -> str:
    if axis == "lockin":
        lock = r["lockin"]
        fam, vendor = lock["family"], lock["vendor"]
        text = f"{fam['name']} ({vendor['name']}, {vendor['jurisdiction'] or 'jurisdiction unknown'})"
        if lock["alternatives"]:
            best = lock["alternatives"][0]
            text += f"; best alternative {best['name']} ({best['swap']})"
        else:
            text += "; no open alternative in the catalogue"
        if r["introduced_by"]:
            names = []
            for ref in r["introduced_by"][:3]:
                c = by_ref.get(ref)
                names.append(f"{display_name(c)} {c.version or ''}".strip() if c else ref)
            text += f"; reaches you through {', '.join(names)}"
        return text
    entry = r[axis]
    first = entry["reasons"][0]["message"] if entry["reasons"] else ""
    if axis == "licence":
        return f"licence {r['licence']['expression'] or 'unknown'} ({r['licence']['category']}); {first}"
    return first
