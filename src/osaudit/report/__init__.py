"""Report formatters: turn the JSON report dict into SARIF, Markdown, HTML, CycloneDX, CSV.

Every formatter has the signature ``(report: dict, ctx: RenderContext) -> bytes`` and is
registered in :data:`FORMATS`; :func:`render` picks one by name. The JSON format itself
lives in ``report/json.py`` (owned by the audit stage) and is not part of this registry.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from osaudit import model
from osaudit.errors import ConfigError

#: GitHub job summary limit (bytes) and PR comment limit (characters).
MARKDOWN_LIMIT_SUMMARY = 1_048_576
MARKDOWN_LIMIT_COMMENT = 65_536
MARKDOWN_PRESETS = {"summary": MARKDOWN_LIMIT_SUMMARY, "comment": MARKDOWN_LIMIT_COMMENT}


@dataclass(frozen=True, slots=True)
class RenderContext:
    """What a formatter may need beyond the report dict.

    ``sbom`` is the read SBOM (CycloneDX output keeps its components); ``sbom_path``
    the SBOM path as given; ``repo_root`` the directory searched for manifests (SARIF
    locations) and against which paths are made relative; ``full_report_hint`` names
    where the full report is (used in truncation notes); ``limit`` caps Markdown
    output in UTF-8 bytes (None: the job-summary limit, 1 MiB).
    """

    sbom: model.Sbom | None = None
    sbom_path: str = ""
    repo_root: Path | None = None
    full_report_hint: str | None = None
    limit: int | None = None


Formatter = Callable[[dict[str, Any], RenderContext], bytes]

#: Format name -> "module:function" under osaudit.report (imported on first use).
FORMATS: dict[str, str] = {
    "sarif": "sarif:render",
    "markdown": "markdown:render",
    "html": "html:render",
    "cyclonedx": "cyclonedx:render",
    "csv": "csv:render",
}

#: Conventional file extension per format.
EXTENSIONS: dict[str, str] = {
    "sarif": ".sarif",
    "markdown": ".md",
    "html": ".html",
    "cyclonedx": ".cdx.json",
    "csv": ".csv",
}


def display_name(component: dict[str, Any]) -> str:
    """``group/name`` (``group:name`` for Maven) or the bare name; unescaped."""
    name = str(component.get("name") or component.get("ref") or "?")
    group = component.get("group")
    if not group:
        return name
    sep = ":" if component.get("ecosystem") == "maven" else "/"
    return f"{group}{sep}{name}"


def formatter(fmt: str) -> Formatter:
    """The render function for ``fmt``; ConfigError naming the known formats otherwise."""
    target = FORMATS.get(fmt)
    if target is None:
        known = ", ".join(sorted(FORMATS))
        raise ConfigError(f"unknown report format {fmt!r} (known: {known})")
    module, func = target.split(":")
    fn: Formatter = getattr(importlib.import_module(f"osaudit.report.{module}"), func)
    return fn


def render(fmt: str, report: dict[str, Any], ctx: RenderContext) -> bytes:
    """Render ``report`` in format ``fmt``."""
    return formatter(fmt)(report, ctx)


def parse_markdown_limit(value: str | int | None) -> int:
    """``--markdown-limit`` value: a preset (``summary``, ``comment``) or a positive int."""
    if value is None:
        return MARKDOWN_LIMIT_SUMMARY
    if isinstance(value, int):
        number = value
    elif value.strip().lower() in MARKDOWN_PRESETS:
        return MARKDOWN_PRESETS[value.strip().lower()]
    else:
        try:
            number = int(value.strip().replace("_", ""))
        except ValueError:
            raise ConfigError(
                f"--markdown-limit: expected a number of bytes, 'summary' or 'comment', "
                f"got {value!r}"
            ) from None
    if number < 1024:
        raise ConfigError(f"--markdown-limit: must be at least 1024 bytes, got {number}")
    return number
