"""Turn validated raw catalogue entries into ``model.Family`` / ``model.Alternative``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from osaudit.model import (
    Alternative,
    CatchAllLink,
    DormantScope,
    Family,
    LicenceChange,
    Provenance,
    Replacement,
    Vendor,
    VersionScope,
)

_SWAP_ORDER = {"api-compatible": 0, "adapter": 1, "rewrite": 2}


def _t(value: Any) -> tuple[str, ...]:
    return tuple(value or ())


def _provenance(raw: dict[str, Any]) -> Provenance:
    return Provenance(sources=_t(raw.get("sources")), reviewed=str(raw.get("reviewed", "")))


def build_family(raw: dict[str, Any], alternatives: tuple[Replacement, ...]) -> Family:
    vendor = raw["vendor"]
    return Family(
        id=raw["id"],
        name=raw["name"],
        category=raw["category"],
        vendor=Vendor(
            name=vendor["name"],
            jurisdiction=vendor.get("jurisdiction"),
            parent=vendor.get("parent"),
            parent_jurisdiction=vendor.get("parent_jurisdiction"),
        ),
        kind=raw["kind"],
        lock=_t(raw.get("lock")),
        open_standards=_t(raw.get("open_standards")),
        purls=_t(raw.get("purls")),
        exclude=_t(raw.get("exclude")),
        cpes=_t(raw.get("cpes")),
        names=_t(raw.get("names")),
        csf=tuple(sorted(raw.get("csf") or ())),
        alternatives=alternatives,
        relicensing=tuple(
            LicenceChange(
                date=str(r["date"]),
                from_licence=r.get("from"),
                to_licence=r["to"],
                note=r.get("note") or "",
            )
            for r in sorted(raw.get("relicensing") or (), key=lambda r: str(r["date"]))
        ),
        provenance=_provenance(raw),
        notes=raw.get("notes") or "",
        versions=tuple(
            VersionScope(
                purls=_t(v.get("purls")),
                range=str(v["range"]),
                note=v.get("note") or "",
                sources=_t(v.get("sources")),
            )
            for v in raw.get("versions") or ()
        ),
        via_catch_all=_catch_all(raw.get("via_catch_all")),
        dormant=tuple(
            DormantScope(
                purls=_t(d.get("purls")),
                bundled_by=_t(d.get("bundled_by")),
                active_when=str(d.get("active_when") or ""),
                sources=_t(d.get("sources")),
            )
            for d in raw.get("dormant") or ()
        ),
    )


def _catch_all(raw: dict[str, Any] | None) -> CatchAllLink | None:
    if not raw:
        return None
    return CatchAllLink(
        family=raw["family"],
        evidence=_t(raw.get("evidence")),
        note=raw.get("note") or "",
        sources=_t(raw.get("sources")),
    )


def build_alternative(raw: dict[str, Any]) -> Alternative:
    steward = raw["steward"]
    return Alternative(
        id=raw["id"],
        name=raw["name"],
        homepage=raw["homepage"],
        licence=raw.get("licence") or "NOASSERTION",
        steward=steward["name"],
        steward_type=steward["type"],
        jurisdiction=steward.get("jurisdiction"),
        maturity=raw["maturity"],
        client_purls=_t(raw.get("client_purls")),
        endorsements=_t(raw.get("endorsements")),
        provenance=_provenance(raw),
        notes=raw.get("notes") or "",
    )


def build_entries(
    entries: Iterable[tuple[str, dict[str, Any]]],
) -> tuple[dict[str, Family], dict[str, Alternative], dict[str, frozenset[str]]]:
    """``(kind, raw)`` pairs -> families, alternatives and unverified fields by id.

    A family's alternatives come from the alternatives' ``replaces`` edges, sorted
    by swap effort then alternative id. An alternative with a null licence gets
    ``NOASSERTION`` and ``licence`` counts as unverified.
    """
    fam_raw: dict[str, dict[str, Any]] = {}
    alternatives: dict[str, Alternative] = {}
    edges: dict[str, list[Replacement]] = {}
    unverified: dict[str, frozenset[str]] = {}
    for kind, raw in entries:
        fields = set(raw.get("unverified") or ())
        if kind == "families":
            fam_raw[raw["id"]] = raw
        else:
            alternatives[raw["id"]] = build_alternative(raw)
            if raw.get("licence") is None:
                fields.add("licence")
            for rep in raw.get("replaces") or ():
                edges.setdefault(rep["family"], []).append(
                    Replacement(raw["id"], rep["swap"], rep.get("note") or "")
                )
        if fields:
            unverified[raw["id"]] = frozenset(fields)
    families = {
        fid: build_family(
            raw,
            tuple(sorted(edges.get(fid, ()), key=lambda r: (_SWAP_ORDER[r.swap], r.alternative))),
        )
        for fid, raw in fam_raw.items()
    }
    return families, alternatives, unverified
