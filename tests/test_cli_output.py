"""Where a report goes: format from ``-o``'s extension, ``md``, ``--output PATH``, closed pipes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from osaudit.cli import main
from osaudit.report.formats import format_for_path, format_name
from tests.conftest import CORPUS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "citizen-portal.cdx.json"
TRACKDECHETS = CORPUS / "generated" / "MTES-MCT_trackdechets.cdxgen.cdx.json"
NOW = "2026-12-01T00:00:00Z"
CLI = [sys.executable, "-c", "from osaudit.cli import run; run()"]


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OSAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.chdir(tmp_path)


def _audit(capsysbinary: pytest.CaptureFixture[bytes], *args: str) -> tuple[int, bytes, str]:
    rc = main(["audit", str(EXAMPLE), "--offline", "--now", NOW, *args])
    out, err = capsysbinary.readouterr()
    return rc, out, err.decode()


def _kind(data: bytes) -> str:
    """Which format these bytes are, by their content."""
    text = data.decode("utf-8")
    if text.lstrip().lower().startswith("<!doctype html"):
        return "html"
    if text.startswith("osaudit "):
        return "text"
    if text.startswith("# ") or text.startswith("## "):
        return "markdown"
    if text.startswith("ref,") or text.startswith('"ref"') or text.split("\n", 1)[0].count(",") > 3:
        return "csv"
    doc = json.loads(text)
    if "$schema" in doc and "sarif" in doc["$schema"]:
        return "sarif"
    if doc.get("bomFormat") == "CycloneDX":
        return "cyclonedx"
    return "json" if "schema_version" in doc else "?"


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("report.html", "html"), ("report.htm", "html"), ("r.md", "markdown"),
     ("r.markdown", "markdown"), ("r.sarif", "sarif"), ("r.sarif.json", "sarif"),
     ("r.cdx.json", "cyclonedx"), ("r.csv", "csv"), ("r.txt", "text"), ("r.json", "json"),
     ("R.HTML", "html")],
)  # fmt: skip
def test_o_infers_the_format_from_the_extension(
    name: str, fmt: str, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    rc, out, err = _audit(capsysbinary, "-o", name)
    assert rc == 0, err
    assert out == b""
    assert _kind((tmp_path / name).read_bytes()) == fmt


def test_unknown_extension_is_a_one_line_usage_error(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    rc, out, err = _audit(capsysbinary, "-o", "report.pdf")
    assert rc == 2 and out == b""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "report.pdf" in lines[0] and "--format" in lines[0]
    assert ".html" in lines[0] and not (tmp_path / "report.pdf").exists()


def test_explicit_format_wins_over_the_extension_with_a_warning(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    rc, _, err = _audit(capsysbinary, "--format", "json", "-o", "report.html")
    assert rc == 0
    assert _kind((tmp_path / "report.html").read_bytes()) == "json"
    assert "osaudit: warning: -o report.html: writing json as --format says" in err


def test_md_is_a_format_name(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    rc, out, _ = _audit(capsysbinary, "--format", "md", "--output", "md=two.md")
    assert rc == 0
    assert _kind(out) == "markdown" and (tmp_path / "two.md").read_bytes() == out
    assert format_name("MD") == "markdown" and format_name("txt") == "text"
    assert format_name("pdf") is None and format_for_path("x.pdf") is None


def test_output_path_without_format(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    rc, out, err = _audit(capsysbinary, "--output", "a.sarif", "--output", "sub=dir.html")
    assert rc == 2 and "sub=dir.html" in err  # neither a format nor a path with a known ending
    rc, out, _ = _audit(capsysbinary, "--output", "a.sarif", "--output", "b=c.csv")
    assert rc == 2
    (tmp_path / "d").mkdir()
    rc, out, _ = _audit(capsysbinary, "--output", "a.sarif", "--output", "d/x=y.csv")
    assert rc == 0 and out == b""
    assert _kind((tmp_path / "a.sarif").read_bytes()) == "sarif"
    assert _kind((tmp_path / "d" / "x=y.csv").read_bytes()) == "csv"


# --------------------------------------------------------------------------- closed stdout


def _closed_early(args: list[str], tmp_path: Path, *, read_first: bool) -> tuple[int, str]:
    """Run the CLI into a real pipe whose reader goes away (after one line, or at once)."""
    env = {**os.environ, "OSAUDIT_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen([*CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, env=env, cwd=ROOT)  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    if read_first:
        proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    return proc.wait(120), err


def test_inspect_into_a_closed_pipe_exits_0_quietly(tmp_path: Path) -> None:
    rc, err = _closed_early(["inspect", str(EXAMPLE)], tmp_path, read_first=False)
    assert rc == 0 and err == ""


@pytest.mark.parametrize("args", [["catalog", "list"], ["schema"], ["explain", "pkg:pypi/boto3"]])
def test_other_commands_into_a_closed_pipe_exit_0(args: list[str], tmp_path: Path) -> None:
    rc, err = _closed_early(args, tmp_path, read_first=False)
    assert rc == 0 and "Traceback" not in err and "Broken pipe" not in err


def test_audit_piped_to_head_keeps_its_verdict_code(tmp_path: Path) -> None:
    """``audit ... | head``: the report is cut, the exit code is still the verdict's."""
    if not TRACKDECHETS.is_file():
        pytest.skip("corpus SBOM not present")
    base = ["audit", str(TRACKDECHETS), "--offline", "-q", "--now", NOW]  # 10 MB of JSON
    rc, err = _closed_early(base, tmp_path, read_first=True)
    assert rc == 0 and err == ""
    rc, err = _closed_early([*base, "--fail-on", "lockin=high"], tmp_path, read_first=True)
    assert rc == 1 and "gate lockin>=high failed" in err and "Broken pipe" not in err


def test_shell_pipe_to_head(tmp_path: Path) -> None:
    """The same through a shell, as a user types it."""
    env = {**os.environ, "OSAUDIT_CACHE_DIR": str(tmp_path / "cache")}
    cmd = (f"{sys.executable} -c 'from osaudit.cli import run; run()' audit {EXAMPLE} --offline "
           f"-q --now {NOW} | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}")  # fmt: skip
    proc = subprocess.run(["bash", "-c", cmd], capture_output=True, env=env, check=True)
    assert proc.stdout.decode().strip() == "0" and proc.stderr == b""


# --------------------------------------------------------------------------- --fail-on spellings


@pytest.mark.parametrize(
    "args",
    [["--fail-on", "lockin=high,licence=high"], ["--fail-on", "lock-in=high, license=high"],
     ["--fail-on", "licence=high\nlockin=high"], ["--fail-on", "lockin=high", "--fail-on", "licence=high"]],
)  # fmt: skip
def test_fail_on_as_the_action_takes_it(
    args: list[str], tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    rc, _, err = _audit(capsysbinary, "-q", "-o", "r.json", *args)
    assert rc == 1, err
    report = json.loads((tmp_path / "r.json").read_bytes())
    assert report["policy"]["fail_on"] == {"licence": "high", "lockin": "high"}
    assert err.strip().splitlines()[-1].startswith("osaudit: gate lockin>=high failed")


def test_fail_on_bad_axis_names_the_spellings(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    rc, _, err = _audit(capsysbinary, "--fail-on", "lockin=high,vendor=high")
    assert rc == 2
    assert "'vendor=high'" in err and "lock-in" in err and len(err.strip().splitlines()) == 1
