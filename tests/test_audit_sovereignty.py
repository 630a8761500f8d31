"""Sovereignty: controlling jurisdiction, non-EU share, CSF objectives, documented limits."""

from __future__ import annotations

import pytest

from osaudit.scoring.sovereignty import CSF_TITLES, Control, Party, assess, classify


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("FR", "eu"),
        ("de", "eu"),
        ("EU", "eu"),
        ("GR", "eu"),
        ("US", "non-eu"),
        ("CN", "non-eu"),
        ("NO", "non-eu"),  # EEA only
        ("IS", "non-eu"),
        ("LI", "non-eu"),
        ("CH", "non-eu"),
        ("GB", "non-eu"),
        ("INT", "neutral"),
        (None, "unknown"),
        ("", "unknown"),
    ],
)
def test_classify(code: str | None, kind: str) -> None:
    assert classify(code) == kind


def test_share_counts_distinct_vendors_not_components() -> None:
    """29 Sentry packages are one vendor; stewards of open alternatives are not in the share."""
    controls = [Control(f"sentry-{i}", "US", ("SOV-2",)) for i in range(29)]
    controls += [Control("c", "FR", ("SOV-6",)), Control("e", None, ("SOV-3",))]
    vendors = [
        Party("Functional Software, Inc. (Sentry)", "US", ("sentry",)),
        Party("Amazon.com, Inc.", "US", ("aws-core-sdk", "aws-s3")),
        Party("Mistral AI SAS", "FR", ("mistral-ai-api",)),
        Party("Some Community", "INT", ("x",)),
        Party("Unconfirmed Ltd", None, ("y",)),
        Party("Swiss AG", "CH", ("z",)),
    ]
    stewards = [Party("Cloud Native Computing Foundation", "US", ("opentelemetry",))]
    sov = assess(controls, vendors, stewards)
    assert sov["non_eu_share"] == round(3 / 4, 4)  # Sentry, Amazon, Swiss AG of those + Mistral
    assert sov["by_jurisdiction"] == {"CH": 1, "FR": 1, "INT": 1, "US": 2, "unknown": 1}
    assert "distinct controlling vendors" in sov["counted"] and "6 (3 outside the EU" in sov["counted"]
    assert [p["name"] for p in sov["open_alternative_stewards"]] == [
        "Cloud Native Computing Foundation"
    ]
    assert sov["csf"][0]["objective"] == "SOV-2" and len(sov["csf"][0]["components"]) == 29
    assert sov["csf"][1:] == [
        {"objective": "SOV-3", "title": "Data & AI sovereignty", "components": ["e"]},
        {"objective": "SOV-6", "title": "Technology sovereignty", "components": ["c"]},
    ]


def test_no_known_jurisdiction_gives_null_share() -> None:
    assert assess([], [Party("x", None), Party("y", "INT")])["non_eu_share"] is None
    assert assess([])["non_eu_share"] is None


def test_objectives_ordered_numerically() -> None:
    sov = assess([Control("x", "US", ("SOV-8", "SOV-1", "SOV-10"))])
    assert [c["objective"] for c in sov["csf"]] == ["SOV-1", "SOV-8", "SOV-10"]


def test_limits_name_what_cannot_be_assessed() -> None:
    limits = " ".join(assess([])["limits"]).lower()
    for topic in ("hosted", "contracts", "data residency", "key management", "support"):
        assert topic in limits
    assert len(CSF_TITLES) == 8
