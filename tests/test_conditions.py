"""Dormant bundles (rule LI-DORMANT, docs/scoring.md) on hand-built graphs.

The shapes are those of the real SBOMs: a correct npm graph (Trackdéchets:
root -> preset-classic -> plugins), cdxgen's flat workspace root (Docs: the root
lists every package, so a root edge sits next to the bundler's), a chain through
a dormant package (ai -> @ai-sdk/gateway -> @vercel/oidc) and no graph at all
(Airflow's published SBOM has no edge to google-auth).
"""

from __future__ import annotations

from dataclasses import replace

from osaudit.model import Component, DormantScope, Family, Provenance, Vendor
from osaudit.scoring.conditions import dormant_conditions

PROV = Provenance(sources=("https://example.org/",), reviewed="2026-12-01")
SCOPE = DormantScope(
    purls=("pkg:npm/@docusaurus/plugin-google-gtag", "pkg:npm/@vercel/oidc"),
    bundled_by=("pkg:npm/@docusaurus/preset-classic",),
    active_when="the preset's gtag option is set",
    sources=("https://docusaurus.io/docs/using-plugins#docusauruspreset-classic",),
)
GA = Family(
    id="google-analytics", name="Google Analytics", category="web-analytics",
    vendor=Vendor("Google LLC", "US"), kind="proprietary-service-sdk", lock=("hosted-only",),
    open_standards=(), purls=("pkg:npm/@docusaurus/plugin-google-gtag", "pkg:npm/react-ga4"),
    exclude=(), cpes=(), names=(), csf=(), alternatives=(), relicensing=(), provenance=PROV,
    dormant=(SCOPE,),
)


def npm(name: str) -> Component:
    group, _, short = name.rpartition("/")
    purl = f"pkg:npm/{name.replace('@', '%40', 1)}@1.0.0"
    return Component(ref=name, name=short, group=group or None, purl=purl, ecosystem="npm")


ROOT = Component(ref="root", name="site")
PRESET, GTAG, OTHER, REACT_GA = (
    npm("@docusaurus/preset-classic"), npm("@docusaurus/plugin-google-gtag"), npm("some-lib"),
    npm("react-ga4"),
)


def conditions(comps: list[Component], deps: dict[str, tuple[str, ...]], fams=None):  # type: ignore[no-untyped-def]
    fams = fams if fams is not None else {GTAG.ref: GA}
    return dormant_conditions(comps, fams, deps, {"root"})


def test_only_through_the_bundler_is_dormant() -> None:
    out = conditions([PRESET, GTAG], {"root": ("@docusaurus/preset-classic",),
                                      "@docusaurus/preset-classic": ("@docusaurus/plugin-google-gtag",)})
    cond = out[GTAG.ref]
    assert cond.code == "LI-DORMANT" and cond.source == "catalog:google-analytics"
    assert "arrives only through @docusaurus/preset-classic" in cond.message
    assert "the preset's gtag option is set" in cond.message


def test_declared_by_the_application_alone_is_not_dormant() -> None:
    assert conditions([PRESET, GTAG], {"root": ("@docusaurus/plugin-google-gtag",
                                                "@docusaurus/preset-classic")}) == {}


def test_another_package_pulling_it_in_is_not_dormant() -> None:
    deps = {"root": ("@docusaurus/preset-classic", "some-lib"),
            "@docusaurus/preset-classic": ("@docusaurus/plugin-google-gtag",),
            "some-lib": ("@docusaurus/plugin-google-gtag",)}
    assert conditions([PRESET, GTAG, OTHER], deps) == {}


def test_flat_workspace_root_next_to_the_bundler_is_dormant() -> None:
    deps = {"root": ("@docusaurus/preset-classic", "@docusaurus/plugin-google-gtag"),
            "@docusaurus/preset-classic": ("@docusaurus/plugin-google-gtag",)}
    assert GTAG.ref in conditions([PRESET, GTAG], deps)


def test_no_bundler_in_the_sbom_is_not_dormant() -> None:
    assert conditions([GTAG], {"root": ("@docusaurus/plugin-google-gtag",)}) == {}
    assert conditions([GTAG], {}) == {}


def test_a_package_under_a_dormant_one_is_dormant() -> None:
    oidc = npm("@vercel/oidc")
    deps = {"root": ("@docusaurus/preset-classic",),
            "@docusaurus/preset-classic": ("@docusaurus/plugin-google-gtag",),
            "@docusaurus/plugin-google-gtag": ("@vercel/oidc",)}
    out = conditions([PRESET, GTAG, oidc], deps, {GTAG.ref: GA, oidc.ref: GA})
    assert set(out) == {GTAG.ref, oidc.ref}
    assert "through @docusaurus/plugin-google-gtag" in out[oidc.ref].message


def test_without_graph_edges_another_package_of_the_vendor_keeps_it_active() -> None:
    out = conditions([PRESET, GTAG], {})
    assert "the graph does not show who pulls it in" in out[GTAG.ref].message
    fams = {GTAG.ref: GA, REACT_GA.ref: replace(GA, dormant=())}
    assert conditions([PRESET, GTAG, REACT_GA], {}, fams) == {}


def test_a_package_outside_the_dormant_purls_is_never_dormant() -> None:
    deps = {"root": ("@docusaurus/preset-classic",),
            "@docusaurus/preset-classic": ("react-ga4",)}
    assert conditions([PRESET, REACT_GA], deps, {REACT_GA.ref: GA}) == {}
