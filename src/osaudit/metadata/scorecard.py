"""OpenSSF Scorecard API (``GET /projects/{platform}/{owner}/{repo}``), asked only
for repositories deps.dev has no Scorecard for.

Repository URLs come from deps.dev or ecosyste.ms, never from the SBOM, and
are reduced to ``github.com/owner/repo`` or ``gitlab.com/owner/repo`` then
rebuilt from those parts; anything else is ignored.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from osaudit.metadata.fetch import Fetcher, internal_error
from osaudit.metadata.interface import Scorecard, SourceData, SourceName, SourceStatus, Target

_HOSTS = ("github.com", "gitlab.com")
_PART = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
_REPO = re.compile(
    r"^(?:(?:git\+)?(?:https?|git|ssh)://)?(?:[^@/]+@)?(?:www\.)?"
    r"(?P<host>github\.com|gitlab\.com)[:/](?P<owner>[^/]+)/(?P<repo>[^/#?]+)",
    re.IGNORECASE,
)


@lru_cache(maxsize=65536)  # each repository is named by several links and services
def parse_repo(text: str | None) -> str | None:
    """``host/owner/repo`` for a GitHub or GitLab repository reference, else None."""
    if not text:
        return None
    m = _REPO.match(text.strip())
    if m is None:
        return None
    host = m.group("host").lower()
    owner = m.group("owner")
    repo = m.group("repo")
    if repo.endswith(".git"):
        repo = repo[:-4]
    if host not in _HOSTS or not _PART.match(owner) or not _PART.match(repo):
        return None
    if owner in (".", "..") or repo in (".", ".."):
        return None
    rest = text.strip()[m.end() :].split("?", 1)[0].split("#", 1)[0].strip("/")
    if host == "gitlab.com" and rest and not rest.startswith("-"):
        return None  # a nested group (gitlab.com/group/sub/project): not an owner/repo shape
    return f"{host}/{owner}/{repo}"


def scorecard_url(base: str, repo: str) -> str:
    host, owner, name = repo.split("/")
    return f"{base}/projects/{host}/{quote(owner, safe='')}/{quote(name, safe='')}"


def _checks(data: Any) -> list[dict[str, Any]]:
    checks = data.get("checks") if isinstance(data, dict) else None
    return [c for c in checks if isinstance(c, dict)] if isinstance(checks, list) else []


def maintained_check(checks: list[dict[str, Any]]) -> tuple[int | None, bool]:
    """(Maintained score or None when absent/inconclusive, repository archived)."""
    for check in checks:
        if check.get("name") == "Maintained":
            score = check.get("score")
            reason = str(check.get("reason") or "").lower()
            archived = "archived" in reason
            if isinstance(score, int | float) and score >= 0:
                return int(score), archived
            return None, archived
    return None, False


def parse_scorecard(data: Any, repo: str, *, retrieved: str | None) -> Scorecard | None:
    """A :class:`Scorecard` from the Scorecard API body."""
    if not isinstance(data, dict):
        return None
    score = data.get("score")
    maintained, _ = maintained_check(_checks(data))
    date = data.get("date")
    return Scorecard(
        repository=repo,
        overall=float(score) if isinstance(score, int | float) and score >= 0 else None,
        maintained=maintained,
        date=str(date)[:10] if date else None,
        source="scorecard",
        retrieved=retrieved,
    )


class ScorecardSource:
    """Scorecard API for targets whose repository is known (``repos`` by key)."""

    name: SourceName = "scorecard"

    def __init__(self, base: str, repos: dict[str, str]) -> None:
        self.base = base
        self.repos = repos

    def supports(self, target: Target) -> bool:
        return target.key in self.repos

    async def gather(self, targets: Sequence[Target], fetcher: Fetcher) -> dict[str, SourceData]:
        async def one(target: Target) -> tuple[str, SourceData]:
            repo = self.repos[target.key]
            got = await fetcher.get("scorecard", repo, scorecard_url(self.base, repo))
            fetcher.advance()
            if got.status != "ok":
                reason = got.reason
                if got.status == "not-found":
                    reason = f"{repo} not in the Scorecard dataset (HTTP 404)"
                return target.key, SourceData(
                    SourceStatus("scorecard", got.status, reason, got.date)
                )
            try:
                card = parse_scorecard(got.data, repo, retrieved=got.date)
                _, archived = maintained_check(_checks(got.data))
            except Exception as exc:  # one package's surprise never fails the run
                return target.key, SourceData(
                    SourceStatus("scorecard", "error", internal_error(exc), got.date)
                )
            fields: dict[str, object] = {"scorecard": card}
            if archived:
                fields["archived"] = True
            return target.key, SourceData(SourceStatus("scorecard", "ok", "", got.date), fields)

        pairs = await asyncio.gather(*(one(t) for t in targets if self.supports(t)))
        return dict(pairs)
