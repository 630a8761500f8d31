"""The stewardship list from real maintenance scoring: audits against the fake metadata services.

`osaudit audit` (not offline) scores maintenance from tests/apiserver.py, which serves the
published response shapes of deps.dev, ecosyste.ms, OSV and Scorecard (tests/fixtures/api);
there left-pad is critical (tests/test_metadata_audit.py). The portfolio must rank it by reach.
"""

from __future__ import annotations

import json

import pytest

from osaudit.cli import main
from tests.apiserver import ApiServer

pytest.importorskip("duckdb")

PACKAGES = {
    "requests": ("2.31.0", "pkg:pypi/requests@2.31.0"),
    "left-pad": ("1.3.0", "pkg:npm/left-pad@1.3.0"),
    "six": ("1.16.0", "pkg:pypi/six@1.16.0"),
    "ghost": ("1.0.0", "pkg:pypi/ghost@1.0.0"),
}
APPS = {
    "permits": ["requests", "left-pad", "six"],
    "tax-office": ["left-pad", "six"],
    "library": ["requests", "ghost"],
}


def _sbom(path, app, names):
    comps = [
        {"type": "library", "bom-ref": n, "name": n, "version": PACKAGES[n][0],
         "purl": PACKAGES[n][1]}
        for n in names
    ]
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
           "metadata": {"component": {"type": "application", "name": app, "version": "1.0"}},
           "components": comps}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_stewardship_from_scored_maintenance(tmp_path, monkeypatch):
    monkeypatch.setenv("OSAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    reports = []
    with ApiServer() as srv:
        for name in ("DEPSDEV", "ECOSYSTEMS", "OSV", "SCORECARD"):
            monkeypatch.setenv(f"OSAUDIT_{name}_URL", srv.url)
        for app, names in APPS.items():
            sbom = _sbom(tmp_path / f"{app}.cdx.json", app, names)
            out = tmp_path / "reports" / f"{app}.json"
            out.parent.mkdir(exist_ok=True)
            rc = main(["audit", str(sbom), "--now", "2026-11-01T00:00:00Z", "--format", "json",
                       "-o", str(out), "--quiet"])
            assert rc in (0, 1)
            reports.append(json.loads(out.read_text()))
    levels = {c["name"]: c["maintenance"]["level"] for r in reports for c in r["components"]}
    assert levels["left-pad"] == "critical"
    db = tmp_path / "p.duckdb"
    assert main(["portfolio", "ingest", "-q", "--db", str(db), str(tmp_path / "reports")]) == 0
    out = tmp_path / "model.json"
    assert main(["portfolio", "report", "--db", str(db), "--now", "2026-12-01T00:00:00Z",
                 "--format", "json", "-o", str(out)]) == 0
    model = json.loads(out.read_text())
    poor = {n for n, lv in levels.items() if lv in ("high", "critical")}
    got = {r["name"]: r for r in model["stewardship"]}
    assert set(got) == poor  # exactly the poorly maintained packages, nothing else
    pad = got["left-pad"]
    assert (pad["package"], pad["applications"], pad["application_names"], pad["versions"]) == (
        "pkg:npm/left-pad", 2, ["permits", "tax-office"], ["1.3.0"])
    assert model["stewardship"][0]["name"] == "left-pad"
    fund = {e["name"]: e["reason"] for r in reports for e in r["summary"]["fund_or_replace"]}
    assert pad["reason"] == fund.get("left-pad")
    evidence = model["headline"]["evidence"]
    assert evidence["maintenance_known"] == sum(
        r["summary"]["coverage"]["maintenance_known"] for r in reports)
    assert evidence["maintenance_known_pct"] > 0
