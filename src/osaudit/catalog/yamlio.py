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


MAX_ALIASES = 100  # aliases in one file (a catalogue needs none)
MAX_ALIASED_NODES = 10_000  # nodes that aliases would copy in, counted before expanding
MAX_INT_DIGITS = 4000  # below Python's int-string conversion limit (4,300)


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    if sum(ch.isdigit() for ch in node.value) > MAX_INT_DIGITS:
        raise yaml.constructor.ConstructorError(
            None, None, f"integer of more than {MAX_INT_DIGITS} digits", node.start_mark
        )
    return yaml.SafeLoader.construct_yaml_int(loader, node)


CatalogYamlLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


_ALIAS_LIKE = re.compile(r"(?:^|[\s\[\]{},])\*[^\s,\[\]{}]", re.MULTILINE)


def check_aliases(text: str | bytes) -> None:
    """Refuse an alias bomb before anything expands it (YAMLError with the place).

    Walks the parser's events (no document is built) counting the nodes under each
    anchor; every alias adds its anchor's size to a budget.
    """
    probe = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    if not _ALIAS_LIKE.search(probe):  # "pkg:npm/*" patterns are not aliases: no extra pass
        return
    sizes: dict[str, int] = {}
    open_anchors: list[tuple[str | None, int]] = []  # (anchor, node count at its start)
    nodes = aliases = copied = 0
    for event in yaml.parse(text, Loader=_BASE):
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            size = sizes.get(event.anchor or "", 1)
            copied += size
            nodes += size
            if aliases > MAX_ALIASES or copied > MAX_ALIASED_NODES:
                mark = event.start_mark
                where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
                raise yaml.YAMLError(
                    f"{where}too many YAML aliases "
                    f"(a catalogue file may use at most {MAX_ALIASES}, copying at most "
                    f"{MAX_ALIASED_NODES} nodes)"
                )
        elif isinstance(event, yaml.ScalarEvent):
            nodes += 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.CollectionStartEvent):
            nodes += 1
            open_anchors.append((event.anchor, nodes))
        elif isinstance(event, yaml.CollectionEndEvent) and open_anchors:
            anchor, start = open_anchors.pop()
            if anchor:
                sizes[anchor] = nodes - start + 1


def parse_yaml(text: str | bytes) -> Any:
    """Parse one YAML document; raises ``yaml.YAMLError`` with a mark on bad syntax."""
    check_aliases(text)
    return yaml.load(text, Loader=CatalogYamlLoader)  # noqa: S506 - safe loader subclass


def yaml_error_place(exc: yaml.YAMLError) -> str:
    """``line L, column C: problem`` for a PyYAML error, as one line."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or (str(exc).splitlines() or [""])[0]
    if mark is not None:
        return f"line {mark.line + 1}, column {mark.column + 1}: {problem}"
    return str(problem)
