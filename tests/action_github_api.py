"""A GitHub REST API stand-in for issue comments, served on 127.0.0.1.

Built from GitHub's published REST reference, "REST API endpoints for issue
comments" (https://docs.github.com/en/rest/issues/comments, API version
2022-11-28):

- ``GET /repos/{owner}/{repo}/issues/{issue_number}/comments``: ``per_page``
  (default 30, max 100) and ``page``; 200 with an array of comment objects and a
  ``Link`` header (``rel="next"``, ``rel="last"``) when there are more pages;
- ``POST /repos/{owner}/{repo}/issues/{issue_number}/comments`` with ``{"body"}``:
  201 with the comment; 422 "Validation Failed" when the body is missing or longer
  than 65,536 characters;
- ``PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}`` with ``{"body"}``:
  200 with the comment; 404 when there is no such comment.

Error bodies have GitHub's shape ``{"message", "documentation_url", "status"}``.
A read-only token (what a pull request from a fork gets, ``read_only = True``) may
list but not write: 403 ``Resource not accessible by integration``, the answer
GitHub gives (for instance github.com/microsoft/litebox/issues/905, quoting the
body with ``documentation_url`` ``…/rest/issues/comments#create-an-issue-comment``).
A wrong token gets 401 ``Bad credentials``. The comment objects carry the fields
of the documented example (id, node_id, url, html_url, body, user, created_at,
updated_at, issue_url, author_association).
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

DOCS = "https://docs.github.com/rest/issues/comments"
BOT = {"login": "github-actions[bot]", "id": 41898282, "type": "Bot"}
_LIST = re.compile(r"/repos/([^/]+)/([^/]+)/issues/(\d+)/comments")
_ONE = re.compile(r"/repos/([^/]+)/([^/]+)/issues/comments/(\d+)")


@dataclass
class State:
    token: str
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # issue -> comments
    requests: list[dict[str, Any]] = field(default_factory=list)
    read_only: bool = False
    next_id: int = 1_000

    def comment(self, repo: str, number: int, body: str, user: dict[str, Any] | None = None) -> dict[str, Any]:
        self.next_id += 1
        cid = self.next_id
        url = f"https://api.github.com/repos/{repo}"
        item = {
            "id": cid, "node_id": f"IC_kwDO{cid:08d}", "url": f"{url}/issues/comments/{cid}",
            "html_url": f"https://github.com/{repo}/pull/{number}#issuecomment-{cid}",
            "body": body, "user": dict(user or BOT), "created_at": "2026-12-01T10:00:00Z",
            "updated_at": "2026-12-01T10:00:00Z", "issue_url": f"{url}/issues/{number}",
            "author_association": "NONE" if (user or BOT)["type"] == "Bot" else "MEMBER",
        }
        self.comments.setdefault(number, []).append(item)
        return item


def _error(status: int, message: str, anchor: str, **extra: Any) -> tuple[int, dict[str, Any]]:
    return status, {"message": message, "documentation_url": f"{DOCS}#{anchor}",
                    "status": str(status), **extra}


class _Handler(BaseHTTPRequestHandler):
    state: State

    def log_message(self, *args: Any) -> None:
        pass

    def _reply(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return None

    def _handle(self, method: str) -> None:
        parts = urlsplit(self.path)
        body = self._body() if method in ("POST", "PATCH") else None
        self.state.requests.append({"method": method, "path": parts.path, "query": parse_qs(parts.query),
                                    "authorization": self.headers.get("Authorization", ""),
                                    "api_version": self.headers.get("X-GitHub-Api-Version", ""),
                                    "body": body})
        if self.headers.get("Authorization") != f"Bearer {self.state.token}":
            self._reply(401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest",
                              "status": "401"})
            return
        status, answer, headers = self._route(method, parts.path, parse_qs(parts.query), body)
        self._reply(status, answer, headers)

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[
            int, Any, dict[str, str]]:
        st = self.state
        if m := _LIST.fullmatch(path):
            repo, number = f"{m[1]}/{m[2]}", int(m[3])
            if method == "GET":
                per_page = min(int((query.get("per_page") or ["30"])[0]), 100)
                page = int((query.get("page") or ["1"])[0])
                items = st.comments.get(number, [])
                last = max(1, -(-len(items) // per_page))
                links = {}
                if page < last:
                    base = f"https://api.github.com/repositories/1/issues/{number}/comments?per_page={per_page}"
                    links["Link"] = f'<{base}&page={page + 1}>; rel="next", <{base}&page={last}>; rel="last"'
                return 200, items[(page - 1) * per_page: page * per_page], links
            if method == "POST":
                if st.read_only:
                    return (*_error(403, "Resource not accessible by integration", "create-an-issue-comment"), {})
                text = body.get("body") if isinstance(body, dict) else None
                if not isinstance(text, str) or len(text) > 65_536:
                    return (*_error(422, "Validation Failed", "create-an-issue-comment", errors=[
                        {"resource": "IssueComment", "code": "custom", "field": "body",
                         "message": "body is too long (maximum is 65536 characters)"}]), {})
                return 201, st.comment(repo, number, text), {}
        if (m := _ONE.fullmatch(path)) and method == "PATCH":
            if st.read_only:
                return (*_error(403, "Resource not accessible by integration", "update-an-issue-comment"), {})
            cid = int(m[3])
            for items in st.comments.values():
                for item in items:
                    if item["id"] == cid:
                        text = body.get("body") if isinstance(body, dict) else None
                        if not isinstance(text, str) or len(text) > 65_536:
                            return (*_error(422, "Validation Failed", "update-an-issue-comment"), {})
                        item["body"], item["updated_at"] = text, "2026-12-01T11:00:00Z"
                        return 200, item, {}
            return (*_error(404, "Not Found", "update-an-issue-comment"), {})
        return 404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest",
                     "status": "404"}, {}

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PATCH(self) -> None:
        self._handle("PATCH")


class FakeGitHub:
    """``with FakeGitHub(token) as gh:`` serves the API at ``gh.url`` until the block ends."""

    def __init__(self, token: str) -> None:
        self.state = State(token=token)
        handler = type("Handler", (_Handler,), {"state": self.state})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeGitHub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
