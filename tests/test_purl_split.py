"""The fast canonical-purl splitter gives what packageurl-python's parser gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from packageurl import PackageURL

from osaudit import model
from osaudit.identity import normalise_purl, split_canonical
from osaudit.metadata.collect import target_of
from osaudit.sbom import read_sbom

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
TRICKY = [
    "pkg:npm/%40angular/core@17.0.0",
    "pkg:golang/github.com/aws/aws-sdk-go-v2/service/s3@v1.2.3",
    "pkg:maven/org.apache.commons/commons-lang3@3.12.0?type=jar",
    "pkg:nuget/AWSSDK.S3@3.7.0#lib/net6.0",
    "pkg:pypi/Google_Cloud_Storage@2.14.0",
    "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12",
    "pkg:generic/openssl@3.0.0%40beta",
    "pkg:docker/library/nginx@sha256%3Aabc?repository_url=docker.io",
    "pkg:npm/left-pad",
]


def _corpus_purls() -> list[str]:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus absent: {CORPUS}")
    purls: set[str] = set()
    for path in sorted(CORPUS.rglob("*")):
        if path.is_file() and path.suffix in {".json", ".xml", ".spdx", ".tv"} \
                and "invalid" not in path.parts:
            purls.update(c.purl for c in read_sbom(str(path)).components if c.purl)
    return sorted(purls)


def _reference(purl: str) -> tuple[str, str | None, str, str | None]:
    p = PackageURL.from_string(purl)
    return p.type, p.namespace, p.name, p.version


def test_split_matches_packageurl_on_tricky_purls() -> None:
    for raw in TRICKY:
        canonical = normalise_purl(raw)[0]
        assert canonical is not None, raw
        assert split_canonical(canonical) == _reference(canonical), raw


def test_split_matches_packageurl_on_every_corpus_purl() -> None:
    purls = _corpus_purls()
    assert len(purls) > 3000
    for purl in purls:
        assert split_canonical(purl) == _reference(purl), purl


def test_metadata_target_key_is_the_purl_without_qualifiers() -> None:
    for purl in _corpus_purls()[:2000] + [normalise_purl(p)[0] or "" for p in TRICKY]:
        target = target_of(model.Component(ref="r", name="n", purl=purl))
        assert not isinstance(target, str), purl
        p = PackageURL.from_string(purl)
        expected = PackageURL(p.type.lower(), p.namespace, p.name, p.version).to_string()
        assert target.key == expected, purl
        assert (target.type, target.namespace, target.name, target.version) == (
            p.type.lower(), p.namespace, p.name, p.version)


def test_not_a_purl() -> None:
    assert split_canonical("https://example.org/x") is None
    assert split_canonical("pkg:npm") is None
