"""Why a family-matched component's lock-in may not be in effect (pure).

Two conditions, documented in docs/scoring.md (rules LI-SCOPE and LI-DORMANT):

* **scope**: the SBOM says the component is not needed at runtime (CycloneDX
  ``scope`` ``optional`` or ``excluded``; SPDX ``OPTIONAL_DEPENDENCY_OF``,
  ``DEV_DEPENDENCY_OF``, ...).
* **dormant**: the catalogue records that a bundler (a preset, an SDK) always
  installs the package but that it does nothing unless configured
  (``dormant`` on the family), and the SBOM shows it arriving only through
  such a bundler.

A conditional lock-in is still scored and listed, with the condition as a
reason; it caps the score and keeps the vendor product out of the verdict's
justifications when every client of the product is conditional.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from osaudit.catalog.patterns import Glob, pattern_key, purl_key
from osaudit.model import Component, DormantScope, Family
from osaudit.naming import display_name

#: CycloneDX scopes that say a component is not needed at runtime, and what they mean
#: (CycloneDX 1.6 ``component.scope``).
INACTIVE_SCOPES: dict[str, str] = {
    "optional": "optional at runtime: it may not be installed or reachable",
    "excluded": "not part of the runtime (test, build or development use)",
}


@dataclass(frozen=True, slots=True)
class Condition:
    """Why a component's lock-in may not be in effect."""

    code: str  # "LI-SCOPE" | "LI-DORMANT"
    label: str  # short: "scope optional", "dormant (bundled by X)"
    message: str  # the reason's text
    source: str  # "sbom" or "catalog:<family id>"


def scope_condition(component: Component) -> Condition | None:
    """The LI-SCOPE condition of a component whose SBOM scope is optional or excluded."""
    scope = (component.scope or "").lower()
    meaning = INACTIVE_SCOPES.get(scope)
    if meaning is None:
        return None
    return Condition(
        "LI-SCOPE", f"scope {scope}", f"the SBOM gives scope {scope} ({meaning})", "sbom"
    )


def _glob(patterns: Iterable[str]) -> list[Glob]:
    return [Glob.compile(pattern_key(p)) for p in patterns]


def _scope_for(family: Family, key: str) -> DormantScope | None:
    for scope in family.dormant:
        if any(g.matches(key) for g in _glob(scope.purls)):
            return scope
    return None


def dormant_conditions(
    components: Sequence[Component],
    families: Mapping[str, Family],
    deps: Mapping[str, Sequence[str]],
    roots: Collection[str],
) -> dict[str, Condition]:
    """LI-DORMANT conditions by ref.

    ``families`` maps the ref of each family-matched component to its family;
    ``deps`` is the SBOM graph (ref -> refs it depends on); ``roots`` are the
    refs the application is (subject and sub-project roots).

    A component matching a family's ``dormant`` scope is dormant when a bundler
    of that scope is in the SBOM and:

    * the graph names parents for it: every parent that is not an application
      root is a bundler or itself dormant, and there is at least one such parent
      (an edge from the root next to a bundler's does not count as use: cdxgen
      lists every workspace package under the root);
    * the graph names no parent (no graph, or it does not reach the component):
      no other component of the same vendor's families is in the SBOM.
    """
    candidates: dict[str, DormantScope] = {}
    for comp in components:
        fam = families.get(comp.ref)
        key = purl_key(comp.purl) if comp.purl else None
        if fam is None or not fam.dormant or key is None:
            continue
        scope = _scope_for(fam, key)
        if scope is not None:
            candidates[comp.ref] = scope
    if not candidates:
        return {}
    by_ref = {c.ref: c for c in components}
    keys = {c.ref: k for c in components if c.purl and (k := purl_key(c.purl))}
    bundlers: dict[DormantScope, set[str]] = {}
    for scope in set(candidates.values()):
        globs = _glob(scope.bundled_by)
        bundlers[scope] = {r for r, k in keys.items() if any(g.matches(k) for g in globs)}
    wanted = set(candidates)
    parents: dict[str, list[str]] = {}
    for src, dsts in deps.items():
        for d in dsts:
            if d in wanted:
                parents.setdefault(d, []).append(src)
    vendors_active: dict[str, set[str]] = {}
    for ref, fam in families.items():
        if ref not in candidates:
            vendors_active.setdefault(fam.vendor.name, set()).add(ref)
    dormant: dict[str, tuple[str, bool]] = {}  # ref -> (bundler names, shown by the graph)
    changed = True
    while changed:
        changed = False
        for ref, scope in candidates.items():
            if ref in dormant:
                continue
            found = bundlers[scope]
            if not found:
                continue
            hit = _through(ref, parents, roots, found, dormant, by_ref, families, vendors_active)
            if hit is not None:
                dormant[ref] = hit
                changed = True
    out: dict[str, Condition] = {}
    for ref, (through, graph) in dormant.items():
        scope, fam = candidates[ref], families[ref]
        how = (
            f"arrives only through {through}, which always installs it"
            if graph
            else f"{through} in the SBOM always installs it and no other package of "
            f"{fam.vendor.name} is present (the graph does not show who pulls it in)"
        )
        out[ref] = Condition(
            "LI-DORMANT",
            f"dormant (bundled by {through})",
            f"{how}; dormant unless configured: active only when {scope.active_when}",
            f"catalog:{fam.id}",
        )
    return out


def _through(
    ref: str,
    parents: Mapping[str, Sequence[str]],
    roots: Collection[str],
    bundlers: set[str],
    dormant: Mapping[str, tuple[str, bool]],
    by_ref: Mapping[str, Component],
    families: Mapping[str, Family],
    vendors_active: Mapping[str, set[str]],
) -> tuple[str, bool] | None:
    """(names of the bundlers, whether the graph shows it) when ``ref`` is dormant."""
    ps = parents.get(ref, ())
    if ps:
        pkgs = sorted({p for p in ps if p not in roots})
        if not pkgs or any(p not in bundlers and p not in dormant for p in pkgs):
            return None
        return ", ".join(sorted({_name(by_ref, p) for p in pkgs})), True
    vendor = families[ref].vendor.name
    if vendors_active.get(vendor):
        return None
    return ", ".join(sorted({_name(by_ref, b) for b in bundlers})), False


def _name(by_ref: Mapping[str, Component], ref: str) -> str:
    c = by_ref.get(ref)
    return display_name(c.group, c.name) if c is not None else ref
