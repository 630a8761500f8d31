"""Sovereignty: controlling jurisdiction, non-EU share, CSF objectives, documented limits."""

from __future__ import annotations

import pytest

from osaudit.scoring.sovereignty import CSF_TITLES, Control, assess, classify


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


def test_share_counts_only_known_eu_or_non_eu() -> None:
    controls = [
        Control("a", "US", ("SOV-2", "SOV-6")),
        Control("b", "US", ("SOV-2",)),
        Control("c", "FR", ("SOV-6",)),
        Control("d", "INT", ()),
        Control("e", None, ("SOV-3",)),
        Control("f", "CH", ()),
    ]
    sov = assess(controls)
    assert sov["non_eu_share"] == round(3 / 4, 4)  # a, b, f of a, b, c, f
    assert sov["by_jurisdiction"] == {"CH": 1, "FR": 1, "INT": 1, "US": 2}
    assert sov["csf"] == [
        {"objective": "SOV-2", "title": CSF_TITLES["SOV-2"], "components": ["a", "b"]},
        {"objective": "SOV-3", "title": "Data & AI sovereignty", "components": ["e"]},
        {"objective": "SOV-6", "title": "Technology sovereignty", "components": ["a", "c"]},
    ]


def test_no_known_jurisdiction_gives_null_share() -> None:
    assert assess([Control("x", None), Control("y", "INT")])["non_eu_share"] is None
    assert assess([])["non_eu_share"] is None


def test_objectives_ordered_numerically() -> None:
    sov = assess([Control("x", "US", ("SOV-8", "SOV-1", "SOV-10"))])
    assert [c["objective"] for c in sov["csf"]] == ["SOV-1", "SOV-8", "SOV-10"]


def test_limits_name_what_cannot_be_assessed() -> None:
    limits = " ".join(assess([])["limits"]).lower()
    for topic in ("hosted", "contracts", "data residency", "key management", "support"):
        assert topic in limits
    assert len(CSF_TITLES) == 8
