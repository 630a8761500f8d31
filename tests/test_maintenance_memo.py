"""The pipeline scores maintenance once per facts that differ only in identity; each
row must still be exactly what scoring that component's own facts gives."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from osaudit.metadata.collect import collect
from osaudit.metadata.config import MetadataConfig
from osaudit.metadata.interface import MetadataResult, Stats
from osaudit.model import Component
from osaudit.pipeline.components import maintenance_scorer
from osaudit.sbom import read_sbom
from osaudit.scoring.maintenance import facts_to_json, is_fund_or_replace, score_maintenance
from tests.test_maintenance_rules import BASE, FINISHED, NOW

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def _direct(result: MetadataResult, comp: Component, now: datetime) -> tuple[object, ...]:
    f = result.facts.get(comp.ref)
    axis = score_maintenance(f, now=now)
    score = axis.score if axis.level != "unknown" else None
    shown = facts_to_json(f) if f is not None else {}
    fund = (is_fund_or_replace(f, axis) or None) if f is not None else None
    return score, axis.level, axis.reasons, shown, list(shown), fund


def _memo(scorer, comp: Component) -> tuple[object, ...]:  # type: ignore[no-untyped-def]
    row, fund = scorer(comp)
    return row.score, row.level, row.reasons, row.facts, list(row.facts), fund


def test_shared_field_objects_with_other_versions_and_purls() -> None:
    """Copies sharing every field object but the version: the finished-software rule
    reads the version, so 0.x and 1.x must not share a score; purls differ per row."""
    variants = [
        FINISHED,
        replace(FINISHED, purl="pkg:pypi/six@0.16.0", version="0.16.0"),
        replace(FINISHED, purl="pkg:pypi/other@1.16.0", name="other"),
        replace(FINISHED, purl=None, reason="no purl: the component cannot be looked up"),
        replace(BASE, purl="pkg:pypi/demo@2.4.0"),
        replace(BASE, purl="pkg:pypi/demo2@2.4.0", name="demo2", critical=True),
    ]
    comps = [Component(ref=f"r{i}", name=f.name or "x") for i, f in enumerate(variants)]
    comps.append(Component(ref="not-collected", name="y"))
    result = MetadataResult(facts={c.ref: f for c, f in zip(comps, variants)}, stats=Stats())
    scorer = maintenance_scorer(result, NOW)
    rows = [_memo(scorer, c) for c in comps + comps]  # the second round hits the memo
    assert rows == [_direct(result, c, NOW) for c in comps + comps]
    assert rows[0][:2] != rows[1][:2], "the 0.x copy is not finished software"
    assert rows[0][3]["purl"] != rows[2][3]["purl"]


@pytest.mark.parametrize(
    "name",
    [
        "generated/MTES-MCT_trackdechets.cdxgen.cdx.json",
        "large/interlynk-io_sbomqs__samples_blogifier-dotnet-SBOM.json",
    ],
)
def test_offline_corpus_rows_equal_scoring_each(name: str, tmp_path: Path) -> None:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"corpus file absent: {path}")
    comps = read_sbom(str(path)).components
    config = MetadataConfig.from_options(offline=True, quiet=True, cache_dir=str(tmp_path / "c"))
    now = datetime(2026, 11, 23, tzinfo=UTC)
    result = collect(comps, config, now=now)
    scorer = maintenance_scorer(result, now)
    assert [_memo(scorer, c) for c in comps] == [_direct(result, c, now) for c in comps]
