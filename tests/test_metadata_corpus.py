"""Real corpus SBOMs with the network unreachable: complete facts, every one unknown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from osaudit import model
from osaudit.metadata.collect import collect
from osaudit.scoring.maintenance import score_maintenance
from tests.apiserver import NOW, LoopbackGuard, closed_port_url, config

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
FILES = [
    "cyclonedx/json/CycloneDX_bom-examples__SBOM_dropwizard-1.3.15_bom.json",
    "cyclonedx/json/CycloneDX_bom-examples__SBOM_protonmail-webclient-v4-0912dff_bom.json",
]


def _components(path: Path) -> list[model.Component]:
    try:
        from osaudit.sbom import read_sbom
    except ImportError:  # readers not built in this checkout: take purls from the JSON
        data = json.loads(path.read_text(encoding="utf-8"))
        return [
            model.Component(
                ref=c.get("bom-ref") or f"c{i}",
                name=c.get("name", ""),
                version=c.get("version"),
                purl=c.get("purl"),
            )
            for i, c in enumerate(data.get("components", []))
        ]
    return list(read_sbom(str(path)).components)


@pytest.mark.parametrize("name", FILES)
def test_unreachable_network_finishes_complete(name, tmp_path, monkeypatch):
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"shared corpus not available at {CORPUS}")
    guard = LoopbackGuard(monkeypatch)
    comps = _components(path)
    assert len(comps) > 100
    cfg = config(closed_port_url(), tmp_path, breaker_threshold=3, backoff_base=0.2)
    result = collect(comps, cfg, now=NOW)
    assert set(result.facts) == {c.ref for c in comps}
    assert result.stats.requests <= 2 * cfg.concurrency
    codes = set()
    for comp in comps:
        axis = score_maintenance(result.facts[comp.ref], now=NOW)
        assert axis.level == "unknown" and axis.score is None
        codes.add(axis.reasons[0].code)
    assert "MT-UNREACHABLE" in codes
    assert codes <= {"MT-UNREACHABLE", "MT-NO-PURL", "MT-UNSUPPORTED"}
    assert guard.blocked == []
