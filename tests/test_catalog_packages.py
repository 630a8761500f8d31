"""The catalogue against real registry packages: a committed snapshot of the PyPI and npm
download rankings (top 3,000 of each plus every package a pattern matches) and a labelled
list of which of them are vendor SDKs (tests/fixtures/packages, see scripts/package_labels.py).

Refresh the snapshot after adding npm/PyPI patterns:
    python scripts/package_snapshot.py PYPI_TSV NPM_TSV
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from osaudit.catalog import load_catalog

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import package_labels as pl  # noqa: E402


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("OSAUDIT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    try:
        yield pl.evaluate(load_catalog())
    finally:
        mp.undo()


def test_snapshot_holds_the_top_3000_of_each_registry():
    for kind in pl.KINDS:
        rows = pl.load_rows(kind)
        top = [r for r in rows if r.top]
        assert len(top) == pl.TOP, kind
        assert len({r.name for r in rows}) == len(rows), f"{kind}: duplicate rows"
    pypi = pl.load_rows("pypi")
    assert [r.name for r in pypi[:2]] == ["boto3", "packaging"]  # PyPI ranks 1 and 2
    npm = pl.load_rows("npm")
    downloads = [r.popularity or 0 for r in npm[: pl.TOP]]
    assert downloads == sorted(downloads, reverse=True)


def test_labels_name_snapshot_rows_and_known_families():
    cat = load_catalog()
    rows = {(r.kind, r.name) for kind in pl.KINDS for r in pl.load_rows(kind)}
    bad = []
    for (kind, name), (label, _note) in pl.load_labels().items():
        if (kind, name) not in rows:
            bad.append(f"{kind}/{name}: labelled but not in the snapshot")
        if label != pl.GENERIC and label not in cat.families:
            bad.append(f"{kind}/{name}: label {label!r} is no family")
    assert bad == [], "\n".join(bad)


def test_every_npm_and_pypi_pattern_matches_a_real_package(evaluation):
    assert evaluation.unmatched_patterns == [], "\n".join(
        f"{entry}: {pattern} matches no package of tests/fixtures/packages; refresh the "
        "snapshot (scripts/package_snapshot.py) or list it in verified-elsewhere.tsv"
        for entry, pattern in evaluation.unmatched_patterns
    )


def test_no_generic_package_is_matched(evaluation):
    assert evaluation.generic_matched == [], [
        f"{r.kind}/{r.name} -> {fam}" for r, fam in evaluation.generic_matched
    ]


def test_matched_packages_are_really_the_vendors(evaluation):
    """A pattern matching a package whose summary says it is generic (a data structure, a
    build tool, type stubs) must be excluded or the package labelled after review."""
    assert evaluation.suspicious == [], [
        f"{r.kind}/{r.name} -> {fam}: {r.summary!r}" for r, fam in evaluation.suspicious
    ]


def test_every_top_3000_match_is_a_labelled_vendor_sdk(evaluation):
    assert evaluation.unlabelled_top_matched == [], [
        f"{r.kind}/{r.name} -> {fam}" for r, fam in evaluation.unlabelled_top_matched
    ]


@pytest.mark.parametrize("kind", pl.KINDS)
def test_recall_of_labelled_vendor_sdks(evaluation, kind):
    assert evaluation.vendor_total[kind] > 100
    assert evaluation.recall(kind) >= 0.95, [
        (r.name, label, got) for r, label, got in evaluation.misses if r.kind == kind
    ]


def test_generic_summary_check_flags_heap_js():
    heap_js = next(r for r in pl.load_rows("npm") if r.name == "heap-js")
    assert pl.GENERIC_SUMMARY.search(heap_js.summary)
    assert pl.load_labels()[("npm", "heap-js")][0] == pl.GENERIC
    sentry = next(r for r in pl.load_rows("npm") if r.name == "@sentry/node")
    assert not pl.GENERIC_SUMMARY.search(sentry.summary)
