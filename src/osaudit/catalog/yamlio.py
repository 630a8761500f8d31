"""YAML reading for catalogue files: the C loader when available, without YAML 1.1 surprises.

PyYAML follows YAML 1.1, where ``NO`` (Norway) is ``False`` and ``2026-11-23``
is a ``datetime.date``. Catalogue files are data reviewed by people, so only
``true``/``false`` are booleans and dates stay strings.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class CatalogYamlLoader(_BASE):  # type: ignore[valid-type,misc]
    """Safe loader: YAML 1.2-like booleans, no timestamps."""


CatalogYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _TIMESTAMP)]
    for first, resolvers in _BASE.yaml_implicit_resolvers.items()
}
CatalogYamlLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def parse_yaml(text: str | bytes) -> Any:
    """Parse one YAML document; raises ``yaml.YAMLError`` with a mark on bad syntax."""
    return yaml.load(text, Loader=CatalogYamlLoader)  # noqa: S506 - safe loader subclass


def yaml_error_place(exc: yaml.YAMLError) -> str:
    """``line L, column C: problem`` for a PyYAML error, as one line."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is not None:
        return f"line {mark.line + 1}, column {mark.column + 1}: {problem}"
    return str(problem)
