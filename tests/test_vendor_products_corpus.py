"""Vendor products on real SBOMs, judged by hand (issue 10: judgements an OSPO can sign).

Each SBOM was read component by component; the expectations below are what an
OSPO reviewer would sign: which vendor products the application uses, one
justification per product listing its packages, plumbing under the clients it
arrives through, the exits, the evidence the verdict rests on and the share of
non-EU vendors. Files: ``../shared/corpus/generated/`` (cdxgen/cyclonedx-py from
Docs, Signalen, Trackdéchets) and ``tests/fixtures/generated/`` (NL Wallet,
RDV Service Public, GovSSO, X-Road UIs; README there says how each was made).

Vendor products the catalogue does not know yet are listed at the end as
expected failures ("catalogue gap"): the catalogue work turns them green.

A second hand review (2026-12-01) found lock-ins that are present but not in
effect: an optional peer dependency (cdxgen scope ``optional``), Docusaurus
plugins that ``preset-classic`` installs but enables only when configured, the
AI Gateway client that ``ai`` always pulls, ``google-auth`` under the kubernetes
client. They stay listed as vendor products, at level ``low`` with the reason,
and need no justification (``CONDITIONAL`` below; docs/scoring.md, "Conditional
lock-in").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.test_report_support import audit_dict as run

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "generated"
SHARED = ROOT.parent / "shared" / "corpus" / "generated"

SIGNALEN = SHARED / "Amsterdam_signals.environment.cyclonedx-py.cdx.json"
TRACKDECHETS = SHARED / "MTES-MCT_trackdechets.cdxgen.cdx.json"
DOCS = SHARED / "suitenumerique_docs.cdxgen.cdx.json"
WALLET_CORE = FIXTURES / "MinBZK_nl-wallet.wallet_core.cdxgen.cdx.json"
WALLET_APP = FIXTURES / "MinBZK_nl-wallet.pub.cdxgen.cdx.json"
RDV = FIXTURES / "betagouv_rdv-service-public.cdxgen.cdx.json"
GOVSSO = FIXTURES / "e-gov_GOVSSO-Session.cdxgen.cdx.json"
XROAD = FIXTURES / "nordic-institute_X-Road.ui.cdxgen.cdx.json"

#: The vendor products (families) each application uses, judged by hand.
PRODUCTS: dict[Path, set[str]] = {
    SIGNALEN: {
        "aws-core-sdk",  # boto3 + botocore (S3 through django-storages)
        "azure-blob-storage",  # azure-storage-blob (django-storages' Azure backend)
        "azure-core-sdk",  # azure-core, azure-identity
        "azure-application-insights",  # azure-monitor-opentelemetry-exporter
        "microsoft-entra-id",  # msal, msal-extensions
        "microsoft-graph-m365",  # o365 (mail through Microsoft 365)
        "elasticsearch",  # elasticsearch, elasticsearch-dsl 7.x clients
    },
    TRACKDECHETS: {
        "aws-s3",  # @aws-sdk/client-s3, lib-storage, s3-request-presigner, s3-presigned-post
        "aws-core-sdk",  # @aws-sdk/credential-providers, arriving through the mongodb driver
        "algolia",  # algoliasearch and @algolia/* under the documentation site's DocSearch
        "elasticsearch",  # @elastic/elasticsearch 7.13
        "mongodb",  # mongodb 4.17 driver
        "sentry",  # @sentry/node, browser, integrations
        "chromatic",  # @chromatic-com/storybook: Chromatic's hosted visual-testing service
        "google-analytics",  # Docusaurus gtag / GA / tag-manager plugins of the docs site
        # not mapbox: mapbox-gl 1.13.3 is BSD-3-Clause (Mapbox locks from 2.0.0)
    },
    DOCS: {
        "aws-core-sdk", "sentry", "openai-api", "mistral-ai-api",
        "vercel-hosting",  # @ai-sdk/gateway and @vercel/oidc (Vercel AI Gateway)
        "pydantic-logfire",  # logfire, logfire-api
        "chromatic",  # chromatic CLI (hosted visual testing)
    },  # not gcp-core-sdk: googleapis-common-protos is shared protobuf types
    WALLET_CORE: {"sentry", "gcp-core-sdk"},  # gcloud-auth (Play Integrity); aws-lc-rs is AWS's open-source libcrypto, not a service client
    WALLET_APP: {"sentry"},
    RDV: {"sentry", "skylight", "microsoft-entra-id"},  # omniauth-microsoft_graph
    GOVSSO: {"elastic-apm"},
    XROAD: set(),
}

#: Vendor products listed but not in effect, with the rule and why (judged by hand):
#: they are ``low`` and need no justification.
CONDITIONAL: dict[Path, dict[str, str]] = {
    TRACKDECHETS: {
        # mongodb 4.17's optional peer dependency (MONGODB-AWS auth); cdxgen: scope optional
        "aws-core-sdk": "LI-SCOPE",
        # a devDependency (Storybook addon): cdxgen gives devDependencies scope optional
        "chromatic": "LI-SCOPE",
        # only through @docusaurus/preset-classic; apps/doc/docusaurus.config.js sets
        # none of its gtag / googleAnalytics / googleTagManager options
        "google-analytics": "LI-DORMANT",
    },
    # only through ai; Docs uses ai's DefaultChatTransport to its own backend
    # (src/frontend/apps/impress/.../AI/useAI.tsx), never a string model id or gateway()
    DOCS: {"vercel-hosting": "LI-DORMANT"},
}


def _report(path: Path) -> dict[str, Any]:
    if not path.is_file():
        pytest.skip(f"{path.name} not available (shared corpus)")
    return run(str(path), offline=True, now="2026-12-01T00:00:00Z", collect_metadata=False)


@pytest.fixture(scope="module")
def reports() -> dict[Path, dict[str, Any]]:
    return {}


def report_of(reports: dict[Path, dict[str, Any]], path: Path) -> dict[str, Any]:
    if path not in reports:
        reports[path] = _report(path)
    return reports[path]


@pytest.mark.parametrize("path", list(PRODUCTS), ids=lambda p: p.name.split(".")[0])
def test_vendor_products_found(reports, path: Path) -> None:
    report = report_of(reports, path)
    products = report["summary"]["vendor_products"]
    assert {p["family"] for p in products} == PRODUCTS[path]
    # One justification per vendor product, never one per package.
    justs = [j for j in report["verdict"]["justifications_required"] if j.get("packages")]
    assert len({j["family"] for j in justs}) == len(justs)
    conditional = CONDITIONAL.get(path, {})
    # GovSSO's Elastic APM agent is open source (single vendor, medium): listed, no justification
    open_medium = {"elastic-apm"} if path == GOVSSO else set()
    assert {j["family"] for j in justs} == PRODUCTS[path] - set(conditional) - open_medium
    rows = {r["ref"]: r for r in report["components"]}
    for p in products:
        if p["family"] not in conditional:
            continue
        assert p["level"] == "low"
        for c in p["clients"]:  # every client says why its lock may not be in effect
            assert conditional[p["family"]] in {r["code"] for r in rows[c["ref"]]["lockin"]["reasons"]}
    for j in justs:
        product = next(p for p in products if p["family"] == j["family"])
        assert j["level"] == product["level"]  # the level of the clients actually used
        names = {p["name"] for p in j["packages"]}
        assert {c["name"] for c in product["clients"]} <= names
    # Lock-in appears once per vendor product in the top risks.
    lock_risks = [r["name"] for r in report["summary"]["top_risks"] if r["axis"] == "lockin"]
    assert len(lock_risks) == len(set(lock_risks))


def test_trackdechets_plumbing_sits_under_the_s3_client(reports) -> None:
    """55 @aws-sdk/* internals were critical while the S3 client the app uses was high."""
    report = report_of(reports, TRACKDECHETS)
    s3 = next(p for p in report["summary"]["vendor_products"] if p["family"] == "aws-s3")
    assert {c["name"] for c in s3["clients"]} == {
        "@aws-sdk/client-s3",
        "@aws-sdk/lib-storage",
        "@aws-sdk/s3-presigned-post",
        "@aws-sdk/s3-request-presigner",
    }
    assert s3["level"] == "high"
    plumbing = {(p["name"], p["version"]) for p in s3["plumbing"]}
    assert ("@aws-sdk/core", "3.750.0") in plumbing
    assert ("@aws-sdk/util-locate-window", "3.804.0") in plumbing  # through @aws-crypto/*
    assert len(plumbing) >= 30
    assert all(set(p["via"]) <= {c["name"] for c in s3["clients"]} for p in s3["plumbing"])
    # The S3 product's exits are S3-compatible stores.
    exits = {(e["id"], e["swap"]) for e in s3["exits"]}
    assert {("garage", "api-compatible"), ("ceph-rgw", "api-compatible")} <= exits
    # No @aws-sdk 3.750.0 package is scored on its own above the client.
    aws = next(p for p in report["summary"]["vendor_products"] if p["family"] == "aws-core-sdk")
    assert [c["name"] for c in aws["clients"]] == ["@aws-sdk/credential-providers"]
    gate_view = {
        j["family"]: j for j in report["verdict"]["justifications_required"] if j.get("packages")
    }
    assert "mapbox" not in gate_view
    # 8 before the scope and dormant rules: AWS (optional peer of mongodb), Chromatic
    # (devDependency) and Google Analytics (dormant plugins) no longer need one.
    assert sorted(gate_view) == ["algolia", "aws-s3", "elasticsearch", "mongodb", "sentry"]


def test_trackdechets_optional_aws_is_listed_with_its_scope(reports) -> None:
    """A false critical AWS: mongodb's optional peer dependency @aws-sdk/credential-providers."""
    report = report_of(reports, TRACKDECHETS)
    row = next(r for r in report["components"] if r["name"] == "credential-providers")
    lock = row["lockin"]
    assert (lock["family"]["id"], lock["level"], lock["score"]) == ("aws-core-sdk", "low", 24)
    scope = next(r for r in lock["reasons"] if r["code"] == "LI-SCOPE")
    assert "scope optional" in scope["message"] and scope["source"] == "sbom"
    assert scope["points"] == 24 - 75  # 75 (critical) before the cap
    assert row["introduced_by"] == ["pkg:npm/mongodb@4.17.2"]


def test_trackdechets_google_analytics_is_dormant_under_preset_classic(reports) -> None:
    report = report_of(reports, TRACKDECHETS)
    ga = next(p for p in report["summary"]["vendor_products"] if p["family"] == "google-analytics")
    assert ga["level"] == "low" and len(ga["clients"]) == 3
    rows = {r["ref"]: r for r in report["components"]}
    for c in ga["clients"]:
        (dormant,) = [r for r in rows[c["ref"]]["lockin"]["reasons"] if r["code"] == "LI-DORMANT"]
        assert "arrives only through @docusaurus/preset-classic" in dormant["message"]
        assert "gtag, googleAnalytics or googleTagManager option" in dormant["message"]
        assert dormant["source"] == "catalog:google-analytics"
    # Google is not counted among the vendors the application depends on
    sov = report["sovereignty"]
    assert "google-analytics" not in {f for v in sov["vendors"] for f in v["entries"]}


def test_docs_ai_gateway_is_dormant_under_ai(reports) -> None:
    report = report_of(reports, DOCS)
    vercel = next(p for p in report["summary"]["vendor_products"] if p["family"] == "vercel-hosting")
    assert vercel["level"] == "low"
    assert sorted((c["name"], c["version"]) for c in vercel["clients"]) == [
        ("@ai-sdk/gateway", "3.0.131"), ("@ai-sdk/gateway", "3.0.55"),
        ("@vercel/oidc", "3.1.0"), ("@vercel/oidc", "3.2.0"),
    ]
    rows = {r["name"]: r for r in report["components"] if r["name"] in ("gateway", "oidc")}
    msgs = {n: next(x["message"] for x in r["lockin"]["reasons"] if x["code"] == "LI-DORMANT")
            for n, r in rows.items()}
    assert msgs["gateway"].startswith("arrives only through ai,")
    assert msgs["oidc"].startswith("arrives only through @ai-sdk/gateway,")
    # Sentry's optional platform binaries are low too, but the product keeps its level
    sentry = next(p for p in report["summary"]["vendor_products"] if p["family"] == "sentry")
    assert sentry["level"] == "high"
    levels = {c["name"]: c["level"] for c in sentry["clients"] if c["name"].startswith("@sentry/cli")}
    assert levels.pop("@sentry/cli") == "high"  # required; its eight platform builds optional
    assert len(levels) == 8 and set(levels.values()) == {"low"}


AIRFLOW = ROOT.parent / "shared" / "corpus" / "large" / (
    "interlynk-io_sbomqs__samples_apache_airflow-sbom-2.8.0-python3.10.json"
)


def test_airflow_google_auth_through_kubernetes_is_dormant(reports) -> None:
    """Airflow 2.8.0 core: google-auth is there because the kubernetes client requires it."""
    report = report_of(reports, AIRFLOW)
    gcp = next(p for p in report["summary"]["vendor_products"] if p["family"] == "gcp-core-sdk")
    assert [(c["name"], c["level"]) for c in gcp["clients"]] == [("google-auth", "low")]
    row = next(r for r in report["components"] if r["name"] == "google-auth")
    (dormant,) = [r for r in row["lockin"]["reasons"] if r["code"] == "LI-DORMANT"]
    # the published SBOM has no edge to google-auth: the message says so
    assert "kubernetes in the SBOM always installs it" in dormant["message"]
    assert "the graph does not show who pulls it in" in dormant["message"]
    assert "gcp auth-provider" in dormant["message"]
    families = {j["family"] for j in report["verdict"]["justifications_required"]}
    assert families == {"aws-core-sdk", "aws-s3", "sentry"}


@pytest.mark.parametrize("path", [SIGNALEN, DOCS], ids=["signalen", "docs"])
def test_boto3_with_django_storages_exits_to_s3_stores(reports, path: Path) -> None:
    """boto3 in a Django app with django-storages is not "rewrite to OpenStack"."""
    report = report_of(reports, path)
    aws = next(p for p in report["summary"]["vendor_products"] if p["family"] == "aws-core-sdk")
    first = aws["exits"][0]
    assert (first["basis"], first["swap"], first["family"]) == ("revealed", "api-compatible", "aws-s3")
    assert "django-storages" in first["note"] and "boto3" in first["note"]
    ids = [e["id"] for e in aws["exits"]]
    assert {"garage", "ceph-rgw"} <= set(ids)
    # The catch-all's own exits stay, for the other AWS services boto3 may call.
    assert any(e["basis"] == "catalogue" and e["swap"] == "rewrite" for e in aws["exits"])


def test_boto3_without_evidence_offers_both_with_the_caveat(tmp_path) -> None:
    """Where the purl cannot tell which service boto3 calls, both exits come with a caveat."""
    sbom = tmp_path / "boto3-only.cdx.json"
    sbom.write_text(
        '{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,'
        ' "metadata": {"component": {"type": "application", "name": "app", "bom-ref": "app"}},'
        ' "components": [{"type": "library", "name": "boto3", "version": "1.35.36",'
        ' "purl": "pkg:pypi/boto3@1.35.36", "bom-ref": "pkg:pypi/boto3@1.35.36"}],'
        ' "dependencies": [{"ref": "app", "dependsOn": ["pkg:pypi/boto3@1.35.36"]}]}'
    )
    report = run(str(sbom), offline=True, now="2026-12-01T00:00:00Z", collect_metadata=False)
    (aws,) = report["summary"]["vendor_products"]
    bases = {e["basis"] for e in aws["exits"]}
    assert bases == {"catalogue", "possible"}
    possible = next(e for e in aws["exits"] if e["basis"] == "possible")
    assert "cannot tell which services boto3 calls" in possible["note"]
    assert possible["family"] == "aws-s3" and possible["swap"] == "api-compatible"


def test_sentry_is_one_product_in_docs(reports) -> None:
    """Docs: 16 of the 20 top risks were Sentry packages; now Sentry is one product."""
    report = report_of(reports, DOCS)
    sentry = [j for j in report["verdict"]["justifications_required"] if j["family"] == "sentry"]
    assert len(sentry) == 1 and len(sentry[0]["packages"]) == 29
    risks = [r for r in report["summary"]["top_risks"] if r["axis"] == "lockin"]
    assert sum(r["name"].startswith("Sentry") for r in risks) == 1


@pytest.mark.parametrize(
    ("path", "share", "vendors"),
    [
        # Signalen: Amazon (US), Microsoft (US, five families), Elastic (controlled from the
        # US, catalog/README.md's convention, though incorporated in NL) -> 3 of 3.
        (SIGNALEN, 1.0, {"US": 3}),
        # Docs was "98% (US: 44)" counting 29 Sentry packages; vendors: Amazon, Sentry,
        # OpenAI (US), Mistral AI (FR) -> 3 of 4.
        # + Vercel, Chromatic (US) and Pydantic (jurisdiction unconfirmed, left out) -> 5 of 6.
        # - Vercel: its AI Gateway client is dormant under ai (not a vendor in use) -> 4 of 5.
        (DOCS, round(4 / 5, 4), {"US": 4, "FR": 1, "unknown": 1}),
        (XROAD, None, {}),
    ],
    ids=["signalen", "docs", "x-road"],
)
def test_non_eu_share_counts_distinct_vendors(reports, path: Path, share, vendors) -> None:
    sov = report_of(reports, path)["sovereignty"]
    assert sov["non_eu_share"] == share
    assert sov["by_jurisdiction"] == vendors
    assert "distinct controlling vendors" in sov["counted"]


def test_open_alternative_stewards_are_reported_apart(reports) -> None:
    sov = report_of(reports, SIGNALEN)["sovereignty"]
    stewards = {s["name"]: s["entries"] for s in sov["open_alternative_stewards"]}
    assert stewards["Cloud Native Computing Foundation"] == ["opentelemetry", "prometheus"]
    assert "Cloud Native Computing Foundation" not in {v["name"] for v in sov["vendors"]}


@pytest.mark.parametrize(
    ("path", "known", "total"),
    [(XROAD, 0, 586), (GOVSSO, 0, 26), (RDV, 0, 254)],
    ids=["x-road", "govsso", "rdv"],
)
def test_no_pass_without_licence_evidence(reports, path: Path, known: int, total: int) -> None:
    """X-Road was PASS with 0 of 586 licences known; GovSSO PASS with 0 of 26."""
    verdict = report_of(reports, path)["verdict"]
    assert verdict["art41"] == "justify"
    ev = verdict["evidence"]
    assert (ev["licence"]["known"], ev["components"]) == (known, total)
    assert f"licence unknown for {total - known} components" in " ".join(verdict["reasons"])
    assert ev["catalogue"]["not_catalogued"] == total - ev["catalogue"]["catalogued"]
    assert any(r.startswith("evidence: ") for r in verdict["reasons"])


def test_min_licence_coverage_is_a_policy_setting(tmp_path) -> None:
    policy = tmp_path / "osaudit.toml"
    policy.write_text("min-licence-coverage = 0\n")
    if not XROAD.is_file():
        pytest.skip("fixture missing")
    report = run(
        str(XROAD), offline=True, now="2026-12-01T00:00:00Z", collect_metadata=False,
        policy=str(policy),
    )
    assert report["verdict"]["art41"] == "pass"
    assert report["policy"]["min_licence_coverage"] == 0.0
    assert report["verdict"]["evidence"]["licence"]["minimum"] == 0.0


@pytest.mark.parametrize("fmt", ["markdown", "html", "sarif", "cyclonedx"])
def test_every_format_states_the_evidence(tmp_path, fmt: str) -> None:
    from osaudit.cli import main

    out = tmp_path / f"report.{fmt}"
    argv = ["audit", str(GOVSSO), "--offline", "--now", "2026-12-01T00:00:00Z"]
    assert main([*argv, "--format", fmt, "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "licence known for 0 of 26 components" in text
    assert "24 not catalogued" in text


# --------------------------------------------------------------------------- catalogue gaps

#: Vendor products found by hand in these SBOMs that no family matches yet:
#: (file, purl, expected vendor of the family that should match, why).
GAPS = [
    (RDV, "pkg:gem/skylight@6.0.1", "Tilde, Inc.",
     "Skylight: hosted Rails APM (skylight.io), the agent only reports to it"),
    (RDV, "pkg:gem/omniauth-microsoft_graph@2.0.0", "Microsoft Corporation",
     "Microsoft Graph OAuth (RDV synchronises agents' Outlook calendars through it)"),
    (TRACKDECHETS, "pkg:npm/%40docusaurus/plugin-google-gtag@3.8.1", "Google LLC",
     "Google Analytics (gtag) on the documentation site"),
    (TRACKDECHETS, "pkg:npm/%40docusaurus/plugin-google-tag-manager@3.8.1", "Google LLC",
     "Google Tag Manager on the documentation site"),
    (TRACKDECHETS, "pkg:npm/%40docsearch/react@3.9.0", "Algolia",
     "Algolia DocSearch UI: its algoliasearch client is matched, the product package is not"),
    (SIGNALEN, "pkg:pypi/django-o365mail@1.1.0", "Microsoft Corporation",
     "Django e-mail backend sending through Microsoft 365 (Graph) via o365"),
    (WALLET_APP, "pkg:pub/sentry_dart_plugin@3.4.0", "Functional Software, Inc. (Sentry)",
     "uploads debug symbols to Sentry at build time"),
    (WALLET_CORE, "pkg:cargo/gcloud-auth@1.2.0", "Google LLC",
     "Google Cloud auth, used by android_attest to verify Play Integrity verdicts"),
    (WALLET_CORE, "pkg:cargo/sentry-core@0.46.0", "Functional Software, Inc. (Sentry)",
     "the sentry crate's internals (only pkg:cargo/sentry is listed)"),
]


@pytest.mark.parametrize(
    ("path", "purl", "vendor", "why"), GAPS, ids=[g[1].split("/")[-1] for g in GAPS]
)
def test_catalogue_gap(path: Path, purl: str, vendor: str, why: str) -> None:
    from osaudit.catalog import load_catalog

    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    assert purl.split("@")[0].replace("%40", "@").split("/")[-1] in text  # it is in that SBOM
    catalog = load_catalog()
    res = catalog.resolve_purl(purl)
    assert res.families, f"no family matches {purl} ({why})"
    assert catalog.families[res.families[0].entry_id].vendor.name.startswith(vendor)


@pytest.mark.parametrize("value", ["2", "-0.1", '"80%"', "true"])
def test_bad_min_licence_coverage_is_one_line_error(tmp_path, value: str) -> None:
    from osaudit.errors import ConfigError
    from osaudit.scoring.policy import load_policy

    policy = tmp_path / "osaudit.toml"
    policy.write_text(f"min-licence-coverage = {value}\n")
    with pytest.raises(ConfigError, match=r"osaudit.toml:1: .*min-licence-coverage.*from 0 to 1"):
        load_policy(str(policy))
