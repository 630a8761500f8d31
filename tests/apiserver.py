"""A fake deps.dev / ecosyste.ms / OSV / Scorecard API on 127.0.0.1 for tests and benchmarks.

It is an asyncio HTTP/1.1 server (keep-alive) running in a daemon thread. It serves the
documented response shapes from ``tests/fixtures/api/*.json``
(or, with ``synthetic=True``, generated packages named ``synth-<n>``), with an
injectable latency and faults per path, and records every request.

Faults (``server.fault(pattern, kind, ...)``; ``pattern`` is a substring of the
unquoted ``path?query``): ``timeout`` (sleep ``delay`` s before answering),
``reset`` (close the connection with a TCP RST), ``status`` (answer ``code``,
with ``Retry-After`` when ``retry_after`` is set), ``truncated`` (promise more
bytes than sent), ``nonjson`` (200 JSON content type, HTML body),
``wrongtype`` (200 ``text/html``). ``times`` limits how often a fault fires.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import socket
import struct
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from osaudit import model
from osaudit.metadata.config import MetadataConfig

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "api"


@dataclass
class Fault:
    pattern: str
    kind: str
    times: int | None = None  # None: every time
    code: int = 500
    retry_after: str | None = None
    delay: float = 5.0


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str  # unquoted path and query
    raw_path: str
    body: bytes
    at: float
    client: str
    headers: tuple[tuple[str, str], ...] = ()


def closed_port_url() -> str:
    """A loopback URL on which nothing listens (connections are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class ApiServer:
    """Start with ``with ApiServer() as srv:``; point the four base URLs at ``srv.url``."""

    def __init__(
        self, *, latency: float = 0.0, synthetic: bool = False, fixtures: Path = FIXTURES
    ) -> None:
        self.latency = latency
        self.synthetic = synthetic
        self.faults: list[Fault] = []
        self.requests: list[Recorded] = []
        self.bytes_sent = 0
        self._lock = threading.Lock()
        self.data = {
            name: json.loads((fixtures / f"{name}.json").read_text(encoding="utf-8"))
            for name in ("depsdev", "ecosystems", "osv", "scorecard")
        }
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._port = 0
        self._writers: set[asyncio.StreamWriter] = set()

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> ApiServer:
        """Serve on 127.0.0.1:<free port> from an asyncio loop in a daemon thread."""
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(loop)
            self._server = loop.run_until_complete(
                asyncio.start_server(self._connection, "127.0.0.1", 0, backlog=512)
            )
            self._port = self._server.sockets[0].getsockname()[1]
            ready.set()
            loop.run_forever()

        self._loop = loop
        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        loop = self._loop
        if loop is None:
            return

        async def shutdown() -> None:
            assert self._server is not None
            self._server.close()
            for writer in list(self._writers):
                writer.transport.abort()
            await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        loop.close()
        self._loop = None

    def __enter__(self) -> ApiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    # ------------------------------------------------------------------ control
    def fault(self, pattern: str, kind: str, **kw: Any) -> Fault:
        f = Fault(pattern, kind, **kw)
        with self._lock:
            self.faults.append(f)
        return f

    def clear(self) -> None:
        with self._lock:
            self.faults.clear()
            self.requests.clear()

    def count(self, pattern: str = "") -> int:
        with self._lock:
            return sum(1 for r in self.requests if pattern in r.path)

    def take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for f in self.faults:
                if f.pattern in path and (f.times is None or f.times > 0):
                    if f.times is not None:
                        f.times -= 1
                    return f
        return None

    def record(self, rec: Recorded) -> None:
        with self._lock:
            self.requests.append(rec)

    # ------------------------------------------------------------------ answers
    def answer(self, method: str, path: str, body: bytes) -> tuple[int, Any]:
        """(status, JSON-able body) for a request."""
        parts = urlsplit(path)
        p = unquote(parts.path)
        if method == "POST" and p == "/v1/querybatch":
            return self._querybatch(body)
        if method != "GET":
            return 405, {"error": "method not allowed"}
        if p.startswith("/v3/"):
            found = self.data["depsdev"].get(p)
            if found is None and self.synthetic:
                found = _synth_depsdev(p)
            return (200, found) if found is not None else (404, {"code": 5, "message": "not found"})
        if p == "/api/v1/packages/lookup":
            purl = parse_qs(parts.query).get("purl", [""])[0]
            found = self.data["ecosystems"].get(purl)
            if found is None and self.synthetic:
                found = _synth_ecosystems(purl)
            return (200, found) if found is not None else (404, {"error": "not found"})
        if p.startswith("/v1/vulns/"):
            vid = p[len("/v1/vulns/") :]
            found = self.data["osv"]["vulns"].get(vid)
            if found is None and self.synthetic and vid.startswith("OSV-SYNTH-"):
                found = _synth_vuln(vid)
            return (
                (200, found)
                if found is not None
                else (404, {"code": 5, "message": "Bug not found."})
            )
        if p.startswith("/projects/"):
            repo = p[len("/projects/") :]
            found = self.data["scorecard"].get(repo)
            return (
                (200, found) if found is not None else (404, {"code": 404, "message": "not found"})
            )
        return 404, {"error": "no such endpoint"}

    def _querybatch(self, body: bytes) -> tuple[int, Any]:
        try:
            queries = json.loads(body)["queries"]
        except (ValueError, KeyError, TypeError):
            return 400, {"code": 3, "message": "invalid request"}
        results = []
        for q in queries:
            pkg = q.get("package") or {}
            key = f"{pkg.get('purl')}@{q.get('version')}"
            ids = self.data["osv"]["querybatch"].get(key)
            if ids is None and self.synthetic:
                ids = _synth_osv(str(pkg.get("purl")))
            results.append(
                {"vulns": [{"id": i, "modified": "2026-01-01T00:00:00Z"} for i in ids]}
                if ids
                else {}
            )
        return 200, {"results": results}

    # ------------------------------------------------------------------ HTTP/1.1
    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        peer = writer.get_extra_info("peername")
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, _version = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    if line:
                        key, _, value = line.partition(":")
                        headers[key.strip().lower()] = value.strip()
                length = int(headers.get("content-length") or 0)
                body = await reader.readexactly(length) if length else b""
                keep = await self._request(
                    method, target, body, writer, peer[0] if peer else "", headers
                )
                if not keep or headers.get("connection", "").lower() == "close":
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            self._writers.discard(writer)
            with contextlib.suppress(Exception):
                writer.close()

    async def _request(
        self,
        method: str,
        target: str,
        body: bytes,
        writer: asyncio.StreamWriter,
        client: str,
        headers: dict[str, str],
    ) -> bool:
        """Answer one request; False when the connection must end."""
        path = unquote(target)
        rec = Recorded(
            method, path, target, body, time.monotonic(), client, tuple(sorted(headers.items()))
        )
        self.record(rec)
        if self.latency:
            await asyncio.sleep(self.latency)
        fault = self.take_fault(path)
        kind = fault.kind if fault is not None else None
        if fault is not None and kind == "timeout":
            await asyncio.sleep(fault.delay)
        if kind == "reset":
            sock = writer.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            return False
        if fault is not None and kind == "status":
            extra = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            await self._send(
                writer, fault.code, b'{"error": "injected"}', "application/json", extra
            )
            return True
        if kind == "nonjson":
            await self._send(
                writer, 200, b"<html><body>Bad gateway</body></html>", "application/json"
            )
            return True
        if kind == "wrongtype":
            await self._send(
                writer,
                200,
                b"<html><body>Please log in to the proxy</body></html>",
                "text/html; charset=utf-8",
            )
            return True
        status, payload = self.answer(method, target, body)
        data = json.dumps(payload).encode()
        if kind == "truncated":
            head = (
                f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(data) + 100}\r\n\r\n"
            )
            writer.write(head.encode() + data[: len(data) // 2])
            await writer.drain()
            writer.close()
            return False
        await self._send(writer, status, data, "application/json")
        return True

    async def _send(
        self,
        writer: asyncio.StreamWriter,
        status: int,
        data: bytes,
        ctype: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        head = (
            f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {len(data)}\r\n{extra}\r\n"
        )
        writer.write(head.encode("latin-1") + data)
        await writer.drain()
        with self._lock:
            self.bytes_sent += len(data)


# ---------------------------------------------------------------------- synthetic data
def _synth_n(name: str) -> int | None:
    if name.startswith("synth-") and name[6:].isdigit():
        return int(name[6:])
    return None


def _synth_depsdev(path: str) -> Any:
    bits = path.split("/")
    # /v3/systems/PYPI/packages/<name>[/versions/<v>]  or  /v3/projects/github.com/synth/<name>
    if len(bits) >= 6 and bits[2] == "systems":
        n = _synth_n(bits[5])
        if n is None:
            return None
        name = bits[5]
        if len(bits) == 8 and bits[6] == "versions":
            return {
                "versionKey": {"system": "PYPI", "name": name, "version": bits[7]},
                "publishedAt": "2024-01-01T00:00:00Z",
                "licenses": ["MIT"],
                "advisoryKeys": [{"id": f"OSV-SYNTH-{n}"}] if n % 50 == 0 else [],
                "relatedProjects": [
                    {
                        "projectKey": {"id": f"github.com/synth/{name}"},
                        "relationProvenance": "UNVERIFIED_METADATA",
                        "relationType": "SOURCE_REPO",
                    }
                ],
            }
        if len(bits) == 6:
            return {
                "packageKey": {"system": "PYPI", "name": name},
                "versions": [
                    {
                        "versionKey": {"system": "PYPI", "name": name, "version": f"1.{i}.0"},
                        "publishedAt": f"202{i}-01-01T00:00:00Z",
                        "isDefault": i == 5,
                    }
                    for i in range(6)
                ],
            }
    if len(bits) == 6 and bits[2] == "projects" and _synth_n(bits[5]) is not None:
        return {
            "projectKey": {"id": "/".join(bits[3:])},
            "starsCount": 10,
            "scorecard": {
                "date": "2026-10-27T00:00:00Z",
                "overallScore": 5.5,
                "checks": [{"name": "Maintained", "score": 7, "reason": "synthetic"}],
            },
        }
    return None


def _synth_ecosystems(purl: str) -> Any:
    name = purl.rsplit("/", 1)[-1]
    n = _synth_n(name)
    if n is None:
        return None
    return [
        {
            "name": name,
            "ecosystem": "pypi",
            "purl": purl,
            "repository_url": f"https://github.com/synth/{name}",
            "first_release_published_at": "2020-01-01T00:00:00Z",
            "latest_release_published_at": "2025-01-01T00:00:00Z",
            "latest_release_number": "1.5.0",
            "status": None,
            "dependent_packages_count": n,
            "maintainers": [{"login": "m"}] * (1 + n % 3),
            "critical": n % 100 == 0,
        }
    ]


def _synth_osv(purl: str) -> list[str] | None:
    n = _synth_n(purl.rsplit("/", 1)[-1])
    if n is None:
        return None
    return [f"OSV-SYNTH-{n}"] if n % 50 == 0 else []


def _synth_vuln(vid: str) -> Any:
    n = vid.rsplit("-", 1)[-1]
    return {
        "id": vid,
        "summary": "synthetic",
        "aliases": [],
        "affected": [
            {
                "package": {
                    "ecosystem": "PyPI",
                    "name": f"synth-{n}",
                    "purl": f"pkg:pypi/synth-{n}",
                },
                "ranges": [
                    {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.5.0"}]}
                ],
            }
        ],
    }


# ---------------------------------------------------------------------- test helpers
NOW = datetime(2026, 11, 1, tzinfo=UTC)
PURLS = {
    "requests": "pkg:pypi/requests@2.31.0",
    "left-pad": "pkg:npm/left-pad@1.3.0",
    "six": "pkg:pypi/six@1.16.0",
    "oldlib": "pkg:maven/org.example/oldlib@0.9.0?type=jar",
    "widget": "pkg:npm/%40scope/widget@2.0.0",
    "ghost": "pkg:pypi/ghost@1.0.0",
    "flaky": "pkg:pypi/flaky@1.0.0",
}


def components(*names: str) -> list[model.Component]:
    """Components for the fixture packages (all of them when no name is given)."""
    chosen = names or tuple(PURLS)
    return [model.Component(ref=n, name=n, purl=PURLS[n]) for n in chosen]


def config(url: str, cache_dir: Path, **kw: Any) -> MetadataConfig:
    """All four services at ``url``; fast deterministic backoff; quiet."""
    base: dict[str, Any] = {
        "depsdev_url": url,
        "ecosystems_url": url,
        "osv_url": url,
        "scorecard_url": url,
        "cache_dir": cache_dir,
        "quiet": True,
        "backoff_base": 0.01,
        "backoff_cap": 0.05,
        "jitter_seed": 7,
        "timeout": 2.0,
        "breaker_threshold": 1000,
    }
    base.update(kw)
    return MetadataConfig(**base)


class LoopbackGuard:
    """Refuses (and records) any connection or name lookup that is not loopback."""

    def __init__(self, monkeypatch: Any) -> None:
        self.blocked: list[str] = []
        self.connects: list[str] = []
        real_connect = socket.socket.connect
        real_connect_ex = socket.socket.connect_ex
        real_gai = socket.getaddrinfo
        guard = self

        def allowed(host: str) -> bool:
            if host == "localhost":
                return True
            try:
                return ipaddress.ip_address(host).is_loopback
            except ValueError:
                return False

        def check(address: Any) -> None:
            if isinstance(address, tuple):
                host = str(address[0])
                guard.connects.append(host)
                if not allowed(host):
                    guard.blocked.append(host)
                    raise OSError(f"test guard: connection to {host} refused")

        def connect(self: socket.socket, address: Any) -> None:
            check(address)
            return real_connect(self, address)

        def connect_ex(self: socket.socket, address: Any) -> int:
            check(address)
            return real_connect_ex(self, address)

        def getaddrinfo(host: Any, *args: Any, **kw: Any) -> Any:
            name = host.decode() if isinstance(host, bytes) else str(host)
            if not allowed(name):
                guard.blocked.append(name)
                raise socket.gaierror(f"test guard: lookup of {name} refused")
            return real_gai(host, *args, **kw)

        monkeypatch.setattr(socket.socket, "connect", connect)
        monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
