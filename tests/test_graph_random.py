"""``introduced_by`` on random graphs with cycles: both code paths agree with the definition.

Definition: transitive ``x`` is introduced by direct dependency ``d`` when some path
``d -> ... -> x`` avoids the root. Checked by a plain search from every direct dep
(issue 16, graph speed: the SCC + bitset pass must give exactly these sets).
"""

from __future__ import annotations

import random

import pytest

from osaudit.sbom import graph
from tests.test_graph import make


def _random_deps(n: int, n_direct: int, seed: int) -> dict[str, tuple[str, ...]]:
    rng = random.Random(seed)
    deps: dict[str, tuple[str, ...]] = {"app": tuple(f"c{i}" for i in range(n_direct))}
    for i in range(n):
        kids = {rng.randrange(n) for _ in range(rng.randint(0, 3))} - {i}
        if rng.random() < 0.05:
            kids.add(-1)  # an edge back to the root: paths through it do not count
        deps[f"c{i}"] = tuple("app" if k == -1 else f"c{k}" for k in sorted(kids))
    return deps


def _by_definition(deps: dict[str, tuple[str, ...]]) -> dict[str, set[str]]:
    reached: dict[str, set[str]] = {}
    for d in deps["app"]:
        seen = {d}
        stack = [d]
        while stack:
            cur = stack.pop()
            for nxt in deps.get(cur, ()):
                if nxt != "app" and nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        for x in seen:
            reached.setdefault(x, set()).add(d)
    return reached


@pytest.mark.parametrize("seed", range(12))
def test_introduced_by_matches_the_definition(seed: int) -> None:
    n = [30, 200, 1500][seed % 3]
    deps = _random_deps(n, n_direct=[1, 5, 40][seed % 3] if seed % 2 else 3, seed=seed)
    refs = [f"c{i}" for i in range(n)]
    sbom = make(deps, refs)
    direct = set(deps["app"])
    truth = _by_definition(deps)
    transitive = [r for r in refs if r not in direct]
    want = {r: tuple(sorted(truth.get(r, ()))) for r in transitive}
    assert graph.introduced_by(sbom, transitive) == want  # forward pass (> threshold refs)
    few = transitive[: graph.FORWARD_THRESHOLD]
    assert graph.introduced_by(sbom, few) == {r: want[r] for r in few}  # walk-up path
    every = {x: tuple(sorted(ds)) for x, ds in truth.items()}
    root = "app"
    assert graph._forward_scc(sbom, frozenset(direct), root) == every  # both forward passes
    assert graph._forward_worklist(sbom, frozenset(direct), root, budget=10**9) == every


def test_worklist_gives_up_within_its_budget() -> None:
    deps = _random_deps(3000, n_direct=200, seed=7)  # many paths: sets grow many times
    sbom = make(deps, [f"c{i}" for i in range(3000)])
    direct = frozenset(deps["app"])
    assert graph._forward_worklist(sbom, direct, "app", budget=3000) is None
    assert graph._forward(sbom, direct, "app") == graph._forward_scc(sbom, direct, "app")


def test_deep_chain_needs_no_recursion() -> None:
    n = 30_000  # far beyond the interpreter's recursion limit (1,000)
    deps = {"app": ("c0",), **{f"c{i}": (f"c{i + 1}",) for i in range(n - 1)}}
    deps[f"c{n - 1}"] = ("c0",)  # and one cycle over the whole chain
    refs = [f"c{i}" for i in range(n)]
    out = graph.introduced_by(make(deps, refs), refs[1:])
    assert out[f"c{n - 1}"] == ("c0",) and len(out) == n - 1
