"""The Art. 41 open-source-first verdict and the policy gates (pure).

* ``fail``: a gate failed: a policy threshold was exceeded, a denied
  component is present, or an exception that covers a component has expired.
* ``justify``: no gate failed, but proprietary, source-available or high-lock
  vendor products (or closed-licence components outside any product) remain
  without an approved exception; each needs a written justification, one per
  vendor product listing its packages, with its exits. A product whose clients
  are all conditional (optional scope, dormant bundle) needs one only for a
  closed licence.
* ``pass``: neither.

Allow-listed components and components under an active exception are left
out of the gates and of the justifications (and recorded as such). A denied
component fails even when an exception or an allow entry also matches it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from osaudit.scoring.policy import Policy, PolicyException, matches
from osaudit.scoring.products import Product
from osaudit.vocabulary import AXES, LEVEL_RANK

#: Family kinds that make a component proprietary or source-available.
PROPRIETARY_KINDS: frozenset[str] = frozenset(
    {"proprietary-service-sdk", "proprietary-licence", "source-available"}
)
#: Licence categories that are not open source.
CLOSED_CATEGORIES: frozenset[str] = frozenset(
    {"Commercial", "Proprietary Free", "Source-available"}
)
#: Lock-in levels that need a justification.
HIGH_LOCK: frozenset[str] = frozenset({"high", "critical"})
_SHOW = 5  # components named in a gate's detail


@dataclass(frozen=True, slots=True)
class Findings:
    """What the verdict needs to know about one component."""

    ref: str
    name: str
    version: str | None
    purl: str | None
    lockin_level: str
    licence_level: str
    maintenance_level: str
    licence_category: str = "Unknown"
    open_source: bool | None = None
    family_id: str | None = None
    family_kind: str | None = None
    vendor: str | None = None
    alternatives: tuple[tuple[str, str, str], ...] = ()  # (id, name, swap), best first

    def label(self) -> str:
        return f"{self.name} {self.version}" if self.version else self.name

    def level(self, axis: str) -> str:
        return {
            "lockin": self.lockin_level,
            "licence": self.licence_level,
            "maintenance": self.maintenance_level,
        }[axis]


def why_justify(f: Findings) -> str | None:
    """Why a component needs a written justification, or None."""
    parts: list[str] = []
    if f.family_kind in PROPRIETARY_KINDS:
        who = f" of {f.vendor}" if f.vendor else ""
        parts.append(f"{f.family_kind.replace('-', ' ')} ({f.family_id}{who})")
    if f.open_source is False or f.licence_category in CLOSED_CATEGORIES:
        parts.append(f"licence category {f.licence_category} is not open source")
    if f.lockin_level in HIGH_LOCK:
        parts.append(f"lock-in {f.lockin_level}")
    return "; ".join(parts) if parts else None


def _closed(f: Findings) -> bool:
    return f.open_source is False or f.licence_category in CLOSED_CATEGORIES


def product_justification(
    product: Product, findings: dict[str, Findings], covered: set[str]
) -> dict[str, Any] | None:
    """One justification for a vendor product, from the clients not covered by the policy."""
    clients = [m for m in product.clients if m.ref not in covered]
    if not clients:
        return None
    fam = product.family
    level = max((m.level for m in clients), key=lambda lv: LEVEL_RANK.get(lv, -1))
    # Clients whose lock may not be in effect (optional scope, dormant bundle) do not
    # make the product need a justification by themselves; a closed licence still does.
    conditional = all(m.condition for m in clients)
    parts: list[str] = []
    if fam.kind in PROPRIETARY_KINDS and not conditional:
        parts.append(f"{fam.kind.replace('-', ' ')} ({fam.id} of {fam.vendor.name})")
    closed = [f for r in product.refs if (f := findings.get(r)) is not None and _closed(f)]
    if closed:
        cats = sorted({f.licence_category for f in closed})
        parts.append(
            f"{len(closed)} package(s) with a licence that is not open source ({', '.join(cats)})"
        )
    if level in HIGH_LOCK and not conditional:
        parts.append(f"lock-in {level}")
    if not parts:
        return None
    first = clients[0]
    packages: list[dict[str, Any]] = [
        {"ref": m.ref, "name": m.name, "version": m.version, "role": "client", "via": []}
        for m in clients
    ] + [
        {"ref": m.ref, "name": m.name, "version": m.version, "role": "plumbing", "via": list(via)}
        for m, via in product.plumbing
        if m.ref not in covered
    ]
    return {
        "ref": first.ref,
        "name": fam.name,
        "version": None,
        "purl": first.purl,
        "why": "; ".join(parts),
        "family": fam.id,
        "vendor": fam.vendor.name,
        "level": level,
        "packages": packages,
        "alternatives": [
            {
                "id": e.option.alternative.id,
                "name": e.option.alternative.name,
                "swap": e.option.swap,
                "basis": e.basis,
                "family": e.family_id,
                "note": e.note,
            }
            for e in product.exits
        ],
    }


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the verdict rests on: how many components each source of evidence covers."""

    components: int
    licence_known: int
    catalogued: int  # matched a family or an open alternative
    direct: int
    transitive: int
    depth_unknown: int
    metadata_known: int

    def to_json(self, min_licence_coverage: float) -> dict[str, Any]:
        n = self.components
        share = round(self.licence_known / n, 4) if n else None
        return {
            "components": n,
            "licence": {"known": self.licence_known, "unknown": n - self.licence_known,
                        "share": share, "minimum": min_licence_coverage},
            "catalogue": {"catalogued": self.catalogued, "not_catalogued": n - self.catalogued},
            "graph": {"direct": self.direct, "transitive": self.transitive,
                      "unknown": self.depth_unknown},
            "metadata": {"known": self.metadata_known, "unknown": n - self.metadata_known},
            "statement": self.statement(),
        }

    def statement(self) -> str:
        n = self.components
        graph = (
            "no dependency graph"
            if self.depth_unknown == n
            else f"graph depth known for {n - self.depth_unknown}"
        )
        return (
            f"evidence: licence known for {self.licence_known} of {n} components; "
            f"{self.catalogued} catalogued, {n - self.catalogued} not catalogued (no lock-in "
            f"recorded, which is not proof of none); {graph}; maintenance data for "
            f"{self.metadata_known}"
        )


def decide(
    findings: Sequence[Findings],
    policy: Policy,
    *,
    today: date,
    metadata_unreachable: bool = False,
    products: Sequence[Product] = (),
    evidence: Evidence | None = None,
) -> dict[str, Any]:
    """The report's ``verdict`` object (``metadata_unreachable``: no service answered).

    ``products`` are the vendor products (``scoring/products.py``): each needs
    one justification; a component in a product gets none of its own.
    ``evidence`` is what the verdict rests on: a licence coverage below the
    policy's ``min-licence-coverage`` turns a pass into justify.
    """
    deny: dict[str, str] = {}
    allowed: list[dict[str, Any]] = []
    covered: set[str] = set()
    exc_hits: dict[int, list[str]] = {i: [] for i in range(len(policy.exceptions))}
    expired_hits: list[tuple[PolicyException, str]] = []

    for f in findings:
        for rule in policy.deny:
            if matches(rule.pattern, f.purl):
                deny[f.ref] = rule.pattern + (f" ({rule.reason})" if rule.reason else "")
                break
        for rule in policy.allow:
            if matches(rule.pattern, f.purl):
                allowed.append({"ref": f.ref, "pattern": rule.pattern, "reason": rule.reason})
                covered.add(f.ref)
                break
        for i, exc in enumerate(policy.exceptions):
            if matches(exc.pattern, f.purl):
                exc_hits[i].append(f.ref)
                if exc.expired(today):
                    expired_hits.append((exc, f.ref))
                else:
                    covered.add(f.ref)

    considered = [f for f in findings if f.ref not in covered]
    by_ref = {f.ref: f for f in findings}
    gates: list[dict[str, Any]] = []
    gates.append(
        _gate(
            "deny-list",
            [by_ref[r] for r in deny],
            "denied by policy",
            extra={r: deny[r] for r in deny},
        )
    )
    gates.append(
        _gate(
            "exceptions-not-expired",
            [by_ref[r] for _, r in expired_hits],
            "covered only by an expired exception",
            extra={r: f"{e.pattern} expired {e.expires.isoformat()}" for e, r in expired_hits},
        )
    )
    for axis in AXES:
        threshold = policy.fail_on.get(axis)
        if threshold is not None:
            rank = LEVEL_RANK[threshold]
            hits = [f for f in considered if LEVEL_RANK.get(f.level(axis), -1) >= rank]
            gates.append(_gate(f"{axis}>={threshold}", hits, f"{axis} at or above {threshold}"))
        if axis in policy.fail_on_unknown:
            hits = [f for f in considered if f.level(axis) == "unknown"]
            gates.append(_gate(f"{axis}-unknown", hits, f"{axis} unknown"))
    if policy.fail_on_metadata_unreachable:
        gates.append(
            {
                "name": "metadata-reachable",
                "passed": not metadata_unreachable,
                "detail": "no metadata service could be reached"
                if metadata_unreachable
                else "metadata services answered",
                "components": [],
            }
        )
    if policy.licence_categories:
        cats = set(policy.licence_categories)
        hits = [f for f in considered if f.licence_category in cats]
        gates.append(
            _gate(
                f"licence-category in [{', '.join(policy.licence_categories)}]",
                hits,
                "licence category denied by policy",
            )
        )

    justifications = []
    in_product = {r for p in products for r in p.refs}
    for p in products:
        just = product_justification(p, by_ref, covered)
        if just is not None:
            justifications.append(just)
    for f in considered:
        if f.ref in in_product:
            continue
        why = why_justify(f)
        if why is None:
            continue
        justifications.append(
            {
                "ref": f.ref,
                "name": f.name,
                "version": f.version,
                "purl": f.purl,
                "why": why,
                "family": f.family_id,
                "alternatives": [{"id": i, "name": n, "swap": s} for i, n, s in f.alternatives],
            }
        )
    justifications.sort(key=lambda j: (j["name"], j["purl"] or "", j["ref"]))

    exceptions = []
    for i, exc in enumerate(policy.exceptions):
        refs = sorted(set(exc_hits[i]))
        status = "expired" if exc.expired(today) else ("active" if refs else "unused")
        exceptions.append(
            {
                "pattern": exc.pattern,
                "reason": exc.reason,
                "approver": exc.approver,
                "expires": exc.expires.isoformat(),
                "status": status,
                "components": refs,
            }
        )

    failed = [g for g in gates if not g["passed"]]
    reasons: list[str] = []
    n_exc = len({r for hits in exc_hits.values() for r in hits} & covered)
    if allowed:
        reasons.append(f"{len(allowed)} component(s) allowed by policy: findings suppressed")
    if n_exc:
        reasons.append(f"{n_exc} component(s) covered by an active exception")
    if failed:
        art41 = "fail"
        reasons.extend(f"gate {g['name']} failed: {g['detail']}" for g in failed)
    elif justifications:
        art41 = "justify"
        n_prod = sum(1 for j in justifications if "packages" in j)
        n_comp = len(justifications) - n_prod
        what = []
        if n_prod:
            n_pkg = sum(len(j["packages"]) for j in justifications if "packages" in j)
            what.append(f"{n_prod} vendor product(s) ({n_pkg} packages)")
        if n_comp:
            what.append(f"{n_comp} component(s) outside any vendor product")
        reasons.append(
            f"{' and '.join(what)} are proprietary, source-available, closed-licence or high "
            "lock-in and need a written justification"
        )
    else:
        art41 = "pass"
    thin = _thin_licence_evidence(evidence, policy.min_licence_coverage)
    if thin and art41 != "fail":
        art41 = "justify"
        reasons.append(thin)
    elif art41 == "pass":
        reasons.append(
            "no proprietary, source-available or high-lock component without an approved exception"
        )
    out_evidence = evidence.to_json(policy.min_licence_coverage) if evidence else None
    if out_evidence is not None:
        reasons.append(out_evidence["statement"])
    return {
        "art41": art41,
        "evidence": out_evidence,
        "reasons": reasons,
        "justifications_required": justifications,
        "exceptions": exceptions,
        "gates": gates,
        "allowed": sorted(allowed, key=lambda a: a["ref"]),
    }


def _thin_licence_evidence(evidence: Evidence | None, minimum: float) -> str | None:
    """The reason a verdict cannot pass on licence evidence, or None."""
    if evidence is None or not evidence.components:
        return None
    unknown = evidence.components - evidence.licence_known
    share = evidence.licence_known / evidence.components
    if share >= minimum:
        return None
    return (
        f"licence unknown for {unknown} components ({share:.0%} known, below the policy "
        f"min-licence-coverage of {minimum:.0%}): a pass needs licence evidence"
    )


def _gate(
    name: str, hits: Sequence[Findings], what: str, extra: dict[str, str] | None = None
) -> dict[str, Any]:
    uniq = sorted({f.ref: f for f in hits}.values(), key=lambda f: (f.name, f.version or "", f.ref))
    if not uniq:
        return {"name": name, "passed": True, "detail": f"no component {what}", "components": []}
    shown = []
    for f in uniq[:_SHOW]:
        note = (extra or {}).get(f.ref)
        shown.append(f"{f.label()} [{note}]" if note else f.label())
    more = f" and {len(uniq) - _SHOW} more" if len(uniq) > _SHOW else ""
    detail = f"{len(uniq)} component(s) {what}: {', '.join(shown)}{more}"
    return {"name": name, "passed": False, "detail": detail, "components": [f.ref for f in uniq]}
