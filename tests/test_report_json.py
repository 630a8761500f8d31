"""The JSON report bytes and its JSON Schema."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from osaudit.audit import SCHEMA_VERSION, run
from osaudit.report.json import load_schema, render, schema_bytes, validate

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "citizen-portal.cdx.json"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    mp = pytest.MonkeyPatch()
    tmp = tmp_path_factory.mktemp("rep")
    mp.setenv("OSAUDIT_CACHE_DIR", str(tmp / "cache"))
    mp.chdir(tmp)
    try:
        return run(str(EXAMPLE), offline=True, now="2026-11-23T00:00:00Z")
    finally:
        mp.undo()


def test_schema_is_valid_2020_12_with_versioned_id() -> None:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$id"].endswith(":" + SCHEMA_VERSION)
    assert schema["properties"]["schema_version"] == {"const": SCHEMA_VERSION}
    assert json.loads(schema_bytes()) == schema


def test_render_format(report: dict[str, Any]) -> None:
    data = render(report)
    assert data.endswith(b"}\n") and not data.endswith(b"\n\n")
    text = data.decode("utf-8")
    assert text.startswith('{\n  "catalog": ')  # sorted keys, 2-space indent
    assert json.loads(text) == report
    assert render(copy.deepcopy(report)) == data


def test_render_keeps_non_ascii() -> None:
    assert render({"b": "Zürich", "a": 1}) == '{\n  "a": 1,\n  "b": "Zürich"\n}\n'.encode()


def test_example_report_valid(report: dict[str, Any]) -> None:
    assert validate(report) == []


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda r: r["components"][0]["lockin"].update(level="unknown"), "is not of type 'null'"),
        (lambda r: r["components"][0]["licence"].update(level="severe"), "is not one of"),
        (lambda r: r["verdict"].update(art41="maybe"), "is not one of"),
        (lambda r: r["summary"].pop("coverage"), "'coverage' is a required property"),
        (lambda r: r.update(extra=1), "Additional properties"),
        (lambda r: r["components"][0]["maintenance"].update(score=101), "maximum"),
        (lambda r: r.update(schema_version="2.0"), "'1.0' was expected"),
    ],
)
def test_validate_catches(report: dict[str, Any], mutate: Any, fragment: str) -> None:
    bad = copy.deepcopy(report)
    mutate(bad)
    errors = validate(bad)
    assert errors and any(fragment in e for e in errors), errors
