"""Offline with an empty cache takes a shortcut; it must say exactly what the full path says."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from osaudit.metadata import collect as collect_module
from osaudit.metadata.cache import Cache
from osaudit.metadata.config import MetadataConfig
from osaudit.sbom import read_sbom

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
FILES = [
    "large/interlynk-io_sbomqs__samples_blogifier-dotnet-SBOM.json",
    "large/CycloneDX_bom-examples__SBOM_keycloak-10.0.2_bom.json",
    "large/interlynk-io_sbomqs__samples_apache_airflow-sbom-2.8.0-python3.10.json",
    "cyclonedx/json/CycloneDX_bom-examples__SBOM_protonmail-webclient-v4-0912dff_bom.json",
]
NOW = datetime(2026, 11, 23, tzinfo=UTC)


@pytest.mark.parametrize("name", FILES)
def test_offline_shortcut_equals_full_path(name: str, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"corpus file absent: {path}")
    components = read_sbom(str(path)).components
    config = MetadataConfig.from_options(offline=True, quiet=True, cache_dir=str(tmp_path / "c"))
    called: list[int] = []
    real = collect_module._offline_without_cache

    def spy(*args, **kwargs):
        called.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(collect_module, "_offline_without_cache", spy)
    fast = collect_module.collect(components, config, now=NOW)
    assert called, "an empty cache offline takes the shortcut"
    monkeypatch.setattr(Cache, "is_empty", lambda self: False)
    full = collect_module.collect(components, config, now=NOW)
    assert len(called) == 1, "a non-empty cache takes the full path"
    assert fast.facts == full.facts
    assert fast.warnings == full.warnings
    assert (fast.stats.requests, full.stats.requests) == (0, 0)
