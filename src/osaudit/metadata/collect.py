"""Collect package facts for SBOM components from deps.dev, ecosyste.ms, OSV and Scorecard.

``collect`` is synchronous; inside it one event loop, one HTTP client and one
cache connection serve the whole run. Components are deduplicated by
``purl@version`` (without qualifiers); a component's failure only makes its
own facts partial or unknown.
"""

from __future__ import annotations

import asyncio
import dataclasses
import operator
import sys
import threading
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from packageurl import PackageURL

from osaudit import model
from osaudit.gcpause import paused
from osaudit.identity import purl_without_qualifiers, split_canonical
from osaudit.metadata.cache import Cache
from osaudit.metadata.config import MetadataConfig
from osaudit.metadata.dates import when
from osaudit.metadata.depsdev import DepsDevSource
from osaudit.metadata.ecosystems import EcosystemsSource
from osaudit.metadata.fetch import Fetcher, breathe
from osaudit.metadata.http import HttpClient
from osaudit.metadata.interface import (
    SOURCES,
    MetadataResult,
    PackageFacts,
    Source,
    SourceData,
    SourceName,
    SourceStatus,
    Stats,
    Target,
)
from osaudit.metadata.osv import OsvSource
from osaudit.metadata.progress import Progress
from osaudit.metadata.scorecard import ScorecardSource

_MERGE_ANY_TRUE = frozenset({"deprecated", "archived", "critical"})
_SOURCE_OF = operator.attrgetter("source")
_PROVIDED_BY_DEPSDEV = SourceStatus("scorecard", "skipped", "provided by deps.dev")
_NO_REPOSITORY = SourceStatus("scorecard", "skipped", "no GitHub/GitLab repository known")
_NO_VERSION = SourceStatus("osv", "skipped", "no version in the purl")
#: The warning (and stderr line) when requests were sent and no service ever answered.
UNREACHABLE = (
    "no metadata service could be reached (deps.dev, ecosyste.ms, OSV, Scorecard): "
    "maintenance is unknown; run with --offline to use only the cache, or point "
    "OSAUDIT_DEPSDEV_URL, OSAUDIT_ECOSYSTEMS_URL, OSAUDIT_OSV_URL and OSAUDIT_SCORECARD_URL "
    "at a mirror"
)


def target_of(component: model.Component) -> Target | str:
    """The look-up target of a component, or the reason there is none."""
    if not component.purl:
        return "no purl: the component cannot be looked up"
    parts = split_canonical(component.purl)  # readers store canonical purls
    if parts is None:
        return f"invalid purl {component.purl!r}"
    ptype, namespace, name, version = parts
    key = purl_without_qualifiers(component.purl)
    raw = alt = None
    if ptype == "pypi":  # ecosyste.ms wants the stored spelling, which PEP 503 erased
        raw = _raw_name(component.purl_raw)
        raw = raw if raw and raw != name else None
        alt = component.name if component.name and component.name != name else None
    return Target(key, ptype.lower(), namespace, name, version, raw, alt)


def _raw_name(purl_raw: str | None) -> str | None:
    """The name in a purl as the SBOM wrote it (before canonical rules), or None."""
    if not purl_raw:
        return None
    try:
        return PackageURL.from_string(purl_raw.strip()).name
    except ValueError:
        return None


def _earlier(a: str, b: str) -> bool:
    """True when instant ``a`` is before ``b`` (the same UTC layout compares as text)."""
    if len(a) == len(b) and a[-1:] == b[-1:] == "Z":
        return a < b
    return when(a) < when(b)


def _fold(
    values: dict[str, Any], origins: dict[str, SourceName], source: SourceName, part: SourceData
) -> None:
    """Add one source's fields: the first source to give a field wins, flags are or-ed."""
    for name, value in part.fields.items():
        if name in _MERGE_ANY_TRUE:
            if value is True and values.get(name) is not True or name not in values:
                origins[name] = source
            values[name] = bool(values.get(name)) or bool(value)
        elif name == "first_published_at" and isinstance(value, str) and values.get(name):
            if _earlier(value, str(values[name])):  # the earliest any source knows
                values[name] = value
                origins[name] = source
        elif values.get(name) is None and value is not None:
            values[name] = value
            origins[name] = source


def _facts(
    target: Target,
    values: dict[str, Any],
    origins: dict[str, SourceName],
    statuses: list[SourceStatus],
) -> PackageFacts:
    if values.get("deprecated") is True:
        values["deprecated_source"] = origins.get("deprecated")
    return PackageFacts(
        purl=target.key,
        ecosystem=target.type,
        name=target.name,
        version=target.version,
        sources=tuple(sorted(statuses, key=_SOURCE_OF)),
        origins=tuple(sorted(origins.items())),
        **values,
    )


def merge(
    target: Target, parts: dict[SourceName, SourceData], statuses: list[SourceStatus]
) -> PackageFacts:
    """One PackageFacts from the sources' fields: deps.dev first, ecosyste.ms fills gaps."""
    values: dict[str, Any] = {}
    origins: dict[str, SourceName] = {}
    for source in SOURCES:
        part = parts.get(source)
        if part is not None and part.status.status == "ok":
            _fold(values, origins, source, part)
    return _facts(target, values, origins, statuses)


def _repositories(
    targets: list[Target], d: dict[str, SourceData], e: dict[str, SourceData]
) -> dict[str, str]:
    """The repository to ask the Scorecard API about, per target deps.dev gave none for."""
    repos: dict[str, str] = {}
    for t in targets:
        dd, ee = d.get(t.key), e.get(t.key)
        if dd is not None and dd.fields.get("scorecard") is not None:
            continue
        for part in (dd, ee):
            repo = part.fields.get("repository") if part is not None else None
            if isinstance(repo, str):
                repos[t.key] = repo
                break
    return repos


async def _fold_first(
    targets: list[Target], d: dict[str, SourceData], e: dict[str, SourceData]
) -> dict[str, tuple[dict[str, Any], dict[str, SourceName]]]:
    """deps.dev's then ecosyste.ms' fields per target, folded while OSV is still answering."""
    out: dict[str, tuple[dict[str, Any], dict[str, SourceName]]] = {}
    sources: tuple[tuple[SourceName, dict[str, SourceData]], ...] = (
        ("deps.dev", d),
        ("ecosyste.ms", e),
    )
    for n, t in enumerate(targets):
        await breathe(n)
        values: dict[str, Any] = {}
        origins: dict[str, SourceName] = {}
        for source, found in sources:
            part = found.get(t.key)
            if part is not None and part.status.status == "ok":
                _fold(values, origins, source, part)
        out[t.key] = (values, origins)
    return out


async def _run(
    targets: list[Target],
    config: MetadataConfig,
    cache: Cache | None,
    warnings: list[str],
) -> tuple[dict[str, PackageFacts], dict[str, int]]:
    client = None if config.offline else HttpClient(config)
    fetcher = Fetcher(config, cache, client)
    deps = DepsDevSource(config.depsdev_url)
    eco = EcosystemsSource(config.ecosystems_url)
    osv = OsvSource(config.osv_url, batch=config.osv_batch, max_details=config.max_vuln_details)
    first: list[Any] = [deps, eco, osv]
    bar = config.progress if config.progress is not None else sys.stderr.isatty()
    progress = Progress(
        bar=bar and not config.quiet and bool(targets),
        lines=not config.quiet and not config.offline,
        interval=config.heartbeat,
    )
    progress.add(sum(1 for s in first for t in targets if s.supports(t)))
    fetcher.on_progress = progress.advance
    if client is not None:
        client.on_request = progress.request
    beat = asyncio.create_task(progress.heartbeat())
    try:
        if client is not None:
            await client.__aenter__()
        # OSV needs nothing from the others: the Scorecard API (which needs deps.dev's and
        # ecosyste.ms' repositories) and the folding of their fields overlap its details.
        osv_work = asyncio.ensure_future(progress.track(osv.name, osv.gather(targets, fetcher)))
        try:
            d, e = await asyncio.gather(
                *(progress.track(s.name, s.gather(targets, fetcher)) for s in (deps, eco))
            )
            sc = ScorecardSource(config.scorecard_url, _repositories(targets, d, e))
            progress.add(len(sc.repos))
            o, s, folded = await asyncio.gather(
                osv_work,
                progress.track(sc.name, sc.gather(targets, fetcher)),
                _fold_first(targets, d, e),
            )
        finally:
            osv_work.cancel()  # only when something else failed: then it is abandoned
            if client is not None:
                await client.__aexit__(None, None, None)
    finally:
        beat.cancel()
        progress.stop()

    facts: dict[str, PackageFacts] = {}
    sources: list[tuple[SourceName, dict[str, SourceData], Source]] = [
        ("deps.dev", d, deps),
        ("ecosyste.ms", e, eco),
        ("osv", o, osv),
        ("scorecard", s, sc),
    ]
    later: tuple[tuple[SourceName, dict[str, SourceData]], ...] = (("osv", o), ("scorecard", s))
    for t in targets:
        statuses: list[SourceStatus] = []
        for name, found, src in sources:
            part = found.get(t.key)
            if part is not None:
                statuses.append(part.status)
            elif name == "scorecard":
                dd = d.get(t.key)
                if dd is not None and dd.fields.get("scorecard") is not None:
                    statuses.append(_PROVIDED_BY_DEPSDEV)
                else:
                    statuses.append(_NO_REPOSITORY)
            elif name == "osv" and not t.version:
                statuses.append(_NO_VERSION)
            elif not src.supports(t):
                statuses.append(
                    SourceStatus(name, "skipped", f"ecosystem {t.type!r} not supported")
                )
        values, origins = folded[t.key]
        for name, found in later:
            part = found.get(t.key)
            if part is not None and part.status.status == "ok":
                _fold(values, origins, name, part)
        facts[t.key] = _facts(t, values, origins, statuses)
    if osv.details_skipped:
        warnings.append(
            f"{osv.details_skipped} OSV vulnerability details not fetched "
            f"(bound of {config.max_vuln_details} per run); their fixed versions are unknown"
        )
    if client is not None:
        if client.unreachable:
            warnings.append(UNREACHABLE)
        for host in sorted(client.open_circuits):
            warnings.append(f"circuit open for {host}: later requests to it were skipped")
    counters = {
        "requests": client.requests if client else 0,
        "bytes": client.bytes if client else 0,
        "cache_hits": fetcher.cache_hits,
        "failures": fetcher.failures,
    }
    return facts, counters


def _run_sync(coro: Any) -> Any:
    """``asyncio.run``, in a worker thread when a loop already runs in this one."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def _shape(target: Target) -> tuple[str, bool, bool]:
    return target.type, target.version is not None, target.namespace is not None


def _offline_without_cache(
    ordered: list[Target], config: MetadataConfig, warnings: list[str]
) -> tuple[dict[str, PackageFacts], dict[str, int]]:
    """Offline with nothing cached: every package of one shape gets the same statuses.

    What the sources say then depends only on the ecosystem and on whether the purl
    has a version and a namespace, so one representative per shape goes through
    the full path and the others copy its statuses (a test checks both agree).
    """
    representatives: dict[tuple[str, bool, bool], Target] = {}
    for target in ordered:
        representatives.setdefault(_shape(target), target)
    reps = sorted(representatives.values(), key=lambda t: t.key)
    rep_facts, counters = _run_sync(_run(reps, config, None, warnings))
    shared = {shape: _beyond_identity(rep_facts[t.key]) for shape, t in representatives.items()}
    out = {
        t.key: PackageFacts(
            purl=t.key, ecosystem=t.type, name=t.name, version=t.version, **shared[_shape(t)]
        )
        for t in ordered
    }
    return out, counters


def _beyond_identity(facts: PackageFacts) -> dict[str, Any]:
    """The fields of ``facts`` that are not its package's identity and not defaults
    (the same PackageFacts as ``dataclasses.replace`` makes, at half its cost)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(PackageFacts):
        value = getattr(facts, f.name)
        if f.name not in ("purl", "ecosystem", "name", "version") and value != f.default:
            out[f.name] = value
    return out


def collect(
    components: Sequence[model.Component],
    config: MetadataConfig,
    *,
    now: datetime,
) -> MetadataResult:
    """Facts keyed by component ref, run statistics and warnings; never raises for a package.

    ``now`` is accepted for a stable signature (scoring uses it); TTLs use the
    clock because they describe the cache, not the report.
    """
    del now
    started = time.monotonic()
    warnings: list[str] = []
    facts: dict[str, PackageFacts] = {}
    targets: dict[str, Target] = {}
    ref_key: dict[str, str] = {}
    covering = (DepsDevSource(""), EcosystemsSource(""), OsvSource(""))
    for comp in components:
        tgt = target_of(comp)
        if isinstance(tgt, str):
            facts[comp.ref] = PackageFacts(
                purl=comp.purl, name=comp.name, version=comp.version, reason=tgt
            )
            continue
        sources_ok = any(source.supports(tgt) for source in covering)
        if not sources_ok:
            facts[comp.ref] = PackageFacts(
                purl=tgt.key,
                ecosystem=tgt.type,
                name=tgt.name,
                version=tgt.version,
                reason=f"ecosystem {tgt.type!r} is not covered by deps.dev, ecosyste.ms or OSV",
            )
            continue
        targets.setdefault(tgt.key, tgt)
        ref_key[comp.ref] = tgt.key

    cache: Cache | None = None
    if config.use_cache:
        cache = Cache(config.cache_dir)
    counters = {"requests": 0, "bytes": 0, "cache_hits": 0, "failures": 0}
    by_key: dict[str, PackageFacts] = {}
    if targets:
        ordered = [targets[k] for k in sorted(targets)]
        try:
            with paused(promote=True):
                if config.offline and (cache is None or cache.is_empty()):
                    by_key, counters = _offline_without_cache(ordered, config, warnings)
                else:
                    by_key, counters = _run_sync(_run(ordered, config, cache, warnings))
        finally:
            if cache is not None:
                cache.close()
    if cache is not None and cache.disabled:
        warnings.append(f"metadata cache not usable, running without it ({cache.disabled})")
    if cache is not None and cache.rebuilt:
        warnings.append(
            f"metadata cache was unreadable or of another shape and has been rebuilt: {cache.path}"
        )
    if cache is not None and cache.read_only:
        warnings.append(f"metadata cache {cache.read_only}")
    for ref, key in ref_key.items():
        facts[ref] = by_key[key]
    stats = Stats(
        requests=counters["requests"],
        cache_hits=counters["cache_hits"],
        failures=counters["failures"],
        bytes=counters["bytes"],
        seconds=round(time.monotonic() - started, 3),
        components=len(components),
        packages=len(targets),
    )
    if not config.quiet:
        print(summary_line(stats, offline=config.offline), file=sys.stderr)
        if UNREACHABLE in warnings:
            print(f"osaudit: warning: {UNREACHABLE}", file=sys.stderr)
    return MetadataResult(dict(sorted(facts.items())), stats, tuple(warnings))


def summary_line(stats: Stats, *, offline: bool = False) -> str:
    """``osaudit: metadata: ...`` one-line summary for stderr."""
    mode = " (offline)" if offline else ""
    return (
        f"osaudit: metadata{mode}: {stats.packages} packages, {stats.requests} requests, "
        f"{stats.cache_hits} cache hits, {stats.failures} failures, "
        f"{stats.bytes / 1024:.1f} KiB in {stats.seconds:.2f} s"
    )
