"""``osaudit diff BASE.json HEAD.json``: what a change introduced or removed.

Exit codes: 0 when nothing got worse at ``--fail-on-new`` level or above (and the
verdict did not get worse), 1 when something did, 2 on bad input.
"""

from __future__ import annotations

import click

from osaudit.commands._write import write_output
from osaudit.report import diff as _diff

RENDERERS = {"text": _diff.to_text, "markdown": _diff.to_markdown, "json": _diff.to_json}


@click.command("diff")
@click.argument("base", type=click.Path(dir_okay=False))
@click.argument("head", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(RENDERERS)),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--fail-on-new",
    "fail_on",
    type=click.Choice(["low", "medium", "high", "critical"]),
    default="high",
    show_default=True,
    help="Exit 1 when a new or changed component reaches this level on any axis "
    "(lock-in, licence, maintenance) and is worse than before, or the verdict got worse.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to FILE instead of stdout.",
)
def diff(base: str, head: str, fmt: str, fail_on: str, output: str | None) -> int:
    """Compare two osaudit JSON reports (BASE before a change, HEAD after it).

    \b
    Lists new and removed components, version changes, new and removed lock-ins
    (catalogue families), licences and licence categories, worse and better levels
    per axis, and a change of the Art. 41 verdict.

    \b
    Exit codes:
      0  nothing got worse at --fail-on-new level or above
      1  something did (new component or worse level at that level, new lock-in
         at that level, or a worse verdict)
      2  input or usage error
    """
    old = _diff.load_report(base)
    new = _diff.load_report(head)
    changes = _diff.compare(old, new)
    failing = _diff.got_worse(changes, fail_on)
    text = RENDERERS[fmt](changes, failing, fail_on)
    write_output(output, text.encode("utf-8"))
    return 1 if failing else 0
