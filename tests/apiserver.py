"""Loopback deps.dev / ecosyste.ms / OSV / Scorecard APIs for tests and benchmarks.

An asyncio HTTP/1.1 server (keep-alive) in a daemon thread. Its routes, request and
answer shapes and limits follow the services' published specifications (each named where
it is implemented below; tests/fixtures/api/SOURCES.md lists the records), including what
the real services do beyond the happy path:

* deps.dev (google/deps.dev ``api/v3/api.proto``, ``api/v3alpha/apiv3alpha.proto``): v3
  GetVersion/GetPackage/GetProject by path, where a name's ``/`` must be sent as ``%2F``
  (a raw ``/`` makes another route: 404); v3alpha ``versionbatch``, ``purlbatch`` and
  ``projectbatch`` with at most 5,000 requests, answers echoing each request, and pages
  (``depsdev_page`` responses each) chained by ``nextPageToken``.
* ecosyste.ms (ecosyste-ms/packages ``openapi/api/v1/openapi.yaml``,
  ``app/controllers/api/v1/packages_controller.rb``): ``GET /api/v1/packages/lookup?purl=``
  answers 200 ``[]`` for an unknown package; ``POST /api/v1/packages/bulk_lookup`` takes
  at most 100 purls (else 400) or ``names`` + ``ecosystem`` and answers one flat list in
  no request order; names match the stored name exactly.
* OSV (google/osv.dev ``docs/api/post-v1-querybatch.md``, ``go/internal/api/query_affected.go``):
  ``POST /v1/querybatch`` refuses more than 1,000 queries and a batch with one invalid
  query (400), returns ids and ``modified`` only, and pages a query after ``osv_page``
  vulns with ``next_page_token``; ``GET /v1/vulns/{id}``.
* Scorecard (ossf/scorecard-webapp ``openapi.yaml``): ``GET /projects/{platform}/{org}/{repo}``.

With ``synthetic=True`` it also answers for generated packages named ``synth-<n>``.
``batch=False`` makes the batch endpoints 404, as a mirror of the v3/v1 APIs alone would.

Faults (``server.fault(pattern, kind, ...)``; ``pattern`` is a substring of the
unquoted ``path?query``): ``timeout`` (sleep ``delay`` s before answering),
``reset`` (close the connection with a TCP RST), ``status`` (answer ``code``,
with ``Retry-After`` when ``retry_after`` is set), ``truncated`` (promise more
bytes than sent), ``nonjson`` (200 JSON content type, HTML body),
``wrongtype`` (200 ``text/html``), ``trickle`` (one body byte per ``delay`` s, without
end), ``endless`` (a chunked body that never ends), ``gzipbomb`` (a small gzip body that
inflates to ``size`` bytes). ``times`` limits how often a fault fires, ``after`` lets that many matching requests through first.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ipaddress
import json
import re
import socket
import struct
import threading
import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import orjson
from packageurl import PackageURL

from osaudit import model
from osaudit.metadata.config import MetadataConfig

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "api"
# purl type -> deps.dev system (api/v3alpha System enum)
_DEPSDEV_SYSTEMS = {
    "golang": "GO", "gem": "RUBYGEMS", "npm": "NPM", "cargo": "CARGO",
    "maven": "MAVEN", "pypi": "PYPI", "nuget": "NUGET",
}  # fmt: skip
# purl type -> ecosyste.ms ecosystem (app/models/ecosystem/*.rb purl_type)
_ECO_ECOSYSTEMS = {
    "pypi": "pypi", "npm": "npm", "maven": "maven", "golang": "go", "cargo": "cargo",
    "nuget": "nuget", "gem": "rubygems", "composer": "packagist",
}  # fmt: skip


@dataclass
class Fault:
    pattern: str
    kind: str
    times: int | None = None  # None: every time
    after: int = 0  # matching requests let through before the fault first fires
    code: int = 500
    retry_after: str | None = None
    delay: float = 5.0
    size: int = 1 << 30  # inflated bytes of a gzipbomb


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
        self,
        *,
        latency: float = 0.0,
        synthetic: bool = False,
        fixtures: Path = FIXTURES,
        batch: bool = True,
        depsdev_page: int = 5000,
        osv_page: int = 1000,
    ) -> None:
        self.latency = latency
        self.synthetic = synthetic
        self.batch = batch
        self.depsdev_page = depsdev_page  # responses per v3alpha batch page
        self.osv_page = osv_page  # vulns per query per querybatch page (OSV: 1,000)
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

    def take_fault(self, path: str, body: bytes = b"") -> Fault | None:
        """The first live fault whose pattern is in the path (or in a GET's query)."""
        with self._lock:
            for f in self.faults:
                if f.pattern in path and (f.times is None or f.times > 0):
                    if f.after > 0:
                        f.after -= 1
                        continue
                    if f.times is not None:
                        f.times -= 1
                    return f
        return None

    def record(self, rec: Recorded) -> None:
        with self._lock:
            self.requests.append(rec)

    def precompute(self, names: list[str], version: str) -> None:
        """Build the synthetic answers for ``names`` at ``version`` now, not while a client waits.

        The answers are the ones the routes would build on demand (they are memoised);
        a benchmark calls this before its clock starts, so the server's own CPU is not
        what it measures.
        """
        for name in names:
            purl = f"pkg:pypi/{name}"
            self._depsdev("PYPI", name, version)
            self._depsdev("PYPI", name, None)
            self._project(f"github.com/synth/{name}")
            _parse_purl(purl)
            _synth_ecosystems("pypi", name)
            for vid in _synth_osv(purl) or ():
                _synth_vuln(vid)

    # ------------------------------------------------------------------ answers
    def answer(self, method: str, path: str, body: bytes) -> tuple[int, Any]:
        """(status, JSON-able body) for a request (``path`` as sent, still percent-encoded)."""
        parts = urlsplit(path)
        raw = parts.path
        p = unquote(raw)
        if method == "POST":
            routes = {
                "/v1/querybatch": self._querybatch,
                "/v3alpha/versionbatch": self._versionbatch,
                "/v3alpha/purlbatch": self._purlbatch,
                "/v3alpha/projectbatch": self._projectbatch,
                "/api/v1/packages/bulk_lookup": self._bulk_lookup,
            }
            route = routes.get(p)
            if route is None or (not self.batch and p != "/v1/querybatch"):
                return 404, {"error": "no such endpoint"}
            try:
                request = orjson.loads(body)
            except orjson.JSONDecodeError:
                return 400, {"code": 3, "message": "invalid JSON body"}
            if not isinstance(request, dict):
                return 400, {"code": 3, "message": "invalid request"}
            return route(request)
        if method != "GET":
            return 405, {"error": "method not allowed"}
        if raw.startswith("/v3/"):
            found = self._depsdev_path(raw)
            return (200, found) if found is not None else (404, {"code": 5, "message": "not found"})
        if p == "/api/v1/packages/lookup":
            purl = parse_qs(parts.query).get("purl", [""])[0]
            return 200, self._eco_lookup(purl)  # unknown: 200 [] (pagy_countless, empty scope)
        if p.startswith("/v1/vulns/"):
            found = self._vuln(p[len("/v1/vulns/") :])
            return (
                (200, found)
                if found is not None
                else (404, {"code": 5, "message": "Bug not found."})
            )
        if p.startswith("/projects/"):
            found = self.data["scorecard"].get(p[len("/projects/") :])
            return (
                (200, found) if found is not None else (404, {"code": 404, "message": "not found"})
            )
        return 404, {"error": "no such endpoint"}

    # deps.dev ------------------------------------------------------------------
    def _depsdev_path(self, raw: str) -> Any:
        """A v3 GET by its encoded path: segments split on a raw ``/``, then decoded."""
        segs = [unquote(x) for x in raw.split("/")]
        # ['', 'v3', 'systems', SYS, 'packages', NAME(, 'versions', V)] | ['', 'v3', 'projects', ID]
        if len(segs) == 4 and segs[2] == "projects":
            return self._project(segs[3])
        if len(segs) in (6, 8) and segs[2] == "systems" and segs[4] == "packages":
            if len(segs) == 8 and segs[6] != "versions":
                return None
            return self._depsdev(segs[3], segs[5], segs[7] if len(segs) == 8 else None)
        return None

    def _depsdev(self, system: str, name: str, version: str | None) -> Any:
        if system.upper() == "PYPI":  # deps.dev canonicalises PyPI names (PEP 503)
            name = _pep503(name)
        path = f"/v3/systems/{system.upper()}/packages/{name}"
        if version is not None:
            path += f"/versions/{version}"
        found = self.data["depsdev"].get(path)
        if found is None and self.synthetic:
            found = _synth_depsdev(path)
        return found

    def _project(self, project_id: str) -> Any:
        found = self.data["depsdev"].get(f"/v3/projects/{project_id}")
        if found is None and self.synthetic:
            found = _synth_depsdev(f"/v3/projects/{project_id}")
        return found

    def _paged(self, request: dict[str, Any], answer: Any) -> tuple[int, Any]:
        """v3alpha batch paging: ``depsdev_page`` responses, then ``nextPageToken``."""
        reqs = request.get("requests")
        if not isinstance(reqs, list) or not reqs:
            return 400, {"code": 3, "message": "no requests"}
        if len(reqs) > 5000:  # "Up to 5000 requests are allowed in a single batch."
            return 400, {"code": 3, "message": "too many requests"}
        token = str(request.get("pageToken") or request.get("page_token") or "")
        start = int(token[5:]) if token.startswith("page:") and token[5:].isdigit() else 0
        end = start + self.depsdev_page
        out: dict[str, Any] = {"responses": [answer(r) for r in reqs[start:end]]}
        if end < len(reqs):
            out["nextPageToken"] = f"page:{end}"
        return 200, out

    def _versionbatch(self, request: dict[str, Any]) -> tuple[int, Any]:
        def one(req: Any) -> dict[str, Any]:
            key = req.get("versionKey") if isinstance(req, dict) else None
            key = key if isinstance(key, dict) else {}
            found = self._depsdev(
                str(key.get("system", "")), str(key.get("name", "")), str(key.get("version", ""))
            )
            return {"request": req, **({"version": found} if found is not None else {})}

        return self._paged(request, one)

    def _purlbatch(self, request: dict[str, Any]) -> tuple[int, Any]:
        def one(req: Any) -> dict[str, Any]:
            purl = str(req.get("purl", "")) if isinstance(req, dict) else ""
            found = None
            try:
                p = _parse_purl(purl)
            except ValueError:
                p = None
            system = _DEPSDEV_SYSTEMS.get(p.type) if p is not None else None
            if p is not None and system is not None:
                if p.type == "maven":
                    name = f"{p.namespace}:{p.name}"
                else:
                    name = f"{p.namespace}/{p.name}" if p.namespace else p.name
                found = self._depsdev(system, name, p.version)
            if found is None:
                return {"request": req}
            field = "version" if p is not None and p.version else "package"
            return {"request": req, "result": {field: found}}

        return self._paged(request, one)

    def _projectbatch(self, request: dict[str, Any]) -> tuple[int, Any]:
        def one(req: Any) -> dict[str, Any]:
            key = req.get("projectKey") if isinstance(req, dict) else None
            found = self._project(str(key.get("id"))) if isinstance(key, dict) else None
            return {"request": req, **({"project": found} if found is not None else {})}

        return self._paged(request, one)

    # ecosyste.ms ---------------------------------------------------------------
    @functools.cached_property
    def _eco_index(self) -> dict[tuple[str, str], list[dict[str, Any]]]:
        """The ecosyste.ms fixture packages by (ecosystem, stored name), built once."""
        index: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for label, pkgs in self.data["ecosystems"].items():
            if label.startswith("$") or not isinstance(pkgs, list):
                continue
            for pkg in pkgs:
                if isinstance(pkg, dict):
                    index.setdefault((str(pkg.get("ecosystem")), str(pkg.get("name"))), []).append(
                        pkg
                    )
        return index

    def _eco_lookup(self, purl: str) -> list[dict[str, Any]]:
        """``lookup_by_purl``: the purl's namespace and name joined, matched exactly."""
        try:
            p = _parse_purl(purl.replace("npm/@", "npm/%40"))
        except ValueError:
            return []
        ecosystem = _ECO_ECOSYSTEMS.get(p.type)
        if ecosystem is None:
            return []
        sep = ":" if p.type == "maven" else "/"
        name = sep.join(x for x in (p.namespace, p.name) if x)
        found = self._eco_index.get((ecosystem, name))
        if found is None and self.synthetic:
            found = _synth_ecosystems(p.type, name)
        return list(found or [])

    def _bulk_lookup(self, request: dict[str, Any]) -> tuple[int, Any]:
        purls = request.get("purls")
        if isinstance(purls, list) and purls:
            if len(purls) > 100:
                return 400, {"error": "Maximum 100 PURLs allowed per request"}
            found = [pkg for purl in purls for pkg in self._eco_lookup(str(purl))]
        else:
            names = request.get("names") if isinstance(request.get("names"), list) else []
            eco = request.get("ecosystem")
            index = self._eco_index
            found = []
            for name in names or ():
                for (e, n), pkgs in index.items():
                    if n == name and (not eco or e == eco):
                        found.extend(pkgs)
                if self.synthetic and eco in (None, "pypi") and _synth_n(str(name)) is not None:
                    found.extend(_synth_ecosystems("pypi", str(name)))
        # Package.purl(...).limit(1000): database order, not the request's
        seen: set[int] = set()
        unique = [x for x in found if not (id(x) in seen or seen.add(id(x)))]  # type: ignore[func-returns-value]
        return 200, sorted(unique, key=lambda pkg: str(pkg.get("name")), reverse=True)[:1000]

    # OSV -----------------------------------------------------------------------
    def _vuln(self, vid: str) -> Any:
        found = self.data["osv"]["vulns"].get(vid)
        if found is None and self.synthetic and vid.startswith("OSV-SYNTH-"):
            found = _synth_vuln(vid)
        return found

    def _querybatch(self, request: dict[str, Any]) -> tuple[int, Any]:
        queries = request.get("queries")
        if not isinstance(queries, list):
            return 400, {"code": 3, "message": "invalid request"}
        if len(queries) > 1000:  # maxBatchQueries
            return 400, {"code": 3, "message": "too many queries"}
        results = []
        for i, q in enumerate(queries):
            pkg = q.get("package") if isinstance(q, dict) else None
            if not isinstance(pkg, dict) or not (pkg.get("purl") or pkg.get("name")):
                return 400, {"code": 3, "message": f"error in query at index {i}: invalid query"}
            purl = str(pkg.get("purl") or "")
            if "@" in purl and q.get("version"):  # "Use either version or a versioned purl"
                return 400, {"code": 3, "message": f"error in query at index {i}: invalid query"}
            try:  # parseQuery: a purl that does not parse rejects the whole batch
                parsed = _parse_purl(purl)
            except ValueError as exc:
                return 400, {"code": 3, "message": str(exc)}
            if parsed.type == "pypi":  # OSV normalises PyPI names
                purl = f"pkg:pypi/{_pep503(parsed.name)}"
            key = f"{purl}@{q.get('version')}"
            ids = self.data["osv"]["querybatch"].get(key)
            if ids is None and self.synthetic:
                ids = _synth_osv(purl)
            ids = ids or []
            token = str(q.get("page_token") or "")
            start = int(token[5:]) if token.startswith("page:") and token[5:].isdigit() else 0
            page = ids[start : start + self.osv_page]
            item: dict[str, Any] = (
                {"vulns": [{"id": i, "modified": "2026-01-01T00:00:00Z"} for i in page]}
                if page
                else {}
            )
            if start + self.osv_page < len(ids):
                item["next_page_token"] = f"page:{start + self.osv_page}"
            results.append(item)
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
        if kind in ("trickle", "endless", "gzipbomb"):
            assert fault is not None
            await self._hostile(writer, kind, fault)
            return False
        status, payload = self.answer(method, target, body)
        data = orjson.dumps(payload)
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

    async def _hostile(self, writer: asyncio.StreamWriter, kind: str, fault: Fault) -> None:
        """A body that never finishes, or one that inflates far beyond its size."""
        if kind == "gzipbomb":
            packed = _gzip_zeros(fault.size)
            head = (
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                f"Content-Encoding: gzip\r\nContent-Length: {len(packed)}\r\n\r\n"
            )
            writer.write(head.encode() + packed)
            await writer.drain()
            return
        if kind == "trickle":
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: 1000000\r\n\r\n"
            )
        else:
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n"
            )
        chunk = b"[" + b"0," * 32767
        with contextlib.suppress(ConnectionError, RuntimeError):
            while not writer.is_closing():
                if kind == "trickle":
                    writer.write(b" ")
                    await writer.drain()
                    await asyncio.sleep(fault.delay)
                else:
                    writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    await writer.drain()
                    await asyncio.sleep(0)

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


@functools.lru_cache(maxsize=4)
def _gzip_zeros(size: int) -> bytes:
    """A gzip member that inflates to ``size`` zero bytes (built in 1 MiB steps)."""
    packer = zlib.compressobj(1, zlib.DEFLATED, 31)
    block = b"\0" * (1 << 20)
    parts = [packer.compress(block) for _ in range(size >> 20)]
    parts.append(packer.compress(b"\0" * (size & ((1 << 20) - 1))))
    return b"".join(parts) + packer.flush()


@functools.lru_cache(maxsize=65536)
def _parse_purl(purl: str) -> PackageURL:
    """``PackageURL.from_string``, memoised (a batch names thousands; the answer is immutable)."""
    return PackageURL.from_string(purl)


@functools.lru_cache(maxsize=65536)
def _pep503(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# ---------------------------------------------------------------------- synthetic data
def _synth_n(name: str) -> int | None:
    if name.startswith("synth-") and name[6:].isdigit():
        return int(name[6:])
    return None


@functools.cache  # built once per name: see ApiServer.precompute
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


@functools.cache  # built once per name: see ApiServer.precompute
def _synth_ecosystems(ptype: str, name: str) -> Any:
    n = _synth_n(name)
    if n is None or ptype != "pypi":
        return None
    purl = f"pkg:pypi/{name}"
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


@functools.cache  # built once per name: see ApiServer.precompute
def _synth_osv(purl: str) -> list[str] | None:
    n = _synth_n(purl.rsplit("/", 1)[-1])
    if n is None:
        return None
    return [f"OSV-SYNTH-{n}"] if n % 50 == 0 else []


@functools.cache  # built once per name: see ApiServer.precompute
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
