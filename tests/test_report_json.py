"""The JSON report bytes and its JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec
import pytest
from jsonschema import Draft202012Validator

from osaudit.errors import InputError
from osaudit.pipeline import AuditOptions, audit, parse_now
from osaudit.report import model
from osaudit.report.json import load_schema, render, schema_bytes, validate
from osaudit.report.model import SCHEMA_VERSION, Report

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "citizen-portal.cdx.json"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    mp = pytest.MonkeyPatch()
    tmp = tmp_path_factory.mktemp("rep")
    mp.setenv("OSAUDIT_CACHE_DIR", str(tmp / "cache"))
    mp.chdir(tmp)
    try:
        return audit(EXAMPLE, AuditOptions(offline=True, now=parse_now("2026-11-23T00:00:00Z")))
    finally:
        mp.undo()


def test_schema_is_valid_2020_12_with_versioned_id() -> None:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$id"].endswith(":" + SCHEMA_VERSION)
    assert schema["properties"]["schema_version"] == {"const": SCHEMA_VERSION}
    assert json.loads(schema_bytes()) == schema


def test_render_format(report: Report) -> None:
    data = render(report)
    assert data == report.to_json()
    assert data.endswith(b"}\n") and not data.endswith(b"\n\n")
    text = data.decode("utf-8")
    assert text.startswith('{\n  "catalog": ')  # sorted keys, 2-space indent
    assert json.loads(text) == report.to_dict()
    assert json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n" == text
    assert Report.from_json(data) == report and Report.from_json(data).to_json() == data


def test_render_keeps_non_ascii(report: Report) -> None:
    comp = msgspec.structs.replace(report.components[0], name="Zürich-\u202e")
    data = msgspec.structs.replace(report, components=(comp,)).to_json()
    assert '"name": "Zürich-\u202e"'.encode() in data


def test_example_report_valid(report: Report) -> None:
    assert validate(report) == []


def test_report_is_frozen_and_rows_do_not_share_mutable_state(report: Report) -> None:
    """Rows share axis objects (built once per distinct input), so they must be immutable."""
    with pytest.raises(AttributeError):
        report.components[0].licence.category = "Commercial"  # type: ignore[misc]
    assert isinstance(report.components, tuple)
    assert isinstance(report.components[0].licence.raw, tuple)


def _props(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
    for alt in node.get("oneOf", []):
        if alt.get("type") == "object" or "$ref" in alt:
            return _props(schema, alt)
    if node.get("type") == "array":
        return _props(schema, node["items"])
    return node


def test_model_mirrors_the_schema() -> None:
    """Every Struct has exactly the schema's properties; its required fields are required."""
    schema = load_schema()
    seen: set[type] = set()

    def walk(cls: type, node: dict[str, Any], where: str) -> None:
        if cls in seen and where != "$":
            return
        seen.add(cls)
        node = _props(schema, node)
        fields = {f.name: f for f in msgspec.structs.fields(cls)}
        assert set(fields) == set(node["properties"]), f"{where} ({cls.__name__})"
        for name in node.get("required", []):
            f = fields[name]
            nullable_default = f.default is None
            assert f.required or nullable_default or name == "schema_version" or (
                name == "name" and cls is model.Tool
            ), f"{where}.{name} is required by the schema but has a default"
        hints = __import__("typing").get_type_hints(cls)
        for name, f in fields.items():
            for arg in _struct_args(hints[name]):
                walk(arg, node["properties"][name], f"{where}.{name}")

    walk(Report, schema, "$")
    assert len(seen) > 25


def _struct_args(tp: Any) -> list[type]:
    import typing

    out = []
    if isinstance(tp, type) and issubclass(tp, msgspec.Struct):
        out.append(tp)
    for arg in typing.get_args(tp):
        out += _struct_args(arg)
    return out


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda r: r["components"][0]["licence"].update(level="severe"), "$.components[0].licence.level"),
        (lambda r: r["verdict"].update(art41="maybe"), "$.verdict.art41"),
        (lambda r: r["summary"].pop("coverage"), "missing required field `coverage`"),
        (lambda r: r.update(extra=1), "unknown field `extra`"),
        (lambda r: r["components"][0].update(direct="yes"), "$.components[0].direct"),
    ],
)
def test_from_json_rejects_what_the_schema_rejects(
    report: Report, mutate: Any, fragment: str
) -> None:
    bad = report.to_dict()
    mutate(bad)
    with pytest.raises(InputError, match="^bad.json: not an osaudit JSON report: ") as info:
        Report.from_json(json.dumps(bad), source="bad.json")
    assert fragment in str(info.value)
    assert validate(bad)


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
def test_validate_catches(report: Report, mutate: Any, fragment: str) -> None:
    bad = report.to_dict()
    mutate(bad)
    errors = validate(bad)
    assert errors and any(fragment in e for e in errors), errors
