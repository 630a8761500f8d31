"""The portfolio file: which name each application goes by, its owner and tags.

A TOML file with one ``[[application]]`` table per application::

    [[application]]
    name = "citizen-portal"          # the name the portfolio shows
    aliases = ["buergerportal"]      # names its reports carried before (renames)
    owner = "Digital services team"
    department = "Citizen services"
    criticality = "high"             # low, medium, high or critical
    tags = ["citizen-facing"]

Reports are attached to an application by the name in the report (subject name,
else SBOM name, else file name); ``name`` and ``aliases`` say which reported
names are this application.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from osaudit.errors import ConfigError

CRITICALITY = ("low", "medium", "high", "critical")
_KEYS = frozenset({"name", "aliases", "owner", "department", "criticality", "tags"})


@dataclass(frozen=True, slots=True)
class Application:
    """One application of the portfolio file."""

    name: str
    aliases: tuple[str, ...] = ()
    owner: str | None = None
    department: str | None = None
    criticality: str | None = None
    tags: tuple[str, ...] = ()


def _strings(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: expected a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _text(value: object, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: expected a non-empty string")
    return value.strip()


def load(path: str) -> list[Application]:
    """Read and check the portfolio file; every problem is one line naming the place."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not a TOML portfolio file: {exc}") from None
    unknown = sorted(set(doc) - {"application"})
    if unknown:
        raise ConfigError(f"{path}: unknown key {unknown[0]!r} (expected [[application]] tables)")
    entries = doc.get("application", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: application: expected [[application]] tables")
    apps: list[Application] = []
    owner_of: dict[str, str] = {}
    for i, entry in enumerate(entries):
        where = f"{path}: application[{i}]"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: expected a table")
        extra = sorted(set(entry) - _KEYS)
        if extra:
            raise ConfigError(
                f"{where}: unknown key {extra[0]!r} (known: {', '.join(sorted(_KEYS))})"
            )
        name = _text(entry.get("name"), f"{where}.name")
        if name is None:
            raise ConfigError(f"{where}.name: missing")
        crit = _text(entry.get("criticality"), f"{where}.criticality")
        if crit is not None and crit not in CRITICALITY:
            raise ConfigError(
                f"{where}.criticality: {crit!r} is not one of {', '.join(CRITICALITY)}"
            )
        app = Application(
            name=name,
            aliases=_strings(entry.get("aliases", []), f"{where}.aliases"),
            owner=_text(entry.get("owner"), f"{where}.owner"),
            department=_text(entry.get("department"), f"{where}.department"),
            criticality=crit,
            tags=_strings(entry.get("tags", []), f"{where}.tags"),
        )
        if app.name in {a.name for a in apps}:
            raise ConfigError(f"{where}.name: application {app.name!r} is listed twice")
        for alias in (app.name, *app.aliases):
            other = owner_of.get(alias, app.name)
            if other != app.name:
                raise ConfigError(
                    f"{where}: name {alias!r} already belongs to application {other!r}"
                )
            owner_of[alias] = app.name
        apps.append(app)
    return apps
