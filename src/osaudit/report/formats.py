"""The format registry: every report format, its file suffix and its render function.

The command line's ``--format``/``--output`` choices and the GitHub Action's file
names derive from :data:`FORMATS`; a formatter takes the typed
:class:`~osaudit.report.model.Report` and a :class:`RenderContext` and returns bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from osaudit.errors import ConfigError
from osaudit.report import csv, html, json, markdown, sarif
from osaudit.report.context import RenderContext
from osaudit.report.model import Report

Formatter = Callable[[Report, RenderContext], bytes]


def _cyclonedx(report: Report, ctx: RenderContext) -> bytes:
    """CycloneDX (imported on use: cyclonedx-python-lib is slow to import)."""
    from osaudit.report import cyclonedx

    return cyclonedx.render(report, ctx)


@dataclass(frozen=True, slots=True)
class Format:
    """One report format: its name, conventional file suffix and formatter."""

    name: str
    suffix: str  # without the leading dot: "sarif", "cdx.json"
    render: Formatter


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("json", "json", json.render),
        Format("sarif", "sarif", sarif.render),
        Format("markdown", "md", markdown.render),
        Format("html", "html", html.render),
        Format("cyclonedx", "cdx.json", _cyclonedx),
        Format("csv", "csv", csv.render),
    )
}

#: Conventional file extension per format (with the dot).
EXTENSIONS: dict[str, str] = {name: f".{f.suffix}" for name, f in FORMATS.items()}


def formatter(fmt: str) -> Formatter:
    """The render function for ``fmt``; ConfigError naming the known formats otherwise."""
    found = FORMATS.get(fmt)
    if found is None:
        raise ConfigError(f"unknown report format {fmt!r} (known: {', '.join(sorted(FORMATS))})")
    return found.render


def render(fmt: str, report: Report, ctx: RenderContext | None = None) -> bytes:
    """Render ``report`` in format ``fmt``."""
    return formatter(fmt)(report, ctx or RenderContext())
