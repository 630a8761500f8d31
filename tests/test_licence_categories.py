"""Licence categories, openness flags and the OR/AND/WITH rules."""

from __future__ import annotations

import pytest

from osaudit.licence.categories import CATEGORY_POINTS, expression_facts, licence_facts


@pytest.mark.parametrize(
    ("key", "category"),
    [
        ("MIT", "Permissive"),
        ("Apache-2.0", "Permissive"),
        ("BSD-3-Clause", "Permissive"),
        ("CC0-1.0", "Public Domain"),
        ("Unlicense", "Public Domain"),
        ("LGPL-2.1-only", "Copyleft Limited"),
        ("MPL-2.0", "Copyleft Limited"),
        ("EPL-2.0", "Copyleft Limited"),
        ("EUPL-1.2", "Copyleft Limited"),
        ("GPL-2.0-only", "Copyleft"),
        ("GPL-3.0-or-later", "Copyleft"),
        ("AGPL-3.0-only", "Copyleft"),
        ("BUSL-1.1", "Source-available"),
        ("SSPL-1.0", "Source-available"),
        ("Elastic-2.0", "Source-available"),
        ("CC-BY-NC-4.0", "Source-available"),
        ("PolyForm-Noncommercial-1.0.0", "Source-available"),
        ("FSL-1.1-MIT", "Source-available"),
        ("LicenseRef-scancode-confluent-community-1.0", "Source-available"),
        ("LicenseRef-scancode-rsalv2", "Source-available"),
        ("LicenseRef-scancode-commercial-license", "Commercial"),
    ],
)
def test_scancode_categories(key: str, category: str) -> None:
    assert licence_facts(key).category == category


@pytest.mark.parametrize(
    "key",
    [
        "BUSL-1.1",
        "SSPL-1.0",
        "Elastic-2.0",
        "FSL-1.1-MIT",
        "CC-BY-NC-4.0",
        "CC-BY-NC-SA-4.0",
        "PolyForm-Noncommercial-1.0.0",
        "LicenseRef-scancode-rsalv2",
        "LicenseRef-scancode-confluent-community-1.0",
        "JSON",  # corrected in data/categories.yaml (FSF: non-free)
    ],
)
def test_source_available_and_non_commercial_are_not_open_source(key: str) -> None:
    assert licence_facts(key).open_source is False


def test_commons_clause_makes_apache_source_available() -> None:
    facts = expression_facts("Apache-2.0 WITH LicenseRef-scancode-commons-clause")
    assert (facts.category, facts.open_source, facts.points) == ("Source-available", False, 20)


@pytest.mark.parametrize("key", ["MIT", "GPL-2.0-only", "EUPL-1.2", "CC0-1.0", "Unlicense"])
def test_free_licences_are_open_source(key: str) -> None:
    assert licence_facts(key).open_source is True


@pytest.mark.parametrize(
    ("key", "osi", "fsf"),
    [
        ("MIT", True, True),
        ("EUPL-1.2", True, True),
        ("CC0-1.0", False, True),  # never OSI-approved, FSF-libre
        ("WTFPL", False, True),
        ("BUSL-1.1", False, False),
        ("SSPL-1.0", False, False),
        ("JSON", False, False),
    ],
)
def test_spdx_flags(key: str, osi: bool, fsf: bool) -> None:
    facts = licence_facts(key)
    assert (facts.osi_approved, facts.fsf_libre) == (osi, fsf)


def test_or_takes_most_open() -> None:
    facts = expression_facts("MIT OR GPL-3.0-only")
    assert (facts.category, facts.points) == ("Permissive", 100)
    assert facts.decisive is not None and facts.decisive.key == "MIT"


def test_or_with_source_available_option_is_open() -> None:
    # a dual licence with an open option can always be used under that option
    facts = expression_facts("BUSL-1.1 OR GPL-3.0-only")
    assert (facts.category, facts.open_source) == ("Copyleft", True)


def test_and_takes_least_open() -> None:
    facts = expression_facts("MIT AND GPL-3.0-only")
    assert (facts.category, facts.points) == ("Copyleft", 85)
    facts = expression_facts("Apache-2.0 AND SSPL-1.0")
    assert (facts.category, facts.open_source, facts.points) == ("Source-available", False, 20)


def test_with_linking_exception_turns_copyleft_into_copyleft_limited() -> None:
    facts = expression_facts("GPL-2.0-only WITH Classpath-exception-2.0")
    assert (facts.category, facts.points) == ("Copyleft Limited", 90)


def test_with_keeps_base_category_otherwise() -> None:
    assert expression_facts("Apache-2.0 WITH LLVM-exception").category == "Permissive"
    assert (
        expression_facts("LGPL-2.1-only WITH Classpath-exception-2.0").category
        == "Copyleft Limited"
    )


@pytest.mark.parametrize(
    "expr",
    [
        None,
        "NOASSERTION",
        "NONE",
        "LicenseRef-1",
        "MIT AND LicenseRef-1",
        "not an expression ((",
        "LicenseRef-scancode-unknown",
    ],
)
def test_unknowns(expr: str | None) -> None:
    facts = expression_facts(expr)
    assert (facts.category, facts.points, facts.open_source) == ("Unknown", None, None)


def test_unknown_option_of_or_is_skipped() -> None:
    assert expression_facts("MIT OR LicenseRef-1").points == 100


def test_json_is_capped_as_not_open() -> None:
    facts = expression_facts("JSON")
    assert facts.points == 40
    assert facts.decisive is not None and "not-open-source" in facts.decisive.adjustments


def test_not_reviewed_penalty() -> None:
    # Beerware is Permissive for ScanCode; the SPDX list marks it neither OSI nor FSF
    facts = licence_facts("Beerware")
    assert (facts.category, facts.osi_approved, facts.fsf_libre) == ("Permissive", False, False)
    assert facts.points == 90 and facts.adjustments == ("not-reviewed",)


def test_points_table_is_ordered_by_openness() -> None:
    order = [
        "Public Domain",
        "Permissive",
        "Copyleft Limited",
        "Copyleft",
        "Free Restricted",
        "Source-available",
        "Proprietary Free",
        "Commercial",
    ]
    points = [CATEGORY_POINTS[c] for c in order]
    assert points == sorted(points, reverse=True)


def test_facts_cache_is_hit() -> None:
    expression_facts("MIT OR Apache-2.0")
    before = expression_facts.cache_info().hits
    expression_facts("MIT OR Apache-2.0")
    assert expression_facts.cache_info().hits == before + 1
