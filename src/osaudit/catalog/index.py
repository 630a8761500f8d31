"""Lookup structures over catalogue patterns, built once per catalogue.

Per entry kind (families, alternatives) one ``Index`` holds:

- ``exact``: purl key -> targets (a dict hit);
- ``globs``: per purl type, literal prefix -> compiled globs; a lookup probes
  only the prefix lengths that occur for that type, shortest first, and stops at
  the first length where no literal prefix starts like the key, so the cost per
  purl is bounded by the number of distinct prefix lengths, not the number of
  patterns, and a purl that no pattern is near costs one or two probes;
- ``cpes``: ``vendor:product`` -> targets, plus per-vendor product globs;
- ``names``: ``ecosystem/name`` -> targets;
- ``excludes``: entry id -> exact keys and globs that never match it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from osaudit.catalog.patterns import Glob, name_key, pattern_key, purl_type


@dataclass(frozen=True, slots=True)
class Target:
    """One pattern of one entry."""

    entry_id: str
    pattern: str  # as written in the catalogue


@dataclass(frozen=True, slots=True)
class GlobHit:
    target: Target
    prefix_len: int  # literal characters before the first '*': higher is more specific
    boundary: bool  # one trailing '*' and the match starts at a '/' boundary


@dataclass(slots=True)
class _Excludes:
    exact: set[str] = field(default_factory=set)
    globs: list[Glob] = field(default_factory=list)

    def matches(self, key: str) -> bool:
        return key in self.exact or any(g.matches(key) for g in self.globs)


@dataclass(slots=True)
class Index:
    """Pattern lookups for one entry kind."""

    exact: dict[str, list[Target]] = field(default_factory=lambda: defaultdict(list))
    globs: dict[str, dict[str, list[tuple[Glob, Target]]]] = field(default_factory=dict)
    prefix_lengths: dict[str, tuple[int, ...]] = field(default_factory=dict)  # ascending
    #: per type, every leading part of every literal prefix: a key whose first L
    #: characters are not in it cannot match a glob with a prefix of L or more
    stems: dict[str, frozenset[str]] = field(default_factory=dict)
    cpes: dict[str, list[Target]] = field(default_factory=lambda: defaultdict(list))
    cpe_globs: dict[str, list[tuple[Glob, Target]]] = field(default_factory=dict)
    names: dict[str, list[Target]] = field(default_factory=lambda: defaultdict(list))
    excludes: dict[str, _Excludes] = field(default_factory=dict)

    def add_purl(self, entry_id: str, pattern: str) -> None:
        key = pattern_key(pattern)
        target = Target(entry_id, pattern)
        if "*" not in key:
            self.exact[key].append(target)
            return
        glob = Glob.compile(key)
        bucket = self.globs.setdefault(purl_type(key), {})
        bucket.setdefault(glob.prefix, []).append((glob, target))

    def add_exclude(self, entry_id: str, pattern: str) -> None:
        key = pattern_key(pattern)
        ex = self.excludes.setdefault(entry_id, _Excludes())
        if "*" in key:
            ex.globs.append(Glob.compile(key))
        else:
            ex.exact.add(key)

    def add_cpe(self, entry_id: str, pair: str) -> None:
        vendor, _, product = pair.lower().partition(":")
        target = Target(entry_id, pair)
        if "*" in product:
            self.cpe_globs.setdefault(vendor, []).append((Glob.compile(product), target))
        else:
            self.cpes[f"{vendor}:{product}"].append(target)

    def add_name(self, entry_id: str, entry: str) -> None:
        self.names[name_key(entry)].append(Target(entry_id, entry))

    def freeze(self) -> None:
        """Compute the probe lengths per type (call once after adding everything)."""
        self.prefix_lengths = {
            ptype: tuple(sorted({len(p) for p in bucket})) for ptype, bucket in self.globs.items()
        }
        self.stems = {
            ptype: frozenset(
                p[:n] for p in bucket for n in self.prefix_lengths[ptype] if n <= len(p)
            )
            for ptype, bucket in self.globs.items()
        }
        self.exact = dict(self.exact)
        self.cpes = dict(self.cpes)
        self.names = dict(self.names)

    # ------------------------------------------------------------------ lookups

    def excluded(self, entry_id: str, key: str | None) -> bool:
        ex = self.excludes.get(entry_id)
        return bool(key) and ex is not None and ex.matches(key)  # type: ignore[arg-type]

    def glob_hits(self, key: str) -> list[GlobHit]:
        """Globs matching ``key``, most specific (longest literal prefix) first."""
        ptype = purl_type(key)
        bucket = self.globs.get(ptype)
        if not bucket:
            return []
        stems = self.stems[ptype]
        found: list[list[GlobHit]] = []
        for length in self.prefix_lengths[ptype]:
            if length > len(key):
                break
            head = key[:length]
            if head not in stems:  # no literal prefix of this length or longer fits
                break
            hits: list[GlobHit] = []
            for glob, target in bucket.get(head, ()):
                if glob.matches(key):
                    rest = key[length:]
                    boundary = (
                        glob.key.endswith("*")
                        and glob.key.count("*") == 1
                        and (glob.prefix.endswith("/") or rest == "" or rest.startswith("/"))
                    )
                    hits.append(GlobHit(target, length, boundary))
            if hits:
                found.append(hits)
        return [h for hits in reversed(found) for h in hits]

    def cpe_hits(self, pairs: Iterable[tuple[str, str]]) -> list[Target]:
        out: list[Target] = []
        for vendor, product in pairs:
            out.extend(self.cpes.get(f"{vendor}:{product}", ()))
            for glob, target in self.cpe_globs.get(vendor, ()):
                if glob.matches(product):
                    out.append(target)
        return out

    def name_hits(self, keys: Iterable[str]) -> list[Target]:
        out: list[Target] = []
        for key in keys:
            out.extend(self.names.get(key, ()))
        return out


def build_index(
    entries: Iterable[tuple[str, Iterable[str], Iterable[str], Iterable[str], Iterable[str]]],
) -> Index:
    """Index ``(id, purl patterns, exclude patterns, cpes, names)`` tuples."""
    index = Index()
    for entry_id, purls, excludes, cpes, names in entries:
        for pattern in purls:
            index.add_purl(entry_id, pattern)
        for pattern in excludes:
            index.add_exclude(entry_id, pattern)
        for pair in cpes:
            index.add_cpe(entry_id, pair)
        for entry in names:
            index.add_name(entry_id, entry)
    index.freeze()
    return index
