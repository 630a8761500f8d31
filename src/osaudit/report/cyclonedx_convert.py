"""CycloneDX 1.6 JSON converted from the read SBOM: for SPDX input (or without the source).

Components come from ``ctx.sbom`` (an SPDX 2 or SPDX 3 input yields CycloneDX) or,
without it, from the report's component list; findings are ``osaudit:`` properties
(:mod:`osaudit.report.cyclonedx`). A conversion carries only what osaudit's model
holds: ``metadata.properties`` says so (``osaudit:note``), with counts of what was
dropped to keep the BOM schema-valid. The serial number is derived from the input
digest, catalogue digest, tool version and ``generated_at``, so the output is
deterministic. Written with cyclonedx-python-lib.
"""

from __future__ import annotations

import re
import uuid
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from cyclonedx.contrib.hash.factories import HashTypeFactory
from cyclonedx.model import (
    ExternalReference,
    ExternalReferenceType,
    HashType,
    Property,
    XsUri,
)
from cyclonedx.model.bom import Bom
from cyclonedx.model.bom_ref import BomRef
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.contact import OrganizationalContact, OrganizationalEntity
from cyclonedx.model.dependency import Dependency
from cyclonedx.model.license import DisjunctiveLicense, License, LicenseExpression
from cyclonedx.output import make_outputter
from cyclonedx.output.json import JsonV1Dot6
from cyclonedx.schema import OutputFormat, SchemaVersion
from packageurl import PackageURL

from osaudit import __version__, model
from osaudit.report.context import RenderContext
from osaudit.report.cyclonedx import (
    IRI_REFERENCE,
    NS,
    finding_properties,
    justifications,
    metadata_properties,
)
from osaudit.report.model import ComponentResult, Justification, Report

_HASHES = HashTypeFactory()
_HEX_DIGEST = re.compile(
    r"[a-fA-F0-9]{32}|[a-fA-F0-9]{40}|[a-fA-F0-9]{64}|[a-fA-F0-9]{96}|[a-fA-F0-9]{128}"
)
TOOL_REF = "osaudit-tool"
SUBJECT_SUFFIX = "#osaudit-subject"


def _props(props: Iterable[dict[str, str]]) -> list[Property]:
    return [Property(name=p["name"], value=p["value"]) for p in props]


#: CycloneDX 1.6 caps ``component.version`` at this many characters.
VERSION_MAX = 1024


def _version(value: str | None, props: list[Property]) -> str | None:
    """The version within the schema's cap; a longer one is cut and kept whole in a property."""
    if value is None or len(value) <= VERSION_MAX:
        return value
    props.append(Property(name=NS + "version-full", value=value))
    return value[:VERSION_MAX]


def _purl(value: str | None) -> PackageURL | None:
    if not value:
        return None
    try:
        return PackageURL.from_string(value)
    except ValueError:
        return None


def _licences(expression: str | None, raw: Iterable[str]) -> list[License]:
    if expression:
        return [LicenseExpression(value=str(expression))]
    return [DisjunctiveLicense(name=str(r)) for r in raw if str(r).strip()]


@dataclass(slots=True)
class _Dropped:
    """What the conversion left out to stay schema-valid (counted for the notes)."""

    hashes: int = 0
    urls: int = 0
    cpes: int = 0


def _hashes(pairs: Iterable[tuple[str, str]], dropped: _Dropped) -> list[HashType]:
    out = []
    for alg, value in pairs:
        if not _HEX_DIGEST.fullmatch(value or ""):
            dropped.hashes += 1  # the schema's hash-content pattern: 32/40/64/96/128 hex
            continue
        try:
            out.append(_HASHES.from_composite_str(f"{alg.lower().replace('-', '')}:{value}"))
        except Exception:  # noqa: BLE001 - unknown algorithms are dropped
            dropped.hashes += 1
    return out


def _ext_refs(refs: Iterable[model.ExternalRef], dropped: _Dropped) -> list[ExternalReference]:
    out = []
    for ref in refs:
        try:
            kind = ExternalReferenceType(ref.type)
        except ValueError:
            kind = ExternalReferenceType.OTHER
        if not ref.url or len(ref.url) > 8192 or not IRI_REFERENCE.fullmatch(ref.url):
            dropped.urls += 1  # not a valid IRI-reference (schema format)
            continue
        try:
            out.append(ExternalReference(type=kind, url=XsUri(ref.url)))
        except Exception:  # noqa: BLE001 - invalid URIs are dropped, not fatal
            dropped.urls += 1
    return out


def _type(value: str | None) -> ComponentType:
    try:
        return ComponentType(value) if value else ComponentType.LIBRARY
    except ValueError:
        return ComponentType.LIBRARY


def _from_model(
    comp: model.Component,
    finding: ComponentResult | None,
    justify: Mapping[str, Justification],
    dropped: _Dropped,
) -> Component:
    purl = _purl(comp.purl) or _purl(comp.purl_raw)
    raw = [lic.raw for lic in (*comp.licences_concluded, *comp.licences_declared)]
    props = _props(finding_properties(finding, justify)) if finding else []
    dropped.cpes += max(0, len(comp.cpes) - 1)
    if comp.purl and purl is None:
        props.append(Property(name=NS + "purl-invalid", value=comp.purl))
    return Component(
        name=comp.name or comp.ref,
        version=_version(comp.version, props),
        group=comp.group,
        type=_type(comp.type),
        bom_ref=comp.ref,
        purl=purl,
        cpe=comp.cpes[0] if comp.cpes else None,
        licenses=_licences(finding.licence.expression if finding else None, raw),
        hashes=_hashes(comp.hashes, dropped),
        external_references=_ext_refs(comp.external_refs, dropped),
        description=comp.description,
        supplier=OrganizationalEntity(name=comp.supplier) if comp.supplier else None,
        authors=[OrganizationalContact(name=comp.author)] if comp.author else None,
        properties=props,
    )


def _from_report(c: ComponentResult, justify: Mapping[str, Justification]) -> Component:
    purl = _purl(c.purl)
    props = _props(finding_properties(c, justify))
    if c.purl and purl is None:
        props.append(Property(name=NS + "purl-invalid", value=c.purl))
    return Component(
        name=c.name or c.ref,
        version=_version(c.version, props),
        group=c.group,
        bom_ref=c.ref,
        purl=purl,
        cpe=c.cpes[0] if c.cpes else None,
        licenses=_licences(c.licence.expression, c.licence.raw),
        properties=props,
    )


def _serial(report: Report) -> uuid.UUID:
    seed = "|".join(
        str(x)
        for x in (
            report.sbom.sha256,
            report.catalog.digest,
            report.tool.version,
            report.generated_at,
        )
    )
    return uuid.uuid5(uuid.NAMESPACE_URL, "urn:osaudit:cyclonedx:" + seed)


def _timestamp(value: object) -> datetime:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
    return datetime(1970, 1, 1, tzinfo=UTC)


def build(report: Report, ctx: RenderContext) -> Bom:
    """The cyclonedx-python-lib Bom with findings attached."""
    findings = report.by_ref()
    justify = justifications(report)
    bom = Bom(serial_number=_serial(report))
    bom.metadata.timestamp = _timestamp(report.generated_at)
    bom.metadata.tools.components.add(
        Component(
            type=ComponentType.APPLICATION,
            name="osaudit",
            version=report.tool.version or __version__,
            bom_ref=TOOL_REF,
        )
    )
    dropped = _Dropped()
    by_ref: dict[str, Component] = {}
    if ctx.sbom is not None:
        for comp in ctx.sbom.components:
            if comp.ref not in by_ref:
                by_ref[comp.ref] = _from_model(comp, findings.get(comp.ref), justify, dropped)
        subject = ctx.sbom.document.subject
        if subject is not None:
            ref = subject.ref if subject.ref not in by_ref else subject.ref + SUBJECT_SUFFIX
            bom.metadata.component = Component(
                name=subject.name or "subject",
                version=_version(subject.version, []),
                group=subject.group,
                type=_type(subject.type or "application"),
                bom_ref=ref,
                purl=_purl(subject.purl),
            )
    else:
        for ref, c in findings.items():
            by_ref.setdefault(ref, _from_report(c, justify))
    bom.components = list(by_ref.values())
    bom.dependencies = _dependencies(ctx.sbom, by_ref, bom.metadata.component)
    notes = conversion_notes(report, ctx.sbom is not None, dropped)
    bom.metadata.properties = _props(metadata_properties(report, "converted", notes))
    return bom


#: What a conversion from osaudit's model cannot carry (docs/report-formats.md).
NOT_CARRIED = (
    "not carried by a conversion: SPDX files and snippets, relationships other than "
    "dependencies (CONTAINS, GENERATED_FROM, ...), annotations, copyright texts, "
    "download locations, package verification codes, extracted licence texts, the "
    "concluded/declared distinction of licences, the document's creation info and "
    "external document references, SPDX 3 profile data (AI, dataset, security, build), "
    "and every field osaudit's reader does not read: keep the input as the record"
)


def conversion_notes(report: Report, have_sbom: bool, dropped: _Dropped) -> list[str]:
    """``osaudit:note`` values of a converted BOM: what it is and what it lacks."""
    source = f"{report.sbom.format} {report.sbom.spec_version} {report.sbom.encoding}".strip()
    what = (
        "each component's name, version, group, type, purl, first CPE, hashes, licences "
        "(the SPDX expression when known), supplier, author, description, external "
        "references, and the dependency graph"
        if have_sbom
        else "the report's components only (the read SBOM was not given)"
    )
    notes = [f"converted from the {source} input through osaudit's model: it carries {what}",
             NOT_CARRIED]  # fmt: skip
    for count, what_dropped in ((dropped.hashes, "hash(es) not hexadecimal or of unknown "
                                 "algorithm"), (dropped.urls, "external reference(s) whose "
                                 "URL is not an RFC 3987 IRI-reference"),
                                (dropped.cpes, "CPE(s) after each component's first")):  # fmt: skip
        if count:
            notes.append(f"dropped to stay schema-valid: {count} {what_dropped}")
    return notes


def _dependencies(
    sbom: model.Sbom | None, by_ref: dict[str, Component], subject: Component | None
) -> list[Dependency]:
    """The dependency graph restricted to known refs, with an entry for every component.

    This is what cyclonedx-python-lib's ``Bom.validate()`` would add one component at a
    time (quadratic: minutes for 10,000 components); built here in one pass instead.
    """
    known: dict[str, BomRef] = {ref: comp.bom_ref for ref, comp in by_ref.items()}
    if subject is not None:  # its bom-ref is the SBOM's subject ref unless that collides
        known.setdefault(str(subject.bom_ref.value), subject.bom_ref)
    edges: dict[str, set[str]] = {ref: set() for ref in known}
    for ref, targets in (sbom.dependencies if sbom is not None else {}).items():
        if ref not in known:
            continue
        deps = edges.setdefault(ref, set())
        deps.update(t for t in targets if t in known and t != ref)
        for t in deps:
            edges.setdefault(t, set())
    return [
        Dependency(ref=known[ref], dependencies=[Dependency(ref=known[t]) for t in sorted(deps)])
        for ref, deps in sorted(edges.items())
    ]


def render(report: Report, ctx: RenderContext) -> bytes:
    """CycloneDX 1.6 JSON as UTF-8 bytes (2-space indent, trailing newline)."""
    bom = build(report, ctx)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. "component has no defined dependencies"
        outputter = make_outputter(bom, OutputFormat.JSON, SchemaVersion.V1_6)
        assert isinstance(outputter, JsonV1Dot6)
        # Every component already has its dependency entry (see _dependencies), so the
        # library's deprecated, quadratic Bom.validate() pass has nothing left to add.
        object.__setattr__(bom, "validate", lambda: True)
        text = outputter.output_as_string(indent=2)
    return (text.rstrip("\n") + "\n").encode("utf-8")
