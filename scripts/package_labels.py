"""The committed package-list snapshot and vendor labels, checked against the catalogue.

Data (``tests/fixtures/packages/``, refreshed by ``scripts/package_snapshot.py``):

- ``pypi.tsv`` / ``npm.tsv``: ``name<TAB>popularity<TAB>summary`` for the 3,000 most
  downloaded packages of each registry (first 3,000 rows, most popular first) plus every
  package a catalogue pattern matches and every labelled package.
- ``labels.tsv``: ``ecosystem<TAB>name<TAB>label<TAB>note``; the label is the family a vendor
  SDK belongs to, or ``generic`` for a package that ties no software to a vendor. A top-3,000
  row that is not listed was reviewed and labelled non-vendor.
- ``verified-elsewhere.tsv``: ``pattern<TAB>url<TAB>note`` for npm/PyPI patterns whose
  packages are real but missing from the registry lists (the URL shows the package).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from osaudit.catalog.patterns import Glob, pattern_key
from osaudit.catalog.resolve import Catalog

DATA = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "packages"
KINDS = ("pypi", "npm")
TOP = 3000
GENERIC = "generic"

# Summaries that say a package is a generic tool rather than a vendor's client: a
# catalogue pattern matching one of these is suspect (this is what caught heap-js).
GENERIC_SUMMARY = re.compile(
    r"data structure|priority queue|binary heap|^(efficient |fast |simple )?heap\b|"
    r"addon binary install|node-pre-gyp|"
    r"^(type|typescript) definitions for|^typing stubs|^type stubs|type annotations for|"
    r"provider boilerplate|^dummy package|reserve the \S+ name",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Row:
    kind: str
    name: str
    popularity: int | None
    summary: str
    top: bool

    @property
    def purl(self) -> str:
        return f"pkg:{self.kind}/{self.name}"


def _lines(path: Path) -> Iterable[list[str]]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            yield line.split("\t")


def load_rows(kind: str) -> list[Row]:
    rows = []
    for i, cols in enumerate(_lines(DATA / f"{kind}.tsv")):
        pop = int(cols[1]) if len(cols) > 1 and cols[1].isdigit() else None
        rows.append(Row(kind, cols[0], pop, cols[2] if len(cols) > 2 else "", i < TOP))
    return rows


def load_labels() -> dict[tuple[str, str], tuple[str, str]]:
    labels: dict[tuple[str, str], tuple[str, str]] = {}
    for cols in _lines(DATA / "labels.tsv"):
        key = (cols[0], cols[1])
        if key in labels:
            raise ValueError(f"labels.tsv: {cols[0]}/{cols[1]} is labelled twice")
        labels[key] = (cols[2], cols[3] if len(cols) > 3 else "")
    return labels


def load_verified_elsewhere() -> dict[str, str]:
    path = DATA / "verified-elsewhere.tsv"
    return {cols[0]: cols[1] for cols in _lines(path)} if path.exists() else {}


def best_family(catalog: Catalog, row: Row) -> str | None:
    res = catalog.resolve_key(pattern_key(row.purl))
    return res.families[0].entry_id if res.families else None


@dataclass
class Evaluation:
    """What the labelled snapshot says about the catalogue."""

    vendor_total: dict[str, int] = field(default_factory=dict)
    vendor_hit: dict[str, int] = field(default_factory=dict)
    misses: list[tuple[Row, str, str | None]] = field(default_factory=list)  # row, label, got
    generic_matched: list[tuple[Row, str]] = field(default_factory=list)  # labelled generic
    unlabelled_top_matched: list[tuple[Row, str]] = field(default_factory=list)
    suspicious: list[tuple[Row, str]] = field(default_factory=list)  # generic-sounding summary
    unmatched_patterns: list[tuple[str, str]] = field(default_factory=list)  # entry, pattern

    def recall(self, kind: str | None = None) -> float:
        kinds = [kind] if kind else list(self.vendor_total)
        total = sum(self.vendor_total.get(k, 0) for k in kinds)
        return sum(self.vendor_hit.get(k, 0) for k in kinds) / total if total else 1.0


def evaluate(catalog: Catalog) -> Evaluation:
    labels = load_labels()
    ev = Evaluation()
    rows = {kind: load_rows(kind) for kind in KINDS}
    for kind in KINDS:
        ev.vendor_total[kind] = ev.vendor_hit[kind] = 0
        for row in rows[kind]:
            got = best_family(catalog, row)
            label = labels.get((kind, row.name), (None, ""))[0]
            if label == GENERIC:
                if got:
                    ev.generic_matched.append((row, got))
                continue
            if label and row.top:
                ev.vendor_total[kind] += 1
                if got == label:
                    ev.vendor_hit[kind] += 1
                else:
                    ev.misses.append((row, label, got))
            elif got and row.top and not label:
                ev.unlabelled_top_matched.append((row, got))
            if got and label != got and GENERIC_SUMMARY.search(row.summary):
                ev.suspicious.append((row, got))
    ev.unmatched_patterns = unmatched_patterns(catalog, rows)
    return ev


def unmatched_patterns(catalog: Catalog, rows: dict[str, list[Row]]) -> list[tuple[str, str]]:
    """npm/PyPI patterns (families and alternatives) that match no package of the lists."""
    verified = load_verified_elsewhere()
    keys = {kind: [pattern_key(r.purl) for r in rows[kind]] for kind in KINDS}
    entries = [(f.id, p) for f in catalog.families.values() for p in f.purls]
    entries += [(a.id, p) for a in catalog.alternatives.values() for p in a.client_purls]
    missing = []
    for entry_id, pattern in entries:
        kind = pattern[4:].split("/", 1)[0]
        if kind not in KINDS or pattern in verified:
            continue
        glob = Glob.compile(pattern_key(pattern))
        if not any(k.startswith(glob.prefix) and glob.matches(k) for k in keys[kind]):
            missing.append((entry_id, pattern))
    return missing
