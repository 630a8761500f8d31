"""Version scopes of families: which versions of a package lock (purl-spec ``vers:`` ranges).

A family's ``versions`` entry names purl patterns and the ``vers:`` range of
the versions that tie to the vendor (``mapbox-gl`` from 2.0.0). A component
matching one of those patterns is checked against the range with the version
scheme the range names (``univers``): inside keeps the match, outside drops it,
no version (or one the scheme cannot read) keeps it with one step lower
confidence, and the match says so. Packages in no scope lock in every version.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Any, Literal

from osaudit.catalog.patterns import Glob, pattern_key
from osaudit.model import Family, Match, VersionScope

Status = Literal["inside", "outside", "unknown"]

#: One step lower confidence for a match whose version cannot be checked.
LOWER: dict[str, Literal["high", "medium", "low"]] = {
    "high": "medium",
    "medium": "low",
    "low": "low",
}


@lru_cache(maxsize=4096)
def _glob(pattern: str) -> Glob:
    return Glob.compile(pattern_key(pattern))


def covers(scope: VersionScope, key: str) -> bool:
    """Whether a component purl key is one of the scope's packages."""
    return any(_glob(p).matches(key) for p in scope.purls)


@lru_cache(maxsize=256)
def _range(spec: str) -> Any:
    from univers.version_range import VersionRange

    parse: Any = VersionRange.from_string  # univers has no type hints
    return parse(spec)


def range_problem(spec: str) -> str | None:
    """Why a ``vers:`` range is unusable, or None when univers reads it."""
    try:
        _range(spec)
    except Exception as exc:  # univers raises ValueError, TypeError, InvalidVersion...
        return f"version range {spec!r} does not parse: {exc}"
    return None


@lru_cache(maxsize=65536)
def contains(spec: str, version: str) -> bool:
    """Whether ``version`` is in the ``vers:`` range; ValueError when it cannot be read."""
    rng = _range(spec)
    try:
        return bool(rng.version_class(version) in rng)
    except Exception as exc:  # each univers scheme raises its own error type
        raise ValueError(str(exc) or type(exc).__name__) from None


#: A container image tag's version part: ``7.4-alpine``, ``v23.1.11``, ``8.0.1-bookworm``.
_TAG_VERSION = re.compile(r"^v?(\d+(?:\.\d+){0,2})(?:[-_][A-Za-z0-9._-]*)?$")


def tag_version(tag: str) -> str | None:
    """The release a container image tag names (``7.4-alpine`` -> ``7.4.0``), else None."""
    m = _TAG_VERSION.match(tag)
    if not m:
        return None
    parts = m.group(1).split(".")
    return ".".join(parts + ["0"] * (3 - len(parts)))


def status(
    scope: VersionScope, version: str | None, key: str | None = None
) -> tuple[Status, str]:
    """``inside``/``outside``/``unknown`` for a component version, with why when unknown.

    A container image's version is its tag: only the leading release number
    counts (``7.4-alpine`` is 7.4.0); ``latest`` or a digest cannot be compared.
    """
    if not version:
        return "unknown", "no version is given"
    if key is not None and key.startswith("docker/"):
        release = tag_version(version)
        if release is None:
            return "unknown", f"image tag {version} names no release"
        version = release
    try:
        return ("inside" if contains(scope.range, version) else "outside"), ""
    except ValueError as exc:
        return "unknown", f"version {version} cannot be compared under {scope.range} ({exc})"


def apply(match: Match, family: Family, key: str | None, version: str | None) -> Match:
    """The match with its version verdict (unchanged when no scope names the package)."""
    if not family.versions or not key:
        return match
    for scope in family.versions:
        if not covers(scope, key):
            continue
        state, why = status(scope, version, key)
        note = why or scope.note
        if state == "unknown":
            return replace(
                match,
                confidence=LOWER[match.confidence],
                version_range=scope.range,
                version_status=state,
                version_note=note,
            )
        return replace(match, version_range=scope.range, version_status=state, version_note=note)
    return match
