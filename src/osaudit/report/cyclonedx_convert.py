"""CycloneDX 1.6 JSON: the input SBOM's components carrying osaudit's findings.

Components come from ``ctx.sbom`` (any input format, so an SPDX input yields
CycloneDX too) or, without it, from the report's component list. Findings are
``properties`` in the ``osaudit:`` namespace (see docs/report-formats.md). bom-refs and
purls are kept; ``metadata.tools`` names osaudit; the serial number is derived from the
input digest, catalogue digest, tool version and ``generated_at`` (the timestamp), so
the output is deterministic. Written with cyclonedx-python-lib.
"""

from __future__ import annotations

import re
import uuid
import warnings
from collections.abc import Iterable, Mapping
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
from cyclonedx.model.dependency import Dependency
from cyclonedx.model.license import DisjunctiveLicense, License, LicenseExpression
from cyclonedx.output import make_outputter
from cyclonedx.output.json import JsonV1Dot6
from cyclonedx.schema import OutputFormat, SchemaVersion
from packageurl import PackageURL

from osaudit import __version__, model
from osaudit.report.context import RenderContext
from osaudit.report.model import ComponentResult, Justification, Report
from osaudit.vocabulary import depth_word

NS = "osaudit:"
_HASHES = HashTypeFactory()
_HEX_DIGEST = re.compile(
    r"[a-fA-F0-9]{32}|[a-fA-F0-9]{40}|[a-fA-F0-9]{64}|[a-fA-F0-9]{96}|[a-fA-F0-9]{128}"
)

# RFC 3987 IRI-reference (the schema's "iri-reference" format) as a regex: URLs that
# fail it are dropped from externalReferences so the output stays schema-valid.
_UCS = "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef\U00010000-\U000efffd"
_PRIV = "\ue000-\uf8ff\U000f0000-\U0010fffd"
_UNRES = f"A-Za-z0-9\\-._~{_UCS}"
_SUB = "!$&'()*+,;="
_PCT = "%[0-9A-Fa-f]{2}"
_PCHAR = f"(?:[{_UNRES}{_SUB}:@]|{_PCT})"
_SEG = f"{_PCHAR}*"
_SEG_NZ = f"{_PCHAR}+"
_SEG_NC = f"(?:[{_UNRES}{_SUB}@]|{_PCT})+"
_IP_LITERAL = r"\[(?:[0-9A-Fa-f:.]+|[vV][0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+)\]"
_HOST = f"(?:{_IP_LITERAL}|(?:[{_UNRES}{_SUB}]|{_PCT})*)"
_AUTH = f"(?:(?:[{_UNRES}{_SUB}:]|{_PCT})*@)?{_HOST}(?::[0-9]*)?"
_ABEMPTY = f"(?:/{_SEG})*"
_ABS = f"/(?:{_SEG_NZ}(?:/{_SEG})*)?"
_QUERY = f"(?:\\?(?:{_PCHAR}|[{_PRIV}/?])*)?"
_FRAG = f"(?:#(?:{_PCHAR}|[/?])*)?"
_IRI = (
    f"[A-Za-z][A-Za-z0-9+\\-.]*:(?://{_AUTH}{_ABEMPTY}|{_ABS}|{_SEG_NZ}(?:/{_SEG})*|)"
    f"{_QUERY}{_FRAG}"
)
_REL = f"(?://{_AUTH}{_ABEMPTY}|{_ABS}|{_SEG_NC}(?:/{_SEG})*|){_QUERY}{_FRAG}"
IRI_REFERENCE = re.compile(f"(?:{_IRI}|{_REL})")
TOOL_REF = "osaudit-tool"
SUBJECT_SUFFIX = "#osaudit-subject"


def _prop(name: str, value: object) -> Property | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        value = "true" if value else "false"
    return Property(name=NS + name, value=str(value))


def finding_properties(c: ComponentResult, justify: Mapping[str, Justification]) -> list[Property]:
    """The ``osaudit:`` properties for one report component."""
    lockin, licence, maint = c.lockin, c.licence, c.maintenance
    family, vendor, match = lockin.family, lockin.vendor, lockin.match
    pairs: list[tuple[str, object]] = [
        ("lockin:level", lockin.level),
        ("lockin:score", lockin.score),
        ("lockin:family", family.id if family else None),
        ("lockin:category", family.category if family else None),
        ("lockin:kind", family.kind if family else None),
        ("lockin:vendor", vendor.name if vendor else None),
        ("lockin:jurisdiction", vendor.jurisdiction if vendor else None),
        ("lockin:match", f"{match.method}:{match.confidence}" if match else None),
        ("licence:expression", licence.expression),
        ("licence:category", licence.category),
        ("licence:level", licence.level),
        ("licence:openness", licence.score),
        ("licence:osi-approved", licence.osi_approved),
        ("licence:open-source", licence.open_source),
        ("maintenance:level", maint.level),
        ("maintenance:score", maint.score),
        ("depth", depth_word(c.direct)),
        ("art41:justification-required", c.ref in justify),
    ]
    if family:
        pairs += [("lockin:lock", x) for x in family.lock]
        pairs += [("lockin:open-standard", x) for x in family.open_standards]
    pairs += [("alternative-of", x) for x in lockin.alternative_of]
    for alt in lockin.alternatives:
        pairs.append(("alternative", f"{alt.id} ({alt.swap})"))
    if c.ref in justify:
        pairs.append(("art41:why", justify[c.ref].why))
    props = [_prop(name, value) for name, value in pairs]
    return [p for p in props if p is not None]


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


def _hashes(pairs: Iterable[tuple[str, str]]) -> list[HashType]:
    out = []
    for alg, value in pairs:
        if not _HEX_DIGEST.fullmatch(value or ""):
            continue  # the schema's hash-content pattern: 32/40/64/96/128 hex digits
        try:
            out.append(_HASHES.from_composite_str(f"{alg.lower().replace('-', '')}:{value}"))
        except Exception:  # noqa: BLE001,S112 - unknown algorithms are dropped
            continue
    return out


def _ext_refs(refs: Iterable[model.ExternalRef]) -> list[ExternalReference]:
    out = []
    for ref in refs:
        try:
            kind = ExternalReferenceType(ref.type)
        except ValueError:
            kind = ExternalReferenceType.OTHER
        if not ref.url or len(ref.url) > 8192 or not IRI_REFERENCE.fullmatch(ref.url):
            continue  # not a valid IRI-reference (schema format): dropped
        try:
            out.append(ExternalReference(type=kind, url=XsUri(ref.url)))
        except Exception:  # noqa: BLE001,S112 - invalid URIs are dropped, not fatal
            continue
    return out


def _type(value: str | None) -> ComponentType:
    try:
        return ComponentType(value) if value else ComponentType.LIBRARY
    except ValueError:
        return ComponentType.LIBRARY


def _from_model(
    comp: model.Component, finding: ComponentResult | None, justify: Mapping[str, Justification]
) -> Component:
    purl = _purl(comp.purl) or _purl(comp.purl_raw)
    raw = [lic.raw for lic in (*comp.licences_concluded, *comp.licences_declared)]
    props = finding_properties(finding, justify) if finding else []
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
        hashes=_hashes(comp.hashes),
        external_references=_ext_refs(comp.external_refs),
        description=comp.description,
        properties=props,
    )


def _from_report(c: ComponentResult, justify: Mapping[str, Justification]) -> Component:
    purl = _purl(c.purl)
    props = finding_properties(c, justify)
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
    justify = {
        ref: j
        for j in report.verdict.justifications_required
        for ref in j.refs()
    }
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
    meta_props = [
        _prop("art41:verdict", report.verdict.art41),
        _prop(
            "art41:evidence",
            report.verdict.evidence.statement if report.verdict.evidence else None,
        ),
        _prop("report:schema-version", report.schema_version),
        _prop("catalog:digest", report.catalog.digest),
        _prop("sbom:sha256", report.sbom.sha256),
        _prop("sbom:format", report.sbom.format),
        _prop("sovereignty:non-eu-share", report.sovereignty.non_eu_share),
    ]
    bom.metadata.properties = [p for p in meta_props if p is not None]

    by_ref: dict[str, Component] = {}
    if ctx.sbom is not None:
        for comp in ctx.sbom.components:
            if comp.ref not in by_ref:
                by_ref[comp.ref] = _from_model(comp, findings.get(comp.ref), justify)
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
    return bom


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
