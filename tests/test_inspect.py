"""``osaudit inspect``: text and JSON summaries of real SBOMs."""

from __future__ import annotations

import json

import pytest

from osaudit.cli import main
from osaudit.commands.inspect import parse_size
from tests.conftest import CORPUS, SKIP_REASON

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=SKIP_REASON)

JUICE = CORPUS / "large/CycloneDX_bom-examples__SBOM_juice-shop_via_npm_bare_bom.1.4.json"
ALPINE = CORPUS / "cyclonedx/json/guacsec_guac__internal_testing_testdata_exampledata_alpine-cyclonedx.json"
SPDX_TV = CORPUS / "spdx/tv/spdx_tools-python__tests_spdx_data_SPDXTagExample-v2.3.spdx"


def run_json(capsys, *args: str) -> dict:
    assert main(["inspect", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_summary_of_nested_npm_sbom(capsys):
    s = run_json(capsys, str(JUICE))
    assert (s["format"], s["spec_version"], s["encoding"]) == ("cyclonedx", "1.4", "json")
    assert "cyclonedx-npm 1.9.2" in s["tools"]
    assert s["subject"]["name"] == "juice-shop"
    comps = s["components"]
    assert comps["by_ecosystem"] == {"npm": comps["total"]}
    assert comps["nested"] > 100
    assert s["identity"]["purl"]["share"] == 1.0
    g = s["graph"]
    assert g["has_graph"] and g["direct"] > 0 and g["transitive"] > 0
    assert g["direct"] + g["transitive"] + g["unreachable"] == comps["total"]
    lic = s["licences"]
    assert sum(v["count"] for v in lic.values()) == comps["total"]
    assert any(w["code"] == "duplicate-purl" for w in s["warnings"])


def test_json_is_sorted_and_stable(capsys):
    first = run_json(capsys, str(ALPINE))
    assert main(["inspect", str(ALPINE), "--format", "json"]) == 0
    raw = capsys.readouterr().out
    assert json.loads(raw) == first
    assert list(first) == sorted(first)
    eco = first["components"]["by_ecosystem"]
    assert eco["apk"] == 14 and list(eco) == sorted(eco)
    assert [w["code"] for w in first["warnings"]] == ["purl-type-mapped"]


def test_text_output(capsys):
    assert main(["inspect", str(SPDX_TV)]) == 0
    out = capsys.readouterr().out
    assert "Format:      spdx 2.3 (tag-value)" in out
    assert "Identity:    purl 1 (25.0%), CPE only 1 (25.0%), name only 2 (50.0%)" in out
    assert "Warnings:" in out


def test_validate_reports_schema(capsys):
    s = run_json(capsys, str(CORPUS / "cyclonedx/json/CycloneDX_specification__tools_src_test_resources_1.6_valid-bom-1.6.json"), "--validate")
    assert s["schema"] == {"valid": True, "messages": []}
    bad = CORPUS / "invalid/CycloneDX_specification__tools_src_test_resources_1.2_invalid-serialnumber-1.2.json"
    assert main(["inspect", str(bad), "--validate", "--format", "json"]) == 1  # still printed
    out = capsys.readouterr()
    s = json.loads(out.out)
    assert s["schema"]["valid"] is False
    assert out.err.strip().splitlines()[-1] == f"osaudit: {bad}: 1 schema problem(s)"
    assert main(["inspect", str(bad), "--validate", "--strict"]) == 2
    assert main(["inspect", str(bad), "--validate"]) == 1
    assert "Schema:      1 problems" in capsys.readouterr().out


def test_validate_without_a_schema_says_why(capsys, tmp_path):
    """A specVersion with no published schema: exit 0, and stderr says it was not checked."""
    doc = json.loads((CORPUS / "generated" / "MTES-MCT_trackdechets.cdxgen.cdx.json").read_text())
    doc["specVersion"] = "1.99"
    path = tmp_path / "future.cdx.json"
    path.write_text(json.dumps(doc))
    rc = main(["inspect", str(path), "--validate", "--format", "json"])
    out = capsys.readouterr()
    assert [m["code"] for m in json.loads(out.out)["schema"]["messages"]] == ["schema-unavailable"]
    assert rc == 0
    assert f"osaudit: warning: {path}: schema not checked: no CycloneDX schema for specVersion '1.99'" in out.err


def test_parse_size():
    assert parse_size("512M") == 512 * 1024 * 1024
    assert parse_size("10") == 10
    assert parse_size("2GiB") == 2 * 1024**3
