"""What a formatter may need beyond the report, and the Markdown size limits."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from osaudit import model
from osaudit.errors import ConfigError

#: GitHub job summary limit (bytes) and PR comment limit (characters).
MARKDOWN_LIMIT_SUMMARY = 1_048_576
MARKDOWN_LIMIT_COMMENT = 65_536
MARKDOWN_PRESETS = {"summary": MARKDOWN_LIMIT_SUMMARY, "comment": MARKDOWN_LIMIT_COMMENT}


@dataclass(frozen=True, slots=True)
class RenderContext:
    """What a formatter may need beyond the report.

    ``sbom`` is the read SBOM (CycloneDX output keeps its components); ``sbom_path``
    the SBOM path as given; ``repo_root`` the directory searched for manifests (SARIF
    locations) and against which paths are made relative; ``full_report_hint`` names
    where the full report is (used in truncation notes); ``limit`` caps Markdown
    output in UTF-8 bytes (None: the job-summary limit, 1 MiB); ``source`` the SBOM's
    bytes as read (the CycloneDX output writes a CycloneDX input back, enriched).
    """

    sbom: model.Sbom | None = None
    sbom_path: str = ""
    repo_root: Path | None = None
    full_report_hint: str | None = None
    limit: int | None = None
    source: bytes | None = None


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
