"""Score every component on the three axes: one :class:`ComponentResult` per component.

Axis objects are built once per distinct input (catalogue match, licence set)
and shared between rows: they are frozen, so sharing is safe.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from operator import attrgetter
from typing import Any, NamedTuple, cast

from osaudit.catalog import Catalog
from osaudit.metadata.collect import collect
from osaudit.metadata.config import MetadataConfig
from osaudit.metadata.interface import MetadataResult, PackageFacts
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
    VersionStatus,
)
from osaudit.sbom.graph import introduced_by, relation
from osaudit.scoring import sovereignty
from osaudit.scoring.conditions import Condition, dormant_conditions, scope_condition
from osaudit.scoring.licence import RegistryLicence, score_licence
from osaudit.scoring.lockin import LockinResult, controlling_jurisdiction, score_lockin
from osaudit.scoring.maintenance import facts_to_json, is_fund_or_replace, score_maintenance
from osaudit.scoring.products import Member
from osaudit.scoring.verdict import Findings


class Scored(NamedTuple):
    """One component scored: its report row plus what the verdict and summary need
    (a named tuple: one per component, built at a third of a frozen dataclass's cost)."""

    row: ComponentResult
    findings: Findings
    control: sovereignty.Control | None
    fund_or_replace: str | None  # why to fund or replace it, or None
    member: Member | None = None  # family-matched: what the vendor-product grouping needs


@dataclass(frozen=True, slots=True)
class Depth:
    """Depth per component (True direct, False transitive; absent = unknown: no graph
    from the application, or not reached by it) and who pulls in the transitive ones."""

    depths: dict[str, bool]
    introduced: dict[str, tuple[str, ...]]
    direct: frozenset[str] | None = None  # the direct refs; None when there is no graph

    def of(self, ref: str) -> bool | None:
        return self.depths.get(ref)


def depth(sbom: Sbom) -> Depth:
    """Direct, transitive or unknown and, for transitive components, the direct ones that
    pull them in. A component the graph does not reach is unknown, not transitive."""
    rel = relation(sbom)
    depths = {ref: r == "direct" for ref, r in rel.items() if r in ("direct", "transitive")}
    has_graph = any(r in ("direct", "transitive", "unreachable") for r in rel.values())
    direct = frozenset(ref for ref, d in depths.items() if d) if has_graph else None
    transitive = [ref for ref, is_direct in depths.items() if not is_direct]
    if not transitive:
        return Depth(depths, {}, direct)
    return Depth(depths, dict(introduced_by(sbom, transitive)), direct)


LicenceScorer = Callable[[Component, Family | None], LicenceAxis]
MaintenanceScorer = Callable[[Component], tuple[MaintenanceAxis, str | None]]


def licence_scorer(
    project_licence: str | None, metadata: MetadataResult | None = None
) -> LicenceScorer:
    """Score licences once per distinct (licences, relicensing, registry licence) triple.

    ``metadata`` gives the registry's licence of each package (deps.dev, else
    ecosyste.ms), judged only when the SBOM gives none.
    """
    cache: dict[tuple[Any, ...], LicenceAxis] = {}
    facts = metadata.facts if metadata is not None else {}

    def score(comp: Component, family: Family | None) -> LicenceAxis:
        relic = family.relicensing if family is not None else ()
        registry = _registry_licence(facts.get(comp.ref))
        key = (comp.licences_declared, comp.licences_concluded, relic, registry)
        hit = cache.get(key)
        if hit is None:
            res = score_licence(
                comp.licences_declared,
                comp.licences_concluded,
                project_licence=project_licence,
                relicensing=relic,
                registry=registry,
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
                source=res.source,
            )
        return hit

    return score


def _registry_licence(facts: PackageFacts | None) -> RegistryLicence | None:
    """The registry's licence of a package, with the source that gave it and its date."""
    if facts is None or not facts.licences:
        return None
    source = facts.origin("licences")
    return RegistryLicence(tuple(facts.licences), source, facts.date_of(source))


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


#: the facts fields maintenance scoring and ``maintenance.facts`` read besides the
#: package's identity (purl, name, ecosystem, version)
_IDENTITY = ("purl", "name", "ecosystem", "version")
_SCORED_FIELDS = attrgetter(*(f.name for f in fields(PackageFacts) if f.name not in _IDENTITY))
_Memo = tuple[AxisScore, dict[str, Any], dict[str, Any], str | None]


def maintenance_scorer(result: MetadataResult | None, now: datetime) -> MaintenanceScorer:
    """Score maintenance from collected facts (``result`` None: not collected).

    Packages whose facts differ only in their identity are scored once: offline
    with an empty cache every package of one ecosystem shares its statuses
    (metadata.collect copies one representative's field objects). The memo key
    compares those fields by identity, which is safe because ``facts`` keeps
    every one of them alive while the scorer lives, plus the version (read by
    the finished-software rule) and whether there is a purl (MT-NO-PURL).
    ``maintenance.facts`` is then the shared facts with this package's purl.
    """
    facts = result.facts if result is not None else {}
    memo: dict[tuple[Any, ...], _Memo] = {}
    unknown = score_maintenance(None, now=now)
    none_row = MaintenanceAxis(score=None, level=unknown.level, reasons=unknown.reasons, facts={})

    def score(comp: Component) -> tuple[MaintenanceAxis, str | None]:
        f = facts.get(comp.ref)
        if f is None:
            return none_row, None
        key = (f.purl is None, f.version, *map(id, _SCORED_FIELDS(f)))
        hit = memo.get(key)
        if hit is None:
            axis = score_maintenance(f, now=now)
            shown = facts_to_json(f)
            before = {k: v for k, v in shown.items() if k < "purl"}
            after = {k: v for k, v in shown.items() if k > "purl"}
            hit = memo[key] = (axis, before, after, is_fund_or_replace(f, axis) or None)
        axis, before, after, fund = hit
        row = MaintenanceAxis(
            score=_score(axis),
            level=axis.level,
            reasons=axis.reasons,
            facts={**before, "purl": f.purl, **after} if f.purl is not None else before | after,
        )
        return row, fund

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
            MatchInfo(
                method=m.method,
                pattern=m.pattern,
                confidence=m.confidence,
                version_range=m.version_range,
                version_status=cast(VersionStatus | None, m.version_status),
            )
            if m
            else None
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
    dormant = _dormant(sbom, resolutions, catalog)
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
        outside = tuple(
            (m, catalog.families[m.entry_id]) for m in (res.outside if res is not None else ())
        )
        condition = (scope_condition(comp) or dormant.get(comp.ref)) if family else None
        key = (
            fam_match, direct, alt_of, bool(comp.purl or comp.cpes), outside and comp.ref,
            condition,
        )
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
                outside=outside,
                condition=condition,
            )
            cached = lock_cache[key] = (lock, lockin_axis(lock))
        lock, lock_axis = cached
        lic = licence(comp, family)
        maint, fund = maintenance(comp)
        intro = graph.introduced.get(comp.ref, ())  # sorted, and shared between rows
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
            introduced_by=intro,
            cpes=comp.cpes,
            lockin=lock_axis,
            licence=lic,
            maintenance=maint,
        )
        member = (
            Member(
                comp.ref,
                display_name(comp.group, comp.name),
                comp.version,
                comp.purl,
                lock.family,
                lock.axis.level,
                lock.axis.score,
                direct,
                condition.label if condition is not None else None,
            )
            if lock.family is not None
            else None
        )
        findings = _findings(comp, lock, lic, maint)
        out.append(Scored(row, findings, _control(comp, lock, catalog), fund, member))
    return out


def _dormant(sbom: Sbom, resolutions: Any, catalog: Catalog) -> dict[str, Condition]:
    """LI-DORMANT conditions of the family-matched components (catalogue ``dormant``)."""
    families: dict[str, Family] = {}
    for ref, res in resolutions.items():
        if res.families and (fam := catalog.families.get(res.families[0].entry_id)):
            families[ref] = fam
    if not any(f.dormant for f in families.values()):
        return {}
    doc = sbom.document
    roots = {c.ref for c in (doc.subject, *doc.subprojects) if c is not None}
    return dormant_conditions(sbom.components, families, sbom.dependencies, roots)


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
