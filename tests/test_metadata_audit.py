"""`osaudit audit` fills the maintenance axis from the fake services; the report is schema-valid."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from osaudit.cli import main
from tests.apiserver import ApiServer, closed_port_url

PACKAGES = [
    ("requests", "2.31.0", "pkg:pypi/requests@2.31.0"),
    ("left-pad", "1.3.0", "pkg:npm/left-pad@1.3.0"),
    ("six", "1.16.0", "pkg:pypi/six@1.16.0"),
    ("ghost", "1.0.0", "pkg:pypi/ghost@1.0.0"),
]


@pytest.fixture()
def sbom(tmp_path):
    comps = [
        {"type": "library", "bom-ref": n, "name": n, "version": v, "purl": p}
        for n, v, p in PACKAGES
    ]
    path = tmp_path / "app.cdx.json"
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": comps}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _audit(sbom, out, monkeypatch, url, *extra):
    pytest.importorskip("osaudit.commands.audit", reason="audit command not built yet")
    for name in ("DEPSDEV", "ECOSYSTEMS", "OSV", "SCORECARD"):
        monkeypatch.setenv(f"OSAUDIT_{name}_URL", url)
    rc = main(
        [
            "audit",
            str(sbom),
            "--now",
            "2026-11-01T00:00:00Z",
            "--format",
            "json",
            "-o",
            str(out),
            "--quiet",
            *extra,
        ]
    )
    assert rc in (0, 1)
    return json.loads(out.read_text(encoding="utf-8"))


def _validate(report):
    jsonschema = pytest.importorskip("jsonschema")
    schema_file = resources.files("osaudit.report").joinpath("report.schema.json")
    if not schema_file.is_file():
        pytest.skip("report schema not built yet")
    jsonschema.Draft202012Validator(json.loads(schema_file.read_text())).validate(report)


def test_audit_fills_maintenance_and_is_schema_valid(sbom, tmp_path, monkeypatch):
    monkeypatch.setenv("OSAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    with ApiServer() as srv:
        report = _audit(sbom, tmp_path / "r.json", monkeypatch, srv.url)
        n = len(srv.requests)
        offline = _audit(sbom, tmp_path / "o.json", monkeypatch, srv.url, "--offline")
        assert len(srv.requests) == n
    _validate(report)
    maint = {c["name"]: c["maintenance"] for c in report["components"]}
    assert maint["left-pad"]["level"] == "critical"
    assert maint["six"]["level"] in ("none", "low")
    assert maint["ghost"]["level"] == "unknown" and maint["ghost"]["score"] is None
    assert maint["requests"]["facts"]["scorecard"]["source"] == "deps.dev"
    assert report["summary"]["maintenance"]["unknown"] == 1
    assert {c["name"]: c["maintenance"] for c in offline["components"]} == maint


def test_audit_with_network_unreachable_is_complete(sbom, tmp_path, monkeypatch):
    monkeypatch.setenv("OSAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    report = _audit(sbom, tmp_path / "r.json", monkeypatch, closed_port_url())
    _validate(report)
    assert len(report["components"]) == len(PACKAGES)
    for comp in report["components"]:
        assert comp["maintenance"]["level"] == "unknown"
        assert comp["maintenance"]["reasons"][0]["code"] == "MT-UNREACHABLE"
    # one run-level warning with its own code and the way out
    codes = [w["code"] for w in report["warnings"]]
    assert codes.count("MT-UNREACHABLE-ALL") == 1
    (warning,) = [w for w in report["warnings"] if w["code"] == "MT-UNREACHABLE-ALL"]
    assert "--offline" in warning["message"] and "OSAUDIT_DEPSDEV_URL" in warning["message"]


def test_policy_can_fail_the_run_when_no_metadata_service_answers(sbom, tmp_path, monkeypatch):
    monkeypatch.setenv("OSAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    policy = tmp_path / "osaudit.toml"
    policy.write_text("[fail-on]\nmetadata-unreachable = true\n", encoding="utf-8")
    report = _audit(sbom, tmp_path / "r.json", monkeypatch, closed_port_url(), "--policy", str(policy))
    _validate(report)
    (gate,) = [g for g in report["verdict"]["gates"] if g["name"] == "metadata-reachable"]
    assert gate["passed"] is False and report["verdict"]["art41"] == "fail"
    assert report["policy"]["fail_on_metadata_unreachable"] is True
    with ApiServer() as srv:
        report = _audit(sbom, tmp_path / "r2.json", monkeypatch, srv.url, "--policy", str(policy))
    (gate,) = [g for g in report["verdict"]["gates"] if g["name"] == "metadata-reachable"]
    assert gate["passed"] is True


def test_policy_metadata_unreachable_must_be_a_boolean(sbom, tmp_path, capsys):
    policy = tmp_path / "osaudit.toml"
    policy.write_text('[fail-on]\nmetadata-unreachable = "yes"\n', encoding="utf-8")
    rc = main(["audit", str(sbom), "--offline", "--quiet", "--policy", str(policy)])
    err = capsys.readouterr().err
    assert rc == 2 and "metadata-unreachable" in err and "true or false" in err


def test_unreachable_metadata_is_a_banner_in_markdown_and_html(sbom, tmp_path, monkeypatch):
    monkeypatch.setenv("OSAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("DEPSDEV", "ECOSYSTEMS", "OSV", "SCORECARD"):
        monkeypatch.setenv(f"OSAUDIT_{name}_URL", closed_port_url())
    out = {}
    for fmt, ext in (("markdown", "md"), ("html", "html")):
        path = tmp_path / f"r.{ext}"
        rc = main(["audit", str(sbom), "--now", "2026-11-01T00:00:00Z", "--format", fmt,
                   "-o", str(path), "--quiet"])
        assert rc in (0, 1)
        out[fmt] = path.read_text(encoding="utf-8")
    assert "> **Maintenance unknown:** no metadata service could be reached" in out["markdown"]
    assert '<p role="alert"><strong>Maintenance unknown:</strong> no metadata service' in out["html"]
    assert "--offline" in out["html"]
