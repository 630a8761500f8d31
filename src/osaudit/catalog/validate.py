"""Schema checks and cross-checks of catalogue files, reported as one-line violations.

Cross-checks the schema cannot express: ids unique across families and
alternatives (within one layer), every ``replaces.family`` and
``via_catch_all.family`` exists after merging,
purl patterns parse and follow the ecosystem rules, ``unverified`` names real
fields, a family's category equals its file name under ``families/``, each
``versions`` scope names patterns of the family's ``purls`` and a ``vers:``
range univers can read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from osaudit.catalog.patterns import pattern_problem
from osaudit.catalog.schema import field_paths, validator, vocabulary
from osaudit.catalog.yamlio import parse_yaml, yaml_error_place

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

KINDS = ("families", "alternatives")


@dataclass(frozen=True, order=True, slots=True)
class Violation:
    """One problem in one catalogue file, printed as one line."""

    file: str
    entry: str  # entry id, '#<index>' when it has none, '' for file-level problems
    path: str  # JSON path inside the file ('$' for the whole file)
    message: str

    def __str__(self) -> str:
        where = ": ".join(p for p in (self.file, self.entry, self.path) if p)
        return f"{where}: {self.message}"


@dataclass(slots=True)
class Entry:
    """One raw entry as read, with where it came from."""

    kind: str  # families | alternatives
    data: dict[str, Any]
    file: str
    index: int
    valid: bool = True  # False when the schema rejected it (kept so ids still resolve)

    @property
    def id(self) -> str:
        value = self.data.get("id")
        return value if isinstance(value, str) else f"#{self.index}"

    def where(self) -> str:
        return f"$.{self.kind}[{self.index}]"


@dataclass(slots=True)
class Layer:
    """The entries of one source (shipped catalogue or one overlay path)."""

    name: str
    files: list[Path] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)


def _json_path(parts: Iterable[str | int]) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _message(err: ValidationError) -> str:
    """A one-line schema message that names the rule instead of dumping long enums."""
    if err.validator == "enum":
        return f"{err.instance!r} is not an allowed value (see the vocabulary in catalog/README.md)"
    if err.validator == "pattern":
        desc = err.schema.get("description") if isinstance(err.schema, dict) else None
        return f"{err.instance!r} has the wrong format" + (f": {desc}" if desc else "")
    if (
        err.validator == "anyOf"
        and isinstance(err.instance, dict)
        and "vendor" in err.instance
        and list(err.relative_schema_path)[-1:] == ["anyOf"]
    ):
        return "a family needs at least one of purls, cpes, names (non-empty)"
    if err.validator == "type" and not err.absolute_path:
        found = "an empty file" if err.instance is None else type(err.instance).__name__
        return f"a catalogue file must be a mapping with a 'families' or 'alternatives' list, not {found}"
    if err.validator == "anyOf" and not err.absolute_path:
        return "a catalogue file needs a top-level 'families' or 'alternatives' list"
    first: str = err.message.splitlines()[0]
    return first


def read_file(path: Path, data: bytes, layer: Layer) -> None:
    """Parse and schema-check one file, adding its entries and violations to ``layer``."""
    name = str(path)
    try:
        doc = parse_yaml(data)
    except yaml.YAMLError as exc:
        layer.violations.append(Violation(name, "", "$", f"YAML error at {yaml_error_place(exc)}"))
        return
    except UnicodeDecodeError as exc:
        layer.violations.append(Violation(name, "", "$", f"not UTF-8 text: {exc.reason}"))
        return
    errors = sorted(validator().iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    bad_entries: set[tuple[str, int]] = set()
    for err in errors:
        parts = list(err.absolute_path)
        entry = ""
        if len(parts) >= 2 and parts[0] in KINDS and isinstance(parts[1], int):
            raw = doc[parts[0]][parts[1]]
            rid = raw.get("id") if isinstance(raw, dict) else None
            entry = rid if isinstance(rid, str) else f"#{parts[1]}"
            bad_entries.add((str(parts[0]), parts[1]))
        layer.violations.append(Violation(name, entry, _json_path(parts), _message(err)))
    if not isinstance(doc, dict):
        return
    for kind in KINDS:
        items = doc.get(kind)
        if not isinstance(items, list):
            continue
        for i, raw in enumerate(items):
            if isinstance(raw, dict):
                layer.entries.append(Entry(kind, raw, name, i, (kind, i) not in bad_entries))
    _check_file_name(path, doc, layer)


def _check_file_name(path: Path, doc: dict[str, Any], layer: Layer) -> None:
    """In ``families/``/``alternatives/`` directories the file name is the category."""
    kind = path.parent.name
    if kind not in KINDS:
        return
    name = str(path)
    if kind not in doc or len(doc) != 1:
        layer.violations.append(
            Violation(name, "", "$", f"a file under {kind}/ must hold only a '{kind}' list")
        )
    if path.stem not in vocabulary("category"):
        layer.violations.append(
            Violation(name, "", "$", f"file name {path.stem!r} is not a category")
        )
    for entry in layer.entries:
        if entry.file == name and entry.kind == "families":
            cat = entry.data.get("category")
            if cat != path.stem:
                layer.violations.append(
                    Violation(
                        name,
                        entry.id,
                        entry.where() + ".category",
                        f"category {cat!r} differs from the file name {path.stem!r}",
                    )
                )


def read_layer(name: str, files: Sequence[tuple[Path, str, bytes]]) -> Layer:
    """Parse and schema-check the gathered files of one layer."""
    layer = Layer(name)
    for path, _label, data in files:
        layer.files.append(path)
        read_file(path, data, layer)
    return layer


@lru_cache(maxsize=1)
def _spdx() -> Any:
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()


@lru_cache(maxsize=1024)
def licence_problem(expr: str) -> str | None:
    """Why a licence string is not an SPDX expression of known ids (LicenseRef-* allowed)."""
    try:
        info = _spdx().validate(expr)
    except Exception as exc:  # license-expression raises odd errors on some malformed input
        return f"invalid SPDX expression {expr!r}: {type(exc).__name__}"
    symbols = [str(s).strip() for s in info.invalid_symbols]
    unknown = sorted(s for s in symbols if s and not s.startswith("LicenseRef-"))
    if unknown:
        return f"unknown SPDX licence id(s) {', '.join(unknown)} in {expr!r}"
    if info.errors and (not symbols or not all(symbols)):
        return f"invalid SPDX expression {expr!r}"
    return None


def _strings(value: Any) -> list[str]:
    """The items of a list field, or [] when the schema already rejected its shape."""
    return value if isinstance(value, list) and all(isinstance(v, str) for v in value) else []


def _article(kind: str) -> str:
    return "a family" if kind == "families" else "an alternative"


def _check_entry(entry: Entry, out: list[Violation]) -> None:
    """Cross-checks on one entry that the schema cannot express."""
    patterns_field = "purls" if entry.kind == "families" else "client_purls"
    for fld in (patterns_field, "exclude"):
        for i, pattern in enumerate(_strings(entry.data.get(fld))):
            problem = pattern_problem(pattern)
            if problem:
                out.append(Violation(entry.file, entry.id, f"{entry.where()}.{fld}[{i}]", problem))
    licences: list[tuple[str, Any]] = [("licence", entry.data.get("licence"))]
    changes = entry.data.get("relicensing")
    for i, change in enumerate(changes if isinstance(changes, list) else ()):
        if isinstance(change, dict):
            licences += [(f"relicensing[{i}].{k}", change.get(k)) for k in ("from", "to")]
    for where, expr in licences:
        if isinstance(expr, str) and (problem := licence_problem(expr)):
            out.append(Violation(entry.file, entry.id, f"{entry.where()}.{where}", problem))
    _check_versions(entry, out)
    allowed = field_paths(entry.kind)
    for i, fname in enumerate(_strings(entry.data.get("unverified"))):
        if fname not in allowed:
            out.append(
                Violation(
                    entry.file,
                    entry.id,
                    f"{entry.where()}.unverified[{i}]",
                    f"{fname!r} is not a field of {_article(entry.kind)}",
                )
            )


def _check_versions(entry: Entry, out: list[Violation]) -> None:
    """Each ``versions`` scope names patterns of the family's ``purls`` and a readable range;
    each ``dormant`` scope names patterns of the family's ``purls``."""
    from osaudit.catalog.versions import range_problem

    purls = set(_strings(entry.data.get("purls")))
    for key in ("versions", "dormant"):
        scopes = entry.data.get(key)
        for i, scope in enumerate(scopes if isinstance(scopes, list) else ()):
            if not isinstance(scope, dict):
                continue
            where = f"{entry.where()}.{key}[{i}]"
            for j, pattern in enumerate(_strings(scope.get("purls"))):
                if pattern not in purls:
                    out.append(
                        Violation(
                            entry.file,
                            entry.id,
                            f"{where}.purls[{j}]",
                            f"{pattern!r} is not one of the family's purls",
                        )
                    )
            spec = scope.get("range") if key == "versions" else None
            if isinstance(spec, str) and (problem := range_problem(spec)):
                out.append(Violation(entry.file, entry.id, f"{where}.range", problem))


def merge_layers(layers: Sequence[Layer]) -> tuple[dict[str, Entry], list[Violation]]:
    """Merge layers by id (later layers replace whole entries) and cross-check the result."""
    merged: dict[str, Entry] = {}
    out: list[Violation] = []
    for layer in layers:
        out.extend(layer.violations)
        seen: dict[str, Entry] = {}
        for entry in layer.entries:
            eid = entry.id
            if eid in seen:
                first = seen[eid]
                out.append(
                    Violation(
                        entry.file,
                        eid,
                        entry.where() + ".id",
                        f"duplicate id, already used at {first.file}: {first.where()}",
                    )
                )
                continue
            seen[eid] = entry
            prior = merged.get(eid)
            if prior is not None and prior.kind != entry.kind:
                out.append(
                    Violation(
                        entry.file,
                        eid,
                        entry.where() + ".id",
                        f"id is {_article(prior.kind)} "
                        f"in {prior.file}; an overlay cannot change an entry's kind",
                    )
                )
                continue
            _check_entry(entry, out)
            merged[eid] = entry
    for entry in merged.values():
        link = entry.data.get("via_catch_all") if entry.kind == "families" else None
        fam = link.get("family") if isinstance(link, dict) else None
        if isinstance(fam, str) and (fam == entry.id or _kind(merged, fam) != "families"):
            out.append(
                Violation(
                    entry.file,
                    entry.id,
                    f"{entry.where()}.via_catch_all.family",
                    f"unknown family {fam!r}" if fam != entry.id else "a family cannot be its own catch-all",
                )
            )
        if entry.kind != "alternatives":
            continue
        reps = entry.data.get("replaces")
        for i, rep in enumerate(reps if isinstance(reps, list) else ()):
            fam = rep.get("family") if isinstance(rep, dict) else None
            if not isinstance(fam, str):
                continue
            target = merged.get(fam)
            if target is None or target.kind != "families":
                out.append(
                    Violation(
                        entry.file,
                        entry.id,
                        f"{entry.where()}.replaces[{i}].family",
                        f"unknown family {fam!r}",
                    )
                )
    return merged, sorted(set(out), key=_natural)


def _kind(merged: dict[str, Entry], entry_id: str) -> str | None:
    target = merged.get(entry_id)
    return target.kind if target is not None else None


def _natural(v: Violation) -> tuple[Any, ...]:
    """Sort violations by file, then JSON path with numeric indexes compared as numbers."""
    parts = re.split(r"(\d+)", v.path)
    return (v.file, [int(p) if p.isdigit() else p for p in parts], v.entry, v.message)
