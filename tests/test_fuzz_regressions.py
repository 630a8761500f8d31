"""The fuzz harness (tests/fuzz): crashers found so far are replayed, and every target
fuzzes for a short fixed budget when atheris is installed (issue 16)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fuzz.targets import TARGETS, target

ROOT = Path(__file__).resolve().parents[1]
REGRESSIONS = ROOT / "tests" / "fuzz" / "regressions"
CASES = sorted(
    (d.name, p) for d in REGRESSIONS.iterdir() if d.is_dir() for p in d.iterdir() if p.is_file()
)
CI_SECONDS = 5  # per target; a developer runs `python -m tests.fuzz.run all --seconds 600`


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OSAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("name, path", CASES, ids=[f"{n}/{p.name}" for n, p in CASES])
def test_regression_keeps_the_contract(name: str, path: Path) -> None:
    target(name)(path.read_bytes())  # raises ContractBroken (or worse) if it regressed


def test_regressions_folder_names_only_targets() -> None:
    assert {d.name for d in REGRESSIONS.iterdir() if d.is_dir()} <= set(TARGETS)


@pytest.mark.skipif(importlib.util.find_spec("atheris") is None, reason="atheris not installed")
def test_fuzz_every_target_briefly() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")])}
    proc = subprocess.run(
        [sys.executable, "-m", "tests.fuzz.run", "all", "--seconds", str(CI_SECONDS)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("fuzz ")]
    assert len(lines) == len(TARGETS) and all(ln.endswith(", ok") for ln in lines), proc.stdout
