"""What an audit needs besides the SBOM path, and the audit time."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from osaudit.errors import ConfigError
from osaudit.metadata.config import MetadataConfig


@dataclass(frozen=True, slots=True)
class AuditOptions:
    """Everything the pipeline needs besides the SBOM path (all optional)."""

    catalog: tuple[str, ...] = ()  # overlay paths, later wins
    policy: str | None = None  # policy file; None = discover in ``cwd``
    project_licence: str | None = None
    fail_on: tuple[str, ...] = ()  # "AXIS=LEVEL" as on the command line
    now: datetime | None = None  # None = SOURCE_DATE_EPOCH, else the clock
    max_bytes: int | None = None
    strict: bool = False
    offline: bool = False  # used when ``metadata`` is None
    metadata: MetadataConfig | None = None
    collect_metadata: bool = True
    cwd: Path | None = None  # where the policy is discovered
    keep_source: bool = False  # keep the SBOM's bytes (the CycloneDX output writes them back)


def parse_now(value: str | None, env: Mapping[str, str] | None = None) -> datetime:
    """``--now`` (ISO 8601), else ``SOURCE_DATE_EPOCH``, else the clock; always UTC."""
    env = os.environ if env is None else env
    if value:
        try:
            dt = datetime.fromisoformat(value.strip())
            return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
        except (ValueError, OverflowError):  # OverflowError: 0001-01-01 east of UTC
            raise ConfigError(
                f"--now {value!r}: not an ISO 8601 date or date-time in years 1-9999 UTC "
                "(e.g. 2026-11-23T00:00:00Z)"
            ) from None
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC)
        except (ValueError, OverflowError, OSError):
            raise ConfigError(
                f"SOURCE_DATE_EPOCH={epoch!r}: not an integer number of seconds"
            ) from None
    return datetime.now(tz=UTC).replace(microsecond=0)


def iso_utc(dt: datetime) -> str:
    """``2026-11-23T00:00:00Z``: whole seconds, UTC, ``Z`` suffix."""
    return dt.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
