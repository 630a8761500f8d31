"""SARIF's SBOM line look-up: indexed once, same answers as a plain search (issue 16, item 8)."""

from __future__ import annotations

import bisect
import json
from pathlib import Path

import pytest

from osaudit.report.sarif import _SbomLines
from osaudit.sbom import read_sbom
from tests.conftest import corpus_files, corpus_id


def _plain_line_of(lines: _SbomLines, *values: str | None) -> int | None:
    """The straightforward search the index replaces: text.find per needle."""
    for value in values:
        if not value:
            continue
        for needle in lines._needles(value):
            pos = lines.text.find(needle)
            if pos >= 0:
                return bisect.bisect_right(lines._starts, pos)
    return None


FILES = [p for p in corpus_files() if p.stat().st_size < 5_000_000][:60]


@pytest.mark.parametrize("path", FILES, ids=[corpus_id(p) for p in FILES])
def test_index_agrees_with_plain_search(path: Path) -> None:
    try:
        sbom = read_sbom(str(path))
    except Exception:
        pytest.skip("not a readable SBOM (invalid-corpus file)")
    lines = _SbomLines(path)
    for c in sbom.components[:400]:
        values = (c.purl, c.ref, c.name)
        assert lines.line_of(*values) == _plain_line_of(lines, *values), (path, values)


class _CountingText(str):
    """The SBOM text, counting whole-text searches."""

    finds = 0

    def find(self, *args: object) -> int:  # type: ignore[override]
        _CountingText.finds += 1
        return super().find(*args)  # type: ignore[arg-type]


@pytest.mark.parametrize("indent", [1, None], ids=["pretty", "one-line"])
def test_lookups_never_search_the_whole_text(tmp_path: Path, indent: int | None) -> None:
    """20,000 components: every line comes from the index, none from a text search."""
    n = 20_000
    comps = [{"type": "library", "bom-ref": f"r{i}", "name": f"n{i}",
              "purl": f"pkg:npm/n{i}@1"} for i in range(n)]  # fmt: skip
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": comps}
    path = tmp_path / "big.cdx.json"
    path.write_text(json.dumps(doc, indent=indent))
    lines = _SbomLines(path)
    lines.text = _CountingText(lines.text)
    found = [lines.line_of(f"pkg:npm/n{i}@1", f"r{i}") for i in range(n)]
    assert _CountingText.finds == 0
    assert all(f is not None for f in found)
    if indent:
        assert found == sorted(found) and found[-1] > found[0]
