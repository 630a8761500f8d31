"""One command line: -q/-v everywhere, --format json, diff's -o, explain by name, policy errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from osaudit.cli import cli, main
from tests.conftest import CORPUS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "citizen-portal.cdx.json"
TRACKDECHETS = CORPUS / "generated" / "MTES-MCT_trackdechets.cdxgen.cdx.json"
NOW = "2026-12-01T00:00:00Z"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OSAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.chdir(tmp_path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


def _leaves(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out = []
    for name, cmd in sorted(group.commands.items()):
        if isinstance(cmd, click.Group):
            out += _leaves(cmd, f"{prefix}{name} ")
        else:
            out.append((f"{prefix}{name}", cmd))
    return out


@pytest.mark.parametrize(("name", "cmd"), _leaves(cli), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_takes_quiet_and_verbose(name: str, cmd: click.Command) -> None:
    opts = {o for p in cmd.params for o in getattr(p, "opts", ())}
    assert {"-q", "--quiet", "-v", "--verbose"} <= opts, name


@pytest.mark.parametrize(("name", "cmd"), _leaves(cli), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_that_prints_data_takes_format_json(name: str, cmd: click.Command) -> None:
    if name in ("cache clear", "portfolio ingest", "portfolio export"):
        return  # they print no data, only what they did
    fmt = next(p for p in cmd.params if "--format" in getattr(p, "opts", ()))
    assert isinstance(fmt.type, click.Choice) and "json" in fmt.type.choices, name


def test_quiet_keeps_stderr_to_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = run(capsys, "catalog", "list", "--kind", "family")
    assert rc == 0 and err.strip().endswith("entries")
    rc, out2, err = run(capsys, "catalog", "list", "--kind", "family", "-q")
    assert rc == 0 and out2 == out and err == ""
    rc, _, err = run(capsys, "audit", str(EXAMPLE), "--offline", "--now", NOW, "-q", "-o", "r.json")
    assert rc == 0 and err == ""


def test_quiet_and_verbose_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = run(capsys, "inspect", str(EXAMPLE), "-q", "-v")
    assert rc == 2 and out == ""
    assert err.strip() == "osaudit: error: -q/--quiet and -v/--verbose exclude each other: choose one"


def test_cache_info_format_json_and_the_deprecated_flag(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = run(capsys, "cache", "info", "--format", "json")
    assert rc == 0 and err == ""
    data = json.loads(out)
    assert data["kinds"] == [] and data["path"].endswith("osaudit.sqlite3") or "path" in data
    rc, out2, err = run(capsys, "cache", "info", "--json")
    assert rc == 0 and json.loads(out2) == data
    assert "deprecated: use --format json" in err
    assert "--json" not in main_help(capsys, "cache", "info")


def main_help(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main([*args, "--help"]) == 0
    return capsys.readouterr().out


def test_catalog_validate_format_json(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "catalog", "validate", "--format", "json")
    data = json.loads(out)
    assert rc == 0 and data["valid"] is True and data["violations"] == []
    assert data["families"] > 200 and data["alternatives"] > 100


# --------------------------------------------------------------------------- diff


@pytest.fixture()
def reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """Two reports of the example: without and with a policy that fails on lock-in."""
    base, head = tmp_path / "base.json", tmp_path / "head.json"
    assert main(["audit", str(EXAMPLE), "--offline", "-q", "--now", NOW, "-o", str(base)]) == 0
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["components"] = [c for c in data["components"] if "twilio" not in c.get("purl", "")]
    smaller = tmp_path / "smaller.cdx.json"
    smaller.write_text(json.dumps(data), encoding="utf-8")
    assert main(["audit", str(smaller), "--offline", "-q", "--now", NOW, "-o", str(head)]) == 0
    capsys.readouterr()
    return base, head


def test_diff_o_infers_the_format_like_audit(
    reports: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, head = reports
    rc, out, _ = run(capsys, "diff", str(base), str(head), "-o", "d.md", "--output", "d.json",
                     "--output", "text=d.txt")  # fmt: skip
    assert rc == 0 and out == ""
    assert (tmp_path / "d.md").read_text().startswith("#")
    assert json.loads((tmp_path / "d.json").read_text())["changes"] is not None
    assert "removed" in (tmp_path / "d.txt").read_text().lower()
    rc, out, err = run(capsys, "diff", str(base), str(head), "-o", "d.pdf")
    assert rc == 2 and "d.pdf" in err and "--format" in err
    rc, out, _ = run(capsys, "diff", str(base), str(head), "--format", "md")
    assert rc == 0 and out.startswith("#")


def test_diff_of_two_sboms_says_what_to_run_first(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = run(capsys, "diff", str(EXAMPLE), str(EXAMPLE))
    assert rc == 2 and out == ""
    (line,) = err.strip().splitlines()
    assert f"{EXAMPLE}: this is an SBOM (CycloneDX JSON), not an osaudit report" in line
    assert f"osaudit audit {EXAMPLE} -o base.json" in line and "osaudit diff base.json head.json" in line


def test_diff_of_a_non_report_keeps_its_own_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "x.json"
    other.write_text('{"hello": 1}')
    rc, _, err = run(capsys, "diff", str(other), str(other))
    assert rc == 2 and "schema_version" in err and "SBOM" not in err


# --------------------------------------------------------------------------- explain by name


@pytest.mark.parametrize(
    ("name", "purl", "family"),
    [("boto3", "pkg:pypi/boto3", "aws-core-sdk"), ("@sentry/react", "pkg:npm/@sentry/react", "sentry"),
     ("com.amazonaws:aws-java-sdk-s3", "pkg:maven/com.amazonaws/aws-java-sdk-s3", "aws-s3")],
)  # fmt: skip
def test_explain_a_name_searches_the_catalogue(
    name: str, purl: str, family: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, out, err = run(capsys, "explain", name)
    assert rc == 0, err
    assert out.startswith(f"{name!r} is not a purl")
    assert f"  {purl}\n" in out and f"family {family} (" in out
    rc, out, _ = run(capsys, "explain", name, "--format", "json")
    row = next(r for r in json.loads(out)["purls"] if r["purl"] == purl)
    assert family in row["families"]
    rc, out, _ = run(capsys, "explain", purl, "--format", "json")  # the purl it suggests works
    assert family in [f["id"] for f in json.loads(out)["families"]]


def test_explain_an_unknown_name(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "explain", "left-pad")
    assert rc == 0 and "no catalogue entry names or mentions it" in out


# --------------------------------------------------------------------------- policy errors


def test_policy_file_reports_all_errors_with_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "osaudit.toml"
    policy.write_text(
        'project-licence = "EUPL-1.2"\n'          # 1
        "fail_on = 1\n"                            # 2 unknown key
        "[fail-on]\n"                              # 3
        'lockin = "hihg"\n'                        # 4 bad level
        'licence = "high"\n'                       # 5
        "[deny]\n"                                 # 6
        'purls = ["boto3", "pkg:npm/ok"]\n'        # 7 not a purl
        "[[exception]]\n"                          # 8 missing approver
        'component = "pkg:pypi/twilio"\n'          # 9
        'reason = "SMS"\n'                         # 10
        "expires = 2027-01-01\n",                  # 11
        encoding="utf-8",
    )  # fmt: skip
    rc, out, err = run(capsys, "audit", str(EXAMPLE), "--offline", "--now", NOW, "--policy", str(policy))
    assert rc == 2 and out == ""
    lines = err.strip().splitlines()
    assert [ln.split(": ", 3)[2] for ln in lines] == [
        f"{policy}:2", f"{policy}:4", f"{policy}:7", f"{policy}:8"]  # fmt: skip
    assert all(ln.startswith("osaudit: error: ") for ln in lines)
    assert "unknown key 'fail_on'" in lines[0] and "fail-on.lockin: must be one of" in lines[1]
    assert "'boto3' is not a purl pattern" in lines[2] and "missing 'approver'" in lines[3]


def test_policy_errors_through_the_python_api_are_one_string(tmp_path: Path) -> None:
    from osaudit.errors import ConfigError
    from osaudit.scoring.policy import load_policy

    policy = tmp_path / "osaudit.toml"
    policy.write_text('[fail-on]\nlockin = "x"\nmaintenance = "y"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_policy(str(policy))
    assert len(info.value.errors) == 2 and "\n" not in str(info.value)
    assert str(info.value) == "; ".join(info.value.errors)


# --------------------------------------------------------------------------- completion


def _osaudit_bin() -> str:
    found = shutil.which("osaudit") or str(Path(sys.executable).parent / "osaudit")
    if not Path(found).exists():
        pytest.skip("the osaudit console script is not installed")
    return found


def test_bash_completion_as_the_readme_says(tmp_path: Path) -> None:
    """``eval "$(_OSAUDIT_COMPLETE=bash_source osaudit)"`` then TAB: real bash, real script."""
    exe = _osaudit_bin()
    env = {**os.environ, "PATH": f"{Path(exe).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    script = (
        'eval "$(_OSAUDIT_COMPLETE=bash_source osaudit)"\n'
        "COMP_WORDS=(osaudit au); COMP_CWORD=1; _osaudit_completion osaudit; echo \"${COMPREPLY[*]}\"\n"
        "COMPREPLY=(); COMP_WORDS=(osaudit audit x.json --format m); COMP_CWORD=4; _osaudit_completion osaudit;"
        ' echo "${COMPREPLY[*]}"\n'
    )
    proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env,
                          cwd=tmp_path, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    first, second = proc.stdout.splitlines()
    assert first == "audit"
    assert set(second.split()) == {"markdown", "md"}


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_other_shells_get_a_script(shell: str) -> None:
    exe = _osaudit_bin()
    proc = subprocess.run([exe], capture_output=True, text=True, check=False,
                          env={**os.environ, "_OSAUDIT_COMPLETE": f"{shell}_source"})  # fmt: skip
    assert proc.returncode == 0 and "_osaudit_completion" in proc.stdout
