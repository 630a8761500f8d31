"""Workflow-command annotations from SARIF: escaping, locations, the per-step cap."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from osaudit import gha_annotations as ga
from osaudit.pipeline import AuditOptions, build
from osaudit.report import RenderContext, render

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "citizen-portal.cdx.json"
HOSTILE = "evil\r\n::error file=x,line=1::pwned %0A, a:b"


def _sarif(sbom: Path, repo_root: Path) -> dict:
    result = build(sbom, AuditOptions(offline=True))
    ctx = RenderContext(sbom=result.sbom, sbom_path=str(sbom), repo_root=repo_root)
    return json.loads(render("sarif", result.report, ctx))


def _parse(line: str) -> tuple[str, dict[str, str], str]:
    """Split a workflow command as the runner does (first ``::`` after the name ends the
    properties; properties split on ``,`` then ``=``) and unescape the parts."""
    assert line.startswith("::")
    head, message = line[2:].split("::", 1)
    name, _, props = head.partition(" ")
    unesc = {"%0D": "\r", "%0A": "\n", "%3A": ":", "%2C": ",", "%25": "%"}

    def undo(text: str) -> str:
        for k, v in unesc.items():
            text = text.replace(k, v)
        return text

    fields = dict(p.split("=", 1) for p in props.split(",")) if props else {}
    return name, {k: undo(v) for k, v in fields.items()}, undo(message)


def test_escaping_follows_the_toolkit() -> None:
    line = ga.command("warning", "50% done\r\nnext", file="a,b:c%d.json", line=3, title="t")
    assert line == "::warning file=a%2Cb%3Ac%25d.json,line=3,title=t::50%25 done%0D%0Anext"
    assert ga.command("notice", "x", file=None) == "::notice::x"


def test_hostile_sbom_strings_stay_inside_one_annotation(tmp_path: Path) -> None:
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    for c in doc["components"]:
        if c["name"] == "twilio":
            c["name"] = HOSTILE  # a lock-in family is matched by purl, so the finding stays
    sbom = tmp_path / "repo" / "sb,om:%.cdx.json"
    sbom.parent.mkdir()
    sbom.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    sarif = tmp_path / "r.sarif"
    sarif.write_text(json.dumps(_sarif(sbom, sbom.parent)), encoding="utf-8")
    lines = ga.lines(sarif, sbom.parent, frozenset({"pkg:pypi/twilio@9.3.3"}))
    assert all("\n" not in line and "\r" not in line for line in lines)
    parsed = [_parse(line) for line in lines]
    files = {props.get("file") for _, props, _ in parsed} - {None}
    assert files == {"sb,om:%.cdx.json"}, "the file property survives the round trip"
    twilio = [msg for _, props, msg in parsed if "pwned" in msg]
    # SARIF text turns the line break into a space; the rest arrives as the SBOM wrote it
    assert twilio and all("::error file=x,line=1::pwned %0A, a:b@9.3.3" in m for m in twilio)
    assert not any(line.startswith("::error file=x") for line in lines)


@pytest.mark.parametrize(("uri", "expected"), [
    ("examples/citizen-portal.cdx.json", "examples/citizen-portal.cdx.json"),
    ("src/%40scope/package.json", "src/@scope/package.json"),
    ("FILE_UNDER_WS", "sub/sbom.json"),
    ("file:///etc/passwd", None),
    ("../outside.json", None),
    ("a/../../outside.json", None),
    ("/abs/path.json", None),
    ("https://example.org/x.json", None),
    ("", None),
])
def test_repo_path_of_sarif_uris(tmp_path: Path, uri: str, expected: str | None) -> None:
    ws = tmp_path / "ws"
    (ws / "sub").mkdir(parents=True)
    if uri == "FILE_UNDER_WS":
        uri = (ws / "sub" / "sbom.json").as_uri()
    assert ga.repo_path(uri, ws) == expected


def test_absolute_file_uris_become_relative_or_are_left_out(tmp_path: Path) -> None:
    """What a SARIF with absolute ``file://`` locations (osaudit before repo-relative URIs,
    or another tool) gives: a file under the workspace is annotated by its relative path;
    one outside (a generated SBOM in RUNNER_TEMP) gets an annotation without a file."""
    ws = tmp_path / "ws"
    ws.mkdir()
    sbom = ws / "sbom.cdx.json"
    sbom.write_bytes(EXAMPLE.read_bytes())
    doc = _sarif(sbom, ws)
    results = doc["runs"][0]["results"]
    for i, r in enumerate(results):
        loc = r["locations"][0]["physicalLocation"]["artifactLocation"]
        loc.pop("uriBaseId", None)
        loc["uri"] = (sbom if i % 2 == 0 else tmp_path / "temp" / "gen.json").as_uri()
    got = ga.from_sarif(doc, ws)
    assert [a.file for a in got[:2]] == ["sbom.cdx.json", None]
    assert got[0].line == results[0]["locations"][0]["physicalLocation"]["region"]["startLine"]


def test_at_most_ten_of_each_kind_then_one_count(tmp_path: Path) -> None:
    sarif = tmp_path / "r.sarif"
    doc = _sarif(EXAMPLE, ROOT)
    # One result per component and rule family leaves the example 9 results offline; a
    # larger SBOM (or one with maintenance data) has more: repeat them, each repeat with
    # its own fingerprint, so the cap of 10 per kind is reached.
    run = doc["runs"][0]
    run["results"] = [
        dict(r, partialFingerprints={"osauditFinding/v1": f"{fp}:{i}"})
        for i in range(3)
        for r in run["results"]
        for fp in [r["partialFingerprints"]["osauditFinding/v1"]]
    ]
    sarif.write_text(json.dumps(doc), encoding="utf-8")
    levels = [r["level"] for r in doc["runs"][0]["results"]]
    lines = ga.lines(sarif, ROOT)
    kinds = [_parse(line)[0] for line in lines]
    for kind, level in (("error", "error"), ("warning", "warning")):
        assert kinds.count(kind) == min(10, levels.count(level))
    assert kinds.count("notice") <= 10
    over = {k: levels.count(v) - 10 for k, v in (("error", "error"), ("warning", "warning"))
            if levels.count(v) > 10}
    assert over, "the example has more than 10 findings of a kind"
    name, props, closing = _parse(lines[-1])
    assert name == "notice" and props["title"] == "osaudit: more findings"
    for kind, n in over.items():
        assert f"{n} {kind}" in closing
    assert "at most 10 of each kind per step" in closing
    shown = [_parse(line) for line in lines[:-1]]
    assert all(p["file"] == "examples/citizen-portal.cdx.json" and int(p["line"]) >= 1
               for _, p, _ in shown)


def test_changed_components_are_annotated_first() -> None:
    anns = [ga.Annotation("error", f"m{i}", "t", "f", i + 1, f"pkg:pypi/p{i}") for i in range(15)]
    shown, left = ga.select(anns, frozenset({"pkg:pypi/p12", "pkg:pypi/p14"}))
    assert [a.purl for a in shown[:2]] == ["pkg:pypi/p12", "pkg:pypi/p14"]
    assert len(shown) == 10 and left == {"error": 5}
