"""OSV: ``POST /v1/querybatch`` for the exact versions, then ``GET /v1/vulns/{id}``
(bounded, deduplicated) to learn which versions fix each vulnerability.

Each package's batch answer is cached on its own, so a later run with other
packages only asks for the new ones.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import orjson

from osaudit.metadata.fetch import Fetched, Fetcher, decode
from osaudit.metadata.interface import SourceData, SourceStatus, Target, Vuln

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
            if not isinstance(rng, dict):
                continue
            for event in rng.get("events") or ():
                if isinstance(event, dict) and event.get("fixed"):
                    fixed.add(str(event["fixed"]))
    aliases = tuple(sorted(str(a) for a in vuln.get("aliases") or () if a))
    return tuple(sorted(fixed)), aliases, str(vuln.get("summary") or "")


class OsvSource:
    name = "osv"

    def __init__(self, base: str, *, batch: int = 1000, max_details: int = 500) -> None:
        self.base = base
        self.batch = max(1, batch)
        self.max_details = max_details
        self.details_skipped = 0

    def supports(self, target: Target) -> bool:
        return target.type in SUPPORTED and bool(target.version)

    async def _batch(self, chunk: list[Target], fetcher: Fetcher, out: dict[str, Fetched]) -> None:
        body = {"queries": [query(t) for t in chunk]}
        got = await fetcher.send("POST", f"{self.base}/v1/querybatch", json=body)
        if isinstance(got, Fetched):
            for t in chunk:
                stale = fetcher.stale("osv", t.key) if got.status == "error" else None
                out[t.key] = stale if stale is not None else got
            return
        status, data, reason = decode(got.status, got.body, got.content_type)
        results = data.get("results") if isinstance(data, dict) else None
        if status == "ok" and (not isinstance(results, list) or len(results) != len(chunk)):
            status, reason = "error", "querybatch answer does not match the queries"
        if status != "ok":
            fetcher.failures += 1
            for t in chunk:
                stale = fetcher.stale("osv", t.key)
                out[t.key] = stale if stale is not None else Fetched("error", reason=reason)
            return
        assert isinstance(results, list)
        for t, item in zip(chunk, results, strict=True):
            ids = parse_batch_item(item)
            if ids is None:
                out[t.key] = Fetched("error", reason="malformed querybatch result")
                continue
            payload = orjson.dumps({"vulns": [{"id": i} for i in ids]})
            date = fetcher.store("osv", t.key, 200, payload)
            out[t.key] = Fetched("ok", {"vulns": [{"id": i} for i in ids]}, date)

    async def gather(self, targets: Sequence[Target], fetcher: Fetcher) -> dict[str, SourceData]:
        todo = [t for t in targets if self.supports(t)]
        answers: dict[str, Fetched] = {}
        missing: list[Target] = []
        for t in todo:
            hit = fetcher.cached("osv", t.key)
            if hit is not None:
                answers[t.key] = hit
            else:
                missing.append(t)
        chunks = [missing[i : i + self.batch] for i in range(0, len(missing), self.batch)]
        await asyncio.gather(*(self._batch(c, fetcher, answers) for c in chunks))

        ids_of: dict[str, list[str]] = {}
        for t in todo:
            got = answers[t.key]
            if got.status == "ok":
                ids_of[t.key] = parse_batch_item(got.data) or []
        wanted = sorted({i for ids in ids_of.values() for i in ids})
        fetch_ids = wanted[: self.max_details]
        self.details_skipped = len(wanted) - len(fetch_ids)
        details_list = await asyncio.gather(
            *(
                fetcher.get("osv-vuln", i, f"{self.base}/v1/vulns/{quote(i, safe='')}")
                for i in fetch_ids
            )
        )
        details = dict(zip(fetch_ids, details_list, strict=True))

        out: dict[str, SourceData] = {}
        for t in todo:
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
