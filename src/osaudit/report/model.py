"""The audit report as a typed, frozen value: :class:`Report` and its parts.

The classes mirror ``report/report.schema.json`` field for field (a test checks
the two agree); :meth:`Report.to_json` writes the canonical bytes (UTF-8, keys
sorted, 2-space indent, one trailing newline) and :meth:`Report.from_json`
reads them back, rejecting anything the schema would reject by shape (unknown
fields, wrong types, bad enum values). Sequences are tuples and every class is
frozen, so rows can share their axis objects safely.

These are msgspec ``Struct`` classes (see ``benchmarks/bench_model.py`` for the
comparison with frozen dataclasses + orjson); scoring ``Reason`` values
(:class:`osaudit.model.Reason`) are carried as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import msgspec

from osaudit.errors import InputError
from osaudit.model import Reason
from osaudit.vocabulary import Art41, Axis, Level, Threshold

__all__ = [
    "AlternativeOption",
    "AllowedComponent",
    "CatalogInfo",
    "ComponentResult",
    "Coverage",
    "CsfObjective",
    "ExceptionUse",
    "FamilyRef",
    "FundOrReplace",
    "Gate",
    "Justification",
    "JustificationAlternative",
    "LevelCounts",
    "LicenceAxis",
    "LockinAxis",
    "MaintenanceAxis",
    "MatchInfo",
    "PolicyInfo",
    "PolicyRule",
    "Reason",
    "Report",
    "ReportWarning",
    "SbomInfo",
    "SbomSubject",
    "Sovereignty",
    "Summary",
    "Tool",
    "TopRisk",
    "VendorRef",
    "VendorSummary",
    "Verdict",
]

SCHEMA_VERSION: Literal["1.0"] = "1.0"

Swap = Literal["api-compatible", "adapter", "rewrite"]
MatchMethod = Literal["purl-exact", "purl-pattern", "cpe", "name"]
Confidence = Literal["high", "medium", "low"]


class _Part(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Base of every report part: frozen, keyword-only, no unknown fields on decode."""


# --------------------------------------------------------------------------- header


class Tool(_Part, frozen=True, kw_only=True):
    name: Literal["osaudit"] = "osaudit"
    version: str


class SbomSubject(_Part, frozen=True, kw_only=True):
    name: str
    version: str | None
    purl: str | None


class SbomInfo(_Part, frozen=True, kw_only=True):
    path: str
    sha256: str | None
    format: Literal["cyclonedx", "spdx"]
    spec_version: str
    encoding: Literal["json", "xml", "tag-value", "json-ld"]
    serial: str | None
    name: str | None = None
    created: str | None = None
    tools: tuple[str, ...]
    subject: SbomSubject | None


class CatalogInfo(_Part, frozen=True, kw_only=True):
    digest: str
    families: int
    alternatives: int
    sources: tuple[str, ...]


class PolicyRule(_Part, frozen=True, kw_only=True):
    pattern: str
    reason: str | None


class PolicyInfo(_Part, frozen=True, kw_only=True):
    path: str | None
    source: str | None = None
    project_licence: str | None
    project_licence_source: Literal["option", "policy", "sbom"] | None
    fail_on: Mapping[Axis, Threshold] = msgspec.field(default_factory=dict)
    fail_on_unknown: tuple[Axis, ...] = ()
    licence_categories: tuple[str, ...] = ()
    #: present (true) only when the policy fails runs where no metadata service answered
    fail_on_metadata_unreachable: bool | msgspec.UnsetType = msgspec.UNSET
    allow: tuple[PolicyRule, ...] = ()
    deny: tuple[PolicyRule, ...] = ()
    exceptions: int = 0


# --------------------------------------------------------------------------- components


class FamilyRef(_Part, frozen=True, kw_only=True):
    """The catalogue family a component was matched to (the lock)."""

    id: str
    name: str
    category: str
    kind: str
    lock: tuple[str, ...]
    open_standards: tuple[str, ...]


class VendorRef(_Part, frozen=True, kw_only=True):
    name: str
    jurisdiction: str | None
    parent: str | None = None


class MatchInfo(_Part, frozen=True, kw_only=True):
    method: MatchMethod
    pattern: str
    confidence: Confidence


class AlternativeOption(_Part, frozen=True, kw_only=True):
    """An open alternative to a family, with the swap effort."""

    id: str
    name: str
    homepage: str | None = None
    licence: str | None
    steward: str | None
    steward_type: str | None = None
    jurisdiction: str | None
    maturity: str | None = None
    swap: Swap
    note: str | None = None


class LockinAxis(_Part, frozen=True, kw_only=True):
    """Vendor lock-in RISK: 0 = none, 100 = worst; ``score`` None exactly when unknown."""

    score: int | None
    level: Level
    reasons: tuple[Reason, ...]
    family: FamilyRef | None
    vendor: VendorRef | None
    match: MatchInfo | None
    alternative_of: tuple[str, ...]
    alternatives: tuple[AlternativeOption, ...]


class LicenceAxis(_Part, frozen=True, kw_only=True):
    """Licence OPENNESS: 100 = fully open; ``level`` is the risk level."""

    score: int | None
    level: Level
    reasons: tuple[Reason, ...]
    raw: tuple[str, ...]
    expression: str | None
    category: str
    osi_approved: bool | None
    fsf_libre: bool | None
    open_source: bool | None
    compatible: bool | None
    compatibility_note: str | None = None


class MaintenanceAxis(_Part, frozen=True, kw_only=True):
    """Maintenance RISK: 0 = none, 100 = worst; ``facts`` as collected, each with its source."""

    score: int | None
    level: Level
    reasons: tuple[Reason, ...]
    facts: Mapping[str, Any]


class ComponentResult(_Part, frozen=True, kw_only=True):
    """One component of the SBOM with its three axes."""

    ref: str
    purl: str | None
    name: str
    version: str | None
    group: str | None
    ecosystem: str | None
    direct: bool | None
    introduced_by: tuple[str, ...]
    cpes: tuple[str, ...]
    lockin: LockinAxis
    licence: LicenceAxis
    maintenance: MaintenanceAxis

    def axis(self, name: Axis) -> LockinAxis | LicenceAxis | MaintenanceAxis:
        """The axis called ``name``."""
        if name == "lockin":
            return self.lockin
        if name == "licence":
            return self.licence
        return self.maintenance


# --------------------------------------------------------------------------- summary


class Coverage(_Part, frozen=True, kw_only=True):
    purl: int
    cpe_only: int
    name_only: int
    licence_known: int
    catalog_matched: int
    maintenance_known: int


class LevelCounts(_Part, frozen=True, kw_only=True):
    none: int
    low: int
    medium: int
    high: int
    critical: int
    unknown: int

    def get(self, level: Level) -> int:
        """The count for ``level``."""
        value: int = getattr(self, level)
        return value


class VendorSummary(_Part, frozen=True, kw_only=True):
    name: str
    jurisdiction: str | None
    families: tuple[str, ...]
    components: int
    worst_level: Level


class TopRisk(_Part, frozen=True, kw_only=True):
    ref: str
    name: str
    version: str | None
    purl: str | None
    axis: Axis
    level: Level
    score: int | None
    summary: str


class FundOrReplace(_Part, frozen=True, kw_only=True):
    ref: str
    name: str
    reason: str


class Summary(_Part, frozen=True, kw_only=True):
    components: int
    direct: int
    transitive: int
    depth_unknown: int
    coverage: Coverage
    lockin: LevelCounts
    licence: LevelCounts
    maintenance: LevelCounts
    licence_categories: Mapping[str, int]
    vendors: tuple[VendorSummary, ...]
    jurisdictions: Mapping[str, int]
    top_risks: tuple[TopRisk, ...]
    fund_or_replace: tuple[FundOrReplace, ...]

    def counts(self, axis: Axis) -> LevelCounts:
        """Level counts of ``axis``."""
        if axis == "lockin":
            return self.lockin
        if axis == "licence":
            return self.licence
        return self.maintenance


# --------------------------------------------------------------------------- sovereignty, verdict


class CsfObjective(_Part, frozen=True, kw_only=True):
    objective: str
    title: str
    components: tuple[str, ...]


class Sovereignty(_Part, frozen=True, kw_only=True):
    non_eu_share: float | None
    by_jurisdiction: Mapping[str, int]
    csf: tuple[CsfObjective, ...]
    limits: tuple[str, ...]


class JustificationAlternative(_Part, frozen=True, kw_only=True):
    id: str
    name: str
    swap: Swap


class Justification(_Part, frozen=True, kw_only=True):
    ref: str
    name: str
    version: str | None = None
    purl: str | None
    why: str
    family: str | None
    alternatives: tuple[JustificationAlternative, ...]


class ExceptionUse(_Part, frozen=True, kw_only=True):
    pattern: str
    reason: str
    approver: str
    expires: str
    status: Literal["active", "expired", "unused"]
    components: tuple[str, ...]


class Gate(_Part, frozen=True, kw_only=True):
    name: str
    passed: bool
    detail: str
    components: tuple[str, ...] = ()


class AllowedComponent(_Part, frozen=True, kw_only=True):
    ref: str
    pattern: str
    reason: str | None


class Verdict(_Part, frozen=True, kw_only=True):
    art41: Art41
    reasons: tuple[str, ...]
    justifications_required: tuple[Justification, ...]
    exceptions: tuple[ExceptionUse, ...]
    gates: tuple[Gate, ...]
    allowed: tuple[AllowedComponent, ...] = ()


class ReportWarning(_Part, frozen=True, kw_only=True):
    code: str
    message: str
    location: str | None


# --------------------------------------------------------------------------- the report


class Report(_Part, frozen=True, kw_only=True):
    """One audit of one SBOM: what was read, the three axes per component, the verdict."""

    schema_version: Literal["1.0"] = SCHEMA_VERSION
    tool: Tool
    generated_at: str
    sbom: SbomInfo
    catalog: CatalogInfo
    policy: PolicyInfo
    summary: Summary
    sovereignty: Sovereignty
    verdict: Verdict
    warnings: tuple[ReportWarning, ...]
    components: tuple[ComponentResult, ...]

    def to_json(self) -> bytes:
        """The canonical JSON bytes: UTF-8, keys sorted, 2-space indent, trailing newline."""
        return _to_json(self)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-compatible builtins (dicts, lists, str, numbers, None)."""
        out: dict[str, Any] = msgspec.json.decode(_ENCODER.encode(self))
        return out

    @classmethod
    def from_json(cls, data: bytes | str, *, source: str = "report") -> Report:
        """Read a JSON report; :class:`InputError` naming ``source`` and the place otherwise."""
        try:
            return _DECODER.decode(data)
        except msgspec.DecodeError as exc:
            raise InputError(f"{source}: not an osaudit JSON report: {exc}") from None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "report") -> Report:
        """Build a report from parsed JSON (dicts and lists); errors as :meth:`from_json`."""
        try:
            return msgspec.convert(data, cls)
        except msgspec.ValidationError as exc:
            raise InputError(f"{source}: not an osaudit JSON report: {exc}") from None

    def by_ref(self) -> dict[str, ComponentResult]:
        """Components by bom-ref (a fresh dict)."""
        return {c.ref: c for c in self.components}


_ENCODER = msgspec.json.Encoder(order="sorted")
_DECODER = msgspec.json.Decoder(Report)


def _to_json(value: object) -> bytes:
    return msgspec.json.format(_ENCODER.encode(value), indent=2) + b"\n"
