"""Lock-in rules, one by one, on hand-built catalogue entries (see docs/scoring.md)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from osaudit.model import Alternative, Component, Family, Match, Provenance, Replacement, Vendor
from osaudit.scoring.lockin import (
    LOCK_CAP,
    level_for,
    rank_alternatives,
    score_lockin,
)

PROV = Provenance(sources=("https://example.org/",), reviewed="2026-11-23")


def family(**kw: object) -> Family:
    base = Family(
        id="aws-s3",
        name="Amazon S3",
        category="object-storage",
        vendor=Vendor("Amazon Web Services, Inc.", "US"),
        kind="proprietary-service-sdk",
        lock=("proprietary-api", "data-gravity"),
        open_standards=("S3",),
        purls=("pkg:pypi/boto3",),
        exclude=(),
        cpes=(),
        names=(),
        csf=("SOV-2", "SOV-6"),
        alternatives=(Replacement("garage", "api-compatible", "S3 API"),),
        relicensing=(),
        provenance=PROV,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def alt(id: str, jurisdiction: str | None = "FR", maturity: str = "stable") -> Alternative:
    return Alternative(
        id=id,
        name=id.title(),
        homepage=f"https://{id}.example/",
        licence="AGPL-3.0-only",
        steward=f"{id} steward",
        steward_type="association",
        jurisdiction=jurisdiction,
        maturity=maturity,
        client_purls=(),
        endorsements=(),
        provenance=PROV,
    )


ALTS = {a.id: a for a in (alt("garage"), alt("minio", "US"), alt("ceph", None))}
BOTO3 = Component(ref="pkg:pypi/boto3@1.34.0", name="boto3", purl="pkg:pypi/boto3@1.34.0")
EXACT = Match("family", "aws-s3", "purl-exact", "pkg:pypi/boto3", "high")


def codes(result) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {r.code: r.points for r in result.axis.reasons}


def test_direct_proprietary_sdk_with_api_compatible_eu_alternative() -> None:
    res = score_lockin(BOTO3, EXACT, family(), ALTS, direct=True)
    # 60 kind + 16 lock - 10 open standard - 15 api-compatible + 5 non-EU
    assert codes(res) == {
        "LI-KIND": 60,
        "LI-LOCK": 16,
        "LI-OPEN-STD": -10,
        "LI-SWAP": -15,
        "LI-JURISDICTION": 5,
    }
    assert res.axis.score == 56 and res.axis.level == "high"
    assert res.axis.score == sum(r.points for r in res.axis.reasons)
    assert res.vendor_jurisdiction == "US"
    assert all(r.source == "catalog:aws-s3" and r.date == "2026-11-23" for r in res.axis.reasons)


def test_transitive_lowers() -> None:
    res = score_lockin(BOTO3, EXACT, family(), ALTS, direct=False)
    assert codes(res)["LI-TRANSITIVE"] == -10
    assert res.axis.score == 46 and res.axis.level == "medium"


def test_unknown_depth_neither_raises_nor_lowers() -> None:
    res = score_lockin(BOTO3, EXACT, family(), ALTS, direct=None)
    assert "LI-TRANSITIVE" not in codes(res)
    assert res.axis.score == 56


@pytest.mark.parametrize(
    ("kind", "points"),
    [
        ("proprietary-licence", 70),
        ("proprietary-service-sdk", 60),
        ("source-available", 55),
        ("open-source-single-vendor", 30),
        ("open-standard", 10),
        ("some-future-kind", 40),
    ],
)
def test_kind_base_points(kind: str, points: int) -> None:
    res = score_lockin(BOTO3, EXACT, family(kind=kind), ALTS, direct=True)
    assert codes(res)["LI-KIND"] == points


def test_lock_factors_are_capped() -> None:
    many = ("proprietary-api", "data-gravity", "hosted-only", "proprietary-licence")  # 34
    res = score_lockin(BOTO3, EXACT, family(lock=many), ALTS, direct=True)
    assert codes(res)["LI-LOCK"] == LOCK_CAP
    assert "capped" in next(r.message for r in res.axis.reasons if r.code == "LI-LOCK")


def test_no_open_standard_no_reduction() -> None:
    res = score_lockin(BOTO3, EXACT, family(open_standards=()), ALTS, direct=True)
    assert "LI-OPEN-STD" not in codes(res)
    assert res.axis.score == 66


@pytest.mark.parametrize(
    ("swap", "points"), [("api-compatible", -15), ("adapter", -8), ("rewrite", 0)]
)
def test_swap_type_of_best_alternative(swap: str, points: int) -> None:
    fam = family(alternatives=(Replacement("garage", swap),))  # type: ignore[arg-type]
    assert codes(score_lockin(BOTO3, EXACT, fam, ALTS, direct=True))["LI-SWAP"] == points


def test_no_alternative_known_raises() -> None:
    res = score_lockin(BOTO3, EXACT, family(alternatives=()), ALTS, direct=True)
    assert codes(res)["LI-SWAP"] == 10
    assert res.axis.score == 81 and res.axis.level == "critical"


def test_dangling_alternative_counts_as_none_known() -> None:
    fam = family(alternatives=(Replacement("nonexistent", "api-compatible"),))
    assert codes(score_lockin(BOTO3, EXACT, fam, ALTS, direct=True))["LI-SWAP"] == 10


def test_eu_vendor_lowers_unknown_is_neutral() -> None:
    eu = family(vendor=Vendor("Scaleway SAS", "FR"))
    assert codes(score_lockin(BOTO3, EXACT, eu, ALTS, direct=True))["LI-JURISDICTION"] == -5
    unknown = family(vendor=Vendor("Someone", None))
    res = score_lockin(BOTO3, EXACT, unknown, ALTS, direct=True)
    assert codes(res)["LI-JURISDICTION"] == 0
    assert "unknown" in next(r.message for r in res.axis.reasons if r.code == "LI-JURISDICTION")


def test_parent_jurisdiction_controls() -> None:
    fam = family(vendor=Vendor("Subsidiary GmbH", "DE", "Parent Inc.", "US"))
    res = score_lockin(BOTO3, EXACT, fam, ALTS, direct=True)
    assert codes(res)["LI-JURISDICTION"] == 5 and res.vendor_jurisdiction == "US"


def test_unverified_jurisdiction_is_unknown() -> None:
    res = score_lockin(
        BOTO3,
        EXACT,
        family(),
        ALTS,
        direct=True,
        unverified=lambda i: {"vendor.jurisdiction"} if i == "aws-s3" else set(),
    )
    assert codes(res)["LI-JURISDICTION"] == 0 and res.vendor_jurisdiction is None


def test_international_community_is_neutral() -> None:
    res = score_lockin(BOTO3, EXACT, family(vendor=Vendor("Some Project", "INT")), ALTS, direct=True)
    assert codes(res)["LI-JURISDICTION"] == 0
    assert "international" in next(r.message for r in res.axis.reasons if r.code == "LI-JURISDICTION")


def test_alternatives_rank_eu_then_int_then_others() -> None:
    fam = family(
        alternatives=(
            Replacement("us", "adapter"),
            Replacement("int", "adapter"),
            Replacement("eu", "adapter"),
            Replacement("unk", "adapter"),
        )
    )
    alts = {"us": alt("us", "US"), "int": alt("int", "INT"), "eu": alt("eu", "DE"), "unk": alt("unk", None)}
    assert [o.alternative.id for o in rank_alternatives(fam, alts)] == ["eu", "int", "us", "unk"]


def test_eea_ch_uk_count_as_non_eu() -> None:
    for code in ("NO", "CH", "GB"):
        fam = family(vendor=Vendor("X", code))
        assert codes(score_lockin(BOTO3, EXACT, fam, ALTS, direct=True))["LI-JURISDICTION"] == 5


def test_low_confidence_capped_at_medium() -> None:
    low = Match("family", "aws-s3", "name", "pypi/boto3", "low")
    res = score_lockin(BOTO3, low, family(alternatives=()), ALTS, direct=True)
    assert res.axis.score == 49 and res.axis.level == "medium"
    assert codes(res)["LI-LOW-CONFIDENCE"] == 49 - 81
    assert sum(r.points for r in res.axis.reasons) == 49


def test_low_confidence_below_cap_untouched() -> None:
    low = Match("family", "aws-s3", "name", "pypi/boto3", "low")
    res = score_lockin(BOTO3, low, family(kind="open-standard"), ALTS, direct=False)
    assert "LI-LOW-CONFIDENCE" not in codes(res)


def test_clamped_at_zero() -> None:
    fam = family(kind="open-standard", lock=(), vendor=Vendor("EU body", "EU"))
    res = score_lockin(BOTO3, EXACT, fam, ALTS, direct=False)
    # 10 - 10 - 15 - 5 - 10 = -30 -> 0
    assert sum(r.points for r in res.axis.reasons) == -30
    assert res.axis.score == 0 and res.axis.level == "none"


def test_no_match_is_none() -> None:
    comp = Component(ref="x", name="requests", purl="pkg:pypi/requests@2.31.0")
    res = score_lockin(comp, None, None, ALTS, direct=True)
    assert res.axis.score == 0 and res.axis.level == "none"
    assert [r.code for r in res.axis.reasons] == ["LI-NO-MATCH"]


def test_no_identity_is_unknown() -> None:
    comp = Component(ref="x", name="some-lib", version="1.0")
    res = score_lockin(comp, None, None, ALTS, direct=True)
    assert res.axis.score is None and res.axis.level == "unknown"
    assert [r.code for r in res.axis.reasons] == ["LI-NO-IDENTITY"]


def test_cpe_is_identity() -> None:
    comp = Component(ref="x", name="openssl", cpes=("cpe:2.3:a:openssl:openssl:3.0.0:*:*:*:*:*:*:*",))
    assert score_lockin(comp, None, None, ALTS, direct=None).axis.level == "none"


def test_alternative_client_is_recorded() -> None:
    comp = Component(ref="m", name="minio", purl="pkg:pypi/minio@7.2.0")
    res = score_lockin(comp, None, None, ALTS, direct=True, alternative_of=["minio"])
    assert res.alternative_of == ("minio",) and res.axis.level == "none"
    assert "minio" in res.axis.reasons[0].message


def test_alternatives_ranked_best_first() -> None:
    fam = family(
        alternatives=(
            Replacement("minio", "api-compatible"),
            Replacement("ceph", "api-compatible"),
            Replacement("garage", "api-compatible"),
            Replacement("zeta", "adapter"),
        )
    )
    alts = dict(ALTS, zeta=alt("zeta", "DE"))
    ranked = [o.alternative.id for o in rank_alternatives(fam, alts)]
    # api-compatible first; among them EU steward (garage), non-EU (minio), unknown (ceph)
    assert ranked == ["garage", "minio", "ceph", "zeta"]


def test_alternatives_maturity_breaks_ties() -> None:
    fam = family(alternatives=(Replacement("b", "adapter"), Replacement("a", "adapter")))
    alts = {"a": alt("a", "FR", "beta"), "b": alt("b", "DE", "stable")}
    assert [o.alternative.id for o in rank_alternatives(fam, alts)] == ["b", "a"]


@pytest.mark.parametrize(
    ("score", "level"),
    [(0, "none"), (1, "low"), (24, "low"), (25, "medium"), (49, "medium"), (50, "high"),
     (74, "high"), (75, "critical"), (100, "critical")],
)
def test_level_bands(score: int, level: str) -> None:
    assert level_for(score) == level


def test_docs_match_the_weights() -> None:
    """docs/scoring.md states every lock-in rule code and weight the code uses."""
    from pathlib import Path

    from osaudit.scoring import lockin

    doc = (Path(__file__).resolve().parents[1] / "docs" / "scoring.md").read_text("utf-8")
    section = doc[doc.index("## Lock-in") : doc.index("## Sovereignty")]
    for code in ("LI-KIND", "LI-LOCK", "LI-OPEN-STD", "LI-SWAP", "LI-JURISDICTION",
                 "LI-TRANSITIVE", "LI-LOW-CONFIDENCE", "LI-NO-MATCH", "LI-NO-IDENTITY"):
        assert f"`{code}`" in section, code
    for kind, pts in lockin.KIND_POINTS.items():
        assert f"`{kind}` **+{pts}**" in section, kind
    for factor, pts in lockin.LOCK_POINTS.items():
        assert f"`{factor}`" in section and f"+{pts}" in section, factor
    assert f"capped at +{lockin.LOCK_CAP}" in section
    assert f"**−{-lockin.OPEN_STANDARD_POINTS}**" in section
    assert f"`api-compatible` **−{-lockin.SWAP_POINTS['api-compatible']}**" in section
    assert f"`adapter` **−{-lockin.SWAP_POINTS['adapter']}**" in section
    assert f"no alternative in the catalogue **+{lockin.SWAP_POINTS[None]}**" in section
    assert f"outside the EU **+{lockin.NON_EU_POINTS}**" in section
    assert f"**−{-lockin.EU_POINTS}**" in section
    assert f"**−{-lockin.TRANSITIVE_POINTS}**" in section
    assert f"**{lockin.LOW_CONFIDENCE_CAP}**" in section
    flat = " ".join(section.split())
    assert "`0` none · `1–24` low · `25–49` medium · `50–74` high · `75–100` critical" in flat


def test_alternatives_tie_break_governance_licence_endorsements_then_id() -> None:
    """After swap, jurisdiction and maturity: steward governance, licence, endorsements."""
    fam = family(alternatives=tuple(Replacement(i, "rewrite") for i in "abcdef"))
    base = alt("x", "DE")
    alts = {
        # a company's service: last of the EU ones
        "a": replace(base, id="a", steward_type="company", licence="LicenseRef-service-terms"),
        # a company's open-source software with one endorsement
        "b": replace(base, id="b", steward_type="company", endorsements=("SILL",)),
        # an association whose licence is not confirmed (NOASSERTION): governance first
        "c": replace(base, id="c", steward_type="association", licence="NOASSERTION"),
        # a company's open-source software, no endorsement
        "d": replace(base, id="d", steward_type="company"),
        # a community project
        "e": replace(base, id="e", steward_type="community"),
        # a foundation outside the EU: jurisdiction still ranks before governance
        "f": replace(base, id="f", steward_type="foundation", jurisdiction="US"),
    }
    ranked = [o.alternative.id for o in rank_alternatives(fam, alts)]
    assert ranked == ["c", "e", "b", "d", "a", "f"]
    # a licence listed as unverified counts as not confirmed
    alts["g"] = replace(base, id="g", steward_type="company")
    fam = family(alternatives=(Replacement("g", "rewrite"), Replacement("d", "rewrite")))
    assert [o.alternative.id for o in rank_alternatives(fam, alts)] == ["d", "g"]
    ranked = rank_alternatives(fam, alts, lambda i: {"licence"} if i == "d" else set())
    assert [o.alternative.id for o in ranked] == ["g", "d"]


def test_boto3_best_alternative_is_sovereign_cloud_stack() -> None:
    """The shipped catalogue: CNDS (a company's cloud) came first by the alphabet."""
    from osaudit.catalog import load_catalog

    cat = load_catalog()
    ranked = rank_alternatives(cat.families["aws-core-sdk"], cat.alternatives, cat.unverified)
    ids = [o.alternative.id for o in ranked]
    assert ids[0] == "sovereign-cloud-stack"
    # open-source software of EU companies before EU companies' services
    assert ids.index("opennebula") < ids.index("cnds-artcodix")
    assert ids.index("osism") < ids.index("wavestack")


@pytest.mark.parametrize("scope", ["optional", "excluded", "OPTIONAL"])
def test_scope_optional_or_excluded_caps_at_low(scope: str) -> None:
    from osaudit.scoring.conditions import scope_condition

    comp = replace(BOTO3, scope=scope)
    cond = scope_condition(comp)
    assert cond is not None and cond.code == "LI-SCOPE"
    res = score_lockin(comp, EXACT, family(alternatives=()), ALTS, direct=True, condition=cond)
    # 60 + 16 - 10 + 10 (no alternative) + 5 = 81, capped at 24
    assert codes(res)["LI-SCOPE"] == 24 - 81
    assert res.axis.score == 24 and res.axis.level == "low"
    assert res.family is not None  # still matched and listed
    reason = next(r for r in res.axis.reasons if r.code == "LI-SCOPE")
    assert f"scope {scope.lower()}" in reason.message and reason.source == "sbom"


def test_scope_required_or_absent_is_no_condition() -> None:
    from osaudit.scoring.conditions import scope_condition

    assert scope_condition(replace(BOTO3, scope="required")) is None
    assert scope_condition(BOTO3) is None
    assert scope_condition(replace(BOTO3, scope="runtime")) is None  # not a CycloneDX scope


def test_condition_below_cap_adds_a_zero_point_reason() -> None:
    from osaudit.scoring.conditions import scope_condition

    comp = replace(BOTO3, scope="optional")
    fam = family(kind="open-standard", lock=())
    res = score_lockin(comp, EXACT, fam, ALTS, direct=False, condition=scope_condition(comp))
    assert codes(res)["LI-SCOPE"] == 0 and res.axis.level == "none"
