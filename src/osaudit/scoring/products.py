"""Vendor products: the application-level unit of lock-in (pure).

A vendor product is one catalogue family as the application uses it: the
*clients* the application reaches without going through another package of
the same vendor, and the *plumbing* that only arrives through those clients
(the 50 ``@aws-sdk/*`` internals under ``@aws-sdk/client-s3``). Its level is
the worst level of its clients; plumbing is listed under the clients it
arrives through and never raises the level. A product whose clients are all
conditional (optional scope, dormant bundle) is *conditional*. Without a dependency graph
nothing can be shown to be plumbing, so every member is a client.

Exits: the family's own alternatives, plus, for a catch-all family (boto3 is
the client of every AWS service), the alternatives of the service families
that name it in ``via_catch_all``: *revealed* when a package that uses the
catch-all client for that service is in the SBOM (django-storages calls S3
through boto3), else *possible*, with the caveat that the SBOM cannot tell
which services are called. Rules and examples: docs/scoring.md, "Vendor
products".
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from osaudit.catalog.patterns import Glob, pattern_key, purl_key
from osaudit.model import Alternative, Family
from osaudit.scoring.lockin import AlternativeOption, rank_alternatives
from osaudit.vocabulary import LEVEL_RANK


@dataclass(frozen=True, slots=True)
class Member:
    """One family-matched component, as the grouping needs it."""

    ref: str
    name: str  # display name (group/name)
    version: str | None
    purl: str | None
    family: Family
    level: str
    score: int | None
    direct: bool | None
    condition: str | None = None  # why its lock may not be in effect ("scope optional", ...)


@dataclass(frozen=True, slots=True)
class Exit:
    """One way out of a vendor product."""

    option: AlternativeOption
    family_id: str  # the family whose alternative this is
    basis: str  # "catalogue" | "revealed" | "possible"
    note: str  # why this exit is offered (evidence or caveat); "" for the family's own


@dataclass(slots=True)
class Product:
    """One vendor product (family) as the application uses it."""

    family: Family
    clients: list[Member] = field(default_factory=list)
    plumbing: list[tuple[Member, tuple[str, ...]]] = field(default_factory=list)  # (m, via refs)
    exits: list[Exit] = field(default_factory=list)

    @property
    def level(self) -> str:
        levels = [m.level for m in self.clients] or ["none"]
        return max(levels, key=lambda lv: LEVEL_RANK.get(lv, -1))

    @property
    def conditional(self) -> bool:
        """Every client is conditional (optional scope or dormant): the lock may not be in
        effect, so the product needs no justification of its own."""
        return bool(self.clients) and all(m.condition for m in self.clients)

    @property
    def score(self) -> int | None:
        scores = [m.score for m in self.clients if m.score is not None]
        return max(scores) if scores else None

    @property
    def refs(self) -> list[str]:
        return [m.ref for m in self.clients] + [m.ref for m, _ in self.plumbing]


def _entries(
    roots: Sequence[str], deps: Mapping[str, Sequence[str]], vendor_refs: set[str]
) -> set[str]:
    """Vendor components reachable from the roots without passing another vendor component."""
    seen = set(roots)
    queue = deque(roots)
    found: set[str] = set()
    while queue:
        cur = queue.popleft()
        for nxt in deps.get(cur, ()):
            if nxt in seen:
                continue
            seen.add(nxt)
            if nxt in vendor_refs:
                found.add(nxt)  # stop here: what lies below arrives through it
            else:
                queue.append(nxt)
    return found


def _reach(
    starts: Iterable[str], deps: Mapping[str, Sequence[str]], within: set[str] | None = None
) -> set[str]:
    """Everything reachable from ``starts`` (excluded), through any component (``within``)."""
    queue = deque(starts)
    seen = set(queue)
    out: set[str] = set()
    while queue:
        cur = queue.popleft()
        for nxt in deps.get(cur, ()):
            if nxt not in seen and (within is None or nxt in within):
                seen.add(nxt)
                out.add(nxt)
                queue.append(nxt)
    return out


def _ancestors(targets: set[str], parents: Mapping[str, Sequence[str]]) -> set[str]:
    """The targets and everything above them."""
    return targets | _reach(targets, parents)


def group(
    members: Iterable[Member],
    deps: Mapping[str, Sequence[str]] | None,
    roots: Sequence[str],
) -> list[Product]:
    """Group family-matched components into vendor products.

    ``deps`` is the SBOM graph (None when it does not reach from the
    application root, then every member is a client); ``roots`` are the refs
    the application is (its subject and sub-project roots).
    """
    by_family: dict[str, Product] = {}
    by_vendor: dict[str, list[Member]] = {}
    for m in members:
        by_family.setdefault(m.family.id, Product(m.family))
        by_vendor.setdefault(m.family.vendor.name, []).append(m)
    reachable = _reach(roots, deps) if deps is not None and roots else set()
    parents: dict[str, list[str]] = {}
    for src, dsts in (deps or {}).items():
        for d in dsts:
            parents.setdefault(d, []).append(src)
    for vendor_members in by_vendor.values():
        refs = {m.ref for m in vendor_members}
        by_ref = {m.ref: m for m in vendor_members}
        via: dict[str, list[str]] = {}
        if deps is None or not roots:
            clients = set(refs)
        else:
            # A vendor component the application reaches only through another component
            # of the same vendor's families is plumbing of the clients above it.
            clients = _entries(roots, deps, refs)
            clients |= refs - reachable  # the graph does not reach it: cannot be shown
            plumbing = (refs & reachable) - clients
            # Walk down from each client only where plumbing lies below (cheap on large graphs).
            above = _ancestors(plumbing, parents) if plumbing else set()
            for c in sorted(clients & above):
                for r in _reach([c], deps, above) & plumbing:
                    via.setdefault(r, []).append(c)
        for ref in sorted(clients):
            m = by_ref[ref]
            by_family[m.family.id].clients.append(m)
        for ref, vias in sorted(via.items()):
            m = by_ref[ref]
            for fam_id in sorted({by_ref[c].family.id for c in vias}):
                through = tuple(c for c in vias if by_ref[c].family.id == fam_id)
                by_family[fam_id].plumbing.append((m, through))
    products = [p for p in by_family.values() if p.clients]
    for p in products:
        p.clients.sort(key=lambda m: (m.name, m.version or "", m.ref))
        p.plumbing.sort(key=lambda mv: (mv[0].name, mv[0].version or "", mv[0].ref))
    products.sort(key=lambda p: (-LEVEL_RANK.get(p.level, -1), p.family.name, p.family.id))
    return products


def _glob(pattern: str) -> Glob:
    return Glob.compile(pattern_key(pattern))


def exits(
    product: Product,
    families: Mapping[str, Family],
    alternatives: Mapping[str, Alternative],
    present_purls: Iterable[str],
    unverified: object = None,
) -> list[Exit]:
    """The product's exits: its family's alternatives, then those its catch-all role reveals."""
    fam = product.family
    out = [
        Exit(o, fam.id, "catalogue", "")
        for o in rank_alternatives(fam, alternatives, unverified)  # type: ignore[arg-type]
    ]
    keys = {k for k in (purl_key(p) for p in present_purls) if k}
    client_names = ", ".join(m.name for m in product.clients[:3])
    for service in sorted(families.values(), key=lambda f: f.id):
        link = service.via_catch_all
        if link is None or link.family != fam.id:
            continue
        evidence = sorted(
            {p for p in link.evidence for k in keys if _glob(p).matches(k)}
        )
        options = rank_alternatives(service, alternatives, unverified)  # type: ignore[arg-type]
        if evidence:
            names = ", ".join(e.removeprefix("pkg:") for e in evidence)
            note = f"{names} in the SBOM uses {client_names} for {service.name}"
            basis = "revealed"
        else:
            note = (
                f"the SBOM cannot tell which services {client_names} calls: "
                f"if it is only {service.name}, this exit applies"
            )
            basis = "possible"
        if link.note:
            note += f" ({link.note})"
        out.extend(Exit(o, service.id, basis, note) for o in options)
    order = {"revealed": 0, "catalogue": 1, "possible": 2}
    return sorted(out, key=lambda e: order[e.basis])  # stable: ranking kept within a basis
