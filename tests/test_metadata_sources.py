"""Collecting facts from the fake deps.dev / ecosyste.ms / OSV / Scorecard server."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from osaudit import model
from osaudit.metadata.collect import collect
from osaudit.metadata.config import MetadataConfig
from osaudit.metadata.scorecard import parse_repo
from osaudit.scoring.maintenance import facts_to_json, is_fund_or_replace, score_maintenance
from tests.apiserver import NOW, ApiServer, LoopbackGuard, components, config


@pytest.fixture()
def server():
    with ApiServer() as srv:
        yield srv


@pytest.fixture()
def guard(monkeypatch):
    return LoopbackGuard(monkeypatch)


def test_good_packages_have_complete_facts(server, tmp_path, guard):
    result = collect(components(), config(server.url, tmp_path), now=NOW)
    req = result.facts["requests"]
    assert [s.status for s in req.sources] == ["ok", "ok", "ok", "skipped"]
    assert req.published_at == "2023-05-22T15:12:42Z"
    assert req.latest_version == "2.32.5"
    assert len(req.releases) == 10
    assert req.licences == ("Apache-2.0",)
    assert req.repository == "github.com/psf/requests"
    assert req.scorecard is not None and req.scorecard.overall == 6.8
    assert req.scorecard.maintained == 10 and req.scorecard.source == "deps.dev"
    assert req.maintainers == 3 and req.dependents == 61234 and req.critical is True
    assert req.first_published_at == "2011-02-14T00:00:00.000Z"  # earliest of both sources
    assert req.vulns is not None and [v.id for v in req.vulns] == ["GHSA-9wx4-h78v-vm56"]
    assert req.vulns[0].fixed == ("2.32.2",) and req.vulns[0].fixed_known
    assert req.stars == 52900 and req.oss_fuzz is True
    # every component got facts, keyed by ref
    assert sorted(result.facts) == sorted(c.ref for c in components())
    assert guard.blocked == [] and set(guard.connects) <= {"127.0.0.1"}


def test_scorecard_api_only_where_depsdev_has_none(server, tmp_path):
    result = collect(components(), config(server.url, tmp_path), now=NOW)
    asked = sorted(r.path for r in server.requests if r.path.startswith("/projects/"))
    # oldlib (GitHub, from ecosyste.ms) and widget (GitLab, from ecosyste.ms) only
    assert asked == ["/projects/github.com/example/oldlib", "/projects/gitlab.com/scope/widget"]
    old = result.facts["oldlib"]
    assert old.scorecard is not None and old.scorecard.source == "scorecard"
    assert old.scorecard.overall == 2.4 and old.scorecard.maintained == 0
    assert old.vulns is not None and old.vulns[0].fixed == () and old.vulns[0].fixed_known
    assert result.facts["requests"].status_of("scorecard").reason == "provided by deps.dev"


def test_urls_are_built_from_purl_parts_and_encoded(tmp_path):
    """The v3 per-package fallback (no batch endpoints): deps.dev needs ``/`` as ``%2F``."""
    with ApiServer(batch=False) as server:
        result = collect(components("widget", "oldlib"), config(server.url, tmp_path), now=NOW)
    assert result.facts["oldlib"].ok("deps.dev")  # widget is not in the deps.dev fixture
    raw = sorted(r.raw_path for r in server.requests)
    assert "/v3/systems/NPM/packages/%40scope%2Fwidget/versions/2.0.0" in raw
    assert "/v3/systems/MAVEN/packages/org.example%3Aoldlib/versions/0.9.0" in raw
    assert "/api/v1/packages/lookup?purl=pkg%3Anpm%2F%2540scope%2Fwidget" in raw
    # the purl qualifier (?type=jar) is not sent anywhere
    assert not any("type=jar" in unquote(unquote(p)) for p in raw)


def test_osv_uses_one_batch_and_dedupes(server, tmp_path):
    comps = components() + [
        model.Component(ref="requests-again", name="requests", purl="pkg:pypi/requests@2.31.0")
    ]
    result = collect(comps, config(server.url, tmp_path), now=NOW)
    assert server.count("/v1/querybatch") == 1
    assert server.count("/v3alpha/versionbatch") == 1 and server.count("/v3/") == 0
    assert result.facts["requests-again"] == result.facts["requests"]
    assert result.stats.packages == 7 and result.stats.components == 8
    # only the vulns found need details
    assert server.count("/v1/vulns/") == 2


def test_unknown_package_and_unsupported_components(server, tmp_path):
    comps = components("ghost") + [
        model.Component(ref="apk", name="musl", purl="pkg:apk/alpine/musl@1.2.4-r2"),
        model.Component(ref="nopurl", name="thing"),
        model.Component(ref="bad", name="bad", purl="not a purl"),
    ]
    result = collect(comps, config(server.url, tmp_path), now=NOW)
    ghost = score_maintenance(result.facts["ghost"], now=NOW)
    assert ghost.level == "unknown" and ghost.score is None
    assert ghost.reasons[0].code == "MT-NOT-FOUND"
    assert score_maintenance(result.facts["apk"], now=NOW).reasons[0].code == "MT-UNSUPPORTED"
    assert score_maintenance(result.facts["nopurl"], now=NOW).reasons[0].code == "MT-NO-PURL"
    assert "invalid purl" in result.facts["bad"].reason


def test_end_to_end_scores_and_fund_or_replace(server, tmp_path):
    result = collect(components(), config(server.url, tmp_path), now=NOW)
    axes = {ref: score_maintenance(f, now=NOW) for ref, f in result.facts.items()}
    assert axes["left-pad"].level == "critical"
    assert {r.code for r in axes["left-pad"].reasons} >= {"MT-DEPRECATED", "MT-ARCHIVED"}
    assert axes["six"].level in ("none", "low")
    assert "MT-FINISHED" in {r.code for r in axes["six"].reasons}
    assert axes["oldlib"].level == "critical"
    assert "MT-PARTIAL" in {r.code for r in axes["widget"].reasons}  # deps.dev 404
    for axis in axes.values():
        for reason in axis.reasons:
            if reason.points:
                assert reason.source in ("deps.dev", "ecosyste.ms", "osv", "scorecard")
                assert reason.date is not None
    assert is_fund_or_replace(result.facts["requests"], axes["requests"]) is None
    js = facts_to_json(result.facts["requests"])
    assert list(js) == sorted(js)
    assert js["scorecard"]["source"] == "deps.dev" and js["origins"]["dependents"] == "ecosyste.ms"


@pytest.mark.parametrize(
    ("text", "repo"),
    [
        ("github.com/psf/requests", "github.com/psf/requests"),
        ("https://github.com/psf/requests.git", "github.com/psf/requests"),
        ("git+https://github.com/stevemao/left-pad.git", "github.com/stevemao/left-pad"),
        ("git@github.com:owner/repo.git", "github.com/owner/repo"),
        ("https://www.GitHub.com/Owner/Repo/tree/main/sub", "github.com/Owner/Repo"),
        ("https://gitlab.com/scope/widget", "gitlab.com/scope/widget"),
        ("https://gitlab.com/scope/widget/-/tree/main", "gitlab.com/scope/widget"),
        ("https://gitlab.com/group/sub/project", None),
        ("https://bitbucket.org/o/r", None),
        ("https://github.com.evil.example/o/r", None),
        ("https://evil.example/github.com/o/r", None),
        ("https://github.com/o/r%2F..%2Fx", None),
        ("https://github.com/../x", None),
        ("", None),
        (None, None),
    ],
)
def test_repository_shapes(text, repo):
    assert parse_repo(text) == repo


def test_user_agent_and_no_token_sent(server, tmp_path, monkeypatch):
    token = "ghp_" + "x" * 36
    monkeypatch.setenv("GITHUB_TOKEN", token)
    for name in ("DEPSDEV", "ECOSYSTEMS", "OSV", "SCORECARD"):
        monkeypatch.setenv(f"OSAUDIT_{name}_URL", server.url)
    cfg = MetadataConfig.from_options(quiet=True, cache_dir=str(tmp_path))
    assert cfg.github_token == token
    collect(components("requests", "oldlib"), cfg, now=NOW)
    assert server.requests
    for rec in server.requests:
        headers = dict(rec.headers)
        assert headers["user-agent"].startswith("osaudit/")
        assert "authorization" not in headers  # no service needs the token: never sent
        assert token not in repr(rec)
