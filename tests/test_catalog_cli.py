"""``osaudit catalog validate|list|show|search`` through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from osaudit.cli import main

FIX = Path(__file__).resolve().parent / "fixtures" / "catalog"
GOOD = str(FIX / "good")


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("OSAUDIT_CACHE_DIR", str(tmp_path / "cache"))


def run(capsys, *args):
    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


def test_validate_shipped_catalogue_is_clean(capsys):
    rc, out, err = run(capsys, "catalog", "validate")
    assert (rc, out) == (0, ""), out
    assert err.startswith("ok: ") and "families" in err


def test_validate_broken_fixture_lists_every_violation_and_exits_1(capsys):
    rc, out, err = run(capsys, "catalog", "validate", "--no-shipped", str(FIX / "broken"))
    lines = out.splitlines()
    assert rc == 1
    assert len(lines) == 17 and "17 violation(s) in 4 file(s)" in err
    assert all(line.startswith(str(FIX / "broken")) for line in lines)
    assert any("bad-patterns: $.families[4].purls[0]: maven pattern" in line for line in lines)


def test_validate_overlay_over_shipped(capsys):
    rc, _out, err = run(capsys, "catalog", "validate", str(FIX / "overlay-add.yaml"))
    assert rc == 0 and err.startswith("ok: ")
    rc, out, _err = run(capsys, "catalog", "validate", str(FIX / "overlay-invalid.yaml"))
    assert rc == 1 and "fx-bad-overlay: $.families[0].category" in out


def test_validate_unreadable_input_exits_2(capsys, tmp_path):
    rc, out, err = run(capsys, "catalog", "validate", str(tmp_path / "missing.yaml"))
    assert rc == 2 and out == ""
    assert err.startswith("osaudit: error: ") and "missing.yaml" in err and err.count("\n") == 1
    rc, _out, err = run(capsys, "catalog", "validate", "--no-shipped")
    assert rc == 2 and "needs at least one PATH" in err


def test_list_filters_and_json(capsys):
    rc, out, _ = run(
        capsys,
        "catalog",
        "list",
        "--category",
        "object-storage",
        "--format",
        "json",
        "--catalog",
        GOOD,
    )
    rows = json.loads(out)
    assert rc == 0
    ids = [r["id"] for r in rows]
    for expected in ("fx-s3", "fx-gcs", "fx-garage", "fx-minio-client"):
        assert expected in ids
    assert "fx-sendgrid" not in ids and "fx-smtp" not in ids
    assert all(r["category"] == "object-storage" for r in rows if r["kind_of_entry"] == "family")
    rc, out, _ = run(capsys, "catalog", "list", "--kind", "alternative", "--catalog", GOOD)
    assert rc == 0 and all(line.startswith("alternative ") for line in out.splitlines())
    rc, _out, err = run(capsys, "catalog", "list", "--category", "nonsense")
    assert rc == 2 and "unknown category 'nonsense'" in err


def test_show_family_and_alternative(capsys):
    rc, out, _ = run(capsys, "catalog", "show", "fx-s3", "--catalog", GOOD)
    assert rc == 0
    assert "vendor:         Amazon Web Services, Inc. (US), part of Amazon.com, Inc. (US)" in out
    assert "fx-garage (Fixture Garage): AGPL-3.0-only, steward Deuxfleurs (association, FR)" in out
    rc, out, _ = run(
        capsys, "catalog", "show", "fx-minio-client", "--format", "json", "--catalog", GOOD
    )
    data = json.loads(out)
    assert data["kind_of_entry"] == "alternative"
    assert data["unverified"] == ["licence", "steward.jurisdiction"]
    assert [r["family"] for r in data["replaces"]] == ["fx-gcs", "fx-s3"]
    rc, _out, err = run(capsys, "catalog", "show", "no-such-id")
    assert rc == 2 and "no catalogue entry with id 'no-such-id'" in err


def test_search(capsys):
    rc, out, _ = run(
        capsys, "catalog", "search", "DEUXFLEURS", "--format", "json", "--catalog", GOOD
    )
    assert rc == 0 and [h["id"] for h in json.loads(out) if h["id"].startswith("fx-")] == [
        "fx-garage"
    ]
    rc, out, err = run(capsys, "catalog", "search", "@sendgrid/mail", "--catalog", GOOD)
    assert rc == 0 and "fx-sendgrid" in out
    rc, out, err = run(capsys, "catalog", "search", "zz-no-such-text-zz")
    assert rc == 0 and out == "" and "0 match(es)" in err


def test_validate_warns_about_a_purl_claimed_by_two_families(capsys, tmp_path):
    text = (FIX / "overlay-add.yaml").read_text().split("alternatives:")[0]
    dup = text.replace("id: fx-added", "id: fx-added-twin")
    (tmp_path / "a.yaml").write_text(text)
    (tmp_path / "b.yaml").write_text(dup)
    rc, out, err = run(capsys, "catalog", "validate", "--no-shipped", str(tmp_path))
    assert rc == 0 and out == ""
    assert (
        "warning: purl pypi/example-corp-sdk is listed by several families: fx-added, fx-added-twin"
        in err
    )
