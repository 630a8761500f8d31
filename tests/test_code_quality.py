"""ruff and mypy are part of the test suite: the code base stays clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str) -> str:
    path = shutil.which(name) or str(Path(sys.executable).parent / name)
    if not Path(path).exists():
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return path


def test_ruff_clean() -> None:
    proc = subprocess.run([_tool("ruff"), "check", "src", "tests", "benchmarks"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_clean() -> None:
    proc = subprocess.run([_tool("mypy"), "src/osaudit"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_public_api_is_typed_for_users(tmp_path: Path) -> None:
    """A user script with a misspelt report field fails mypy; the correct one passes."""
    good = (
        "import osaudit\n"
        "report = osaudit.audit('sbom.json', osaudit.AuditOptions(offline=True))\n"
        "level: str = report.components[0].lockin.level\n"
        "art41: str = report.verdict.art41\n"
    )
    (tmp_path / "good.py").write_text(good, encoding="utf-8")
    (tmp_path / "bad.py").write_text(
        good + "print(report.components[0].lockin.scroe)\n", encoding="utf-8"
    )
    env = {**__import__("os").environ, "MYPYPATH": str(ROOT / "src")}
    args = [_tool("mypy"), "--strict", "--no-incremental", "--cache-dir", str(tmp_path / "c")]
    ok = subprocess.run([*args, "good.py"], cwd=tmp_path, env=env,
                        capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = subprocess.run([*args, "bad.py"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert '"LockinAxis" has no attribute "scroe"' in bad.stdout
