"""Golden files for every format: the sample report and the example SBOM (real pipeline).

The JSON report has golden files too (the example SBOM and a real corpus SBOM, both
``--offline`` with a fixed ``--now``): they prove the report's bytes across refactors.
Every report fixture and JSON golden is checked against the shipped JSON Schema.

Outputs are deterministic (``--now``, sorted data, serial derived from digests). After a
deliberate change, review ``git diff tests/golden`` and regenerate with
``OSAUDIT_UPDATE_GOLDEN=1 python -m pytest tests/test_report_golden.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from osaudit.cli import main
from osaudit.report import EXTENSIONS, FORMATS, RenderContext, render
from osaudit.report.json import validate
from osaudit.report.model import Report
from tests.test_report_support import FIXTURES, GOLDEN, NOW, ROOT, SHARED, sample_report

UPDATE = os.environ.get("OSAUDIT_UPDATE_GOLDEN") == "1"
EXAMPLE = ROOT / "examples" / "citizen-portal.cdx.json"
#: A real SBOM (cyclonedx-py on Amsterdam's Signals) with catalogue hits and a justify verdict.
CORPUS_SBOM = SHARED / "corpus" / "generated" / "Amsterdam_signals.environment.cyclonedx-py.cdx.json"


def _check(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if UPDATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return
    assert path.is_file(), f"missing golden file {path}; run with OSAUDIT_UPDATE_GOLDEN=1"
    expected = path.read_bytes()
    assert data == expected, (
        f"{name} differs from the golden file; review and regenerate with "
        "OSAUDIT_UPDATE_GOLDEN=1 python -m pytest tests/test_report_golden.py"
    )


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_sample_report_golden(fmt):
    ctx = RenderContext(sbom_path="examples/citizen-portal.cdx.json",
                        full_report_hint="osaudit-report.json")
    data = render(fmt, sample_report(), ctx)
    if fmt == "json":  # the fixture itself is the golden file: a byte-identical round trip
        assert data == (FIXTURES / "sample-report.json").read_bytes()
        return
    _check(f"sample{EXTENSIONS[fmt]}", data)


def _audit_cli(tmp_path_factory, sbom: str, formats: list[str]) -> dict[str, bytes]:
    """Run ``osaudit audit SBOM --offline --now NOW`` from the repo root; bytes per format."""
    out = tmp_path_factory.mktemp("golden")
    cache = tmp_path_factory.mktemp("cache")  # empty cache: maintenance unknown, no network
    old_cwd = Path.cwd()
    old_env = os.environ.get("OSAUDIT_CACHE_DIR")
    os.environ["OSAUDIT_CACHE_DIR"] = str(cache)
    os.chdir(ROOT)
    try:
        args = ["audit", sbom, "--offline", "--quiet", "--now", NOW, "--repo-root", "."]
        for fmt in formats:
            args += ["--output", f"{fmt}={out / ('out.' + fmt)}"]
        assert main(args) in (0, 1)
    finally:
        os.chdir(old_cwd)
        if old_env is None:
            os.environ.pop("OSAUDIT_CACHE_DIR", None)
        else:
            os.environ["OSAUDIT_CACHE_DIR"] = old_env
    return {fmt: (out / ("out." + fmt)).read_bytes() for fmt in formats}


@pytest.fixture(scope="module")
def example_outputs(tmp_path_factory) -> dict[str, bytes]:
    if not EXAMPLE.is_file():
        pytest.skip(f"example SBOM {EXAMPLE} not present")
    return _audit_cli(tmp_path_factory, "examples/citizen-portal.cdx.json",
                      [*sorted(FORMATS), "json"])


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_example_sbom_golden(fmt, example_outputs):
    _check(f"citizen-portal{EXTENSIONS[fmt]}", example_outputs[fmt])


def test_example_sbom_json_golden(example_outputs):
    """The JSON report of the example SBOM, byte for byte."""
    _check("citizen-portal.json", example_outputs["json"])


def test_corpus_sbom_json_golden(tmp_path_factory):
    """The JSON report of a real corpus SBOM (path given relative to the repo), byte for byte."""
    if not CORPUS_SBOM.is_file():
        pytest.skip(f"shared corpus SBOM {CORPUS_SBOM} not present")
    rel = os.path.relpath(CORPUS_SBOM, ROOT)
    data = _audit_cli(tmp_path_factory, rel, ["json"])["json"]
    _check("signals.json", data)


def _is_report(path: Path) -> bool:
    """An osaudit report: a JSON object with the report's own top-level keys."""
    try:
        data = json.loads(path.read_bytes())
    except ValueError:
        return False
    return isinstance(data, dict) and {"schema_version", "verdict", "components"} <= data.keys()


def _report_files() -> list[Path]:
    files = [p for p in sorted(FIXTURES.rglob("*.json")) if _is_report(p)]
    files += sorted(GOLDEN.glob("*.json"))
    return [p for p in files if not p.name.endswith(".cdx.json")]


@pytest.mark.parametrize("path", _report_files(), ids=lambda p: p.name)
def test_report_fixture_is_valid(path):
    """Every report fixture and JSON golden is valid under the shipped schema and canonical."""
    data = path.read_bytes()
    assert validate(json.loads(data)) == []
    assert Report.from_json(data).to_json() == data, f"{path.name} is not canonical JSON"


def test_report_fixtures_found():
    names = {p.name for p in _report_files()}
    assert {"sample-report.json", "citizen-portal.json", "signals.json"} <= names
