"""The JSON report: canonical bytes, the shipped JSON Schema and validation.

Bytes are UTF-8, keys sorted, 2-space indent, one trailing newline; list
orders are fixed by the pipeline (``osaudit.pipeline``), so two runs with the
same inputs and ``--now`` are byte-identical.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import orjson

from osaudit.report.context import RenderContext
from osaudit.report.model import Report

SCHEMA_FILE = "report.schema.json"


def render(report: Report, ctx: RenderContext | None = None) -> bytes:
    """The canonical JSON bytes of ``report`` (``ctx`` is accepted for the formatter signature)."""
    return report.to_json()


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
