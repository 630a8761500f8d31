"""Vendor-product grouping rules (scoring/products.py) on small graphs built from catalogue families."""

from __future__ import annotations

import pytest

from osaudit.catalog import load_catalog
from osaudit.scoring.products import Member, group


@pytest.fixture(scope="module")
def families():
    return load_catalog().families


def _m(families, ref: str, fam: str, level: str = "high", score: int = 60, direct=False) -> Member:
    return Member(ref, ref, "1", f"pkg:npm/{ref}@1", families[fam], level, score, direct)


def test_plumbing_only_reached_through_a_client_is_listed_under_it(families) -> None:
    members = [
        _m(families, "client-s3", "aws-s3", "high", 60, True),
        _m(families, "core", "aws-core-sdk", "critical", 75),
        _m(families, "types", "aws-core-sdk", "critical", 75),
    ]
    deps = {"app": ["client-s3", "other"], "client-s3": ["crypto"], "crypto": ["types"],
            "other": [], "core": [], "types": []}
    deps["client-s3"].append("core")
    (s3,) = group(members, deps, ["app"])
    assert s3.family.id == "aws-s3" and s3.level == "high" and s3.score == 60
    assert [(m.ref, via) for m, via in s3.plumbing] == [("core", ("client-s3",)), ("types", ("client-s3",))]


def test_a_path_around_the_vendor_makes_a_client(families) -> None:
    members = [_m(families, "client-s3", "aws-s3", direct=True), _m(families, "creds", "aws-core-sdk")]
    deps = {"app": ["client-s3", "mongodb"], "mongodb": ["creds"], "client-s3": ["creds"]}
    products = {p.family.id: p for p in group(members, deps, ["app"])}
    assert [m.ref for m in products["aws-core-sdk"].clients] == ["creds"]
    assert products["aws-s3"].plumbing == []


def test_without_a_graph_every_member_is_a_client(families) -> None:
    members = [_m(families, "@sentry/react", "sentry"), _m(families, "@sentry/core", "sentry")]
    (sentry,) = group(members, None, [])
    assert [m.ref for m in sentry.clients] == ["@sentry/core", "@sentry/react"]
    assert sentry.plumbing == []


def test_unreached_member_stays_a_client(families) -> None:
    members = [_m(families, "a", "sentry", direct=True), _m(families, "island", "sentry", "critical", 90)]
    (sentry,) = group(members, {"app": ["a"]}, ["app"])
    assert {m.ref for m in sentry.clients} == {"a", "island"} and sentry.level == "critical"
