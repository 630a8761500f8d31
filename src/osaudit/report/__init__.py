"""The report stage: the typed :class:`Report` and its formats.

:mod:`osaudit.report.model` holds the report; :mod:`osaudit.report.formats` the
registry of formatters (JSON, SARIF, Markdown, HTML, CycloneDX, CSV, text), each
``(report: Report, ctx: RenderContext) -> bytes``.
"""

from osaudit.report.context import (
    MARKDOWN_LIMIT_COMMENT,
    MARKDOWN_LIMIT_SUMMARY,
    MARKDOWN_PRESETS,
    RenderContext,
    parse_markdown_limit,
)
from osaudit.report.formats import (
    ALIASES,
    EXTENSIONS,
    FORMATS,
    Format,
    Formatter,
    format_for_path,
    format_name,
    formatter,
    render,
)
from osaudit.report.model import Report

__all__ = [
    "ALIASES",
    "EXTENSIONS",
    "FORMATS",
    "MARKDOWN_LIMIT_COMMENT",
    "MARKDOWN_LIMIT_SUMMARY",
    "MARKDOWN_PRESETS",
    "Format",
    "Formatter",
    "RenderContext",
    "Report",
    "format_for_path",
    "format_name",
    "formatter",
    "parse_markdown_limit",
    "render",
]
