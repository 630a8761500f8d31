"""The steps of the GitHub Action (``action.yml``), as ``python -m osaudit.gha STEP``.

Every input arrives through environment variables set by ``action.yml``'s
``env:`` blocks, never through expressions inside a script. Steps:

``run``
    audit the SBOM once, write the JSON, SARIF and Markdown reports (plus the
    extra formats asked for), append the Markdown report to the job summary,
    set the step outputs. A broken input fails here with an ``::error::``
    annotation; a failing verdict is only recorded so that the reports are
    uploaded before ``enforce`` fails the job.
``comment``
    create or update the one osaudit comment on the pull request.
``enforce``
    exit non-zero when the audit's verdict or a gate failed.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

from osaudit.errors import OsauditError
from osaudit.report import FORMATS, RenderContext, Report, render

#: File suffix per report format (osaudit-report.<suffix>), from the format registry.
FORMAT_SUFFIX = {name: fmt.suffix for name, fmt in FORMATS.items()}
COMMENT_MARKER = "<!-- osaudit:pr-comment -->"
COMMENT_LIMIT = 65_536
_LINE_SAFE = re.compile(r"[\r\n%]")


class ActionError(Exception):
    """A broken input: reported as an ``::error::`` annotation, exit 2."""


def _annotation(text: str) -> str:
    """Escape a message for a workflow command (``%``, CR and LF)."""
    return _LINE_SAFE.sub(lambda m: {"%": "%25", "\r": "%0D", "\n": "%0A"}[m.group()], text)


def _error(message: str) -> None:
    print(f"::error title=osaudit::{_annotation(message)}", flush=True)


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


def _resolve_sbom(env: Mapping[str, str], workspace: Path) -> tuple[Path, bool]:
    given = (env.get("OSAUDIT_SBOM") or "").strip()
    if given:
        path = Path(given)
        if not path.is_absolute():
            path = workspace / path
        if not path.is_file():
            raise ActionError(f"sbom: {given}: no such file in the workspace")
        return path, False
    generated = env.get("OSAUDIT_GENERATED_SBOM") or ""
    if generated and Path(generated).is_file():
        return Path(generated), True
    raise ActionError("sbom: no SBOM given and none was generated")


def _report_paths(env: Mapping[str, str], out_dir: Path) -> dict[str, Path]:
    formats = {"json", "markdown"}
    if _truthy(env.get("OSAUDIT_UPLOAD_SARIF")):
        formats.add("sarif")
    for fmt in _split(env.get("OSAUDIT_FORMATS")):
        if fmt not in FORMAT_SUFFIX:
            raise ActionError(f"format: unknown report format {fmt!r} "
                              f"(choose from {', '.join(sorted(FORMAT_SUFFIX))})")
        formats.add(fmt)
    return {fmt: out_dir / f"osaudit-report.{FORMAT_SUFFIX[fmt]}" for fmt in sorted(formats)}


def _policy(env: Mapping[str, str], workspace: Path) -> str | None:
    policy = (env.get("OSAUDIT_POLICY") or "").strip()
    if not policy:
        return None
    policy_path = Path(policy) if Path(policy).is_absolute() else workspace / policy
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
        )
        result = build(sbom, options)
        ctx = RenderContext(sbom=result.sbom, sbom_path=str(sbom), repo_root=workspace,
                            full_report_hint=str(paths["json"]))
        for fmt, path in paths.items():
            path.write_bytes(render(fmt, result.report, ctx))
    except OsauditError as exc:
        raise ActionError(str(exc)) from None
    except OSError as exc:
        raise ActionError(f"cannot write the reports: {exc.strerror or exc}") from None
    return result.report


def step_run(env: Mapping[str, str]) -> int:
    """Audit once, write reports, job summary and outputs."""
    workspace = Path(env.get("GITHUB_WORKSPACE") or os.getcwd())
    sbom, generated = _resolve_sbom(env, workspace)
    out_root = env.get("OSAUDIT_OUTPUT_DIR") or str(Path(env.get("RUNNER_TEMP") or workspace) / "osaudit")
    out_dir = Path(out_root) if Path(out_root).is_absolute() else workspace / out_root
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = _report_paths(env, out_dir)
    report = _audit(env, sbom, paths, workspace)

    outputs = _counts(report)
    failed = [g for g in report.verdict.gates if not g.passed]
    gate_reason = ""
    exit_code = 0
    if report.verdict.art41 == "fail":
        exit_code = 1
        for g in failed:
            print(f"osaudit: gate {g.name} failed: {g.detail}", file=sys.stderr)
        gate_reason = (f"osaudit: gate {failed[-1].name} failed: {failed[-1].detail}"
                       if failed else "the audit verdict is fail")
    outputs.update({
        "report-path": str(paths["json"]),
        "report-dir": str(out_dir),
        "sarif-path": str(paths["sarif"]) if "sarif" in paths else "",
        "exit-code": str(exit_code),
        "gate-reason": gate_reason,
    })
    _set_outputs(outputs, env)

    summary = paths["markdown"].read_text(encoding="utf-8")
    if generated:
        summary = ("> The SBOM was generated by anchore/sbom-action from the checked-out "
                   "repository because no `sbom` input was given.\n\n" + summary)
    _append("GITHUB_STEP_SUMMARY", summary if summary.endswith("\n") else summary + "\n", env)
    print(f"osaudit: verdict {outputs['verdict']}; report {paths['json']}")
    return 0


def _comment_body(report: Report) -> str:
    ctx = RenderContext(sbom=None, sbom_path=report.sbom.path,
                        repo_root=None, full_report_hint="the osaudit-report workflow artifact",
                        limit=COMMENT_LIMIT - len(COMMENT_MARKER) - 2)
    text = render("markdown", report, ctx).decode("utf-8")
    return f"{COMMENT_MARKER}\n{text}"


def step_comment(env: Mapping[str, str]) -> int:
    """Create or update the single osaudit comment on the pull request."""
    import httpx

    token = env.get("OSAUDIT_GITHUB_TOKEN") or ""
    repo = env.get("GITHUB_REPOSITORY") or ""
    api = (env.get("GITHUB_API_URL") or "https://api.github.com").rstrip("/")
    event_path = env.get("GITHUB_EVENT_PATH") or ""
    if not token or not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", repo) or not event_path:
        raise ActionError("comment-pr: needs github-token, GITHUB_REPOSITORY and a pull_request event")
    event = json.loads(Path(event_path).read_text(encoding="utf-8"))
    number = (event.get("pull_request") or {}).get("number")
    if not isinstance(number, int):
        print("osaudit: not a pull request event; no comment posted")
        return 0
    report_path = env["OSAUDIT_REPORT"]
    report = Report.from_json(Path(report_path).read_bytes(), source=report_path)
    body = _comment_body(report)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json",
               "X-GitHub-Api-Version": "2022-11-28", "User-Agent": "osaudit-action"}
    with httpx.Client(base_url=api, headers=headers, timeout=30) as client:
        existing = None
        for page in range(1, 21):  # bounded: at most 2,000 comments scanned
            resp = client.get(f"/repos/{repo}/issues/{number}/comments",
                              params={"per_page": 100, "page": page})
            resp.raise_for_status()
            batch = resp.json()
            existing = next((c for c in batch if COMMENT_MARKER in (c.get("body") or "")), None)
            if existing or len(batch) < 100:
                break
        if existing:
            client.patch(f"/repos/{repo}/issues/comments/{int(existing['id'])}",
                         json={"body": body}).raise_for_status()
            print("osaudit: updated the pull request comment")
        else:
            client.post(f"/repos/{repo}/issues/{number}/comments",
                        json={"body": body}).raise_for_status()
            print("osaudit: posted a pull request comment")
    return 0


def step_enforce(env: Mapping[str, str]) -> int:
    """Fail the job when the audit failed its verdict or a gate."""
    code = (env.get("OSAUDIT_EXIT_CODE") or "").strip()
    if code == "0":
        print("osaudit: policy passed")
        return 0
    reason = env.get("OSAUDIT_GATE_REASON") or "the audit did not complete"
    _error(f"policy failed: {reason}")
    return 1


STEPS = {"run": step_run, "comment": step_comment, "enforce": step_enforce}


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
