"""The loaded catalogue and component resolution.

Matching, per entry kind (families and alternatives separately): the
component's normalised purl against exact patterns, then globs (only the most
specific ones: longest literal prefix), then CPE ``vendor:product``, then
``names`` within the ecosystem. The first tier with a hit wins; an entry whose
``exclude`` matches the purl never matches. Confidence: exact purl ``high``;
glob ``high`` when its only ``*`` is trailing and the wildcard part starts at a
``/`` boundary (a whole npm scope ``@sentry/*``, Go ``/v2`` and sub-packages),
else ``medium`` (``AWSSDK.*``); CPE ``medium``; name ``low``.

A family's ``versions`` scopes then check the component's version
(``catalog/versions.py``): a version outside the range that locks drops the
family match (kept in ``Resolution.outside`` to explain why), no version keeps
it one confidence step lower and says so in the match.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from osaudit.catalog.index import Index, Target, build_index
from osaudit.catalog.patterns import cpe_vendor_product, name_keys, purl_key, purl_type
from osaudit.catalog.versions import apply as apply_versions
from osaudit.model import Alternative, Component, Family, Match, Replacement, Sbom

EntryKind = Literal["family", "alternative"]


@dataclass(frozen=True, slots=True)
class Resolution:
    """Catalogue matches of one component, best first."""

    families: tuple[Match, ...] = ()
    alternatives: tuple[Match, ...] = ()
    outside: tuple[Match, ...] = ()  # family matches dropped: version outside the locking range

    @property
    def matched(self) -> bool:
        return bool(self.families or self.alternatives)


EMPTY = Resolution()


def _matches(
    kind: EntryKind, targets: Iterable[Target], method: Any, confidence: Any
) -> tuple[Match, ...]:
    seen: dict[str, Match] = {}
    for t in sorted(targets, key=lambda t: (t.entry_id, t.pattern)):
        seen.setdefault(t.entry_id, Match(kind, t.entry_id, method, t.pattern, confidence))
    return tuple(seen.values())


def match_index(
    index: Index,
    kind: EntryKind,
    key: str | None,
    cpes: tuple[tuple[str, str], ...],
    names: tuple[str, ...],
) -> tuple[Match, ...]:
    """The winning tier of matches of one component in one index."""

    def allowed(t: Target) -> bool:
        return not index.excluded(t.entry_id, key)

    if key:
        exact = [t for t in index.exact.get(key, ()) if allowed(t)]
        if exact:
            return _matches(kind, exact, "purl-exact", "high")
        hits = [h for h in index.glob_hits(key) if allowed(h.target)]
        if hits:
            best = max(h.prefix_len for h in hits)
            top = [h for h in hits if h.prefix_len == best]
            strong = [h.target for h in top if h.boundary]
            if strong:
                return _matches(kind, strong, "purl-pattern", "high")
            return _matches(kind, [h.target for h in top], "purl-pattern", "medium")
    if cpes:
        found = [t for t in index.cpe_hits(cpes) if allowed(t)]
        if found:
            return _matches(kind, found, "cpe", "medium")
    if names:
        found = [t for t in index.name_hits(names) if allowed(t)]
        if found:
            return _matches(kind, found, "name", "low")
    return ()


def _purl_version(purl: str | None) -> str | None:
    from osaudit.identity import normalise_purl, split_canonical

    canonical = normalise_purl(purl)[0] if purl else None
    parts = split_canonical(canonical) if canonical else None
    return parts[3] if parts else None


class Catalog:
    """Families and alternatives by id, with an index for O(1) resolution per component."""

    def __init__(
        self,
        families: Mapping[str, Family],
        alternatives: Mapping[str, Alternative],
        *,
        digest: str = "",
        sources: tuple[str, ...] = (),
        unverified: Mapping[str, frozenset[str]] | None = None,
    ) -> None:
        self.families: dict[str, Family] = dict(sorted(families.items()))
        self.alternatives: dict[str, Alternative] = dict(sorted(alternatives.items()))
        self.digest = digest
        self.sources = sources
        self._unverified = dict(unverified or {})
        self._family_index = build_index(
            (f.id, f.purls, f.exclude, f.cpes, f.names) for f in self.families.values()
        )
        self._alt_index = build_index(
            (a.id, a.client_purls, (), (), ()) for a in self.alternatives.values()
        )
        replaces: dict[str, list[tuple[str, Replacement]]] = {}
        for fam in self.families.values():
            for rep in fam.alternatives:
                replaces.setdefault(rep.alternative, []).append((fam.id, rep))
        self._replaces = {k: tuple(v) for k, v in replaces.items()}
        self._cache: dict[tuple[Any, ...], Resolution] = {}

    def __repr__(self) -> str:
        return (
            f"Catalog({len(self.families)} families, {len(self.alternatives)} alternatives, "
            f"digest={self.digest[:12]})"
        )

    def unverified(self, entry_id: str) -> frozenset[str]:
        """Fields of an entry its authors could not confirm (treat them as unknown)."""
        return self._unverified.get(entry_id, frozenset())

    def replaces(self, alternative_id: str) -> tuple[tuple[str, Replacement], ...]:
        """``(family id, edge)`` for every family the alternative can replace."""
        return self._replaces.get(alternative_id, ())

    def entry(self, entry_id: str) -> Family | Alternative | None:
        return self.families.get(entry_id) or self.alternatives.get(entry_id)

    def resolve_key(
        self,
        key: str | None,
        cpes: tuple[tuple[str, str], ...] = (),
        names: tuple[str, ...] = (),
        version: str | None = None,
    ) -> Resolution:
        """Resolve a normalised purl key plus CPE pairs and name keys, at ``version``."""
        fams = match_index(self._family_index, "family", key, cpes, names)
        alts = match_index(self._alt_index, "alternative", key, (), ())
        outside: tuple[Match, ...] = ()
        if fams and key:
            checked = [apply_versions(m, self.families[m.entry_id], key, version) for m in fams]
            fams = tuple(m for m in checked if m.version_status != "outside")
            outside = tuple(m for m in checked if m.version_status == "outside")
        if fams or alts or outside:
            return Resolution(fams, alts, outside)
        return EMPTY

    def resolve(self, component: Component) -> Resolution:
        """Catalogue matches of one component (cached by its identity fields and version)."""
        ck = (
            component.purl,
            component.cpes,
            component.ecosystem,
            component.group,
            component.name,
            component.version,
        )
        hit = self._cache.get(ck)
        return hit if hit is not None else self._resolve_new(component, ck)

    def _resolve_new(self, component: Component, ck: tuple[Any, ...]) -> Resolution:
        """Resolve a component not in the cache (``ck``: its cache key) and cache it."""
        key = purl_key(component.purl) if component.purl else None
        pairs = tuple(p for p in (cpe_vendor_product(c) for c in component.cpes) if p)
        eco = component.ecosystem or (purl_type(key) if key else None)
        version = component.version or _purl_version(component.purl)
        result = self.resolve_key(
            key, pairs, name_keys(eco, component.group, component.name), version
        )
        self._cache[ck] = result
        return result

    def resolve_purl(self, purl: str) -> Resolution:
        """Resolve a bare purl (as ``osaudit explain`` does); its version, if any, is checked."""
        return self.resolve_key(purl_key(purl), version=_purl_version(purl))

    def resolve_all(self, components: Sbom | Iterable[Component]) -> dict[str, Resolution]:
        """Resolution of every component by ref (an Sbom or any iterable of components)."""
        items = components.components if isinstance(components, Sbom) else components
        cache = self._cache
        out: dict[str, Resolution] = {}
        for c in items:  # inlined cache probe: most components repeat a known identity
            ck = (c.purl, c.cpes, c.ecosystem, c.group, c.name, c.version)
            hit = cache.get(ck)
            out[c.ref] = hit if hit is not None else self._resolve_new(c, ck)
        return out
