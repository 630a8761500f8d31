"""Registry licences: when the SBOM gives none, the licence the metadata stage fetched.

The loopback server answers with the deps.dev and ecosyste.ms records in
``tests/fixtures/api`` (real responses, see that folder). The SBOM is a lockfile-style
CycloneDX document without licences, as cdxgen writes with ``FETCH_LICENSE=false``
(every SBOM in ``../shared/corpus/generated`` from cdxgen carries none).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from osaudit.cli import main
from osaudit.model import Licence
from osaudit.scoring.licence import RegistryLicence, score_licence
from tests.apiserver import ApiServer


def _sbom(tmp_path: Path) -> Path:
    comps: list[dict[str, Any]] = [
        {"type": "library", "bom-ref": "requests", "name": "requests", "version": "2.31.0",
         "purl": "pkg:pypi/requests@2.31.0"},
        {"type": "library", "bom-ref": "six", "name": "six", "version": "1.16.0",
         "purl": "pkg:pypi/six@1.16.0"},
        # the SBOM's licence wins over the registry's (deps.dev says WTFPL)
        {"type": "library", "bom-ref": "left-pad", "name": "left-pad", "version": "1.3.0",
         "purl": "pkg:npm/left-pad@1.3.0", "licenses": [{"license": {"id": "MIT"}}]},
        # deps.dev says "non-standard": not a licence osaudit can judge
        {"type": "library", "bom-ref": "oldlib", "group": "org.example", "name": "oldlib",
         "version": "0.9.0", "purl": "pkg:maven/org.example/oldlib@0.9.0"},
        {"type": "library", "bom-ref": "ghost", "name": "ghost", "version": "1.0.0",
         "purl": "pkg:pypi/ghost@1.0.0"},
    ]  # fmt: skip
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": comps}
    path = tmp_path / "app.cdx.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _audit(sbom: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str) -> dict[str, Any]:
    monkeypatch.setenv("OSAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("DEPSDEV", "ECOSYSTEMS", "OSV", "SCORECARD"):
        monkeypatch.setenv(f"OSAUDIT_{name}_URL", url)
    out = tmp_path / "r.json"
    rc = main(["audit", str(sbom), "--now", "2026-11-01T00:00:00Z", "-o", str(out), "--quiet"])
    assert rc in (0, 1)
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return report


def _licences(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c["licence"] for c in report["components"]}


def test_registry_licence_fills_the_gap_and_is_marked_with_its_source(tmp_path, monkeypatch):
    with ApiServer() as srv:
        report = _audit(_sbom(tmp_path), tmp_path, monkeypatch, srv.url)
    lic = _licences(report)
    requests = lic["requests"]
    assert (requests["expression"], requests["category"], requests["level"]) == (
        "Apache-2.0", "Permissive", "none",
    )  # fmt: skip
    assert requests["raw"] == []  # the SBOM gave nothing; raw stays what the SBOM says
    assert requests["source"] == "deps.dev"
    first = requests["reasons"][0]
    assert (first["code"], first["source"]) == ("LIC-REGISTRY", "deps.dev")
    assert first["date"] is not None and "this version" in first["message"]
    assert (lic["six"]["expression"], lic["six"]["source"]) == ("MIT", "deps.dev")
    # the SBOM wins when it has a licence
    assert (lic["left-pad"]["expression"], lic["left-pad"]["source"]) == ("MIT", "sbom")
    assert "LIC-REGISTRY" not in [r["code"] for r in lic["left-pad"]["reasons"]]
    # a registry value that is not a licence stays unknown, and the reason says so
    oldlib = lic["oldlib"]
    assert (oldlib["level"], oldlib["source"]) == ("unknown", None)
    assert "deps.dev states 'non-standard'" in oldlib["reasons"][0]["message"]
    assert lic["ghost"]["reasons"][0]["message"] == "licence unknown: no licence is given in the SBOM"
    cov = report["summary"]["coverage"]
    assert (cov["licence_known"], cov["licence_unknown"], cov["licence_from_registry"]) == (3, 2, 2)
    schema = json.loads(resources.files("osaudit.report").joinpath("report.schema.json").read_text())
    import jsonschema

    jsonschema.Draft202012Validator(schema).validate(report)


def test_ecosystems_licence_when_deps_dev_has_none(tmp_path, monkeypatch):
    with ApiServer() as srv:
        # deps.dev knows no version at all (batch and per-version look-ups both fail)
        srv.fault("/v3alpha/versionbatch", "status", code=404)
        srv.fault("/versions/", "status", code=404)
        report = _audit(_sbom(tmp_path), tmp_path, monkeypatch, srv.url)
    requests = _licences(report)["requests"]
    assert (requests["expression"], requests["source"]) == ("Apache-2.0", "ecosyste.ms")
    assert "the package, latest release" in requests["reasons"][0]["message"]


def test_offline_without_cache_keeps_the_sbom_reason(tmp_path, monkeypatch):
    monkeypatch.setenv("OSAUDIT_CACHE_DIR", str(tmp_path / "empty-cache"))
    out = tmp_path / "o.json"
    rc = main(["audit", str(_sbom(tmp_path)), "--offline", "--quiet", "-o", str(out),
               "--now", "2026-11-01T00:00:00Z"])  # fmt: skip
    assert rc in (0, 1)
    lic = _licences(json.loads(out.read_text(encoding="utf-8")))
    assert lic["requests"]["level"] == "unknown"
    assert lic["requests"]["reasons"][0]["message"] == "licence unknown: no licence is given in the SBOM"


def test_noassertion_in_the_sbom_is_filled_but_none_is_not() -> None:
    reg = RegistryLicence(("MIT",), "deps.dev", "2026-11-01T00:00:00Z")
    noassertion = Licence("NOASSERTION", "NOASSERTION", "spdx")
    res = score_licence((noassertion,), (), project_licence=None, registry=reg)
    assert (res.expression, res.source, res.basis) == ("MIT", "deps.dev", "registry")
    none = Licence("NONE", "NONE", "spdx")  # the SBOM asserts there is no licence
    res = score_licence((none,), (), project_licence=None, registry=reg)
    assert (res.expression, res.axis.level) == (None, "unknown")
