"""Licence categories, OSI/FSF flags and openness of SPDX expressions.

Sources: the ScanCode LicenseDB category of each licence (shipped with
license-expression), the SPDX licence list's OSI-approved and FSF-libre flags
(see :mod:`osaudit.licence.spdxdata`) and the documented corrections in
``data/categories.yaml``.

Rules for expressions (documented in docs/scoring-licence.md):

* a leaf gets *openness points* from its category (:data:`CATEGORY_POINTS`),
  capped at :data:`NOT_OPEN_CAP` when it is not open source, minus
  :data:`NOT_REVIEWED_PENALTY` when neither OSI nor FSF lists it as free;
* ``OR`` takes the most open option (unknown options are skipped when a known
  one exists); ``AND`` takes the least open term, and an unknown term makes the
  whole unknown;
* ``WITH`` keeps the base licence's category, except that a linking exception
  (exception category Copyleft Limited or Permissive) turns Copyleft into
  Copyleft Limited, and a restrictive exception (Commons Clause: Source-available)
  imposes its own category;
* ``Patent License`` and ``CLA`` entries are not copyright licences: they are
  skipped inside expressions, and alone they are unknown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path

import yaml
from license_expression import ExpressionError, LicenseWithExceptionSymbol

from osaudit.licence import spdxdata
from osaudit.licence.normalise import licensing

UNKNOWN = "Unknown"
#: Openness points per ScanCode category (100 = fully open). None = unknown.
CATEGORY_POINTS: dict[str, int | None] = {
    "Public Domain": 100,
    "Permissive": 100,
    "Copyleft Limited": 90,
    "Copyleft": 85,
    "Free Restricted": 40,
    "Source-available": 20,
    "Proprietary Free": 10,
    "Commercial": 0,
    "Patent License": None,
    "CLA": None,
    "Unstated License": None,
    UNKNOWN: None,
}
OPEN_CATEGORIES = frozenset({"Public Domain", "Permissive", "Copyleft Limited", "Copyleft"})
NOT_OPEN_CATEGORIES = frozenset(
    {"Free Restricted", "Source-available", "Proprietary Free", "Commercial"}
)
SIDE_GRANTS = frozenset({"Patent License", "CLA"})
NOT_OPEN_CAP = 40
NOT_REVIEWED_PENALTY = 10
_DATA = Path(__file__).with_name("data")


@dataclass(frozen=True, slots=True)
class LicenceFacts:
    """What is known about one licence (or licence WITH exception).

    ``points`` is the openness (0-100) of this licence alone, None if unknown;
    ``adjustments`` names the rules that moved it off the category points
    (``not-open-source``, ``not-reviewed``).
    """

    key: str
    category: str
    osi_approved: bool | None
    fsf_libre: bool | None
    open_source: bool | None
    points: int | None
    adjustments: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ExpressionFacts:
    """The openness verdict for a whole expression.

    ``decisive`` is the leaf that set the verdict (least open for AND, most open
    for OR); flags combine with three-valued logic (AND: all of, OR: any of).
    """

    expression: str | None
    category: str
    osi_approved: bool | None
    fsf_libre: bool | None
    open_source: bool | None
    points: int | None
    decisive: LicenceFacts | None
    leaves: tuple[LicenceFacts, ...] = ()


@cache
def _overrides() -> dict[str, dict[str, object]]:
    rows = yaml.safe_load((_DATA / "categories.yaml").read_text(encoding="utf-8"))["overrides"]
    return {str(r["key"]).lower(): r for r in rows or ()}


def _points(
    category: str, open_source: bool | None, osi: bool | None, fsf: bool | None
) -> tuple[int | None, tuple[str, ...]]:
    base = CATEGORY_POINTS.get(category)
    if base is None:
        return None, ()
    adjustments: list[str] = []
    if open_source is False and base > NOT_OPEN_CAP:
        base = NOT_OPEN_CAP
        adjustments.append("not-open-source")
    if open_source is not False and osi is False and fsf is False:
        base = max(0, base - NOT_REVIEWED_PENALTY)
        adjustments.append("not-reviewed")
    return base, tuple(adjustments)


@lru_cache(maxsize=4096)
def licence_facts(key: str) -> LicenceFacts:
    """Return the facts for one SPDX licence key (``LicenseRef-scancode-*`` included)."""
    entry = spdxdata.scancode_index()[1].get(key.lower())
    spdx = spdxdata.spdx_licences().get(key)
    category = entry.category if entry is not None and not entry.is_exception else UNKNOWN
    osi = spdx.osi_approved if spdx is not None else None
    fsf = spdx.fsf_libre if spdx is not None else None
    override = _overrides().get(key.lower(), {})
    category = str(override.get("category", category))
    if "open_source" in override:
        open_source: bool | None = bool(override["open_source"])
    elif category in NOT_OPEN_CATEGORIES:
        open_source = False
    elif osi or fsf or category in OPEN_CATEGORIES:
        open_source = True
    else:
        open_source = None
    points, adjustments = _points(category, open_source, osi, fsf)
    note = str(override["note"]) if "note" in override else None
    return LicenceFacts(key, category, osi, fsf, open_source, points, adjustments, note)


@lru_cache(maxsize=1024)
def _exception_category(key: str) -> str:
    entry = spdxdata.scancode_index()[1].get(key.lower())
    return entry.category if entry is not None else UNKNOWN


def _with_facts(licence: str, exception: str) -> LicenceFacts:
    base = licence_facts(licence)
    exc = _exception_category(exception)
    category, open_source = base.category, base.open_source
    osi, fsf = base.osi_approved, base.fsf_libre
    if exc in NOT_OPEN_CATEGORIES:
        category, open_source, osi, fsf = exc, False, False, False
    elif base.category == "Copyleft" and exc in ("Copyleft Limited", "Permissive"):
        category = "Copyleft Limited"
    points, adjustments = _points(category, open_source, osi, fsf)
    return replace(
        base,
        key=f"{licence} WITH {exception}",
        category=category,
        osi_approved=osi,
        fsf_libre=fsf,
        open_source=open_source,
        points=points,
        adjustments=adjustments,
    )


def _all_of(values: Iterable[bool | None]) -> bool | None:
    vals = list(values)
    if any(v is False for v in vals):
        return False
    return None if any(v is None for v in vals) else True


def _any_of(values: Iterable[bool | None]) -> bool | None:
    vals = list(values)
    if any(v is True for v in vals):
        return True
    return None if any(v is None for v in vals) else False


def _unknown(expression: str | None, leaves: tuple[LicenceFacts, ...] = ()) -> ExpressionFacts:
    return ExpressionFacts(expression, UNKNOWN, None, None, None, None, None, leaves)


def _leaf(facts: LicenceFacts) -> ExpressionFacts:
    if facts.category in SIDE_GRANTS or facts.points is None:
        return _unknown(facts.key, (facts,))
    return ExpressionFacts(
        facts.key,
        facts.category,
        facts.osi_approved,
        facts.fsf_libre,
        facts.open_source,
        facts.points,
        facts,
        (facts,),
    )


def _order(part: ExpressionFacts) -> tuple[int, str]:
    return (part.points or 0, part.decisive.key if part.decisive else "")


def _walk(node: object) -> ExpressionFacts:
    lic = licensing()
    if isinstance(node, LicenseWithExceptionSymbol):
        return _leaf(_with_facts(node.license_symbol.key, node.exception_symbol.key))
    if isinstance(node, (lic.AND, lic.OR)):
        parts = [_walk(arg) for arg in node.args]
        leaves = tuple(leaf for p in parts for leaf in p.leaves)
        # patent grants and CLAs sit beside the real licence: skip them
        real = [p for p in parts if not all(lf.category in SIDE_GRANTS for lf in p.leaves)]
        if not real:
            return _unknown(None, leaves)
        if isinstance(node, lic.AND):
            return least_open(real, leaves)
        known = [p for p in real if p.points is not None]
        if not known:
            return _unknown(None, leaves)
        pick = max(known, key=_order)
        osi = _any_of(p.osi_approved for p in known)
        fsf = _any_of(p.fsf_libre for p in known)
        oss = _any_of(p.open_source for p in known)
        return ExpressionFacts(
            None, pick.category, osi, fsf, oss, pick.points, pick.decisive, leaves
        )
    key = getattr(node, "key", None)
    if not isinstance(key, str):
        return _unknown(None)
    return _leaf(licence_facts(key))


def least_open(
    parts: Sequence[ExpressionFacts], leaves: tuple[LicenceFacts, ...] | None = None
) -> ExpressionFacts:
    """All of ``parts`` apply (AND), or it is not known which (the conservative
    reading): the least open part decides; an unknown part makes the whole unknown."""
    if leaves is None:
        leaves = tuple(leaf for p in parts for leaf in p.leaves)
    if not parts or any(p.points is None for p in parts):
        return _unknown(None, leaves)
    pick = min(parts, key=_order)
    osi = _all_of(p.osi_approved for p in parts)
    fsf = _all_of(p.fsf_libre for p in parts)
    oss = _all_of(p.open_source for p in parts)
    return ExpressionFacts(None, pick.category, osi, fsf, oss, pick.points, pick.decisive, leaves)


def _shared(values: Iterable[bool | None]) -> bool | None:
    vals = set(values)
    return vals.pop() if len(vals) == 1 else None


@lru_cache(maxsize=256)
def family_facts(family: str, members: tuple[str, ...]) -> ExpressionFacts:
    """A licence family named without a version: what every member shares.

    The category is the members' common one, else the least open member's (the
    conservative reading); OSI/FSF/open-source flags are kept only where every
    member agrees (else None); points follow from that category and those flags.
    """
    facts = [licence_facts(m) for m in members]
    if not facts or any(f.points is None or f.category in SIDE_GRANTS for f in facts):
        return _unknown(None, tuple(facts))
    pick = min(facts, key=lambda f: (CATEGORY_POINTS[f.category] or 0, f.key))
    osi = _shared(f.osi_approved for f in facts)
    fsf = _shared(f.fsf_libre for f in facts)
    oss = _shared(f.open_source for f in facts)
    points, adjustments = _points(pick.category, oss, osi, fsf)
    notes = {f.note for f in facts if f.note}
    leaf = LicenceFacts(
        f"{family} (family, version unknown)", pick.category, osi, fsf, oss, points, adjustments,
        notes.pop() if len(notes) == 1 else None,
    )  # fmt: skip
    return ExpressionFacts(None, pick.category, osi, fsf, oss, points, leaf, tuple(facts))


@lru_cache(maxsize=16384)
def expression_facts(expression: str | None) -> ExpressionFacts:
    """Judge a normalised SPDX expression; None/NOASSERTION/NONE/unparseable -> Unknown."""
    if expression is None or expression in ("NOASSERTION", "NONE"):
        return _unknown(expression)
    try:
        parsed = licensing().parse(expression, validate=False, strict=False)
    except (ExpressionError, TypeError, ValueError, AttributeError):
        return _unknown(expression)
    if parsed is None:
        return _unknown(expression)
    return replace(_walk(parsed), expression=expression)
