"""Plain data and text views of catalogue entries (for ``catalog`` and ``explain``)."""

from __future__ import annotations

from typing import Any

from osaudit.catalog.resolve import Catalog
from osaudit.model import Alternative, Family, Match


def _juris(code: str | None) -> str:
    return code or "unknown"


def family_json(cat: Catalog, fam: Family) -> dict[str, Any]:
    """Everything the catalogue says about a family, including its alternatives."""
    return {
        "kind_of_entry": "family",
        "id": fam.id,
        "name": fam.name,
        "category": fam.category,
        "vendor": {
            "name": fam.vendor.name,
            "jurisdiction": fam.vendor.jurisdiction,
            "parent": fam.vendor.parent,
            "parent_jurisdiction": fam.vendor.parent_jurisdiction,
        },
        "kind": fam.kind,
        "lock": list(fam.lock),
        "open_standards": list(fam.open_standards),
        "csf": list(fam.csf),
        "purls": list(fam.purls),
        "exclude": list(fam.exclude),
        "cpes": list(fam.cpes),
        "names": list(fam.names),
        "relicensing": [
            {"date": r.date, "from": r.from_licence, "to": r.to_licence, "note": r.note}
            for r in fam.relicensing
        ],
        "versions": [
            {"purls": list(v.purls), "range": v.range, "note": v.note, "sources": list(v.sources)}
            for v in fam.versions
        ],
        "dormant": [
            {"purls": list(d.purls), "bundled_by": list(d.bundled_by),
             "active_when": d.active_when, "sources": list(d.sources)}
            for d in fam.dormant
        ],
        "alternatives": [
            {**alternative_summary(cat, rep.alternative), "swap": rep.swap, "note": rep.note}
            for rep in fam.alternatives
        ],
        "sources": list(fam.provenance.sources),
        "reviewed": fam.provenance.reviewed,
        "unverified": sorted(cat.unverified(fam.id)),
        "notes": fam.notes,
    }


def alternative_summary(cat: Catalog, alt_id: str) -> dict[str, Any]:
    alt = cat.alternatives[alt_id]
    return {
        "id": alt.id,
        "name": alt.name,
        "licence": alt.licence,
        "steward": alt.steward,
        "steward_type": alt.steward_type,
        "jurisdiction": alt.jurisdiction,
        "maturity": alt.maturity,
        "homepage": alt.homepage,
    }


def alternative_json(cat: Catalog, alt: Alternative) -> dict[str, Any]:
    """Everything the catalogue says about an alternative, with the families it replaces."""
    return {
        "kind_of_entry": "alternative",
        **alternative_summary(cat, alt.id),
        "client_purls": list(alt.client_purls),
        "endorsements": list(alt.endorsements),
        "replaces": [
            {"family": fid, "name": cat.families[fid].name, "swap": rep.swap, "note": rep.note}
            for fid, rep in cat.replaces(alt.id)
        ],
        "sources": list(alt.provenance.sources),
        "reviewed": alt.provenance.reviewed,
        "unverified": sorted(cat.unverified(alt.id)),
        "notes": alt.notes,
    }


def entry_json(cat: Catalog, entry_id: str) -> dict[str, Any] | None:
    fam = cat.families.get(entry_id)
    if fam is not None:
        return family_json(cat, fam)
    alt = cat.alternatives.get(entry_id)
    return alternative_json(cat, alt) if alt is not None else None


def match_json(m: Match) -> dict[str, str]:
    out = {"method": m.method, "pattern": m.pattern, "confidence": m.confidence}
    if m.version_range and m.version_status:
        out |= {"version_range": m.version_range, "version_status": m.version_status}
        if m.version_note:
            out["version_note"] = m.version_note
    return out


def _list(values: list[str]) -> str:
    return ", ".join(values) if values else "none"


def family_text(data: dict[str, Any], indent: str = "") -> list[str]:
    """Text lines for ``family_json`` output."""
    v = data["vendor"]
    vendor = f"{v['name']} ({_juris(v['jurisdiction'])})"
    if v.get("parent"):
        vendor += f", part of {v['parent']} ({_juris(v.get('parent_jurisdiction'))})"
    lines = [
        f"{indent}family {data['id']}: {data['name']}",
        f"{indent}  category:       {data['category']}",
        f"{indent}  vendor:         {vendor}",
        f"{indent}  kind:           {data['kind']}",
        f"{indent}  lock:           {_list(data['lock'])}",
        f"{indent}  open standards: {_list(data['open_standards'])}",
        f"{indent}  CSF objectives: {_list(data['csf'])}",
    ]
    for r in data["relicensing"]:
        lines.append(
            f"{indent}  relicensed:     {r['date']} {r['from'] or 'unknown'} -> {r['to']}"
            + (f" ({r['note']})" if r["note"] else "")
        )
    for v in data.get("versions", ()):
        lines.append(
            f"{indent}  locks only:     {_list(v['purls'])} {v['range']}"
            + (f" ({v['note']})" if v["note"] else "")
        )
    for d in data.get("dormant", ()):
        lines.append(
            f"{indent}  dormant:        {_list(d['purls'])} when bundled by "
            f"{_list(d['bundled_by'])}; active only when {d['active_when']}"
        )
    if data["unverified"]:
        lines.append(f"{indent}  unverified:     {_list(data['unverified'])} (treated as unknown)")
    if data["alternatives"]:
        lines.append(f"{indent}  alternatives:")
        for a in data["alternatives"]:
            lines.append(
                f"{indent}    - {a['id']} ({a['name']}): {a['licence']}, steward {a['steward']} "
                f"({a['steward_type']}, {_juris(a['jurisdiction'])}), swap {a['swap']}"
                + (f": {a['note']}" if a["note"] else "")
            )
    else:
        lines.append(f"{indent}  alternatives:   none in the catalogue")
    if data["notes"]:
        lines.append(f"{indent}  notes:          {data['notes']}")
    lines.append(
        f"{indent}  sources:        {_list(data['sources'])} (reviewed {data['reviewed']})"
    )
    return lines


def alternative_text(data: dict[str, Any], indent: str = "") -> list[str]:
    """Text lines for ``alternative_json`` output."""
    lines = [
        f"{indent}alternative {data['id']}: {data['name']}",
        f"{indent}  licence:        {data['licence']}",
        f"{indent}  steward:        {data['steward']} ({data['steward_type']}, "
        f"{_juris(data['jurisdiction'])})",
        f"{indent}  maturity:       {data['maturity']}",
        f"{indent}  homepage:       {data['homepage']}",
        f"{indent}  endorsements:   {_list(data['endorsements'])}",
        f"{indent}  client purls:   {_list(data['client_purls'])}",
        f"{indent}  replaces:",
    ]
    for r in data["replaces"]:
        lines.append(
            f"{indent}    - {r['family']} ({r['name']}), swap {r['swap']}"
            + (f": {r['note']}" if r["note"] else "")
        )
    for v in data.get("versions", ()):
        lines.append(
            f"{indent}  locks only:     {_list(v['purls'])} {v['range']}"
            + (f" ({v['note']})" if v["note"] else "")
        )
    if data["unverified"]:
        lines.append(f"{indent}  unverified:     {_list(data['unverified'])} (treated as unknown)")
    if data["notes"]:
        lines.append(f"{indent}  notes:          {data['notes']}")
    lines.append(
        f"{indent}  sources:        {_list(data['sources'])} (reviewed {data['reviewed']})"
    )
    return lines


def entry_text(data: dict[str, Any], indent: str = "") -> list[str]:
    if data["kind_of_entry"] == "family":
        return family_text(data, indent)
    return alternative_text(data, indent)
