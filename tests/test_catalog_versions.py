"""Family version scopes (purl-spec ``vers:`` ranges): which versions of a package lock.

Real cases: mapbox-gl 1.13.3 in Trackdéchets (BSD-3-Clause, not Mapbox's ToS),
versionless Maven components in GovSSO (parent-managed versions), container
image tags; and the shipped catalogue's scopes, each with a source.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from osaudit.catalog import check_layers, load_catalog
from osaudit.catalog.versions import status, tag_version
from osaudit.errors import ConfigError
from osaudit.model import Component, VersionScope

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "generated"
SHARED = ROOT.parent / "shared" / "corpus" / "generated"


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("OSAUDIT_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(use_cache=False)


@pytest.mark.parametrize(
    ("purl", "families", "outside", "confidence", "state"),
    [
        ("pkg:npm/mapbox-gl@1.13.3", [], ["mapbox"], None, None),
        ("pkg:npm/mapbox-gl@3.7.0", ["mapbox"], [], "high", "inside"),
        ("pkg:npm/mapbox-gl", ["mapbox"], [], "medium", "unknown"),
        ("pkg:maven/org.elasticsearch/elasticsearch@7.10.2", [], ["elasticsearch"], None, None),
        ("pkg:maven/org.elasticsearch/elasticsearch@7.17.0", ["elasticsearch"], [], "high", "inside"),
        ("pkg:docker/redis@7.2.4-alpine", [], ["redis-server"], None, None),
        ("pkg:docker/library/redis@7.4-bookworm", ["redis-server"], [], "high", "inside"),
        ("pkg:docker/redis@latest", ["redis-server"], [], "medium", "unknown"),
        ("pkg:golang/github.com/hashicorp/terraform@v1.5.7", [], ["hashicorp-terraform"], None, None),
        ("pkg:golang/github.com/hashicorp/terraform@v1.6.0", ["hashicorp-terraform"], [], "high", "inside"),
        ("pkg:golang/github.com/hashicorp/vault@v1.14.8", [], ["hashicorp-vault"], None, None),
        ("pkg:docker/hashicorp/vault@1.15.2", ["hashicorp-vault"], [], "high", "inside"),
        ("pkg:docker/mongo@3.6.8", [], ["mongodb"], None, None),
        ("pkg:docker/mongo@3.6.9", ["mongodb"], [], "high", "inside"),
        ("pkg:docker/mongo@4.0.2", [], ["mongodb"], None, None),
        ("pkg:docker/mongo@7.0.14", ["mongodb"], [], "high", "inside"),
        ("pkg:docker/cockroachdb/cockroach@v19.1.5", [], ["cockroachdb"], None, None),
        ("pkg:docker/cockroachdb/cockroach@v23.1.11", ["cockroachdb"], [], "high", "inside"),
        ("pkg:docker/sentry@9.1.2", [], ["sentry"], None, None),
        ("pkg:docker/getsentry/sentry@23.6.1", ["sentry"], [], "high", "inside"),
        ("pkg:pypi/sentry-sdk@2.17.0", ["sentry"], [], "high", None),  # SDK: not scoped
        # Handsontable: MIT up to 6.2.2, proprietary from 7.0.0 (2019).
        ("pkg:npm/handsontable@6.2.2", [], ["handsontable"], None, None),
        ("pkg:npm/handsontable@7.0.0", ["handsontable"], [], "high", "inside"),
        ("pkg:npm/handsontable@14.6.1", ["handsontable"], [], "high", "inside"),
        # FingerprintJS: MIT up to 3.x, BSL 1.1 from 4.0.0; the Pro agent locks in every version.
        ("pkg:npm/%40fingerprintjs/fingerprintjs@3.4.2", [], ["fingerprint"], None, None),
        ("pkg:npm/%40fingerprintjs/fingerprintjs@4.0.0", ["fingerprint"], [], "high", "inside"),
        ("pkg:npm/%40fingerprintjs/fingerprintjs-pro@3.11.0", ["fingerprint"], [], "high", None),
        # A package the scope does not name locks in every version, unchanged.
        ("pkg:npm/@mapbox/mapbox-gl-geocoder@1.0.0", ["mapbox"], [], "high", None),
        ("pkg:pypi/elasticsearch@7.10.0", ["elasticsearch"], [], "high", None),
    ],
)
def test_shipped_scopes(catalog, purl, families, outside, confidence, state):
    res = catalog.resolve_purl(purl)
    assert [m.entry_id for m in res.families] == families
    assert [m.entry_id for m in res.outside] == outside
    if families:
        assert res.families[0].confidence == confidence
        assert res.families[0].version_status == state


def test_every_shipped_scope_has_a_source_and_a_reason(catalog):
    scoped = {fid: f.versions for fid, f in catalog.families.items() if f.versions}
    assert {"mapbox", "elasticsearch", "hashicorp-terraform", "hashicorp-vault"} <= set(scoped)
    assert {"redis-server", "mongodb", "cockroachdb", "sentry"} <= set(scoped)
    assert {"handsontable", "fingerprint"} <= set(scoped)
    for scopes in scoped.values():
        for scope in scopes:
            assert scope.sources and scope.note and scope.range.startswith("vers:")


def test_version_outside_explains_itself_in_the_audit(catalog):
    """Trackdéchets ships mapbox-gl 1.13.3: BSD-3-Clause, not a lock (was critical)."""
    import osaudit
    from osaudit.pipeline import AuditOptions, parse_now

    path = SHARED / "MTES-MCT_trackdechets.cdxgen.cdx.json"
    if not path.is_file():
        pytest.skip("shared corpus not available")
    options = AuditOptions(
        offline=True, now=parse_now("2026-12-01T00:00:00Z"), collect_metadata=False
    )
    report = osaudit.audit(str(path), options).to_dict()
    row = next(r for r in report["components"] if r["purl"] == "pkg:npm/mapbox-gl@1.13.3")
    assert row["version"] == "1.13.3"
    assert row["lockin"]["level"] == "none" and row["lockin"]["family"] is None
    (reason,) = row["lockin"]["reasons"]
    assert reason["code"] == "LI-VERSION-OUTSIDE"
    assert "vers:npm/>=2.0.0" in reason["message"] and "BSD-3-Clause" in reason["message"]
    assert reason["source"] == "catalog:mapbox"
    assert not any(j["family"] == "mapbox" for j in report["verdict"]["justifications_required"])


def test_versionless_component_matches_with_lower_confidence_and_says_so(catalog):
    comp = Component(ref="x", name="mapbox-gl", purl="pkg:npm/mapbox-gl", ecosystem="npm")
    (match,) = catalog.resolve(comp).families
    assert (match.confidence, match.version_status) == ("medium", "unknown")
    from osaudit.scoring.lockin import score_lockin

    lock = score_lockin(
        comp, match, catalog.families["mapbox"], catalog.alternatives, direct=True
    )
    codes = {r.code: r.message for r in lock.axis.reasons}
    assert "no version is given" in codes["LI-VERSION-UNKNOWN"]
    assert "medium" in codes["LI-VERSION-UNKNOWN"]
    assert lock.axis.level == "critical"  # still counted as locking: absence is not evidence


def test_resolution_depends_on_the_version_not_only_the_purl(catalog):
    old = Component(ref="a", name="mapbox-gl", version="1.13.3", purl="pkg:npm/mapbox-gl@1.13.3")
    new = Component(ref="b", name="mapbox-gl", version="2.15.0", purl="pkg:npm/mapbox-gl@2.15.0")
    assert catalog.resolve(old).outside and not catalog.resolve(old).families
    assert catalog.resolve(new).families and not catalog.resolve(new).outside


@pytest.mark.parametrize(
    ("tag", "release"),
    [("7.4-alpine", "7.4.0"), ("v23.1.11", "23.1.11"), ("8", "8.0.0"), ("latest", None),
     ("sha256:0123abcd", None), ("8.0.1-bookworm", "8.0.1")],
)
def test_image_tags(tag, release):
    assert tag_version(tag) == release


def test_unreadable_version_is_unknown_with_the_reason():
    scope = VersionScope(("pkg:npm/mapbox-gl",), "vers:npm/>=2.0.0")
    state, why = status(scope, "not-a-version", "npm/mapbox-gl")
    assert state == "unknown" and "not-a-version" in why and "vers:npm/>=2.0.0" in why


FAMILY = """families:
  - id: fx-maps
    name: Example maps
    category: maps
    vendor: {name: Example Inc., jurisdiction: US}
    kind: proprietary-licence
    lock: [proprietary-licence]
    open_standards: []
    purls: [pkg:npm/example-gl]
    csf: [SOV-6]
    versions:
      - purls: [%s]
        range: "%s"
    sources: [https://example.org/]
    reviewed: "2026-12-01"
"""


@pytest.mark.parametrize(
    ("purls", "rng", "message"),
    [
        ("pkg:npm/other-gl", "vers:npm/>=2.0.0", "'pkg:npm/other-gl' is not one of the family's purls"),
        ("pkg:npm/example-gl", "vers:npm/>=two", "version range 'vers:npm/>=two' does not parse"),
        ("pkg:npm/example-gl", "vers:nosuchscheme/>=1", "does not parse"),
    ],
)
def test_bad_scopes_are_one_line_violations(tmp_path, purls, rng, message):
    path = tmp_path / "maps.yaml"
    path.write_text(FAMILY % (purls, rng))
    _, violations, _, _ = check_layers([path], shipped=False)
    assert any(message in str(v) and "versions[0]" in str(v) for v in violations), violations
    with pytest.raises(ConfigError, match="versions"):
        load_catalog([path], shipped=False, use_cache=False)


def test_handsontable_6_is_mit_and_7_is_proprietary_in_the_audit(tmp_path):
    """The licence change of Handsontable 7.0.0 decides the lock-in, with its note."""
    from tests.test_report_support import audit_dict

    sbom = tmp_path / "grid.cdx.json"
    comps = [
        {"type": "library", "name": "handsontable", "version": v, "bom-ref": f"h{v}",
         "purl": f"pkg:npm/handsontable@{v}"}
        for v in ("6.2.2", "7.0.0")
    ]
    sbom.write_text(json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                                "components": comps}))
    report = audit_dict(str(sbom), offline=True, now="2026-12-01T00:00:00Z",
                        collect_metadata=False)
    rows = {r["version"]: r["lockin"] for r in report["components"]}
    old = rows["6.2.2"]
    assert (old["level"], old["family"]) == ("none", None)
    (reason,) = old["reasons"]
    assert reason["code"] == "LI-VERSION-OUTSIDE" and "6.2.2 and earlier stay MIT" in reason["message"]
    assert rows["7.0.0"]["family"]["id"] == "handsontable"
    assert rows["7.0.0"]["level"] in ("high", "critical")
