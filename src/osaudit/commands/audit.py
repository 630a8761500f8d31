"""``osaudit audit``: score an SBOM and write the report in one or more formats."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from osaudit.commands._write import write_output
from osaudit.errors import ConfigError, InputError, shown
from osaudit.metadata.config import MetadataConfig
from osaudit.metadata.options import metadata_options
from osaudit.report import FORMATS, RenderContext, Report, parse_markdown_limit, render

_SIZE = re.compile(r"^\s*(\d{1,24})\s*([kmg]i?b?|b)?\s*$", re.IGNORECASE)


def parse_size(value: str) -> int:
    """``--max-size``: bytes, or a number with K/M/G (binary multiples, e.g. 512M)."""
    m = _SIZE.match(value)
    if not m:
        raise ConfigError(f"--max-size {shown(value)}: expected a number of bytes, e.g. 536870912 or 512M")
    unit = (m.group(2) or "b")[0].lower()
    return int(m.group(1)) * {"b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit]


def parse_outputs(values: tuple[str, ...]) -> list[tuple[str, str]]:
    """``--output FORMAT=PATH`` values -> [(format, path)]."""
    out = []
    for raw in values:
        fmt, sep, path = raw.partition("=")
        fmt = fmt.strip().lower()
        if not sep or not path:
            raise ConfigError(f"--output {raw!r}: expected FORMAT=PATH, e.g. sarif=osaudit.sarif")
        if fmt not in FORMATS:
            raise ConfigError(f"--output {raw!r}: unknown format {fmt!r} (known: {', '.join(FORMATS)})")
        out.append((fmt, path))
    return out


@click.command(
    "audit",
    epilog="""\b
Exit codes:
  0  verdict pass or justify
  1  verdict fail: a policy gate failed (threshold exceeded, denied
     component, expired exception); the failing gate is printed last
  2  input or usage error (one line on stderr naming the file and place)
  70 internal error: a bug in osaudit (one line; please report it)
\b
Time comes from --now, else SOURCE_DATE_EPOCH, else the clock: with either
set, two runs on the same inputs write byte-identical reports.""",
)
@click.argument("sbom", metavar="SBOM")
@click.option("-o", "--out", "out", metavar="FILE", help="Write the report here (default stdout).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default=None,
    help="Report format for -o/stdout (default json).",
)
@click.option(
    "--output",
    "outputs",
    multiple=True,
    metavar="FORMAT=PATH",
    help="Also write FORMAT to PATH (repeatable); alone, nothing goes to stdout.",
)
@click.option(
    "--catalog",
    "catalogs",
    multiple=True,
    metavar="PATH",
    help="Catalogue overlay file or directory (repeatable; later wins).",
)
@click.option(
    "--policy",
    metavar="FILE",
    help="Policy file (osaudit.toml or a pyproject.toml with [tool.osaudit]); "
    "default: discovered in the current directory.",
)
@click.option("--project-licence", "--project-license", metavar="SPDX", help="The project's licence.")
@click.option(
    "--fail-on",
    "fail_on",
    multiple=True,
    metavar="AXIS=LEVEL",
    help="Fail when AXIS (lockin, licence, maintenance) reaches LEVEL (low..critical), "
    "or on unknown (LEVEL=unknown); off disables; overrides the policy file.",
)
@click.option("--now", metavar="ISO8601", help="Audit time (default SOURCE_DATE_EPOCH or clock).")
@click.option(
    "--repo-root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Repository root for locating manifests in SARIF (default: current directory).",
)
@click.option("--strict", is_flag=True, help="Treat SBOM reader warnings as errors.")
@click.option("--max-size", metavar="N", help="Largest SBOM to read (bytes, or e.g. 1G).")
@click.option(
    "--markdown-limit",
    metavar="N|summary|comment",
    default=None,
    help="Markdown size limit: bytes, or a preset (summary = 1 MiB, comment = 65,536).",
)
@metadata_options
def audit(
    sbom: str,
    out: str | None,
    fmt: str | None,
    outputs: tuple[str, ...],
    catalogs: tuple[str, ...],
    policy: str | None,
    project_licence: str | None,
    fail_on: tuple[str, ...],
    now: str | None,
    repo_root: Path | None,
    strict: bool,
    max_size: str | None,
    markdown_limit: str | None,
    **metadata_kw: Any,
) -> int:
    """Score SBOM for lock-in, licence openness and maintenance; give the Art. 41 verdict."""
    from osaudit.pipeline import AuditOptions, build, parse_now

    extra = parse_outputs(outputs)
    targets: list[tuple[str, str | None]] = []
    if fmt is not None or out is not None or not extra:
        targets.append((fmt or "json", out))
    targets.extend(extra)
    for _fmt, path in targets:
        _check_target(path)
    quiet = bool(metadata_kw.get("quiet"))
    options = AuditOptions(
        catalog=catalogs,
        policy=policy,
        project_licence=project_licence,
        fail_on=fail_on,
        now=parse_now(now),
        max_bytes=parse_size(max_size) if max_size else None,
        strict=strict,
        offline=bool(metadata_kw.get("offline")),
        metadata=MetadataConfig.from_options(**metadata_kw),
    )
    result = build(sbom, options)
    report = result.report
    ctx = RenderContext(
        sbom=result.sbom,
        sbom_path=sbom,
        repo_root=repo_root if repo_root is not None else Path.cwd(),
        full_report_hint=next((p for f, p in targets if f == "json" and p), None),
        limit=parse_markdown_limit(markdown_limit) if markdown_limit is not None else None,
    )
    for target_fmt, path in targets:
        write_output(path, render(target_fmt, report, ctx))

    verdict = report.verdict
    if not quiet:
        _summary_line(report)
    if verdict.art41 == "fail":
        for g in verdict.gates:
            if not g.passed:
                click.echo(f"osaudit: gate {g.name} failed: {g.detail}", err=True)
        return 1
    return 0


def _check_target(path: str | None) -> None:
    """Fail before the (long) audit when an output cannot be written."""
    if path is None or path == "-":
        return
    parent = Path(path).parent
    if not parent.is_dir():
        raise InputError(f"{path}: cannot write report: no directory {parent}")
    if Path(path).is_dir():
        raise InputError(f"{path}: cannot write report: is a directory")


def _summary_line(report: Report) -> None:
    s = report.summary
    v = report.verdict
    text = (
        f"osaudit: {s.components} components, {s.coverage.catalog_matched} catalogue "
        f"matches, lock-in high/critical {s.lockin.high + s.lockin.critical}, "
        f"{len(v.justifications_required)} justification(s) required; "
        f"Art. 41 verdict: {v.art41}"
    )
    click.echo(text, err=True)
