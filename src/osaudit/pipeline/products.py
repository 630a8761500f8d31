"""Vendor products, the verdict's evidence and the sovereignty parties of one audit.

Glue between the scored rows and ``scoring/products.py``, ``scoring/verdict.py``
and ``scoring/sovereignty.py`` (rules in docs/scoring.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from osaudit.catalog import Catalog
from osaudit.model import Sbom
from osaudit.report.model import (
    ComponentResult,
    ProductClient,
    ProductExit,
    ProductPlumbing,
    VendorProduct,
)
from osaudit.sbom.graph import root_ref
from osaudit.scoring import sovereignty
from osaudit.scoring.lockin import controlling_jurisdiction
from osaudit.scoring.products import Member, Product, exits, group
from osaudit.scoring.verdict import Evidence, Findings
from osaudit.vocabulary import LEVEL_RANK


def vendor_products(
    sbom: Sbom, members: Sequence[Member], direct: frozenset[str] | None, catalog: Catalog
) -> list[Product]:
    """Family-matched components grouped into vendor products, each with its exits.

    The walk starts at the application root, whose children are every ref the
    graph stage counts as direct (sub-project roots' dependencies included).
    """
    root = root_ref(sbom)
    deps: dict[str, tuple[str, ...]] | None = None
    if root is not None and direct is not None:
        deps = dict(sbom.dependencies)
        deps[root] = tuple(sorted(set(deps.get(root, ())) | direct))
    products = group(members, deps, [root] if deps is not None and root is not None else [])
    present = [c.purl for c in sbom.components if c.purl]
    for p in products:
        p.exits = exits(p, catalog.families, catalog.alternatives, present, catalog.unverified)
    return products


def plumbing_capped(findings: Sequence[Findings], products: Sequence[Product]) -> list[Findings]:
    """Plumbing is never scored above its product: its lock-in level is capped at the product's."""
    cap: dict[str, str] = {}
    for p in products:
        for m, _via in p.plumbing:
            prev = cap.get(m.ref)
            if prev is None or LEVEL_RANK[p.level] > LEVEL_RANK[prev]:
                cap[m.ref] = p.level
    out = []
    for f in findings:
        lv = cap.get(f.ref)
        if lv is not None and LEVEL_RANK.get(f.lockin_level, -1) > LEVEL_RANK[lv]:
            f = replace(f, lockin_level=lv)
        out.append(f)
    return out


def evidence(rows: Sequence[ComponentResult]) -> Evidence:
    """How many components each source of evidence covers (the verdict states it)."""
    return Evidence(
        components=len(rows),
        licence_known=sum(r.licence.level != "unknown" for r in rows),
        catalogued=sum(bool(r.lockin.family or r.lockin.alternative_of) for r in rows),
        direct=sum(r.direct is True for r in rows),
        transitive=sum(r.direct is False for r in rows),
        depth_unknown=sum(r.direct is None for r in rows),
        metadata_known=sum(r.maintenance.level != "unknown" for r in rows),
    )


def parties(
    products: Sequence[Product], rows: Sequence[ComponentResult], catalog: Catalog
) -> tuple[list[sovereignty.Party], list[sovereignty.Party]]:
    """Distinct controlling vendors of the products, and stewards of the alternatives in use."""
    vendors: dict[tuple[str, str | None], set[str]] = {}
    for p in products:
        if p.conditional:
            continue  # optional or dormant: not a vendor the application depends on
        fam = p.family
        juris = controlling_jurisdiction(fam, catalog.unverified)
        parent_counts = (
            fam.vendor.parent
            and fam.vendor.parent_jurisdiction
            and "vendor.parent_jurisdiction" not in catalog.unverified(fam.id)
        )
        name = fam.vendor.parent if parent_counts else fam.vendor.name
        vendors.setdefault((str(name), juris), set()).add(fam.id)
    stewards: dict[tuple[str, str | None], set[str]] = {}
    for r in rows:
        if r.lockin.family:
            continue
        for alt_id in r.lockin.alternative_of:
            alt = catalog.alternatives.get(alt_id)
            if alt is None:
                continue
            unverified = "steward.jurisdiction" in catalog.unverified(alt_id)
            stewards.setdefault((alt.steward, None if unverified else alt.jurisdiction), set()).add(
                alt_id
            )
    return (
        [sovereignty.Party(n, j, tuple(e)) for (n, j), e in vendors.items()],
        [sovereignty.Party(n, j, tuple(e)) for (n, j), e in stewards.items()],
    )


def product_row(p: Product) -> VendorProduct:
    """One vendor product as the report's ``summary.vendor_products`` entry."""
    fam = p.family
    names = {m.ref: m.name for m in p.clients}
    return VendorProduct(
        family=fam.id,
        name=fam.name,
        vendor=fam.vendor.name,
        kind=fam.kind,
        level=p.level,  # type: ignore[arg-type]
        score=p.score,
        clients=tuple(
            ProductClient(
                ref=m.ref, name=m.name, version=m.version, direct=m.direct,
                level=m.level,  # type: ignore[arg-type]
            )
            for m in p.clients
        ),
        plumbing=tuple(
            ProductPlumbing(
                ref=m.ref, name=m.name, version=m.version, via=tuple(names.get(r, r) for r in via)
            )
            for m, via in p.plumbing
        ),
        exits=tuple(
            ProductExit(
                id=e.option.alternative.id,
                name=e.option.alternative.name,
                swap=e.option.swap,  # type: ignore[arg-type]
                basis=e.basis,  # type: ignore[arg-type]
                family=e.family_id,
                note=e.note,
            )
            for e in p.exits
        ),
    )
