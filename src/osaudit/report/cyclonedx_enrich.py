"""CycloneDX JSON input written back with ``osaudit:`` properties, everything else kept.

The document is parsed with key order kept and every number kept as written (a float
or a very long integer is carried as its literal text), properties are added, and it
is re-serialised (2-space indent, UTF-8, trailing newline). What changes:

* each component entry (nested ones, ``metadata.component`` and the components nested
  in it included) gets its ``osaudit:`` properties appended to ``properties``; existing
  ``osaudit:`` properties (a BOM enriched before) are replaced, never duplicated;
* ``metadata.properties`` gets the verdict, catalogue digest and time (``metadata`` is
  added after the header fields when the document has none);
* a 1.0–1.2 document (no ``properties`` in those versions) gets ``specVersion`` 1.3;
* the layout (indentation, escapes such as ``\\u00e9``) is osaudit's, not the input's;
  a lone UTF-16 surrogate, which is not text, becomes U+FFFD as the reader reported.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from osaudit.errors import InputError
from osaudit.report.cyclonedx import (
    NO_PROPERTIES,
    PROPERTIES_SINCE,
    SIGNED,
    Enrichment,
    Pair,
    count_entries,
    is_ours,
    metadata_properties,
    synthetic_ref,
)
from osaudit.report.model import Report
from osaudit.sbom.common import text
from osaudit.sbom.sniff import decode

_HEADER = ("bomFormat", "specVersion", "serialNumber", "version")


class _Number(str):
    """A JSON number exactly as written (floats, integers beyond 64 bits)."""

    __slots__ = ()


def _int(literal: str) -> int | _Number:
    return int(literal) if len(literal) <= 18 else _Number(literal)


def _load(path: str, source: bytes) -> Any:
    data, _ = decode(path, source)
    try:
        return json.loads(
            data.decode("utf-8"),
            strict=False,  # raw control characters, read tolerantly as the reader does
            parse_float=_Number,
            parse_int=_int,
            parse_constant=_Number,
        )
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InputError(f"{path}: cannot write the document back: {exc}") from None


def _default(value: object) -> object:
    if isinstance(value, _Number):
        return orjson.Fragment(str(value))
    raise TypeError(type(value).__name__)


def _plain(value: Any) -> Any:
    """``value`` with numbers as Python numbers and lone surrogates as U+FFFD."""
    if isinstance(value, _Number):
        return json.loads(str(value)) if str(value)[:1] in "-0123456789" else float(value)
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _dump(doc: Any) -> bytes:
    try:
        option = orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_SUBCLASS
        return orjson.dumps(doc, default=_default, option=option) + b"\n"
    except TypeError:  # orjson.JSONEncodeError: more than 254 levels, or a lone surrogate
        # (the standard library nests deeper; numbers are then written as Python
        # writes them, same values, and a lone surrogate becomes U+FFFD as read)
        return json.dumps(_plain(doc), ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def _set(obj: dict[str, Any], pairs: list[Pair], skipped: list[str], where: str) -> None:
    ours = [{"name": n, "value": v} for n, v in pairs]
    existing = obj.get("properties")
    if existing is None:
        obj["properties"] = ours
    elif isinstance(existing, list):
        kept = [p for p in existing if not (isinstance(p, dict) and is_ours(p.get("name")))]
        obj["properties"] = kept + ours
    else:
        skipped.append(where)


def _walk(
    comps: Any,
    loc: str,
    plan: Enrichment,
    placed: list[str] | None,
    skipped: list[str],
    role: str | None = None,
) -> None:
    """Enrich a components array the way the reader walks it (depth first)."""
    if not isinstance(comps, list):
        return
    for i, c in enumerate(comps):
        if not isinstance(c, dict):
            continue
        here = f"{loc}[{i}]"
        ref = placed.pop() if placed is not None else text(c.get("bom-ref")) or synthetic_ref(here)
        kind = role or plan.nested_role(ref)
        _set(c, plan.for_ref(ref, kind), skipped, here)
        _walk(c.get("components"), f"{here}.components", plan, placed, skipped, role)


def _with_metadata(doc: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    """``doc`` with ``metadata`` placed after its header fields."""
    anchor = next((k for k in reversed(_HEADER) if k in doc), None)
    if anchor is None:
        return {"metadata": meta, **doc}
    out: dict[str, Any] = {}
    for key, value in doc.items():
        out[key] = value
        if key == anchor:
            out["metadata"] = meta
    return out


def enrich(source: bytes, report: Report, plan: Enrichment, path: str) -> bytes:
    """The CycloneDX JSON ``source`` with osaudit's properties added."""
    doc = _load(path, source)
    if not isinstance(doc, dict):
        raise InputError(f"{path}: $: not a CycloneDX document (expected an object)")
    notes: list[str] = []
    spec = doc.get("specVersion")
    if isinstance(spec, str) and spec in NO_PROPERTIES:
        doc["specVersion"] = PROPERTIES_SINCE
        notes.append(
            f"specVersion {spec} has no properties: written as {PROPERTIES_SINCE}, "
            "the smallest version that has them; nothing else changed"
        )
    if "signature" in doc:
        notes.append(SIGNED)
    skipped: list[str] = []
    comps = doc.get("components")
    entries = sum(1 for _ in count_entries(comps))
    placed = list(reversed(plan.placement)) if plan.use_placement(entries) else None
    _walk(comps, "$.components", plan, placed, skipped)

    meta = doc.get("metadata")
    if meta is None:
        meta = {}
        doc = _with_metadata(doc, meta)
    if isinstance(meta, dict):
        subject = meta.get("component")
        if isinstance(subject, dict):
            loc = "$.metadata.component"
            ref = plan.subject or text(subject.get("bom-ref")) or synthetic_ref(loc)
            _set(subject, plan.for_ref(ref, "subject"), skipped, loc)
            _walk(subject.get("components"), f"{loc}.components", plan, None, skipped,
                  role="subproject")  # fmt: skip
        if skipped:
            notes.append(
                f"{len(skipped)} entries have a 'properties' that is not an array, left as "
                f"it was without osaudit properties (first: {skipped[0]})"
            )
        _set(meta, metadata_properties(report, "enriched", notes), [], "$.metadata")
    return _dump(doc)
