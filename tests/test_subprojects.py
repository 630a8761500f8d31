"""Sub-project roots and the three dependency depths on SBOMs real generators wrote.

cdxgen puts workspace and sub-project roots in ``metadata.component.components``;
they are part of the application and their ``dependsOn`` are direct dependencies.
Depth is direct, transitive or unknown (no graph from the application, or not
reached by it); ``LI-TRANSITIVE`` only for transitive (docs/scoring.md, "Dependency
depth"). Figures below were checked by hand against the SBOMs' dependency arrays.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from osaudit.cli import cli
from osaudit.model import Sbom
from osaudit.pipeline import AuditOptions, audit
from osaudit.sbom import graph, read_sbom

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT.parent / "shared" / "corpus" / "generated"
FIXTURES = ROOT / "tests" / "fixtures" / "generated"
XROAD = FIXTURES / "nordic-institute_X-Road.ui.cdxgen.cdx.json"
WALLET = FIXTURES / "MinBZK_nl-wallet.wallet_core.cdxgen.cdx.json"
DOCS = GENERATED / "suitenumerique_docs.cdxgen.cdx.json"
TRACKDECHETS = GENERATED / "MTES-MCT_trackdechets.cdxgen.cdx.json"
SIGNALEN = GENERATED / "Amsterdam_signals.environment.cyclonedx-py.cdx.json"


def _need(path: Path) -> str:
    if not path.is_file():
        pytest.skip(f"generated SBOM not found: {path}")
    return str(path)


@cache
def _sbom(path: Path) -> Sbom:
    return read_sbom(_need(path))


@cache
def _report(path: Path) -> dict[str, Any]:
    return audit(_need(path), AuditOptions(offline=True, collect_metadata=False)).to_dict()


def _depths(path: Path) -> Counter[str]:
    return Counter(graph.relation(_sbom(path)).values())


# ---------------------------------------------------------------- X-Road admin UIs (pnpm workspace)


def test_xroad_subprojects_are_part_of_the_application() -> None:
    sbom = _sbom(XROAD)
    assert sbom.document.subject is not None
    assert sbom.document.subject.name == "workspace-root"
    assert [p.name for p in sbom.document.subprojects] == [
        "xroad-centralserver-admin-ui", "xroad-securityserver-admin-ui",
    ]  # fmt: skip
    refs = {c.ref for c in sbom.components}
    assert not refs & {p.ref for p in sbom.document.subprojects}  # not dependencies
    assert len(sbom.components) == 586
    assert [w.code for w in sbom.warnings] == []  # no dependency-unknown-ref any more


def test_xroad_subproject_dependencies_are_direct() -> None:
    # The root's only edges go to the two UIs (before: unknown refs, the graph was lost
    # and all 586 components had an unknown depth). The UIs depend on 3 + 9 packages.
    assert _depths(XROAD) == Counter(direct=12, transitive=241, unreachable=333)
    rel = graph.relation(_sbom(XROAD))
    assert rel["pkg:npm/echarts@6.0.0"] == "direct"  # security-server UI
    assert rel["pkg:npm/is-ip@5.0.1"] == "direct"  # central-server UI
    assert rel["pkg:npm/zrender@6.0.0"] == "transitive"  # through echarts
    # cdxgen wrote no dependencies for the workspace's shared-ui package, so what only
    # it uses, and optional platform binaries, are reached by no edge: depth unknown
    assert rel["pkg:npm/@esbuild/aix-ppc64@0.27.2"] == "unreachable"


def test_xroad_report_names_the_application_and_counts_three_depths() -> None:
    report = _report(XROAD)
    assert report["sbom"]["name"] == "workspace-root"
    s = report["summary"]
    assert (s["direct"], s["transitive"], s["depth_unknown"]) == (12, 241, 333)


def test_xroad_inspect_uses_the_same_words_and_counts() -> None:
    result = CliRunner().invoke(cli, ["inspect", _need(XROAD)])
    assert result.exit_code == 0, result.output
    assert "Graph:       12 direct, 241 transitive, 333 depth unknown" in result.output
    assert "Sub-projects: 2 (part of the application)" in result.output
    result = CliRunner().invoke(cli, ["inspect", "--format", "json", _need(XROAD)])
    g = json.loads(result.output)["graph"]
    assert (g["direct"], g["transitive"], g["depth_unknown"]) == (12, 241, 333)


def test_wallet_core_workspace_crates_are_the_application_not_dependencies() -> None:
    # NL Wallet (Cargo): cdxgen lists the 72 workspace crates in
    # metadata.component.components *and* in components. They are the application:
    # they leave the component list (998 -> 926) and the crates they use are direct.
    sbom = _sbom(WALLET)
    assert len(sbom.document.subprojects) == 72
    assert len(sbom.components) == 926
    assert not {c.ref for c in sbom.components} & {p.ref for p in sbom.document.subprojects}
    # before: 71 direct (the crates themselves), 849 transitive, 78 not reached
    assert _depths(WALLET) == Counter(direct=150, transitive=699, unreachable=77)
    rel = graph.relation(sbom)
    assert rel["pkg:cargo/sentry@0.46.0"] == "direct"
    assert [w.code for w in sbom.warnings] == []


def test_xroad_as_xml_reads_the_same_graph(tmp_path: Path) -> None:
    # the same SBOM written as CycloneDX XML by cyclonedx-python-lib
    from cyclonedx.model.bom import Bom
    from cyclonedx.output import make_outputter
    from cyclonedx.schema import OutputFormat, SchemaVersion

    bom = Bom.from_json(json.loads(Path(_need(XROAD)).read_text("utf-8")))  # type: ignore[attr-defined]
    xml = tmp_path / "xroad.cdx.xml"
    xml.write_text(make_outputter(bom, OutputFormat.XML, SchemaVersion.V1_6).output_as_string())
    sbom = read_sbom(str(xml))
    assert sbom.document.encoding == "xml"
    assert [p.name for p in sbom.document.subprojects] == [
        p.name for p in _sbom(XROAD).document.subprojects
    ]
    assert [w.code for w in sbom.warnings] == []
    assert Counter(graph.relation(sbom).values()) == _depths(XROAD)


# ---------------------------------------------------------------- La Suite Docs (Django + Next.js)


def test_docs_subprojects_and_no_unknown_refs() -> None:
    sbom = _sbom(DOCS)
    assert sbom.document.subject is not None
    # cdxgen names the mail sub-project as metadata.component; the title follows it
    assert sbom.document.subject.name == "mail_mjml"
    assert [p.name for p in sbom.document.subprojects] == ["impress", "docs"]
    assert [w.code for w in sbom.warnings] == []
    assert [p["name"] for p in _report(DOCS)["sbom"]["subprojects"]] == ["impress", "docs"]


def test_docs_unreached_python_backend_is_depth_unknown_not_transitive() -> None:
    # The root's dependsOn lists 2228 npm packages and the two sub-projects; the Python
    # sub-project ``docs@latest`` has no dependencies entry, so none of the 176 PyPI
    # packages is reached, nor 5 npm workspace packages (app-impress...). Before: 181
    # "transitive" in audit, 5 of them with LI-TRANSITIVE (boto3, botocore...).
    assert _depths(DOCS) == Counter(direct=2228, unreachable=181)
    report = _report(DOCS)
    s = report["summary"]
    assert (s["direct"], s["transitive"], s["depth_unknown"]) == (2228, 0, 181)
    rows = {c["ref"]: c for c in report["components"]}
    boto3 = rows["pkg:pypi/boto3@1.43.56"]
    assert boto3["direct"] is None
    assert "LI-TRANSITIVE" not in [r["code"] for r in boto3["lockin"]["reasons"]]
    assert not any(
        r["code"] == "LI-TRANSITIVE" for c in report["components"] for r in c["lockin"]["reasons"]
    )


# ---------------------------------------------------------------- a full graph and no graph


def test_trackdechets_full_graph_unchanged() -> None:
    assert _depths(TRACKDECHETS) == Counter(direct=273, transitive=3059)
    report = _report(TRACKDECHETS)
    transitive_hits = [
        c for c in report["components"]
        if any(r["code"] == "LI-TRANSITIVE" for r in c["lockin"]["reasons"])
    ]  # fmt: skip
    assert transitive_hits and all(c["direct"] is False for c in transitive_hits)


def test_signalen_environment_sbom_has_no_graph_from_the_application() -> None:
    # cyclonedx-py environment writes no metadata.component: depth unknown for all 128
    assert _sbom(SIGNALEN).document.subject is None
    assert _depths(SIGNALEN) == Counter(unknown=128)
    s = _report(SIGNALEN)["summary"]
    assert (s["direct"], s["transitive"], s["depth_unknown"]) == (0, 0, 128)


@pytest.mark.parametrize("fmt", ["markdown", "csv", "html"])
def test_every_format_uses_the_three_words(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"report.{fmt}"
    result = CliRunner().invoke(
        cli,
        ["audit", "--offline", "--quiet", "--now", "2026-12-01T00:00:00Z", "--format", fmt,
         "-o", str(out), _need(DOCS)],
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    text = out.read_text("utf-8-sig")
    assert "unknown" in text and "direct" in text
    if fmt == "markdown":
        assert text.startswith("# osaudit report: `mail_mjml 5.4.1`")  # SBOM text: a code span
        assert "(2228 direct, 0 transitive, 181 depth unknown)" in text
        assert ("Sub-projects of the application (2, not counted as components): "
                "`impress 5.4.1`, `docs latest`.") in text
        assert "| Depth |" in text
    if fmt == "csv":
        header = text.splitlines()[0].split(",")
        assert "depth" in header and "direct" not in header
        col = header.index("depth")
        values = Counter(line.split(",")[col] for line in text.splitlines()[1:] if line)
        assert values["unknown"] >= 181
