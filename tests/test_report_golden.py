"""Golden files for every format: the sample report and the example SBOM (real pipeline).

Outputs are deterministic (``--now``, sorted data, serial derived from digests). After a
deliberate change, review ``git diff tests/golden`` and regenerate with
``OSAUDIT_UPDATE_GOLDEN=1 python -m pytest tests/test_report_golden.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from osaudit.cli import main
from osaudit.report import EXTENSIONS, FORMATS, RenderContext, render
from tests.test_report_support import GOLDEN, NOW, ROOT, sample_report

UPDATE = os.environ.get("OSAUDIT_UPDATE_GOLDEN") == "1"
EXAMPLE = ROOT / "examples" / "citizen-portal.cdx.json"


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
    _check(f"sample{EXTENSIONS[fmt]}", render(fmt, sample_report(), ctx))


@pytest.fixture(scope="module")
def example_outputs(tmp_path_factory) -> dict[str, bytes]:
    if not EXAMPLE.is_file():
        pytest.skip(f"example SBOM {EXAMPLE} not present")
    out = tmp_path_factory.mktemp("golden")
    cache = tmp_path_factory.mktemp("cache")  # empty cache: maintenance unknown, no network
    old_cwd = Path.cwd()
    old_env = os.environ.get("OSAUDIT_CACHE_DIR")
    os.environ["OSAUDIT_CACHE_DIR"] = str(cache)
    os.chdir(ROOT)
    try:
        args = ["audit", "examples/citizen-portal.cdx.json", "--offline", "--quiet",
                "--now", NOW, "--repo-root", "."]
        for fmt in sorted(FORMATS):
            args += ["--output", f"{fmt}={out / ('out' + EXTENSIONS[fmt])}"]
        args += ["--output", f"json={out / 'report.json'}"]
        assert main(args) in (0, 1)
    finally:
        os.chdir(old_cwd)
        if old_env is None:
            os.environ.pop("OSAUDIT_CACHE_DIR", None)
        else:
            os.environ["OSAUDIT_CACHE_DIR"] = old_env
    return {fmt: (out / ("out" + EXTENSIONS[fmt])).read_bytes() for fmt in FORMATS}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_example_sbom_golden(fmt, example_outputs):
    _check(f"citizen-portal{EXTENSIONS[fmt]}", example_outputs[fmt])
