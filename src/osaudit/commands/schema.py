"""``osaudit schema``: print the JSON Schema of the audit report."""

from __future__ import annotations

import sys

import click

from osaudit.commands._output import verbosity_options


@click.command("schema")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json"]),
    default="json",
    show_default=True,
    help="Output format (the schema is JSON).",
)
@verbosity_options()
def schema(fmt: str) -> int:
    """Print the JSON Schema (draft 2020-12) that every `osaudit audit` JSON report follows."""
    from osaudit.report.json import schema_bytes

    sys.stdout.buffer.write(schema_bytes())
    sys.stdout.flush()
    return 0
