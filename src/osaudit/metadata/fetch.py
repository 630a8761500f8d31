"""Cache-first fetching shared by all sources: cache, network, coalescing, stats.

A response becomes a :class:`Fetched` with a status (``ok``, ``not-found``,
``error``, ``offline``), the parsed JSON and the retrieval date. Only 200 JSON
answers and 404s are cached. When the network fails and an expired entry
exists, the expired entry is used (its old date says so).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, Literal, NamedTuple

import orjson

from osaudit.metadata.cache import Cache, Entry, iso
from osaudit.metadata.config import MetadataConfig
from osaudit.metadata.http import FetchError, HttpClient, Response

FetchStatus = Literal["ok", "not-found", "error", "offline"]
OFFLINE_REASON = "offline and not cached"


class Fetched(NamedTuple):
    """One answer (from the network or the cache), or why there is none.

    A named tuple, not a dataclass: a batch makes one per item, tens of thousands a run.
    """

    status: FetchStatus
    data: Any = None
    date: str | None = None
    reason: str = ""


async def breathe(i: int) -> None:
    """Every 256th item of a long loop, let the event loop serve the network meanwhile.

    A batch answer holds thousands of items; reading them in one go would leave answers
    of the other services unread and their next requests unsent until it ends.
    """
    if not i & 255:
        await asyncio.sleep(0)


def internal_error(exc: BaseException) -> str:
    """Reason text for an unexpected exception while handling one package."""
    return f"unexpected {type(exc).__name__} while reading the answer"


def json_type(content_type: str) -> bool:
    """True for ``application/json`` and ``*+json`` content types."""
    ctype = content_type.split(";", 1)[0].strip().lower()
    return ctype == "application/json" or ctype.endswith("+json")


def decode(
    status: int, body: bytes, content_type: str | None = None
) -> tuple[FetchStatus, Any, str]:
    """Classify a response (or a cached one, ``content_type=None``)."""
    if status == 404:
        return "not-found", None, "unknown package (HTTP 404)"
    if status != 200:
        return "error", None, f"HTTP {status}"
    if content_type is not None and not json_type(content_type):
        shown = content_type.split(";", 1)[0].strip() or "none"
        return "error", None, f"unexpected content type {shown!r} (not JSON)"
    try:
        return "ok", orjson.loads(body), ""
    except orjson.JSONDecodeError:
        return "error", None, "invalid JSON in response"


class Fetcher:
    """Gets JSON through the cache; one instance per run."""

    def __init__(
        self, config: MetadataConfig, cache: Cache | None, client: HttpClient | None
    ) -> None:
        self.config = config
        self.cache = cache
        self.client = client
        self.cache_hits = 0
        self.failures = 0
        self._inflight: dict[tuple[str, str], asyncio.Future[Fetched]] = {}
        self.on_progress: Callable[[int], None] | None = None

    def advance(self, n: int = 1) -> None:
        """Report ``n`` finished package look-ups to the progress bar."""
        if self.on_progress is not None:
            self.on_progress(n)

    # ---------------------------------------------------------------- cache
    def _from_entry(self, entry: Entry) -> Fetched | None:
        status, data, reason = decode(entry.status, entry.body)
        if status == "error":
            return None
        return Fetched(status, data, entry.date, reason)

    def cached(self, kind: str, key: str) -> Fetched | None:
        """A usable cached answer (any age when offline), or None."""
        if self.cache is None or (self.config.refresh and not self.config.offline):
            return None
        entry = self.cache.get(kind, key, fresh_only=not self.config.offline)
        if entry is None:
            return None
        got = self._from_entry(entry)
        if got is None:  # bad row: drop it and treat as a miss
            self.cache.delete(kind, key)
            return None
        self.cache_hits += 1
        return got

    def cached_many(self, kind: str, keys: list[str]) -> dict[str, Fetched]:
        """:meth:`cached` for many keys in one cache query."""
        if self.cache is None or (self.config.refresh and not self.config.offline):
            return {}
        entries = self.cache.get_many(kind, keys, fresh_only=not self.config.offline)
        out: dict[str, Fetched] = {}
        for key, entry in entries.items():
            got = self._from_entry(entry)
            if got is None:  # bad row: drop it and treat as a miss
                self.cache.delete(kind, key)
                continue
            out[key] = got
        self.cache_hits += len(out)
        return out

    def stale(self, kind: str, key: str) -> Fetched | None:
        """An expired cached answer, used only when the network failed."""
        if self.cache is None:
            return None
        entry = self.cache.get(kind, key, fresh_only=False)
        return self._from_entry(entry) if entry is not None else None

    def now(self) -> float:
        """The time a retrieval is recorded at (the cache's clock)."""
        return self.cache.now() if self.cache is not None else time.time()

    def store(
        self, kind: str, key: str, status: int, body: bytes, *, fetched: float | None = None
    ) -> str | None:
        """Cache a 200/404 body (retrieved at ``fetched``, default now); returns its date."""
        if self.cache is None:
            return iso(time.time() if fetched is None else fetched)
        return iso(self.cache.put(kind, key, status, body, fetched))

    def store_json(self, kind: str, key: str, data: Any, *, body: bytes | None = None) -> Fetched:
        """Cache one item of a batch answer as if it had been fetched alone (None: a 404).

        ``body``: the item's JSON as the service sent it, when at hand (else encoded here).
        """
        if data is None:
            reason = "unknown package (HTTP 404)"  # what a cached 404 reads back as
            return Fetched("not-found", None, self.store(kind, key, 404, b""), reason)
        raw = body if body is not None else orjson.dumps(data)
        return Fetched("ok", data, self.store(kind, key, 200, raw))

    # ---------------------------------------------------------------- network
    async def send(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        timeout: float | None = None,
        service: str | None = None,
    ) -> Response | Fetched:
        """One request through the client: a Response, or a Fetched error/offline.

        ``service`` names the request budget it counts against (see ``HttpClient.request``).
        """
        if self.client is None:
            return Fetched("offline", reason=OFFLINE_REASON)
        try:
            return await self.client.request(
                method, url, json=json, timeout=timeout, service=service
            )
        except FetchError as exc:
            self.failures += 1
            return Fetched("error", reason=exc.reason)

    async def get(self, kind: str, key: str, url: str, *, service: str | None = None) -> Fetched:
        """Cached GET of a JSON document; identical concurrent calls share one request."""
        hit = self.cached(kind, key)
        if hit is not None:
            return hit
        slot = (kind, key)
        pending = self._inflight.get(slot)
        if pending is not None:
            return await asyncio.shield(pending)
        fut: asyncio.Future[Fetched] = asyncio.get_running_loop().create_future()
        self._inflight[slot] = fut
        try:
            result = await self._get(kind, key, url, service)
        except BaseException as exc:
            fut.set_exception(exc)
            fut.exception()  # mark retrieved
            raise
        finally:
            self._inflight.pop(slot, None)
        fut.set_result(result)
        return result

    async def _get(self, kind: str, key: str, url: str, service: str | None) -> Fetched:
        got = await self.send("GET", url, service=service)
        if isinstance(got, Fetched):
            stale = self.stale(kind, key) if got.status == "error" else None
            return stale if stale is not None else got
        status, data, reason = decode(got.status, got.body, got.content_type)
        if status == "error":
            self.failures += 1
            stale = self.stale(kind, key)
            return stale if stale is not None else Fetched("error", reason=reason)
        date = self.store(kind, key, got.status, got.body if status == "ok" else b"")
        return Fetched(status, data, date, reason)
