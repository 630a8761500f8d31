"""Resolver unit tests on the small fixture catalogue (tests/fixtures/catalog/good)."""

from __future__ import annotations

from pathlib import Path

import pytest

from osaudit.catalog import EMPTY, load_catalog
from osaudit.catalog.patterns import cpe_vendor_product, pattern_key, purl_key
from osaudit.catalog.reach import reaching_direct_deps
from osaudit.model import Component, Document, Sbom

GOOD = Path(__file__).resolve().parent / "fixtures" / "catalog" / "good"


@pytest.fixture(scope="module")
def cat(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("OSAUDIT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    try:
        yield load_catalog([GOOD], shipped=False)
    finally:
        mp.undo()


def _best(cat, purl):
    res = cat.resolve_purl(purl)
    return (
        (res.families[0].entry_id, res.families[0].method, res.families[0].confidence)
        if (res.families)
        else None
    )


# (purl, expected best family or None, method, confidence)
TABLE = [
    ("pkg:pypi/boto3@1.34.0", "fx-s3", "purl-exact", "high"),
    ("pkg:pypi/Boto3", "fx-s3", "purl-exact", "high"),  # PEP 503
    ("pkg:pypi/boto3-stubs@1.34", None, None, None),  # excluded from both families
    ("pkg:pypi/boto3_stubs_lite", None, None, None),  # PEP 503 + glob exclusion
    ("pkg:pypi/boto3-type-annotations", "fx-aws-broad", "purl-pattern", "medium"),
    ("pkg:npm/%40aws-sdk/client-s3@3.1.0", "fx-s3", "purl-exact", "high"),  # exact beats glob
    ("pkg:npm/@aws-sdk/client-sqs", "fx-aws-broad", "purl-pattern", "high"),  # whole scope
    ("pkg:npm/@aws-sdk/types", None, None, None),  # excluded
    ("pkg:nuget/awssdk.s3@3.7.0", "fx-s3", "purl-exact", "high"),  # nuget case-insensitive
    ("pkg:nuget/AWSSDK.S3", "fx-s3", "purl-exact", "high"),
    ("pkg:golang/github.com/aws/aws-sdk-go-v2/service/s3@v1.50.0", "fx-s3", "purl-pattern", "high"),
    # Longest literal prefix wins over the broad aws-sdk-go* glob.
    (
        "pkg:golang/github.com/aws/aws-sdk-go-v2/service/s3/v2@v2.0.0",
        "fx-s3",
        "purl-pattern",
        "high",
    ),
    (
        "pkg:golang/github.com/aws/aws-sdk-go-v2/service/sqs",
        "fx-aws-broad",
        "purl-pattern",
        "medium",
    ),
    ("pkg:golang/github.com/aws/aws-sdk-go@v1.55.0", "fx-aws-broad", "purl-pattern", "high"),
    ("pkg:maven/software.amazon.awssdk/s3@2.25.0?type=jar", "fx-s3", "purl-exact", "high"),
    ("pkg:maven/software.amazon.awssdk/S3", None, None, None),  # maven is case-sensitive
    ("pkg:pypi/google_cloud_storage@2.0", "fx-gcs", "purl-exact", "high"),
    ("pkg:npm/aws-lambda", "fx-lambda", "purl-pattern", "medium"),
    ("pkg:npm/@types/aws-lambda@8.10.0", None, None, None),  # type stubs excluded
    ("pkg:npm/left-pad@1.3.0", None, None, None),
    ("pkg:composer/SendGrid/SendGrid", "fx-sendgrid", "purl-exact", "high"),
]


@pytest.mark.parametrize(("purl", "family", "method", "confidence"), TABLE)
def test_resolution_table(cat, purl, family, method, confidence):
    expected = (family, method, confidence) if family else None
    assert _best(cat, purl) == expected


def test_alternative_clients_are_recorded_next_to_families(cat):
    res = cat.resolve_purl("pkg:npm/nodemailer@6.9.0")
    assert res.families == ()
    assert [(m.entry_kind, m.entry_id, m.method) for m in res.alternatives] == [
        ("alternative", "fx-smtp", "purl-exact")
    ]
    assert cat.resolve_purl("pkg:pypi/minio").alternatives[0].entry_id == "fx-minio-client"
    assert cat.resolve_purl("pkg:pypi/left-pad") is EMPTY


def test_cpe_and_name_fallbacks(cat):
    cpe_only = Component(
        ref="a", name="aws-sdk-java", cpes=("cpe:2.3:a:amazon:aws_sdk_for_java:1.12:*:*:*:*:*:*:*",)
    )
    res = cat.resolve(cpe_only)
    assert [(m.entry_id, m.method, m.pattern, m.confidence) for m in res.families] == [
        ("fx-aws-broad", "cpe", "amazon:aws_sdk_*", "medium")
    ]
    cpe22 = Component(ref="b", name="x", cpes=("cpe:/a:google:cloud_storage_client:2.0",))
    assert cat.resolve(cpe22).families[0].entry_id == "fx-gcs"
    named = Component(ref="c", name="gcs-legacy-client", ecosystem="npm")
    assert [(m.entry_id, m.method, m.confidence) for m in cat.resolve(named).families] == [
        ("fx-gcs", "name", "low")
    ]
    # A purl hit wins over the name tier; a purl miss falls back to names.
    purl_miss = Component(ref="d", name="gcs-legacy-client", purl="pkg:npm/gcs-legacy-client@1")
    assert cat.resolve(purl_miss).families[0].method == "name"
    assert cat.resolve(Component(ref="e", name="gcs-legacy-client")) is EMPTY  # no ecosystem


def test_exclusion_also_blocks_cpe_tier(cat):
    comp = Component(
        ref="x",
        name="types",
        purl="pkg:npm/@aws-sdk/types@3",
        cpes=("cpe:2.3:a:amazon:aws_sdk_js:3:*:*:*:*:*:*:*",),
    )
    assert cat.resolve(comp).families == ()


def test_resolve_all_caches_by_identity(cat):
    comps = [
        Component(ref=f"r{i}", name="boto3", purl="pkg:pypi/boto3@1.0", ecosystem="pypi")
        for i in range(50)
    ] + [Component(ref="n", name="left-pad", purl="pkg:npm/left-pad@1")]
    sbom = Sbom(path="x", document=Document("cyclonedx", "1.6", "json"), components=tuple(comps))
    out = cat.resolve_all(sbom)
    assert set(out) == {c.ref for c in comps}
    assert out["r0"] is out["r49"]  # one resolution object per distinct identity
    assert out["n"] is EMPTY
    assert cat.resolve_all(comps) == out


def test_keys_apply_ecosystem_rules():
    assert purl_key("pkg:pypi/Google_Cloud.Storage@1") == "pypi/google-cloud-storage"
    assert pattern_key("pkg:nuget/AWSSDK.S3") == "nuget/awssdk.s3"
    assert purl_key("pkg:docker/nginx@sha256:abc") == "docker/library/nginx"
    assert purl_key("not a purl") is None
    assert cpe_vendor_product("cpe:2.3:a:mongodb:mongodb\\:server:6:*:*:*:*:*:*:*") == (
        "mongodb",
        "mongodb:server",
    )
    assert cpe_vendor_product("cpe:2.3:a:*:*:*:*:*:*:*:*:*:*") is None


def test_reaching_direct_deps_uses_the_graph():
    subject = Component(ref="app", name="app")
    comps = tuple(Component(ref=r, name=r) for r in ("a", "b", "s3", "lone"))
    sbom = Sbom(
        path="x",
        document=Document("cyclonedx", "1.6", "json", subject=subject),
        components=comps,
        dependencies={"app": ("a", "b"), "a": ("s3",), "b": ("s3",)},
    )
    reach = reaching_direct_deps(sbom, ["s3", "a", "lone"])
    assert reach == {"s3": ("a", "b"), "a": ("a",), "lone": ()}
