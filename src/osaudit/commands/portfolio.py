"""``osaudit portfolio``: many applications' reports in one DuckDB store, and its report.

Needs the optional extra ``osaudit[portfolio]`` (DuckDB). See docs/portfolio.md.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import click

from osaudit.commands._output import quiet as _quiet
from osaudit.commands._output import set_quiet, verbosity_options
from osaudit.errors import ConfigError, InputError

DB_OPTION = click.option(
    "--db",
    default="portfolio.duckdb",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The portfolio's DuckDB database file.",
)


def _require() -> None:
    """One line naming the extra when DuckDB is missing."""
    try:
        import duckdb  # noqa: F401
    except ImportError:
        raise ConfigError(
            "osaudit portfolio needs duckdb: pip install 'osaudit[portfolio]'"
        ) from None


def _write(data: bytes, output: str | None) -> None:
    if output:
        try:
            with open(output, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise ConfigError(f"{output}: cannot write: {exc.strerror or exc}") from None
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


@click.group("portfolio")
def portfolio() -> None:
    """Read many osaudit JSON reports together: the OSPO's portfolio.

    \b
    osaudit portfolio ingest reports/ --portfolio portfolio.toml
    osaudit portfolio report --format html -o portfolio.html
    osaudit portfolio query "SELECT application, verdict FROM latest_runs"
    """


@portfolio.command("ingest")
@click.argument("reports", nargs=-1, required=True)
@DB_OPTION
@click.option(
    "--portfolio",
    "portfolio_file",
    type=click.Path(dir_okay=False),
    help="Portfolio file (TOML): application names, aliases, owner, department, criticality, tags.",
)
@click.option(
    "--parquet",
    "parquet_dir",
    type=click.Path(file_okay=False),
    help="Also write the whole store as Parquet here, partitioned by run date.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print warnings and errors only.")
@verbosity_options(quiet=False)
def ingest(
    reports: tuple[str, ...],
    db: str,
    portfolio_file: str | None,
    parquet_dir: str | None,
    quiet: bool,
) -> int:
    """Add JSON reports (files, folders, globs) to the portfolio store.

    \b
    The same report twice is one run (keyed by its SHA-256). A corrupt report is
    skipped with a warning naming it; a report of a newer or unknown schema
    version is an error (exit 2) and the other reports are still added.
    """
    _require()
    set_quiet(quiet)
    quiet = _quiet()
    from osaudit.portfolio import config, store

    apps = config.load(portfolio_file) if portfolio_file else None
    files = store.expand(reports)
    con = store.connect(db)
    try:
        if apps is not None:
            store.set_applications(con, apps)
        result = store.ingest(
            con, files, lambda msg: click.echo(f"osaudit: warning: {msg}", err=True)
        )
        if parquet_dir:
            store.export_parquet(con, parquet_dir)
    finally:
        con.close()
    for msg in result.unsupported:
        click.echo(f"osaudit: error: {msg}", err=True)
    if not quiet:
        click.echo(
            f"osaudit: portfolio {db}: {len(result.added)} new run(s), "
            f"{len(result.duplicates)} already stored, {len(result.corrupt)} corrupt skipped, "
            f"{len(result.unsupported)} of an unsupported schema version",
            err=True,
        )
    return 2 if result.unsupported else 0


@portfolio.command("export")
@click.argument("parquet_dir", type=click.Path(file_okay=False))
@DB_OPTION
@verbosity_options()
def export(parquet_dir: str, db: str) -> int:
    """Write the store as Parquet in PARQUET_DIR, runs and components partitioned by run date."""
    _require()
    from osaudit.portfolio import store

    con = store.connect(db, read_only=True)
    try:
        store.export_parquet(con, parquet_dir)
    finally:
        con.close()
    return 0


@portfolio.command("report")
@DB_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "markdown", "json", "csv"]),
    default="markdown",
    show_default=True,
)
@click.option(
    "--table",
    type=click.Choice(
        ["register", "vendor-products", "stewardship", "trends", "applications", "non-eu-vendors"]
    ),
    default="register",
    show_default=True,
    help="The table written by --format csv.",
)
@click.option("--now", metavar="ISO8601", help="Report time (default SOURCE_DATE_EPOCH or clock).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE.")
@verbosity_options()
def report(db: str, fmt: str, table: str, now: str | None, output: str | None) -> int:
    """The portfolio report: headline, vendor products, Art. 29 register, stewardship, trends."""
    _require()
    from osaudit.pipeline.options import parse_now
    from osaudit.portfolio import model, render, store

    when = parse_now(now)
    con = store.connect(db, read_only=True)
    try:
        data = model.build(con, when)
    finally:
        con.close()
    if fmt == "csv":
        _write(render.to_csv(data, table), output)
    else:
        _write(render.RENDERERS[fmt](data), output)
    return 0


def _cell(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [_cell(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _cell(v) for k, v in value.items()}
    return value


@portfolio.command("query")
@click.argument("sql")
@DB_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "csv", "json"]),
    default="text",
    show_default=True,
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE.")
@verbosity_options()
def query(sql: str, db: str, fmt: str, output: str | None) -> int:
    """Run one SQL query on the store, opened read-only (tables: docs/portfolio.md)."""
    import csv
    import io

    import orjson

    _require()
    from osaudit.portfolio import store
    from osaudit.report import escape

    con = store.connect(db, read_only=True)
    try:
        try:
            cur = con.execute(sql)
            names = [d[0] for d in cur.description or ()]
            rows = [[_cell(v) for v in row] for row in cur.fetchall()] if names else []
        except Exception as exc:  # duckdb.Error and its subclasses; one line, no traceback
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InputError(f"query: {first}") from None
    finally:
        con.close()
    if fmt == "json":
        out = (
            orjson.dumps(
                [dict(zip(names, r, strict=True)) for r in rows], option=orjson.OPT_INDENT_2
            )
            + b"\n"
        )
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(names)
        writer.writerows([[escape.csv_cell(v) for v in r] for r in rows])
        out = buf.getvalue().encode("utf-8")
    else:
        text = [[escape.plain("" if v is None else v, 80) for v in r] for r in rows]
        widths = [max([len(n), *(len(r[i]) for r in text)]) for i, n in enumerate(names)]
        lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        lines += [
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in text
        ]
        lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
        out = ("\n".join(lines) + "\n").encode("utf-8")
    _write(out, output)
    return 0
