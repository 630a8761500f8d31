"""The audit pipeline: SBOM -> catalogue -> metadata -> scores -> the JSON report dict.

The report dict is read-only: components with the same catalogue match or the
same licences share their ``lockin``/``licence`` sub-objects (built once).

``audit(path, options=AuditOptions(...))`` returns the report (see
docs/scoring.md and ``report/report.schema.json``); ``build`` also returns the
read SBOM and the policy for the renderers; ``run(path, **kw)`` is the small
Python API::

    import osaudit.audit
    report = osaudit.audit.run("examples/citizen-portal.cdx.json", offline=True)
    report["verdict"]["art41"]
"""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from osaudit import __version__
from osaudit.errors import ConfigError
from osaudit.model import AxisScore, Component, Family, Reason, Sbom
from osaudit.report_parts import (
    _axis_json,
    _component_json,
    _fund_or_replace,
    _lockin_json,
    _sbom_json,
    _summary,
    display_name,
)
from osaudit.scoring import sovereignty
from osaudit.scoring.lockin import LockinResult, controlling_jurisdiction, score_lockin
from osaudit.scoring.policy import Policy, load_policy, with_fail_on
from osaudit.scoring.verdict import Findings, decide

SCHEMA_VERSION = "1.0"


@dataclass(frozen=True, slots=True)
class AuditOptions:
    """Everything the pipeline needs besides the SBOM path."""

    catalog: tuple[str, ...] = ()  # overlay paths, later wins
    policy: str | None = None  # policy file; None = discover in cwd
    project_licence: str | None = None
    fail_on: tuple[str, ...] = ()  # "AXIS=LEVEL" from the command line
    now: datetime | None = None  # None = SOURCE_DATE_EPOCH, else the clock
    max_bytes: int | None = None
    strict: bool = False
    offline: bool = False  # used when ``metadata`` is None
    metadata: Any = None  # a MetadataConfig (osaudit.metadata.config)
    collect_metadata: bool = True
    cwd: Path | None = None  # where the policy is discovered


@dataclass(frozen=True, slots=True)
class AuditResult:
    """The report plus what renderers and the CLI need."""

    report: dict[str, Any]
    sbom: Sbom
    policy: Policy
    metadata_stats: Any = None
    extra_warnings: tuple[str, ...] = field(default_factory=tuple)


# --------------------------------------------------------------------------- time


def parse_now(value: str | None, env: dict[str, str] | None = None) -> datetime:
    """``--now`` (ISO 8601), else ``SOURCE_DATE_EPOCH``, else the clock; always UTC."""
    env = dict(os.environ) if env is None else env
    if value:
        try:
            dt = datetime.fromisoformat(value.strip())
            return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
        except (ValueError, OverflowError):  # OverflowError: 0001-01-01 east of UTC
            raise ConfigError(
                f"--now {value!r}: not an ISO 8601 date or date-time in years 1-9999 UTC "
                "(e.g. 2026-11-23T00:00:00Z)"
            ) from None
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC)
        except (ValueError, OverflowError, OSError):
            raise ConfigError(
                f"SOURCE_DATE_EPOCH={epoch!r}: not an integer number of seconds"
            ) from None
    return datetime.now(tz=UTC).replace(microsecond=0)


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --------------------------------------------------------------------------- API


def run(path: str, **kw: Any) -> dict[str, Any]:
    """Audit ``path`` and return the report dict; keywords are AuditOptions fields.

    ``now`` may be a datetime or an ISO 8601 string; ``catalog`` and
    ``fail_on`` may be a single string or a sequence.
    """
    if isinstance(kw.get("now"), str):
        kw["now"] = parse_now(kw["now"])
    for key in ("catalog", "fail_on"):
        if isinstance(kw.get(key), str):
            kw[key] = (kw[key],)
        elif key in kw:
            kw[key] = tuple(kw[key])
    try:
        options = AuditOptions(**kw)
    except TypeError as exc:
        raise ConfigError(f"osaudit.audit.run: {exc}") from None
    return audit(path, options=options)


def audit(path: str, *, options: AuditOptions | None = None) -> dict[str, Any]:
    """Audit one SBOM and return the JSON report as a dict."""
    return build(path, options or AuditOptions()).report


def build(path: str, options: AuditOptions) -> AuditResult:
    """Run the whole pipeline once.

    The cyclic garbage collector is paused while the pipeline runs: it builds
    millions of small acyclic objects for a large SBOM, and the collector's
    passes over them cost about as much as the work itself (measured with
    benchmarks/bench_audit.py --breakdown); it is re-enabled afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(path, options)
    finally:
        if enabled:
            gc.enable()


def _build(path: str, options: AuditOptions) -> AuditResult:
    from osaudit.catalog import load_catalog
    from osaudit.sbom import read_sbom

    now = options.now or parse_now(None)
    policy = with_fail_on(load_policy(options.policy, cwd=options.cwd), options.fail_on)
    read_kw: dict[str, Any] = {"strict": options.strict}
    if options.max_bytes is not None:
        read_kw["max_bytes"] = options.max_bytes
    digests: list[str] = []
    sbom = read_sbom(path, on_bytes=lambda raw: digests.append(hashlib.sha256(raw).hexdigest()),
                     **read_kw)  # fmt: skip
    digest = digests[0] if path != "-" else None
    catalog = load_catalog(tuple(options.catalog))
    components = sbom.components
    resolutions = catalog.resolve_all(components)

    direct_set, introduced = _graph(sbom)
    project_licence, pl_source = _project_licence(options, policy, sbom)
    warnings: list[dict[str, Any]] = [
        {"code": w.code, "message": w.message, "location": w.location} for w in sbom.warnings
    ]

    maint, stats, m_warnings = _maintenance(components, options, now)
    warnings.extend(
        {"code": _metadata_warning_code(m), "message": m, "location": None} for m in m_warnings
    )

    licence_fn = _licence_scorer(project_licence)
    unverified = catalog.unverified
    lock_cache: dict[tuple[Any, ...], tuple[LockinResult, dict[str, Any]]] = {}
    rows: list[dict[str, Any]] = []
    findings: list[Findings] = []
    controls: list[sovereignty.Control] = []
    for comp in components:
        res = resolutions.get(comp.ref)
        fam_match = res.families[0] if res is not None and res.families else None
        family = catalog.families.get(fam_match.entry_id) if fam_match else None
        alt_of = (
            tuple(sorted({m.entry_id for m in res.alternatives}))
            if res is not None and res.alternatives
            else ()
        )
        direct = None if direct_set is None else comp.ref in direct_set
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
            cached = lock_cache[key] = (lock, _lockin_json(lock))
        lock, lock_json = cached
        lic = licence_fn(comp, family)
        mt_axis, mt_facts = maint(comp)
        intro = introduced.get(comp.ref, ()) if introduced else ()
        if comp.ref in intro:
            intro = tuple(r for r in intro if r != comp.ref)
        row = _component_json(comp, direct, intro, lock_json, lic, mt_axis, mt_facts)
        rows.append(row)
        findings.append(_findings(comp, lock, row))
        ctrl = _control(comp, lock, catalog, unverified)
        if ctrl is not None:
            controls.append(ctrl)

    rows.sort(key=lambda r: (r["purl"] or "", r["name"], r["version"] or "", r["ref"]))
    by_ref = sbom.by_ref()
    unreachable = any(w["code"] == "MT-UNREACHABLE-ALL" for w in warnings)
    verdict = decide(findings, policy, today=now.date(), metadata_unreachable=unreachable)
    report: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "osaudit", "version": __version__},
        "generated_at": _iso(now),
        "sbom": _sbom_json(sbom, digest),
        "catalog": {
            "digest": _prefixed(catalog.digest),
            "families": len(catalog.families),
            "alternatives": len(catalog.alternatives),
            "sources": _catalog_sources(catalog.sources, options.catalog),
        },
        "policy": {
            **policy.to_json(),
            "project_licence": project_licence,
            "project_licence_source": pl_source,
            "exceptions": len(policy.exceptions),
        },
        "summary": _summary(rows, controls, by_ref, maint_fund=_fund_or_replace(rows)),
        "sovereignty": sovereignty.assess(controls),
        "verdict": verdict,
        "warnings": warnings,
        "components": rows,
    }
    for row in rows:
        row["maintenance"].pop("_fund", None)
    return AuditResult(report, sbom, policy, stats, tuple(m_warnings))


# --------------------------------------------------------------------------- stages


def _prefixed(digest: str) -> str:
    return digest if digest.startswith("sha256:") else f"sha256:{digest}"


def _catalog_sources(files: Sequence[str], overlays: Sequence[str]) -> list[str]:
    """``catalog (shipped)`` plus ``overlay: PATH`` as the user gave it (machine-independent)."""
    roots = [Path(o).resolve() for o in overlays]
    shipped = any(
        not any(p == r or r in p.parents for r in roots) for p in (Path(f).resolve() for f in files)
    )
    return (["catalog (shipped)"] if shipped else []) + [f"overlay: {o}" for o in overlays]


def _graph(sbom: Sbom) -> tuple[frozenset[str] | None, dict[str, tuple[str, ...]]]:
    from osaudit.sbom.graph import direct_refs, introduced_by

    direct = direct_refs(sbom)
    if direct is None:
        return None, {}
    transitive = [c.ref for c in sbom.components if c.ref not in direct]
    return direct, dict(introduced_by(sbom, transitive))


def _project_licence(
    options: AuditOptions, policy: Policy, sbom: Sbom
) -> tuple[str | None, str | None]:
    if options.project_licence:
        _check_spdx(options.project_licence)
        return options.project_licence, "option"
    if policy.project_licence:
        return policy.project_licence, "policy"
    subject = sbom.document.subject
    if subject is not None:
        exprs = [
            lic.expression
            for lic in (subject.licences_concluded or subject.licences_declared)
            if lic.expression and lic.expression not in ("NOASSERTION", "NONE")
        ]
        if len(exprs) == 1:
            return exprs[0], "sbom"
        if exprs:
            return " AND ".join(f"({e})" if " " in e else e for e in exprs), "sbom"
    return None, None


def _check_spdx(expr: str) -> None:
    from license_expression import get_spdx_licensing

    info = get_spdx_licensing().validate(expr)
    if info.errors:
        raise ConfigError(f"--project-licence {expr!r}: invalid SPDX expression: {info.errors[0]}")


LicenceFn = Callable[[Component, Family | None], dict[str, Any]]


def _licence_scorer(project_licence: str | None) -> LicenceFn:
    """Score licences once per distinct (licences, relicensing) pair."""
    cache: dict[tuple[Any, ...], dict[str, Any]] = {}
    try:
        from osaudit.scoring.licence import score_licence
    except ModuleNotFoundError as exc:
        if exc.name not in ("osaudit.scoring.licence", "osaudit.licence.categories"):
            raise
        return _licence_unscored

    def score(comp: Component, family: Family | None) -> dict[str, Any]:
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
            hit = {
                "raw": list(res.raw),
                "expression": res.expression,
                "category": res.category,
                "osi_approved": res.osi_approved,
                "fsf_libre": res.fsf_libre,
                "open_source": res.open_source,
                "compatible": res.compatible,
                "compatibility_note": res.compatibility_note,
                **_axis_json(res.axis),
            }
            cache[key] = hit
        return hit  # shared between components with the same licences: read-only

    return score


def _licence_unscored(comp: Component, family: Family | None) -> dict[str, Any]:
    lics = comp.licences_concluded or comp.licences_declared
    reason = Reason("LIC-NOT-SCORED", "licence scoring is not available in this build", 0)
    return {
        "raw": [lic.raw for lic in (*comp.licences_declared, *comp.licences_concluded)],
        "expression": lics[0].expression if len(lics) == 1 else None,
        "category": "Unknown",
        "osi_approved": None,
        "fsf_libre": None,
        "open_source": None,
        "compatible": None,
        "compatibility_note": None,
        **_axis_json(AxisScore(None, "unknown", (reason,))),
    }


MaintFn = Callable[[Component], tuple[AxisScore, dict[str, Any]]]


def _metadata_warning_code(message: str) -> str:
    """``MT-UNREACHABLE-ALL`` when no metadata service answered, else ``MT-COLLECT``."""
    from osaudit.metadata.collect import UNREACHABLE

    return "MT-UNREACHABLE-ALL" if message == UNREACHABLE else "MT-COLLECT"


def _maintenance(
    components: Sequence[Component], options: AuditOptions, now: datetime
) -> tuple[MaintFn, Any, tuple[str, ...]]:
    """Collect facts (cache/network) and return a per-component scorer."""
    try:
        from osaudit.metadata.collect import collect
        from osaudit.scoring.maintenance import is_fund_or_replace, score_maintenance
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith(("osaudit.metadata", "osaudit.scoring.maintenance")):
            raise
        return _not_collected, None, ()
    if not options.collect_metadata:
        return _not_collected, None, ()
    from osaudit.metadata.interface import PackageFacts

    facts_to_json = _find_facts_to_json()

    config = options.metadata
    if config is None:
        from osaudit.metadata.config import MetadataConfig

        config = MetadataConfig.from_options(offline=options.offline, quiet=True)
    result = collect(components, config, now=now)
    facts: dict[str, PackageFacts] = result.facts

    def score(comp: Component) -> tuple[AxisScore, dict[str, Any]]:
        f = facts.get(comp.ref)
        axis = score_maintenance(f, now=now)
        fjson: dict[str, Any] = facts_to_json(f) if f is not None else {}
        fund = is_fund_or_replace(f, axis) if f is not None else None
        if fund:
            fjson = {**fjson, "_fund": fund}
        return axis, fjson

    return score, result.stats, tuple(result.warnings)


def _find_facts_to_json() -> Callable[[Any], dict[str, Any]]:
    """``facts_to_json`` lives in the maintenance scorer or the metadata package."""
    import importlib

    for name in ("osaudit.scoring.maintenance", "osaudit.metadata.collect", "osaudit.metadata"):
        fn = getattr(importlib.import_module(name), "facts_to_json", None)
        if fn is not None:
            return fn
    return lambda facts: {}


_NOT_COLLECTED = AxisScore(
    None,
    "unknown",
    (Reason("MT-NOT-COLLECTED", "maintenance metadata was not collected in this build", 0),),
)


def _not_collected(comp: Component) -> tuple[AxisScore, dict[str, Any]]:
    return _NOT_COLLECTED, {}


# --------------------------------------------------------------------------- JSON pieces


def _findings(comp: Component, lock: LockinResult, row: dict[str, Any]) -> Findings:
    fam = lock.family
    return Findings(
        ref=comp.ref,
        name=display_name(comp),
        version=comp.version,
        purl=comp.purl,
        lockin_level=lock.axis.level,
        licence_level=row["licence"]["level"],
        maintenance_level=row["maintenance"]["level"],
        licence_category=row["licence"]["category"],
        open_source=row["licence"]["open_source"],
        family_id=fam.id if fam else None,
        family_kind=fam.kind if fam else None,
        vendor=fam.vendor.name if fam else None,
        alternatives=tuple((o.alternative.id, o.alternative.name, o.swap) for o in lock.alternatives),
    )


def _control(
    comp: Component, lock: LockinResult, catalog: Any, unverified: Any
) -> sovereignty.Control | None:
    if lock.family is not None:
        return sovereignty.Control(
            comp.ref, controlling_jurisdiction(lock.family, unverified), lock.family.csf
        )
    if lock.alternative_of:
        alt = catalog.alternatives.get(lock.alternative_of[0])
        if alt is None:
            return None
        juris = alt.jurisdiction
        if "steward.jurisdiction" in unverified(alt.id):
            juris = None
        return sovereignty.Control(comp.ref, juris, ())
    return None


