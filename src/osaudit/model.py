"""Frozen dataclasses shared by every pipeline stage.

Data flows one way: sbom -> identity -> catalog -> metadata -> scoring -> report.
Each stage takes these values and returns new ones; nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from osaudit.vocabulary import LEVELS as LEVELS  # re-exported; defined in osaudit.vocabulary
from osaudit.vocabulary import Level as Level

SbomFormat = Literal["cyclonedx", "spdx"]
Encoding = Literal["json", "xml", "tag-value", "json-ld"]


# --------------------------------------------------------------------------- SBOM


@dataclass(frozen=True, slots=True)
class Licence:
    """One licence statement exactly as the SBOM gave it.

    ``raw`` is always kept. ``expression`` is an SPDX expression when one can be
    derived unambiguously, ``"NOASSERTION"``/``"NONE"`` when the SBOM said so,
    else ``None``. ``given_as`` says which field it came from
    (``id``, ``name``, ``expression``, ``text``, ``spdx``).
    """

    raw: str
    expression: str | None
    given_as: str


@dataclass(frozen=True, slots=True)
class ExternalRef:
    """An external reference of a component (vcs, website, distribution, ...)."""

    type: str
    url: str


@dataclass(frozen=True, slots=True)
class Warning:
    """A problem found while reading; never fatal unless ``--strict``."""

    code: str
    message: str
    location: str | None = None  # JSON path, XML path or line number as text


@dataclass(frozen=True, slots=True)
class Component:
    """One software component, normalised across SBOM formats."""

    ref: str  # bom-ref / SPDXID / spdxId; unique within the Sbom after merging
    name: str
    version: str | None = None
    group: str | None = None  # CycloneDX group, Maven groupId, npm scope...
    type: str | None = None  # library, application, container, ... as given
    purl: str | None = None  # canonical purl string (packageurl-python, ecosystem rules)
    purl_raw: str | None = None  # purl exactly as written, when it differs
    ecosystem: str | None = None  # purl type after mapping (pypi, npm, maven, nuget, apk...)
    cpes: tuple[str, ...] = ()
    licences_declared: tuple[Licence, ...] = ()
    licences_concluded: tuple[Licence, ...] = ()
    supplier: str | None = None
    author: str | None = None
    hashes: tuple[tuple[str, str], ...] = ()  # (algorithm, hex value)
    external_refs: tuple[ExternalRef, ...] = ()
    scope: str | None = None  # required / optional / excluded (CycloneDX) or None
    parent: str | None = None  # ref of the enclosing component for nested ones
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """What the SBOM says about itself."""

    format: SbomFormat
    spec_version: str
    encoding: Encoding
    tools: tuple[str, ...] = ()  # "name version" of creating tools
    serial: str | None = None  # CycloneDX serialNumber / SPDX documentNamespace / SPDX 3 id
    name: str | None = None
    created: str | None = None
    subject: Component | None = None  # metadata.component / DESCRIBES target
    # workspace / sub-project roots nested in the subject (cdxgen writes them in
    # metadata.component.components): part of the application, not dependencies
    subprojects: tuple[Component, ...] = ()


@dataclass(frozen=True, slots=True)
class Sbom:
    """A read SBOM: document, flat component list, dependency graph, warnings."""

    path: str  # as the user gave it ("-" for stdin)
    document: Document
    components: tuple[Component, ...]
    dependencies: dict[str, tuple[str, ...]] = field(default_factory=dict)  # ref -> refs
    warnings: tuple[Warning, ...] = ()
    # CycloneDX: the ref each entry of ``components`` (nested ones depth first, in
    # document order) is kept under after merging; the CycloneDX output uses it to
    # put each finding on the entry it belongs to
    placement: tuple[str, ...] = ()

    def by_ref(self) -> dict[str, Component]:
        return {c.ref: c for c in self.components}


# --------------------------------------------------------------------------- catalogue


@dataclass(frozen=True, slots=True)
class Vendor:
    name: str
    jurisdiction: str | None  # ISO 3166-1 alpha-2 of the controlling entity, None if unconfirmed
    parent: str | None = None
    parent_jurisdiction: str | None = None


@dataclass(frozen=True, slots=True)
class Provenance:
    sources: tuple[str, ...]
    reviewed: str  # ISO date


@dataclass(frozen=True, slots=True)
class LicenceChange:
    date: str  # YYYY-MM or YYYY-MM-DD
    from_licence: str | None
    to_licence: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Replacement:
    """A family -> alternative edge: how hard the swap is."""

    alternative: str  # alternative id
    swap: Literal["api-compatible", "adapter", "rewrite"]
    note: str = ""


@dataclass(frozen=True, slots=True)
class VersionScope:
    """Only versions in ``range`` (purl-spec ``vers:``) of the packages ``purls`` lock."""

    purls: tuple[str, ...]
    range: str  # e.g. "vers:npm/>=2.0.0"
    note: str = ""
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DormantScope:
    """Packages ``purls`` that a bundler (``bundled_by``) always installs but that stay
    inactive unless the application configures them (``active_when``)."""

    purls: tuple[str, ...]  # patterns, each also in the family's purls
    bundled_by: tuple[str, ...]  # purl patterns of the packages that bundle them
    active_when: str  # the configuration that activates them
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CatchAllLink:
    """A service family reachable through a catch-all family's client (S3 through boto3)."""

    family: str  # the catch-all family's id
    evidence: tuple[str, ...]  # purl patterns of packages that call this service through it
    note: str = ""
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Family:
    """Something that ties software to a vendor (a lock)."""

    id: str
    name: str
    category: str
    vendor: Vendor
    kind: str  # proprietary-service-sdk | proprietary-licence | source-available
    #            | open-source-single-vendor | open-standard
    lock: tuple[str, ...]  # proprietary-api, data-gravity, proprietary-licence, relicensing, ...
    open_standards: tuple[str, ...]  # exit paths: S3, OIDC, SMTP, SQL, OpenTelemetry...
    purls: tuple[str, ...]
    exclude: tuple[str, ...]
    cpes: tuple[str, ...]
    names: tuple[str, ...]  # "ecosystem/name" for low-confidence name matching
    csf: tuple[str, ...]  # SOV-1..SOV-8 it weakens
    alternatives: tuple[Replacement, ...]
    relicensing: tuple[LicenceChange, ...]
    provenance: Provenance
    notes: str = ""
    versions: tuple[VersionScope, ...] = ()  # packages not named here lock in every version
    via_catch_all: CatchAllLink | None = None
    dormant: tuple[DormantScope, ...] = ()  # bundled packages inactive unless configured


@dataclass(frozen=True, slots=True)
class Alternative:
    """An open-source (preferably EU-stewarded) building block that frees."""

    id: str
    name: str
    homepage: str
    licence: str  # SPDX expression
    steward: str
    steward_type: str  # foundation | association | company | public-body | community
    jurisdiction: str | None
    maturity: str
    client_purls: tuple[str, ...]
    endorsements: tuple[str, ...]  # e.g. "SILL", "openDesk", "Sovereign Cloud Stack"
    provenance: Provenance
    notes: str = ""


@dataclass(frozen=True, slots=True)
class Match:
    """How one component was tied to one catalogue entry."""

    entry_kind: Literal["family", "alternative"]
    entry_id: str
    method: Literal["purl-exact", "purl-pattern", "cpe", "name"]
    pattern: str
    confidence: Literal["high", "medium", "low"]
    version_range: str | None = None  # the family's vers: range checked, when one applies
    version_status: Literal["inside", "outside", "unknown"] | None = None
    version_note: str = ""  # why unknown, or the catalogue's note on the range


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True, slots=True)
class Reason:
    """One rule that moved a score, with its evidence."""

    code: str  # stable rule id, documented in docs/scoring.md
    message: str
    points: int = 0  # signed contribution to the axis score
    source: str | None = None  # "catalog:<id>", "sbom", "deps.dev", "osv", ...
    date: str | None = None  # when the evidence was retrieved or reviewed


@dataclass(frozen=True, slots=True)
class AxisScore:
    """A score on one axis; ``score`` is None exactly when ``level`` is unknown."""

    score: int | None
    level: Level
    reasons: tuple[Reason, ...] = ()
