"""Run the composite action's steps locally, in order, like a GitHub runner would.

Only what ``action.yml`` uses is supported: ``${{ }}`` expressions over the
``inputs``, ``steps``, ``github`` and ``runner`` contexts with ``==``, ``!=``,
``&&``, ``||``, ``!``, parentheses, string literals and ``always()``; a step's
``outcome`` and ``continue-on-error``. Steps that ``uses:`` another action cannot
run here: they are skipped and recorded, or replaced by a test's ``simulate``
function (named by step name) that does what the action would and returns success.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||!|\(|\))|(?P<call>always\(\))"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_.-]*))"
)
_EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _lookup(contexts: dict[str, Any], dotted: str) -> Any:
    value: Any = contexts
    for part in dotted.split("."):
        value = value.get(part, "") if isinstance(value, dict) else ""
    return value


def evaluate(expr: str, contexts: dict[str, Any]) -> Any:
    """Evaluate a GitHub Actions expression (the subset action.yml uses)."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    expr = expr.strip()
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if not m or m.end() == pos:
            raise ValueError(f"unsupported expression: {expr!r}")
        kind = m.lastgroup or ""
        tokens.append((kind, m.group(kind)))
        pos = m.end()
    index = 0

    def peek() -> str | None:
        return tokens[index][1] if index < len(tokens) else None

    def take() -> tuple[str, str]:
        nonlocal index
        index += 1
        return tokens[index - 1]

    def primary() -> Any:
        kind, text = take()
        if text == "(":
            value = disjunction()
            take()
            return value
        if text == "!":
            return not primary()
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "call":
            return True
        if text in ("true", "false"):
            return text == "true"
        if text == "null":
            return ""
        return _lookup(contexts, text)

    def comparison() -> Any:
        left = primary()
        while peek() in ("==", "!="):
            op = take()[1]
            right = primary()
            left = (str(left).lower() == str(right).lower()) == (op == "==")
        return left

    def conjunction() -> Any:
        left = comparison()
        while peek() == "&&":
            take()
            right = comparison()
            left = left and right
        return left

    def disjunction() -> Any:
        left = conjunction()
        while peek() == "||":
            take()
            right = conjunction()
            left = left or right
        return left

    return disjunction()


def substitute(text: str, contexts: dict[str, Any]) -> str:
    return _EXPR.sub(lambda m: str(evaluate(m.group(1), contexts)), text)


@dataclass
class ActionRun:
    outputs: dict[str, str]
    step_outputs: dict[str, dict[str, str]]
    summary: str
    log: list[str] = field(default_factory=list)
    failed_step: str | None = None
    exit_code: int = 0
    stdout: str = ""


def _read_outputs(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and "=" not in line.split("<<", 1)[0]:
            key, delim = line.split("<<", 1)
            body = []
            i += 1
            while i < len(lines) and lines[i] != delim:
                body.append(lines[i])
                i += 1
            values[key] = "\n".join(body)
        elif "=" in line:
            key, value = line.split("=", 1)
            values[key] = value
        i += 1
    return values


def run_action(action_dir: Path, inputs: dict[str, str], *, workspace: Path, runner_temp: Path,
               event_name: str = "push", extra_env: dict[str, str] | None = None,
               skip_run_steps: tuple[str, ...] = (), event: dict[str, Any] | None = None,
               simulate: dict[str, Callable[[dict[str, Any]], bool]] | None = None) -> ActionRun:
    """Execute ``action.yml`` from ``action_dir`` with a simulated runner environment."""
    meta = yaml.safe_load((action_dir / "action.yml").read_text(encoding="utf-8"))
    resolved = {name: str(spec.get("default", "")) for name, spec in meta["inputs"].items()}
    contexts: dict[str, Any] = {
        "github": {"action_path": str(action_dir), "event_name": event_name, "token": "dummy-token",
                   "action_ref": "", "action_repository": "osaudit/osaudit", "job": "test",
                   "event": event or {}},
        "runner": {"temp": str(runner_temp), "os": "Linux"},
        "steps": {},
    }
    contexts["inputs"] = {k: substitute(v, contexts) for k, v in resolved.items()}
    contexts["inputs"].update(inputs)
    if event is not None:
        event_file = runner_temp / "event.json"
        event_file.write_text(json.dumps(event), encoding="utf-8")
        extra_env = {"GITHUB_EVENT_PATH": str(event_file), **(extra_env or {})}
    summary_file = runner_temp / "step_summary.md"
    summary_file.write_text("", encoding="utf-8")
    run = ActionRun(outputs={}, step_outputs={}, summary="")
    failed = False
    for number, step in enumerate(meta["runs"]["steps"]):
        name = step.get("name", f"step {number}")
        condition = step.get("if")
        condition = condition if condition is not None else "success()"
        condition = condition.replace("success()", "true" if not failed else "false")
        if not evaluate(substitute(condition, contexts) if "${{" in condition else condition, contexts):
            run.log.append(f"skipped (condition false): {name}")
            if step.get("id"):
                contexts["steps"][step["id"]] = {"outputs": {}, "outcome": "skipped"}
            continue
        if "uses" in step and name in (simulate or {}):
            with_ = {k: substitute(str(v), contexts) for k, v in (step.get("with") or {}).items()}
            ok = (simulate or {})[name](with_)
            run.log.append(f"simulated (uses {step['uses'].split('@')[0]}, "
                           f"{'success' if ok else 'failure'}): {name}")
            if step.get("id"):
                contexts["steps"][step["id"]] = {"outputs": {},
                                                 "outcome": "success" if ok else "failure"}
            if not ok and not step.get("continue-on-error"):
                failed = True
                run.failed_step = run.failed_step or name
            continue
        if "uses" in step:
            run.log.append(f"skipped (uses {step['uses'].split('@')[0]}, not runnable locally): {name}")
            continue
        if name in skip_run_steps:
            run.log.append(f"skipped (installed by the test environment): {name}")
            continue
        output_file = runner_temp / f"output_{number}"
        output_file.write_text("", encoding="utf-8")
        env = dict(os.environ)
        # setup-python + the install step put this interpreter first on PATH
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        env.update(extra_env or {})
        env.update({
            "GITHUB_OUTPUT": str(output_file), "GITHUB_STEP_SUMMARY": str(summary_file),
            "GITHUB_WORKSPACE": str(workspace), "RUNNER_TEMP": str(runner_temp),
            "GITHUB_ACTION_PATH": str(action_dir), "GITHUB_EVENT_NAME": event_name, "CI": "true",
        })
        env.update({k: substitute(str(v), contexts) for k, v in (step.get("env") or {}).items()})
        proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=workspace, env=env,
                              capture_output=True, text=True, timeout=300, check=False)
        run.stdout += proc.stdout + proc.stderr
        if step.get("id"):
            contexts["steps"][step["id"]] = {"outputs": _read_outputs(output_file),
                                             "outcome": "success" if proc.returncode == 0 else "failure"}
            run.step_outputs[step["id"]] = contexts["steps"][step["id"]]["outputs"]
        run.log.append(f"ran (exit {proc.returncode}): {name}")
        if proc.returncode != 0 and not step.get("continue-on-error"):
            failed = True
            run.failed_step = run.failed_step or name
            run.exit_code = run.exit_code or proc.returncode
    run.outputs = {k: str(substitute(str(v["value"]), contexts)) for k, v in meta["outputs"].items()}
    run.summary = summary_file.read_text(encoding="utf-8")
    return run
