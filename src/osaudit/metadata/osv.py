"""OSV: ``POST /v1/querybatch`` for the exact versions, then ``GET /v1/vulns/{id}``
(bounded, deduplicated) to learn which versions fix each vulnerability.

What the OSV API does (docs/api/post-v1-querybatch.md, go/internal/api/query_affected.go):
at most 1,000 queries per batch (more is a 400 "too many queries"); one invalid query
makes the whole batch a 400, so a rejected batch is split in halves and retried until the
bad query stands alone; a result carries ``next_page_token`` when the query had more
vulns than fit (1,000 per query, ~3,000 or 10 MB per batch, or the 35 s batch deadline),
and the next page is asked with ``page_token`` for those queries only. A batch request
gets a timeout above OSV's 35 s. Only ``ECOSYSTEM`` and ``SEMVER`` ranges name versions:
a ``GIT`` range's ``fixed`` is a commit hash. Each package's complete answer is cached on
its own, so a later run with other packages only asks for the new ones.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import orjson

from osaudit.metadata.cache import iso
from osaudit.metadata.fetch import Fetched, Fetcher, breathe, decode
from osaudit.metadata.interface import SourceData, SourceName, SourceStatus, Target, Vuln

SUPPORTED: frozenset[str] = frozenset(
    {
        "pypi",
        "npm",
        "maven",
        "golang",
        "cargo",
        "nuget",
        "gem",
        "composer",
        "hex",
        "pub",
        "swift",
        "hackage",
        "cran",
    }
)


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def query(target: Target) -> dict[str, Any]:
    """One querybatch entry: the package purl without version, and the version."""
    return {"package": {"purl": target.package_key}, "version": target.version}


def parse_batch_item(item: Any) -> list[str] | None:
    """Vulnerability ids of one querybatch result, None when malformed."""
    if not isinstance(item, dict):
        return None
    vulns = item.get("vulns", [])
    if not isinstance(vulns, list):
        return None
    return sorted({str(v["id"]) for v in vulns if isinstance(v, dict) and v.get("id")})


BATCH_MAX = 1000  # OSV's maxBatchQueries
BATCH_TIMEOUT = 40.0  # seconds; OSV gives a batch up to 35 s (maxBatchQueryTimeout)
VERSION_RANGES = frozenset({"ECOSYSTEM", "SEMVER"})  # a GIT range's events are commits


def fixed_versions(vuln: Any, target: Target) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """(fixed versions for this package, aliases, summary) from a ``/v1/vulns/{id}`` body."""
    if not isinstance(vuln, dict):
        return (), (), ""
    fixed: set[str] = set()
    want_purl = target.package_key.lower()
    want_name = _norm(target.name)
    for aff in vuln.get("affected") or ():
        if not isinstance(aff, dict):
            continue
        raw = aff.get("package")
        pkg: dict[str, Any] = raw if isinstance(raw, dict) else {}
        purl = str(pkg.get("purl") or "").split("@", 1)[0].lower()
        name = _norm(str(pkg.get("name") or "").rsplit(":", 1)[-1].rsplit("/", 1)[-1])
        if purl != want_purl and name != want_name:
            continue
        for rng in aff.get("ranges") or ():
            if not isinstance(rng, dict) or rng.get("type") not in VERSION_RANGES:
                continue
            for event in rng.get("events") or ():
                if isinstance(event, dict) and event.get("fixed"):
                    fixed.add(str(event["fixed"]))
    aliases = tuple(sorted(str(a) for a in vuln.get("aliases") or () if a))
    return tuple(sorted(fixed)), aliases, str(vuln.get("summary") or "")


class OsvSource:
    name: SourceName = "osv"

    def __init__(self, base: str, *, batch: int = 1000, max_details: int = 500) -> None:
        self.base = base
        self.batch = max(1, batch)
        self.max_details = max_details
        self.details_skipped = 0

    def supports(self, target: Target) -> bool:
        return target.type in SUPPORTED and bool(target.version)

    async def _post(self, chunk: list[tuple[Target, str]], fetcher: Fetcher) -> list[Any] | Fetched:
        """One querybatch call: its results in query order, or why it failed."""
        queries = []
        for t, token in chunk:
            q = query(t)
            if token:
                q["page_token"] = token
            queries.append(q)
        got = await fetcher.send(
            "POST",
            f"{self.base}/v1/querybatch",
            json={"queries": queries},
            timeout=max(fetcher.config.timeout, BATCH_TIMEOUT),
        )
        if isinstance(got, Fetched):
            return got
        status, data, reason = decode(got.status, got.body, got.content_type)
        if got.status == 400:
            return Fetched("error", reason="OSV rejected the query (HTTP 400)")
        results = data.get("results") if isinstance(data, dict) else None
        if status == "ok" and (not isinstance(results, list) or len(results) != len(chunk)):
            status, reason = "error", "querybatch answer does not match the queries"
        if status != "ok":
            fetcher.failures += 1
            return Fetched("error", reason=reason)
        assert isinstance(results, list)
        return results

    async def _batch(
        self, chunk: list[Target], fetcher: Fetcher, out: dict[str, Fetched], done: asyncio.Event
    ) -> None:
        """Every page for ``chunk``, each package's complete answer cached on its own.

        ``done`` is set as soon as the answers are in ``out``, before they are cached.
        """
        ids: dict[str, set[str]] = {t.key: set() for t in chunk}
        await self._pages([(t, "") for t in chunk], ids, fetcher, out)
        fetched = fetcher.now()
        date = iso(fetched)
        payloads = {
            key: {"vulns": [{"id": i} for i in sorted(found)]} for key, found in ids.items()
        }
        for key, payload in payloads.items():
            out[key] = Fetched("ok", payload, date)
        done.set()
        for n, (key, payload) in enumerate(payloads.items()):
            await breathe(n)
            fetcher.store("osv", key, 200, orjson.dumps(payload), fetched=fetched)

    async def _pages(
        self,
        pending: list[tuple[Target, str]],
        ids: dict[str, set[str]],
        fetcher: Fetcher,
        out: dict[str, Fetched],
    ) -> None:
        """Pages for ``pending`` (package, page token); a 400 splits it until the rejected
        query stands alone, each half going on from the pages it already has."""
        for _page in range(10_000):  # a server repeating its token cannot loop us
            if not pending:
                return
            results = await self._post(pending, fetcher)
            if isinstance(results, Fetched):
                if results.reason.endswith("(HTTP 400)") and len(pending) > 1:
                    half = len(pending) // 2
                    await asyncio.gather(
                        self._pages(pending[:half], ids, fetcher, out),
                        self._pages(pending[half:], ids, fetcher, out),
                    )
                    return
                for t, _ in pending:
                    stale = fetcher.stale("osv", t.key) if results.status == "error" else None
                    out[t.key] = stale if stale is not None else results
                    ids.pop(t.key, None)
                return
            nxt: list[tuple[Target, str]] = []
            for (t, _), item in zip(pending, results, strict=True):
                found = parse_batch_item(item)
                if found is None:
                    out[t.key] = Fetched("error", reason="malformed querybatch result")
                    ids.pop(t.key, None)
                    continue
                ids[t.key].update(found)
                token = item.get("next_page_token") or item.get("nextPageToken")
                if isinstance(token, str) and token:
                    nxt.append((t, token))
            pending = nxt

    async def gather(self, targets: Sequence[Target], fetcher: Fetcher) -> dict[str, SourceData]:
        todo = [t for t in targets if self.supports(t)]
        unique = {t.key: t for t in todo}
        answers = fetcher.cached_many("osv", list(unique))
        missing = [t for k, t in unique.items() if k not in answers]
        size = min(self.batch, BATCH_MAX)
        chunks = [missing[i : i + size] for i in range(0, len(missing), size)]
        done = [asyncio.Event() for _ in chunks]
        chunk_of = {t.key: n for n, c in enumerate(chunks) for t in c}

        async def batch(n: int) -> None:
            try:
                await self._batch(chunks[n], fetcher, answers, done[n])
            finally:
                done[n].set()

        # The details are asked while later batches are still out: packages are walked in
        # key order, each as soon as its answer is in, and the first ``max_details`` ids met
        # (each package's in sorted order) are the ones asked, whatever the cache held.
        ids_of: dict[str, list[str]] = {}
        asked: dict[str, asyncio.Task[Fetched]] = {}
        skipped: set[str] = set()

        async def walk() -> None:
            for key in unique:
                if key in chunk_of:
                    await done[chunk_of[key]].wait()
                got = answers[key]
                if got.status != "ok":
                    continue
                ids_of[key] = parse_batch_item(got.data) or []
                for vid in ids_of[key]:
                    if vid in asked or vid in skipped:
                        continue
                    if len(asked) >= self.max_details:
                        skipped.add(vid)
                        continue
                    url = f"{self.base}/v1/vulns/{quote(vid, safe='')}"
                    asked[vid] = asyncio.ensure_future(fetcher.get("osv-vuln", vid, url))

        await asyncio.gather(walk(), *(batch(n) for n in range(len(chunks))))
        details = {vid: await task for vid, task in asked.items()}
        self.details_skipped = len(skipped)

        out: dict[str, SourceData] = {}
        for n, t in enumerate(todo):
            await breathe(n)
            got = answers[t.key]
            fetcher.advance()
            if got.status != "ok":
                out[t.key] = SourceData(SourceStatus("osv", got.status, got.reason, got.date))
                continue
            vulns: list[Vuln] = []
            for vid in ids_of.get(t.key, []):
                det = details.get(vid)
                try:
                    if det is None or det.status != "ok":
                        raise LookupError(vid)
                    fixed, aliases, summary = fixed_versions(det.data, t)
                    vulns.append(Vuln(vid, aliases, summary, fixed, True))
                except Exception:  # details missing or odd: the fixed versions stay unknown
                    vulns.append(Vuln(vid))
            out[t.key] = SourceData(
                SourceStatus("osv", "ok", "", got.date), {"vulns": tuple(vulns)}
            )
        return out
