"""Dates from the services, compared as instants (not as strings).

deps.dev writes ``2023-05-22T15:12:42Z``, ecosyste.ms ``2023-05-22T15:12:42.000Z``: the
same instant sorts differently as text.
"""

from __future__ import annotations

from datetime import UTC, datetime

_EPOCH = datetime(1, 1, 1, tzinfo=UTC)


def when(text: str | None) -> datetime:
    """The instant of an ISO-8601 timestamp; unreadable or missing sorts first."""
    if not text:
        return _EPOCH
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return _EPOCH
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
