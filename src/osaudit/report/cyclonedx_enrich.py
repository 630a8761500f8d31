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

import msgspec
import orjson

from osaudit.errors import InputError
from osaudit.report.cyclonedx import (
    NO_PROPERTIES,
    PROPERTIES_SINCE,
    SIGNED,
    Enrichment,
    Prop,
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


def _raw_float(literal: str) -> msgspec.Raw:
    return msgspec.Raw(literal.encode("ascii"))


#: Floats kept as their literal (written back verbatim); integers are exact anyway.
_DECODER = msgspec.json.Decoder(float_hook=_raw_float)


def _load(path: str, source: bytes) -> Any:
    """The document with key order kept and every number as written.

    msgspec reads it (floats as their literal); what strict JSON parsers refuse and
    the reader read tolerantly (raw control characters, lone surrogates) goes
    through the standard library, floats again kept as their literal.
    """
    data, _ = decode(path, source)
    try:
        return _DECODER.decode(data)
    except msgspec.DecodeError:
        pass
    text_in = data.decode("utf-8")
    try:
        return json.loads(text_in, strict=False, parse_float=_Number, parse_constant=_Number)
    except ValueError as exc:  # an integer of more than 4,300 digits: kept as written
        if "integer string conversion" not in str(exc):
            raise InputError(f"{path}: cannot write the document back: {exc}") from None
        return json.loads(text_in, strict=False, parse_float=_Number, parse_int=_Number,
                          parse_constant=_Number)  # fmt: skip
    except RecursionError as exc:
        raise InputError(f"{path}: cannot write the document back: {exc}") from None


def _default(value: object) -> object:
    if isinstance(value, msgspec.Raw):
        return orjson.Fragment(bytes(value))
    if isinstance(value, _Number):
        return orjson.Fragment(str(value))
    raise TypeError(type(value).__name__)


def _plain(value: Any) -> Any:
    """``value`` with numbers as Python numbers and lone surrogates as U+FFFD."""
    if isinstance(value, msgspec.Raw):
        return json.loads(bytes(value))
    if isinstance(value, _Number):
        return json.loads(str(value)) if str(value)[:1] in "-0123456789" else float(value)
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _big_ints(value: Any) -> Any:
    """``value`` with integers beyond 64 bits as their literal (orjson writes 64 bits)."""
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**64:
        return _Number(str(value))
    if isinstance(value, dict):
        return {k: _big_ints(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_big_ints(v) for v in value]
    return value


def _dump(doc: Any) -> bytes:
    option = orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_SUBCLASS
    for attempt in (doc, None):
        try:
            return orjson.dumps(attempt if attempt is not None else _big_ints(doc),
                                default=_default, option=option) + b"\n"  # fmt: skip
        except TypeError:  # orjson.JSONEncodeError: 255+ levels, a big int, a surrogate
            continue
    # the standard library nests deeper; numbers are then written as Python writes
    # them (same values) and a lone surrogate becomes U+FFFD, as the reader reported
    return json.dumps(_plain(doc), ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def _set(obj: dict[str, Any], ours: list[Prop]) -> bool:
    """Give ``obj`` these properties (replacing osaudit's); False if its are not an array."""
    existing = obj.get("properties")
    if existing is None:
        obj["properties"] = ours
    elif isinstance(existing, list):
        kept = [p for p in existing if not (isinstance(p, dict) and is_ours(p.get("name")))]
        obj["properties"] = kept + ours
    else:
        return False
    return True


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
        if placed is not None:
            ref = placed.pop()
        else:
            ref = text(c.get("bom-ref")) or synthetic_ref(f"{loc}[{i}]")
        if not _set(c, plan.for_ref(ref, role or plan.nested_role(ref))):
            skipped.append(f"{loc}[{i}]")
        nested = c.get("components")
        if nested is not None:
            _walk(nested, f"{loc}[{i}].components", plan, placed, skipped, role)


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
    placed = list(reversed(plan.placement)) if plan.use_placement(count_entries(comps)) else None
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
            if not _set(subject, plan.for_ref(ref, "subject")):
                skipped.append(loc)
            _walk(subject.get("components"), f"{loc}.components", plan, None, skipped,
                  role="subproject")  # fmt: skip
        if skipped:
            notes.append(
                f"{len(skipped)} entries have a 'properties' that is not an array, left as "
                f"it was without osaudit properties (first: {skipped[0]})"
            )
        _set(meta, metadata_properties(report, "enriched", notes))
    return _dump(doc)
