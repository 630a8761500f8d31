"""SARIF 2.1.0: schema-valid, one rule per finding kind, stable fingerprints, locations."""

from __future__ import annotations

import json
from pathlib import Path

from osaudit.report import RenderContext, render
from osaudit.report.model import Report
from osaudit.report.sarif import RULES
from tests.test_report_support import (
    hostile_report,
    sample_report,
    sample_report_dict,
    sarif_validator,
)


def _sarif(report, **ctx) -> dict:
    data = render("sarif", report, RenderContext(**ctx))
    assert data.endswith(b"\n")
    return json.loads(data)


def test_sample_is_schema_valid_with_rules_and_results():
    log = _sarif(sample_report(), sbom_path="examples/citizen-portal.cdx.json")
    errors = sorted(sarif_validator().iter_errors(log), key=str)
    assert not errors, errors[0].message
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "osaudit" and driver["semanticVersion"]
    ids = [r["id"] for r in driver["rules"]]
    assert ids == [r.id for r in RULES]
    for rule in driver["rules"]:
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["properties"]["tags"]
        assert rule["defaultConfiguration"]["level"] in ("note", "warning", "error")
    by_rule: dict[str, list[dict]] = {}
    for res in run["results"]:
        by_rule.setdefault(res["ruleId"], []).append(res)
        assert ids[res["ruleIndex"]] == res["ruleId"]
        # GitHub code scanning needs a start line on every result.
        assert res["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
    # Sample: 7 lock-ins >= medium of which 6 need a justification (one result each, the
    # lock-in merged in), 1 licence high, 3 unknown licences (one result), 3 maintenance.
    counts = {k: len(v) for k, v in by_rule.items()}
    assert counts == {
        "osaudit/lockin": 1,
        "osaudit/licence": 1,
        "osaudit/licence-unknown": 1,
        "osaudit/maintenance": 3,
        "osaudit/art41": 6,
    }
    boto = next(r for r in by_rule["osaudit/art41"] if "boto3@" in r["message"]["text"])
    assert "High vendor lock-in (score 80)" in boto["message"]["text"]
    assert boto["level"] == "warning"  # verdict justify
    assert boto["properties"]["security-severity"] == "7.0"  # lock-in high
    assert "Garage (api-compatible, AGPL-3.0-only)" in boto["message"]["text"]
    loc = boto["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc == {"uri": "examples/citizen-portal.cdx.json", "uriBaseId": "%SRCROOT%"}


def test_no_results_below_medium():
    log = _sarif(sample_report())
    texts = [r["message"]["text"] for r in log["runs"][0]["results"]]
    assert not any(t.startswith("react@") for t in texts)  # react: none on every axis
    assert not any(t.startswith("psycopg2@") for t in texts)  # low licence, low maintenance


def test_fingerprints_stable_and_unique():
    a = _sarif(sample_report())
    b = _sarif(sample_report())
    fa = [r["partialFingerprints"]["osauditFinding/v1"] for r in a["runs"][0]["results"]]
    fb = [r["partialFingerprints"]["osauditFinding/v1"] for r in b["runs"][0]["results"]]
    assert fa == fb and len(set(fa)) == len(fa)
    # A version bump keeps the fingerprint (identity is the purl without version).
    report = sample_report_dict()
    for comp in report["components"]:
        if comp["name"] == "boto3":
            comp["version"] = "1.35.0"
            comp["purl"] = "pkg:pypi/boto3@1.35.0"
    bumped = _sarif(Report.from_dict(report))
    fc = [r["partialFingerprints"]["osauditFinding/v1"] for r in bumped["runs"][0]["results"]]
    assert fa == fc


def test_sbom_line_and_manifest_location(tmp_path: Path):
    report = sample_report()
    sbom = tmp_path / "sbom" / "app.cdx.json"
    sbom.parent.mkdir()
    lines = ['{', '  "components": [']
    for comp in report.components:
        lines.append(f'    {{"name": {json.dumps(comp.name)}, "purl": {json.dumps(comp.purl)}}},')
    lines += ['  ]', '}']
    sbom.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "requirements.txt").write_text("# deps\nDjango>=5\nboto3==1.34.0\n", encoding="utf-8")
    log = _sarif(report, sbom_path=str(sbom), repo_root=tmp_path)
    assert not list(sarif_validator().iter_errors(log))
    results = log["runs"][0]["results"]
    boto = next(r for r in results if r["ruleId"] == "osaudit/art41" and "boto3@" in r["message"]["text"])
    phys = boto["locations"][0]["physicalLocation"]
    assert phys["artifactLocation"] == {"uri": "requirements.txt", "uriBaseId": "%SRCROOT%"}
    assert phys["region"]["startLine"] == 3
    related = boto["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"] == "sbom/app.cdx.json"
    expected_line = next(i for i, line in enumerate(lines, 1) if '"pkg:pypi/boto3@1.34.0"' in line)
    assert related["region"]["startLine"] == expected_line
    # Not declared in a manifest: located in the SBOM only.
    gcs = next(r for r in results if "google-cloud-storage@" in r["message"]["text"])
    assert gcs["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "sbom/app.cdx.json"
    assert "relatedLocations" not in gcs


def test_fail_verdict_adds_an_sbom_level_result():
    report = sample_report_dict()
    report["verdict"]["art41"] = "fail"
    report["verdict"]["reasons"] = ["Gate lockin>=high failed."]
    log = _sarif(Report.from_dict(report))
    assert not list(sarif_validator().iter_errors(log))
    art = [r for r in log["runs"][0]["results"] if r["ruleId"] == "osaudit/art41"]
    assert all(r["level"] == "error" for r in art)
    assert any("verdict: fail" in r["message"]["text"] for r in art)


def test_hostile_report_is_valid_sarif():
    report = hostile_report()
    log = _sarif(report, sbom_path="examples/x.json")
    assert not list(sarif_validator().iter_errors(log))
    for res in log["runs"][0]["results"]:
        text = res["message"]["text"]
        assert "\n" not in text and "\u202e" not in text
        assert len(text) < 3000


def test_sbom_line_in_xml_and_tag_value(tmp_path: Path):
    report = sample_report()
    xml = tmp_path / "bom.xml"
    xml.write_text(
        '<?xml version="1.0"?>\n<bom>\n  <components>\n    <component>\n'
        "      <name>boto3</name>\n      <purl>pkg:pypi/boto3@1.34.0</purl>\n"
        "    </component>\n  </components>\n</bom>\n",
        encoding="utf-8",
    )
    log = _sarif(report, sbom_path=str(xml), repo_root=tmp_path)
    boto = next(r for r in log["runs"][0]["results"]
                if r["ruleId"] == "osaudit/art41" and "boto3@" in r["message"]["text"])
    assert boto["locations"][0]["physicalLocation"]["region"]["startLine"] == 6
    spdx = tmp_path / "bom.spdx"
    spdx.write_text(
        "SPDXVersion: SPDX-2.3\n\nPackageName: left-pad-py\nSPDXID: SPDXRef-lp\n",
        encoding="utf-8",
    )
    log = _sarif(report, sbom_path=str(spdx), repo_root=tmp_path)
    lp = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "osaudit/maintenance"
              and r["message"]["text"].startswith("left-pad-py@"))
    assert lp["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
    assert lp["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "bom.spdx"
