"""``osaudit audit``: score an SBOM and write the report in one or more formats."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

import click

from osaudit.commands import _output
from osaudit.commands._write import StdoutClosed, is_special, write_output
from osaudit.errors import ConfigError, InputError, shown
from osaudit.metadata.config import MetadataConfig
from osaudit.metadata.options import metadata_options
from osaudit.report import (
    ALIASES,
    FORMATS,
    RenderContext,
    Report,
    format_for_path,
    format_name,
    parse_markdown_limit,
    render,
)
from osaudit.report import json as json_report
from osaudit.report.formats import known_suffixes

_SIZE = re.compile(r"^\s*(\d{1,24})\s*([kmg]i?b?|b)?\s*$", re.IGNORECASE)


def parse_size(value: str) -> int:
    """``--max-size``: bytes, or a number with K/M/G (binary multiples, e.g. 512M)."""
    m = _SIZE.match(value)
    if not m:
        raise ConfigError(f"--max-size {shown(value)}: expected a number of bytes, e.g. 536870912 or 512M")
    unit = (m.group(2) or "b")[0].lower()
    return int(m.group(1)) * {"b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit]


def parse_outputs(values: tuple[str, ...]) -> list[tuple[str, str]]:
    """``--output FORMAT=PATH`` (or ``--output PATH`` with a known extension) -> [(format, path)]."""
    out = []
    for raw in values:
        name, sep, path = raw.partition("=")
        fmt = format_name(name) if sep else None
        if fmt is None and (not sep or "/" in name or "." in name):  # a path, maybe with '='
            fmt, path = format_for_path(raw), raw
            if fmt is None:
                raise ConfigError(
                    f"--output {shown(raw)}: expected FORMAT=PATH (e.g. sarif=osaudit.sarif) "
                    f"or a file name ending in one of {known_suffixes()}"
                )
        if fmt is None:
            known = ", ".join([*FORMATS, *ALIASES])
            raise ConfigError(f"--output {shown(raw)}: unknown format {name.strip()!r} (known: {known})")
        if not path:
            raise ConfigError(f"--output {shown(raw)}: expected FORMAT=PATH, e.g. sarif=osaudit.sarif")
        out.append((fmt, path))
    return out


def main_target(fmt: str | None, out: str | None, *, tty: bool) -> tuple[str, str | None]:
    """The format and path of ``-o``/stdout: an explicit ``--format`` wins, else ``-o``'s
    extension (JSON for a FIFO or device without one), else text on a terminal, else JSON."""
    if fmt is not None:
        chosen = format_name(fmt)
        if chosen is None:  # pragma: no cover - click's Choice rejects it first
            raise ConfigError(f"--format {shown(fmt)}: unknown format")
        if out not in (None, "-"):
            implied = format_for_path(out)
            if implied is not None and implied != chosen:
                _output.warn(f"-o {out}: writing {chosen} as --format says, although the "
                             f"extension suggests {implied}")  # fmt: skip
        return chosen, out
    if out in (None, "-"):
        return ("text" if tty else "json"), out
    implied = format_for_path(out)
    if implied is None and is_special(out):  # a FIFO, /dev/stdout, >(cmd): a pipe gets JSON
        return "json", out
    if implied is None:
        raise ConfigError(
            f"-o {shown(out)}: cannot tell the format from the file name; give --format "
            f"({', '.join(FORMATS)}) or end it in one of {known_suffixes()}"
        )
    return implied, out


def split_fail_on(values: tuple[str, ...]) -> tuple[str, ...]:
    """``--fail-on a=b,c=d`` (and new lines), as the GitHub Action's fail-on input takes it."""
    return tuple(part.strip() for v in values for part in re.split(r"[,\n]", v) if part.strip())


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
@click.option(
    "-o",
    "--out",
    "out",
    metavar="FILE",
    help="Write the report here (default stdout); the format follows the extension "
    "(.json .md .html .sarif .cdx.json .csv .txt) unless --format names one.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*FORMATS, *ALIASES], case_sensitive=False),
    default=None,
    help="Report format for -o/stdout (default: from -o's extension; on stdout text on a "
    "terminal, else json). Wins over the extension.",
)
@click.option(
    "--output",
    "outputs",
    multiple=True,
    metavar="FORMAT=PATH",
    help="Also write FORMAT to PATH, or PATH in the format its extension names "
    "(repeatable); alone, nothing goes to stdout.",
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
    help="Fail when AXIS (lockin or lock-in, licence or license, maintenance) reaches LEVEL "
    "(low..critical), or on unknown (LEVEL=unknown); off disables; overrides the policy "
    "file. Repeatable, or comma separated: lockin=high,licence=high.",
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
@_output.verbosity_options(quiet=False)  # -q/--quiet comes with the metadata options
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
    import gc

    from osaudit.pipeline import AuditOptions, build, parse_now

    _output.set_quiet(bool(metadata_kw.get("quiet")))
    quiet, verbose = _output.quiet(), _output.verbose()
    metadata_kw["quiet"] = quiet
    extra = parse_outputs(outputs)
    targets: list[tuple[str, str | None]] = []
    if fmt is not None or out is not None or not extra:
        targets.append(main_target(fmt, out, tty=_output.stdout_is_tty()))
    targets.extend(extra)
    for _fmt, path in targets:
        _check_target(path)
    options = AuditOptions(
        catalog=catalogs,
        policy=policy,
        project_licence=project_licence,
        fail_on=split_fail_on(fail_on),
        now=parse_now(now),
        max_bytes=parse_size(max_size) if max_size else None,
        strict=strict,
        offline=bool(metadata_kw.get("offline")),
        metadata=MetadataConfig.from_options(**metadata_kw),
        keep_source=any(f == "cyclonedx" for f, _ in targets),
    )
    result = build(sbom, options)
    # What was built lives until the command ends and holds no cycles: frozen, the cyclic
    # collector does not walk its millions of objects again while the report is rendered
    # (0.6 of 7 CPU seconds at 100k components, benchmarks/bench_audit.py).
    gc.freeze()
    ctx_click = click.get_current_context(silent=True)
    if ctx_click is not None:  # in-process callers (cli.main run many times) get it back
        ctx_click.call_on_close(gc.unfreeze)
    report = result.report
    ctx = RenderContext(
        sbom=result.sbom,
        sbom_path=sbom,
        repo_root=repo_root if repo_root is not None else Path.cwd(),
        full_report_hint=next((p for f, p in targets if f == "json" and p), None),
        limit=parse_markdown_limit(markdown_limit) if markdown_limit is not None else None,
        source=result.source,
    )
    from osaudit.report.next_steps import next_steps

    steps = next_steps(report)
    files = [(f, p) for f, p in targets if p not in (None, "-")]
    text_on_stdout = False
    for target_fmt, path in targets:
        to_stdout = path in (None, "-")
        if target_fmt == "text":
            from osaudit.report.text import render_text

            others = [t for t in files if t != (target_fmt, path)] if to_stdout else []
            data = render_text(
                report, ctx, color=to_stdout and _output.use_color(), written=others,
                exceptions=verbose, steps=steps,
            ).encode("utf-8")  # fmt: skip
            text_on_stdout = text_on_stdout or to_stdout
        elif target_fmt == "json":  # the same bytes as render(), written a batch at a time
            with contextlib.suppress(StdoutClosed):
                write_output(path, json_report.render_chunks(report))
            continue
        else:
            data = render(target_fmt, report, ctx)
        with contextlib.suppress(StdoutClosed):  # the reader stopped (| head): the verdict decides
            write_output(path, data)

    verdict = report.verdict
    for x in steps.expiring:
        when = "today" if x.days_left == 0 else f"in {x.days_left} day(s)"
        _output.warn(f"exception {x.pattern} expires {when} ({x.expires.isoformat()}); "
                     "renew it with a new justification or plan the exit")  # fmt: skip
    if not quiet and not text_on_stdout:
        _summary_line(report)
    if verbose:
        for g in verdict.gates:
            if g.passed:
                click.echo(f"osaudit: gate {g.name} passed: {g.detail}", err=True)
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
    worst = sum(p.level in ("high", "critical") for p in s.vendor_products)
    text = (
        f"osaudit: {s.components} components, {s.coverage.catalog_matched} catalogued, "
        f"licence known for {s.coverage.licence_known}; {len(s.vendor_products)} vendor "
        f"product(s), {worst} at high/critical lock-in; "
        f"{len(v.justifications_required)} justification(s) required; "
        f"Art. 41 verdict: {v.art41}"
    )
    click.echo(text, err=True)
