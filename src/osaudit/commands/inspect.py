"""``osaudit inspect SBOM``: show what was read (format, identity, licences, graph, warnings)."""

from __future__ import annotations

import re
from typing import Any

import click
import orjson

from osaudit.commands import _output
from osaudit.errors import InputError
from osaudit.sbom import DEFAULT_MAX_BYTES, read_sbom, validate_schema
from osaudit.sbom.summary import summarise

_SIZE = re.compile(r"^\s*(\d+)\s*([kmgt]?)(i?b)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


def parse_size(value: str) -> int:
    """``512M``, ``2G``, ``1000000`` -> bytes (binary units)."""
    m = _SIZE.match(str(value))
    if not m:
        raise click.BadParameter(f"{value!r} is not a size such as 1000000, 512M or 2G")
    return int(m.group(1)) * _UNITS[m.group(2).lower()]


class _Size(click.ParamType):  # type: ignore[type-arg]  # generic in click >= 8.2 stubs
    name = "size"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        try:
            return parse_size(value)
        except click.BadParameter as exc:
            self.fail(exc.message, param, ctx)


@click.command("inspect")
@click.argument("sbom", metavar="SBOM")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")  # fmt: skip
@click.option("--strict", is_flag=True, help="Treat every reading warning as an error (exit 2).")
@click.option("--validate", "do_validate", is_flag=True,
              help="Also check the document against its official CycloneDX/SPDX schema.")  # fmt: skip
@click.option("--max-size", type=_Size(), default=DEFAULT_MAX_BYTES, show_default="512M",
              help="Refuse files larger than this (bytes, or K/M/G).")  # fmt: skip
@_output.verbosity_options()
def inspect(sbom: str, fmt: str, strict: bool, do_validate: bool, max_size: int) -> int:
    """Show what osaudit reads from SBOM (a path, or - for stdin).

    Format and version, creating tools, components per ecosystem, identity and
    licence coverage, direct/transitive counts and every warning.

    \b
    Exit codes:
      0  read (and with --validate: valid, or no schema to check it against,
         which a warning on stderr says)
      1  --validate: the document does not follow its schema (the summary,
         with every problem, is still printed)
      2  the SBOM cannot be read, or --strict and a warning or schema problem
    """
    data = read_sbom(sbom, max_bytes=max_size, strict=strict)
    schema = None
    if do_validate:
        if sbom == "-":
            raise InputError("-: --validate needs a file path, not stdin")
        schema = validate_schema(sbom, max_bytes=max_size)
        if strict and schema:
            first = schema[0]
            where = f"{first.location}: " if first.location else ""
            raise InputError(f"{sbom}: schema: {where}{first.message} [--strict]")
    summary = summarise(data, schema)
    if fmt == "json":
        click.echo(orjson.dumps(summary, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    else:
        click.echo(render_text(summary))
    if schema is None:
        return 0
    for w in schema:
        if w.code != "schema":  # schema-unavailable, validator-failed: not checked
            _output.warn(f"{sbom}: schema not checked: {w.message}")
    problems = sum(1 for w in schema if w.code == "schema")
    if problems:
        click.echo(f"osaudit: {sbom}: {problems} schema problem(s)", err=True)
        return 1
    return 0


def _pct(entry: dict[str, Any]) -> str:
    return f"{entry['count']} ({entry['share'] * 100:.1f}%)"


def render_text(s: dict[str, Any]) -> str:
    """Plain-text rendering of a summary."""
    lines = [
        f"File:        {s['file']}",
        f"Format:      {s['format']} {s['spec_version']} ({s['encoding']})",
        f"Tools:       {', '.join(s['tools']) or '-'}",
        f"Name:        {s['name'] or '-'}",
        f"Serial:      {s['serial'] or '-'}",
        f"Created:     {s['created'] or '-'}",
    ]
    subj = s["subject"]
    lines.append(
        "Subject:     " + ("-" if subj is None else " ".join(
            x for x in (subj["name"], subj["version"], f"<{subj['purl']}>" if subj["purl"] else "")
            if x))  # fmt: skip
    )
    comps = s["components"]
    lines.append(f"Components:  {comps['total']} ({comps['nested']} nested)")
    for eco, n in comps["by_ecosystem"].items():
        lines.append(f"  {eco:<12} {n}")
    ident = s["identity"]
    lines.append(
        f"Identity:    purl {_pct(ident['purl'])}, CPE only {_pct(ident['cpe'])}, "
        f"name only {_pct(ident['name'])}"
    )
    lic = s["licences"]
    lines.append(
        f"Licences:    declared {_pct(lic['declared'])}, concluded only {_pct(lic['concluded'])}, "
        f"NOASSERTION/NONE {_pct(lic['noassertion'])}, none {_pct(lic['none'])}"
    )
    subs = s.get("subprojects") or []
    if subs:
        names = [" ".join(x for x in (p["name"], p["version"]) if x) for p in subs]
        more = f", +{len(names) - 10} more" if len(names) > 10 else ""
        lines.append(
            f"Sub-projects: {len(subs)} (part of the application): {', '.join(names[:10])}{more}"
        )
    g = s["graph"]
    if g["has_graph"]:
        lines.append(
            f"Graph:       {g['direct']} direct, {g['transitive']} transitive, "
            f"{g['depth_unknown']} depth unknown (not reached by the graph)"
        )
    else:
        lines.append(
            f"Graph:       none from the subject: {g['depth_unknown']} depth unknown"
        )
    warnings = s["warnings"]
    lines.append(f"Warnings:    {len(warnings)}")
    lines.extend(_warning_line(w) for w in warnings)
    if "schema" in s:
        msgs = s["schema"]["messages"]
        lines.append(f"Schema:      {'valid' if not msgs else f'{len(msgs)} problems'}")
        lines.extend(_warning_line(w) for w in msgs)
    return "\n".join(lines)


def _warning_line(w: dict[str, Any]) -> str:
    where = f" [{w['location']}]" if w["location"] else ""
    return f"  - {w['code']}: {w['message']}{where}"
