"""``osaudit schema``: print the JSON Schema of the audit report."""

from __future__ import annotations

import sys

import click


@click.command("schema")
def schema() -> int:
    """Print the JSON Schema (draft 2020-12) that every `osaudit audit` JSON report follows."""
    from osaudit.report.json import schema_bytes

    sys.stdout.buffer.write(schema_bytes())
    sys.stdout.flush()
    return 0
