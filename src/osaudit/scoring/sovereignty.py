"""Sovereignty of an application at the software layer (pure).

Who controls the application's vendor products and under which jurisdiction:
the share of distinct controlling vendors of lock-in families (a vendor with
29 Sentry packages counts once) that sits outside the EU; the stewards of the
open alternatives in use, reported separately (they are not a lock); and the
EU Cloud Sovereignty Framework (CSF) objectives weakened, each with its
components.

EU means the 27 member states plus ``EU`` (EU institutions). EEA-only states
(IS, LI, NO), Switzerland (CH) and the United Kingdom (GB) count as non-EU:
GDPR or adequacy decisions do not make them subject to EU law as a whole.
``INT`` (stateless international communities) is counted in
``by_jurisdiction`` but left out of the share: neither EU nor non-EU control
is established.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "CSF_TITLES",
    "LIMITS",
    "NEUTRAL_JURISDICTIONS",
    "Control",
    "Party",
    "assess",
    "classify",
]

from osaudit.scoring.lockin import NEUTRAL_JURISDICTIONS, classify

#: CSF objectives (European Commission, Cloud Sovereignty Framework v1.2.1, 2025).
CSF_TITLES: dict[str, str] = {
    "SOV-1": "Strategic sovereignty",
    "SOV-2": "Legal & jurisdictional sovereignty",
    "SOV-3": "Data & AI sovereignty",
    "SOV-4": "Operational sovereignty",
    "SOV-5": "Supply-chain sovereignty",
    "SOV-6": "Technology sovereignty",
    "SOV-7": "Security & compliance",
    "SOV-8": "Environmental sustainability",
}

LIMITS: tuple[str, ...] = (
    "osaudit reads the software bill of materials only: it cannot see where the application "
    "is hosted, which region or operator runs it, or who can access the servers.",
    "Operator contracts, support arrangements, staff location and exit clauses are outside "
    "the SBOM and must be assessed in procurement documents.",
    "Data residency, data flows to third-party services configured at run time (endpoints, "
    "DSNs, API base URLs) and tracking tags added outside the package graph are not visible.",
    "Key management (who holds encryption keys, HSMs, customer-managed keys) and "
    "certifications (SecNumCloud, C5, EUCS, ISO 27001) cannot be inferred from packages.",
    "An S3- or OIDC-compatible client says nothing about which provider it talks to: an "
    "api-compatible swap may already be in place through configuration.",
    "Jurisdiction is the seat of the controlling entity as recorded in the catalogue; "
    "subsidiaries, parent companies and extraterritorial laws (e.g. US CLOUD Act) are "
    "described only where the catalogue records them.",
    "Hardware, firmware and environmental objectives (CSF SOV-5 hardware provenance, SOV-8) "
    "are not assessed.",
)


@dataclass(frozen=True, slots=True)
class Control:
    """Who controls one matched component: jurisdiction (None unknown) and CSF tags."""

    ref: str
    jurisdiction: str | None
    csf: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Party:
    """A controlling vendor (or an alternative's steward) and what of it is in use."""

    name: str
    jurisdiction: str | None
    entries: tuple[str, ...] = ()  # family ids (vendors) or alternative ids (stewards)


def _parties(parties: Iterable[Party]) -> list[dict[str, object]]:
    return [
        {"name": p.name, "jurisdiction": p.jurisdiction, "entries": sorted(p.entries)}
        for p in sorted(parties, key=lambda p: (p.name, p.jurisdiction or ""))
    ]


def assess(
    controls: Iterable[Control],
    vendors: Iterable[Party] = (),
    stewards: Iterable[Party] = (),
) -> dict[str, object]:
    """The report's ``sovereignty`` object.

    ``vendors`` are the distinct controlling vendors of the lock-in families in
    use: the share and ``by_jurisdiction`` count them. ``stewards`` are the
    stewards of the open alternatives whose clients are in use, listed apart.
    ``controls`` (one per matched component) give the CSF objectives.
    """
    vendor_list = list(vendors)
    by_juris: dict[str, int] = {}
    eu = non_eu = other = 0
    for v in vendor_list:
        kind = classify(v.jurisdiction)
        code = v.jurisdiction.upper() if v.jurisdiction else "unknown"
        by_juris[code] = by_juris.get(code, 0) + 1
        if kind == "eu":
            eu += 1
        elif kind == "non-eu":
            non_eu += 1
        else:
            other += 1
    csf: dict[str, set[str]] = {}
    for c in controls:
        for obj in c.csf:
            csf.setdefault(obj, set()).add(c.ref)
    known = eu + non_eu
    share = round(non_eu / known, 4) if known else None
    counted = (
        f"distinct controlling vendors of the lock-in vendor products in use: {len(vendor_list)} "
        f"({non_eu} outside the EU, {eu} in the EU, {other} international or unknown, left out "
        "of the share); stewards of open alternatives are listed apart"
    )
    return {
        "non_eu_share": share,
        "counted": counted,
        "by_jurisdiction": dict(sorted(by_juris.items())),
        "vendors": _parties(vendor_list),
        "open_alternative_stewards": _parties(stewards),
        "csf": [
            {"objective": obj, "title": CSF_TITLES.get(obj, obj), "components": sorted(refs)}
            for obj, refs in sorted(csf.items(), key=lambda kv: _objective_key(kv[0]))
        ],
        "limits": list(LIMITS),
    }


def _objective_key(obj: str) -> tuple[int, str]:
    try:
        return (int(obj.split("-", 1)[1]), obj)
    except (IndexError, ValueError):
        return (99, obj)
