"""Injected faults: retries, backoff, Retry-After, circuit breaker, and clean degradation."""

from __future__ import annotations

import asyncio
import random
import time

import pytest

from osaudit import model
from osaudit.metadata.collect import UNREACHABLE, collect
from osaudit.metadata.http import FetchError, HttpClient, parse_retry_after
from osaudit.scoring.maintenance import score_maintenance
from tests.apiserver import NOW, ApiServer, LoopbackGuard, closed_port_url, components, config

VERSION = "/v3/systems/PYPI/packages/requests/versions/2.31.0"


@pytest.fixture()
def server():
    with ApiServer() as srv:
        yield srv


@pytest.fixture(autouse=True)
def guard(monkeypatch):
    g = LoopbackGuard(monkeypatch)
    yield g
    assert g.blocked == []


def _get(cfg, url):
    async def run():
        async with HttpClient(cfg) as client:
            try:
                return await client.request("GET", url), client
            except FetchError as exc:
                return exc, client

    return asyncio.run(run())


def test_transient_500_is_retried_with_seeded_backoff(server, tmp_path):
    server.fault(VERSION, "status", code=500, times=2)
    cfg = config(server.url, tmp_path)
    resp, client = _get(cfg, server.url + VERSION)
    assert resp.status == 200
    assert server.count(VERSION) == 3
    rng = random.Random(cfg.jitter_seed)
    expected = [
        min(cfg.backoff_cap, cfg.backoff_base * 2**n) * rng.uniform(0.5, 1.0) for n in range(2)
    ]
    assert client.delays == pytest.approx(expected)


def test_retries_stop_after_max_and_name_the_cause(server, tmp_path):
    server.fault(VERSION, "status", code=503)
    resp, client = _get(config(server.url, tmp_path, max_retries=2), server.url + VERSION)
    assert isinstance(resp, FetchError)
    assert resp.reason == "HTTP 503 after 3 attempts"
    assert server.count(VERSION) == 3 and len(client.delays) == 2


def test_429_retry_after_is_honoured(server, tmp_path):
    server.fault(VERSION, "status", code=429, retry_after="1", times=1)
    resp, client = _get(config(server.url, tmp_path), server.url + VERSION)
    assert resp.status == 200
    first, second = [r.at for r in server.requests if r.path == VERSION]
    assert second - first >= 0.95
    assert client.delays == [1.0]


def test_retry_after_too_long_gives_up_at_once(server, tmp_path):
    server.fault(VERSION, "status", code=503, retry_after="3600")
    resp, _ = _get(config(server.url, tmp_path), server.url + VERSION)
    assert isinstance(resp, FetchError) and "Retry-After 3600" in resp.reason
    assert server.count(VERSION) == 1


def test_parse_retry_after_http_date():
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert parse_retry_after("soon") is None and parse_retry_after("5") == 5.0


def test_reset_and_truncated_are_retried(server, tmp_path):
    server.fault("/v1/querybatch", "reset", times=2)
    server.fault("/v3alpha/versionbatch", "truncated", times=1)
    result = collect(components("requests"), config(server.url, tmp_path), now=NOW)
    facts = result.facts["requests"]
    assert server.count("/v1/querybatch") == 3 and server.count("/v3alpha/versionbatch") == 2
    assert facts.ok("osv") and facts.vulns and facts.published_at
    assert "MT-PARTIAL" not in {r.code for r in score_maintenance(facts, now=NOW).reasons}


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("nonjson", "invalid JSON in response"),
        ("wrongtype", "unexpected content type 'text/html' (not JSON)"),
        ("reset", "connection reset or truncated response"),
        ("truncated", "connection reset or truncated response"),
        ("timeout", "timeout after 0.5 s"),
    ],
)
def test_persistent_fault_on_one_source_gives_partial_data(server, tmp_path, kind, reason):
    server.fault("/api/v1/packages/", kind, delay=1.5)
    cfg = config(server.url, tmp_path, timeout=0.5, max_retries=1)
    result = collect(components("requests", "six"), cfg, now=NOW)
    for ref in ("requests", "six"):
        facts = result.facts[ref]
        status = facts.status_of("ecosyste.ms")
        assert status.status == "error" and status.reason.startswith(reason)
        assert facts.ok("deps.dev") and facts.ok("osv")
        axis = score_maintenance(facts, now=NOW)
        assert axis.level != "unknown"
        partial = [r for r in axis.reasons if r.code == "MT-PARTIAL"]
        assert partial and "ecosyste.ms" in partial[0].message
    assert result.stats.failures >= 1  # one bulk call for both packages
    # non-JSON answers are not retried, transport faults are; both packages share one bulk call
    expected = 1 if kind in ("nonjson", "wrongtype") else 2
    assert server.count("/api/v1/packages/bulk_lookup") == expected
    assert server.count("/api/v1/packages/lookup") == 0  # a failure is not a missing endpoint


def test_all_sources_failing_makes_the_component_unknown(server, tmp_path):
    server.fault("/", "status", code=500)
    result = collect(components("requests"), config(server.url, tmp_path, max_retries=0), now=NOW)
    axis = score_maintenance(result.facts["requests"], now=NOW)
    assert axis.level == "unknown" and axis.score is None
    assert axis.reasons[0].code == "MT-NO-DATA" and "HTTP 500" in axis.reasons[0].message


def test_one_component_failing_does_not_fail_the_run(tmp_path):
    """Without the batch endpoints (a v3-only mirror) each package is asked on its own."""
    with ApiServer(batch=False) as server:
        server.fault("left-pad", "status", code=500)
        result = collect(components(), config(server.url, tmp_path, max_retries=0), now=NOW)
    assert score_maintenance(result.facts["requests"], now=NOW).level != "unknown"
    lp = result.facts["left-pad"]
    assert lp.status_of("deps.dev").status == "error"
    assert lp.ok("osv")  # the querybatch path does not name the package
    axis = score_maintenance(lp, now=NOW)  # "no vulnerability" alone is not maintenance data
    assert axis.level == "unknown" and axis.reasons[0].code == "MT-NO-DATA"


def test_circuit_breaker_on_unreachable_network(tmp_path):
    url = closed_port_url()
    comps = [
        model.Component(ref=f"c{i}", name=f"p{i}", purl=f"pkg:pypi/p{i}@1.0") for i in range(200)
    ]
    cfg = config(url, tmp_path, breaker_threshold=3, backoff_base=0.2)
    started = time.monotonic()
    result = collect(comps, cfg, now=NOW)
    elapsed = time.monotonic() - started
    assert len(result.facts) == 200
    assert result.stats.requests <= 2 * cfg.concurrency  # not 200 x 4 sources x 4 attempts
    for facts in result.facts.values():
        axis = score_maintenance(facts, now=NOW)
        assert axis.level == "unknown" and axis.reasons[0].code == "MT-UNREACHABLE"
    assert any("circuit open" in w for w in result.warnings)
    assert UNREACHABLE in result.warnings  # one warning with the way out, not 200
    assert elapsed < 30  # sanity bound only; the benchmark measures speed


def test_unreachable_line_names_the_way_out_and_only_when_nothing_answered(server, tmp_path, capsys):
    cfg = config(closed_port_url(), tmp_path, quiet=False, breaker_threshold=3)
    collect(components("requests", "six"), cfg, now=NOW)
    lines = [x for x in capsys.readouterr().err.splitlines() if "could be reached" in x]
    assert len(lines) == 1 and "--offline" in lines[0] and "OSAUDIT_OSV_URL" in lines[0]
    # one service down, the others answering: no such warning
    cfg = config(server.url, tmp_path, scorecard_url=closed_port_url(), refresh=True)
    assert UNREACHABLE not in collect(components("oldlib"), cfg, now=NOW).warnings


def test_odd_json_shapes_do_not_fail_the_run(server, tmp_path):
    server.data["depsdev"][VERSION] = ["not", "an", "object"]
    server.data["depsdev"]["/v3/systems/PYPI/packages/requests"] = {"versions": [7, {"x": 1}]}
    server.data["ecosystems"]["pkg:pypi/requests"] = [
        {
            "name": "requests",
            "ecosystem": "pypi",
            "purl": "pkg:pypi/requests",
            "maintainers": "many",
            "critical": "yes",
            "dependent_packages_count": -3,
        }
    ]
    server.data["osv"]["vulns"]["GHSA-9wx4-h78v-vm56"] = {"affected": "everything"}
    result = collect(components("requests", "six"), config(server.url, tmp_path), now=NOW)
    facts = result.facts["requests"]
    assert facts.ok("deps.dev") and facts.ok("ecosyste.ms")
    assert facts.releases == () and facts.maintainers is None and facts.dependents is None
    assert facts.vulns is not None and facts.vulns[0].fixed == ()
    assert score_maintenance(facts, now=NOW).level != "unknown"
    assert result.facts["six"].ok("deps.dev")


def _many(cfg, urls):
    async def run():
        async with HttpClient(cfg) as client:
            return await asyncio.gather(*(client.request("GET", u) for u in urls))

    return asyncio.run(run())


def test_per_host_rate_limit_spaces_requests(server, tmp_path):
    cfg = config(server.url, tmp_path, rate_per_host=5.0)
    _many(cfg, [server.url + VERSION] * 6)
    times = sorted(r.at for r in server.requests)
    # 6 starts 1/5 s apart span 1 s; unthrottled they span ~0. The server sees arrivals, and on
    # a loaded runner the first one (new connection) can land late: allow one interval of jitter.
    assert times[-1] - times[0] >= 4 / 5


def test_concurrency_is_bounded(tmp_path):
    with ApiServer(latency=0.2) as srv:
        cfg = config(srv.url, tmp_path, concurrency=2)
        started = time.monotonic()
        answers = _many(cfg, [srv.url + VERSION] * 6)
        elapsed = time.monotonic() - started
        assert [a.status for a in answers] == [200] * 6
        assert elapsed >= 3 * 0.2 * 0.9  # 6 requests, 2 at a time, 0.2 s each
        starts = sorted(r.at for r in srv.requests)
        # never more than 2 requests within one latency window
        assert all(b - a >= 0.15 for a, b in zip(starts, starts[2:], strict=False))


# ---- issue 16 item 2: deadlines, body cap, retry budget per run -------------------------
def test_a_body_trickling_forever_ends_at_the_request_deadline(server, tmp_path):
    """1 byte every 0.1 s never trips a read timeout; the per-request deadline ends it."""
    server.fault(VERSION, "trickle", delay=0.1)
    cfg = config(server.url, tmp_path, timeout=1.0, max_retries=0)
    started = time.monotonic()
    resp, _client = _get(cfg, server.url + VERSION)
    assert isinstance(resp, FetchError) and resp.reason.startswith("timeout after 1 s")
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("kind", ["endless", "gzipbomb"])
def test_a_body_beyond_the_cap_is_refused_as_it_arrives(server, tmp_path, kind):
    """A never-ending chunked body, and 64 MiB inflated from a small gzip, against a 1 MiB cap."""
    server.fault(VERSION, kind, size=64 * 1024 * 1024)
    cfg = config(server.url, tmp_path, max_body=1024 * 1024, max_retries=0)
    resp, client = _get(cfg, server.url + VERSION)
    assert isinstance(resp, FetchError)
    assert resp.reason == "response larger than 1 MiB (decoded); refused"
    assert client.bytes == 0  # nothing of it was kept


def test_a_refused_body_degrades_to_unknown_with_the_reason(server, tmp_path):
    server.fault("/v3alpha/versionbatch", "endless")
    cfg = config(server.url, tmp_path, max_body=1024 * 1024, max_retries=0)
    facts = collect(components("requests"), cfg, now=NOW).facts["requests"]
    assert facts.ok("deps.dev")  # the package list still came through purlbatch
    assert "version look-up failed: response larger than 1 MiB" in facts.status_of("deps.dev").reason


def test_retry_after_is_budgeted_per_run_not_per_attempt(server, tmp_path):
    """Three requests each told ``Retry-After: 1`` three times: 9 s unbudgeted, here <= 1.5 s."""
    server.fault(VERSION, "status", code=429, retry_after="1")
    cfg = config(server.url, tmp_path, max_retries=3, retry_budget=1.5)

    async def run():
        async with HttpClient(cfg) as client:
            return await asyncio.gather(
                *(client.request("GET", server.url + VERSION) for _ in range(3)),
                return_exceptions=True,
            ), client

    started = time.monotonic()
    answers, client = asyncio.run(run())
    elapsed = time.monotonic() - started
    assert all(isinstance(a, FetchError) for a in answers)
    assert any("retry budget of 1.5 s per run spent" in a.reason for a in answers)
    assert sum(client.delays) <= 1.5 and elapsed < 2.5


def test_the_run_deadline_stops_later_requests(tmp_path):
    with ApiServer(latency=0.3) as srv:
        cfg = config(srv.url, tmp_path, concurrency=1, run_deadline=0.5)
        answers = _many_tolerant(cfg, [srv.url + VERSION] * 5)
    assert isinstance(answers[0], object) and not isinstance(answers[0], FetchError)
    late = [a for a in answers if isinstance(a, FetchError)]
    assert late and all("run deadline of 0.5 s" in a.reason or "timeout" in a.reason for a in late)
    assert sum(1 for a in answers if not isinstance(a, FetchError)) <= 2


def _many_tolerant(cfg, urls):
    async def run():
        async with HttpClient(cfg) as client:
            return await asyncio.gather(
                *(client.request("GET", u) for u in urls), return_exceptions=True
            )

    return asyncio.run(run())
