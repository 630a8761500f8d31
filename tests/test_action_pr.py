"""The Action's pull-request mode, run step by step against a git repository and a
GitHub REST stand-in on 127.0.0.1 (tests/action_github_api.py).

The two SBOMs are the real example (examples/citizen-portal.cdx.json) and the same
SBOM without some of its components: the pull request adds or removes those.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from osaudit import gha_comment
from tests.action_github_api import FakeGitHub
from tests.action_runner import ActionRun, run_action

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "citizen-portal.cdx.json"
TOKEN = "ghs_fakeTokenForTheTestOnly0123456789"
INSTALL_STEP = "Install osaudit"
WORKFLOW = yaml.safe_load((ROOT / "docs" / "workflows" / "pr-gate.yml").read_text(encoding="utf-8"))
#: The inputs of README's pull-request gate (docs/workflows/pr-gate.yml), offline for the test.
README_GATE = {**next(s["with"] for s in WORKFLOW["jobs"]["osaudit"]["steps"]
                      if s["uses"].startswith("osaudit/osaudit@")), "offline": "true"}


def _without(names: set[str]) -> bytes:
    """The example SBOM without the components named (and their dependency edges)."""
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    gone = {c["bom-ref"] for c in doc["components"] if c["name"] in names}
    assert len(gone) == len(names), names
    doc["components"] = [c for c in doc["components"] if c["bom-ref"] not in gone]
    doc["dependencies"] = [
        {**d, "dependsOn": [r for r in d.get("dependsOn", []) if r not in gone]}
        for d in doc["dependencies"] if d["ref"] not in gone
    ]
    return json.dumps(doc, indent=2).encode()


def _git(ws: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin", "HOME": str(ws)}
    return subprocess.run(["git", "-C", str(ws), *args], check=True, capture_output=True,
                          text=True, env=env).stdout.strip()


class Repo:
    """A workspace with a base commit and the pull request's head checked out."""

    def __init__(self, tmp: Path, base: bytes | None, head: bytes) -> None:
        self.ws = tmp / "ws"
        self.temp = tmp / "runner-temp"
        self.cache = tmp / "cache"
        self.ws.mkdir()
        self.temp.mkdir()
        _git(self.ws, "init", "-q", "-b", "main")
        (self.ws / "osaudit.toml").write_bytes((ROOT / "examples" / "osaudit.toml").read_bytes())
        if base is not None:
            (self.ws / "sbom.cdx.json").write_bytes(base)
        _git(self.ws, "add", "-A")
        _git(self.ws, "commit", "-q", "-m", "base")
        self.base_sha = _git(self.ws, "rev-parse", "HEAD")
        self.push(head)

    def push(self, head: bytes) -> None:
        (self.ws / "sbom.cdx.json").write_bytes(head)
        _git(self.ws, "add", "-A")
        _git(self.ws, "commit", "-q", "--allow-empty", "-m", "head")

    def checkout(self, with_: dict[str, str]) -> bool:
        """actions/checkout of ``ref`` into ``path`` (sparse: only the pattern's file)."""
        if with_["ref"] != self.base_sha or with_.get("persist-credentials", "").lower() != "false":
            return False
        target = self.ws / with_["path"]
        target.mkdir()
        sparse = with_.get("sparse-checkout", "")
        if sparse:
            name = sparse.lstrip("/")
            listed = _git(self.ws, "ls-tree", "--name-only", with_["ref"], name)
            if listed:
                blob = subprocess.run(["git", "-C", str(self.ws), "show", f"{with_['ref']}:{name}"],
                                      check=True, capture_output=True).stdout
                (target / name).write_bytes(blob)
        else:
            archive = subprocess.run(["git", "-C", str(self.ws), "archive", with_["ref"]],
                                     check=True, capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
        self.checked_out = sparse or "(all)"
        return True

    def run(self, inputs: dict[str, str], gh: FakeGitHub | None = None, *, event: str = "pull_request",
            simulate: dict[str, Any] | None = None) -> ActionRun:
        env = {"OSAUDIT_CACHE_DIR": str(self.cache), "SOURCE_DATE_EPOCH": "1795000000",
               "GITHUB_REPOSITORY": "musterstadt/citizen-portal", "GITHUB_RUN_ID": "4242",
               "GITHUB_SERVER_URL": "https://github.com"}
        if gh is not None:
            env["GITHUB_API_URL"] = gh.url
        payload = {"pull_request": {"number": 7, "base": {"sha": self.base_sha, "ref": "main"},
                                    "head": {"sha": _git(self.ws, "rev-parse", "HEAD")}}}
        sims = {"Check out the base commit": self.checkout, **(simulate or {})}
        return run_action(ROOT, {**inputs}, workspace=self.ws, runner_temp=self.temp,
                          event_name=event, event=payload if event == "pull_request" else None,
                          skip_run_steps=(INSTALL_STEP,), extra_env=env, simulate=sims)


def _names(markdown: str, *names: str) -> bool:
    """Each name is listed (however the Markdown escapes the text around it)."""
    return all(re.search(rf"\b{name}\b", markdown) for name in names)


def _with_token(inputs: dict[str, str]) -> dict[str, str]:
    return {**inputs, "github-token": TOKEN}


def test_pr_adding_two_lockins_fails_on_what_it_introduces(tmp_path: Path) -> None:
    repo = Repo(tmp_path, base=_without({"openai", "twilio"}), head=EXAMPLE.read_bytes())
    with FakeGitHub(TOKEN) as gh:
        run = repo.run(_with_token(README_GATE), gh)
    assert repo.checked_out == "/sbom.cdx.json", "only the SBOM file of the base is checked out"
    assert not (repo.ws / ".osaudit-base").exists(), "the base checkout is removed after use"
    assert run.failed_step == "Enforce the policy", run.stdout
    assert run.outputs["new-findings"] == "4", "two components and their two catalogue families"
    reason = run.step_outputs["audit"]["gate-reason"]
    assert "openai@1.51.2" in reason and "twilio@9.3.3" in reason
    diff = json.loads((Path(run.step_outputs["audit"]["report-dir"]) / "osaudit-diff.json").read_text())
    added = {c["subject"] for c in diff["changes"] if c["kind"] == "component-added"}
    assert {"openai@1.51.2", "twilio@9.3.3"} <= added
    assert {c["subject"] for c in diff["failing"]} == {"openai@1.51.2", "twilio@9.3.3",
                                                       "openai-api", "twilio"}
    # the comment is the diff; the summary has the diff, then the full head audit
    (comment,) = gh.state.comments[7]
    assert comment["body"].startswith(gha_comment.marker())
    assert "## osaudit diff" in comment["body"] and _names(comment["body"], "openai", "twilio")
    assert "https://github.com/musterstadt/citizen-portal/actions/runs/4242" in comment["body"]
    assert run.summary.index("## osaudit diff") < run.summary.index("---")
    head_md = (Path(run.step_outputs["audit"]["report-dir"]) / "osaudit-report.md").read_text()
    assert head_md.strip() in run.summary, "the full head audit is in the job summary"
    # annotations: the components the PR introduced come first
    errors = [line for line in run.stdout.splitlines() if line.startswith("::warning file=")
              or line.startswith("::error file=")]
    assert errors and "openai" in errors[0] + errors[1]
    assert TOKEN not in run.stdout


def test_readme_gate_passes_a_pr_that_introduces_nothing_worse(tmp_path: Path) -> None:
    """The README's gate (lockin=critical) on a PR that removes twilio: the head still has
    the example's critical lock-ins, so judging the head alone fails; PR mode passes."""
    repo = Repo(tmp_path, base=EXAMPLE.read_bytes(), head=_without({"twilio"}))
    with FakeGitHub(TOKEN) as gh:
        run = repo.run(_with_token(README_GATE), gh)
        assert run.failed_step is None, run.stdout
        assert run.outputs["verdict"] == "fail", "the head fails lockin=critical on existing lock-ins"
        assert run.outputs["new-findings"] == "0"
        assert "policy passed" in run.stdout
        body = gh.state.comments[7][0]["body"]
        assert "Removed components (1)" in body and _names(body, "twilio")
        # a later push updates the same comment
        repo.push(_without({"twilio", "openai"}))
        run = repo.run(_with_token(README_GATE), gh)
        assert run.failed_step is None, run.stdout
    (comment,) = gh.state.comments[7]
    assert "Removed components (2)" in comment["body"] and _names(comment["body"], "openai", "twilio")
    methods = [r["method"] for r in gh.state.requests]
    assert methods == ["GET", "POST", "GET", "PATCH"]
    assert all(r["authorization"] == f"Bearer {TOKEN}" and r["api_version"] == "2022-11-28"
               for r in gh.state.requests)
    off = repo.run({**_with_token(README_GATE), "pr-mode": "off", "comment-pr": "false"})
    assert off.failed_step == "Enforce the policy", "judged alone, the head fails"


def test_fork_pr_comment_403_is_a_warning_and_the_policy_is_enforced(tmp_path: Path) -> None:
    repo = Repo(tmp_path, base=_without({"openai", "twilio"}), head=EXAMPLE.read_bytes())
    with FakeGitHub(TOKEN) as gh:
        gh.state.read_only = True
        run = repo.run(_with_token(README_GATE), gh)
    warning = [line for line in run.stdout.splitlines() if line.startswith("::warning title=osaudit::")]
    assert any("Resource not accessible by integration" in w and "403" in w for w in warning), run.stdout
    assert run.failed_step == "Enforce the policy" and run.exit_code == 1, "exit 1 (policy), not 2"
    assert "::error title=osaudit::policy failed: the pull request makes 4 thing(s) worse" in run.stdout
    assert "## osaudit diff" in run.summary, "the summary is written"
    assert TOKEN not in run.stdout and TOKEN not in run.summary
    assert gh.state.comments == {}


def test_base_report_from_a_previous_run_skips_the_checkout(tmp_path: Path) -> None:
    """The push run on the base commit kept its JSON report (e.g. actions/cache keyed by the
    SHA); the PR run reads it instead of checking out and auditing the base."""
    repo = Repo(tmp_path, base=_without({"openai"}), head=EXAMPLE.read_bytes())
    _git(repo.ws, "checkout", "-q", repo.base_sha)
    first = repo.run({"sbom": "sbom.cdx.json", "offline": "true", "upload-sarif": "false",
                      "output": str(tmp_path / "main-report")}, event="push")
    assert first.failed_step is None, first.stdout
    _git(repo.ws, "checkout", "-q", "-")
    kept = tmp_path / "main-report" / "osaudit-report.json"
    run = repo.run({"sbom": "sbom.cdx.json", "offline": "true", "upload-sarif": "false",
                    "base-report": str(kept)})
    assert any(line == "skipped (condition false): Check out the base commit" for line in run.log)
    assert run.failed_step == "Enforce the policy"
    assert run.outputs["new-findings"] == "2"
    assert "given as `base-report`" in run.summary
    # a cache miss (no file): a notice, then the base commit is audited instead
    run = repo.run({"sbom": "sbom.cdx.json", "offline": "true", "upload-sarif": "false",
                    "base-report": str(tmp_path / "missing" / "osaudit-report.json")})
    assert "::notice title=osaudit::base-report:" in run.stdout
    assert any(line.startswith("simulated (uses actions/checkout, success)") for line in run.log)
    assert run.outputs["new-findings"] == "2"
    # the recipe of docs/workflows/pr-gate-generated.yml on a cache miss: base-sbom is built
    built = tmp_path / "base.cdx.json"
    built.write_bytes(_without({"openai"}))
    run = repo.run({"sbom": "sbom.cdx.json", "offline": "true", "upload-sarif": "false",
                    "base-report": str(tmp_path / "missing" / "osaudit-report.json"),
                    "base-sbom": str(built)})
    assert "base-sbom is audited instead" in run.stdout
    assert any(line == "skipped (condition false): Check out the base commit" for line in run.log)
    assert run.outputs["new-findings"] == "2" and "given as `base-sbom`" in run.summary


def test_generated_sboms_for_base_and_head(tmp_path: Path) -> None:
    """No sbom input: the head's SBOM and the base's are generated the same way (anchore);
    here the generator is simulated by copying the SBOM file of the scanned tree."""
    repo = Repo(tmp_path, base=_without({"twilio"}), head=EXAMPLE.read_bytes())
    scanned: list[str] = []

    def generate(with_: dict[str, str]) -> bool:
        scanned.append(with_["path"])
        source = repo.ws / with_["path"] / "sbom.cdx.json"
        Path(with_["output-file"]).write_bytes(source.read_bytes())
        return True

    run = repo.run({"offline": "true", "upload-sarif": "false"}, simulate={
        "Generate a CycloneDX SBOM of the repository": generate,
        "Generate a CycloneDX SBOM of the base commit": generate})
    assert scanned == [".", ".osaudit-base"]
    assert repo.checked_out == "(all)", "generation needs the whole base tree"
    assert run.outputs["new-findings"] == "2" and run.failed_step == "Enforce the policy"
    assert "generated from base commit" in run.summary


def test_no_sbom_at_the_base_commit_judges_the_whole_head(tmp_path: Path) -> None:
    repo = Repo(tmp_path, base=None, head=EXAMPLE.read_bytes())
    run = repo.run({"sbom": "sbom.cdx.json", "offline": "true", "upload-sarif": "false",
                    "fail-on": "lockin=critical"})
    assert "::warning title=osaudit::no SBOM or report of the base commit" in run.stdout
    assert run.failed_step == "Enforce the policy"
    assert "gate lockin>=critical failed" in run.step_outputs["audit"]["gate-reason"]


def test_a_broken_sbom_at_the_base_does_not_block_the_pr_that_mends_it(tmp_path: Path) -> None:
    repo = Repo(tmp_path, base=b'{"bomFormat": "CycloneDX", "components": [', head=EXAMPLE.read_bytes())
    run = repo.run({"sbom": "sbom.cdx.json", "offline": "true", "upload-sarif": "false"})
    warning = [x for x in run.stdout.splitlines() if "the SBOM of the base commit cannot be audited" in x]
    assert warning and "sbom.cdx.json" in warning[0] and "Traceback" not in run.stdout
    assert run.failed_step is None, "judged alone, the example head passes (verdict justify)"


def test_bad_pr_inputs_fail_with_one_line(tmp_path: Path) -> None:
    repo = Repo(tmp_path, base=EXAMPLE.read_bytes(), head=EXAMPLE.read_bytes())
    run = repo.run({"sbom": "sbom.cdx.json", "offline": "true", "fail-on-new": "purple"})
    assert run.failed_step == "Find the base of the pull request"
    assert "::error title=osaudit::fail-on-new: expected one of low, medium, high, critical" in run.stdout
    run = repo.run({"sbom": "sbom.cdx.json", "offline": "true", "base-sbom": "nope.json"})
    assert "::error title=osaudit::base-sbom: nope.json: no such file" in run.stdout
    bad = repo.ws / "bad-report.json"
    bad.write_text('{"schema_version": "1.0"', encoding="utf-8")
    run = repo.run({"sbom": "sbom.cdx.json", "offline": "true", "base-report": str(bad)})
    assert run.failed_step == "Run osaudit" and "Traceback" not in run.stdout
    assert "::error title=osaudit::base-report:" in run.stdout and "bad-report.json" in run.stdout


def test_failed_sarif_upload_is_a_warning(tmp_path: Path) -> None:
    repo = Repo(tmp_path, base=EXAMPLE.read_bytes(), head=EXAMPLE.read_bytes())
    run = repo.run({"sbom": "sbom.cdx.json", "offline": "true", "upload-sarif": "true"},
                   simulate={"Upload SARIF to code scanning": lambda with_: False})
    assert run.failed_step is None, run.stdout
    assert any(line.startswith("ran (exit 0): Warn that the SARIF upload failed") for line in run.log)
    assert "::warning title=osaudit::upload-sarif failed: code scanning needs GitHub Code Security" in run.stdout
    ok = repo.run({"sbom": "sbom.cdx.json", "offline": "true", "upload-sarif": "true"},
                  simulate={"Upload SARIF to code scanning": lambda with_: True})
    assert any(line == "skipped (condition false): Warn that the SARIF upload failed" for line in ok.log)


# ----------------------------------------------------------------- the REST client alone


def test_comment_found_on_a_later_page_and_only_ours_is_edited() -> None:
    mark = gha_comment.marker()
    with FakeGitHub(TOKEN) as gh:
        for i in range(150):
            gh.state.comment("o/r", 3, f"review {i}", user={"login": f"u{i}", "id": i, "type": "User"})
        gh.state.comment("o/r", 3, f"{mark}\nquoted by a person",
                         user={"login": "mallory", "id": 9, "type": "User"})
        ours = gh.state.comment("o/r", 3, f"{mark}\nold")
        outcome = gha_comment.upsert(gh.url, "o/r", 3, TOKEN, f"{mark}\nnew", mark)
    assert outcome.action == "updated"
    assert ours["body"] == f"{mark}\nnew"
    assert [r["query"].get("page") for r in gh.state.requests if r["method"] == "GET"] == [["1"], ["2"]]
    assert gh.state.comments[3][150]["body"].endswith("quoted by a person")


def test_comment_failures_are_sentences_without_the_token() -> None:
    mark = gha_comment.marker("portal-api")
    assert mark == "<!-- osaudit:pr-comment portal-api -->"
    with FakeGitHub(TOKEN) as gh:
        bad = gha_comment.upsert(gh.url, "o/r", 3, "wrong-token", "x", mark)
        long = gha_comment.upsert(gh.url, "o/r", 3, TOKEN, "x" * 70_000, mark)
    assert bad.action == "failed" and "401 (Bad credentials)" in bad.detail
    assert long.action == "failed" and "422 (Validation Failed)" in long.detail
    down = gha_comment.upsert("http://127.0.0.1:9", "o/r", 3, TOKEN, "x", mark, timeout=2)
    assert down.action == "failed" and "cannot reach the GitHub API" in down.detail
    assert all(TOKEN not in o.detail for o in (bad, long, down))


@pytest.mark.parametrize("repo", ["o/r/../x", "o", "o/r?x=1"])
def test_comment_refuses_a_strange_repository_name(repo: str) -> None:
    assert gha_comment.upsert("http://127.0.0.1:9", repo, 1, TOKEN, "x", "m").action == "failed"


def test_a_large_diff_is_cut_to_fit_one_comment(tmp_path: Path) -> None:
    """La Suite Docs (cdxgen, 2409 components) against itself with every other component
    removed: the diff (74 KB) is longer than a comment may be (65,536 characters)."""
    from osaudit import gha
    from osaudit.pipeline import AuditOptions, build
    from osaudit.report import diff as _diff

    sbom = ROOT.parent / "shared" / "corpus" / "generated" / "suitenumerique_docs.cdxgen.cdx.json"
    if not sbom.is_file():
        pytest.skip(f"corpus file absent: {sbom}")
    doc = json.loads(sbom.read_text(encoding="utf-8"))
    kept = doc["components"][::2]
    refs = {c.get("bom-ref") for c in kept}
    doc["components"] = kept
    doc["dependencies"] = [{**d, "dependsOn": [r for r in d.get("dependsOn", []) if r in refs]}
                           for d in doc.get("dependencies", []) if d.get("ref") in refs]
    base_sbom = tmp_path / "base.cdx.json"
    base_sbom.write_text(json.dumps(doc), encoding="utf-8")
    head = build(sbom, AuditOptions(offline=True)).report
    base = build(base_sbom, AuditOptions(offline=True)).report
    changes = _diff.compare(base, head)
    diff_md = tmp_path / "osaudit-diff.md"
    diff_md.write_text(_diff.to_markdown(changes, _diff.got_worse(changes, "high"), "high"),
                       encoding="utf-8")
    assert len(diff_md.read_text(encoding="utf-8")) > gha.COMMENT_LIMIT
    env = {"OSAUDIT_DIFF": str(diff_md), "OSAUDIT_ARTIFACT_NAME": "docs-backend",
           "GITHUB_REPOSITORY": "suitenumerique/docs", "GITHUB_RUN_ID": "99"}
    mark = gha_comment.marker("docs-backend")
    body = gha._comment_body(env, head, mark)
    assert len(body) <= gha.COMMENT_LIMIT
    assert body.startswith(mark + "\n## osaudit diff")
    assert "*The diff is cut here to fit a comment" in body and "`osaudit-diff.md`" in body
    assert body.rstrip().endswith("artifact.</sub>"), "the footer with the verdict survives the cut"
    with FakeGitHub(TOKEN) as gh:
        assert gha_comment.upsert(gh.url, "suitenumerique/docs", 1, TOKEN, body, mark).action == "posted"
