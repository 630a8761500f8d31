"""CycloneDX output: the input CycloneDX document written back with osaudit's findings.

A CycloneDX JSON or XML input (``ctx.source``, the bytes as read) is written back as it
was, with ``osaudit:`` properties added to each component (nested ones and
``metadata.component`` included) and to ``metadata``: see
:mod:`osaudit.report.cyclonedx_enrich` (JSON) and :mod:`osaudit.report.cyclonedx_xml`.
Any other input (SPDX), or a call without the source, gets a CycloneDX 1.6 BOM converted
from the read SBOM (:mod:`osaudit.report.cyclonedx_convert`), which says what a
conversion cannot carry. Property names are documented in docs/report-formats.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from osaudit import __version__, model
from osaudit.gcpause import paused
from osaudit.report.context import RenderContext
from osaudit.report.model import ComponentResult, Justification, LicenceAxis, LockinAxis, Report
from osaudit.vocabulary import depth_word

NS = "osaudit:"
#: A CycloneDX property as JSON: ``{"name": "osaudit:…", "value": "…"}``.
Prop = dict[str, str]

# RFC 3987 IRI-reference (the schema's "iri-reference" format) as a regex: URLs that
# fail it are dropped from a converted BOM's externalReferences so it stays schema-valid.
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

#: Spec versions without ``properties`` (added in 1.3): their documents are written as 1.3.
NO_PROPERTIES = frozenset({"1.0", "1.1", "1.2"})
PROPERTIES_SINCE = "1.3"
#: The note on a signed input (its signature does not cover the added properties).
SIGNED = (
    "the input is signed: the signature covers the document as it was before osaudit "
    "added its properties, so verify the input, not this output"
)


def _props(items: list[tuple[str, object]]) -> list[Prop]:
    out = []
    for name, value in items:
        if value is None or value == "":
            continue
        text = "true" if value is True else "false" if value is False else str(value)
        out.append({"name": NS + name, "value": text})
    return out


def justifications(report: Report) -> dict[str, Justification]:
    """Justification required, by component ref."""
    return {ref: j for j in report.verdict.justifications_required for ref in j.refs()}


def lockin_properties(lockin: LockinAxis) -> list[Prop]:
    """``osaudit:lockin:*`` and ``osaudit:alternative*`` of one lock-in finding."""
    family, vendor, match = lockin.family, lockin.vendor, lockin.match
    items: list[tuple[str, object]] = [
        ("lockin:level", lockin.level),
        ("lockin:score", lockin.score),
        ("lockin:family", family.id if family else None),
        ("lockin:category", family.category if family else None),
        ("lockin:kind", family.kind if family else None),
        ("lockin:vendor", vendor.name if vendor else None),
        ("lockin:jurisdiction", vendor.jurisdiction if vendor else None),
        ("lockin:match", f"{match.method}:{match.confidence}" if match else None),
    ]
    if family:
        items += [("lockin:lock", x) for x in family.lock]
        items += [("lockin:open-standard", x) for x in family.open_standards]
    items += [("alternative-of", x) for x in lockin.alternative_of]
    items += [("alternative", f"{alt.id} ({alt.swap})") for alt in lockin.alternatives]
    return _props(items)


def licence_properties(licence: LicenceAxis) -> list[Prop]:
    """``osaudit:licence:*`` of one licence finding."""
    return _props([
        ("licence:expression", licence.expression),
        ("licence:category", licence.category),
        ("licence:level", licence.level),
        ("licence:openness", licence.score),
        ("licence:osi-approved", licence.osi_approved),
        ("licence:open-source", licence.open_source),
    ])  # fmt: skip


_DEPTH = {d: _props([("depth", depth_word(d))]) for d in (True, False, None)}
_JUSTIFY = {j: _props([("art41:justification-required", j)]) for j in (True, False)}


def finding_properties(
    c: ComponentResult,
    justify: Mapping[str, Justification],
    cache: dict[object, list[Prop]] | None = None,
) -> list[Prop]:
    """The ``osaudit:`` properties of one report component, in a fixed order.

    ``cache`` (one render's) shares the lists of findings the pipeline shares: one
    lock-in or licence result object serves many components, so it is written once.
    """
    cache = {} if cache is None else cache
    lockin = cache.get(id(c.lockin))
    if lockin is None:
        lockin = cache[id(c.lockin)] = lockin_properties(c.lockin)
    licence = cache.get(id(c.licence))
    if licence is None:
        licence = cache[id(c.licence)] = licence_properties(c.licence)
    maint = c.maintenance
    key = ("maintenance", maint.level, maint.score)
    maintenance = cache.get(key)
    if maintenance is None:
        maintenance = cache[key] = _props([("maintenance:level", maint.level),
                                           ("maintenance:score", maint.score)])  # fmt: skip
    justified = c.ref in justify
    out = [*lockin, *licence, *maintenance, *_DEPTH[c.direct], *_JUSTIFY[justified]]
    if justified:
        out += _props([("art41:why", justify[c.ref].why)])
    return out


def metadata_properties(report: Report, output: str, notes: list[str]) -> list[Prop]:
    """The ``osaudit:`` properties of ``metadata``: verdict, catalogue, time, what was done."""
    evidence = report.verdict.evidence
    items: list[tuple[str, object]] = [
        ("art41:verdict", report.verdict.art41),
        ("art41:evidence", evidence.statement if evidence else None),
        ("report:schema-version", report.schema_version),
        ("report:generated-at", report.generated_at),
        ("tool:version", report.tool.version or __version__),
        ("catalog:digest", report.catalog.digest),
        ("sbom:sha256", report.sbom.sha256),
        ("sbom:format", report.sbom.format),
        ("sbom:spec-version", report.sbom.spec_version),
        ("sovereignty:non-eu-share", report.sovereignty.non_eu_share),
        ("output", output),
    ]
    items += [("note", n) for n in notes]
    return _props(items)


@dataclass(slots=True)
class Enrichment:
    """Which properties each CycloneDX component entry gets.

    Entry ``i`` of the ``components`` tree (depth first, document order) is kept by
    the reader under ``placement[i]`` (merged duplicates share a ref, a second
    component under a taken bom-ref gets ``ref#2``, one without bom-ref the synthetic
    ``osaudit:$.components[…]``); it gets that ref's findings and ``osaudit:ref``
    naming the report row. Without a placement of the right length (a hand-built
    context) an entry's own bom-ref or synthetic ref is looked up instead.
    ``metadata.component`` gets ``osaudit:role`` ``subject``, the components nested
    in it ``subproject`` (the application itself, not dependencies), plus findings
    when the report scored that ref too.
    """

    findings: dict[str, ComponentResult]
    justify: dict[str, Justification]
    placement: tuple[str, ...] = ()
    subject: str | None = None
    subprojects: frozenset[str] = frozenset()
    _by_ref: dict[tuple[str, str | None], list[Prop]] = field(default_factory=dict)
    _shared: dict[object, list[Prop]] = field(default_factory=dict)

    @classmethod
    def of(cls, report: Report, sbom: model.Sbom | None) -> Enrichment:
        doc = sbom.document if sbom is not None else None
        return cls(
            findings=report.by_ref(),
            justify=justifications(report),
            placement=sbom.placement if sbom is not None else (),
            subject=doc.subject.ref if doc is not None and doc.subject is not None else None,
            subprojects=frozenset(s.ref for s in doc.subprojects) if doc else frozenset(),
        )

    def use_placement(self, entries: int) -> bool:
        """Whether the reader's placement covers exactly ``entries`` component entries."""
        return bool(self.placement) and len(self.placement) == entries

    def for_ref(self, ref: str, role: str | None = None) -> list[Prop]:
        """``osaudit:ref``, ``osaudit:role`` (if any) and the findings of ``ref``."""
        key = (ref, role)
        found = self._by_ref.get(key)
        if found is None:
            found = [{"name": NS + "ref", "value": ref}]
            if role is not None:
                found.append({"name": NS + "role", "value": role})
            finding = self.findings.get(ref)
            if finding is not None:
                found += finding_properties(finding, self.justify, self._shared)
            self._by_ref[key] = found
        return found

    def nested_role(self, ref: str) -> str | None:
        """``subject`` / ``subproject`` for a components entry that is the application."""
        if ref == self.subject:
            return "subject"
        return "subproject" if ref in self.subprojects else None


def synthetic_ref(location: str) -> str:
    """The reader's ref for a component without bom-ref (sbom.common.Builder.synthetic_ref)."""
    return f"osaudit:{location}"


def is_ours(name: object) -> bool:
    """A property osaudit wrote (replaced, never duplicated, on re-enrichment)."""
    return isinstance(name, str) and name.startswith(NS)


def count_entries(components: object) -> int:
    """Component entries in a components array, nested ones included (as the reader walks)."""
    if not isinstance(components, list):
        return 0
    return sum(1 + count_entries(c.get("components")) for c in components if isinstance(c, dict))


def render(report: Report, ctx: RenderContext) -> bytes:
    """CycloneDX bytes: the enriched input document, or a converted 1.6 JSON BOM.

    The cyclic garbage collector is paused meanwhile (as in the pipeline): the parsed
    document is hundreds of thousands of acyclic objects, and a collection pass would
    walk the whole report and SBOM besides (measured: doubles the time at 10,000
    components, benchmarks/bench_report.py).
    """
    doc = ctx.sbom.document if ctx.sbom is not None else None
    with paused():
        if ctx.source is not None and doc is not None and doc.format == "cyclonedx":
            enrichment = Enrichment.of(report, ctx.sbom)
            if doc.encoding == "xml":
                from osaudit.report import cyclonedx_xml

                return cyclonedx_xml.enrich(ctx.source, report, enrichment, ctx.sbom_path)
            from osaudit.report import cyclonedx_enrich

            return cyclonedx_enrich.enrich(ctx.source, report, enrichment, ctx.sbom_path)
        from osaudit.report import cyclonedx_convert

        return cyclonedx_convert.render(report, ctx)
