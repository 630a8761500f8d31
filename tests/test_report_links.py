"""Every documentation link a report carries lands on a heading that exists.

Anchors are computed the way GitHub renders Markdown headings (github-slugger: lower
case, punctuation other than ``-`` and ``_`` removed, spaces to ``-``, repeats numbered
``-1``, ``-2``; headings inside fenced code blocks are not headings).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from osaudit import __version__
from osaudit.report import links
from osaudit.report.sarif import RULES

ROOT = Path(__file__).resolve().parent.parent
CODE_RE = re.compile(r"^(?:LI|LIC|MT)-[A-Z][A-Z0-9-]*[A-Z0-9]$")


def _slug(heading: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # link text only
    text = re.sub(r"[`*]", "", text).strip().lower()
    text = "".join(ch for ch in text if ch.isalnum() or ch in " -_")
    return text.replace(" ", "-")


def _sections(path: Path) -> dict[str, str]:
    """anchor -> the text of its section (up to the next heading of the same or higher level)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    heads: list[tuple[int, int, str]] = []  # (line index, level, anchor)
    seen: dict[str, int] = {}
    fence = None
    for i, line in enumerate(lines):
        m = re.match(r"^(`{3,}|~{3,})", line)
        if m:
            if fence is None:
                fence = m.group(1)
            elif line.startswith(fence):
                fence = None
            continue
        h = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if fence is None and h:
            base = _slug(h.group(2))
            n = seen.get(base, 0)
            seen[base] = n + 1
            heads.append((i, len(h.group(1)), base if n == 0 else f"{base}-{n}"))
    out = {}
    for k, (i, level, anchor) in enumerate(heads):
        end = next((j for j, lv, _ in heads[k + 1 :] if lv <= level), len(lines))
        out[anchor] = "\n".join(lines[i:end])
    return out


def _split(url: str) -> tuple[Path, str]:
    prefix = f"{links.PROJECT_URL}/blob/v{__version__}/"
    assert url.startswith(prefix), url
    path, _, anchor = url[len(prefix) :].partition("#")
    return ROOT / path, anchor


def _emitted_codes() -> set[str]:
    """Every reason/warning code literal in osaudit's source."""
    codes = set()
    for path in (ROOT / "src" / "osaudit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            value = node.value if isinstance(node, ast.Constant) else None
            if isinstance(value, str) and CODE_RE.match(value):
                codes.add(value)
    return codes


def test_slug_matches_github_on_known_headings() -> None:
    # Anchors as github.com renders them for headings of docs/scoring.md.
    assert _slug("The Art. 41 open-source-first verdict") == "the-art-41-open-source-first-verdict"
    assert _slug("Step 1 — which licence text is judged") == "step-1--which-licence-text-is-judged"
    assert _slug("The `osaudit:` property namespace") == "the-osaudit-property-namespace"


def test_the_scan_finds_the_codes_the_scorers_emit() -> None:
    codes = _emitted_codes()
    assert {"LI-KIND", "LIC-UNKNOWN", "MT-VULN", "MT-OFFLINE", "MT-UNREACHABLE-ALL"} <= codes
    assert len(codes) > 40


@pytest.mark.parametrize("code", sorted(_emitted_codes()))
def test_every_reason_code_links_to_a_section_that_documents_it(code: str) -> None:
    path, anchor = _split(links.rule_url(code))
    sections = _sections(path)
    assert anchor in sections, f"{code}: no heading #{anchor} in {path.name}"
    assert f"`{code}`" in sections[anchor], f"{code}: section #{anchor} does not name it"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_sarif_rule_links_to_an_existing_heading(rule: object) -> None:
    rule_id = rule.id  # type: ignore[attr-defined]
    assert rule_id in links.RULE_DOCS
    path, anchor = _split(links.rule_url(rule_id))
    assert anchor in _sections(path), f"{rule_id}: no heading #{anchor} in {path.name}"


def test_pages_exist_and_links_are_pinned_to_the_release_tag() -> None:
    for page in links.DOC_PAGES:
        path, anchor = _split(links.doc_url(page))
        assert path.is_file() and anchor == ""
    assert links.doc_url("scoring", "lock-in", version="1.2.3") == (
        "https://github.com/osaudit/osaudit/blob/v1.2.3/docs/scoring.md#lock-in"
    )
    # An id osaudit does not know gets the page, never an anchor that may not exist.
    assert links.rule_url("XX-NOPE") == links.doc_url("scoring")
    assert links.rule_url("LI") == links.doc_url("scoring")
