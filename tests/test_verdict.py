"""Art. 41 verdict: pass, justify, fail by threshold / deny / expired exception, exceptions."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from osaudit.scoring.policy import PatternRule, Policy, PolicyException
from osaudit.scoring.verdict import Findings, decide, why_justify

TODAY = date(2026, 11, 23)

DJANGO = Findings(
    ref="pkg:pypi/django@4.2.16",
    name="django",
    version="4.2.16",
    purl="pkg:pypi/django@4.2.16",
    lockin_level="none",
    licence_level="none",
    maintenance_level="unknown",
    licence_category="Permissive",
    open_source=True,
)
BOTO3 = Findings(
    ref="pkg:pypi/boto3@1.35.36",
    name="boto3",
    version="1.35.36",
    purl="pkg:pypi/boto3@1.35.36",
    lockin_level="high",
    licence_level="none",
    maintenance_level="low",
    licence_category="Permissive",
    open_source=True,
    family_id="aws-s3",
    family_kind="proprietary-service-sdk",
    vendor="Amazon Web Services, Inc.",
    alternatives=(("garage", "Garage", "api-compatible"), ("ceph", "Ceph", "api-compatible")),
)
BUSL = Findings(
    ref="busl",
    name="terraform-thing",
    version="1.0",
    purl="pkg:golang/github.com/hashicorp/thing@v1.0.0",
    lockin_level="low",
    licence_level="high",
    maintenance_level="none",
    licence_category="Source-available",
    open_source=False,
)


def gate(v: dict, name: str) -> dict:  # type: ignore[type-arg]
    return next(g for g in v["gates"] if g["name"] == name)


def test_pass_without_proprietary_components() -> None:
    v = decide([DJANGO], Policy(), today=TODAY)
    assert v["art41"] == "pass"
    assert v["justifications_required"] == []
    assert all(g["passed"] for g in v["gates"])
    assert [g["name"] for g in v["gates"]] == ["deny-list", "exceptions-not-expired"]


def test_justify_lists_components_with_alternatives() -> None:
    v = decide([DJANGO, BOTO3, BUSL], Policy(), today=TODAY)
    assert v["art41"] == "justify"
    just = {j["ref"]: j for j in v["justifications_required"]}
    assert set(just) == {BOTO3.ref, BUSL.ref}
    assert just[BOTO3.ref]["family"] == "aws-s3"
    assert [a["id"] for a in just[BOTO3.ref]["alternatives"]] == ["garage", "ceph"]
    assert "proprietary service sdk" in just[BOTO3.ref]["why"]
    assert "lock-in high" in just[BOTO3.ref]["why"]
    assert "Source-available is not open source" in just[BUSL.ref]["why"]
    # sorted by name
    assert [j["name"] for j in v["justifications_required"]] == ["boto3", "terraform-thing"]


def test_why_justify_on_high_lock_of_open_source_single_vendor() -> None:
    f = replace(DJANGO, lockin_level="critical", family_kind="open-source-single-vendor")
    assert why_justify(f) == "lock-in critical"
    assert why_justify(replace(f, lockin_level="medium")) is None


def test_fail_by_threshold() -> None:
    pol = Policy(fail_on={"lockin": "high"})
    v = decide([DJANGO, BOTO3], pol, today=TODAY)
    assert v["art41"] == "fail"
    g = gate(v, "lockin>=high")
    assert not g["passed"] and g["components"] == [BOTO3.ref]
    assert "boto3 1.35.36" in g["detail"]
    assert any(r.startswith("gate lockin>=high failed") for r in v["reasons"])


def test_threshold_not_reached_passes_gate() -> None:
    v = decide([DJANGO, BOTO3], Policy(fail_on={"lockin": "critical"}), today=TODAY)
    assert gate(v, "lockin>=critical")["passed"] and v["art41"] == "justify"


def test_unknown_gate_and_licence_categories() -> None:
    pol = Policy(fail_on_unknown=frozenset({"maintenance"}), licence_categories=("Source-available",))
    v = decide([DJANGO, BUSL], pol, today=TODAY)
    assert gate(v, "maintenance-unknown")["components"] == [DJANGO.ref]
    assert gate(v, "licence-category in [Source-available]")["components"] == [BUSL.ref]
    assert v["art41"] == "fail"


def test_fail_by_deny_even_with_allow() -> None:
    pol = Policy(
        deny=(PatternRule("pkg:pypi/boto*", "no AWS"),),
        allow=(PatternRule("pkg:pypi/boto3"),),
    )
    v = decide([DJANGO, BOTO3], pol, today=TODAY)
    assert v["art41"] == "fail"
    assert "pkg:pypi/boto* (no AWS)" in gate(v, "deny-list")["detail"]


def test_active_exception_covers() -> None:
    exc = PolicyException("pkg:pypi/boto3", "migration to Garage", "CIO", date(2027, 6, 30))
    pol = Policy(exceptions=(exc,), fail_on={"lockin": "high"})
    v = decide([DJANGO, BOTO3], pol, today=TODAY)
    assert v["art41"] == "pass"
    assert v["exceptions"] == [
        {
            "pattern": "pkg:pypi/boto3",
            "reason": "migration to Garage",
            "approver": "CIO",
            "expires": "2027-06-30",
            "status": "active",
            "components": [BOTO3.ref],
        }
    ]
    assert gate(v, "lockin>=high")["passed"]
    assert any("active exception" in r for r in v["reasons"])


def test_exception_valid_on_expiry_day() -> None:
    exc = PolicyException("pkg:pypi/boto3", "r", "a", TODAY)
    assert decide([BOTO3], Policy(exceptions=(exc,)), today=TODAY)["art41"] == "pass"


def test_fail_by_expired_exception() -> None:
    exc = PolicyException("pkg:pypi/boto3", "r", "a", date(2026, 11, 22))
    v = decide([DJANGO, BOTO3], Policy(exceptions=(exc,)), today=TODAY)
    assert v["art41"] == "fail"
    assert v["exceptions"][0]["status"] == "expired"
    g = gate(v, "exceptions-not-expired")
    assert not g["passed"] and "expired 2026-11-22" in g["detail"]
    # an expired exception counts as missing: the justification is required again
    assert [j["ref"] for j in v["justifications_required"]] == [BOTO3.ref]


def test_unused_and_expired_unmatched_exceptions() -> None:
    unused = PolicyException("pkg:pypi/stripe", "r", "a", date(2027, 1, 1))
    stale = PolicyException("pkg:pypi/twilio", "r", "a", date(2020, 1, 1))
    v = decide([DJANGO], Policy(exceptions=(unused, stale)), today=TODAY)
    assert [e["status"] for e in v["exceptions"]] == ["unused", "expired"]
    assert v["art41"] == "pass"  # an expired exception that covers nothing fails nothing


def test_allow_suppresses_and_is_recorded() -> None:
    pol = Policy(allow=(PatternRule("pkg:pypi/boto3", "approved by council"),),
                 fail_on={"lockin": "high"})
    v = decide([DJANGO, BOTO3], pol, today=TODAY)
    assert v["art41"] == "pass"
    assert v["allowed"] == [
        {"ref": BOTO3.ref, "pattern": "pkg:pypi/boto3", "reason": "approved by council"}
    ]


def test_gate_detail_truncates() -> None:
    many = [replace(BOTO3, ref=f"r{i}", name=f"n{i}") for i in range(8)]
    g = gate(decide(many, Policy(fail_on={"lockin": "low"}), today=TODAY), "lockin>=low")
    assert g["detail"].startswith("8 component(s)") and g["detail"].endswith("and 3 more")
    assert len(g["components"]) == 8
