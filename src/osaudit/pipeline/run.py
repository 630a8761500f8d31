"""Run the pipeline for one SBOM: read, resolve, collect, score, summarise -> :class:`Report`."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

import msgspec

from osaudit import __version__
from osaudit.catalog import load_catalog
from osaudit.gcpause import paused
from osaudit.metadata.collect import UNREACHABLE
from osaudit.metadata.interface import MetadataResult
from osaudit.model import Sbom
from osaudit.pipeline import components as stage
from osaudit.pipeline import products as vendor
from osaudit.pipeline.header import (
    catalog_info,
    policy_info,
    project_licence,
    sbom_info,
)
from osaudit.pipeline.options import AuditOptions, iso_utc, parse_now
from osaudit.pipeline.summary import fund_or_replace, summarise
from osaudit.report.model import Report, ReportWarning, Sovereignty, Tool, Verdict
from osaudit.sbom import read_sbom
from osaudit.scoring import sovereignty
from osaudit.scoring.policy import Policy, load_policy, with_fail_on
from osaudit.scoring.verdict import decide


@dataclass(frozen=True, slots=True)
class AuditResult:
    """The report plus what renderers and the command line need."""

    report: Report
    sbom: Sbom
    policy: Policy
    source: bytes | None = None  # the SBOM's bytes as read, with AuditOptions.keep_source


def audit(path: str | os.PathLike[str], options: AuditOptions | None = None) -> Report:
    """Audit one SBOM file and return its :class:`Report`."""
    return build(path, options or AuditOptions()).report


def build(path: str | os.PathLike[str], options: AuditOptions | None = None) -> AuditResult:
    """Run the whole pipeline once.

    The cyclic garbage collector is paused while the pipeline runs: it builds
    millions of small acyclic objects for a large SBOM, and the collector's
    passes over them cost about as much as the work itself (measured with
    benchmarks/bench_audit.py --breakdown); it is re-enabled afterwards.
    """
    with paused():
        return _build(os.fspath(path), options or AuditOptions())


def _build(path: str, options: AuditOptions) -> AuditResult:
    now = options.now or parse_now(None)
    policy = with_fail_on(load_policy(options.policy, cwd=options.cwd), options.fail_on)
    digests: list[str] = []
    kept: list[bytes] = []

    def digest_of(raw: bytes) -> None:  # the SBOM's bytes as read (one read, also for pipes)
        digests.append(hashlib.sha256(raw).hexdigest())
        if options.keep_source:
            kept.append(raw)

    if options.max_bytes is not None:
        sbom = read_sbom(path, strict=options.strict, max_bytes=options.max_bytes, on_bytes=digest_of)
    else:
        sbom = read_sbom(path, strict=options.strict, on_bytes=digest_of)
    digest = digests[0] if path != "-" and digests else None
    catalog = load_catalog(tuple(options.catalog))
    graph = stage.depth(sbom)
    licence = project_licence(options.project_licence, policy, sbom)
    warnings = [
        ReportWarning(code=w.code, message=w.message, location=w.location) for w in sbom.warnings
    ]
    collected: MetadataResult | None = None
    if options.collect_metadata:
        collected = stage.collect_metadata(
            sbom.components, options.metadata, offline=options.offline, now=now
        )
        warnings.extend(
            ReportWarning(code=_metadata_warning_code(m), message=m, location=None)
            for m in collected.warnings
        )
    scored = stage.score_components(
        sbom,
        catalog,
        graph,
        stage.licence_scorer(licence[0], collected),
        stage.maintenance_scorer(collected, now),
    )
    members = [s.member for s in scored if s.member is not None]
    products = vendor.vendor_products(sbom, members, graph.direct, catalog)
    # SBOM order, as the verdict reads them; plumbing capped at its product's level
    findings = vendor.plumbing_capped([s.findings for s in scored], products)
    controls = [s.control for s in scored if s.control is not None]
    scored.sort(key=lambda s: (s.row.purl or "", s.row.name, s.row.version or "", s.row.ref))
    rows = tuple(s.row for s in scored)
    vendors, stewards = vendor.parties(products, rows, catalog)
    unreachable = any(w.code == "MT-UNREACHABLE-ALL" for w in warnings)
    report = Report(
        tool=Tool(version=__version__),
        generated_at=iso_utc(now),
        sbom=sbom_info(sbom, digest),
        catalog=catalog_info(catalog, options.catalog),
        policy=policy_info(policy, licence),
        summary=summarise(
            rows,
            controls,
            sbom.by_ref(),
            fund_or_replace([(s.row, s.fund_or_replace) for s in scored]),
            products,
        ),
        sovereignty=msgspec.convert(sovereignty.assess(controls, vendors, stewards), Sovereignty),
        verdict=msgspec.convert(
            decide(
                findings,
                policy,
                today=now.date(),
                metadata_unreachable=unreachable,
                products=products,
                evidence=vendor.evidence(rows),
            ),
            Verdict,
        ),
        warnings=tuple(warnings),
        components=rows,
    )
    return AuditResult(report, sbom, policy, kept[0] if kept else None)


def _metadata_warning_code(message: str) -> str:
    """``MT-UNREACHABLE-ALL`` when no metadata service answered, else ``MT-COLLECT``."""
    return "MT-UNREACHABLE-ALL" if message == UNREACHABLE else "MT-COLLECT"
