"""The one osaudit comment on a pull request, through GitHub's REST API.

Endpoints (docs.github.com/en/rest/issues/comments, API version 2022-11-28):
list ``GET /repos/{owner}/{repo}/issues/{n}/comments`` (``per_page`` <= 100,
``page``), create ``POST /repos/{owner}/{repo}/issues/{n}/comments`` (201), update
``PATCH /repos/{owner}/{repo}/issues/comments/{id}`` (200). The comment carries a
hidden marker; later runs update that comment instead of adding one.

A failure of the API is never the policy's failure: it is returned as a sentence
(a fork's read-only token gets ``403 Resource not accessible by integration``) for
the caller to print as a ``::warning::``. The token only ever goes into the
``Authorization`` header; pages are fetched by number from the configured API,
never by following a URL from an answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx

API_VERSION = "2022-11-28"
PER_PAGE = 100
MAX_PAGES = 20  # at most 2,000 comments scanned
BOT_LOGIN = "github-actions[bot]"
_REPO = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")


def marker(name: str = "") -> str:
    """The hidden marker of the comment; one per artifact name (one per matrix job)."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "-", name)[:100]
    return f"<!-- osaudit:pr-comment{' ' + safe if safe and safe != 'osaudit-report' else ''} -->"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened: ``posted``/``updated``, or ``failed`` with the reason."""

    action: str
    detail: str = ""


def _why(resp: httpx.Response) -> str:
    try:
        data: Any = resp.json()
    except ValueError:
        data = None
    message = data.get("message") if isinstance(data, dict) else None
    text = f"GitHub answered {resp.status_code}"
    if isinstance(message, str) and message:
        text += f" ({message[:200]})"
    if resp.status_code == 403:
        text += ("; a pull request from a fork gets a read-only token, and the job needs "
                 "`pull-requests: write` to comment")
    return text


def _pick(comments: list[Any], mark: str) -> int | None:
    """The id of our comment: marker first in the body, the Actions bot's preferred."""
    ours = [c for c in comments if isinstance(c, dict) and isinstance(c.get("id"), int)
            and str(c.get("body") or "").startswith(mark)]
    by_bot = [c for c in ours if (c.get("user") or {}).get("login") == BOT_LOGIN]
    chosen = by_bot or ours
    return int(chosen[0]["id"]) if chosen else None


def upsert(api: str, repo: str, number: int, token: str, body: str, mark: str,
           timeout: float = 30.0) -> Outcome:
    """Create or update the comment that starts with ``mark`` on issue/PR ``number``."""
    if not _REPO.fullmatch(repo):
        return Outcome("failed", f"GITHUB_REPOSITORY {repo!r} is not owner/name")
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json",
               "X-GitHub-Api-Version": API_VERSION, "User-Agent": "osaudit-action"}
    try:
        with httpx.Client(base_url=api.rstrip("/"), headers=headers, timeout=timeout,
                          follow_redirects=False) as client:
            existing = None
            for page in range(1, MAX_PAGES + 1):
                resp = client.get(f"/repos/{repo}/issues/{number}/comments",
                                  params={"per_page": PER_PAGE, "page": page})
                if resp.status_code != 200:
                    return Outcome("failed", f"listing the comments: {_why(resp)}")
                batch = resp.json()
                if not isinstance(batch, list):
                    return Outcome("failed", "listing the comments: the answer is not a list")
                existing = _pick(batch, mark)
                if existing is not None or len(batch) < PER_PAGE:
                    break
            if existing is not None:
                resp = client.patch(f"/repos/{repo}/issues/comments/{existing}", json={"body": body})
                if resp.status_code == 200:
                    return Outcome("updated")
                if resp.status_code not in (403, 404):
                    return Outcome("failed", f"updating comment {existing}: {_why(resp)}")
                # not ours to edit (or gone): post a new one below
            resp = client.post(f"/repos/{repo}/issues/{number}/comments", json={"body": body})
            if resp.status_code == 201:
                return Outcome("posted")
            return Outcome("failed", f"posting the comment: {_why(resp)}")
    except httpx.HTTPError as exc:
        return Outcome("failed", f"cannot reach the GitHub API: {type(exc).__name__}")
    except ValueError:
        return Outcome("failed", "listing the comments: the answer is not JSON")
