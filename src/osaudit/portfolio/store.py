"""The portfolio's DuckDB store: tables, idempotent ingestion, the Parquet copy.

Each report is one run, keyed by the SHA-256 of its bytes: ingesting the same
report again adds nothing. Reports are parsed one by one (a corrupt one is
skipped and named) and written in batches, each batch in one transaction, so a
failure never loses what was stored before. The schema is documented in
docs/portfolio.md.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from osaudit.errors import ConfigError, InputError
from osaudit.portfolio import reportfile
from osaudit.portfolio.config import Application

#: The schema of the store; ``meta.store_version`` changes when it does.
STORE_VERSION = "1"

RUN_COLUMNS: tuple[tuple[str, str], ...] = (
    ("digest", "VARCHAR PRIMARY KEY"),
    ("source", "VARCHAR"),
    ("reported_name", "VARCHAR NOT NULL"),
    ("subject_purl", "VARCHAR"),
    ("subject_version", "VARCHAR"),
    ("generated_at", "TIMESTAMP NOT NULL"),
    ("run_date", "DATE NOT NULL"),
    ("schema_version", "VARCHAR"),
    ("tool_version", "VARCHAR"),
    ("catalog_digest", "VARCHAR"),
    ("verdict", "VARCHAR"),
    ("components", "INTEGER"),
    ("with_purl", "INTEGER"),
    ("licence_known", "INTEGER"),
    ("maintenance_known", "INTEGER"),
    ("catalog_matched", "INTEGER"),
)
#: One distinct component as reports describe it; runs share these rows.
FACT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("fact", "INTEGER PRIMARY KEY"),
    ("ref", "VARCHAR NOT NULL"),
    ("purl", "VARCHAR"),
    ("name", "VARCHAR NOT NULL"),
    ("version", "VARCHAR"),
    ("ecosystem", "VARCHAR"),
    ("direct", "BOOLEAN"),
    ("lockin_level", "VARCHAR NOT NULL"),
    ("lockin_score", "DOUBLE"),
    ("family", "VARCHAR"),
    ("family_name", "VARCHAR"),
    ("family_kind", "VARCHAR"),
    ("vendor", "VARCHAR"),
    ("jurisdiction", "VARCHAR"),
    ("licence_category", "VARCHAR"),
    ("licence_open", "BOOLEAN"),
    ("licence_level", "VARCHAR NOT NULL"),
    ("maintenance_level", "VARCHAR NOT NULL"),
    ("maintenance_score", "DOUBLE"),
    ("fund_reason", "VARCHAR"),
    ("exception_pattern", "VARCHAR"),
    ("exception_expires", "DATE"),
    ("exception_status", "VARCHAR"),
    ("package", "VARCHAR NOT NULL"),
)
LINK_COLUMNS: tuple[tuple[str, str], ...] = (
    ("digest", "VARCHAR NOT NULL"),
    ("fact", "INTEGER NOT NULL"),
)
EXCEPTION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("digest", "VARCHAR NOT NULL"),
    ("pattern", "VARCHAR"),
    ("reason", "VARCHAR"),
    ("approver", "VARCHAR"),
    ("expires", "DATE"),
    ("status", "VARCHAR"),
)
EXIT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("catalog_digest", "VARCHAR NOT NULL"),
    ("family", "VARCHAR NOT NULL"),
    ("rank", "INTEGER NOT NULL"),
    ("id", "VARCHAR NOT NULL"),
    ("name", "VARCHAR"),
    ("jurisdiction", "VARCHAR"),
    ("licence", "VARCHAR"),
    ("maturity", "VARCHAR"),
    ("swap", "VARCHAR"),
)

_TABLES = {
    "runs": RUN_COLUMNS,
    "component_facts": FACT_COLUMNS,
    "run_components": LINK_COLUMNS,
    "exceptions": EXCEPTION_COLUMNS,
    "exits": EXIT_COLUMNS,
}

_DDL = [
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    *(
        f"CREATE TABLE IF NOT EXISTS {name} ({', '.join(f'{c} {t}' for c, t in cols)})"
        for name, cols in _TABLES.items()
    ),
    "CREATE TABLE IF NOT EXISTS applications (application VARCHAR PRIMARY KEY, owner VARCHAR, "
    "department VARCHAR, criticality VARCHAR, tags VARCHAR[])",
    "CREATE TABLE IF NOT EXISTS aliases (alias VARCHAR PRIMARY KEY, application VARCHAR NOT NULL)",
    # Every component of every run (one row per run and component), as analysts query it.
    "CREATE OR REPLACE VIEW components AS SELECT l.digest, f.ref, f.purl, f.package, f.name, "
    "f.version, f.ecosystem, f.direct, f.lockin_level, f.lockin_score, f.family, f.family_name, "
    "f.family_kind, f.vendor, f.jurisdiction, f.licence_category, f.licence_open, f.licence_level, "
    "f.maintenance_level, f.maintenance_score, f.fund_reason, f.exception_pattern, "
    "f.exception_expires, f.exception_status FROM run_components l JOIN component_facts f "
    "USING (fact)",
    # Each run with the application it belongs to (portfolio-file aliases applied).
    "CREATE OR REPLACE VIEW app_runs AS SELECT r.*, coalesce(a.application, r.reported_name) "
    "AS application FROM runs r LEFT JOIN aliases a ON a.alias = r.reported_name",
    # The latest run of each application (ties: the greater digest).
    "CREATE OR REPLACE VIEW latest_runs AS SELECT * FROM app_runs QUALIFY row_number() OVER "
    "(PARTITION BY application ORDER BY generated_at DESC, digest DESC) = 1",
]

#: Reports parsed before their rows are written in one transaction.
BATCH = 200


def _duckdb() -> Any:
    import duckdb

    return duckdb


#: DuckDB's memory cap (it spills to a temporary folder beyond it); 2 GiB is the
#: benchmark's target for a portfolio of 1,000 applications.
MEMORY_LIMIT = "1GB"


def _config() -> dict[str, Any]:
    # Never download or load extensions behind the user's back; keep memory bounded.
    return {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "memory_limit": MEMORY_LIMIT,
    }


def connect(db: str, *, read_only: bool = False) -> Any:
    """Open the store (creating it unless ``read_only``)."""
    duckdb = _duckdb()
    if read_only and not Path(db).is_file():
        raise InputError(f"{db}: no portfolio database (run `osaudit portfolio ingest` first)")
    try:
        con = duckdb.connect(db, read_only=read_only, config=_config())
    except duckdb.Error as exc:
        raise InputError(f"{db}: cannot open as a portfolio database: {exc}") from None
    if read_only:
        _check_version(con, db)
        return con
    try:
        for stmt in _DDL:
            con.execute(stmt)
        con.execute(
            "INSERT INTO meta VALUES ('store_version', ?) ON CONFLICT DO NOTHING", [STORE_VERSION]
        )
    except duckdb.Error as exc:
        con.close()
        raise InputError(f"{db}: not an osaudit portfolio database: {exc}") from None
    _check_version(con, db)
    return con


def _check_version(con: Any, db: str) -> None:
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'store_version'").fetchone()
    except Exception:  # any DuckDB error: the tables are not ours
        raise InputError(f"{db}: not an osaudit portfolio database") from None
    if not row or row[0] != STORE_VERSION:
        found = row[0] if row else None
        raise InputError(
            f"{db}: portfolio store version {found!r}, this osaudit reads {STORE_VERSION!r}"
        )


@dataclass
class IngestResult:
    """What one ingestion did."""

    added: list[str] = field(default_factory=list)  # sources of new runs
    duplicates: list[str] = field(default_factory=list)  # sources already stored
    corrupt: list[str] = field(default_factory=list)  # one message each
    unsupported: list[str] = field(default_factory=list)  # one message each


def expand(inputs: Iterable[str]) -> list[tuple[Path, str]]:
    """Files, folders (every ``*.json`` below) and globs, as (path, name given), sorted."""
    import glob

    out: dict[str, tuple[Path, str]] = {}
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.json") if p.is_file())
        elif any(ch in given for ch in "*?["):
            found = sorted(Path(p) for p in glob.glob(given, recursive=True) if Path(p).is_file())
        elif path.is_file():
            found = [path]
        elif path.exists():
            raise InputError(f"{given}: not a regular file (FIFOs and devices are never read)")
        else:
            raise InputError(f"{given}: no such file, folder or matching glob")
        if not found:
            raise InputError(f"{given}: no JSON report found")
        for p in found:
            out.setdefault(str(p.resolve()), (p, str(p)))
    return sorted(out.values(), key=lambda item: item[1])


def _stage(rows: list[tuple[Any, ...]], columns: tuple[tuple[str, str], ...], tmp: str) -> str:
    names = [c for c, _ in columns]
    path = os.path.join(tmp, f"{len(os.listdir(tmp))}.json")
    with open(path, "wb") as fh:
        fh.write(orjson.dumps([dict(zip(names, row, strict=True)) for row in rows]))
    return path


def _insert(con: Any, table: str, rows: list[tuple[Any, ...]], tmp: str) -> None:
    if not rows:
        return
    columns = _TABLES[table]
    path = _stage(rows, columns, tmp)
    spec = ", ".join(f"'{c}': '{t.split()[0]}'" for c, t in columns)
    con.execute(
        f"INSERT INTO {table} SELECT * FROM read_json(?, format = 'array', "  # noqa: S608
        f"columns = {{{spec}}})",
        [path],
    )
    os.unlink(path)


def _insert_links(con: Any, links: list[tuple[str, int]], tmp: str) -> None:
    """(digest, fact) rows through a CSV file: both are plain tokens, nothing to quote."""
    if not links:
        return
    path = os.path.join(tmp, "links.csv")
    with open(path, "w", encoding="ascii") as fh:
        fh.write("".join(f"{d},{f}\n" for d, f in links))
    con.execute(
        "INSERT INTO run_components SELECT * FROM read_csv(?, header = false, "
        "columns = {'digest': 'VARCHAR', 'fact': 'INTEGER'}, quote = '', escape = '')",
        [path],
    )
    os.unlink(path)


class _Facts:
    """The distinct components already stored, so a run stores only links to them."""

    def __init__(self, con: Any) -> None:
        cols = ", ".join(c for c, _ in FACT_COLUMNS[1:-1])
        self.ids: dict[tuple[Any, ...], int] = {
            tuple(row[1:]): row[0]
            for row in con.execute(f"SELECT fact, {cols} FROM component_facts").fetchall()  # noqa: S608
        }
        self.next = (con.execute("SELECT max(fact) FROM component_facts").fetchone()[0] or 0) + 1
        self.new: list[tuple[Any, ...]] = []

    def links(self, rows: reportfile.ReportRows) -> list[tuple[str, int]]:
        ids, digest, out = self.ids, rows.digest, []
        for comp in rows.components:
            fact = ids.get(comp)
            if fact is None:
                fact = ids[comp] = self.next
                self.next += 1
                package = reportfile.package_key(comp[1], comp[4], comp[2])
                self.new.append((fact, *comp, package))
            out.append((digest, fact))
        return out


def ingest(
    con: Any,
    files: list[tuple[Path, str]],
    warn: Callable[[str], None],
) -> IngestResult:
    """Add every report not stored yet; corrupt and unsupported reports are reported."""
    result = IngestResult()
    known = {d for (d,) in con.execute("SELECT digest FROM runs").fetchall()}
    known_exits = {
        tuple(r)
        for r in con.execute("SELECT DISTINCT catalog_digest, family FROM exits").fetchall()
    }
    facts = _Facts(con)
    pending: list[reportfile.ReportRows] = []

    with tempfile.TemporaryDirectory(prefix="osaudit-portfolio-") as tmp:

        def flush() -> None:
            if not pending:
                return
            exits = []
            links: list[tuple[str, int]] = []
            for r in pending:
                for row in r.exits:
                    if (row[0], row[1]) not in known_exits:
                        exits.append(row)
                known_exits.update((row[0], row[1]) for row in r.exits)
                links += facts.links(r)
            con.execute("BEGIN TRANSACTION")
            try:
                _insert(con, "runs", [r.run for r in pending], tmp)
                _insert(con, "component_facts", facts.new, tmp)
                _insert_links(con, links, tmp)
                _insert(con, "exceptions", [e for r in pending for e in r.exceptions], tmp)
                _insert(con, "exits", exits, tmp)
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
            facts.new.clear()
            pending.clear()

        for path, source in files:
            try:
                rows = reportfile.read(path, source)
            except reportfile.CorruptReport as exc:
                warn(f"skipped {exc}")
                result.corrupt.append(str(exc))
                continue
            except reportfile.UnsupportedReport as exc:
                result.unsupported.append(str(exc))
                continue
            if rows.digest in known:
                result.duplicates.append(source)
                continue
            known.add(rows.digest)
            pending.append(rows)
            result.added.append(source)
            if len(pending) >= BATCH:
                flush()
        flush()
    return result


def set_applications(con: Any, apps: list[Application]) -> None:
    """Replace the portfolio file's applications and aliases in the store."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM aliases")
        con.execute("DELETE FROM applications")
        for app in apps:
            con.execute(
                "INSERT INTO applications VALUES (?, ?, ?, ?, ?)",
                [app.name, app.owner, app.department, app.criticality, list(app.tags)],
            )
            for alias in {app.name, *app.aliases}:
                con.execute("INSERT INTO aliases VALUES (?, ?)", [alias, app.name])
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def export_parquet(con: Any, out_dir: str) -> list[str]:
    """Write the store as Parquet: runs and components partitioned by run date.

    ``runs/run_date=YYYY-MM-DD/*.parquet``, ``components/run_date=…/*.parquet`` and
    one file each for exceptions, exits, applications and aliases. The directory
    is rewritten as a whole, so it always mirrors the store.
    """
    import shutil

    root = Path(out_dir)
    if root.exists() and not root.is_dir():
        raise ConfigError(f"{out_dir}: exists and is not a folder")
    for sub in ("runs", "components"):
        shutil.rmtree(root / sub, ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)
    written = []
    partitioned = {
        "runs": "SELECT * FROM app_runs ORDER BY run_date, digest",
        "components": "SELECT c.*, r.run_date, r.application FROM components c "
        "JOIN app_runs r USING (digest)",
    }
    for name, query in partitioned.items():
        target = root / name
        con.execute(
            f"COPY ({query}) TO '{_sql_path(target)}' "
            "(FORMAT PARQUET, PARTITION_BY (run_date), OVERWRITE_OR_IGNORE)"
        )
        written.append(str(target))
    for name in ("exceptions", "exits", "applications", "aliases"):
        target = root / f"{name}.parquet"
        con.execute(
            f"COPY (SELECT * FROM {name} ORDER BY ALL) TO '{_sql_path(target)}' (FORMAT PARQUET)"  # noqa: S608
        )
        written.append(str(target))
    return written


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
