"""``osaudit explain PURL``: matches, evidence, alternatives, clients, no match, bad input."""

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


def test_explain_family_match_text(capsys):
    rc, out, err = run(
        capsys,
        "explain",
        "pkg:golang/github.com/aws/aws-sdk-go-v2/service/s3@v1.50.0",
        "--catalog",
        GOOD,
    )
    assert rc == 0 and err == ""
    assert (
        "lock: matches family fx-s3 by purl-pattern "
        "'pkg:golang/github.com/aws/aws-sdk-go-v2/service/s3*' (confidence high)"
    ) in out
    assert "vendor:         Amazon Web Services, Inc. (US)" in out
    assert "kind:           proprietary-service-sdk" in out
    assert "open standards: S3" in out
    assert (
        "fx-garage (Fixture Garage): AGPL-3.0-only, steward Deuxfleurs (association, FR), "
        "swap api-compatible: same client, new endpoint_url" in out
    )


def test_explain_json_has_match_evidence_and_alternatives(capsys):
    rc, out, _ = run(
        capsys,
        "explain",
        "pkg:pypi/Google_Cloud_Storage@2.14",
        "--format",
        "json",
        "--catalog",
        GOOD,
    )
    data = json.loads(out)
    assert rc == 0 and data["key"] == "pypi/google-cloud-storage"
    # The shipped catalogue may match too; the fixture overlay's family is among the matches.
    fam = next(f for f in data["families"] if f["id"] == "fx-gcs")
    assert fam["match"] == {
        "method": "purl-exact",
        "pattern": "pkg:pypi/google-cloud-storage",
        "confidence": "high",
    }
    assert fam["vendor"]["jurisdiction"] == "US"
    assert fam["unverified"] == ["vendor.parent_jurisdiction"]
    assert [(a["id"], a["swap"], a["licence"]) for a in fam["alternatives"]] == [
        ("fx-minio-client", "rewrite", "NOASSERTION")
    ]
    assert all(not a["id"].startswith("fx-") for a in data["alternative_clients"])


def test_explain_alternative_client(capsys):
    rc, out, _ = run(capsys, "explain", "pkg:npm/nodemailer@6.9.8", "--catalog", GOOD)
    assert rc == 0
    assert "open alternative: this is a client library of fx-smtp by purl-exact" in out
    assert "fx-sendgrid (Fixture SendGrid), swap rewrite" in out
    assert "lock:" not in out


def test_explain_no_match_says_so(capsys):
    rc, out, _ = run(capsys, "explain", "pkg:npm/left-pad@1.3.0", "--catalog", GOOD)
    assert rc == 0 and "no catalogue entry matches" in out
    rc, out, _ = run(capsys, "explain", "pkg:npm/left-pad@1.3.0", "--format", "json")
    data = json.loads(out)
    assert data["families"] == [] and data["alternative_clients"] == []


@pytest.mark.parametrize("bad", ["pkg:", "pkg:npm", "https://example.org/x", "two words"])
def test_explain_invalid_purl_is_one_line_exit_2(capsys, bad):
    rc, out, err = run(capsys, "explain", bad)
    assert rc == 2 and out == ""
    assert err.startswith("osaudit: error: invalid purl") and err.count("\n") == 1


def test_explain_invalid_overlay_exit_2(capsys):
    rc, out, err = run(
        capsys, "explain", "pkg:pypi/boto3", "--catalog", str(FIX / "overlay-invalid.yaml")
    )
    assert rc == 2 and out == ""
    assert "overlay-invalid.yaml" in err and "fx-bad-overlay" in err and err.count("\n") == 1
