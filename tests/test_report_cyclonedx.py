"""CycloneDX 1.6 output: schema-valid, findings as osaudit: properties, refs kept, SPDX in."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pytest

from osaudit.report import RenderContext, render
from osaudit.report.cyclonedx import IRI_REFERENCE
from tests.conftest import CORPUS, SKIP_REASON
from tests.test_report_support import FIXTURES, cdx_validate, hostile_report, sample_report

SPDX_SAMPLE = CORPUS / "spdx" / "json" / (
    "guacsec_guac__internal_testing_testdata_exampledata_alpine-spdx.json"
)


def _props(component: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in component.get("properties", []):
        out.setdefault(p["name"], []).append(p["value"])
    return out


def test_sample_report_valid_with_findings():
    report = sample_report()
    text = render("cyclonedx", report, RenderContext()).decode("utf-8")
    assert cdx_validate(text) is None
    bom = json.loads(text)
    assert bom["specVersion"] == "1.6"
    assert bom["metadata"]["timestamp"].startswith("2026-11-23T00:00:00")
    tools = bom["metadata"]["tools"]["components"]
    assert [t["name"] for t in tools] == ["osaudit"]
    comps = {c["bom-ref"]: c for c in bom["components"]}
    assert set(comps) == {c.ref for c in report.components}
    boto = comps["pkg:pypi/boto3@1.34.0"]
    assert boto["purl"] == "pkg:pypi/boto3@1.34.0"
    props = _props(boto)
    assert props["osaudit:lockin:level"] == ["high"]
    assert props["osaudit:lockin:family"] == ["aws-s3"]
    assert props["osaudit:lockin:jurisdiction"] == ["US"]
    assert props["osaudit:licence:category"] == ["Permissive"]
    assert props["osaudit:maintenance:level"] == ["low"]
    assert props["osaudit:art41:justification-required"] == ["true"]
    assert sorted(props["osaudit:alternative"]) == ["ceph-rgw (api-compatible)",
                                                    "garage (api-compatible)"]
    meta = {p["name"]: p["value"] for p in bom["metadata"]["properties"]}
    assert meta["osaudit:art41:verdict"] == "justify"


def test_deterministic_serial_and_output():
    report = sample_report()
    a = render("cyclonedx", report, RenderContext())
    b = render("cyclonedx", report, RenderContext())
    assert a == b
    other = msgspec.structs.replace(report, generated_at="2026-12-01T00:00:00Z")
    serial_a = json.loads(a)["serialNumber"]
    serial_c = json.loads(render("cyclonedx", other, RenderContext()))["serialNumber"]
    assert serial_a.startswith("urn:uuid:") and serial_a != serial_c


@pytest.mark.skipif(not SPDX_SAMPLE.is_file(), reason=SKIP_REASON)
def test_spdx_input_gives_cyclonedx_with_refs_and_purls():
    from osaudit.pipeline import AuditOptions, build

    result = build(str(SPDX_SAMPLE), AuditOptions(
        offline=True, now=datetime(2026, 11, 23, tzinfo=UTC), collect_metadata=False))
    ctx = RenderContext(sbom=result.sbom, sbom_path=str(SPDX_SAMPLE))
    text = render("cyclonedx", result.report, ctx).decode("utf-8")
    assert cdx_validate(text) is None
    bom = json.loads(text)
    refs = {c["bom-ref"] for c in bom["components"]}
    assert refs == {c.ref for c in result.sbom.components}
    purls = {c.get("purl") for c in bom["components"]} - {None}
    assert purls == {c.purl for c in result.sbom.components}  # all 14 have purls
    for comp in bom["components"]:
        assert "osaudit:lockin:level" in _props(comp)
    dep_refs = {d["ref"] for d in bom.get("dependencies", [])}
    assert refs <= dep_refs


def test_hostile_report_valid():
    text = render("cyclonedx", hostile_report(), RenderContext()).decode("utf-8")
    assert cdx_validate(text) is None


@pytest.mark.parametrize(
    "value",
    [
        "https://example.org/a?b=c#d", "pkg:npm/x@1", "mailto:a@b.c", "relative/path",
        "//host/p", "https://example.org/\"><script>", "https://ex ample.org", "%zz",
        "#frag", "", "a:b", "https://\u4f8b\u3048.jp/\u30d1\u30b9", "http://x/%41%",
        "git+https://github.com/a/b.git", "http://a/b c", "http://a/{x}", "urn:cdx:abc/1#x",
        "https://a/b|c", "https://a/b\\c", "javascript:alert(1)", "http://a/\u202e",
    ],
)
def test_iri_regex_agrees_with_the_schema_format_checker(value):
    from jsonschema._format import is_iri_reference

    assert bool(IRI_REFERENCE.fullmatch(value)) == bool(is_iri_reference(value))


def test_hostile_fixture_is_the_documented_one():
    doc = json.loads((FIXTURES / "hostile.cdx.json").read_text(encoding="utf-8"))
    names = " ".join(c["name"] for c in doc["components"])
    for needle in ("<script>", "onerror=", "](javascript:", "|", "`", "=cmd|", "\u202e", "\n"):
        assert needle in names or needle in json.dumps(doc, ensure_ascii=False)
    assert max(len(c["name"]) for c in doc["components"]) >= 10_000
    assert Path(FIXTURES / "hostile.cdx.json").stat().st_size < 100_000
