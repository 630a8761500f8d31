"""Workflow-command annotations (``::error file=…,line=…::…``) from a SARIF report.

Repositories without code scanning (GitHub Code Security off, fork pull requests)
still see the findings on the run and, for lines a pull request touches, in its
diff. GitHub shows at most 10 error, 10 warning and 10 notice annotations per step
(and 50 per job); the rest are counted in one closing notice.

Escaping follows GitHub's toolkit (``@actions/core`` ``command.ts``): the message
escapes ``%``, CR and LF; a property value also ``:`` and ``,``. SBOM strings reach
the messages, so nothing is printed unescaped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

#: Annotations of one kind GitHub shows per step.
PER_KIND = 10
#: SARIF result level -> workflow command.
_COMMAND = {"error": "error", "warning": "warning", "note": "notice", "none": "notice"}
_ORDER = ("error", "warning", "notice")
_DATA = {"%": "%25", "\r": "%0D", "\n": "%0A"}
_PROPERTY = {**_DATA, ":": "%3A", ",": "%2C"}


def escape_data(text: str) -> str:
    """Escape a workflow command's message."""
    return "".join(_DATA.get(ch, ch) for ch in text)


def escape_property(text: str) -> str:
    """Escape a workflow command's property value (``file=``, ``title=``)."""
    return "".join(_PROPERTY.get(ch, ch) for ch in text)


def command(kind: str, message: str, **props: str | int | None) -> str:
    """One workflow command line, every part escaped; ``None`` properties are left out."""
    given = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items() if v is not None)
    return f"::{kind}{' ' + given if given else ''}::{escape_data(message)}"


@dataclass(frozen=True, slots=True)
class Annotation:
    kind: str  # error | warning | notice
    message: str
    title: str
    file: str | None
    line: int | None
    purl: str | None

    def render(self) -> str:
        return command(self.kind, self.message, file=self.file, line=self.line, title=self.title)


def repo_path(uri: str, workspace: Path) -> str | None:
    """The repository-relative path of a SARIF artifact URI, or None when it is outside.

    Relative URIs (``uriBaseId`` ``%SRCROOT%``) are taken as they are; an absolute
    ``file://`` URI counts only under the workspace. ``..`` segments never leave it.
    """
    parts = urlsplit(uri)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            return None
        try:
            rel = Path(unquote(parts.path)).resolve().relative_to(workspace.resolve())
        except (ValueError, OSError):
            return None
        text = rel.as_posix()
    elif parts.scheme or parts.netloc or uri.startswith("/"):
        return None
    else:
        text = unquote(parts.path)
    path = PurePosixPath(text)
    if not text or text == "." or ".." in path.parts or "\x00" in text:
        return None
    return path.as_posix()


def _location(result: Mapping[str, Any], workspace: Path) -> tuple[str | None, int | None]:
    for loc in result.get("locations") or ():
        physical = loc.get("physicalLocation") if isinstance(loc, dict) else None
        if not isinstance(physical, dict):
            continue
        artifact = physical.get("artifactLocation") or {}
        uri = artifact.get("uri") if isinstance(artifact, dict) else None
        if not isinstance(uri, str):
            continue
        base = artifact.get("uriBaseId") if isinstance(artifact, dict) else None
        if base not in (None, "%SRCROOT%"):
            continue  # relative to another base (osaudit's SBOMDIR: outside the repository)
        file = repo_path(uri, workspace)
        if file is None:
            continue
        region = physical.get("region") or {}
        line = region.get("startLine") if isinstance(region, dict) else None
        return file, line if isinstance(line, int) and line >= 1 else None
    return None, None


def from_sarif(doc: Mapping[str, Any], workspace: Path) -> list[Annotation]:
    """Every result of every run as an annotation, in the report's order."""
    out: list[Annotation] = []
    for run in doc.get("runs") or ():
        if not isinstance(run, dict):
            continue
        for result in run.get("results") or ():
            if not isinstance(result, dict):
                continue
            kind = _COMMAND.get(str(result.get("level") or "warning"), "warning")
            message = (result.get("message") or {}).get("text") or ""
            props = result.get("properties") or {}
            purl = props.get("purl") if isinstance(props, dict) else None
            file, line = _location(result, workspace)
            out.append(Annotation(kind, str(message), str(result.get("ruleId") or "osaudit"),
                                  file, line, purl if isinstance(purl, str) else None))
    return out


def select(annotations: Iterable[Annotation], first: frozenset[str] = frozenset()) -> tuple[
        list[Annotation], dict[str, int]]:
    """At most PER_KIND of each kind (components in ``first`` before the others, then
    report order); the counts left out per kind. One notice slot is kept for the
    closing count when anything is left out."""
    by_kind: dict[str, list[Annotation]] = {k: [] for k in _ORDER}
    for a in annotations:
        by_kind[a.kind].append(a)
    for items in by_kind.values():
        items.sort(key=lambda a: a.purl not in first)  # stable: report order within
    total_over = sum(max(0, len(v) - PER_KIND) for v in by_kind.values())
    shown: list[Annotation] = []
    left: dict[str, int] = {}
    for kind in _ORDER:
        items = by_kind[kind]
        room = PER_KIND - 1 if kind == "notice" and total_over else PER_KIND
        shown += items[:room]
        if len(items) > room:
            left[kind] = len(items) - room
    return shown, left


def lines(sarif_path: Path, workspace: Path, first: frozenset[str] = frozenset(),
          where: str = "the job summary and the SARIF report") -> list[str]:
    """The workflow-command lines to print for one SARIF report."""
    doc = json.loads(sarif_path.read_text(encoding="utf-8"))
    shown, left = select(from_sarif(doc, workspace), first)
    out = [a.render() for a in shown]
    if left:
        counts = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in left.items())
        out.append(command(
            "notice",
            f"Not shown as annotations: {counts} (GitHub shows at most {PER_KIND} "
            f"of each kind per step); every finding is in {where}.",
            title="osaudit: more findings",
        ))
    return out
