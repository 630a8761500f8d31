"""The steps of the GitHub Action (``action.yml``), as ``python -m osaudit.gha STEP``.

Every input arrives through environment variables set by ``action.yml``'s
``env:`` blocks, never through expressions inside a script. Steps:

``base``
    in PR mode (``pull_request`` events), decide whether the base commit must be
    checked out: not when ``base-report`` names an existing report or ``base-sbom``
    an SBOM. Output ``checkout=true|false``.
``run``
    audit the head SBOM, write the JSON, SARIF and Markdown reports (plus the extra
    formats asked for), annotate the findings, set the step outputs. In PR mode also
    audit the base (or read its report) and write ``osaudit diff`` as Markdown and
    JSON; the job summary gets the diff, then the full head audit. A broken input
    fails here with an ``::error::`` annotation; a failing policy is only recorded so
    that the reports are uploaded before ``enforce`` fails the job.
``comment``
    create or update the one osaudit comment on the pull request (the diff in PR
    mode, else the report); an API failure is a ``::warning::``.
``sarif-upload-failed``
    the warning printed when ``upload-sarif`` failed (code scanning not enabled).
``enforce``
    exit non-zero when the policy failed: in PR mode when the change made something
    worse at ``fail-on-new`` level (or the verdict worse), else the verdict.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from osaudit import gha_annotations, gha_comment
from osaudit.errors import OsauditError
from osaudit.report import FORMATS, RenderContext, Report, render
from osaudit.report import diff as _diff
from osaudit.vocabulary import AXES

#: File suffix per report format (osaudit-report.<suffix>), from the format registry.
FORMAT_SUFFIX = {name: fmt.suffix for name, fmt in FORMATS.items()}
COMMENT_LIMIT = 65_536
SUMMARY_LIMIT = 1_048_576  # bytes per step (GitHub's job summary limit)
#: Where action.yml checks out the base commit (actions/checkout needs a path in the workspace).
BASE_CHECKOUT = ".osaudit-base"
LEVELS = ("low", "medium", "high", "critical")
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


class ActionError(Exception):
    """A broken input: reported as an ``::error::`` annotation, exit 2."""


def _error(message: str) -> None:
    print(gha_annotations.command("error", message, title="osaudit"), flush=True)


def _warning(message: str) -> None:
    print(gha_annotations.command("warning", message, title="osaudit"), flush=True)


def _notice(message: str) -> None:
    print(gha_annotations.command("notice", message, title="osaudit"), flush=True)


def _append(path_var: str, text: str, env: Mapping[str, str]) -> None:
    target = env.get(path_var)
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(text)


def _set_outputs(values: Mapping[str, str], env: Mapping[str, str]) -> None:
    lines = []
    for key, value in values.items():
        if "\n" in value:
            delimiter = f"osaudit_{os.urandom(8).hex()}"
            lines.append(f"{key}<<{delimiter}\n{value}\n{delimiter}\n")
        else:
            lines.append(f"{key}={value}\n")
    _append("GITHUB_OUTPUT", "".join(lines), env)


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n]", value or "") if part.strip()]


def _workspace(env: Mapping[str, str]) -> Path:
    return Path(env.get("GITHUB_WORKSPACE") or os.getcwd())


def _in_workspace(given: str, workspace: Path) -> Path:
    path = Path(given)
    return path if path.is_absolute() else workspace / path


def _resolve_sbom(env: Mapping[str, str], workspace: Path) -> tuple[Path, bool]:
    given = (env.get("OSAUDIT_SBOM") or "").strip()
    if given:
        path = _in_workspace(given, workspace)
        if not path.is_file():
            raise ActionError(f"sbom: {given}: no such file in the workspace")
        return path, False
    generated = env.get("OSAUDIT_GENERATED_SBOM") or ""
    if generated and Path(generated).is_file():
        return Path(generated), True
    raise ActionError("sbom: no SBOM given and none was generated")


def _report_paths(env: Mapping[str, str], out_dir: Path) -> dict[str, Path]:
    formats = {"json", "markdown"}
    if _truthy(env.get("OSAUDIT_UPLOAD_SARIF")) or _annotations_on(env):
        formats.add("sarif")
    for fmt in _split(env.get("OSAUDIT_FORMATS")):
        if fmt not in FORMAT_SUFFIX:
            raise ActionError(f"format: unknown report format {fmt!r} "
                              f"(choose from {', '.join(sorted(FORMAT_SUFFIX))})")
        formats.add(fmt)
    return {fmt: out_dir / f"osaudit-report.{FORMAT_SUFFIX[fmt]}" for fmt in sorted(formats)}


def _annotations_on(env: Mapping[str, str]) -> bool:
    return (env.get("OSAUDIT_ANNOTATIONS") or "true").strip().lower() != "false"


def _policy(env: Mapping[str, str], workspace: Path) -> str | None:
    policy = (env.get("OSAUDIT_POLICY") or "").strip()
    if not policy:
        return None
    policy_path = _in_workspace(policy, workspace)
    if not policy_path.is_file():
        raise ActionError(f"policy: {policy}: no such file in the workspace")
    return str(policy_path)


def _counts(report: Report) -> dict[str, str]:
    s = report.summary
    return {
        "verdict": report.verdict.art41,
        "lockin-high": str(s.lockin.high + s.lockin.critical),
        "licence-unknown": str(s.licence.unknown),
        "maintenance-critical": str(s.maintenance.critical),
    }


def _audit(env: Mapping[str, str], sbom: Path, paths: Mapping[str, Path], workspace: Path) -> Report:
    """Run the pipeline in this process and write every report; ActionError on bad input."""
    from osaudit.metadata.config import MetadataConfig
    from osaudit.pipeline import AuditOptions, build, parse_now

    offline = _truthy(env.get("OSAUDIT_OFFLINE"))
    try:
        options = AuditOptions(
            policy=_policy(env, workspace),
            fail_on=tuple(_split(env.get("OSAUDIT_FAIL_ON"))),
            now=parse_now(None, env),
            offline=offline,
            metadata=MetadataConfig.from_options(offline=offline, quiet=True),
            keep_source="cyclonedx" in paths,
        )
        result = build(sbom, options)
        ctx = RenderContext(sbom=result.sbom, sbom_path=str(sbom), repo_root=workspace,
                            full_report_hint=str(paths["json"]), source=result.source)
        for fmt, path in paths.items():
            path.write_bytes(render(fmt, result.report, ctx))
    except OsauditError as exc:
        raise ActionError(str(exc)) from None
    except OSError as exc:
        raise ActionError(f"cannot write the reports: {exc.strerror or exc}") from None
    return result.report


# --------------------------------------------------------------------------- PR mode


def _pr_mode(env: Mapping[str, str]) -> bool:
    """PR mode is on for ``pull_request`` events unless ``pr-mode: off``."""
    mode = (env.get("OSAUDIT_PR_MODE") or "auto").strip().lower()
    if mode not in ("auto", "off"):
        raise ActionError(f"pr-mode: expected auto or off, got {mode!r}")
    return mode == "auto" and (env.get("GITHUB_EVENT_NAME") or "") == "pull_request"


def _fail_on_new(env: Mapping[str, str]) -> str:
    level = (env.get("OSAUDIT_FAIL_ON_NEW") or "high").strip().lower()
    if level not in LEVELS:
        raise ActionError(f"fail-on-new: expected one of {', '.join(LEVELS)}, got {level!r}")
    return level


def _base_sha(env: Mapping[str, str]) -> str:
    sha = (env.get("OSAUDIT_BASE_SHA") or "").strip()
    if not _SHA.fullmatch(sha):
        raise ActionError("pr-mode: the pull_request event names no base commit")
    return sha


def _given_file(env: Mapping[str, str], var: str, workspace: Path) -> Path | None:
    given = (env.get(var) or "").strip()
    return _in_workspace(given, workspace) if given else None


def step_base(env: Mapping[str, str]) -> int:
    """Decide whether action.yml must check out the base commit."""
    workspace = _workspace(env)
    checkout, sparse = False, ""
    if _pr_mode(env):
        _fail_on_new(env)
        _base_sha(env)
        report = _given_file(env, "OSAUDIT_BASE_REPORT", workspace)
        sbom = _given_file(env, "OSAUDIT_BASE_SBOM", workspace)
        if sbom is not None and not sbom.is_file():
            raise ActionError(f"base-sbom: {env.get('OSAUDIT_BASE_SBOM', '').strip()}: no such file")
        if report is not None and not report.is_file():
            instead = "base-sbom is audited" if sbom is not None else "the base commit is audited"
            _notice(f"base-report: {env.get('OSAUDIT_BASE_REPORT', '').strip()} is absent (a cache "
                    f"miss?); {instead} instead")
        head_sbom = (env.get("OSAUDIT_SBOM") or "").strip()
        rel = _repo_relative(head_sbom, workspace) if head_sbom else None
        checkout = ((report is None or not report.is_file()) and sbom is None
                    and (not head_sbom or rel is not None))
        # a non-cone sparse-checkout pattern anchored at the root: only the SBOM file
        if rel is not None and checkout and "\n" not in str(rel) and "\r" not in str(rel):
            sparse = "/" + re.sub(r"([\\*?\[\]!#])", r"\\\1", rel.as_posix())
    _set_outputs({"checkout": "true" if checkout else "false", "sparse": sparse}, env)
    return 0


@dataclass(frozen=True, slots=True)
class Base:
    report: Report
    source: str  # a sentence saying where the base came from


def _base_sbom_from_checkout(env: Mapping[str, str], workspace: Path) -> Path | None:
    """The base commit's SBOM: generated from the checkout, or the same path in it."""
    if (env.get("OSAUDIT_BASE_CHECKED_OUT") or "").strip().lower() != "true":
        return None
    given = (env.get("OSAUDIT_SBOM") or "").strip()
    if not given:
        generated = env.get("OSAUDIT_GENERATED_BASE_SBOM") or ""
        return Path(generated) if generated and Path(generated).is_file() else None
    rel = _repo_relative(given, workspace)
    path = workspace / BASE_CHECKOUT / rel if rel is not None else None
    return path if path is not None and path.is_file() else None


def _repo_relative(given: str, workspace: Path) -> Path | None:
    """``given`` relative to the workspace, or None when it lies outside."""
    try:
        return _in_workspace(given, workspace).resolve().relative_to(workspace.resolve())
    except ValueError:
        return None


def _base(env: Mapping[str, str], workspace: Path, out_dir: Path) -> Base | None:
    """The base commit's report, from the first of base-report, base-sbom, the checkout."""
    sha = _base_sha(env)[:12]
    report_path = _given_file(env, "OSAUDIT_BASE_REPORT", workspace)
    if report_path is not None and report_path.is_file():
        try:
            return Base(_diff.load_report(str(report_path)),
                        f"the report of base commit `{sha}` given as `base-report`")
        except OsauditError as exc:
            raise ActionError(f"base-report: {exc}") from None
    sbom = _given_file(env, "OSAUDIT_BASE_SBOM", workspace)
    source = f"the SBOM of base commit `{sha}` given as `base-sbom`"
    if sbom is None:
        sbom = _base_sbom_from_checkout(env, workspace)
        how = "generated from" if not (env.get("OSAUDIT_SBOM") or "").strip() else "read from"
        source = f"the SBOM {how} base commit `{sha}`"
    if sbom is None or not sbom.is_file():
        return None
    paths = {"json": out_dir / "osaudit-base-report.json"}
    if _given_file(env, "OSAUDIT_BASE_SBOM", workspace) is not None:
        return Base(_audit(env, sbom, paths, workspace), source)
    try:  # the base commit's own SBOM: when it is broken, a PR that mends it is not blocked
        return Base(_audit(env, sbom, paths, workspace), source)
    except ActionError as exc:
        _warning(f"the SBOM of the base commit cannot be audited ({exc})")
        return None


def _changed_purls(base: Report, head: Report) -> frozenset[str]:
    """Purls of head components that are new or whose level changed on an axis."""
    before = {_diff.identity(c): c for c in base.components}
    out = set()
    for c in head.components:
        old = before.get(_diff.identity(c))
        if c.purl and (old is None or any(old.axis(a).level != c.axis(a).level for a in AXES)):
            out.add(c.purl)
    return frozenset(out)


def _gate_reason(failing: list[_diff.Change], level: str) -> str:
    items = [f"{c.subject} ({c.detail})" if c.detail else c.subject for c in failing[:3]]
    more = f" and {len(failing) - 3} more" if len(failing) > 3 else ""
    return (f"the pull request makes {len(failing)} thing(s) worse at level {level} or above "
            f"(fail-on-new): {'; '.join(items)}{more}")


def _cleanup_checkout(workspace: Path) -> None:
    target = workspace / BASE_CHECKOUT
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target, ignore_errors=True)


# --------------------------------------------------------------------------- steps


def step_run(env: Mapping[str, str]) -> int:
    """Audit (head, and base in PR mode), write reports, annotations, summary and outputs."""
    workspace = _workspace(env)
    pr_mode = _pr_mode(env)
    level = _fail_on_new(env) if pr_mode else ""
    sbom, generated = _resolve_sbom(env, workspace)
    out_root = env.get("OSAUDIT_OUTPUT_DIR") or str(Path(env.get("RUNNER_TEMP") or workspace) / "osaudit")
    out_dir = _in_workspace(out_root, workspace)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = _report_paths(env, out_dir)
    report = _audit(env, sbom, paths, workspace)
    try:
        base = _base(env, workspace, out_dir) if pr_mode else None
    finally:
        if (env.get("OSAUDIT_BASE_CHECKED_OUT") or "").strip().lower() == "true":
            _cleanup_checkout(workspace)

    outputs = _counts(report)
    exit_code, gate_reason, diff_md = 0, "", ""
    changed: frozenset[str] = frozenset()
    if base is not None:
        changes = _diff.compare(base.report, report)
        failing = _diff.got_worse(changes, level)
        changed = _changed_purls(base.report, report)
        diff_md = _diff.to_markdown(changes, failing, level)
        (out_dir / "osaudit-diff.md").write_text(diff_md, encoding="utf-8")
        (out_dir / "osaudit-diff.json").write_text(_diff.to_json(changes, failing, level),
                                                   encoding="utf-8")
        if (base.report.tool.version, base.report.catalog.digest) != (
                report.tool.version, report.catalog.digest):
            _notice(f"the base report was made by osaudit {base.report.tool.version} "
                    f"(catalogue {base.report.catalog.digest[:12]}), the head by "
                    f"{report.tool.version} (catalogue {report.catalog.digest[:12]}): "
                    "some differences may come from that")
        if failing:
            exit_code, gate_reason = 1, _gate_reason(failing, level)
        outputs["new-findings"] = str(len(failing))
        print(f"osaudit: compared with {base.source}: {len(changes)} change(s), "
              f"{len(failing)} worse at {level} or above")
    else:
        if pr_mode:
            _warning("no SBOM or report of the base commit was found, so the whole head audit "
                     "is judged: if the workflow generates the SBOM, generate one at the base "
                     "commit too and pass it as base-sbom (docs/workflows/pr-gate-generated.yml)")
        failed = [g for g in report.verdict.gates if not g.passed]
        if report.verdict.art41 == "fail":
            exit_code = 1
            for g in failed:
                print(f"osaudit: gate {g.name} failed: {g.detail}", file=sys.stderr)
            gate_reason = (f"osaudit: gate {failed[-1].name} failed: {failed[-1].detail}"
                           if failed else "the audit verdict is fail")
    outputs.update({
        "report-path": str(paths["json"]),
        "report-dir": str(out_dir),
        "sarif-path": str(paths["sarif"]) if "sarif" in paths and _truthy(
            env.get("OSAUDIT_UPLOAD_SARIF")) else "",
        "diff-path": str(out_dir / "osaudit-diff.md") if base is not None else "",
        "exit-code": str(exit_code),
        "gate-reason": gate_reason,
    })
    outputs.setdefault("new-findings", "")
    _set_outputs(outputs, env)

    if _annotations_on(env) and "sarif" in paths:
        for line in gha_annotations.lines(paths["sarif"], workspace, changed):
            print(line)
    _append("GITHUB_STEP_SUMMARY", _summary(paths["markdown"], generated, base, diff_md), env)
    print(f"osaudit: verdict {outputs['verdict']}; report {paths['json']}")
    return 0


def _summary(markdown: Path, generated: bool, base: Base | None, diff_md: str) -> str:
    text = markdown.read_text(encoding="utf-8")
    room = SUMMARY_LIMIT - len(diff_md.encode("utf-8")) - 1024
    if base is not None and len(text.encode("utf-8")) > room:
        head = text.encode("utf-8")[:room].decode("utf-8", errors="ignore")
        text = head[: max(head.rfind("\n"), 0)] + (
            "\n\n*The head audit is cut here to fit the job summary (1 MiB); all of it is "
            "in `osaudit-report.md` of the report artifact.*\n")
    if generated:
        text = ("> The SBOM was generated by anchore/sbom-action from the checked-out "
                "repository because no `sbom` input was given.\n\n" + text)
    if base is not None:
        text = (f"> Pull request mode: compared with {base.source}. "
                "The full audit of the head follows the diff.\n\n"
                f"{diff_md}\n---\n\n{text}")
    return text if text.endswith("\n") else text + "\n"


def _fit(text: str, limit: int, note: str) -> str:
    """``text`` cut at a line boundary so that it and ``note`` fit in ``limit`` characters."""
    if len(text) <= limit:
        return text
    room = limit - len(note) - 1
    cut = text.rfind("\n", 0, room)
    return text[: cut if cut > 0 else room] + "\n" + note


def _run_link(env: Mapping[str, str]) -> str:
    server = (env.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/")
    repo, run_id = env.get("GITHUB_REPOSITORY") or "", env.get("GITHUB_RUN_ID") or ""
    if re.fullmatch(r"https://[A-Za-z0-9.-]+(:\d+)?", server) and re.fullmatch(
            r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", repo) and run_id.isdigit():
        return f"[the job summary]({server}/{repo}/actions/runs/{run_id})"
    return "the job summary"


def _comment_body(env: Mapping[str, str], report: Report, mark: str) -> str:
    artifact = re.sub(r"[^A-Za-z0-9_.-]", "-", env.get("OSAUDIT_ARTIFACT_NAME") or "osaudit-report")
    room = COMMENT_LIMIT - len(mark) - 1
    diff_path = (env.get("OSAUDIT_DIFF") or "").strip()
    if diff_path:
        footer = (f"\n<sub>Head verdict: {report.verdict.art41}. The full audit of the head is in "
                  f"{_run_link(env)} and the `{artifact}` artifact.</sub>\n")
        diff_md = Path(diff_path).read_text(encoding="utf-8")
        note = (f"*The diff is cut here to fit a comment; all of it is in {_run_link(env)} "
                f"and in `osaudit-diff.md` of the `{artifact}` artifact.*\n")
        return f"{mark}\n{_fit(diff_md, room - len(footer), note)}{footer}"
    ctx = RenderContext(sbom=None, sbom_path=report.sbom.path, repo_root=None,
                        full_report_hint=f"the {artifact} workflow artifact", limit=room - 1)
    return f"{mark}\n{render('markdown', report, ctx).decode('utf-8')}"


def step_comment(env: Mapping[str, str]) -> int:
    """Create or update the single osaudit comment on the pull request."""
    token = env.get("OSAUDIT_GITHUB_TOKEN") or ""
    repo = env.get("GITHUB_REPOSITORY") or ""
    api = (env.get("GITHUB_API_URL") or "https://api.github.com").rstrip("/")
    event_path = env.get("GITHUB_EVENT_PATH") or ""
    if not token or not repo or not event_path:
        raise ActionError("comment-pr: needs github-token, GITHUB_REPOSITORY and a pull_request event")
    event = json.loads(Path(event_path).read_text(encoding="utf-8"))
    number = (event.get("pull_request") or {}).get("number")
    if not isinstance(number, int):
        print("osaudit: not a pull request event; no comment posted")
        return 0
    report_path = env["OSAUDIT_REPORT"]
    report = Report.from_json(Path(report_path).read_bytes(), source=report_path)
    mark = gha_comment.marker(env.get("OSAUDIT_ARTIFACT_NAME") or "")
    outcome = gha_comment.upsert(api, repo, number, token, _comment_body(env, report, mark), mark)
    if outcome.action == "failed":
        _warning(f"the pull request comment was not written: {outcome.detail}. The job summary "
                 "holds the same text, and the policy is enforced all the same.")
    else:
        print(f"osaudit: {outcome.action} the pull request comment")
    return 0


def step_sarif_upload_failed(env: Mapping[str, str]) -> int:
    """Say why the SARIF upload may have failed; never fail the job for it."""
    _warning("upload-sarif failed: code scanning needs GitHub Code Security (Advanced Security) "
             "on private repositories and `security-events: write`, and a fork's token cannot "
             "upload. The findings are shown as annotations and kept in the report artifact; "
             "set upload-sarif: false to skip the upload.")
    return 0


def step_enforce(env: Mapping[str, str]) -> int:
    """Fail the job when the policy failed (the change in PR mode, else the verdict)."""
    code = (env.get("OSAUDIT_EXIT_CODE") or "").strip()
    if code == "0":
        print("osaudit: policy passed")
        return 0
    reason = env.get("OSAUDIT_GATE_REASON") or "the audit did not complete"
    _error(f"policy failed: {reason}")
    return 1


STEPS = {"base": step_base, "run": step_run, "comment": step_comment,
         "sarif-upload-failed": step_sarif_upload_failed, "enforce": step_enforce}


def main(argv: list[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0] not in STEPS:
        print(f"usage: python -m osaudit.gha {{{','.join(STEPS)}}}", file=sys.stderr)
        return 2
    try:
        return STEPS[args[0]](os.environ if env is None else env)
    except ActionError as exc:
        _error(str(exc))
        return 2
    except Exception as exc:  # an action step must end in an annotation, not a traceback
        _error(f"{args[0]}: {type(exc).__name__}: {exc}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
