"""The portfolio's tables checked by hand on a small portfolio of dated runs.

Three applications built from the real citizen-portal report (examples/), each run
changed only as a later audit of the same application would change. ``now`` is
2026-12-01; every expected date below is worked out in the comments.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from osaudit.cli import main
from tests.test_portfolio_support import NOW, generated, variant, write

pytest.importorskip("duckdb")

BOTO = ["pkg:pypi/boto3@1.35.36", "pkg:pypi/botocore@1.35.36"]


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory):
    out = tmp_path_factory.mktemp("portfolio")
    base = generated("citizen-portal", out / "gen")
    files = [
        # tax-office: openai medium and twilio low in the first run; stripe gone by the second.
        write(
            out / "in" / "tax-1.json",
            variant(
                base,
                name="tax-office",
                when="2025-10-15T08:00:00Z",
                lockin={"openai-api": "medium", "twilio-api": "low", "twilio": "low"},
                maintenance={"tiny-sdf": "critical"},
            ),
        ),
        write(
            out / "in" / "tax-2.json",
            variant(
                base,
                name="tax-office",
                when="2026-04-10T08:00:00Z",
                drop_families=("stripe",),
                lockin={"twilio": "low"},
                maintenance={"axios": "critical", "earcut": "high", "pbf": "high"},
            ),
        ),
        # permits: an exception for boto* expiring 2027-01-31.
        write(
            out / "in" / "permits.json",
            variant(
                base,
                name="permits",
                when="2026-06-30T12:00:00Z",
                maintenance={"axios": "critical", "earcut": "high", "kdbush": "critical"},
                exceptions=[
                    {
                        "pattern": "pkg:pypi/boto*",
                        "components": BOTO,
                        "expires": "2027-01-31",
                        "status": "active",
                        "reason": "S3 until the <b>Garage</b> migration",
                        "approver": "IT board",
                    }
                ],
            ),
        ),
        # library: boto3's poor maintenance is the vendor's SDK, not an open-source package to fund.
        write(
            out / "in" / "library.json",
            variant(
                base,
                name="library",
                when="2026-11-20T00:00:00Z",
                maintenance={"axios": "high", "pbf": "critical", "boto3": "critical"},
            ),
        ),
    ]
    db = out / "p.duckdb"
    assert main(["portfolio", "ingest", "--db", str(db), "-q", *map(str, files)]) == 0
    report = out / "report.json"
    assert main(
        ["portfolio", "report", "--db", str(db), "--now", NOW, "--format", "json", "-o", str(report)]
    ) == 0
    return json.loads(report.read_text()), db, out


def _row(model, app, family):
    rows = [r for r in model["register"] if r["application"] == app and r["family"] == family]
    assert len(rows) == 1, (app, family, rows)
    return rows[0]


def test_register_due_dates_by_hand(portfolio):
    model, _db, out = portfolio
    # Flagged (critical) in the first run 2025-10-15: due 2026-10-15, 47 days ago.
    aws = _row(model, "tax-office", "aws-core-sdk")
    assert (aws["first_seen"], aws["flagged"], aws["due"]) == ("2025-10-15", "2025-10-15", "2026-10-15")
    assert (aws["status"], aws["days_left"], aws["due_basis"]) == ("overdue", -47, "flagged + 12 months")
    # openai: medium in the first run, high in the second: first seen stays, flagged 2026-04-10.
    openai = _row(model, "tax-office", "openai-api")
    assert (openai["first_seen"], openai["flagged"], openai["due"]) == (
        "2025-10-15", "2026-04-10", "2027-04-10")
    assert (openai["status"], openai["days_left"]) == ("open", 130)
    # twilio low in both runs: never flagged, no due date.
    twilio = _row(model, "tax-office", "twilio")
    assert (twilio["flagged"], twilio["due"], twilio["status"]) == (None, None, "monitor")
    # stripe left tax-office in its latest run: not in the register.
    assert not [r for r in model["register"] if r["application"] == "tax-office"
                and r["family"] == "stripe"]
    # permits: the exception's expiry is the due date: 2027-01-31 is 61 days away.
    boto = _row(model, "permits", "aws-core-sdk")
    assert (boto["due"], boto["due_basis"], boto["days_left"], boto["status"]) == (
        "2027-01-31", "exception expiry", 61, "due-soon")
    assert boto["exception"]["reason"] == "S3 until the <b>Garage</b> migration"
    assert boto["exception"]["approver"] == "IT board"
    # permits' sentry (high) flagged 2026-06-30: due 2027-06-30, 211 days.
    sentry = _row(model, "permits", "sentry")
    assert (sentry["due"], sentry["days_left"], sentry["status"]) == ("2027-06-30", 211, "open")
    # Best exits: the report's alternatives for the product, in the report's (best-first) order.
    base = generated("citizen-portal", out / "gen")
    alts = next(c["lockin"]["alternatives"] for c in base["components"]
                if (c["lockin"].get("family") or {}).get("id") == "aws-core-sdk")
    assert [e["id"] for e in aws["exits"]] == [a["id"] for a in alts[:3]]
    assert len(aws["exits"]) == 3


def test_register_order_overdue_then_due_soon(portfolio):
    model, _db, _out = portfolio
    statuses = [r["status"] for r in model["register"]]
    order = {"overdue": 0, "due-soon": 1, "open": 2, "monitor": 3}
    assert statuses == sorted(statuses, key=order.__getitem__)
    assert statuses[0] == "overdue" and "due-soon" in statuses
    # Every tax-office flagged product from its first run is overdue; they lead the register.
    overdue = {(r["application"], r["family"]) for r in model["register"] if r["status"] == "overdue"}
    assert overdue == {("tax-office", f) for f in
                       ("aws-core-sdk", "google-analytics", "google-maps-platform", "mapbox",
                        "sentry")}
    dues = [r["due"] for r in model["register"] if r["status"] in ("overdue", "due-soon", "open")]
    assert dues[: len(overdue)] == sorted(dues[: len(overdue)])
    assert model["headline"]["register"] == {
        "overdue": 5, "due-soon": 1, "open": len(statuses) - 5 - 1 - statuses.count("monitor"),
        "monitor": statuses.count("monitor")}


def test_stewardship_ranking_by_hand(portfolio):
    model, _db, _out = portfolio
    got = [(r["package"], r["applications"], r["maintenance_level"], r["application_names"])
           for r in model["stewardship"]]
    assert got == [
        # axios: critical in tax-office and permits, high in library -> reach 3
        ("pkg:npm/axios", 3, "critical", ["library", "permits", "tax-office"]),
        # pbf and earcut reach 2; pbf's worst is critical, so it ranks first
        ("pkg:npm/pbf", 2, "critical", ["library", "tax-office"]),
        ("pkg:npm/earcut", 2, "high", ["permits", "tax-office"]),
        ("pkg:npm/kdbush", 1, "critical", ["permits"]),
    ]
    # tiny-sdf was critical only in tax-office's older run; boto3 is a vendor SDK.
    assert not {"pkg:npm/@mapbox/tiny-sdf", "pkg:pypi/boto3"} & {r["package"] for r in
                                                                  model["stewardship"]}


def test_vendor_products_ranked_by_applications(portfolio):
    model, _db, _out = portfolio
    vp = {r["family"]: r for r in model["vendor_products"]}
    assert vp["aws-core-sdk"]["applications"] == 3
    assert vp["stripe"]["application_names"] == ["library", "permits"]  # gone from tax-office
    counts = [r["applications"] for r in model["vendor_products"]]
    assert counts == sorted(counts, reverse=True)
    non_eu = {v["vendor"]: v for v in model["headline"]["non_eu_vendors"]}
    assert non_eu["Stripe, Inc."]["applications"] == 2
    assert model["headline"]["applications_with_non_eu_vendor"] == 3


def test_trends_per_month(portfolio):
    model, _db, _out = portfolio
    months = {t["month"]: t for t in model["trends"]}
    assert sorted(months) == ["2025-10", "2026-04", "2026-06", "2026-11"]
    assert months["2025-10"]["new_applications"] == 1
    assert months["2026-04"]["removed_products"] == [{"family": "stripe", "applications": 1}]
    assert (months["2026-04"]["introduced"], months["2026-04"]["removed"]) == (0, 1)
    assert months["2026-06"]["new_applications"] == 1 and months["2026-06"]["introduced"] == 0


def test_migration_months_calendar():
    from osaudit.portfolio.model import add_months

    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 12, 1), 12) == date(2027, 12, 1)


def test_renamed_application_joins_its_history(tmp_path):
    base = generated("citizen-portal", tmp_path / "gen")
    old = write(tmp_path / "in" / "old.json",
                variant(base, name="buergerportal", when="2025-12-01T00:00:00Z"))
    new = write(tmp_path / "in" / "new.json",
                variant(base, name="citizen-portal", when="2026-06-01T00:00:00Z",
                        drop_families=("twilio",)))
    db = tmp_path / "p.duckdb"
    assert main(["portfolio", "ingest", "--db", str(db), "-q", str(old), str(new)]) == 0

    def model():
        out = tmp_path / "m.json"
        assert main(["portfolio", "report", "--db", str(db), "--now", NOW, "--format", "json",
                     "-o", str(out)]) == 0
        return json.loads(out.read_text())

    assert [a["application"] for a in model()["applications"]] == ["buergerportal",
                                                                    "citizen-portal"]
    cfg = tmp_path / "portfolio.toml"
    cfg.write_text(
        '[[application]]\nname = "citizen-portal"\naliases = ["buergerportal"]\n'
        'owner = "Digital services"\ndepartment = "Citizen services"\ncriticality = "high"\n'
        'tags = ["citizen-facing"]\n',
        encoding="utf-8",
    )
    # Re-running ingest with the portfolio file maps the history; no report is added twice.
    assert main(["portfolio", "ingest", "--db", str(db), "-q", "--portfolio", str(cfg),
                 str(old), str(new)]) == 0
    m = model()
    assert [(a["application"], a["runs"], a["reported_names"], a["owner"], a["criticality"])
            for a in m["applications"]] == [
        ("citizen-portal", 2, ["buergerportal", "citizen-portal"], "Digital services", "high")]
    aws = _row(m, "citizen-portal", "aws-core-sdk")
    # First flagged under the old name on 2025-12-01: due 2026-12-01, today -> due within 90 days.
    assert (aws["first_seen"], aws["due"], aws["days_left"], aws["status"]) == (
        "2025-12-01", "2026-12-01", 0, "due-soon")
    assert m["trends"][-1]["removed_products"] == [{"family": "twilio", "applications": 1}]


def test_biennial_assessment_due(portfolio, tmp_path):
    model, _db, _out = portfolio
    apps = {a["application"]: a for a in model["applications"]}
    # Art. 29: assess every two years; tax-office was last assessed 2026-04-10.
    assert (apps["tax-office"]["next_assessment"], apps["tax-office"]["assessment_overdue"]) == (
        "2028-04-10", False)
    assert model["headline"]["assessments_overdue"] == 0
    base = generated("citizen-portal", tmp_path / "gen")
    old = write(tmp_path / "old.json", variant(base, name="archive", when="2024-11-30T00:00:00Z"))
    db = tmp_path / "p.duckdb"
    assert main(["portfolio", "ingest", "-q", "--db", str(db), str(old)]) == 0
    out = tmp_path / "m.json"
    assert main(["portfolio", "report", "--db", str(db), "--now", NOW, "--format", "json",
                 "-o", str(out)]) == 0
    m = json.loads(out.read_text())
    assert (m["applications"][0]["next_assessment"], m["applications"][0]["assessment_overdue"]) \
        == ("2026-11-30", True)
    assert m["headline"]["assessments_overdue"] == 1
