"""The catalogue's glob probe stops early on purls no pattern is near; it must find
exactly what trying every glob of the purl type finds, in the same order."""

from __future__ import annotations

from pathlib import Path

import pytest

from osaudit.catalog import load_catalog
from osaudit.catalog.index import Index, Target
from osaudit.catalog.patterns import purl_key, purl_type
from osaudit.sbom import read_sbom

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def _every_glob(index: Index, key: str) -> list[tuple[Target, int]]:
    """The definition: every glob of the type that matches, longest literal prefix first."""
    bucket = index.globs.get(purl_type(key), {})
    hits = [
        (target, len(prefix))
        for prefix, entries in bucket.items()
        for glob, target in entries
        if glob.matches(key)
    ]
    return sorted(hits, key=lambda h: -h[1])  # stable: bucket order within a length


def _corpus_keys() -> list[str]:
    keys: set[str] = set()
    for path in sorted(CORPUS.rglob("*.json")):
        if "invalid" in path.parts or path.name == "SOURCES.tsv":
            continue
        try:
            sbom = read_sbom(str(path))
        except Exception:  # noqa: BLE001 - not every corpus file is an SBOM we read
            continue
        keys.update(purl_key(c.purl) for c in sbom.components if c.purl)
    return sorted(keys)


def test_glob_probe_equals_trying_every_glob() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus absent: {CORPUS}")
    catalog = load_catalog(())
    keys = _corpus_keys()
    # every literal prefix itself and a near miss of it, so each probe length is reached
    for index in (catalog._family_index, catalog._alt_index):
        for bucket in index.globs.values():
            for prefix in bucket:
                keys += [prefix + "x", prefix[:-1] + "\x00", prefix + "/y"]
    assert len(keys) > 5000
    hits = 0
    for index in (catalog._family_index, catalog._alt_index):
        for key in keys:
            got = [(h.target, h.prefix_len) for h in index.glob_hits(key)]
            assert got == _every_glob(index, key), key
            hits += bool(got)
    assert hits > 200, "the check must cover matching purls, not only misses"
