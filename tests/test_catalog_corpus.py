"""The real SBOM corpus (../shared/corpus) resolves against the shipped catalogue.

Per-file hit counts below were checked by hand against the SBOMs: e.g. Proton
Bridge uses Sentry's Go SDK (getsentry/sentry-go) and the NATS client
(nats-io/nats.go); Blogifier's nuget graph holds Microsoft.Data.SqlClient and
Microsoft.EntityFrameworkCore.SqlServer (SQL Server) and Microsoft.Identity.Client
(MSAL, Entra ID); the Airflow image carries botocore + aiobotocore (AWS) and
sentry-sdk; Keycloak's own 59 org.keycloak modules are clients of the Keycloak
alternative; the guac "big-mongo" image holds MongoDB's own packages (the Go
driver, mongo-tools, mongosh and seven mongodb-org* debs; its
mongodb-database-tools deb is not catalogued).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from osaudit.catalog import Resolution, load_catalog
from osaudit.errors import OsauditError

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"shared SBOM corpus not found at {CORPUS}"
)


@pytest.fixture(scope="module")
def cat(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("OSAUDIT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    try:
        yield load_catalog()
    finally:
        mp.undo()


def _read(path: Path):
    sbom_mod = pytest.importorskip("osaudit.sbom", reason="SBOM reader not built yet")
    return sbom_mod.read_sbom(str(path))


def _counts(cat, sbom) -> tuple[dict[str, int], dict[str, int]]:
    res = cat.resolve_all(sbom)
    fams: Counter[str] = Counter()
    alts: Counter[str] = Counter()
    for comp in sbom.components:
        fams.update(m.entry_id for m in res[comp.ref].families)
        alts.update(m.entry_id for m in res[comp.ref].alternatives)
    return dict(fams), dict(alts)


def test_whole_corpus_resolves_without_error(cat):
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix not in (".md", ".tsv"))
    read = resolved = 0
    for path in files:
        try:
            sbom = _read(path)
        except OsauditError:
            continue  # unreadable files are the reader's tests' business
        read += 1
        res = cat.resolve_all(sbom)
        assert set(res) == {c.ref for c in sbom.components}, path.name
        assert all(isinstance(r, Resolution) for r in res.values())
        resolved += sum(1 for r in res.values() if r.matched)
    assert read >= 70, f"only {read} corpus files could be read"
    assert resolved > 0


HAND_CHECKED = {
    "cyclonedx/json/CycloneDX_bom-examples__SBOM_proton-bridge_proton-bridge-v1.8.0.bom.json": (
        {"sentry": 1},
        {"nats": 1},
    ),
    "cyclonedx/xml/CycloneDX_bom-examples__SBOM_proton-bridge_proton-bridge-v1.6.3.bom.xml": (
        {"sentry": 1},
        {"nats": 1},
    ),
    "cyclonedx/json/CycloneDX_bom-examples__SBOM_protonmail-webclient-v4-0912dff_bom.json": (
        {"sentry": 1},
        {},
    ),
    "cyclonedx/json/guacsec_guac__internal_testing_testdata_exampledata_big-mongo-cyclonedx.json": (
        {"mongodb": 10},
        {},
    ),
    "large/interlynk-io_sbomqs__samples_blogifier-dotnet-SBOM.json": (
        {"mssql-server": 2, "microsoft-entra-id": 1},
        {"postgresql": 1},
    ),
    "large/interlynk-io_sbomqs__samples_apache_airflow-sbom-2.8.0-python3.10.json": (
        # + google-auth (Google API core) and s3fs (S3); googleapis-common-protos is generic
        {"aws-core-sdk": 2, "gcp-core-sdk": 1, "aws-s3": 1, "sentry": 1},
        {"kubernetes": 1, "opentelemetry": 3, "prometheus": 1},
    ),
    "large/CycloneDX_bom-examples__SBOM_keycloak-10.0.2_bom.json": (
        {},
        {"keycloak": 59, "apache-camel": 8, "postgresql": 1, "mariadb-server": 1},
    ),
    "invalid/interlynk-io_sbomqs__testdata_validation_cyclonedx_cdx-1-4-invalid-sbom.cdx.json": (
        {"aws-core-sdk": 3, "sendgrid": 1, "sentry": 1},  # + s3transfer (boto3 dependency)
        {"postgresql": 1},
    ),
}


@pytest.mark.parametrize("name", sorted(HAND_CHECKED))
def test_hand_checked_hit_counts(cat, name):
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"{name} not in the corpus")
    families, alternatives = HAND_CHECKED[name]
    assert _counts(cat, _read(path)) == (families, alternatives)
