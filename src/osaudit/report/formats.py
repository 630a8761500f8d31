"""The format registry: every report format, its file suffix and its render function.

The command line's ``--format``/``--output`` choices and the GitHub Action's file
names derive from :data:`FORMATS`; a formatter takes the typed
:class:`~osaudit.report.model.Report` and a :class:`RenderContext` and returns bytes.
:func:`format_name` accepts the short names (``md``, ``txt``) and
:func:`format_for_path` infers a format from a file name's extension.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from osaudit.errors import ConfigError
from osaudit.report import csv, html, json, markdown, sarif, text
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
        Format("text", "txt", text.render),
    )
}

#: Other names accepted for a format (``--format md``).
ALIASES: dict[str, str] = {"md": "markdown", "txt": "text", "cdx": "cyclonedx"}

#: File name endings that name a format, beyond each format's own suffix.
_MORE_SUFFIXES: dict[str, str] = {
    "markdown": "markdown",
    "htm": "html",
    "sarif.json": "sarif",
    "text": "text",
    "bom.json": "cyclonedx",
}
#: Every known file name ending and its format, longest first (``.cdx.json`` before ``.json``).
SUFFIXES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        {**{f".{f.suffix}": f.name for f in FORMATS.values()},
         **{f".{k}": v for k, v in _MORE_SUFFIXES.items()}}.items(),
        key=lambda kv: (-len(kv[0]), kv[0]),
    )
)  # fmt: skip

#: Conventional file extension per format (with the dot).
EXTENSIONS: dict[str, str] = {name: f".{f.suffix}" for name, f in FORMATS.items()}


def format_name(name: str) -> str | None:
    """The format called ``name`` (case-insensitive, aliases resolved), or None."""
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    return key if key in FORMATS else None


def format_for_path(path: str) -> str | None:
    """The format a file name's extension names (``report.html`` -> html), or None."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    for suffix, fmt in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return fmt
    return None


def known_suffixes() -> str:
    """The known file name endings, for error messages."""
    return " ".join(suffix for suffix, _ in sorted(SUFFIXES, key=lambda kv: kv[1]))


def formatter(fmt: str) -> Formatter:
    """The render function for ``fmt``; ConfigError naming the known formats otherwise."""
    found = FORMATS.get(fmt)
    if found is None:
        raise ConfigError(f"unknown report format {fmt!r} (known: {', '.join(sorted(FORMATS))})")
    return found.render


def render(fmt: str, report: Report, ctx: RenderContext | None = None) -> bytes:
    """Render ``report`` in format ``fmt``."""
    return formatter(fmt)(report, ctx or RenderContext())
