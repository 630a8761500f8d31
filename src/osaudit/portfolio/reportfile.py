"""Read one osaudit JSON report into the rows the portfolio stores.

This is the only portfolio module that knows the report's JSON layout, so moving
to a typed report model later changes this file alone. A report whose
``schema_version`` has another major version, or a newer minor version than this
osaudit writes, raises :class:`UnsupportedReport`; anything else that is not a
well-formed report raises :class:`CorruptReport`. Both name the file and place.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson

from osaudit.audit import SCHEMA_VERSION
from osaudit.identity import purl_without_qualifiers


class CorruptReport(Exception):
    """Not a readable osaudit report (skipped with a warning)."""


class UnsupportedReport(Exception):
    """An osaudit report of a schema version this osaudit does not read."""


#: (digest, source, reported_name, subject_purl, subject_version, generated_at,
#:  run_date, schema_version, tool_version, catalog_digest, verdict, components,
#:  purl, licence_known, maintenance_known, catalog_matched)
RunRow = tuple[Any, ...]
#: see store.COMPONENT_COLUMNS
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


def _version(raw: object, where: str) -> tuple[int, int]:
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
    return major, minor


def _time(raw: object, where: str) -> datetime:
    if not isinstance(raw, str):
        raise CorruptReport(f"{where}: $.generated_at: missing")
    try:
        dt = datetime.fromisoformat(raw)
    except ValueError:
        raise CorruptReport(f"{where}: $.generated_at: {raw[:40]!r} is not ISO 8601") from None
    dt = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    return dt.replace(tzinfo=None)


def _date(raw: object) -> date | None:
    if not isinstance(raw, str):
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        return None


LEVELS = frozenset({"none", "low", "medium", "high", "critical", "unknown"})


def _opt_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _obj(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _s(value: object) -> str | None:
    return value if type(value) is str else None


def _n(value: object) -> float | None:
    return value if type(value) in (int, float) else None  # type: ignore[return-value]


def package_key(purl: str | None, ecosystem: str | None, group: str | None, name: str) -> str:
    """A package without its version: the purl cut before ``@``, else ecosystem/group/name."""
    if purl:
        base = purl_without_qualifiers(purl)
        head, at, _ = base.rpartition("@")
        return head if at and "/" in head else base
    parts = [p for p in (ecosystem, group, name) if p]
    return "/".join(parts)


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


def reported_name(data: dict[str, Any], path: Path) -> str:
    """The application a report is about.

    The SBOM's subject name, else the SBOM's name, else the SBOM file's name, else
    the report file's name, else the report's folder (a CI artifact's name); file
    names such as ``sbom.json`` or ``report.json`` are skipped as saying nothing.
    """
    sbom = _obj(data.get("sbom"))
    subject = _obj(sbom.get("subject"))
    for cand in (subject.get("name"), sbom.get("name")):
        if isinstance(cand, str) and cand.strip():
            return cand.strip()
    sbom_path = sbom.get("path")
    names = [_stem(Path(sbom_path).name)] if isinstance(sbom_path, str) and sbom_path else []
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
    try:
        data = orjson.loads(blob)
    except orjson.JSONDecodeError as exc:
        raise CorruptReport(f"{source}: not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise CorruptReport(f"{source}: $: a JSON object expected; not an osaudit report")
    digest = "sha256:" + hashlib.sha256(blob).hexdigest()
    return from_data(data, digest, path, source)


def from_data(data: dict[str, Any], digest: str, path: Path, source: str) -> ReportRows:
    """The rows of one parsed report (see :func:`read`)."""
    version = data.get("schema_version")
    _version(version, source)
    tool = data.get("tool")
    if not isinstance(tool, dict) or tool.get("name") != "osaudit":
        raise CorruptReport(f"{source}: $.tool.name: not an osaudit report")
    generated = _time(data.get("generated_at"), source)
    sbom = data.get("sbom")
    verdict = data.get("verdict")
    summary = data.get("summary")
    comps = data.get("components")
    for key, value, kind in (
        ("sbom", sbom, dict),
        ("verdict", verdict, dict),
        ("summary", summary, dict),
        ("components", comps, list),
    ):
        if not isinstance(value, kind):
            raise CorruptReport(f"{source}: $.{key}: missing or not a JSON {kind.__name__}")
    assert isinstance(sbom, dict) and isinstance(verdict, dict)
    assert isinstance(summary, dict) and isinstance(comps, list)
    subject = _obj(sbom.get("subject"))
    catalog = _obj(data.get("catalog"))
    catalog_digest = _opt_str(catalog.get("digest")) or ""
    cov = _obj(summary.get("coverage"))

    def count(key: str) -> int:
        value = cov.get(key)
        return value if isinstance(value, int) else 0

    fund = {
        e.get("ref"): _opt_str(e.get("reason"))
        for e in summary.get("fund_or_replace") or ()
        if isinstance(e, dict)
    }
    covered: dict[str, tuple[str | None, date | None, str | None]] = {}
    exceptions: list[tuple[Any, ...]] = []
    for i, exc in enumerate(verdict.get("exceptions") or ()):
        if not isinstance(exc, dict):
            raise CorruptReport(f"{source}: $.verdict.exceptions[{i}]: not an object")
        pattern = _opt_str(exc.get("pattern")) or ""
        expires = _date(exc.get("expires"))
        status = _opt_str(exc.get("status"))
        exceptions.append(
            (
                digest,
                pattern,
                _opt_str(exc.get("reason")),
                _opt_str(exc.get("approver")),
                expires,
                status,
            )
        )
        for ref in exc.get("components") or ():
            if isinstance(ref, str):
                prev = covered.get(ref)
                if prev is None or (expires and (prev[1] is None or expires < prev[1])):
                    covered[ref] = (pattern, expires, status)

    rows = ReportRows(
        digest,
        (
            digest,
            source,
            reported_name(data, path),
            _opt_str(subject.get("purl")),
            _opt_str(subject.get("version")),
            generated,
            generated.date(),
            version,
            _opt_str(tool.get("version")),
            catalog_digest,
            _opt_str(verdict.get("art41")) or "unknown",
            len(comps),
            count("purl"),
            count("licence_known"),
            count("maintenance_known"),
            count("catalog_matched"),
        ),
        exceptions=exceptions,
    )
    seen_families: set[str] = set()
    append = rows.components.append
    for i, c in enumerate(comps):
        try:
            lockin = c["lockin"]
            licence = c["licence"]
            maint = c["maintenance"]
            levels = (lockin["level"], licence["level"], maint["level"])
            if not all(lv in LEVELS for lv in levels):
                raise TypeError(f"levels {levels!r} not all in {sorted(LEVELS)}")
            family = _obj(lockin.get("family"))
            vendor = _obj(lockin.get("vendor"))
            ref = c["ref"]
            name = c["name"]
            if not isinstance(ref, str) or not isinstance(name, str):
                raise TypeError("ref and name must be strings")
            purl = _s(c.get("purl"))
            group = _s(c.get("group"))
            ecosystem = _s(c.get("ecosystem"))
            fam_id = _s(family.get("id"))
            exc = covered.get(ref) or (covered.get(purl) if purl else None) or (None, None, None)
            direct = c.get("direct")
            is_open = licence.get("open_source")
            append(
                (
                    digest,
                    ref,
                    purl,
                    package_key(purl, ecosystem, group, name),
                    f"{group}/{name}" if group else name,
                    _s(c.get("version")),
                    ecosystem,
                    direct if isinstance(direct, bool) else None,
                    levels[0],
                    _n(lockin.get("score")),
                    fam_id,
                    _s(family.get("name")),
                    _s(family.get("kind")),
                    _s(vendor.get("name")),
                    _s(vendor.get("jurisdiction")),
                    _s(licence.get("category")),
                    is_open if isinstance(is_open, bool) else None,
                    levels[1],
                    levels[2],
                    _n(maint.get("score")),
                    fund.get(ref),
                    exc[0],
                    exc[1],
                    exc[2],
                )
            )
            if fam_id and fam_id not in seen_families:
                seen_families.add(fam_id)
                for rank, alt in enumerate(lockin.get("alternatives") or (), start=1):
                    rows.exits.append(
                        (
                            catalog_digest,
                            fam_id,
                            rank,
                            str(alt["id"]),
                            _s(alt.get("name")),
                            _s(alt.get("jurisdiction")),
                            _s(alt.get("licence")),
                            _s(alt.get("maturity")),
                            _s(alt.get("swap")),
                        )
                    )
        except (KeyError, TypeError, AttributeError) as exc_:
            raise CorruptReport(
                f"{source}: $.components[{i}]: not a well-formed report component ({exc_})"
            ) from None
    return rows
