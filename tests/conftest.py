"""Shared fixtures: the real SBOM corpus in ../shared/corpus (read-only, never copied)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
SKIP_REASON = f"SBOM corpus not found at {CORPUS} (CI provides ../shared/corpus)"


def corpus_files(*folders: str) -> list[Path]:
    """SBOM files of the corpus (all folders, or the ones named), sorted; [] when absent."""
    if not CORPUS.is_dir():
        return []
    roots = [CORPUS / f for f in folders] if folders else [CORPUS]
    return sorted(
        p
        for root in roots
        for p in root.rglob("*")
        if p.is_file() and p.name not in ("README.md", "SOURCES.tsv")
    )


def corpus_id(path: Path) -> str:
    """Short test id: folder/file name relative to the corpus."""
    return str(path.relative_to(CORPUS))


def sources() -> dict[str, dict[str, str]]:
    """SOURCES.tsv rows keyed by the file path relative to the corpus."""
    tsv = CORPUS / "SOURCES.tsv"
    if not tsv.is_file():
        return {}
    with tsv.open(encoding="utf-8", newline="") as fh:
        return {row["file"]: row for row in csv.DictReader(fh, delimiter="\t")}


@pytest.fixture(scope="session")
def corpus() -> Path:
    """Path to ../shared/corpus; skips the test when it is absent."""
    if not CORPUS.is_dir():
        pytest.skip(SKIP_REASON)
    return CORPUS
