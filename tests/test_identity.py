"""purl / CPE normalisation (osaudit.identity)."""

from __future__ import annotations

import pytest

from osaudit.identity import normalise_cpe, normalise_purl, purl_without_qualifiers


def codes(warnings):
    return [w.code for w in warnings]


@pytest.mark.parametrize(
    ("raw", "purl", "eco"),
    [
        ("pkg:pypi/Django_Rest.Framework@3.0", "pkg:pypi/django-rest-framework@3.0", "pypi"),
        ("pkg:PyPI/zope.interface@5", "pkg:pypi/zope-interface@5", "pypi"),
        ("pkg:npm/%40popperjs/core@2.9.2", "pkg:npm/%40popperjs/core@2.9.2", "npm"),
        ("pkg:maven/org.a/b@1?type=jar", "pkg:maven/org.a/b@1?type=jar", "maven"),
        ("pkg:GitHub/Package-URL/PURL-Spec@1", "pkg:github/package-url/purl-spec@1", "github"),
        ("pkg:npm/x@1?b=2&a=1", "pkg:npm/x@1?a=1&b=2", "npm"),
    ],
)
def test_canonical(raw, purl, eco):
    got, ecosystem, warnings = normalise_purl(raw)
    assert (got, ecosystem, warnings) == (purl, eco, [])


@pytest.mark.parametrize(
    ("raw", "purl", "eco"),
    [
        ("pkg:dotnet/Microsoft.X@6.0.0", "pkg:nuget/Microsoft.X@6.0.0", "nuget"),
        ("pkg:alpine/musl@1.2.3-r0?arch=x86_64", "pkg:apk/alpine/musl@1.2.3-r0?arch=x86_64", "apk"),
        ("pkg:go/github.com/a/b@v1.0.0", "pkg:golang/github.com/a/b@v1.0.0", "golang"),
        ("pkg:rubygems/rails@7.0.0", "pkg:gem/rails@7.0.0", "gem"),
        ("pkg:crates/serde@1.0.0", "pkg:cargo/serde@1.0.0", "cargo"),
    ],
)
def test_nonstandard_types_are_mapped_with_a_warning(raw, purl, eco):
    got, ecosystem, warnings = normalise_purl(raw)
    assert (got, ecosystem) == (purl, eco)
    assert codes(warnings) == ["purl-type-mapped"]


def test_go_version_encoded_in_name():
    got, eco, warnings = normalise_purl("pkg:golang/github.com/foo/bar%40v1.2.3")
    assert got == "pkg:golang/github.com/foo/bar@v1.2.3"
    assert eco == "golang"
    assert codes(warnings) == ["purl-go-version-in-name"]


def test_go_module_path_keeps_case():
    got, _, _ = normalise_purl("pkg:golang/github.com/Azure/go-autorest@v14.2.0")
    assert got == "pkg:golang/github.com/Azure/go-autorest@v14.2.0"


@pytest.mark.parametrize("raw", ["https://github.com/foo/bar", "git+https://x.org/a.git"])
def test_url_is_not_a_purl(raw):
    got, eco, warnings = normalise_purl(raw)
    assert (got, eco) == (None, None)
    assert codes(warnings) == ["purl-is-url"]


@pytest.mark.parametrize("raw", ["pkg:/", "pkg:errors:0.9.1:*:*", "not a purl"])
def test_invalid_purl(raw):
    got, eco, warnings = normalise_purl(raw)
    assert (got, eco) == (None, None)
    assert codes(warnings) == ["purl-invalid"]


def test_empty_and_cache():
    assert normalise_purl("  ") == (None, None, [])
    assert normalise_purl("pkg:npm/a@1") is normalise_purl("pkg:npm/a@1")


def test_without_qualifiers():
    assert purl_without_qualifiers("pkg:npm/a@1?x=1#sub") == "pkg:npm/a@1"


def test_cpe():
    assert normalise_cpe(" cpe:2.3:a:apache:tomcat:9.0:*:*:*:*:*:*:* ")[0] == (
        "cpe:2.3:a:apache:tomcat:9.0:*:*:*:*:*:*:*"
    )
    assert normalise_cpe("cpe:/a:apache:tomcat:9.0")[0] == "cpe:/a:apache:tomcat:9.0"
    cpe, warnings = normalise_cpe("apache tomcat")
    assert cpe is None and codes(warnings) == ["cpe-invalid"]


def test_fast_path_agrees_with_packageurl_on_corpus_purls(corpus):
    """Every purl in the corpus: the regex fast path gives what the full parse gives."""
    import re

    from osaudit.identity import _fast, _slow

    purls = set()
    for path in corpus.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", errors="ignore")
            purls.update(re.findall(r"pkg:[A-Za-z][^\s\"'<>]*", text))
    assert len(purls) > 1000
    fast = 0
    for purl in sorted(purls):
        eco = _fast(purl)
        if eco is not None:
            fast += 1
            assert _slow(purl)[:2] == (purl, eco), purl
    assert fast > 500


@pytest.mark.parametrize(
    "raw",
    ["pkg:npm/Left-Pad@1.0.0", "pkg:pypi/zope.interface@5", "pkg:deb/debian/Foo@1",
     "pkg:maven/a//b@1", "pkg:golang/x/y%40v1@v2", "pkg:npm/%40Scope/x@1"],
)
def test_fast_path_declines_non_canonical(raw):
    from osaudit.identity import _fast

    assert _fast(raw) is None
