"""Read one osaudit JSON report into the rows the portfolio stores.

This is the only portfolio module that knows the report's JSON layout. The fields
the portfolio uses are declared below as msgspec structs, a subset of the typed
``osaudit.report.model.Report``: decoding checks their types and skips every
other field without building it. On a 10 MB report that is 3x faster than
``Report.from_json`` (0.08 s against 0.25 s), which decides whether a thousand
reports a month ingest within the benchmark's target; a test checks both read
the same values from real reports. A report whose
``schema_version`` has another major version, or a newer minor version than this
osaudit writes, raises :class:`UnsupportedReport`; anything else that is not a
well-formed report raises :class:`CorruptReport`. Both name the file and place.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

import msgspec

from osaudit.identity import purl_without_qualifiers
from osaudit.report.json import load_schema


class CorruptReport(Exception):
    """Not a readable osaudit report (skipped with a warning)."""


class UnsupportedReport(Exception):
    """An osaudit report of a schema version this osaudit does not read."""


Level = Literal["none", "low", "medium", "high", "critical", "unknown"]


class _Family(msgspec.Struct):
    id: str
    name: str | None = None
    kind: str | None = None


class _Vendor(msgspec.Struct):
    name: str | None = None
    jurisdiction: str | None = None


class _Exit(msgspec.Struct):
    id: str
    name: str | None = None
    jurisdiction: str | None = None
    licence: str | None = None
    maturity: str | None = None
    swap: str | None = None


class _Lockin(msgspec.Struct):
    level: Level
    score: float | None = None
    family: _Family | None = None
    vendor: _Vendor | None = None
    alternatives: list[_Exit] = []


class _Licence(msgspec.Struct):
    level: Level
    category: str | None = None
    open_source: bool | None = None


class _Maintenance(msgspec.Struct):
    level: Level
    score: float | None = None


class _Component(msgspec.Struct, rename={"group_": "group"}):
    ref: str
    name: str
    lockin: _Lockin
    licence: _Licence
    maintenance: _Maintenance
    purl: str | None = None
    group_: str | None = None
    version: str | None = None
    ecosystem: str | None = None
    direct: bool | None = None


class _Subject(msgspec.Struct):
    name: str | None = None
    version: str | None = None
    purl: str | None = None


class _Sbom(msgspec.Struct):
    name: str | None = None
    path: str | None = None
    subject: _Subject | None = None


class _Tool(msgspec.Struct):
    name: str
    version: str | None = None


class _Catalog(msgspec.Struct):
    digest: str | None = None


class _Exception(msgspec.Struct):
    pattern: str | None = None
    components: list[str] = []
    expires: str | None = None
    status: str | None = None
    reason: str | None = None
    approver: str | None = None


class _Verdict(msgspec.Struct):
    art41: str | None = None
    exceptions: list[_Exception] = []


class _Coverage(msgspec.Struct):
    purl: int = 0
    licence_known: int = 0
    maintenance_known: int = 0
    catalog_matched: int = 0


class _Fund(msgspec.Struct):
    ref: str
    reason: str | None = None


class _Summary(msgspec.Struct):
    coverage: _Coverage = msgspec.field(default_factory=_Coverage)
    fund_or_replace: list[_Fund] = []


class _Report(msgspec.Struct):
    schema_version: str
    generated_at: str
    tool: _Tool
    sbom: _Sbom
    verdict: _Verdict
    summary: _Summary
    components: list[_Component]
    catalog: _Catalog | None = None


class _Version(msgspec.Struct):
    schema_version: Any = None


#: The report version this osaudit writes: the ``const`` of the shipped JSON Schema.
SCHEMA_VERSION: str = load_schema()["properties"]["schema_version"]["const"]
_DECODER = msgspec.json.Decoder(_Report)
_VERSION = msgspec.json.Decoder(_Version)

#: (digest, source, reported_name, subject_purl, subject_version, generated_at,
#:  run_date, schema_version, tool_version, catalog_digest, verdict, components,
#:  with_purl, licence_known, maintenance_known, catalog_matched): store.RUN_COLUMNS
RunRow = tuple[Any, ...]
#: store.FACT_COLUMNS without ``fact`` and ``package`` (the store adds both)
ComponentRow = tuple[Any, ...]


@dataclass(slots=True)
class ReportRows:
    """One report as rows: the run, its components, exceptions and exits."""

    digest: str
    run: RunRow
    components: list[ComponentRow] = field(default_factory=list)
    exceptions: list[tuple[Any, ...]] = field(default_factory=list)
    #: (catalog_digest, family, rank, id, name, jurisdiction, licence, maturity, swap)
    exits: list[tuple[Any, ...]] = field(default_factory=list)


def _check_version(raw: object, where: str) -> None:
    if not isinstance(raw, str):
        raise CorruptReport(f"{where}: $.schema_version: missing; not an osaudit JSON report")
    try:
        major, minor = (int(p) for p in raw.split(".", 1))
    except ValueError:
        raise UnsupportedReport(
            f"{where}: $.schema_version: {raw[:40]!r} is not a known osaudit report version"
        ) from None
    own_major, own_minor = (int(p) for p in SCHEMA_VERSION.split(".", 1))
    if major != own_major or minor > own_minor:
        raise UnsupportedReport(
            f"{where}: $.schema_version: {raw[:40]!r} is newer than or unknown to this osaudit "
            f"(reads {own_major}.0 to {SCHEMA_VERSION}); upgrade osaudit to ingest it"
        )


def _time(raw: str, where: str) -> datetime:
    try:
        dt = datetime.fromisoformat(raw)
    except ValueError:
        raise CorruptReport(f"{where}: $.generated_at: {raw[:40]!r} is not ISO 8601") from None
    dt = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    return dt.replace(tzinfo=None)


def _date(raw: str | None) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        return None


def package_key(purl: str | None, ecosystem: str | None, name: str) -> str:
    """A package without its version: the purl cut before ``@``, else ecosystem/[group/]name."""
    if purl:
        base = purl_without_qualifiers(purl)
        head, at, _ = base.rpartition("@")
        return head if at and "/" in head else base
    return f"{ecosystem}/{name}" if ecosystem else name


#: File names that say nothing about the application (a CI matrix's ``report.json``).
_GENERIC = frozenset({"sbom", "bom", "report", "osaudit", "osaudit-report", "audit", "cyclonedx"})
_SUFFIXES = (".json", ".xml", ".spdx", ".cdx", ".bom", ".tv", ".osaudit", ".report")


def _stem(name: str) -> str:
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if name.lower().endswith(suffix) and len(name) > len(suffix):
                name, changed = name[: -len(suffix)], True
    return name


def _reported_name(sbom: _Sbom, path: Path) -> str:
    """The application a report is about.

    The SBOM's subject name, else the SBOM's name, else the SBOM file's name, else
    the report file's name, else the report's folder (a CI artifact's name); file
    names such as ``sbom.json`` or ``report.json`` are skipped as saying nothing.
    """
    for cand in (sbom.subject.name if sbom.subject else None, sbom.name):
        if cand and cand.strip():
            return cand.strip()
    names = [_stem(Path(sbom.path).name)] if sbom.path else []
    names += [_stem(path.name), path.resolve().parent.name]
    for name in names:
        if name and name.lower() not in _GENERIC and name != "-":
            return name
    return _stem(path.name)


def read(path: Path, source: str) -> ReportRows:
    """Parse and check the report at ``path``; ``source`` is how the user named it."""
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise CorruptReport(f"{source}: cannot read: {exc.strerror or exc}") from None
    return from_bytes(blob, path, source)


def _where(exc: msgspec.ValidationError) -> str:
    """msgspec's "Expected `str`, got `int` - at `$.a[0].b`" as "$.a[0].b: expected ..."."""
    text, _, where = str(exc).rpartition(" - at ")
    if not text:
        text, where = where, "`$`"
    return f"{where.strip('`')}: {text[:1].lower()}{text[1:]}"


def _decode(blob: bytes, source: str) -> _Report:
    try:
        report = _DECODER.decode(blob)
    except msgspec.ValidationError as exc:
        if str(exc).startswith("Expected `object`, got") and " - at " not in str(exc):
            raise CorruptReport(
                f"{source}: $: a JSON object expected; not an osaudit report"
            ) from None
        # A newer layout fails the typed decoder: say "unsupported version" when it is one.
        try:
            version = _VERSION.decode(blob).schema_version
        except msgspec.DecodeError:
            version = None
        _check_version(version, source)
        raise CorruptReport(f"{source}: {_where(exc)}") from None
    except msgspec.DecodeError as exc:
        raise CorruptReport(f"{source}: not JSON ({exc})") from None
    _check_version(report.schema_version, source)
    if report.tool.name != "osaudit":
        raise CorruptReport(f"{source}: $.tool.name: {report.tool.name[:40]!r}, not osaudit")
    return report


def from_bytes(blob: bytes, path: Path, source: str) -> ReportRows:
    """The rows of one report's bytes (see :func:`read`)."""
    report = _decode(blob, source)
    digest = "sha256:" + hashlib.sha256(blob).hexdigest()
    generated = _time(report.generated_at, source)
    subject = report.sbom.subject or _Subject()
    catalog_digest = (report.catalog.digest if report.catalog else None) or ""
    cov = report.summary.coverage
    fund = {f.ref: f.reason for f in report.summary.fund_or_replace}
    covered: dict[str, tuple[str, date | None, str | None]] = {}
    rows = ReportRows(
        digest,
        (
            digest,
            source,
            _reported_name(report.sbom, path),
            subject.purl,
            subject.version,
            generated,
            generated.date(),
            report.schema_version,
            report.tool.version,
            catalog_digest,
            report.verdict.art41 or "unknown",
            len(report.components),
            cov.purl,
            cov.licence_known,
            cov.maintenance_known,
            cov.catalog_matched,
        ),
    )
    for exc in report.verdict.exceptions:
        pattern = exc.pattern or ""
        expires = _date(exc.expires)
        rows.exceptions.append((digest, pattern, exc.reason, exc.approver, expires, exc.status))
        for ref in exc.components:
            prev = covered.get(ref)
            if prev is None or (expires and (prev[1] is None or expires < prev[1])):
                covered[ref] = (pattern, expires, exc.status)
    seen_families: set[str] = set()
    append = rows.components.append
    none = (None, None, None)
    for c in report.components:
        lockin, licence, family, vendor = c.lockin, c.licence, c.lockin.family, c.lockin.vendor
        fam_id = family.id if family else None
        purl = c.purl
        exc_ = covered.get(c.ref) or (covered.get(purl) if purl else None) or none
        append(
            (
                c.ref,
                purl,
                f"{c.group_}/{c.name}" if c.group_ else c.name,
                c.version,
                c.ecosystem,
                c.direct,
                lockin.level,
                lockin.score,
                fam_id,
                family.name if family else None,
                family.kind if family else None,
                vendor.name if vendor else None,
                vendor.jurisdiction if vendor else None,
                licence.category,
                licence.open_source,
                licence.level,
                c.maintenance.level,
                c.maintenance.score,
                fund.get(c.ref),
                exc_[0],
                exc_[1],
                exc_[2],
            )
        )
        if fam_id and fam_id not in seen_families:
            seen_families.add(fam_id)
            rows.exits.extend(
                (
                    catalog_digest,
                    fam_id,
                    rank,
                    a.id,
                    a.name,
                    a.jurisdiction,
                    a.licence,
                    a.maturity,
                    a.swap,
                )
                for rank, a in enumerate(lockin.alternatives, start=1)
            )
    return rows
