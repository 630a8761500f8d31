"""The JSON report: canonical bytes, the shipped JSON Schema and validation.

Bytes are UTF-8, keys sorted, 2-space indent, one trailing newline; list
orders are fixed by the pipeline (``osaudit.pipeline``), so two runs with the
same inputs and ``--now`` are byte-identical.

:func:`render_chunks` gives the same bytes piece by piece, the components a
batch at a time, so writing a report never holds a whole copy of it (the
command line writes JSON this way: 1M components make a 2.6 GB report).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from typing import Any

import msgspec
import orjson

from osaudit.report.context import RenderContext
from osaudit.report.model import Report

SCHEMA_FILE = "report.schema.json"

#: components encoded per chunk by :func:`render_chunks` (a few MB of output each)
BATCH = 2048

_ENCODER = msgspec.json.Encoder(order="sorted")  # as Report.to_json's
#: where the (empty) component list sits in the canonical bytes: a top-level key is the
#: only line that starts with exactly two spaces and a quote, and JSON strings hold no
#: raw newline, so this cannot match inside a value
_EMPTY_COMPONENTS = b'\n  "components": [],\n'
_OPEN = b'{\n  "components": [\n'
_CLOSE = b"\n  ]\n}"


def render(report: Report, ctx: RenderContext | None = None) -> bytes:
    """The canonical JSON bytes of ``report`` (``ctx`` is accepted for the formatter signature)."""
    return report.to_json()


def render_chunks(report: Report, *, batch: int = BATCH) -> Iterator[bytes]:
    """The bytes of :func:`render`, in pieces whose concatenation equals it exactly.

    The report without its components is formatted once; each batch of
    components is formatted inside ``{"components": [...]}``, which puts its lines
    at the depth the whole-document formatter writes them, and the wrapper is cut off.
    """
    rows = report.components
    head = msgspec.structs.replace(report, components=()).to_json()
    if not rows:
        yield head
        return
    at = head.index(_EMPTY_COMPONENTS)
    yield head[:at] + b'\n  "components": [\n'
    for start in range(0, len(rows), batch):
        wrapped = _ENCODER.encode({"components": rows[start : start + batch]})
        body = msgspec.json.format(wrapped, indent=2)[len(_OPEN) : -len(_CLOSE)]
        yield b",\n" + body if start else body
    yield b"\n  ],\n" + head[at + len(_EMPTY_COMPONENTS) :]


def schema_bytes() -> bytes:
    """The shipped JSON Schema file, byte for byte."""
    return resources.files("osaudit.report").joinpath(SCHEMA_FILE).read_bytes()


@lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    """The report JSON Schema (draft 2020-12) as a dict."""
    schema: dict[str, Any] = orjson.loads(schema_bytes())
    return schema


def validate(report: Report | dict[str, Any]) -> list[str]:
    """Schema violations of ``report``, one line each (JSON path: message); [] when valid."""
    from jsonschema import Draft202012Validator, FormatChecker

    data = report.to_dict() if isinstance(report, Report) else report
    validator = Draft202012Validator(load_schema(), format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{e.json_path}: {e.message}" for e in errors]
