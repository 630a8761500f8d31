"""Maintenance scoring rules on hand-built facts (pure functions)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from osaudit import model
from osaudit.metadata.interface import PackageFacts, Release, Scorecard, SourceStatus, Vuln
from osaudit.scoring import maintenance as mt
from osaudit.scoring.maintenance import (
    facts_to_json,
    is_fund_or_replace,
    level_of,
    release_interval,
    score_maintenance,
)

NOW = datetime(2026, 11, 1, tzinfo=UTC)
DAY = "2026-10-30T08:00:00Z"
OK = tuple(SourceStatus(s, "ok", "", DAY) for s in ("deps.dev", "ecosyste.ms", "osv"))


def releases(*pairs: tuple[str, str], default: str | None = None) -> tuple[Release, ...]:
    return tuple(Release(v, d, v == default) for v, d in pairs)


# A healthy, active package: recent releases every ~2 months, 3 maintainers.
BASE = PackageFacts(
    purl="pkg:pypi/demo@2.4.0",
    ecosystem="pypi",
    name="demo",
    version="2.4.0",
    sources=OK + (SourceStatus("scorecard", "skipped", "provided by deps.dev"),),
    published_at="2026-08-01T00:00:00Z",
    releases=releases(
        ("2.1.0", "2026-02-01T00:00:00Z"),
        ("2.2.0", "2026-04-01T00:00:00Z"),
        ("2.3.0", "2026-06-01T00:00:00Z"),
        ("2.4.0", "2026-08-01T00:00:00Z"),
        default="2.4.0",
    ),
    latest_version="2.4.0",
    latest_published_at="2026-08-01T00:00:00Z",
    first_published_at="2026-02-01T00:00:00Z",
    maintainers=3,
    dependents=50,
    vulns=(),
    scorecard=Scorecard("github.com/demo/demo", 7.5, 10, "2026-10-27", "deps.dev"),
)


def codes(axis: model.AxisScore) -> dict[str, int]:
    return {r.code: r.points for r in axis.reasons}


def test_healthy_package_has_no_risk():
    axis = score_maintenance(BASE, now=NOW)
    assert axis == model.AxisScore(0, "none", axis.reasons)
    assert codes(axis) == {"MT-OK": 0}


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (0, "none"),
        (1, "low"),
        (24, "low"),
        (25, "medium"),
        (49, "medium"),
        (50, "high"),
        (74, "high"),
        (75, "critical"),
        (100, "critical"),
    ],
)
def test_level_bands(score, level):
    assert level_of(score) == level


def test_deprecated_removed_unmaintained_are_exclusive():
    dep = score_maintenance(replace(BASE, deprecated=True, deprecated_source="deps.dev"), now=NOW)
    assert codes(dep) == {"MT-DEPRECATED": 60} and dep.level == "high"
    assert dep.reasons[0].source == "deps.dev" and dep.reasons[0].date == "2026-10-30"
    rem = score_maintenance(replace(BASE, status="removed", deprecated=True), now=NOW)
    assert codes(rem) == {"MT-REMOVED": 70}
    unm = score_maintenance(replace(BASE, status="unmaintained"), now=NOW)
    assert codes(unm) == {"MT-UNMAINTAINED": 50}


def test_archived_repository():
    axis = score_maintenance(
        replace(
            BASE,
            archived=True,
            repository="github.com/demo/demo",
            origins=(("archived", "ecosyste.ms"),),
        ),
        now=NOW,
    )
    assert codes(axis) == {"MT-ARCHIVED": 40}
    assert axis.reasons[0].source == "ecosyste.ms"
    assert "github.com/demo/demo" in axis.reasons[0].message


def test_stale_relative_to_own_cadence():
    # releases every ~60 days (interval floored at 90), last one 14 months ago: 4.7x -> 15
    old = replace(
        BASE,
        releases=releases(
            ("1.0", "2025-03-01T00:00:00Z"),
            ("1.1", "2025-05-01T00:00:00Z"),
            ("1.2", "2025-07-01T00:00:00Z"),
            ("1.3", "2025-09-01T00:00:00Z"),
        ),
        version="1.3",
        published_at="2025-09-01T00:00:00Z",
        latest_published_at="2025-09-01T00:00:00Z",
        first_published_at="2025-03-01T00:00:00Z",
    )
    assert codes(score_maintenance(old, now=NOW)) == {"MT-STALE": 15}
    # a yearly-release package 14 months after its last release is on schedule
    yearly = replace(
        old,
        releases=releases(
            ("1.0", "2022-09-01T00:00:00Z"),
            ("1.1", "2023-09-01T00:00:00Z"),
            ("1.2", "2024-09-01T00:00:00Z"),
            ("1.3", "2025-09-01T00:00:00Z"),
        ),
    )
    assert "MT-STALE" not in codes(score_maintenance(yearly, now=NOW))
    # 3 years without a release, 3x the yearly cadence -> 30
    ancient = replace(
        yearly,
        releases=releases(
            ("1.0", "2020-09-01T00:00:00Z"),
            ("1.1", "2021-09-01T00:00:00Z"),
            ("1.2", "2022-09-01T00:00:00Z"),
            ("1.3", "2023-09-01T00:00:00Z"),
        ),
        published_at="2023-09-01T00:00:00Z",
        latest_published_at="2023-09-01T00:00:00Z",
    )
    assert codes(score_maintenance(ancient, now=NOW))["MT-STALE"] == 30


def test_release_interval_median_and_default():
    assert release_interval(BASE.releases) == (90, 3)  # 59/61-day gaps floored at 90
    assert release_interval(releases(("1.0", "2020-01-01T00:00:00Z"))) == (365, 0)
    pre = releases(
        ("1.0", "2020-01-01T00:00:00Z"),
        ("1.1rc1", "2020-02-01T00:00:00Z"),
        ("1.1", "2021-01-01T00:00:00Z"),
        ("1.2", "2022-01-01T00:00:00Z"),
    )
    assert release_interval(pre) == (365, 2)  # the release candidate is ignored


def test_behind_in_time_and_releases():
    rels = tuple(
        Release(f"1.{i}", f"{2019 + i // 8}-{1 + i % 8:02d}-01T00:00:00Z") for i in range(40)
    )
    facts = replace(
        BASE,
        version="1.0",
        published_at="2019-01-01T00:00:00Z",
        releases=rels,
        latest_version="1.39",
        latest_published_at=rels[-1].published_at,
    )
    axis = score_maintenance(facts, now=NOW)
    behind = next(r for r in axis.reasons if r.code == "MT-BEHIND")
    assert behind.points == 20 + 5  # >= 3 years and >= 20 releases behind
    assert "39 releases" in behind.message and "1.39" in behind.message
    one_year = replace(facts, published_at="2022-07-01T00:00:00Z", version="1.30", releases=rels)
    assert codes(score_maintenance(one_year, now=NOW))["MT-BEHIND"] == 10


def test_single_maintainer_and_dependents():
    axis = score_maintenance(replace(BASE, maintainers=1, dependents=0), now=NOW)
    assert codes(axis) == {"MT-SINGLE-MAINTAINER": 10, "MT-DEPENDENTS": 5}
    popular = score_maintenance(replace(BASE, maintainers=1, dependents=5000), now=NOW)
    assert popular.score == 5 and codes(popular)["MT-DEPENDENTS"] == -5


def test_scorecard_overall_and_maintained():
    low = replace(
        BASE,
        scorecard=Scorecard("github.com/d/d", 2.5, 0, "2026-10-27", "scorecard"),
        sources=OK + (SourceStatus("scorecard", "ok", "", "2026-10-29T00:00:00Z"),),
    )
    axis = score_maintenance(low, now=NOW)
    assert codes(axis) == {"MT-SCORECARD-LOW": 15, "MT-SCORECARD-MAINTAINED": 15}
    assert {r.source for r in axis.reasons} == {"scorecard"}
    assert {r.date for r in axis.reasons} == {"2026-10-29"}
    mid = replace(BASE, scorecard=Scorecard("github.com/d/d", 4.0, 2, None, "deps.dev"))
    assert codes(score_maintenance(mid, now=NOW)) == {
        "MT-SCORECARD-LOW": 8,
        "MT-SCORECARD-MAINTAINED": 8,
    }
    inconclusive = replace(
        BASE, scorecard=Scorecard("github.com/d/d", None, None, None, "deps.dev")
    )
    assert codes(score_maintenance(inconclusive, now=NOW)) == {"MT-OK": 0}


def test_vulnerabilities_with_and_without_fix():
    one = replace(BASE, vulns=(Vuln("GHSA-1", ("CVE-1",), "", ("2.4.1",), True),))
    axis = score_maintenance(one, now=NOW)
    assert codes(axis) == {"MT-VULN": 20} and "fixed in 2.4.1" in axis.reasons[0].message
    many = replace(BASE, vulns=tuple(Vuln(f"GHSA-{i}", (), "", (), True) for i in range(5)))
    axis = score_maintenance(many, now=NOW)
    assert codes(axis) == {"MT-VULN": 50, "MT-VULN-NOFIX": 10} and axis.level == "high"
    unknown_fix = replace(BASE, vulns=(Vuln("GHSA-9"),))
    assert codes(score_maintenance(unknown_fix, now=NOW)) == {"MT-VULN": 20}


def test_depsdev_advisories_stand_in_when_osv_is_missing():
    facts = replace(
        BASE,
        vulns=None,
        advisories=("GHSA-a", "GHSA-b"),
        sources=(
            SourceStatus("deps.dev", "ok", "", DAY),
            SourceStatus("osv", "error", "HTTP 500", None),
        ),
    )
    axis = score_maintenance(facts, now=NOW)
    assert codes(axis)["MT-VULN"] == 30
    assert next(r for r in axis.reasons if r.code == "MT-VULN").source == "deps.dev"
    assert "osv (HTTP 500)" in next(r for r in axis.reasons if r.code == "MT-PARTIAL").message


def test_young_package():
    young = replace(BASE, first_published_at="2026-09-01T00:00:00Z")
    assert codes(score_maintenance(young, now=NOW)) == {"MT-YOUNG": 10}


FINISHED = replace(
    BASE,
    version="1.16.0",
    published_at="2021-05-05T00:00:00Z",
    releases=releases(
        ("1.14.0", "2020-01-15T00:00:00Z"),
        ("1.15.0", "2020-05-21T00:00:00Z"),
        ("1.16.0", "2021-05-05T00:00:00Z"),
        default="1.16.0",
    ),
    latest_version="1.16.0",
    latest_published_at="2021-05-05T00:00:00Z",
    first_published_at="2010-06-30T00:00:00Z",
    dependents=400,
    scorecard=Scorecard("github.com/x/six", 5.5, 0, "2026-10-27", "deps.dev"),
)


def test_finished_software_is_not_abandoned():
    axis = score_maintenance(FINISHED, now=NOW)
    assert axis.score == 0 and axis.level == "none"
    finished = next(r for r in axis.reasons if r.code == "MT-FINISHED")
    assert "MT-STALE 30" in finished.message and "MT-SCORECARD-MAINTAINED 15" in finished.message


@pytest.mark.parametrize(
    "change",
    [
        {"version": "0.16.0"},  # no stable API
        {"dependents": 10},  # not widely used
        {"first_published_at": "2024-01-01T00:00:00Z"},  # not mature
        {"vulns": (Vuln("GHSA-x"),)},  # an open advisory
        {"vulns": None},  # advisories unknown
    ],
)
def test_finished_needs_every_condition(change):
    axis = score_maintenance(replace(FINISHED, **change), now=NOW)
    assert "MT-FINISHED" not in codes(axis)
    assert "MT-STALE" in codes(axis)


def test_critical_flag_counts_as_widely_used():
    axis = score_maintenance(replace(FINISHED, dependents=None, critical=True), now=NOW)
    assert "MT-FINISHED" in codes(axis)


def test_score_is_clamped_and_reasons_ordered():
    worst = replace(
        BASE,
        status="removed",
        archived=True,
        maintainers=1,
        vulns=tuple(Vuln(f"G-{i}", (), "", (), True) for i in range(9)),
    )
    axis = score_maintenance(worst, now=NOW)
    assert axis.score == 100 and axis.level == "critical"
    points = [abs(r.points) for r in axis.reasons]
    assert points == sorted(points, reverse=True)


def test_unknown_cases():
    assert score_maintenance(None, now=NOW).reasons[0].code == "MT-NOT-COLLECTED"
    none = PackageFacts(purl=None, reason="no purl: the component cannot be looked up")
    assert score_maintenance(none, now=NOW).reasons[0].code == "MT-NO-PURL"
    offline = PackageFacts(
        purl="pkg:pypi/x@1",
        sources=tuple(
            SourceStatus(s, "offline", "offline and not cached")
            for s in ("deps.dev", "ecosyste.ms", "osv")
        ),
    )
    axis = score_maintenance(offline, now=NOW)
    assert axis == model.AxisScore(None, "unknown", axis.reasons)
    assert axis.reasons[0].code == "MT-OFFLINE"
    circuit = replace(
        offline,
        sources=(
            SourceStatus(
                "deps.dev",
                "error",
                "circuit open for api.deps.dev after 3 connection "
                "failures (network unreachable (ConnectError))",
            ),
            SourceStatus("ecosyste.ms", "error", "timeout after 10 s"),
        ),
    )
    assert score_maintenance(circuit, now=NOW).reasons[0].code == "MT-UNREACHABLE"


def test_partial_data_is_said():
    facts = replace(
        BASE,
        sources=(
            SourceStatus("deps.dev", "ok", "", DAY),
            SourceStatus("ecosyste.ms", "not-found", "unknown package (HTTP 404)", DAY),
            SourceStatus("osv", "ok", "", DAY),
        ),
    )
    axis = score_maintenance(facts, now=NOW)
    partial = next(r for r in axis.reasons if r.code == "MT-PARTIAL")
    assert "ecosyste.ms (unknown package (HTTP 404))" in partial.message


def test_fund_or_replace():
    bad = replace(BASE, critical=True, status="unmaintained", maintainers=1)
    axis = score_maintenance(bad, now=NOW)
    assert axis.level == "high"
    text = is_fund_or_replace(bad, axis)
    assert text is not None and "critical" in text and "fund" in text
    many = replace(bad, critical=False, dependents=2500)
    assert "2500 dependent packages" in is_fund_or_replace(many, score_maintenance(many, now=NOW))
    assert is_fund_or_replace(BASE, score_maintenance(BASE, now=NOW)) is None
    small = replace(bad, critical=False, dependents=5)
    assert is_fund_or_replace(small, score_maintenance(small, now=NOW)) is None


def test_facts_to_json_is_deterministic_and_tokenless():
    js = facts_to_json(replace(BASE, vulns=(Vuln("B"), Vuln("A"))))
    assert list(js) == sorted(js)
    assert [v["id"] for v in js["vulns"]] == ["A", "B"]
    assert js["releases"] == {"count": 4, "median_interval_days": 90}
    assert "token" not in repr(js).lower()
    assert mt.FUND_DEPENDENTS == 1000
