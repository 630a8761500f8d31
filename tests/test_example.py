"""The shipped example SBOM: verdict, lock-ins and alternatives checked by hand.

Each expectation below was checked against the catalogue files (the family's
``purls``, the alternatives' ``replaces`` and ``client_purls``) and recomputed
with the rules of docs/scoring.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from osaudit.report.json import validate
from tests.test_report_support import audit_dict

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "citizen-portal.cdx.json"
NOW = "2026-11-23T00:00:00Z"

#: display name -> family id (catalog/families/*.yaml, checked by hand)
FAMILIES = {
    "boto3": "aws-core-sdk",  # cloud-platform.yaml: pkg:pypi/boto3
    "botocore": "aws-core-sdk",  # cloud-platform.yaml: pkg:pypi/botocore
    "s3transfer": "aws-core-sdk",  # cloud-platform.yaml: pkg:pypi/s3transfer (boto3 dependency)
    "sentry-sdk": "sentry",  # error-tracking.yaml: pkg:pypi/sentry-sdk
    "@sentry/react": "sentry",  # error-tracking.yaml: pkg:npm/@sentry/*
    "@sentry/browser": "sentry",
    "@sentry/core": "sentry",
    "@sentry/types": "sentry",
    "@sentry/utils": "sentry",
    "stripe": "stripe",  # payments.yaml: pkg:pypi/stripe
    "@stripe/stripe-js": "stripe",  # payments.yaml: pkg:npm/@stripe/*
    "@stripe/react-stripe-js": "stripe",
    "twilio": "twilio",  # sms-voice.yaml: pkg:pypi/twilio
    "openai": "openai-api",  # llm-api.yaml: pkg:pypi/openai
    "react-ga4": "google-analytics",  # web-analytics.yaml: pkg:npm/react-ga4
    "@googlemaps/js-api-loader": "google-maps-platform",  # maps.yaml: pkg:npm/@googlemaps/*
    "mapbox-gl": "mapbox",  # maps.yaml: pkg:npm/mapbox-gl
}
#: clients of open alternatives (client_purls), which are not locks
ALTERNATIVE_CLIENTS = {
    "keycloak-js": ["keycloak"],
    "python-keycloak": ["keycloak"],
    "psycopg": ["postgresql"],
}


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Empty metadata cache, no policy discovered from the working directory."""
    monkeypatch.setenv("OSAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    mp = pytest.MonkeyPatch()
    tmp = tmp_path_factory.mktemp("example")
    mp.setenv("OSAUDIT_CACHE_DIR", str(tmp / "cache"))
    mp.chdir(tmp)
    try:
        return audit_dict(str(EXAMPLE), offline=True, now=NOW)
    finally:
        mp.undo()


def by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for c in report["components"]:
        name = f"{c['group']}/{c['name']}" if c["group"] else c["name"]
        assert name not in out
        out[name] = c
    return out


def test_valid_and_counts(report: dict[str, Any]) -> None:
    assert validate(report) == []
    s = report["summary"]
    assert s["components"] == 104
    assert (s["direct"], s["transitive"], s["depth_unknown"]) == (23, 81, 0)
    assert s["coverage"]["purl"] == 104
    assert s["coverage"]["catalog_matched"] == len(FAMILIES) + len(ALTERNATIVE_CLIENTS)


def test_lockin_families(report: dict[str, Any]) -> None:
    comps = by_name(report)
    got = {n: c["lockin"]["family"]["id"] for n, c in comps.items() if c["lockin"]["family"]}
    assert got == FAMILIES
    for name, c in comps.items():
        if name not in FAMILIES:
            assert c["lockin"]["level"] == "none", name
            assert c["lockin"]["reasons"][0]["code"] == "LI-NO-MATCH"


def test_alternative_clients(report: dict[str, Any]) -> None:
    comps = by_name(report)
    got = {n: c["lockin"]["alternative_of"] for n, c in comps.items() if c["lockin"]["alternative_of"]}
    assert got == ALTERNATIVE_CLIENTS


def test_mapbox_score_by_hand(report: dict[str, Any]) -> None:
    lock = by_name(report)["mapbox-gl"]["lockin"]
    # maps.yaml mapbox: proprietary-licence +70; lock proprietary-licence 10 + relicensing 6
    # + proprietary-api 8 + hosted-only 8 = 32 -> cap +20; open standards -10; best
    # alternative MapLibre (adapter) -8; Mapbox, Inc. US +5; direct -> 77 critical.
    points = {r["code"]: r["points"] for r in lock["reasons"]}
    assert points == {
        "LI-KIND": 70,
        "LI-LOCK": 20,
        "LI-OPEN-STD": -10,
        "LI-SWAP": -8,
        "LI-JURISDICTION": 5,
    }
    assert (lock["score"], lock["level"]) == (77, "critical")
    assert lock["alternatives"][0]["id"] == "maplibre"
    assert lock["alternatives"][0]["swap"] == "adapter"


def test_sentry_score_and_api_compatible_alternatives(report: dict[str, Any]) -> None:
    comps = by_name(report)
    lock = comps["sentry-sdk"]["lockin"]
    # source-available +55, lock 8+6+4+8 -> +20, OpenTelemetry -10, api-compatible -15, US +5
    assert (lock["score"], lock["level"]) == (55, "high")
    alts = {a["id"]: a["swap"] for a in lock["alternatives"]}
    assert alts == {"glitchtip": "api-compatible"}  # Bugsink is source-available, not an alternative
    # the transitive @sentry/* packages score 10 lower
    assert comps["@sentry/core"]["lockin"]["score"] == 45
    assert comps["@sentry/core"]["lockin"]["level"] == "medium"
    assert comps["@sentry/core"]["introduced_by"] == ["pkg:npm/%40sentry/react@8.35.0"]


def test_openai_has_api_compatible_self_hosted_servers(report: dict[str, Any]) -> None:
    alts = by_name(report)["openai"]["lockin"]["alternatives"]
    assert alts[0]["swap"] == "api-compatible"
    api = {a["id"] for a in alts if a["swap"] == "api-compatible"}
    assert {"vllm", "ollama", "localai", "llama-cpp"} <= api


def test_transitive_reach(report: dict[str, Any]) -> None:
    comps = by_name(report)
    assert comps["stripe"]["direct"] is False
    assert comps["stripe"]["introduced_by"] == ["pkg:pypi/dj-stripe@2.8.4"]
    assert comps["botocore"]["introduced_by"] == ["pkg:pypi/boto3@1.35.36"]
    assert comps["boto3"]["lockin"]["score"] - comps["botocore"]["lockin"]["score"] == 10
    # Top risks count lock-in once per vendor product; a transitive client says how it arrives.
    stripe_risk = next(
        r for r in report["summary"]["top_risks"]
        if r["axis"] == "lockin" and r["name"].startswith("Stripe")
    )
    assert "reaches you through dj-stripe 2.8.4" in stripe_risk["summary"]


def test_verdict_justify(report: dict[str, Any]) -> None:
    v = report["verdict"]
    assert v["art41"] == "justify"
    # One justification per vendor product, listing its packages.
    justs = v["justifications_required"]
    assert sorted(j["family"] for j in justs) == sorted(set(FAMILIES.values()))
    assert {p["name"] for j in justs for p in j["packages"]} == set(FAMILIES)
    aws = next(j for j in justs if j["family"] == "aws-core-sdk")
    assert "proprietary service sdk" in aws["why"]
    roles = {p["name"]: (p["role"], p["via"]) for p in aws["packages"]}
    assert roles == {
        "boto3": ("client", []),
        "botocore": ("plumbing", ["pkg:pypi/boto3@1.35.36"]),
        "s3transfer": ("plumbing", ["pkg:pypi/boto3@1.35.36"]),
    }
    assert all(g["passed"] for g in v["gates"])


def test_verdict_fail_with_threshold() -> None:
    report = audit_dict(str(EXAMPLE), offline=True, now=NOW, fail_on=("lockin=critical",))
    v = report["verdict"]
    assert v["art41"] == "fail"
    gate = next(g for g in v["gates"] if g["name"] == "lockin>=critical")
    names = {c["ref"] for c in report["components"] if c["lockin"]["level"] == "critical"}
    assert set(gate["components"]) == names and "pkg:npm/mapbox-gl@3.7.0" in names


def test_vendors_and_sovereignty(report: dict[str, Any]) -> None:
    vendors = {v["name"]: v for v in report["summary"]["vendors"]}
    aws = vendors["Amazon Web Services, Inc."]
    assert (aws["families"], aws["components"], aws["jurisdiction"]) == (["aws-core-sdk"], 3, "US")
    levels = [v["worst_level"] for v in report["summary"]["vendors"]]
    rank = ["none", "low", "medium", "high", "critical"]
    assert [rank.index(x) for x in levels] == sorted((rank.index(x) for x in levels), reverse=True)
    sov = report["sovereignty"]
    # Distinct controlling vendors of the lock-in families, not components (16 here).
    assert {v["name"] for v in sov["vendors"]} == {
        "Amazon.com, Inc.", "Alphabet Inc.", "Functional Software, Inc. (Sentry)", "Mapbox, Inc.",
        "OpenAI OpCo, LLC", "Stripe, Inc.", "Twilio Inc.",
    }
    assert sov["by_jurisdiction"] == {"US": 7} and sov["non_eu_share"] == 1.0
    objectives = [c["objective"] for c in sov["csf"]]
    assert "SOV-2" in objectives and objectives == sorted(objectives)
    assert sov["limits"]


def test_example_policy() -> None:
    """examples/osaudit.toml: boto3/botocore under an active exception, nothing denied."""
    policy = EXAMPLE.parent / "osaudit.toml"
    report = audit_dict(str(EXAMPLE), offline=True, now=NOW, policy=str(policy))
    v = report["verdict"]
    assert report["policy"]["project_licence_source"] == "policy"
    assert v["exceptions"][0]["status"] == "active"
    assert v["exceptions"][0]["components"] == [
        "pkg:pypi/boto3@1.35.36",
        "pkg:pypi/botocore@1.35.36",
    ]
    families = {j["family"] for j in v["justifications_required"]}
    assert families == set(FAMILIES.values()) - {"aws-core-sdk"}
    assert v["art41"] == "justify"
    # the exception expires: from 2027-07-01 the audit fails
    later = audit_dict(str(EXAMPLE), offline=True, now="2027-07-01T00:00:00Z", policy=str(policy))
    assert later["verdict"]["art41"] == "fail"
    assert later["verdict"]["exceptions"][0]["status"] == "expired"


@pytest.mark.parametrize(
    ("name", "score", "level"),
    [
        # the worked examples of docs/scoring.md, section "Lock-in"
        ("boto3", 85, "critical"),
        ("botocore", 75, "critical"),
        ("mapbox-gl", 77, "critical"),
        ("sentry-sdk", 55, "high"),
        ("@sentry/core", 45, "medium"),
        ("twilio", 71, "high"),
        ("openai", 70, "high"),
        ("django", 0, "none"),
    ],
)
def test_documented_worked_examples(
    report: dict[str, Any], name: str, score: int, level: str
) -> None:
    lock = by_name(report)[name]["lockin"]
    assert (lock["score"], lock["level"]) == (score, level)
