"""Vendor lock-in risk per component, from its catalogue match (pure).

The score is a RISK from 0 (no lock) to 100: the sum of the points of the
reasons, clamped to 0..100. Every rule, weight and worked example is in
``docs/scoring.md`` (section "Lock-in"); change both together.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from osaudit.model import Alternative, AxisScore, Component, Family, Level, Match, Reason
from osaudit.scoring.conditions import Condition

Unverified = Callable[[str], Collection[str]]
"""Entry id -> names of fields the catalogue could not confirm (treated as unknown)."""


def _none_unverified(entry_id: str) -> Collection[str]:
    return ()


#: Base points by family kind (rule LI-KIND).
KIND_POINTS: dict[str, int] = {
    "proprietary-licence": 70,
    "proprietary-service-sdk": 60,
    "source-available": 55,
    "open-source-single-vendor": 30,
    "open-standard": 10,
}
#: Points for a kind the table does not know (newer catalogue vocabulary).
UNKNOWN_KIND_POINTS = 40

#: Points per lock factor (rule LI-LOCK); the sum is capped at LOCK_CAP.
LOCK_POINTS: dict[str, int] = {
    "proprietary-licence": 10,
    "hosted-only": 8,
    "proprietary-api": 8,
    "proprietary-protocol": 8,
    "data-gravity": 8,
    "source-available-licence": 8,
    "proprietary-data-format": 6,
    "relicensing": 6,
    "account-identity": 4,
    "egress-costs": 4,
    "ecosystem-bundling": 4,
    "single-vendor-governance": 4,
}
UNKNOWN_LOCK_POINTS = 4
LOCK_CAP = 20

#: An open, multi-vendor standard gives an exit path (rule LI-OPEN-STD).
OPEN_STANDARD_POINTS = -10

#: The best alternative's swap type (rule LI-SWAP); None = no alternative known.
SWAP_POINTS: dict[str | None, int] = {
    "api-compatible": -15,
    "adapter": -8,
    "rewrite": 0,
    None: 10,
}

#: Vendor jurisdiction (rule LI-JURISDICTION).
NON_EU_POINTS = 5
EU_POINTS = -5

#: Only a transitive dependency (rule LI-TRANSITIVE).
TRANSITIVE_POINTS = -10

#: Low-confidence (name-only) matches are capped at the top of "medium".
LOW_CONFIDENCE_CAP = 49

#: A lock-in that may not be in effect (rules LI-SCOPE, LI-DORMANT) is capped at the top
#: of "low": the lock exists only once someone installs or configures the component.
CONDITIONAL_CAP = 24

#: The 27 EU member states (ISO 3166-1 alpha-2) plus "EU" for EU institutions.
EU_JURISDICTIONS: frozenset[str] = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "EU",
    }
)


_SWAP_RANK = {"api-compatible": 0, "adapter": 1, "rewrite": 2}
_JURIS_RANK = {"eu": 0, "neutral": 1, "non-eu": 2, "unknown": 3}
_MATURITY_RANK = {"stable": 0, "beta": 1, "development": 2, "concept": 3, "obsolete": 4}
#: Steward governance: several parties decide (no new single-vendor lock) before a
#: community, before one company.
_STEWARD_RANK = {"public-body": 0, "foundation": 0, "association": 0, "community": 1, "company": 2}
#: The licence of a service used under its terms of service (catalog/README.md).
SERVICE_TERMS = "LicenseRef-service-terms"


def level_for(score: int) -> Level:
    """Map a 0..100 risk score: 0 none, 1-24 low, 25-49 medium, 50-74 high, 75+ critical."""
    if score <= 0:
        return "none"
    if score < 25:
        return "low"
    if score < 50:
        return "medium"
    if score < 75:
        return "high"
    return "critical"


#: Stateless international communities: neither EU nor non-EU control.
NEUTRAL_JURISDICTIONS: frozenset[str] = frozenset({"INT"})


def classify(jurisdiction: str | None) -> str:
    """``eu`` (27 member states or ``EU``), ``neutral`` (``INT``), ``non-eu`` or ``unknown``."""
    if not jurisdiction:
        return "unknown"
    code = jurisdiction.upper()
    if code in EU_JURISDICTIONS:
        return "eu"
    if code in NEUTRAL_JURISDICTIONS:
        return "neutral"
    return "non-eu"


def is_eu(jurisdiction: str | None) -> bool | None:
    """True for an EU member state or "EU", False for another state, None otherwise."""
    kind = classify(jurisdiction)
    return None if kind in ("unknown", "neutral") else kind == "eu"


@dataclass(frozen=True, slots=True)
class AlternativeOption:
    """One way out of a family: the alternative and how hard the swap is."""

    alternative: Alternative
    swap: str
    note: str
    jurisdiction: str | None  # steward jurisdiction, None when unknown or unverified


@dataclass(frozen=True, slots=True)
class LockinResult:
    """Lock-in of one component: the axis score plus the catalogue evidence behind it."""

    axis: AxisScore
    family: Family | None
    match: Match | None
    vendor_jurisdiction: str | None  # None when unknown or unverified
    alternatives: tuple[AlternativeOption, ...]
    alternative_of: tuple[str, ...]


def rank_alternatives(
    family: Family,
    alternatives: Mapping[str, Alternative],
    unverified: Unverified | None = None,
) -> tuple[AlternativeOption, ...]:
    """The family's alternatives, best first.

    Order: swap type (api-compatible, adapter, rewrite); steward in the EU,
    then international (INT), then elsewhere, then unknown; maturity (stable
    first); steward governance (public body, foundation or association, then
    community, then company); licence (open-source software, then licence not
    confirmed, then a service under its terms); more endorsements first; then
    id. Replacements whose alternative is missing from the catalogue are skipped.
    """
    unverified = unverified or _none_unverified
    options: list[AlternativeOption] = []
    for repl in family.alternatives:
        alt = alternatives.get(repl.alternative)
        if alt is None:
            continue
        juris = alt.jurisdiction
        if "steward.jurisdiction" in unverified(alt.id):
            juris = None
        options.append(AlternativeOption(alt, repl.swap, repl.note, juris))

    def key(opt: AlternativeOption) -> tuple[int, int, int, int, int, int, str]:
        alt = opt.alternative
        return (
            _SWAP_RANK.get(opt.swap, 3),
            _JURIS_RANK[classify(opt.jurisdiction)],
            _MATURITY_RANK.get(alt.maturity, 5),
            _STEWARD_RANK.get(alt.steward_type, 3),
            _licence_rank(alt, unverified),
            -len(alt.endorsements),
            alt.id,
        )

    return tuple(sorted(options, key=key))


def _licence_rank(alt: Alternative, unverified: Unverified) -> int:
    """0 open-source software, 1 licence not confirmed, 2 a service under its terms."""
    if alt.licence == SERVICE_TERMS:
        return 2
    if alt.licence == "NOASSERTION" or "licence" in unverified(alt.id):
        return 1
    return 0


def controlling_jurisdiction(family: Family, unverified: Unverified | None = None) -> str | None:
    """The vendor's ultimate parent's jurisdiction when recorded, else the vendor's own.

    A field listed as unverified in the catalogue counts as unknown.
    """
    skip = unverified(family.id) if unverified else ()
    vendor = family.vendor
    if vendor.parent_jurisdiction and "vendor.parent_jurisdiction" not in skip:
        return vendor.parent_jurisdiction
    if vendor.jurisdiction and "vendor.jurisdiction" not in skip:
        return vendor.jurisdiction
    return None


def has_identity(component: Component) -> bool:
    """A component can be resolved only with a purl or a CPE."""
    return bool(component.purl or component.cpes)


def score_lockin(
    component: Component,
    match: Match | None,
    family: Family | None,
    alternatives: Mapping[str, Alternative],
    *,
    direct: bool | None,
    alternative_of: Sequence[str] = (),
    unverified: Unverified | None = None,
    outside: Sequence[tuple[Match, Family]] = (),
    condition: Condition | None = None,
) -> LockinResult:
    """Score the lock-in of one component.

    ``match``/``family`` are the best family match (or None); ``alternatives``
    is the catalogue's alternatives by id; ``direct`` is True/False/None
    (unknown); ``alternative_of`` lists the alternatives whose client the
    component is; ``unverified(entry_id)`` gives fields to treat as unknown;
    ``outside`` the family matches dropped because the version does not lock;
    ``condition`` why the lock may not be in effect (SBOM scope, dormant bundle).
    """
    alt_of = tuple(sorted(set(alternative_of)))
    if (family is None or match is None) and outside:
        reasons = tuple(_outside_reason(component, m, f) for m, f in outside)
        return LockinResult(AxisScore(0, "none", reasons), None, None, None, (), alt_of)
    if family is None or match is None:
        if not has_identity(component) and not alt_of:
            reason = Reason(
                "LI-NO-IDENTITY",
                "no purl and no CPE: the component cannot be looked up in the catalogue",
                0,
                "sbom",
            )
            return LockinResult(AxisScore(None, "unknown", (reason,)), None, None, None, (), alt_of)
        msg = "no catalogue match"
        if alt_of:
            msg += "; client of the open alternative " + ", ".join(alt_of)
        reason = Reason("LI-NO-MATCH", msg, 0, "catalog")
        return LockinResult(AxisScore(0, "none", (reason,)), None, None, None, (), alt_of)
    return _score_family(
        match, family, alternatives, direct, alt_of, unverified or _none_unverified, condition
    )


def _outside_reason(component: Component, match: Match, family: Family) -> Reason:
    note = f": {match.version_note}" if match.version_note else ""
    return Reason(
        "LI-VERSION-OUTSIDE",
        f"{component.name} {component.version or ''}".rstrip()
        + f" is outside the versions of {family.name} that lock ({match.version_range}){note}",
        0,
        f"catalog:{family.id}",
        family.provenance.reviewed or None,
    )


def _score_family(
    match: Match,
    family: Family,
    alternatives: Mapping[str, Alternative],
    direct: bool | None,
    alt_of: tuple[str, ...],
    unverified: Unverified,
    condition: Condition | None = None,
) -> LockinResult:
    src = f"catalog:{family.id}"
    date = family.provenance.reviewed or None
    reasons: list[Reason] = []

    kind_pts = KIND_POINTS.get(family.kind, UNKNOWN_KIND_POINTS)
    reasons.append(
        Reason("LI-KIND", f"{family.name}: kind {family.kind} (+{kind_pts})", kind_pts, src, date)
    )

    lock_pts = sum(LOCK_POINTS.get(f, UNKNOWN_LOCK_POINTS) for f in family.lock)
    capped = min(lock_pts, LOCK_CAP)
    if family.lock:
        cap_note = f", capped at {LOCK_CAP}" if lock_pts > LOCK_CAP else ""
        reasons.append(
            Reason(
                "LI-LOCK",
                f"locked by {', '.join(family.lock)} (+{capped}{cap_note})",
                capped,
                src,
                date,
            )
        )

    if family.open_standards:
        reasons.append(
            Reason(
                "LI-OPEN-STD",
                f"open-standard exit path: {', '.join(family.open_standards)} "
                f"({OPEN_STANDARD_POINTS})",
                OPEN_STANDARD_POINTS,
                src,
                date,
            )
        )

    options = rank_alternatives(family, alternatives, unverified)
    best = options[0] if options else None
    swap = best.swap if best else None
    swap_pts = SWAP_POINTS.get(swap, 0)
    if best is None:
        swap_msg = f"no open alternative known in the catalogue (+{swap_pts})"
    else:
        swap_msg = f"best alternative {best.alternative.name}: {swap} swap ({swap_pts:+d})"
    reasons.append(Reason("LI-SWAP", swap_msg, swap_pts, src, date))

    juris = controlling_jurisdiction(family, unverified)
    eu = is_eu(juris)
    if juris and eu is None:
        reasons.append(
            Reason(
                "LI-JURISDICTION",
                f"vendor {family.vendor.name}: international community ({juris}) (0)",
                0,
                src,
                date,
            )
        )
    elif eu is None:
        reasons.append(
            Reason(
                "LI-JURISDICTION",
                f"vendor {family.vendor.name}: jurisdiction unknown (0)",
                0,
                src,
                date,
            )
        )
    elif eu:
        reasons.append(
            Reason(
                "LI-JURISDICTION",
                f"vendor {family.vendor.name} under EU jurisdiction ({juris}) ({EU_POINTS})",
                EU_POINTS,
                src,
                date,
            )
        )
    else:
        reasons.append(
            Reason(
                "LI-JURISDICTION",
                f"vendor {family.vendor.name} outside the EU ({juris}) (+{NON_EU_POINTS})",
                NON_EU_POINTS,
                src,
                date,
            )
        )

    if direct is False:
        reasons.append(
            Reason(
                "LI-TRANSITIVE",
                f"only a transitive dependency ({TRANSITIVE_POINTS})",
                TRANSITIVE_POINTS,
                "sbom",
            )
        )

    if match.version_status == "unknown":
        reasons.append(
            Reason(
                "LI-VERSION-UNKNOWN",
                f"only versions {match.version_range} lock and {match.version_note}: "
                f"counted as locking, match confidence lowered to {match.confidence} (0)",
                0,
                src,
                date,
            )
        )

    total = sum(r.points for r in reasons)
    if match.confidence == "low" and total > LOW_CONFIDENCE_CAP:
        cut = LOW_CONFIDENCE_CAP - total
        reasons.append(
            Reason(
                "LI-LOW-CONFIDENCE",
                f"matched by {match.method} only ({match.pattern}): capped at medium ({cut})",
                cut,
                src,
                date,
            )
        )
        total = LOW_CONFIDENCE_CAP

    if condition is not None:
        cut = min(0, CONDITIONAL_CAP - total)
        reasons.append(
            Reason(
                condition.code,
                f"{condition.message}: counted as a conditional lock-in, capped at low ({cut})",
                cut,
                condition.source,
                date if condition.source == src else None,
            )
        )
        total += cut

    score = max(0, min(100, total))
    axis = AxisScore(score, level_for(score), tuple(reasons))
    return LockinResult(axis, family, match, juris, options, alt_of)
