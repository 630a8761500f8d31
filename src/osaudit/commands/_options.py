"""Click options shared by the catalogue commands (``catalog ...`` and ``explain``)."""

import click

FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
OVERLAY = click.option(
    "--catalog",
    "overlays",
    multiple=True,
    type=click.Path(),
    help="Catalogue overlay file or directory (repeatable; later ones win).",
)
