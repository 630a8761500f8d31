"""The defects issue 13 found against the services' published shapes, one test each.

Every test runs against tests/apiserver.py, whose routes and limits follow the published
specifications, on the fixtures named in tests/fixtures/api/SOURCES.md.
"""

from __future__ import annotations

import json

import pytest

from osaudit import model
from osaudit.identity import normalise_purl
from osaudit.metadata.collect import collect, merge
from osaudit.metadata.fetch import Fetcher
from osaudit.metadata.http import HttpClient
from osaudit.metadata.interface import SourceData, SourceStatus, Target
from osaudit.metadata.osv import OsvSource, fixed_versions
from osaudit.scoring.maintenance import score_maintenance
from tests.apiserver import FIXTURES, NOW, ApiServer, LoopbackGuard, components, config


@pytest.fixture()
def server():
    with ApiServer() as srv:
        yield srv


@pytest.fixture(autouse=True)
def guard(monkeypatch):
    g = LoopbackGuard(monkeypatch)
    yield g
    assert g.blocked == []


def _comp(ref: str, purl: str, name: str | None = None) -> model.Component:
    """A component as the SBOM readers make it: canonical purl, the original kept."""
    canonical = normalise_purl(purl)[0]
    raw = purl if canonical != purl else None
    return model.Component(ref=ref, name=name or ref, purl=canonical, purl_raw=raw)


def _bodies(server, path):
    return [json.loads(r.body) for r in server.requests if r.path == path]


# ---- OSV --------------------------------------------------------------------------------
def test_osv_git_commits_are_not_fixed_versions():
    """PYSEC-2023-74 (real record) carries a GIT range beside the ECOSYSTEM one."""
    record = json.loads((FIXTURES / "osv.json").read_text())["vulns"]["PYSEC-2023-74"]
    target = Target("pkg:pypi/requests@2.28.0", "pypi", None, "requests", "2.28.0")
    fixed, aliases, _ = fixed_versions(record, target)
    assert fixed == ("2.31.0",)  # not 74ea7cf7a6a27a4eeb2ae24e162bcc942a6706d5
    assert aliases == ("CVE-2023-32681", "GHSA-j8r2-6x86-q33q")


def test_osv_end_to_end_reports_versions_only(server, tmp_path):
    comps = [_comp("old-requests", "pkg:pypi/requests@2.28.0")]
    facts = collect(comps, config(server.url, tmp_path), now=NOW).facts["old-requests"]
    assert facts.vulns is not None
    assert {v.id: v.fixed for v in facts.vulns} == {
        "GHSA-9wx4-h78v-vm56": ("2.32.2",),
        "PYSEC-2023-74": ("2.31.0",),
    }


def test_osv_pages_are_followed_not_dropped(tmp_path):
    """OSV pages a query's vulns (next_page_token); every page is read and cached."""
    with ApiServer(osv_page=1) as server:
        comps = [_comp("old-requests", "pkg:pypi/requests@2.28.0")]
        result = collect(comps, config(server.url, tmp_path), now=NOW)
        ids = [v.id for v in result.facts["old-requests"].vulns or ()]
        assert ids == ["GHSA-9wx4-h78v-vm56", "PYSEC-2023-74"]
        pages = _bodies(server, "/v1/querybatch")
        assert len(pages) == 2 and "page_token" in pages[1]["queries"][0]
        n = len(server.requests)
        again = collect(comps, config(server.url, tmp_path), now=NOW)
        assert len(server.requests) == n and again.facts == result.facts


def test_a_batch_split_after_a_page_goes_on_from_the_pages_it_has(tmp_path):
    """A 400 on a later page splits the batch; each half resumes from its own page tokens.

    requests 2.27.0 and 2.28.0 are both in the ranges of GHSA-9wx4-h78v-vm56 and
    PYSEC-2023-74 (the fixture's real records), so each has a second page.
    """
    with ApiServer(osv_page=1) as server:
        server.fault("/v1/querybatch", "status", code=400, times=1, after=1)
        comps = [
            _comp("r27", "pkg:pypi/requests@2.27.0"),
            _comp("r28", "pkg:pypi/requests@2.28.0"),
            _comp("six", "pkg:pypi/six@1.16.0"),
        ]
        facts = collect(comps, config(server.url, tmp_path), now=NOW).facts
        pages = _bodies(server, "/v1/querybatch")
    both = ["GHSA-9wx4-h78v-vm56", "PYSEC-2023-74"]
    assert [v.id for v in facts["r27"].vulns or ()] == both
    assert [v.id for v in facts["r28"].vulns or ()] == both
    assert facts["six"].vulns == ()
    # page 1 of all three; page 2 of both, rejected; then page 2 of each alone
    asked = [[q.get("page_token", "") for q in b["queries"]] for b in pages]
    assert asked == [["", "", ""], ["page:1", "page:1"], ["page:1"], ["page:1"]]


def test_osv_batches_hold_at_most_1000_queries(tmp_path):
    comps = [_comp(f"c{i}", f"pkg:pypi/synth-{i}@1.0.0") for i in range(1001)]
    with ApiServer(synthetic=True) as server:
        result = collect(comps, config(server.url, tmp_path, osv_batch=5000), now=NOW)
        sizes = sorted(len(b["queries"]) for b in _bodies(server, "/v1/querybatch"))
    assert sizes == [1, 1000]
    assert all(f.ok("osv") for f in result.facts.values())


def test_osv_400_splits_the_batch_and_isolates_the_bad_query(server, tmp_path):
    """One query OSV cannot parse makes it reject the whole batch: the others still get answers."""
    good = [Target(f"pkg:pypi/synth-{i}@1.0", "pypi", None, f"synth-{i}", "1.0") for i in range(6)]
    bad = Target("pkg:pypi/@1.0", "pypi", None, "", "1.0")  # "invalid query": no name
    cfg = config(server.url, tmp_path)

    async def run():
        async with HttpClient(cfg) as client:
            fetcher = Fetcher(cfg, None, client)
            return await OsvSource(server.url).gather([*good[:3], bad, *good[3:]], fetcher)

    import asyncio

    out = asyncio.run(run())
    assert all(out[t.key].status.status == "ok" for t in good)
    assert out[bad.key].status.status == "error"
    assert out[bad.key].status.reason == "OSV rejected the query (HTTP 400)"
    assert server.count("/v1/querybatch") <= 1 + 2 * 3  # log2(7) levels of halves


def test_osv_batch_timeout_fits_its_35_second_limit(server, tmp_path):
    """A querybatch may take 35 s at OSV: it gets 40 s even with --timeout 10."""
    cfg = config(server.url, tmp_path, timeout=0.2)
    server.fault("/v1/querybatch", "timeout", delay=0.5, times=1)
    facts = collect(components("requests"), cfg, now=NOW).facts["requests"]
    assert facts.ok("osv") and server.count("/v1/querybatch") == 1


# ---- identities per service -------------------------------------------------------------
def test_each_service_gets_the_identity_it_expects(server, tmp_path):
    comps = [
        _comp("zope", "pkg:pypi/zope.interface@6.1", "zope.interface"),
        _comp("te", "pkg:pypi/typing-extensions@4.9.0", "typing_extensions"),
    ]
    result = collect(comps, config(server.url, tmp_path), now=NOW)
    # ecosyste.ms stores PyPI's own spelling and matches it exactly
    (bulk,) = _bodies(server, "/api/v1/packages/bulk_lookup")
    assert bulk["ecosystem"] == "pypi"
    assert {"zope.interface", "typing_extensions"} <= set(bulk["names"])
    assert result.facts["zope"].ok("ecosyste.ms") and result.facts["te"].ok("ecosyste.ms")
    assert result.facts["zope"].repository == "github.com/zopefoundation/zope.interface"
    # deps.dev and OSV take the PEP 503 form
    (vb,) = _bodies(server, "/v3alpha/versionbatch")
    names = {r["versionKey"]["name"] for r in vb["requests"]}
    assert names == {"zope-interface", "typing-extensions"}
    (qb,) = _bodies(server, "/v1/querybatch")
    assert {q["package"]["purl"] for q in qb["queries"]} == {
        "pkg:pypi/zope-interface",
        "pkg:pypi/typing-extensions",
    }
    assert result.facts["zope"].ok("deps.dev")


def test_depsdev_names_with_a_slash_are_percent_encoded(tmp_path):
    """deps.dev routes on ``/``: a Go module path must travel as %2F (v3 fallback)."""
    with ApiServer(batch=False) as server:
        server.data["depsdev"]["/v3/systems/GO/packages/github.com/x/y/versions/v1.0.0"] = {
            "versionKey": {"system": "GO", "name": "github.com/x/y", "version": "v1.0.0"},
            "publishedAt": "2024-01-01T00:00:00Z",
        }
        comps = [_comp("go", "pkg:golang/github.com/x/y@v1.0.0")]
        facts = collect(comps, config(server.url, tmp_path), now=NOW).facts["go"]
        raw = [r.raw_path for r in server.requests if r.raw_path.startswith("/v3/")]
    assert "/v3/systems/GO/packages/github.com%2Fx%2Fy/versions/v1.0.0" in raw
    assert facts.published_at == "2024-01-01T00:00:00Z"


# ---- deps.dev ---------------------------------------------------------------------------
def test_rubygems_are_asked_at_depsdev(server, tmp_path):
    facts = collect([_comp("rack", "pkg:gem/rack@3.0.8")], config(server.url, tmp_path), now=NOW)
    rack = facts.facts["rack"]
    assert rack.ok("deps.dev") and rack.published_at == "2023-06-14T00:00:00Z"
    assert rack.licences == ("MIT",) and rack.latest_version == "3.1.0"
    (vb,) = _bodies(server, "/v3alpha/versionbatch")
    assert vb["requests"][0]["versionKey"]["system"] == "RUBYGEMS"


def test_depsdev_project_status_is_read(server, tmp_path):
    comps = [_comp("zope", "pkg:pypi/zope.interface@6.1", "zope.interface")]
    facts = collect(comps, config(server.url, tmp_path), now=NOW).facts["zope"]
    assert facts.status == "archived" and facts.origin("status") == "deps.dev"
    reasons = {r.code: r for r in score_maintenance(facts, now=NOW).reasons}
    assert reasons["MT-UNMAINTAINED"].source == "deps.dev"


def test_depsdev_batches_follow_pages(tmp_path):
    comps = [_comp(f"c{i}", f"pkg:pypi/synth-{i}@1.0.0") for i in range(5)]
    with ApiServer(synthetic=True, depsdev_page=2) as server:
        result = collect(comps, config(server.url, tmp_path), now=NOW)
        assert server.count("/v3alpha/versionbatch") == 3  # 2 + 2 + 1
        tokens = [b.get("pageToken") for b in _bodies(server, "/v3alpha/versionbatch")]
    assert tokens == [None, "page:2", "page:4"]
    assert all(f.published_at == "2024-01-01T00:00:00Z" for f in result.facts.values())


# ---- ecosyste.ms ------------------------------------------------------------------------
def test_ecosystems_unknown_package_is_200_empty_list(tmp_path):
    with ApiServer(batch=False) as server:
        facts = collect(components("ghost"), config(server.url, tmp_path), now=NOW).facts
        assert server.count("/api/v1/packages/lookup") == 1
    status = facts["ghost"].status_of("ecosyste.ms")
    assert status.status == "not-found" and status.reason == "unknown package (empty lookup)"


def test_ecosystems_bulk_answers_are_matched_back_not_read_in_order(server, tmp_path):
    result = collect(
        components("requests", "six", "left-pad"), config(server.url, tmp_path), now=NOW
    )
    assert result.facts["requests"].dependents == 61234
    assert result.facts["six"].repository == "github.com/benjaminp/six"
    assert result.facts["left-pad"].deprecated is True
    assert server.count("/api/v1/packages/bulk_lookup") == 2  # PyPI by names, npm by purls


def test_ecosystems_bulk_takes_at_most_100_purls(tmp_path):
    comps = [_comp(f"n{i}", f"pkg:npm/nothing-{i}@1.0.0") for i in range(250)]
    with ApiServer() as server:
        collect(comps, config(server.url, tmp_path), now=NOW)
        sizes = sorted(len(b["purls"]) for b in _bodies(server, "/api/v1/packages/bulk_lookup"))
    assert sizes == [50, 100, 100]


def test_maven_prefers_the_default_registry(server, tmp_path):
    facts = collect(components("oldlib"), config(server.url, tmp_path), now=NOW).facts["oldlib"]
    # the mirror, listed first, has other counts; the default registry is repo1.maven.org
    default = json.loads((FIXTURES / "ecosystems.json").read_text())[
        "pkg:maven/org.example/oldlib"
    ][1]
    assert default["registry"] == {"name": "repo1.maven.org", "ecosystem": "maven", "default": True}
    assert facts.dependents == default["dependent_packages_count"] != 0
    assert facts.maintainers == len(default["maintainers"])


@pytest.mark.parametrize(
    ("status", "code"),
    [
        ("unpublished", "MT-REMOVED"),
        ("retracted", "MT-REMOVED"),
        ("quarantined", "MT-REMOVED"),
        ("abandoned", "MT-UNMAINTAINED"),
        ("archived", "MT-UNMAINTAINED"),
        ("unlisted", "MT-DEPRECATED"),
    ],
)
def test_real_registry_statuses_are_scored(server, tmp_path, status, code):
    server.data["ecosystems"]["pkg:pypi/six"][0]["status"] = status
    facts = collect(components("six"), config(server.url, tmp_path), now=NOW).facts["six"]
    assert facts.status == status
    assert code in {r.code for r in score_maintenance(facts, now=NOW).reasons}


# ---- dates ------------------------------------------------------------------------------
def test_dates_from_two_services_are_compared_as_dates():
    """13:30 at -01:00 is later than 14:00 UTC of the day before? No: it is 14:30 UTC."""
    target = Target("pkg:pypi/x@1", "pypi", None, "x", "1")
    parts = {
        "deps.dev": SourceData(
            SourceStatus("deps.dev", "ok"), {"first_published_at": "2011-02-14T14:00:00Z"}
        ),
        "ecosyste.ms": SourceData(
            SourceStatus("ecosyste.ms", "ok"),
            {"first_published_at": "2011-02-14T13:30:00.000-01:00"},
        ),
    }
    facts = merge(target, parts, [p.status for p in parts.values()])  # type: ignore[arg-type]
    assert facts.first_published_at == "2011-02-14T14:00:00Z"
    assert facts.origin("first_published_at") == "deps.dev"


def test_fixtures_name_their_sources():
    for name in ("depsdev", "ecosystems", "osv", "scorecard"):
        data = json.loads((FIXTURES / f"{name}.json").read_text())
        assert len(data["$source"]) > 40
    assert (FIXTURES / "SOURCES.md").is_file()


def test_ecosystems_requests_stay_within_the_run_budget(server, tmp_path):
    """ecosyste.ms allows 5,000 requests per hour per IP: a run stops at its budget, saying so."""
    comps = [_comp(f"n{i}", f"pkg:npm/nothing-{i}@1.0.0") for i in range(250)]
    with ApiServer() as eco:
        cfg = config(server.url, tmp_path, ecosystems_url=eco.url, ecosystems_budget=2)
        result = collect(comps, cfg, now=NOW)
        assert eco.count("/api/v1/packages/bulk_lookup") == 2
    refused = [
        f.status_of("ecosyste.ms")
        for f in result.facts.values()
        if f.status_of("ecosyste.ms").status == "error"
    ]
    assert len(refused) == 50  # the third bulk call (50 packages) was not sent
    assert "request budget of 2 per run" in refused[0].reason
    assert all(f.status_of("osv").status == "ok" for f in result.facts.values())


def test_the_ecosystems_budget_counts_its_requests_only_on_a_shared_mirror(server, tmp_path):
    """One mirror host fronting all four services: OSV and deps.dev are not held back."""
    comps = [_comp(f"n{i}", f"pkg:npm/nothing-{i}@1.0.0") for i in range(250)]
    cfg = config(server.url, tmp_path, ecosystems_budget=2)  # all four at one URL
    result = collect(comps, cfg, now=NOW)
    assert server.count("/api/v1/packages/bulk_lookup") == 2
    assert server.count("/v1/querybatch") == 1 and server.count("/v3alpha/versionbatch") == 1
    assert all(f.status_of("osv").status == "ok" for f in result.facts.values())
    assert all(f.status_of("deps.dev").status != "error" for f in result.facts.values())


def test_cadence_from_the_ecosystems_release_count_where_depsdev_has_no_list(server, tmp_path):
    """Composer is not at deps.dev: the interval comes from ecosyste.ms' count and span."""
    server.data["ecosystems"]["pkg:composer/acme/mailer"] = [
        {
            "name": "acme/mailer",
            "ecosystem": "packagist",
            "purl": "pkg:composer/acme/mailer",
            "versions_count": 11,
            "first_release_published_at": "2015-01-01T00:00:00.000Z",
            "latest_release_published_at": "2020-01-01T00:00:00.000Z",
            "registry": {"name": "packagist.org", "ecosystem": "packagist", "default": True},
        }
    ]
    comps = [_comp("mailer", "pkg:composer/acme/mailer@1.0.0")]
    facts = collect(comps, config(server.url, tmp_path), now=NOW).facts["mailer"]
    assert facts.versions_count == 11 and facts.releases == ()
    stale = {r.code: r for r in score_maintenance(facts, now=NOW).reasons}["MT-STALE"]
    assert "mean interval 182 days over 11 releases (ecosyste.ms)" in stale.message
