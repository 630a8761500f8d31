"""Benchmark metadata collection against the loopback services (tests/apiserver.py).

For each size (1,000 and 10,000 synthetic PyPI components by default) a fresh child
process runs a cold collection, then a warm one on the same cache. Each service runs
in its own process on its own 127.0.0.1 port (deps.dev, ecosyste.ms, OSV and Scorecard
are separate hosts) with 50 ms latency per request. Printed per size:

* requests per service (counted by the servers), cold and warm;
* cold wall time and its ratio to the ideal: the least time any client with this
  concurrency and request rate per service could take, CPU aside. Each service is a host of
  its own with its own limits, so services overlap; a request that needs an earlier answer
  (deps.dev projects and OSV vulnerability records need stage 1's versions and OSV queries;
  the Scorecard API needs the repositories) can start as soon as that answer is in, so a
  service's stages overlap too. Per service the ideal is latency x its fewest rounds
  (max(ceil(its requests / concurrency), s - 1 + ceil(its stage-s requests / concurrency)))
  and no less than its rate floor (requests start 1 / rate apart, 250 per second by
  default, each stage a latency after the one before); the run's ideal is the slowest
  service's. Until this was corrected the rounds of all services were summed stage by
  stage, as if the services and stages could not overlap, and the rate was left out.
* CPU seconds of the collecting process and of each loopback server (the servers build
  their synthetic answers before the clock starts, as a real service has its data at hand);
* peak memory (max RSS of the collecting process);
* whether every fact the synthetic services return reached the facts, and whether the
  warm facts equal the cold ones.

Targets (issue 13): <= 100 requests per 1,000 components cold, 0 warm, ratio <= 2.

    python benchmarks/bench_metadata.py [--sizes 1000 10000] [--latency 0.05]
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.apiserver import ApiServer  # noqa: E402

from osaudit.metadata.config import MetadataConfig  # noqa: E402

SERVICES = ("deps.dev", "ecosyste.ms", "osv", "scorecard")
# Which requests need which earlier answers (see the module docstring).
STAGE_2 = ("/v3alpha/projectbatch", "/v3/projects/", "/v1/vulns/")
STAGE_3 = ("/projects/",)
RATE_PER_HOST = MetadataConfig().rate_per_host  # request starts per second per host


def _serve(latency: float, size: int, urls: Any, counts: Any, stop: Any) -> None:
    """Child process: one loopback API server until ``stop`` is set.

    Each count request is answered with the paths asked since the last one and the CPU
    seconds this process (the server's thread included) used meanwhile.
    """
    srv = ApiServer(latency=latency, synthetic=True)
    srv.precompute([f"synth-{i}" for i in range(size)], "1.0.0")
    srv.start()
    urls.put(srv.url)
    cpu = time.process_time()
    while not stop.wait(0.05):
        if not counts.empty():
            counts.get()
            with srv._lock:
                paths = [r.path for r in srv.requests]
                srv.requests.clear()
            now = time.process_time()
            urls.put((paths, now - cpu))
            cpu = now


def _stage(path: str) -> int:
    if path.startswith(STAGE_3) and not path.startswith("/v3"):
        return 3
    return 2 if path.startswith(STAGE_2) else 1


def ideal_rounds(paths: list[str], concurrency: int) -> int:
    """The fewest rounds one host's requests need, ``concurrency`` of them at a time.

    A stage-``s`` request needs an answer of stage ``s - 1`` (of any host), so it cannot be
    in the first ``s - 1`` rounds; requests of different stages share rounds otherwise.
    """
    per_stage: dict[int, int] = {}
    for path in paths:
        stage = _stage(path)
        per_stage[stage] = per_stage.get(stage, 0) + 1
    return max(
        math.ceil(len(paths) / concurrency),
        *((stage - 1) + math.ceil(n / concurrency) for stage, n in per_stage.items()),
        0,
    )


def rate_floor(paths: list[str], latency: float, rate: float) -> float:
    """The least time one host's requests take at ``rate`` starts per second.

    Its requests start at least ``1 / rate`` apart, and a stage-``s`` request no earlier than
    ``s - 1`` latencies (it needs an earlier answer); the last one then takes a latency.
    """
    if not paths:
        return 0.0
    per_stage: dict[int, int] = {}
    for path in paths:
        stage = _stage(path)
        per_stage[stage] = per_stage.get(stage, 0) + 1
    last_start = max(
        (len(paths) - 1) / rate,
        *((stage - 1) * latency + (n - 1) / rate for stage, n in per_stage.items()),
    )
    return last_start + latency


def _complete(facts: Any, n: int) -> bool:
    """Every fact the synthetic services give for ``synth-<n>`` is in ``facts``."""
    card = facts.scorecard
    vulns_ok = facts.vulns is not None and (
        (n % 50 != 0 and facts.vulns == ())
        or (n % 50 == 0 and len(facts.vulns) == 1 and facts.vulns[0].fixed == ("1.5.0",))
    )
    return all(
        (
            facts.published_at == "2024-01-01T00:00:00Z",
            facts.licences == ("MIT",),
            facts.advisories == ((f"OSV-SYNTH-{n}",) if n % 50 == 0 else ()),
            len(facts.releases) == 6,
            facts.latest_version == "1.5.0",
            facts.first_published_at is not None,
            facts.maintainers == 1 + n % 3,
            facts.dependents == n,
            facts.critical is (n % 100 == 0),
            facts.repository == f"github.com/synth/synth-{n}",
            card is not None and card.overall == 5.5 and card.maintained == 7,
            facts.stars == 10,
            vulns_ok,
        )
    )


def _one_size(size: int, urls: list[str], latency: float, concurrency: int, out: Any) -> None:
    """Child process: cold then warm collection of ``size`` components."""
    from osaudit import model
    from osaudit.metadata.collect import collect

    comps = [
        model.Component(ref=f"c{i}", name=f"synth-{i}", purl=f"pkg:pypi/synth-{i}@1.0.0")
        for i in range(size)
    ]
    now = datetime(2026, 11, 1, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as cache_dir:
        cfg = MetadataConfig(
            depsdev_url=urls[0],
            ecosystems_url=urls[1],
            osv_url=urls[2],
            scorecard_url=urls[3],
            cache_dir=Path(cache_dir),
            concurrency=concurrency,
            quiet=True,
        )
        started, cpu = time.perf_counter(), time.process_time()
        cold = collect(comps, cfg, now=now)
        cold_wall, cold_cpu = time.perf_counter() - started, time.process_time() - cpu
        out.put(("cold", cold_wall, cold_cpu))
        out.get()  # the parent has read the servers' counts
        started, cpu = time.perf_counter(), time.process_time()
        warm = collect(comps, cfg, now=now)
        warm_wall, warm_cpu = time.perf_counter() - started, time.process_time() - cpu
        complete = sum(1 for i in range(size) if _complete(cold.facts[f"c{i}"], i))
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out.put(("warm", warm_wall, warm_cpu, complete, warm.facts == cold.facts, peak_kib))


def _counts(queues: list[tuple[Any, Any]]) -> tuple[list[list[str]], list[float]]:
    """Paths asked of each server since the last call, and each server's CPU seconds."""
    paths, cpus = [], []
    for urls_q, counts_q in queues:
        counts_q.put(1)
        asked, cpu = urls_q.get(timeout=30)
        paths.append(asked)
        cpus.append(cpu)
    return paths, cpus


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    ctx = mp.get_context("spawn")
    stop = ctx.Event()
    queues = [(ctx.Queue(), ctx.Queue()) for _ in SERVICES]
    procs = [
        ctx.Process(target=_serve, args=(args.latency, max(args.sizes), u, c, stop))
        for u, c in queues
    ]
    for p in procs:
        p.start()
    urls = [u.get(timeout=30) for u, _ in queues]
    ok = True
    try:
        for size in args.sizes:
            _counts(queues)  # reset
            out = ctx.Queue()
            child = ctx.Process(
                target=_one_size, args=(size, urls, args.latency, args.concurrency, out)
            )
            child.start()
            _, cold_wall, cold_cpu = out.get(timeout=3600)
            cold_paths, server_cpu = _counts(queues)
            out.put(1)
            _, warm_wall, warm_cpu, complete, same, peak_kib = out.get(timeout=3600)
            warm_paths, _ = _counts(queues)
            child.join(60)
            per_host = [
                (
                    max(
                        ideal_rounds(p, args.concurrency) * args.latency,
                        rate_floor(p, args.latency, RATE_PER_HOST),
                    ),
                    name,
                    ideal_rounds(p, args.concurrency),
                    rate_floor(p, args.latency, RATE_PER_HOST),
                )
                for name, p in zip(SERVICES, cold_paths, strict=True)
            ]
            ideal, slowest, rounds, floor = max(per_host)
            total = sum(len(p) for p in cold_paths)
            per_k = total * 1000 / size
            print(
                f"{size:,} components (latency {args.latency * 1000:.0f} ms, "
                f"concurrency {args.concurrency})"
            )
            for name, paths, warm, scpu in zip(
                SERVICES, cold_paths, warm_paths, server_cpu, strict=True
            ):
                print(
                    f"  {name:12} cold {len(paths):6,} requests; warm {len(warm):,}; "
                    f"server CPU {scpu:.2f} s"
                )
            print(f"  total        cold {total:6,} requests ({per_k:.1f} per 1,000 components)")
            print(
                f"  cold wall    {cold_wall:.2f} s; ideal {ideal:.2f} s (the slowest service, "
                f"{slowest}: {rounds} rounds of {args.concurrency} requests, rate floor "
                f"{floor:.2f} s); "
                f"ratio {cold_wall / ideal:.2f}"
            )
            print(
                f"  cold CPU     {cold_cpu:.2f} s in the collecting process "
                f"({cold_cpu / size * 1000:.2f} ms per component), "
                f"{sum(server_cpu):.2f} s in the servers"
            )
            print(f"  warm wall    {warm_wall:.2f} s; CPU {warm_cpu:.2f} s")
            print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
            print(f"  peak memory  {peak_kib / 1024:.0f} MiB (max RSS of the collecting process)")
            print(f"  facts        complete for {complete:,}/{size:,}; warm == cold: {same}")
            warm_total = sum(len(p) for p in warm_paths)
            ok = ok and per_k <= 100 and warm_total == 0 and complete == size and same
            ok = ok and cold_wall / ideal <= 2
    finally:
        stop.set()
        for p in procs:
            p.join(timeout=10)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
