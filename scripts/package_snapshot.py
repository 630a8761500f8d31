"""Refresh the committed package-list snapshot the catalogue tests check patterns against.

Usage: python scripts/package_snapshot.py PYPI_TSV NPM_TSV [--top 3000]

PYPI_TSV has the columns name, version, month, rank_among_15000_most_downloaded,
summary; NPM_TSV has name, version, downloads_a_month, summary (the registry
download rankings). The snapshot keeps, for each registry, the ``--top`` most
downloaded packages plus every package a catalogue purl pattern (family or
alternative) matches and every package named in ``labels.tsv``, as
``name<TAB>rank-or-downloads<TAB>summary``, sorted by
popularity, in ``tests/fixtures/packages/{pypi,npm}.tsv``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from osaudit.catalog import load_catalog
from osaudit.catalog.patterns import Glob, pattern_key

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "packages"


def _clean(text: str) -> str:
    text = " ".join(text.replace("\t", " ").split())
    return text[:200]


def _read(path: Path, kind: str) -> list[tuple[str, int | None, str]]:
    """(name, popularity, summary); popularity is the rank (pypi) or downloads (npm)."""
    rows: list[tuple[str, int | None, str]] = []
    with path.open(encoding="utf-8", errors="replace") as fh:
        next(fh)
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if kind == "pypi" and len(cols) >= 5:
                rank = int(cols[3]) if cols[3].isdigit() else None
                rows.append((cols[0], rank, _clean(cols[4])))
            elif kind == "npm" and len(cols) >= 3:
                downloads = int(cols[2]) if cols[2].isdigit() else None
                rows.append((cols[0], downloads, _clean(cols[3] if len(cols) > 3 else "")))
    return rows


def _popular_first(kind: str, row: tuple[str, int | None, str]) -> tuple[int, int, str]:
    name, pop, _ = row
    if kind == "pypi":
        return (0 if pop is not None else 1, pop or 0, name)
    return (0, -(pop or 0), name)


def _globs(kind: str) -> list[Glob]:
    catalog = load_catalog()
    patterns = [p for f in catalog.families.values() for p in f.purls]
    patterns += [p for a in catalog.alternatives.values() for p in a.client_purls]
    return [Glob.compile(pattern_key(p)) for p in patterns if p.startswith(f"pkg:{kind}/")]


def _labelled(kind: str) -> set[str]:
    path = OUT / "labels.tsv"
    if not path.exists():
        return set()
    lines = path.read_text(encoding="utf-8").splitlines()
    return {c[1] for c in (line.split("\t") for line in lines if not line.startswith("#")) if c[0] == kind}


def snapshot(kind: str, rows: list[tuple[str, int | None, str]], top: int) -> list[str]:
    rows = sorted(rows, key=lambda r: _popular_first(kind, r))
    keep = {r[0] for r in rows[:top]} | _labelled(kind)
    globs = _globs(kind)
    cut = len(kind) + 3
    short = [g for g in globs if len(g.prefix) < cut]
    by_prefix: dict[str, list[Glob]] = {}
    for g in globs:
        if len(g.prefix) >= cut:
            by_prefix.setdefault(g.prefix[:cut], []).append(g)
    for name, _, _ in rows:
        key = pattern_key(f"pkg:{kind}/{name}")
        for g in (*by_prefix.get(key[:cut], ()), *short):
            if key.startswith(g.prefix) and g.matches(key):
                keep.add(name)
                break
    return [f"{n}\t{'' if p is None else p}\t{s}" for n, p, s in rows if n in keep]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pypi", type=Path)
    ap.add_argument("npm", type=Path)
    ap.add_argument("--top", type=int, default=3000)
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    for kind, path, column in (("pypi", args.pypi, "rank"), ("npm", args.npm, "downloads_a_month")):
        lines = snapshot(kind, _read(path, kind), args.top)
        header = f"# name\t{column}\tsummary (top {args.top} plus every catalogue match)\n"
        (OUT / f"{kind}.tsv").write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
        print(f"{kind}: {len(lines)} rows", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
