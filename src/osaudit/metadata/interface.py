"""Facts gathered about one package from live metadata services, and the Source protocol.

Every fact keeps where it came from (``source``) and when it was retrieved
(``date``, an ISO-8601 UTC timestamp taken from the cache entry), so a report
built from the same cache content is byte-identical.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from osaudit.metadata.fetch import Fetcher

SourceName = Literal["deps.dev", "ecosyste.ms", "osv", "scorecard"]
SOURCES: tuple[SourceName, ...] = ("deps.dev", "ecosyste.ms", "osv", "scorecard")
Status = Literal["ok", "not-found", "error", "offline", "skipped"]


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """What one source said about one package: ``ok`` or why it said nothing."""

    source: SourceName
    status: Status
    reason: str = ""  # "HTTP 404 (unknown package)", "network unreachable", "circuit open"...
    date: str | None = None  # retrieval timestamp of the newest response used


@dataclass(frozen=True, slots=True)
class Release:
    """One published version of the package."""

    version: str
    published_at: str | None
    is_default: bool = False


@dataclass(frozen=True, slots=True)
class Vuln:
    """A known vulnerability affecting the used version (OSV)."""

    id: str
    aliases: tuple[str, ...] = ()
    summary: str = ""
    fixed: tuple[str, ...] = ()  # versions that fix it for this package
    fixed_known: bool = False  # False when the details were not fetched (bound reached / error)


@dataclass(frozen=True, slots=True)
class Scorecard:
    """OpenSSF Scorecard result for the source repository."""

    repository: str  # github.com/owner/repo
    overall: float | None
    maintained: int | None  # Maintained check 0..10, None when absent or inconclusive (-1)
    date: str | None  # date of the Scorecard run
    source: SourceName  # "deps.dev" (GetProject) or "scorecard" (Scorecard API)
    retrieved: str | None = None


@dataclass(frozen=True, slots=True)
class PackageFacts:
    """Everything the metadata stage knows about one package version.

    ``None`` means "not known"; ``reason`` is set when nothing could be asked at
    all (no purl, unsupported ecosystem). ``sources`` always lists every source
    with its status so an unknown score can say why.
    """

    purl: str | None
    ecosystem: str | None = None
    name: str | None = None
    version: str | None = None
    reason: str | None = None
    sources: tuple[SourceStatus, ...] = ()
    published_at: str | None = None  # of the used version
    releases: tuple[Release, ...] = ()  # sorted by publication date then version
    latest_version: str | None = None
    latest_published_at: str | None = None
    first_published_at: str | None = None
    versions_count: int | None = None  # releases the registry lists (ecosyste.ms)
    deprecated: bool | None = None
    deprecated_source: SourceName | None = None
    status: str | None = None  # registry status: deprecated / removed / unpublished / archived...
    archived: bool | None = None
    maintainers: int | None = None
    dependents: int | None = None
    critical: bool | None = None
    repository: str | None = None  # github.com/owner/repo (rebuilt from parts) or None
    licences: tuple[str, ...] = ()
    advisories: tuple[str, ...] = ()  # deps.dev advisoryKeys of the used version
    vulns: tuple[Vuln, ...] | None = None  # None = OSV not known
    scorecard: Scorecard | None = None
    stars: int | None = None
    oss_fuzz: bool | None = None
    origins: tuple[tuple[str, SourceName], ...] = ()  # (field, source that gave it), sorted

    def origin(self, name: str, default: SourceName = "deps.dev") -> SourceName:
        """Which source gave field ``name``."""
        for fld, src in self.origins:
            if fld == name:
                return src
        return default

    def status_of(self, source: SourceName) -> SourceStatus | None:
        """The status entry of one source, if any."""
        for st in self.sources:
            if st.source == source:
                return st
        return None

    def ok(self, source: SourceName) -> bool:
        st = self.status_of(source)
        return st is not None and st.status == "ok"

    def date_of(self, source: SourceName) -> str | None:
        st = self.status_of(source)
        return st.date if st is not None else None


@dataclass(frozen=True, slots=True)
class Stats:
    """Counters of one collection run (the summary line prints them)."""

    requests: int = 0
    cache_hits: int = 0
    failures: int = 0
    bytes: int = 0
    seconds: float = 0.0
    components: int = 0
    packages: int = 0


@dataclass(frozen=True, slots=True)
class MetadataResult:
    """Facts per component ref, run statistics and warnings."""

    facts: dict[str, PackageFacts]
    stats: Stats = field(default_factory=Stats)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Target:
    """One package version to look up (deduplicated by ``key``)."""

    key: str  # pkg:type/namespace/name@version without qualifiers
    type: str
    namespace: str | None
    name: str
    version: str | None
    raw_name: str | None = None  # the name as the SBOM's purl wrote it, when it differs
    alt_name: str | None = None  # the component's own name field, when it differs

    @property
    def package_key(self) -> str:
        """The key without ``@version``."""
        return self.key[: -(len(self.version) + 1)] if self.version else self.key


@dataclass(frozen=True, slots=True)
class SourceData:
    """What a source contributes to a :class:`PackageFacts` (merged by ``collect``)."""

    status: SourceStatus
    fields: dict[str, object] = field(default_factory=dict)


class Source(Protocol):
    """A metadata service: which packages it knows and how to ask it in bulk."""

    name: SourceName

    def supports(self, target: Target) -> bool:
        """True when this service can answer for the target's ecosystem."""
        ...

    async def gather(self, targets: Sequence[Target], fetcher: Fetcher) -> dict[str, SourceData]:
        """Facts per target key; never raises for one package's failure."""
        ...
