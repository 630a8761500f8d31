"""The licence statements of one component -> the one licence osaudit judges.

A statement is one entry as the SBOM gave it (``model.Licence``). Each is read as a
*term*: an SPDX expression, a version-less licence family (``BSD``, ``GNU Lesser
General Public License``: ``data/families.yaml``), or a PyPI trove classifier
(``License :: OSI Approved :: BSD License``), which stands for an SPDX id or a
family. Several statements of one field are then folded:

* a statement that restates another (the same SPDX id; a family or classifier one
  of whose versions is another statement's id) is the same licence;
* one term left: that is the licence;
* several distinct terms and no expression joining them: **ambiguous**. The SBOM
  does not say whether all apply (AND) or one may be chosen (OR); the caller
  judges them conservatively (the least open) and says so.

Rules and worked examples: docs/scoring-licence.md, Step 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml

from osaudit import model
from osaudit.licence import spdxdata
from osaudit.licence.normalise import _name_key, derive_expression, licensing

_DATA = Path(__file__).with_name("data")
_SPECIAL = ("NOASSERTION", "NONE")
TROVE_PREFIX = "License :: "
_OSI_PREFIX = "License :: OSI Approved :: "


@dataclass(frozen=True, slots=True)
class Family:
    """A licence family: a name that stands for one of several versions."""

    id: str
    members: tuple[str, ...]  # SPDX ids of every version


@dataclass(frozen=True, slots=True)
class Term:
    """One distinct licence: an SPDX expression, or a family (exact id unknown)."""

    expression: str | None = None
    family: Family | None = None
    raw: str = ""  # the first statement it was read from

    @property
    def label(self) -> str:
        if self.expression is not None:
            return self.expression
        assert self.family is not None
        return f"{self.family.id} (family, version unknown)"

    @property
    def ids(self) -> frozenset[str]:
        """SPDX ids this term is, or may be."""
        if self.family is not None:
            return frozenset(self.family.members)
        assert self.expression is not None
        return frozenset(_leaf_keys(self.expression))


@dataclass(frozen=True, slots=True)
class EffectiveLicence:
    """The licence a component is judged by, and where it came from.

    ``basis`` is ``concluded``, ``declared`` or ``none``. ``status``:

    * ``ok``: ``expression`` is the SPDX expression;
    * ``family``: ``terms[0].family`` names the family, ``expression`` is None;
    * ``ambiguous``: ``terms`` are the distinct licences, ``expression`` is None;
    * ``missing``, ``noassertion``, ``none``, ``unparsed``, ``see-licence``,
      ``no-licence``: unknown, ``why`` says more.

    ``restated`` are the statements folded into another one (same licence).
    """

    raw: tuple[str, ...]
    expression: str | None
    basis: str
    status: str
    terms: tuple[Term, ...] = ()
    restated: tuple[str, ...] = ()
    why: str = ""


# --------------------------------------------------------------------------- data


@cache
def _data() -> dict[str, object]:
    loaded: dict[str, object] = yaml.safe_load(
        (_DATA / "families.yaml").read_text(encoding="utf-8")
    )
    return loaded


@cache
def families() -> dict[str, Family]:
    """Family id -> Family."""
    rows = _data()["families"]
    assert isinstance(rows, list)
    return {str(r["id"]): Family(str(r["id"]), tuple(r["members"])) for r in rows}


@cache
def _family_names() -> dict[str, Family]:
    rows = _data()["families"]
    assert isinstance(rows, list)
    table: dict[str, Family] = {}
    for r in rows:
        fam = families()[str(r["id"])]
        for name in r["names"]:
            table[_name_key(name)] = fam
    return table


@cache
def _trove_table() -> dict[str, str]:
    raw = _data().get("trove") or {}
    assert isinstance(raw, dict)
    return {str(k): str(v) for k, v in raw.items()}


@cache
def trove_no_licence() -> dict[str, str]:
    """Trove classifiers that name no licence -> why."""
    raw = _data().get("no_licence") or {}
    assert isinstance(raw, dict)
    return {str(k): str(v) for k, v in raw.items()}


@cache
def trove_properties() -> dict[str, str]:
    """Trove classifiers that state a property of a licence, not a licence -> what."""
    raw = _data().get("properties") or {}
    assert isinstance(raw, dict)
    return {str(k): str(v) for k, v in raw.items()}


@cache
def _classifiers() -> frozenset[str]:
    """The canonical PyPI classifiers (current and deprecated), from trove-classifiers."""
    import trove_classifiers

    return frozenset(trove_classifiers.all_classifiers) | frozenset(
        trove_classifiers.deprecated_classifiers
    )


def family_named(text: str) -> Family | None:
    """The family a version-less licence name stands for, if any."""
    return _family_names().get(_name_key(text))


# --------------------------------------------------------------------------- one statement


def _leaf_keys(expression: str) -> list[str]:
    try:
        parsed = licensing().parse(expression, validate=False, strict=False)
    except Exception:  # noqa: BLE001 - an expression we wrote ourselves; be safe
        return [expression]
    return [str(k) for k in licensing().license_keys(parsed)] if parsed is not None else []


def _osi_only(fam: Family) -> Family:
    """The family's OSI-approved members (a classifier under ``OSI Approved ::``)."""
    spdx = spdxdata.spdx_licences()
    osi = tuple(m for m in fam.members if spdx.get(m) is not None and spdx[m].osi_approved)
    return Family(fam.id, osi) if osi and osi != fam.members else fam


@lru_cache(maxsize=4096)
def trove_term(classifier: str) -> Term | str | None:
    """A canonical ``License ::`` classifier -> its Term, or why it names no licence.

    None when ``classifier`` is not a canonical licence classifier.
    """
    if not classifier.startswith(TROVE_PREFIX) or classifier not in _classifiers():
        return None
    if classifier in trove_properties():
        return f"property:{classifier}: {trove_properties()[classifier]}"
    if classifier in trove_no_licence():
        return f"no-licence:{classifier}: {trove_no_licence()[classifier]}"
    mapped = _trove_table().get(classifier)
    if mapped is not None:
        return Term(expression=derive_expression(mapped) or mapped, raw=classifier)
    last = classifier.rsplit(" :: ", 1)[-1]
    expr = derive_expression(last)
    if expr is not None and expr not in _SPECIAL:
        return Term(expression=expr, raw=classifier)
    fam = family_named(last)
    if fam is not None:
        return Term(family=_osi_only(fam) if classifier.startswith(_OSI_PREFIX) else fam,
                    raw=classifier)  # fmt: skip
    return f"no-licence:{classifier}: a classifier osaudit cannot map"


def read_statement(lic: model.Licence) -> Term | str:
    """One statement -> a Term, or the status that makes it unknown.

    Statuses: ``noassertion``, ``none``, ``see-licence``, ``no-licence:<why>``,
    ``property:<why>`` (a classifier such as ``License :: OSI Approved``), ``unparsed``.
    """
    expr = lic.expression if lic.expression is not None else None
    if expr is None and lic.given_as != "text":
        expr = derive_expression(lic.raw)
    if expr == "NOASSERTION":
        return "noassertion"
    if expr == "NONE":
        return "none"
    if expr is not None:
        return Term(expression=expr, raw=lic.raw)
    if lic.given_as == "text":
        return "unparsed"
    text = lic.raw.strip()
    if text.upper().startswith("SEE LICENSE IN") or text.upper().startswith("SEE LICENCE IN"):
        return "see-licence"
    trove = trove_term(text)
    if isinstance(trove, Term):
        return trove
    if isinstance(trove, str):
        return trove
    fam = family_named(text)
    if fam is not None:
        return Term(family=fam, raw=lic.raw)
    return "unparsed"


# --------------------------------------------------------------------------- one field


_UNKNOWN_ORDER = ("see-licence", "no-licence", "unparsed", "noassertion", "none")


def _fold(licences: Sequence[model.Licence]) -> EffectiveLicence:
    """Fold the statements of one field (declared or concluded)."""
    raw = tuple(lic.raw for lic in licences)
    if not licences:
        return EffectiveLicence(raw, None, "none", "missing")
    terms: list[Term] = []
    problems: list[str] = []
    for lic in licences:
        got = read_statement(lic)
        if isinstance(got, Term):
            terms.append(got)
        else:
            problems.append(got)
    if problems:
        real = [p for p in problems if p not in ("noassertion", "none")]
        if terms:  # a property beside a licence adds nothing
            real = [p for p in real if not p.startswith("property:")]
        else:
            real = [p if not p.startswith("property:") else "no-licence" + p[8:] for p in real]
        if not real and not terms:
            status = "noassertion" if "noassertion" in problems else "none"
            return EffectiveLicence(raw, None, "none", status)
        if real:
            kind = min(real, key=lambda p: _UNKNOWN_ORDER.index(p.split(":", 1)[0]))
            status, _, why = kind.partition(":")
            return EffectiveLicence(raw, None, "none", status, tuple(terms), why=why)
    distinct, restated = _distinct(terms)
    if len(distinct) == 1:
        only = distinct[0]
        if only.expression is not None:
            return EffectiveLicence(raw, only.expression, "", "ok", (only,), restated)
        return EffectiveLicence(raw, None, "", "family", (only,), restated)
    return EffectiveLicence(raw, None, "", "ambiguous", tuple(distinct), restated)


def _distinct(terms: Sequence[Term]) -> tuple[list[Term], tuple[str, ...]]:
    """Drop terms that restate another: the same expression, or a family that
    contains an id another term names exactly."""
    out: list[Term] = []
    restated: list[str] = []
    exact = [t for t in terms if t.expression is not None]
    exact_ids = set().union(*(t.ids for t in exact)) if exact else set()
    seen: set[str] = set()
    fams: set[str] = set()
    for t in terms:
        if t.expression is not None:
            if t.expression in seen:
                restated.append(t.raw)
                continue
            seen.add(t.expression)
            out.append(t)
            continue
        assert t.family is not None
        if t.family.id in fams or exact_ids & set(t.family.members):
            restated.append(t.raw)
            continue
        fams.add(t.family.id)
        out.append(t)
    return out, tuple(restated)


@lru_cache(maxsize=65536)
def effective_licence(
    declared: tuple[model.Licence, ...], concluded: tuple[model.Licence, ...]
) -> EffectiveLicence:
    """Pick the licence to judge: the concluded one when it is known, else the declared."""
    raw = tuple(lic.raw for lic in (*declared, *concluded))
    c = _fold(concluded)
    if c.status in ("ok", "family", "ambiguous"):
        return _with(c, raw, "concluded")
    d = _fold(declared)
    if d.status in ("ok", "family", "ambiguous"):
        return _with(d, raw, "declared")
    # report the most telling reason: declared first, then concluded
    pick = d if d.status != "missing" else c
    return EffectiveLicence(raw, None, "none", pick.status, pick.terms, why=pick.why)


def _with(e: EffectiveLicence, raw: tuple[str, ...], basis: str) -> EffectiveLicence:
    return EffectiveLicence(raw, e.expression, basis, e.status, e.terms, e.restated, e.why)
