"""Several licence statements per component: restatements, trove classifiers, licence
families without a version, ambiguity (docs/scoring-licence.md, Step 1).

Real data: the Signalen SBOM that cyclonedx-py 7.5 ``environment`` writes (every
licence as an SPDX id *and* as trove classifiers, in separate ``licenses`` entries),
and licence names collected from the shared corpus."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import trove_classifiers

from osaudit.licence.normalise import derive_expression
from osaudit.licence.statements import effective_licence, read_statement, trove_term
from osaudit.model import Component, Licence
from osaudit.scoring.licence import LicenceResult, score_licence

GENERATED = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "generated"
SIGNALEN = GENERATED / "Amsterdam_signals.environment.cyclonedx-py.cdx.json"


def _lic(raw: str, given_as: str = "id") -> Licence:
    return Licence(raw=raw, expression=derive_expression(raw), given_as=given_as)


def _score(*raws: str, project: str | None = None) -> LicenceResult:
    return score_licence(tuple(_lic(r, "name") for r in raws), (), project_licence=project)


@cache
def _signalen() -> dict[str, Component]:
    from osaudit.sbom import read_sbom

    if not SIGNALEN.is_file():
        pytest.skip(f"generated SBOM not found: {SIGNALEN}")
    return {c.name: c for c in read_sbom(str(SIGNALEN)).components}


def _signalen_result(name: str) -> LicenceResult:
    c = _signalen()[name]
    return score_licence(c.licences_declared, c.licences_concluded, project_licence="MPL-2.0")


# ---------------------------------------------------------------- the canonical classifier list


def test_every_trove_licence_classifier_is_mapped_or_said_to_name_no_licence() -> None:
    licence_classifiers = [c for c in trove_classifiers.sorted_classifiers if c.startswith("License ::")]
    assert len(licence_classifiers) > 80
    unmapped = []
    for classifier in licence_classifiers:
        term = trove_term(classifier)
        if term is None or (isinstance(term, str) and "cannot map" in term):
            unmapped.append(classifier)
    assert unmapped == []


@pytest.mark.parametrize(
    ("classifier", "expression", "family"),
    [
        ("License :: OSI Approved :: MIT License", "MIT", None),
        ("License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)", "MPL-2.0", None),
        ("License :: OSI Approved :: Python Software Foundation License", "PSF-2.0", None),
        ("License :: OSI Approved :: Zero-Clause BSD (0BSD)", "0BSD", None),
        ("License :: OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)",
         "LGPL-2.0-or-later", None),
        ("License :: OSI Approved :: BSD License", None, "BSD"),
        ("License :: OSI Approved :: Apache Software License", None, "Apache"),
        ("License :: OSI Approved :: GNU Library or Lesser General Public License (LGPL)", None,
         "LGPL"),
    ],
)  # fmt: skip
def test_trove_classifiers(classifier: str, expression: str | None, family: str | None) -> None:
    term = trove_term(classifier)
    assert not isinstance(term, str) and term is not None
    assert term.expression == expression
    assert (term.family.id if term.family else None) == family


def test_osi_approved_classifier_keeps_only_osi_approved_versions() -> None:
    # BSD-4-Clause is not OSI-approved (SPDX licence list): the classifier excludes it
    term = trove_term("License :: OSI Approved :: BSD License")
    assert term is not None and not isinstance(term, str) and term.family is not None
    assert "BSD-4-Clause" not in term.family.members
    assert "BSD-3-Clause" in term.family.members


def test_a_string_that_only_looks_like_a_classifier_is_not_read_as_one() -> None:
    assert trove_term("License :: OSI Approved :: Made Up Licence") is None


# ---------------------------------------------------------------- the Signalen SBOM (hand-checked)


def test_signalen_unknown_licences_are_only_the_four_without_any_licence() -> None:
    comps = _signalen()
    assert len(comps) == 128
    unknown = sorted(name for name in comps if _signalen_result(name).category == "Unknown")
    # before this rule 48 of 128 were Unknown; these four carry no licence at all
    assert unknown == ["amsterdam-django-oidc", "django-silk", "python-crontab", "uritemplate"]
    for name in unknown:
        assert comps[name].licences_declared == ()


def test_signalen_django_classifier_restates_the_spdx_id() -> None:
    res = _signalen_result("Django")
    assert res.raw == ("BSD-3-Clause", "License :: OSI Approved :: BSD License")
    assert (res.expression, res.category, res.axis.score) == ("BSD-3-Clause", "Permissive", 100)
    assert [r.code for r in res.axis.reasons][:2] == ["LIC-RESTATED", "LIC-CATEGORY"]


def test_signalen_certifi_classifier_with_version_restates_the_id() -> None:
    res = _signalen_result("certifi")
    assert (res.expression, res.category, res.compatible) == ("MPL-2.0", "Copyleft Limited", True)


def test_signalen_amqp_bsd_family_only() -> None:
    res = _signalen_result("amqp")
    assert res.raw == ("License :: OSI Approved :: BSD License",)
    assert (res.expression, res.category, res.osi_approved, res.open_source) == (
        None, "Permissive", True, True,
    )  # fmt: skip
    assert res.axis.reasons[0].code == "LIC-FAMILY"
    assert "exact licence unknown" in res.axis.reasons[0].message


def test_signalen_psycopg2_lgpl_family() -> None:
    res = _signalen_result("psycopg2-binary")
    assert (res.expression, res.category) == (None, "Copyleft Limited")
    # the compatibility matrix rejects every LGPL version in an MPL-2.0 project, so the
    # family is judged incompatible although its version is unknown: 90 - 20
    assert res.compatible is False
    assert "every version is incompatible" in (res.compatibility_note or "")
    assert res.axis.score == 70


def test_signalen_pyphen_three_licences_are_a_choice_not_a_conjunction() -> None:
    # GPL-2.0-or-later, MPL-1.1 and the LGPLv2+ classifier: pyphen's tri-licence (a
    # choice). The SBOM has no expression, so osaudit claims neither AND nor OR and
    # judges by the least open (GPL, Copyleft).
    res = _signalen_result("pyphen")
    assert res.expression is None
    assert res.category == "Copyleft"
    first = res.axis.reasons[0]
    assert first.code == "LIC-AMBIGUOUS"
    assert "GPL-2.0-or-later; MPL-1.1; LGPL-2.0-or-later" in first.message
    assert "AND" in first.message and "OR" in first.message


def test_signalen_dateutil_two_families_ambiguous_but_both_permissive() -> None:
    res = _signalen_result("python-dateutil")
    assert (res.expression, res.category, res.axis.level) == (None, "Permissive", "none")
    assert res.axis.reasons[0].code == "LIC-AMBIGUOUS"


# ---------------------------------------------------------------- names seen in the corpus


@pytest.mark.parametrize(
    ("raw", "family", "category", "osi"),
    [
        ("GNU Lesser General Public License", "LGPL", "Copyleft Limited", True),
        ("lgpl", "LGPL", "Copyleft Limited", True),
        ("BSD", "BSD", "Permissive", None),  # BSD-4-Clause is not OSI-approved
        ("The BSD License", "BSD", "Permissive", None),
        ("MIT/X11", "MIT-style", "Permissive", None),  # X11 is not OSI-approved
        ("SIL", "SIL-OFL", "Copyleft Limited", None),  # OFL-1.1 is, OFL-1.0 is Permissive
        ("Common Development and Distribution License", "CDDL", "Copyleft Limited", True),
        ("Zope Public License", "ZPL", "Permissive", None),
    ],
)
def test_family_names_from_the_corpus(
    raw: str, family: str, category: str, osi: bool | None
) -> None:
    term = read_statement(_lic(raw, "name"))
    assert not isinstance(term, str) and term.family is not None
    assert term.family.id == family
    res = _score(raw)
    assert (res.expression, res.category, res.osi_approved, res.open_source) == (
        None, category, osi, True,
    )  # fmt: skip
    assert res.axis.reasons[0].code == "LIC-FAMILY"


def test_npm_unlicensed_is_proprietary() -> None:
    res = _score("UNLICENSED")
    assert (res.category, res.open_source, res.axis.level) == ("Commercial", False, "critical")
    assert _score("Unlicense").category == "Public Domain"


def test_see_licence_in_stays_unknown_with_that_reason() -> None:
    res = _score("SEE LICENSE IN LICENSE.txt")
    assert (res.category, res.axis.score) == ("Unknown", None)
    assert "SEE LICENSE IN" in res.axis.reasons[0].message


# ---------------------------------------------------------------- folding rules


def test_concluded_wins_when_real() -> None:
    eff = effective_licence((_lic("MIT"),), (_lic("Apache-2.0"),))
    assert (eff.expression, eff.basis) == ("Apache-2.0", "concluded")
    assert eff.raw == ("MIT", "Apache-2.0")


def test_noassertion_concluded_falls_back_to_declared() -> None:
    eff = effective_licence((_lic("GPL-2.0"),), (_lic("NOASSERTION"),))
    assert (eff.expression, eff.basis) == ("GPL-2.0-only", "declared")


def test_the_same_licence_twice_is_one_licence() -> None:
    eff = effective_licence((_lic("MIT"), _lic("MIT License", "name")), ())
    assert (eff.expression, eff.status, eff.restated) == ("MIT", "ok", ("MIT License",))


def test_distinct_licences_without_expression_are_ambiguous() -> None:
    eff = effective_licence((_lic("MIT"), _lic("Apache License 2.0", "name")), ())
    assert (eff.expression, eff.status) == (None, "ambiguous")
    assert [t.label for t in eff.terms] == ["MIT", "Apache-2.0"]


def test_a_property_classifier_beside_a_licence_adds_nothing() -> None:
    eff = effective_licence((_lic("MIT"), _lic("License :: OSI Approved", "name")), ())
    assert (eff.expression, eff.status) == ("MIT", "ok")
    alone = effective_licence((_lic("License :: OSI Approved", "name"),), ())
    assert alone.status == "no-licence"


def test_one_unmappable_statement_makes_all_unknown() -> None:
    eff = effective_licence((_lic("EPL-1.0"), _lic("Some random license", "name")), ())
    assert (eff.expression, eff.status) == (None, "unparsed")


@pytest.mark.parametrize(
    ("declared", "concluded", "status"),
    [
        ((), (), "missing"),
        (("NOASSERTION",), ("NOASSERTION",), "noassertion"),
        (("NONE",), (), "none"),
    ],
)
def test_unknown_statuses(
    declared: tuple[str, ...], concluded: tuple[str, ...], status: str
) -> None:
    eff = effective_licence(tuple(map(_lic, declared)), tuple(map(_lic, concluded)))
    assert (eff.expression, eff.basis, eff.status) == (None, "none", status)
