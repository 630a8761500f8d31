"""How a component is named for people: one rule for the JSON report, Markdown, HTML and diff."""

from __future__ import annotations


def display_name(group: str | None, name: str, ecosystem: str | None = None) -> str:
    """``group:name`` for Maven (groupId:artifactId), ``group/name`` for other groups
    (npm scope ``@sentry/react``, Go module path), else ``name``."""
    if not group:
        return name
    return f"{group}{':' if ecosystem == 'maven' else '/'}{name}"
