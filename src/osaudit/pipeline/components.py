"""Score every component on the three axes: one :class:`ComponentResult` per component.

Axis objects are built once per distinct input (catalogue match, licence set)
and shared between rows: they are frozen, so sharing is safe.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from osaudit.catalog import Catalog
from osaudit.metadata.collect import collect
from osaudit.metadata.config import MetadataConfig
from osaudit.metadata.interface import MetadataResult
from osaudit.model import AxisScore, Component, Family, Sbom
from osaudit.naming import display_name
from osaudit.report.model import (
    AlternativeOption,
    ComponentResult,
    FamilyRef,
    LicenceAxis,
    LockinAxis,
    MaintenanceAxis,
    MatchInfo,
    Swap,
    VendorRef,
)
from osaudit.sbom.graph import direct_refs, introduced_by
from osaudit.scoring import sovereignty
from osaudit.scoring.licence import score_licence
from osaudit.scoring.lockin import LockinResult, controlling_jurisdiction, score_lockin
from osaudit.scoring.maintenance import facts_to_json, is_fund_or_replace, score_maintenance
from osaudit.scoring.verdict import Findings


@dataclass(frozen=True, slots=True)
class Scored:
    """One component scored: its report row plus what the verdict and summary need."""

    row: ComponentResult
    findings: Findings
    control: sovereignty.Control | None
    fund_or_replace: str | None  # why to fund or replace it, or None


@dataclass(frozen=True, slots=True)
class Depth:
    """Direct dependencies (None when the SBOM has no usable graph) and who pulls in the rest."""

    direct: frozenset[str] | None
    introduced: dict[str, tuple[str, ...]]

    def of(self, ref: str) -> bool | None:
        return None if self.direct is None else ref in self.direct


def depth(sbom: Sbom) -> Depth:
    """Direct vs transitive and, for transitive components, the direct ones that pull them in."""
    direct = direct_refs(sbom)
    if direct is None:
        return Depth(None, {})
    transitive = [c.ref for c in sbom.components if c.ref not in direct]
    return Depth(direct, dict(introduced_by(sbom, transitive)))


LicenceScorer = Callable[[Component, Family | None], LicenceAxis]
MaintenanceScorer = Callable[[Component], tuple[MaintenanceAxis, str | None]]


def licence_scorer(project_licence: str | None) -> LicenceScorer:
    """Score licences once per distinct (licences, relicensing) pair."""
    cache: dict[tuple[Any, ...], LicenceAxis] = {}

    def score(comp: Component, family: Family | None) -> LicenceAxis:
        relic = family.relicensing if family is not None else ()
        key = (comp.licences_declared, comp.licences_concluded, relic)
        hit = cache.get(key)
        if hit is None:
            res = score_licence(
                comp.licences_declared,
                comp.licences_concluded,
                project_licence=project_licence,
                relicensing=relic,
            )
            hit = cache[key] = LicenceAxis(
                score=_score(res.axis),
                level=res.axis.level,
                reasons=res.axis.reasons,
                raw=res.raw,
                expression=res.expression,
                category=res.category,
                osi_approved=res.osi_approved,
                fsf_libre=res.fsf_libre,
                open_source=res.open_source,
                compatible=res.compatible,
                compatibility_note=res.compatibility_note,
            )
        return hit

    return score


def collect_metadata(
    components: Sequence[Component],
    config: MetadataConfig | None,
    *,
    offline: bool,
    now: datetime,
) -> MetadataResult:
    """Facts from the cache or the network (``config`` None: defaults, ``offline`` as given)."""
    if config is None:
        config = MetadataConfig.from_options(offline=offline, quiet=True)
    return collect(components, config, now=now)


def maintenance_scorer(result: MetadataResult | None, now: datetime) -> MaintenanceScorer:
    """Score maintenance from collected facts (``result`` None: not collected)."""
    facts = result.facts if result is not None else {}

    def score(comp: Component) -> tuple[MaintenanceAxis, str | None]:
        f = facts.get(comp.ref)
        axis = score_maintenance(f, now=now)
        row = MaintenanceAxis(
            score=_score(axis),
            level=axis.level,
            reasons=axis.reasons,
            facts=facts_to_json(f) if f is not None else {},
        )
        return row, (is_fund_or_replace(f, axis) or None) if f is not None else None

    return score


def lockin_axis(lock: LockinResult) -> LockinAxis:
    """The report's ``lockin`` object of one scored match."""
    fam = lock.family
    m = lock.match
    return LockinAxis(
        score=_score(lock.axis),
        level=lock.axis.level,
        reasons=lock.axis.reasons,
        family=(
            FamilyRef(
                id=fam.id,
                name=fam.name,
                category=fam.category,
                kind=fam.kind,
                lock=fam.lock,
                open_standards=fam.open_standards,
            )
            if fam
            else None
        ),
        vendor=(
            VendorRef(
                name=fam.vendor.name,
                jurisdiction=lock.vendor_jurisdiction,
                parent=fam.vendor.parent,
            )
            if fam
            else None
        ),
        match=(
            MatchInfo(method=m.method, pattern=m.pattern, confidence=m.confidence) if m else None
        ),
        alternative_of=tuple(lock.alternative_of),
        alternatives=tuple(
            AlternativeOption(
                id=o.alternative.id,
                name=o.alternative.name,
                homepage=o.alternative.homepage,
                licence=o.alternative.licence,
                steward=o.alternative.steward,
                steward_type=o.alternative.steward_type,
                jurisdiction=o.jurisdiction,
                maturity=o.alternative.maturity,
                swap=cast(Swap, o.swap),
                note=o.note,
            )
            for o in lock.alternatives
        ),
    )


def score_components(
    sbom: Sbom,
    catalog: Catalog,
    graph: Depth,
    licence: LicenceScorer,
    maintenance: MaintenanceScorer,
) -> list[Scored]:
    """Every component scored, in SBOM order."""
    resolutions = catalog.resolve_all(sbom.components)
    unverified = catalog.unverified
    lock_cache: dict[tuple[Any, ...], tuple[LockinResult, LockinAxis]] = {}
    out: list[Scored] = []
    for comp in sbom.components:
        res = resolutions.get(comp.ref)
        fam_match = res.families[0] if res is not None and res.families else None
        family = catalog.families.get(fam_match.entry_id) if fam_match else None
        alt_of = (
            tuple(sorted({m.entry_id for m in res.alternatives}))
            if res is not None and res.alternatives
            else ()
        )
        direct = graph.of(comp.ref)
        key = (fam_match, direct, alt_of, bool(comp.purl or comp.cpes))
        cached = lock_cache.get(key)
        if cached is None:
            lock = score_lockin(
                comp,
                fam_match,
                family,
                catalog.alternatives,
                direct=direct,
                alternative_of=alt_of,
                unverified=unverified,
            )
            cached = lock_cache[key] = (lock, lockin_axis(lock))
        lock, lock_axis = cached
        lic = licence(comp, family)
        maint, fund = maintenance(comp)
        intro = graph.introduced.get(comp.ref, ())
        if comp.ref in intro:
            intro = tuple(r for r in intro if r != comp.ref)
        row = ComponentResult(
            ref=comp.ref,
            purl=comp.purl,
            name=comp.name,
            version=comp.version,
            group=comp.group,
            ecosystem=comp.ecosystem,
            direct=direct,
            introduced_by=tuple(sorted(intro)),
            cpes=comp.cpes,
            lockin=lock_axis,
            licence=lic,
            maintenance=maint,
        )
        out.append(Scored(row, _findings(comp, lock, lic, maint), _control(comp, lock, catalog), fund))
    return out


def _score(axis: AxisScore) -> int | None:
    return axis.score if axis.level != "unknown" else None


def _findings(
    comp: Component, lock: LockinResult, lic: LicenceAxis, maint: MaintenanceAxis
) -> Findings:
    fam = lock.family
    return Findings(
        ref=comp.ref,
        name=display_name(comp.group, comp.name, comp.ecosystem),
        version=comp.version,
        purl=comp.purl,
        lockin_level=lock.axis.level,
        licence_level=lic.level,
        maintenance_level=maint.level,
        licence_category=lic.category,
        open_source=lic.open_source,
        family_id=fam.id if fam else None,
        family_kind=fam.kind if fam else None,
        vendor=fam.vendor.name if fam else None,
        alternatives=tuple((o.alternative.id, o.alternative.name, o.swap) for o in lock.alternatives),
    )


def _control(comp: Component, lock: LockinResult, catalog: Catalog) -> sovereignty.Control | None:
    if lock.family is not None:
        return sovereignty.Control(
            comp.ref, controlling_jurisdiction(lock.family, catalog.unverified), lock.family.csf
        )
    if lock.alternative_of:
        alt = catalog.alternatives.get(lock.alternative_of[0])
        if alt is None:
            return None
        juris = alt.jurisdiction
        if "steward.jurisdiction" in catalog.unverified(alt.id):
            juris = None
        return sovereignty.Control(comp.ref, juris, ())
    return None
