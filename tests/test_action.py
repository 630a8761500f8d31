"""The GitHub Action: static safety rules and a local run of its steps in order."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tests.action_github_api import FakeGitHub
from tests.action_runner import evaluate, run_action

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
INSTALL_STEP = "Install osaudit"
SBOM = "cyclonedx/json/CycloneDX_bom-examples__SBOM_laravel-7.12.0_bom.1.4.json"


def _steps() -> list[dict]:
    return ACTION["runs"]["steps"]


def test_no_expression_inside_any_run_script() -> None:
    for step in _steps():
        if "run" in step:
            assert "${{" not in step["run"], step.get("name")


def test_every_third_party_action_is_pinned_by_full_sha() -> None:
    uses = [step["uses"] for step in _steps() if "uses" in step]
    assert uses, "the action uses the SBOM generator, setup-python, cache, artifact and SARIF actions"
    for ref in uses:
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", ref), ref


def test_every_input_reaches_scripts_only_through_env() -> None:
    used = set()
    for step in _steps():
        for value in (step.get("env") or {}).values():
            used.update(re.findall(r"inputs\.([\w-]+)", str(value)))
        for value in (step.get("with") or {}).values():
            used.update(re.findall(r"inputs\.([\w-]+)", str(value)))
        used.update(re.findall(r"inputs\.([\w-]+)", str(step.get("if", ""))))
    assert set(ACTION["inputs"]) <= used | {"python-version"}


def test_expression_subset_evaluates_like_github() -> None:
    ctx = {"inputs": {"sbom": "", "upload-sarif": "true"}, "steps": {"audit": {"outputs": {"x": "1"}}}}
    assert evaluate("inputs.sbom == ''", ctx) is True
    assert evaluate("always() && inputs.upload-sarif == 'true' && steps.audit.outputs.x != ''", ctx)
    assert not evaluate("!(inputs.upload-sarif == 'TRUE')", ctx)


def _needs_corpus() -> Path:
    path = CORPUS / SBOM
    if not path.is_file():
        pytest.skip(f"corpus file absent: {path}")
    return path


def _run(tmp_path: Path, inputs: dict[str, str], **kw):
    workspace = tmp_path / "ws"
    workspace.mkdir(exist_ok=True)
    temp = tmp_path / "runner-temp"
    temp.mkdir(exist_ok=True)
    env = {"OSAUDIT_CACHE_DIR": str(tmp_path / "cache"), "SOURCE_DATE_EPOCH": "1795000000"}
    env.update(kw.pop("extra_env", {}))
    return run_action(ROOT, inputs, workspace=workspace, runner_temp=temp,
                      skip_run_steps=(INSTALL_STEP,), extra_env=env, **kw)


def test_local_run_passing_policy(tmp_path: Path) -> None:
    sbom = _needs_corpus()
    run = _run(tmp_path, {"sbom": str(sbom), "offline": "true", "format": "html,csv"})
    assert run.failed_step is None, run.stdout
    assert any("skipped (uses actions/setup-python" in line for line in run.log)
    assert any("skipped (condition false): Generate a CycloneDX SBOM" in line for line in run.log)
    assert any("Upload SARIF" in line and line.startswith("skipped") for line in run.log)
    assert run.outputs["verdict"] in ("pass", "justify")
    report = json.loads(Path(run.outputs["report-path"]).read_text(encoding="utf-8"))
    assert run.outputs["verdict"] == report["verdict"]["art41"]
    assert int(run.outputs["licence-unknown"]) == report["summary"]["licence"]["unknown"]
    assert int(run.outputs["lockin-high"]) == (report["summary"]["lockin"]["high"]
                                               + report["summary"]["lockin"]["critical"])
    assert run.outputs["maintenance-critical"] == str(report["summary"]["maintenance"]["critical"])
    report_dir = Path(run.step_outputs["audit"]["report-dir"])
    assert (report_dir / "osaudit-report.html").is_file()
    assert (report_dir / "osaudit-report.csv").is_file()
    assert (report_dir / "osaudit-report.sarif").is_file()
    assert run.outputs["verdict"] in run.summary.lower()
    assert "policy passed" in run.stdout


def test_local_run_failing_policy(tmp_path: Path) -> None:
    sbom = _needs_corpus()
    policy = tmp_path / "ws" / "osaudit.toml"
    policy.parent.mkdir(parents=True, exist_ok=True)
    policy.write_text('[deny]\npurls = ["pkg:composer/laravel/*"]\nreason = "test deny"\n',
                      encoding="utf-8")
    run = _run(tmp_path, {"sbom": str(sbom), "offline": "true", "policy": "osaudit.toml",
                          "fail-on": "lockin=high"})
    assert run.outputs["verdict"] == "fail"
    assert run.failed_step == "Enforce the policy"
    assert run.exit_code == 1
    assert "::error title=osaudit::policy failed" in run.stdout
    assert Path(run.outputs["report-path"]).is_file(), "reports are written before the job fails"
    assert run.summary.strip(), "the job summary is written even when the policy fails"


def test_missing_sbom_fails_with_annotation(tmp_path: Path) -> None:
    run = _run(tmp_path, {"sbom": "does/not/exist.json", "offline": "true"})
    assert run.failed_step == "Run osaudit"
    assert "::error title=osaudit::sbom: does/not/exist.json: no such file" in run.stdout
    assert run.outputs["verdict"] == ""


def test_bad_policy_fails_with_annotation(tmp_path: Path) -> None:
    sbom = _needs_corpus()
    policy = tmp_path / "ws" / "osaudit.toml"
    policy.parent.mkdir(parents=True, exist_ok=True)
    policy.write_text("[fail-on]\nlockin = 'purple'\n", encoding="utf-8")
    run = _run(tmp_path, {"sbom": str(sbom), "offline": "true", "policy": "osaudit.toml"})
    assert run.failed_step == "Run osaudit"
    assert "::error title=osaudit::" in run.stdout
    assert "osaudit.toml" in run.stdout
    assert "Traceback" not in run.stdout


def test_pr_comment_of_the_full_report_when_pr_mode_is_off(tmp_path: Path) -> None:
    """pr-mode: off comments with the head's report, created once then updated in place."""
    sbom = _needs_corpus()
    with FakeGitHub("dummy-token") as gh:
        gh.state.comment("my-org/citizen-portal", 7, "an unrelated review comment",
                         user={"login": "alice", "id": 1, "type": "User"})
        env = {"GITHUB_API_URL": gh.url, "GITHUB_REPOSITORY": "my-org/citizen-portal"}
        inputs = {"sbom": str(sbom), "offline": "true", "comment-pr": "true", "upload-sarif": "false",
                  "pr-mode": "off"}
        for _ in range(2):
            run = _run(tmp_path, inputs, event_name="pull_request", extra_env=env,
                       event={"pull_request": {"number": 7}})
            assert run.failed_step is None, run.stdout
    unrelated, ours = gh.state.comments[7]
    assert unrelated["body"] == "an unrelated review comment"
    assert ours["body"].startswith("<!-- osaudit:pr-comment -->")
    assert "osaudit diff" not in ours["body"] and len(ours["body"]) <= 65_536
    assert [r["method"] for r in gh.state.requests] == ["GET", "POST", "GET", "PATCH"]
    assert "dummy-token" not in run.stdout


def test_metadata_cache_is_kept_between_runs_and_refreshed_weekly(tmp_path) -> None:
    """actions/cache keeps the metadata cache: per-run keys, restored within the ISO week."""
    import subprocess

    steps = {step.get("name"): step for step in _steps()}
    week, cache, audit = (
        steps["Name the metadata cache's week"],
        steps["Cache package metadata"],
        steps["Run osaudit"],
    )
    assert cache["uses"].startswith("actions/cache@")
    assert cache["with"]["path"] == audit["env"]["OSAUDIT_CACHE_DIR"]
    key, restore = cache["with"]["key"], cache["with"]["restore-keys"].strip()
    assert "steps.metadata-week.outputs.week" in restore and key.startswith(restore)
    assert "github.run_id" in key  # each run saves what it fetched
    names = [step.get("name") for step in _steps()]
    assert names.index("Name the metadata cache's week") < names.index("Cache package metadata")
    assert names.index("Cache package metadata") < names.index("Run osaudit")
    out = tmp_path / "out"
    subprocess.run(
        ["bash", "-c", week["run"]], check=True, env={"GITHUB_OUTPUT": str(out), "PATH": "/usr/bin:/bin"}
    )
    assert re.fullmatch(r"week=\d{4}-W\d{2}\n", out.read_text())


def test_every_variable_the_steps_read_is_set_by_action_yml() -> None:
    """A typo between action.yml's env: blocks and gha.py would silently drop an input."""
    source = (ROOT / "src" / "osaudit").glob("gha*.py")
    read = set()
    for path in source:
        read |= set(re.findall(r"\"(OSAUDIT_[A-Z_]+)\"", path.read_text(encoding="utf-8")))
    set_by_action = {name for step in _steps() for name in (step.get("env") or {})}
    assert read - {"OSAUDIT_CACHE_DIR"} <= set_by_action, read - set_by_action
    assert "OSAUDIT_CACHE_DIR" in set_by_action
