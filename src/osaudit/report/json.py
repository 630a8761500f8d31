"""The JSON report: canonical bytes, the shipped JSON Schema and validation.

Bytes are UTF-8, keys sorted, 2-space indent, one trailing newline; list
orders are fixed by the pipeline (``osaudit.audit``), so two runs with the
same inputs and ``--now`` are byte-identical.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import orjson

SCHEMA_FILE = "report.schema.json"


def render(report: dict[str, Any], ctx: object = None) -> bytes:
    """Serialise a report dict (``ctx`` is accepted for the formatter signature)."""
    return orjson.dumps(report, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2) + b"\n"


def schema_bytes() -> bytes:
    """The shipped JSON Schema file, byte for byte."""
    return resources.files("osaudit.report").joinpath(SCHEMA_FILE).read_bytes()


@lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    """The report JSON Schema (draft 2020-12) as a dict."""
    schema: dict[str, Any] = orjson.loads(schema_bytes())
    return schema


def validate(report: dict[str, Any]) -> list[str]:
    """Schema violations of ``report``, one line each (JSON path: message); [] when valid."""
    from jsonschema import Draft202012Validator, FormatChecker

    validator = Draft202012Validator(load_schema(), format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(report), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{e.json_path}: {e.message}" for e in errors]
