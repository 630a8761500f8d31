"""Every real SBOM of the shared corpus (except invalid/) gives a schema-valid report."""

from __future__ import annotations

from pathlib import Path

import pytest

from osaudit.report.json import validate
from osaudit.report.model import Report
from tests.test_report_support import audit_dict

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
FILES = (
    sorted(
        p
        for p in CORPUS.rglob("*")
        if p.is_file()
        and "invalid" not in p.relative_to(CORPUS).parts
        and p.name not in ("README.md", "SOURCES.tsv")
    )
    if CORPUS.is_dir()
    else []
)
NOW = "2026-11-23T00:00:00Z"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OSAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)  # no policy file discovered


def test_corpus_present() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    assert len(FILES) >= 78


@pytest.mark.parametrize(
    "path", FILES, ids=[str(p.relative_to(CORPUS)) for p in FILES] if FILES else None
)
def test_report_is_schema_valid(path: Path) -> None:
    report = audit_dict(str(path), offline=True, now=NOW)
    assert validate(report) == []
    s = report["summary"]
    assert s["components"] == len(report["components"])
    assert s["direct"] + s["transitive"] + s["depth_unknown"] == s["components"]
    for axis in ("lockin", "licence", "maintenance"):
        assert sum(s[axis].values()) == s["components"]
    assert report["verdict"]["art41"] in ("pass", "justify")  # no policy: never fail
    typed = Report.from_dict(report)  # the JSON view reads back into the typed model
    assert typed.to_dict() == report and typed.to_json().endswith(b"\n")
