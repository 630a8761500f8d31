"""Dependency-graph helpers over ``Sbom.dependencies`` (ref -> refs it depends on).

The root is the document subject. Everything is breadth-first so paths are
shortest; adjacency is walked in sorted order so results are deterministic.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Literal

from osaudit.model import Sbom

Relation = Literal["root", "direct", "transitive", "unreachable", "unknown"]


def root_ref(sbom: Sbom) -> str | None:
    """The subject's ref, or None when the document names no subject."""
    return sbom.document.subject.ref if sbom.document.subject is not None else None


def direct_refs(sbom: Sbom) -> frozenset[str] | None:
    """Refs the subject depends on directly; None when there is no graph from the subject."""
    root = root_ref(sbom)
    if root is None:
        return None
    deps = sbom.dependencies.get(root)
    if not deps:
        return None
    return frozenset(d for d in deps if d != root)


def _parents(sbom: Sbom) -> dict[str, tuple[str, ...]]:
    return _reverse(id(sbom.dependencies), sbom)


_REVERSE_CACHE: dict[int, tuple[Sbom, dict[str, tuple[str, ...]]]] = {}


def _reverse(key: int, sbom: Sbom) -> dict[str, tuple[str, ...]]:
    """Reverse adjacency (child -> sorted parents), computed once per Sbom."""
    hit = _REVERSE_CACHE.get(key)
    if hit is not None and hit[0] is sbom:
        return hit[1]
    rev: dict[str, list[str]] = {}
    for src, dsts in sbom.dependencies.items():
        for d in dsts:
            rev.setdefault(d, []).append(src)
    result = {k: tuple(sorted(set(v))) for k, v in rev.items()}
    if len(_REVERSE_CACHE) >= 2:
        _REVERSE_CACHE.clear()
    _REVERSE_CACHE[key] = (sbom, result)
    return result


def depths(sbom: Sbom) -> dict[str, int]:
    """Shortest distance from the root for every reachable ref (root = 0)."""
    root = root_ref(sbom)
    if root is None:
        return {}
    dist = {root: 0}
    queue = deque([root])
    while queue:
        cur = queue.popleft()
        for nxt in sbom.dependencies.get(cur, ()):
            if nxt not in dist:
                dist[nxt] = dist[cur] + 1
                queue.append(nxt)
    return dist


def relation(sbom: Sbom) -> dict[str, Relation]:
    """For every component: root, direct, transitive, unreachable (graph exists but
    does not reach it) or unknown (no graph from the subject)."""
    if direct_refs(sbom) is None:
        root = root_ref(sbom)
        return {c.ref: ("root" if c.ref == root else "unknown") for c in sbom.components}
    dist = depths(sbom)
    out: dict[str, Relation] = {}
    for c in sbom.components:
        d = dist.get(c.ref)
        out[c.ref] = (
            "unreachable" if d is None else "root" if d == 0 else "direct" if d == 1
            else "transitive"
        )  # fmt: skip
    return out


def path_from_root(sbom: Sbom, ref: str) -> tuple[str, ...]:
    """A shortest path root -> ... -> ref (both ends included); () when unreachable."""
    root = root_ref(sbom)
    if root is None:
        return ()
    if ref == root:
        return (root,)
    parents = _parents(sbom)
    # Breadth-first search backwards from ref to the root: only the ancestry is visited.
    prev: dict[str, str] = {}
    seen = {ref}
    queue = deque([ref])
    while queue:
        cur = queue.popleft()
        for p in parents.get(cur, ()):
            if p in seen:
                continue
            seen.add(p)
            prev[p] = cur
            if p == root:
                path = [root]
                while path[-1] != ref:
                    path.append(prev[path[-1]])
                return tuple(path)
            queue.append(p)
    return ()


def introduced_by(sbom: Sbom, refs: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """For each ref, the sorted direct dependencies of the subject through which it is
    reached (a direct dependency maps to itself; () when not reachable or no graph)."""
    direct = direct_refs(sbom)
    wanted = list(dict.fromkeys(refs))
    if direct is None:
        return {r: () for r in wanted}
    root = root_ref(sbom)
    out: dict[str, tuple[str, ...]] = {}
    if len(wanted) > FORWARD_THRESHOLD:
        up = _forward(sbom, direct, root)
        for ref in wanted:
            out[ref] = (ref,) if ref in direct else up.get(ref, ())
        return out
    parents = _parents(sbom)
    memo: dict[str, frozenset[str]] = {}
    for ref in wanted:
        if ref in direct:
            out[ref] = (ref,)
        else:
            out[ref] = tuple(sorted(_ancestors_in(ref, direct, parents, root, memo)))
    return out


FORWARD_THRESHOLD = 64  # above this many refs, one forward pass beats walks up per ref


def _forward(sbom: Sbom, direct: frozenset[str], root: str | None) -> dict[str, tuple[str, ...]]:
    """For every node reachable from a direct dependency: the sorted direct deps it is
    reached through (paths through the root do not count). A worklist bounded to a few
    visits per edge, else strongly connected components and bitsets: never per path."""
    edges = sum(len(v) for v in sbom.dependencies.values())
    if edges > len(sbom.components) + len(direct):  # not tree-like: the worklist would give up
        return _forward_scc(sbom, direct, root)
    up = _forward_worklist(sbom, direct, root, len(direct) + edges)
    return up if up is not None else _forward_scc(sbom, direct, root)


def _forward_worklist(
    sbom: Sbom, direct: frozenset[str], root: str | None, budget: int
) -> dict[str, tuple[str, ...]] | None:
    """The same sets by a worklist from the direct deps, sets shared along chains: the
    fastest way on tree-like graphs, but a node is revisited each time its set grows,
    so after ``budget`` visits it gives up (None) and the SCC pass takes over."""
    up: dict[str, frozenset[str]] = {d: frozenset((d,)) for d in direct}
    deps = sbom.dependencies
    queue = deque(sorted(direct))
    while queue:
        cur = queue.popleft()
        cur_set = up[cur]
        for child in deps.get(cur, ()):
            if child == root:
                continue
            old = up.get(child)
            if old is None:
                up[child] = cur_set
            elif cur_set <= old:
                continue
            else:
                up[child] = old | cur_set
            queue.append(child)
            budget -= 1
            if budget < 0:
                return None
    decoded: dict[int, tuple[str, ...]] = {}
    out: dict[str, tuple[str, ...]] = {}
    for ref, refs in up.items():
        t = decoded.get(id(refs))
        if t is None:
            t = decoded[id(refs)] = tuple(sorted(refs))
        out[ref] = t
    return out


def _forward_scc(sbom: Sbom, direct: frozenset[str], root: str | None) -> dict[str, tuple[str, ...]]:
    """For every node reachable from a direct dependency: the direct deps it is reached
    through (paths through the root do not count).

    Cost does not grow with the number of paths: strongly connected components of
    the part of the graph reachable from the direct deps (iterative Tarjan), then one
    pass over them in topological order, each carrying a bitset (a Python int) of the
    direct deps that reach it; bit ``i`` is the ``i``-th direct dep in sorted order,
    so a set decodes already sorted. Nodes with the same bitset share one tuple.
    """
    deps = sbom.dependencies
    order = sorted(direct)
    bit = {d: 1 << i for i, d in enumerate(order)}
    comp_of: dict[str, int] = {}  # node -> its SCC number (Tarjan: reverse topological)
    members: list[list[str]] = []
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    counter = 0
    for start in order:
        if start in index:
            continue
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        work = [(start, iter(deps.get(start, ())))]
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child == root:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(deps.get(child, ()))))
                    advanced = True
                    break
                if child in on_stack and index[child] < low[node]:
                    low[node] = index[child]
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                if low[node] < low[parent]:
                    low[parent] = low[node]
            if low[node] == index[node]:
                scc: list[str] = []
                while True:
                    m = stack.pop()
                    on_stack.discard(m)
                    comp_of[m] = len(members)
                    scc.append(m)
                    if m == node:
                        break
                members.append(scc)
    # Tarjan numbers SCCs in reverse topological order: walk them from the last.
    masks = [0] * len(members)
    for c in range(len(members) - 1, -1, -1):
        mask = masks[c]
        for m in members[c]:
            mask |= bit.get(m, 0)
        masks[c] = mask
        for m in members[c]:
            for child in deps.get(m, ()):
                cc = comp_of.get(child)
                if cc is not None and cc != c:
                    masks[cc] |= mask
    decoded: dict[int, tuple[str, ...]] = {}
    up: dict[str, tuple[str, ...]] = {}
    for c, nodes in enumerate(members):
        mask = masks[c]
        refs = decoded.get(mask)
        if refs is None:
            refs = decoded[mask] = _bits(mask, order)
        for m in nodes:
            up[m] = refs
    return up


def _bits(mask: int, order: list[str]) -> tuple[str, ...]:
    """The refs whose bits are set in ``mask``, in bit (sorted) order."""
    digits = bin(mask)[:1:-1]  # least significant bit first
    out = []
    i = digits.find("1")
    while i >= 0:  # str.find skips the zero bits in C: cost per set bit, not per bit
        out.append(order[i])
        i = digits.find("1", i + 1)
    return tuple(out)


def _ancestors_in(
    ref: str,
    direct: frozenset[str],
    parents: dict[str, tuple[str, ...]],
    root: str | None,
    memo: dict[str, frozenset[str]],
) -> frozenset[str]:
    """Direct deps among the ancestors of ``ref`` (itself included), walking up once."""
    if ref in memo:
        return memo[ref]
    found: set[str] = set()
    seen = {ref}
    stack = [ref]
    while stack:
        cur = stack.pop()
        if cur in direct:
            found.add(cur)
        if cur in memo and cur != ref:
            found |= memo[cur]
            continue
        for p in parents.get(cur, ()):
            if p not in seen and p != root:
                seen.add(p)
                stack.append(p)
    result = frozenset(found)
    memo[ref] = result
    return result
