"""Dependency-graph helpers (osaudit.sbom.graph)."""

from __future__ import annotations

from osaudit.model import Component, Document, Sbom
from osaudit.sbom import graph, read_sbom


def make(deps: dict[str, tuple[str, ...]], refs: list[str], root: str | None = "app") -> Sbom:
    subject = Component(ref=root, name=root) if root else None
    return Sbom(
        path="mem",
        document=Document(format="cyclonedx", spec_version="1.6", encoding="json", subject=subject),
        components=tuple(Component(ref=r, name=r) for r in refs),
        dependencies=deps,
    )


# app -> a, b ; a -> c ; b -> c ; c -> d ; e unreachable ; cycle d -> c
DEPS = {"app": ("a", "b"), "a": ("c",), "b": ("c",), "c": ("d",), "d": ("c",), "e": ()}
SBOM = make(DEPS, ["a", "b", "c", "d", "e"])


def test_direct_refs():
    assert graph.direct_refs(SBOM) == frozenset({"a", "b"})


def test_no_graph_gives_none():
    assert graph.direct_refs(make({}, ["a"])) is None
    assert graph.direct_refs(make({"a": ("b",)}, ["a", "b"], root=None)) is None
    assert graph.introduced_by(make({}, ["a"]), ["a"]) == {"a": ()}
    assert set(graph.relation(make({}, ["a"])).values()) == {"unknown"}


def test_path_from_root_is_shortest_and_deterministic():
    assert graph.path_from_root(SBOM, "d") == ("app", "a", "c", "d")
    assert graph.path_from_root(SBOM, "a") == ("app", "a")
    assert graph.path_from_root(SBOM, "app") == ("app",)
    assert graph.path_from_root(SBOM, "e") == ()


def test_introduced_by():
    got = graph.introduced_by(SBOM, ["a", "c", "d", "e"])
    assert got == {"a": ("a",), "c": ("a", "b"), "d": ("a", "b"), "e": ()}


def test_relation():
    assert graph.relation(SBOM) == {
        "a": "direct", "b": "direct", "c": "transitive", "d": "transitive", "e": "unreachable",
    }


def test_large_chain_is_fast_enough_to_finish():
    n = 50_000
    refs = [f"c{i}" for i in range(n)]
    deps = {"app": ("c0",), **{refs[i]: (refs[i + 1],) for i in range(n - 1)}}
    sbom = make(deps, refs)
    assert graph.introduced_by(sbom, [refs[-1]]) == {refs[-1]: ("c0",)}
    assert len(graph.path_from_root(sbom, refs[-1])) == n + 1


def test_on_real_nested_sbom(corpus):
    sbom = read_sbom(str(corpus / "large/CycloneDX_bom-examples__SBOM_juice-shop_via_npm_bare_bom.1.4.json"))
    direct = graph.direct_refs(sbom)
    assert direct and len(direct) > 10
    rel = graph.relation(sbom)
    transitive = sorted(r for r, k in rel.items() if k == "transitive")
    assert transitive
    ref = transitive[0]
    path = graph.path_from_root(sbom, ref)
    assert path[0] == sbom.document.subject.ref and path[-1] == ref and path[1] in direct
    intro = graph.introduced_by(sbom, [ref])[ref]
    assert path[1] in intro and set(intro) <= direct


def test_forward_pass_equals_per_ref_walks(corpus, monkeypatch):
    """Both strategies of introduced_by agree on every component of real graphs."""
    for name in ("large/CycloneDX_bom-examples__SBOM_juice-shop_via_npm_bare_bom.1.4.json",
                 "large/interlynk-io_sbomqs__samples_apache_airflow-sbom-2.8.0-python3.10.json"):
        sbom = read_sbom(str(corpus / name))
        refs = [c.ref for c in sbom.components]
        forward = graph.introduced_by(sbom, refs)
        monkeypatch.setattr(graph, "FORWARD_THRESHOLD", 10**9)
        walked = graph.introduced_by(sbom, refs)
        monkeypatch.undo()
        assert forward == walked
        assert sum(bool(v) for v in forward.values()) > len(refs) // 2


def test_forward_pass_with_cycle():
    refs = [f"x{i}" for i in range(100)]
    deps = {"app": ("a", "b"), "a": ("c",), "b": ("c",), "c": ("d",), "d": ("c",)}
    sbom = make(deps, ["a", "b", "c", "d", *refs])
    got = graph.introduced_by(sbom, ["a", "c", "d", *refs])
    assert got["a"] == ("a",) and got["c"] == ("a", "b") and got["d"] == ("a", "b")
    assert got["x0"] == ()
