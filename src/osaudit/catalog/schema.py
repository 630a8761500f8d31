"""The catalogue JSON Schema: where it lives, its vocabularies and field names."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from osaudit.errors import ConfigError

if TYPE_CHECKING:  # jsonschema takes ~1 s to import: only on a cache miss or validate
    from jsonschema import Draft202012Validator

SCHEMA_NAME = "catalog.schema.json"
_HERE = Path(__file__).resolve()


def shipped_root() -> Path:
    """The packaged ``osaudit/_catalog`` if present, else the repository's ``catalog/``."""
    for root in (_HERE.parents[1] / "_catalog", _HERE.parents[3] / "catalog"):
        if (root / SCHEMA_NAME).is_file():
            return root
    raise ConfigError(
        "catalogue not found: neither osaudit/_catalog nor catalog/ holds " + SCHEMA_NAME
    )


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The catalogue JSON Schema (draft 2020-12)."""
    path = shipped_root() / SCHEMA_NAME
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read the catalogue schema: {exc}") from exc
    return data


@lru_cache(maxsize=1)
def validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_inline(schema(), schema()["$defs"]))


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """The schema with local ``#/$defs/`` references replaced by their targets.

    The catalogue schema has no recursive definitions; inlining roughly halves
    validation time because ``jsonschema`` no longer resolves thousands of refs.
    """
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/") and len(node) == 1:
            return _inline(defs[ref.rsplit("/", 1)[1]], defs)
        return {k: _inline(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def vocabulary(name: str) -> tuple[str, ...]:
    """An enum from the schema's ``$defs`` (e.g. ``category``), for commands and checks."""
    values = schema()["$defs"][name]["enum"]
    return tuple(v for v in values if v is not None)


@lru_cache(maxsize=2)
def field_paths(kind: str) -> frozenset[str]:
    """Field names an ``unverified`` list may use for an entry kind (dotted when nested)."""
    defs = schema()["$defs"]
    entry = defs["family" if kind == "families" else "alternative"]
    out: set[str] = set()
    for name, sub in entry["properties"].items():
        out.add(name)
        ref = sub.get("$ref", "")
        nested = defs.get(ref.rsplit("/", 1)[-1], {}) if ref else {}
        for child in nested.get("properties", {}):
            out.add(f"{name}.{child}")
    return frozenset(out)
