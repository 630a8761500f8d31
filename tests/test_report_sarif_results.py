"""SARIF on a real SBOM: one result per component and rule family, transitive findings at
the direct dependency's manifest line, repository-relative URIs, docs links, graded
severity; the manifest walk stays safe (FIFO, symlink out of the root).

The SBOM is the corpus' Trackdechets one (cdxgen from the project's package-lock.json);
the repository around it is rebuilt from the SBOM itself: a ``package.json`` declaring
its direct npm dependencies, as ``npm install`` writes one, and the SBOM written inside
the workspace as the GitHub Action does.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from osaudit.naming import display_name
from osaudit.report import RenderContext, links, render
from osaudit.report.model import Report
from osaudit.report.sarif import RULES, SECURITY_SEVERITY
from tests.conftest import CORPUS
from tests.test_report_support import sarif_validator

TRACKDECHETS = CORPUS / "generated" / "MTES-MCT_trackdechets.cdxgen.cdx.json"
NOW = datetime(2026, 12, 1, 6, 17, 43, tzinfo=UTC)


@pytest.fixture(scope="module")
def report() -> Report:
    if not TRACKDECHETS.is_file():
        pytest.skip(f"corpus SBOM not found at {TRACKDECHETS}")
    from osaudit.pipeline import AuditOptions, build

    return build(str(TRACKDECHETS), AuditOptions(offline=True, now=NOW,
                                                 collect_metadata=False)).report


def _workspace(root: Path, report: Report) -> tuple[Path, dict[str, int]]:
    """A repository with the SBOM inside and a package.json of its direct dependencies."""
    sbom = root / "reports" / "sbom.cdx.json"
    sbom.parent.mkdir(parents=True)
    shutil.copyfile(TRACKDECHETS, sbom)
    direct = sorted(
        (display_name(c.group, c.name, c.ecosystem), c.version or "*")
        for c in report.components if c.direct and c.ecosystem == "npm"
    )
    lines = ["{", '  "name": "trackdechets",', '  "dependencies": {']
    line_of: dict[str, int] = {}
    for i, (name, version) in enumerate(direct):
        line_of[name] = len(lines) + 1
        comma = "," if i < len(direct) - 1 else ""
        lines.append(f'    "{name}": "^{version}"{comma}')
    lines += ["  }", "}"]
    (root / "package.json").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sbom, line_of


def _sarif(report: Report, **ctx) -> dict:
    log = json.loads(render("sarif", report, RenderContext(**ctx)))
    errors = sorted(sarif_validator().iter_errors(log), key=str)
    assert not errors, errors[0].message
    return log


def test_one_result_per_component_and_rule_family(report):
    results = _sarif(report, sbom_path=str(TRACKDECHETS))["runs"][0]["results"]
    families = {"osaudit/lockin": "lockin", "osaudit/art41": "lockin"}
    keys = [(families.get(r["ruleId"], r["ruleId"]), r.get("properties", {}).get("ref"))
            for r in results]
    assert len(keys) == len(set(keys)), Counter(keys).most_common(3)
    # Each vendor product that needs a justification: one result; none of its packages
    # gets a lock-in result of its own.
    justs = report.verdict.justifications_required
    covered = {ref for j in justs for ref in j.refs()}
    assert len(justs) >= 5 and len(covered) > 60
    counts = Counter(r["ruleId"] for r in results)
    assert counts["osaudit/art41"] == len(justs) and counts["osaudit/licence-unknown"] == 1
    assert not [r for r in results if r["ruleId"] == "osaudit/lockin"
                and r["properties"]["ref"] in covered]
    lockins = sum(1 for c in report.components if c.lockin.level in ("medium", "high", "critical"))
    assert len(results) < lockins  # one per package before


def test_unknown_licences_are_one_result(report):
    results = _sarif(report, sbom_path=str(TRACKDECHETS))["runs"][0]["results"]
    unknown = [c for c in report.components if c.licence.level == "unknown"]
    notes = [r for r in results if r["ruleId"] == "osaudit/licence-unknown"]
    assert len(unknown) == 21 and len(notes) == 1
    assert notes[0]["properties"]["count"] == 21
    assert notes[0]["properties"]["components"] == [c.purl or c.ref for c in unknown]
    assert notes[0]["message"]["text"].startswith("21 component(s) have no usable licence")


def test_transitive_finding_at_the_direct_dependency_line(report, tmp_path):
    sbom, line_of = _workspace(tmp_path, report)
    data = render("sarif", report, RenderContext(sbom_path=str(sbom), repo_root=tmp_path))
    text = data.decode()
    assert "file:" not in text and str(tmp_path) not in text  # no absolute path at all
    log = json.loads(data)
    assert not list(sarif_validator().iter_errors(log))
    run = log["runs"][0]
    assert set(run["originalUriBaseIds"]) == {"%SRCROOT%"}
    by_ref = report.by_ref()
    transitive = direct = 0
    for res in run["results"]:
        if res["ruleId"] != "osaudit/art41":
            continue
        client = by_ref[res["properties"]["ref"]]
        phys = res["locations"][0]["physicalLocation"]
        assert phys["artifactLocation"] == {"uri": "package.json", "uriBaseId": "%SRCROOT%"}
        sbom_entry = res["relatedLocations"][0]["physicalLocation"]["artifactLocation"]
        assert sbom_entry == {"uri": "reports/sbom.cdx.json", "uriBaseId": "%SRCROOT%"}
        if client.direct:  # a direct client: at its own line, no note
            direct += 1
            name = display_name(client.group, client.name, client.ecosystem)
            assert phys["region"]["startLine"] == line_of[name]
            assert "Transitive" not in res["message"]["text"]
            continue
        # e.g. @docusaurus/theme-search-algolia, pulled in by @docusaurus/preset-classic
        transitive += 1
        parent = by_ref[client.introduced_by[0]]
        pname = display_name(parent.group, parent.name, parent.ecosystem)
        assert phys["region"]["startLine"] == line_of[pname]
        assert (f"Transitive: shown at the declaration of {pname}@{parent.version} "
                f"(package.json line {line_of[pname]})") in res["message"]["text"]
    assert transitive >= 1 and direct >= 1


def test_sbom_outside_the_root_has_no_absolute_uri(report, tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    data = render("sarif", report, RenderContext(sbom_path=str(TRACKDECHETS), repo_root=repo))
    text = data.decode()
    assert "file:" not in text and str(TRACKDECHETS.parent) not in text
    run = json.loads(data)["runs"][0]
    loc = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc == {"uri": TRACKDECHETS.name, "uriBaseId": "SBOMDIR"}
    assert "SBOMDIR" in run["originalUriBaseIds"]
    # The Action's annotations do not take such a file name for a repository file.
    from osaudit import gha_annotations

    (repo / TRACKDECHETS.name).write_text("{}\n")  # a same-named file in the repository
    assert {a.file for a in gha_annotations.from_sarif(json.loads(data), repo)} == {None}


def test_rules_link_to_published_docs_and_severity_is_graded(report):
    run = _sarif(report, sbom_path=str(TRACKDECHETS))["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["informationUri"] == links.doc_url("report-formats", "sarif")
    for rule in driver["rules"]:
        assert rule["helpUri"] == links.rule_url(rule["id"])
        assert rule["helpUri"] in rule["help"]["text"] and rule["helpUri"] in rule["help"]["markdown"]
    assert [r["id"] for r in driver["rules"]] == [r.id for r in RULES]
    graded = [r for r in run["results"] if "osauditLevel" in r.get("properties", {})]
    assert graded and {r["properties"]["osauditLevel"] for r in graded} <= set(SECURITY_SEVERITY)
    for r in graded:
        assert r["properties"]["security-severity"] == SECURITY_SEVERITY[r["properties"]["osauditLevel"]]
    assert SECURITY_SEVERITY == {"critical": "9.0", "high": "7.0", "medium": "4.0", "low": "2.0"}


def test_manifest_walk_survives_a_fifo_and_a_symlink_out_of_the_root(report, tmp_path):
    """Through the CLI, as a user runs it: a FIFO named like a manifest is not opened (no
    hang) and a manifest linked from outside the root is not read."""
    repo = tmp_path / "repo"
    repo.mkdir()
    sbom, _ = _workspace(repo, report)
    (repo / "package.json").unlink()
    os.mkfifo(repo / "package.json")  # would block forever if opened for reading
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "package.json").write_text('{\n  "dependencies": {\n    "mongodb": "^4"\n  }\n}\n')
    (repo / "sub").mkdir()
    (repo / "sub" / "package.json").symlink_to(outside / "package.json")
    out = tmp_path / "out.sarif"
    proc = subprocess.run(
        [sys.executable, "-m", "osaudit.cli", "audit", str(sbom), "--offline", "--quiet",
         "--now", "2026-12-01T06:17:43Z", "--repo-root", str(repo), "--format", "sarif",
         "-o", str(out)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
        env={**os.environ, "OSAUDIT_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert proc.returncode == 0, proc.stderr
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(out.read_text())["runs"][0]["results"] for loc in r["locations"]}
    assert uris == {"reports/sbom.cdx.json"}  # neither the FIFO nor the outside file was used
