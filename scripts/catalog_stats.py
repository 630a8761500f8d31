"""Print catalogue coverage: entries per category, per ecosystem and per jurisdiction, and
the recall of the labelled vendor SDKs among the top-3,000 PyPI and npm packages.

Usage: python scripts/catalog_stats.py
"""

from __future__ import annotations

from collections import Counter

import package_labels as pl

from osaudit.catalog import load_catalog


def _types(patterns: tuple[str, ...]) -> set[str]:
    return {p.split(":", 1)[1].split("/", 1)[0] for p in patterns if p.startswith("pkg:")}


def _labelled(catalog) -> None:
    ev = pl.evaluate(catalog)
    print("\nlabelled vendor SDKs among the top 3,000 packages (tests/fixtures/packages/labels.tsv)")
    for kind in pl.KINDS:
        total, hit = ev.vendor_total[kind], ev.vendor_hit[kind]
        print(f"  {kind:5} {hit}/{total} matched by their family, recall {ev.recall(kind):.3f}")
    print(f"  all   recall {ev.recall():.3f}")
    for row, label, got in ev.misses:
        print(f"    missed {row.kind}/{row.name}: labelled {label}, matched {got}")
    generic = sum(1 for labels in [pl.load_labels()] for v in labels.values() if v[0] == pl.GENERIC)
    print(f"  generic (labelled non-vendor) packages matched: {len(ev.generic_matched)}"
          f" of {generic} labelled generic")
    for row, fam in ev.generic_matched:
        print(f"    {row.kind}/{row.name} -> {fam}")
    print(f"  unlabelled top-3,000 packages matched: {len(ev.unlabelled_top_matched)}")
    print(f"  matches whose summary reads generic: {len(ev.suspicious)}")
    print(f"  npm/PyPI patterns matching no listed package: {len(ev.unmatched_patterns)}")


def _licences(catalog) -> None:
    """How many alternatives have a confirmed licence, and which licences they are."""
    alts = list(catalog.alternatives.values())
    unconfirmed = [a.id for a in alts
                   if a.licence == "NOASSERTION" or "licence" in catalog.unverified(a.id)]
    services = [a.id for a in alts if a.licence == "LicenseRef-service-terms"]
    confirmed = len(alts) - len(unconfirmed)
    print(f"\nalternative licences: confirmed {confirmed}/{len(alts)} = "
          f"{confirmed / max(len(alts), 1):.1%} (software {confirmed - len(services)}, "
          f"services under their terms {len(services)}); unconfirmed (null) {len(unconfirmed)}")
    counts = Counter(a.licence for a in alts if a.id not in set(unconfirmed) | set(services))
    print("  software licences: " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
    if unconfirmed:
        print("  unconfirmed: " + ", ".join(sorted(unconfirmed)))


def main() -> None:
    catalog = load_catalog()
    families = catalog.families.values()
    alternatives = catalog.alternatives.values()
    print(f"families {len(catalog.families)}, alternatives {len(catalog.alternatives)}")
    by_cat = Counter(f.category for f in families)
    alt_cat: Counter[str] = Counter()
    for alt in alternatives:
        for cat in {catalog.families[f.id].category for f in families
                    if any(r.alternative == alt.id for r in f.alternatives)}:
            alt_cat[cat] += 1
    print("\ncategory                   families  alternatives")
    for cat in sorted(set(by_cat) | set(alt_cat)):
        print(f"{cat:26} {by_cat[cat]:8}  {alt_cat[cat]:12}")
    fam_eco = Counter(t for f in families for t in _types(f.purls))
    alt_eco = Counter(t for a in alternatives for t in _types(a.client_purls))
    print("\necosystem   families  alternatives (entries listing at least one purl of the type)")
    for eco in sorted(set(fam_eco) | set(alt_eco), key=lambda e: -fam_eco[e]):
        print(f"{eco:11} {fam_eco[eco]:8}  {alt_eco[eco]:12}")
    juris = Counter(f.vendor.jurisdiction or "unknown" for f in families)
    unknown = juris.get("unknown", 0)
    print(f"\nfamily vendor jurisdictions (unknown {unknown}/{len(catalog.families)} = "
          f"{unknown / max(len(catalog.families), 1):.1%}): "
          + ", ".join(f"{k} {v}" for k, v in juris.most_common()))
    steward = Counter(a.jurisdiction or "unknown" for a in alternatives)
    print("alternative steward jurisdictions: "
          + ", ".join(f"{k} {v}" for k, v in steward.most_common()))
    _licences(catalog)
    _labelled(catalog)


if __name__ == "__main__":
    main()
