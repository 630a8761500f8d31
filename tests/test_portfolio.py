"""`osaudit portfolio` on reports generated from the corpus: ingest, Parquet, report, query, bad input."""

from __future__ import annotations

import json
import os
import shutil
import sys

import pytest

from osaudit.cli import main
from tests.test_portfolio_support import CORPUS, NOW, SBOMS, generated, variant, write

duckdb = pytest.importorskip("duckdb")

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus absent")


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """One report per corpus SBOM (as a CI matrix would leave them, one folder each)."""
    out = tmp_path_factory.mktemp("matrix")
    paths = {}
    for name in SBOMS:
        rep = generated(name, out / "gen")
        paths[name] = write(out / "artifacts" / f"osaudit-{name}" / "report.json", rep)
    return out, paths


def _ingest(db, *args, capsys=None):
    rc = main(["portfolio", "ingest", "--db", str(db), *map(str, args)])
    err = capsys.readouterr().err if capsys else ""
    return rc, err


def _model(db, tmp_path):
    out = tmp_path / "model.json"
    assert main(["portfolio", "report", "--db", str(db), "--now", NOW, "--format", "json",
                 "-o", str(out)]) == 0
    return json.loads(out.read_text())


def _count(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_ingest_corpus_reports_once(reports, tmp_path, capsys):
    out, paths = reports
    db = tmp_path / "p.duckdb"
    rc, err = _ingest(db, out / "artifacts", capsys=capsys)
    assert rc == 0, err
    assert f"{len(paths)} new run(s), 0 already stored" in err
    expected = sum(len(json.loads(p.read_text())["components"]) for p in paths.values())
    assert _count(db, "SELECT count(*) FROM components") == [(expected,)]
    # The same artifacts again (folder, glob and a file): nothing new.
    rc, err = _ingest(db, out / "artifacts", str(out / "artifacts" / "*" / "report.json"),
                      paths["signals"], capsys=capsys)
    assert rc == 0 and f"0 new run(s), {len(paths)} already stored" in err
    assert _count(db, "SELECT count(*) FROM runs") == [(len(paths),)]
    assert _count(db, "SELECT count(*) FROM components") == [(expected,)]


def test_report_reads_the_corpus_reports(reports, tmp_path):
    out, paths = reports
    db = tmp_path / "p.duckdb"
    assert main(["portfolio", "ingest", "-q", "--db", str(db), str(out / "artifacts")]) == 0
    model = _model(db, tmp_path)
    apps = {a["application"]: a for a in model["applications"]}
    # signals' SBOM has no subject or name: its file's name is used (not "report.json").
    assert "Amsterdam_signals.environment.cyclonedx-py" in apps
    # Both citizen-portal reports name the same subject: one application, two runs.
    assert apps["citizen-portal"]["runs"] == 2
    assert len(apps) == len(paths) - 1
    for name, path in paths.items():
        rep = json.loads(path.read_text())
        subject = (rep["sbom"].get("subject") or {}).get("name") or rep["sbom"].get("name")
        if subject:
            assert subject in apps, name
    vp = {r["family"]: r for r in model["vendor_products"]}
    # aws-core-sdk is in citizen-portal (boto3) and in signals (boto3 via django-storages).
    signals = json.loads(paths["signals"].read_text())
    in_signals = {c["lockin"]["family"]["id"] for c in signals["components"]
                  if c["lockin"].get("family")}
    assert "aws-core-sdk" in in_signals
    assert vp["aws-core-sdk"]["applications"] >= 2
    headline = model["headline"]
    assert headline["applications"] == len(apps)
    assert sum(headline["verdicts"].values()) == len(apps)
    assert headline["evidence"]["components"] == sum(a["components"] for a in apps.values())
    assert {"Amazon Web Services, Inc."} <= {v["vendor"] for v in headline["non_eu_vendors"]}


def test_formats_are_deterministic_and_escaped(reports, tmp_path):
    out, paths = reports
    db = tmp_path / "p.duckdb"
    hostile = variant(json.loads(paths["citizen-portal"].read_text()),
                      name='<script>alert(1)</script>|[x](https://evil.example)',
                      when="2026-11-02T00:00:00Z")
    src = write(tmp_path / "hostile.json", hostile)
    assert main(["portfolio", "ingest", "-q", "--db", str(db), str(out / "artifacts"),
                 str(src)]) == 0
    for fmt in ("html", "markdown", "json", "csv"):
        first, second = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        for target in (first, second):
            assert main(["portfolio", "report", "--db", str(db), "--now", NOW, "--format", fmt,
                         "-o", str(target)]) == 0
        assert first.read_bytes() == second.read_bytes(), fmt
    html = (tmp_path / "a.html").read_text()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    md = (tmp_path / "a.markdown").read_text()
    assert "<script>" not in md and "](https" not in md and "\\|" in md
    csv_text = (tmp_path / "a.csv").read_text()
    assert csv_text.startswith("status,due,days_left,due_basis,application,")
    for table in ("vendor-products", "stewardship", "trends", "applications", "non-eu-vendors"):
        assert main(["portfolio", "report", "--db", str(db), "--now", NOW, "--format", "csv",
                     "--table", table, "-o", str(tmp_path / f"{table}.csv")]) == 0


def test_parquet_partitioned_by_run_date(reports, tmp_path):
    out, paths = reports
    db = tmp_path / "p.duckdb"
    later = variant(json.loads(paths["signals"].read_text()), when="2027-01-05T00:00:00Z")
    src = write(tmp_path / "later.json", later)
    pq = tmp_path / "parquet"
    assert main(["portfolio", "ingest", "-q", "--db", str(db), "--parquet", str(pq),
                 str(out / "artifacts"), str(src)]) == 0
    dates = sorted(p.name for p in (pq / "components").iterdir())
    assert dates == ["run_date=2026-12-01", "run_date=2027-01-05"]
    con = duckdb.connect()
    n = con.execute(
        "SELECT count(*) FROM read_parquet(?, hive_partitioning = true)",
        [str(pq / "components" / "*" / "*.parquet")],
    ).fetchone()[0]
    assert [(n,)] == _count(db, "SELECT count(*) FROM components")
    late = con.execute(
        "SELECT DISTINCT application FROM read_parquet(?, hive_partitioning = true) "
        "WHERE run_date = DATE '2027-01-05'", [str(pq / "runs" / "*" / "*.parquet")]
    ).fetchall()
    assert late == [("Amsterdam_signals.environment.cyclonedx-py",)]
    assert (pq / "exits.parquet").is_file() and (pq / "aliases.parquet").is_file()


def test_query_is_read_only(reports, tmp_path, capsys):
    out, _paths = reports
    db = tmp_path / "p.duckdb"
    assert main(["portfolio", "ingest", "-q", "--db", str(db), str(out / "artifacts")]) == 0
    before = db.read_bytes()
    capsys.readouterr()
    assert main(["portfolio", "query", "--db", str(db), "--format", "json",
                 "SELECT application, count(*) AS runs FROM app_runs GROUP BY 1 ORDER BY 1"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"application": "citizen-portal", "runs": 2} in rows
    for sql in ("DELETE FROM runs", "DROP TABLE components", "CREATE TABLE x (a INT)"):
        assert main(["portfolio", "query", "--db", str(db), sql]) == 2
        err = capsys.readouterr().err
        assert err.startswith("osaudit: error: query: ") and err.count("\n") == 1, err
        assert "read-only" in err
    assert main(["portfolio", "query", "--db", str(db), "SELEC 1"]) == 2
    assert "Parser Error" in capsys.readouterr().err
    assert db.read_bytes() == before
    assert main(["portfolio", "query", "--db", str(db), "--format", "csv",
                 "SELECT count(*) AS n FROM latest_runs"]) == 0
    assert capsys.readouterr().out.startswith("n\r\n")


def test_corrupt_reports_are_skipped_and_nothing_stored_is_lost(reports, tmp_path, capsys):
    out, paths = reports
    db = tmp_path / "p.duckdb"
    assert main(["portfolio", "ingest", "-q", "--db", str(db), str(paths["signals"])]) == 0
    stored = _count(db, "SELECT count(*) FROM components")
    bad = tmp_path / "bad"
    bad.mkdir()
    good = json.loads(paths["dropwizard"].read_text())
    (bad / "truncated.json").write_bytes(paths["photon"].read_bytes()[:5000])
    (bad / "list.json").write_text("[]")
    (bad / "sbom.json").write_text(json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6"}))
    broken = json.loads(paths["citizen-portal"].read_text())
    del broken["components"][3]["lockin"]
    (bad / "component.json").write_text(json.dumps(broken))
    shutil.copy(paths["dropwizard"], bad / "zz-good.json")
    rc = main(["portfolio", "ingest", "--db", str(db), str(bad)])
    err = capsys.readouterr().err
    assert rc == 0, err
    lines = err.strip().splitlines()
    warnings = [ln for ln in lines if ln.startswith("osaudit: warning: skipped ")]
    assert len(warnings) == 4, err
    assert any("truncated.json: not JSON" in w for w in warnings)
    assert any("list.json: $: a JSON object expected" in w for w in warnings)
    assert any("sbom.json: $.schema_version: missing" in w for w in warnings)
    assert any("component.json: $.components[3]:" in w for w in warnings)
    assert "Traceback" not in err
    assert "1 new run(s), 0 already stored, 4 corrupt skipped" in lines[-1]
    after = _count(db, "SELECT count(*) FROM components")
    assert after[0][0] == stored[0][0] + len(good["components"])


@pytest.mark.parametrize("version", ["2.0", "1.99", "x"])
def test_unknown_schema_version_is_an_error(reports, tmp_path, capsys, version):
    out, paths = reports
    rep = json.loads(paths["dropwizard"].read_text())
    rep["schema_version"] = version
    newer = write(tmp_path / "newer.json", rep)
    db = tmp_path / "p.duckdb"
    rc = main(["portfolio", "ingest", "--db", str(db), str(newer), str(paths["signals"])])
    err = capsys.readouterr().err
    assert rc == 2
    assert f"osaudit: error: {newer}: $.schema_version: '{version}'" in err
    assert "1 new run(s)" in err  # the good report is still added
    assert _count(db, "SELECT count(*) FROM runs") == [(1,)]


def test_duplicate_under_another_name_is_one_run(reports, tmp_path, capsys):
    _out, paths = reports
    copy = tmp_path / "copy-of-report.json"
    shutil.copy(paths["dropwizard"], copy)
    db = tmp_path / "p.duckdb"
    rc = main(["portfolio", "ingest", "--db", str(db), str(paths["dropwizard"]), str(copy)])
    assert rc == 0 and "1 new run(s), 1 already stored" in capsys.readouterr().err
    assert _count(db, "SELECT count(*) FROM runs") == [(1,)]


def test_bad_arguments_are_one_line(tmp_path, capsys, reports):
    _out, paths = reports
    not_db = tmp_path / "notes.txt"
    not_db.write_text("hello")
    cfg = tmp_path / "portfolio.toml"
    cfg.write_text('[[application]]\nname = "a"\ncolour = "red"\n')
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    dup = tmp_path / "dup.toml"
    dup.write_text('[[application]]\nname = "a"\n[[application]]\nname = "b"\naliases = ["a"]\n')
    cases = [
        (["portfolio", "ingest", "--db", str(tmp_path / "p.duckdb"), str(tmp_path / "none")],
         "none: no such file, folder or matching glob"),
        (["portfolio", "ingest", "--db", str(not_db), str(paths["signals"])],
         f"{not_db}: cannot open as a portfolio database"),
        (["portfolio", "report", "--db", str(tmp_path / "missing.duckdb")],
         "missing.duckdb: no portfolio database"),
        (["portfolio", "ingest", "--db", str(tmp_path / "q.duckdb"), "--portfolio", str(cfg),
          str(paths["signals"])], "portfolio.toml: application[0]: unknown key 'colour'"),
        (["portfolio", "ingest", "--db", str(tmp_path / "q.duckdb"), "--portfolio", str(dup),
          str(paths["signals"])], "name 'a' already belongs to application 'a'"),
        (["portfolio", "report", "--db", str(tmp_path / "q.duckdb"), "--now", "soon"],
         "--now 'soon': not an ISO 8601"),
        (["portfolio", "ingest", "--db", str(tmp_path / "q.duckdb"), str(fifo)],
         "fifo.json: not a regular file"),
    ]
    for argv, needle in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("osaudit: error: ") and needle in err and err.count("\n") == 1, err


@pytest.mark.parametrize("module", ["duckdb"])
@pytest.mark.parametrize("command", ["ingest", "report", "query", "export"])
def test_missing_extra_is_named(monkeypatch, tmp_path, capsys, reports, module, command):
    _out, paths = reports
    monkeypatch.setitem(sys.modules, module, None)
    db = str(tmp_path / "p.duckdb")
    argv = {
        "ingest": ["ingest", "--db", db, str(paths["signals"])],
        "report": ["report", "--db", db],
        "query": ["query", "--db", db, "SELECT 1"],
        "export": ["export", "--db", db, str(tmp_path / "pq")],
    }[command]
    assert main(["portfolio", *argv]) == 2
    assert capsys.readouterr().err == (
        f"osaudit: error: osaudit portfolio needs {module}: pip install 'osaudit[portfolio]'\n"
    )


def test_reader_agrees_with_the_typed_report(reports):
    """The portfolio's partial decoder reads what Report.from_json reads (no drift)."""
    from osaudit.portfolio import reportfile
    from osaudit.report.model import Report

    _out, paths = reports
    for name, path in paths.items():
        blob = path.read_bytes()
        typed = Report.from_json(blob, source=name)
        rows = reportfile.read(path, name)
        want = [
            (c.ref, c.purl, c.version, c.ecosystem, c.direct, c.lockin.level,
             c.lockin.family.id if c.lockin.family else None,
             c.lockin.vendor.name if c.lockin.vendor else None,
             c.lockin.vendor.jurisdiction if c.lockin.vendor else None,
             c.licence.category, c.licence.open_source, c.licence.level,
             c.maintenance.level, c.maintenance.score)
            for c in typed.components
        ]
        got = [(r[0], r[1], r[3], r[4], r[5], r[6], r[8], r[11], r[12], r[13], r[14], r[15],
                r[16], r[17]) for r in rows.components]
        assert got == want, name
        assert rows.run[10] == typed.verdict.art41 and rows.run[11] == len(typed.components)
        assert [(e[1], e[4].isoformat() if e[4] else None) for e in rows.exceptions] == [
            (e.pattern, e.expires) for e in typed.verdict.exceptions]
        assert {(e[1], e[3]) for e in rows.exits} == {
            (c.lockin.family.id, a.id) for c in typed.components if c.lockin.family
            for a in c.lockin.alternatives}
