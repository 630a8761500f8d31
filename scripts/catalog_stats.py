"""Print catalogue coverage: entries per category, per ecosystem and per jurisdiction.

Usage: python scripts/catalog_stats.py
"""

from __future__ import annotations

from collections import Counter

from osaudit.catalog import load_catalog


def _types(patterns: tuple[str, ...]) -> set[str]:
    return {p.split(":", 1)[1].split("/", 1)[0] for p in patterns if p.startswith("pkg:")}


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
    print("\nfamily vendor jurisdictions: " + ", ".join(f"{k} {v}" for k, v in juris.most_common()))
    steward = Counter(a.jurisdiction or "unknown" for a in alternatives)
    print("alternative steward jurisdictions: "
          + ", ".join(f"{k} {v}" for k, v in steward.most_common()))


if __name__ == "__main__":
    main()
