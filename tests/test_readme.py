"""README promises: the two first commands, the CI command, and the published workflows."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


def test_readme_starts_with_the_two_commands() -> None:
    first_two = _blocks("sh")[:2]
    assert "osaudit audit examples/" in first_two[0]
    assert (ROOT / first_two[0].split("osaudit audit ", 1)[1].split()[0]).is_file()
    assert "pytest" in first_two[1]


def test_ci_runs_the_readme_test_command() -> None:
    test_command = _blocks("sh")[1].strip()
    ci_script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    # .ci/run creates and activates the venv itself, then runs the same install + pytest line
    assert test_command.split("&& . .venv/bin/activate && ", 1)[1] in ci_script


def test_readme_workflows_are_the_linted_files() -> None:
    shown = [block for block in _blocks("yaml") if block.startswith("#")]
    files = sorted((ROOT / "docs" / "workflows").glob("*.yml"))
    assert len(shown) == len(files) == 4
    assert sorted(shown) == sorted(f.read_text(encoding="utf-8") for f in files)


def test_python_api_example_runs(tmp_path, monkeypatch) -> None:
    """The README's Python API snippet runs as written (on the example SBOM and policy)."""
    (block,) = [b for b in _blocks("python") if "osaudit.audit(" in b]
    code = block.replace('"sbom.cdx.json"', repr(str(ROOT / "examples" / "citizen-portal.cdx.json")))
    code = code.replace('"osaudit.toml"', repr(str(ROOT / "examples" / "osaudit.toml")))
    monkeypatch.setenv("OSAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    scope: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), scope)  # noqa: S102 - the README's own example
    assert scope["same"] == scope["report"]
