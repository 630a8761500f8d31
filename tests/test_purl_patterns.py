"""One purl-pattern rule: policy allow/deny/exception patterns, catalogue patterns and diff
identity agree on every ecosystem's case and name rules (Maven is case-sensitive; npm,
PyPI and NuGet are not; PyPI names compare in PEP 503 form)."""

from __future__ import annotations

import msgspec
import pytest

from osaudit.catalog.index import build_index
from osaudit.catalog.patterns import purl_key
from osaudit.catalog.resolve import match_index
from osaudit.report.diff import identity
from osaudit.scoring.policy import matches
from tests.test_report_support import sample_report

CASES = [
    ("pkg:maven/com.stripe/*", "pkg:maven/com.stripe/stripe-java@24.0.0?type=jar", True),
    ("pkg:maven/com.Stripe/*", "pkg:maven/com.stripe/stripe-java@24.0.0", False),
    ("pkg:maven/com.stripe/Stripe-Java", "pkg:maven/com.stripe/stripe-java@24.0.0", False),
    ("pkg:maven/software.amazon.awssdk/s3", "pkg:maven/software.amazon.awssdk/s3@2.25.0", True),
    ("pkg:npm/@sentry/*", "pkg:npm/%40sentry/react@8.0.0", True),
    ("pkg:npm/@Sentry/React", "pkg:npm/%40sentry/react@8.0.0", True),
    ("pkg:npm/react", "pkg:npm/%40sentry/react@8.0.0", False),
    ("pkg:pypi/Python_Keycloak", "pkg:pypi/python-keycloak@3.9.0", True),
    ("pkg:pypi/boto3", "pkg:pypi/boto3-stubs@1.34.0", False),
    ("pkg:nuget/awssdk.s3", "pkg:nuget/AWSSDK.S3@3.7.0", True),
    ("pkg:golang/github.com/Azure/*", "pkg:golang/github.com/azure/azure-sdk-for-go@v1.0.0", True),
]


@pytest.mark.parametrize(("pattern", "purl", "hit"), CASES)
def test_policy_and_catalogue_agree(pattern: str, purl: str, hit: bool) -> None:
    index = build_index([("entry", (pattern,), (), (), ())])
    in_catalogue = bool(match_index(index, "family", purl_key(purl), (), ()))
    assert matches(pattern, purl) is hit
    assert in_catalogue is hit


@pytest.mark.parametrize(("pattern", "purl", "hit"), CASES)
def test_diff_identity_agrees(pattern: str, purl: str, hit: bool) -> None:
    """Two purls are one component to diff exactly when the catalogue keys them alike."""
    row = sample_report().components[0]
    other = pattern.replace("*", "x") + "@1.0"
    a = identity(msgspec.structs.replace(row, purl=purl))
    b = identity(msgspec.structs.replace(row, purl=other))
    assert (a == b) is (purl_key(purl) == purl_key(other))


def test_version_patterns() -> None:
    assert matches("pkg:pypi/django@4.*", "pkg:pypi/django@4.2.16")
    assert not matches("pkg:pypi/django@4.*", "pkg:pypi/django@5.1.0")
    assert matches("pkg:npm/@scope/name@1.*", "pkg:npm/%40scope/name@1.2.3")
    assert not matches("pkg:pypi/django@4.*", "pkg:pypi/django")
    assert not matches("pkg:pypi/boto3", None) and not matches("pkg:pypi/boto3", "not a purl")
