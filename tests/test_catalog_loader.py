"""Catalogue loader: schema checks, cross-checks, overlays, YAML quirks and the parse cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from osaudit.catalog import check_layers, load_catalog
from osaudit.catalog.loader import cache_dir
from osaudit.catalog.yamlio import parse_yaml
from osaudit.errors import ConfigError, InputError

FIX = Path(__file__).resolve().parent / "fixtures" / "catalog"
GOOD = FIX / "good"
BROKEN = FIX / "broken"


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("OSAUDIT_CACHE_DIR", str(tmp_path / "cache"))


def _fixture_catalog(*extra):
    return load_catalog([GOOD, *extra], shipped=False)


def test_fixture_catalogue_builds_model_objects():
    cat = _fixture_catalog()
    assert sorted(cat.families) == ["fx-aws-broad", "fx-gcs", "fx-lambda", "fx-s3", "fx-sendgrid"]
    assert sorted(cat.alternatives) == ["fx-garage", "fx-minio-client", "fx-smtp"]
    s3 = cat.families["fx-s3"]
    assert s3.vendor.jurisdiction == "US" and s3.vendor.parent == "Amazon.com, Inc."
    assert s3.csf == ("SOV-2", "SOV-6")  # sorted
    # Family.alternatives comes from the alternatives' replaces, easiest swap first.
    assert [(r.alternative, r.swap) for r in s3.alternatives] == [
        ("fx-garage", "api-compatible"),
        ("fx-minio-client", "adapter"),
    ]
    gcs = cat.families["fx-gcs"]
    assert gcs.relicensing[0].from_licence is None and gcs.relicensing[0].to_licence == "Apache-2.0"
    assert cat.unverified("fx-gcs") == frozenset({"vendor.parent_jurisdiction"})
    # A null licence becomes NOASSERTION and counts as unverified.
    minio = cat.alternatives["fx-minio-client"]
    assert minio.licence == "NOASSERTION" and minio.jurisdiction is None
    assert cat.unverified("fx-minio-client") == frozenset({"licence", "steward.jurisdiction"})
    assert cat.unverified("fx-s3") == frozenset()
    assert [f for f, _ in cat.replaces("fx-minio-client")] == ["fx-gcs", "fx-s3"]
    assert len(cat.digest) == 64
    assert len(cat.sources) == 4 and all(s.endswith(".yaml") for s in cat.sources)


def test_digest_is_stable_and_content_sensitive(tmp_path):
    a = _fixture_catalog()
    b = load_catalog([GOOD], shipped=False, use_cache=False)
    assert a.digest == b.digest
    copy = tmp_path / "ov.yaml"
    copy.write_text((FIX / "overlay-add.yaml").read_text())
    c1 = _fixture_catalog(copy)
    copy.write_text(copy.read_text().replace("beta", "stable"))
    c2 = _fixture_catalog(copy)
    assert c1.digest != c2.digest
    assert c1.alternatives["fx-added-alt"].maturity == "beta"
    assert c2.alternatives["fx-added-alt"].maturity == "stable"  # cache keyed by content


def test_overlay_adds_entries():
    cat = _fixture_catalog(FIX / "overlay-add.yaml")
    assert "fx-added" in cat.families and "fx-added-alt" in cat.alternatives
    assert cat.families["fx-added"].alternatives[0].alternative == "fx-added-alt"
    assert cat.resolve_purl("pkg:pypi/Example_Corp_SDK@9.0").families[0].entry_id == "fx-added"


def test_overlay_overrides_whole_entry_and_later_wins():
    cat = _fixture_catalog(FIX / "overlay-override.yaml")
    s3 = cat.families["fx-s3"]
    assert s3.vendor.name == "Overridden Vendor GmbH" and s3.vendor.jurisdiction == "DE"
    assert s3.purls == ("pkg:pypi/boto3",)  # whole entry replaced, no field merge
    assert s3.exclude == ()
    # Edges from alternatives of the base layer still point at the overridden family.
    assert {r.alternative for r in s3.alternatives} == {"fx-garage", "fx-minio-client"}
    # npm client no longer in fx-s3: the broader family now wins.
    assert cat.resolve_purl("pkg:npm/@aws-sdk/client-s3").families[0].entry_id == "fx-aws-broad"
    # Order matters: the base layer given last wins again.
    back = load_catalog([FIX / "overlay-override.yaml", GOOD], shipped=False)
    assert back.families["fx-s3"].vendor.name == "Amazon Web Services, Inc."


def test_overlay_over_shipped_catalogue_adds_entries():
    shipped = load_catalog()
    cat = load_catalog([FIX / "overlay-add.yaml"])
    assert len(cat.families) == len(shipped.families) + ("fx-added" not in shipped.families)
    assert "fx-added-alt" in cat.alternatives
    assert cat.sources[-1].endswith("overlay-add.yaml")
    assert cat.digest != shipped.digest


def test_invalid_overlay_is_a_config_error_naming_file_entry_and_path():
    with pytest.raises(ConfigError) as exc:
        _fixture_catalog(FIX / "overlay-invalid.yaml")
    msg = str(exc.value)
    assert "overlay-invalid.yaml" in msg and "fx-bad-overlay" in msg
    assert "$.families[0].category" in msg and "\n" not in msg


def test_missing_overlay_is_an_input_error():
    with pytest.raises(InputError, match="no such catalogue file"):
        _fixture_catalog(FIX / "does-not-exist.yaml")


def test_broken_fixture_reports_every_kind_of_violation():
    _merged, violations, files, _digest = check_layers([BROKEN], shipped=False)
    assert len(files) == 4
    lines = [str(v) for v in violations]
    expected = [
        ("bad-enums", "$.families[0].kind", "'saas' is not an allowed value"),
        ("bad-enums", "$.families[0].csf[0]", "'SOV-9' is not an allowed value"),
        ("bad-enums", "$.families[0].vendor.jurisdiction", "'XX' is not an allowed value"),
        ("bad-enums", "$.families[0].sources[0]", "wrong format"),
        ("bad-enums", "$.families[0].reviewed", "wrong format"),
        ("missing-vendor", "$.families[1]", "'vendor' is a required property"),
        ("dup-id", "$.families[2].id", "duplicate id"),
        ("wrong-category", "$.families[3].category", "differs from the file name"),
        ("bad-patterns", "$.families[4].purls[0]", "needs groupId/artifactId"),
        ("bad-patterns", "$.families[4].purls[1]", "not in PEP 503 form"),
        ("bad-unverified", "$.families[5].unverified[1]", "'vendor.country' is not a field"),
        ("nothing-to-match", "$.families[6]", "at least one of purls, cpes, names"),
        ("unknown-family", "$.alternatives[1].replaces[0].family", "unknown family"),
        (
            "bad-licence",
            "$.alternatives[2].licence",
            "unknown SPDX licence id(s) FSL-1.1-Apache-2.0",
        ),
        ("", "$", "file name 'not-a-category' is not a category"),
        ("", "$", "YAML error at line 4, column 13"),
    ]
    for entry, path, text in expected:
        hits = [v for v in violations if v.entry == entry and v.path == path and text in v.message]
        assert hits, f"missing violation {entry} {path} {text!r} in:\n" + "\n".join(lines)
    # No cascade: an alternative replacing a schema-invalid family is not reported.
    assert not [v for v in violations if "'bad-enums'" in v.message]
    # Quoted "NO" (Norway) and bare NO both stay a country code.
    assert not [v for v in violations if v.entry == "dup-id" and "jurisdiction" in v.path]
    assert not [v for v in violations if v.entry == "wrong-category" and "jurisdiction" in v.path]
    assert all("\n" not in line for line in lines)
    assert len(violations) == 17


def test_shipped_catalogue_is_unchanged_by_validating_overlays_only():
    _m, violations, _f, _d = check_layers([GOOD], shipped=False)
    assert violations == []


def test_yaml_reader_keeps_norway_and_dates_as_strings():
    doc = parse_yaml("a: NO\nb: 2026-11-23\nc: yes\nd: true\ne: off\n")
    assert doc == {"a": "NO", "b": "2026-11-23", "c": "yes", "d": True, "e": "off"}


def test_cache_is_written_reused_and_survives_corruption():
    first = _fixture_catalog()
    cached = list(cache_dir().glob("*.json"))
    assert len(cached) == 1
    # A hit must not need the schema validator (the slow import).
    import osaudit.catalog.loader as loader

    def boom(*_a, **_k):
        raise AssertionError("validated despite a cache hit")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(loader, "read_layer", boom)
        again = _fixture_catalog()
    assert again.families == first.families and again.digest == first.digest
    cached[0].write_bytes(b"{not json")
    third = load_catalog([GOOD], shipped=False)
    assert third.families == first.families


def test_packaged_catalogue_is_preferred_over_the_repository_copy(tmp_path, monkeypatch):
    import osaudit.catalog.schema as schema_mod

    fake = tmp_path / "site" / "osaudit" / "catalog" / "schema.py"
    monkeypatch.setattr(schema_mod, "_HERE", fake)
    with pytest.raises(ConfigError, match="catalogue not found"):
        schema_mod.shipped_root()
    repo = tmp_path / "catalog"  # parents[3] of the fake module path: the repository layout
    repo.mkdir()
    (repo / "catalog.schema.json").write_text("{}")
    assert schema_mod.shipped_root() == repo
    packaged = tmp_path / "site" / "osaudit" / "_catalog"
    packaged.mkdir(parents=True)
    (packaged / "catalog.schema.json").write_text("{}")
    assert schema_mod.shipped_root() == packaged


@pytest.mark.parametrize(
    ("text", "found"), [("", "an empty file"), ("- a\n- b\n", "list"), ("just text\n", "str")]
)
def test_overlay_that_is_not_a_mapping(tmp_path, text, found):
    path = tmp_path / "overlay.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as exc:
        _fixture_catalog(path)
    assert "overlay.yaml: $: a catalogue file must be a mapping" in str(exc.value)
    assert str(exc.value).endswith(f"not {found}")
