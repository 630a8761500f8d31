"""Benchmark metadata collection: 1,000 synthetic components against the local fake API.

Each service runs on its own 127.0.0.1 port (as deps.dev, ecosyste.ms, OSV and
Scorecard are separate hosts) with 50 ms latency per request. Prints requests,
bytes, wall time and the ratio to the ideal ``requests x latency / concurrency``
(target <= 1.5), then a second run with a warm cache (target: 0 requests, < 1 s).

    /work/venv/bin/python benchmarks/bench_metadata.py [--components N] [--latency S]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.apiserver import ApiServer  # noqa: E402

from osaudit import model  # noqa: E402
from osaudit.metadata.collect import collect  # noqa: E402
from osaudit.metadata.config import MetadataConfig  # noqa: E402


def _serve(latency: float, urls: mp.Queue, stop: mp.Event) -> None:  # type: ignore[type-arg]
    """Child process: one fake API server until ``stop`` is set (keeps the GIL apart)."""
    srv = ApiServer(latency=latency, synthetic=True).start()
    urls.put(srv.url)
    stop.wait()
    srv.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--components", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    comps = [
        model.Component(ref=f"c{i}", name=f"synth-{i}", purl=f"pkg:pypi/synth-{i}@1.0.0")
        for i in range(args.components)
    ]
    ctx = mp.get_context("spawn")
    stop = ctx.Event()
    queue: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    procs = [ctx.Process(target=_serve, args=(args.latency, queue, stop)) for _ in range(4)]
    for p in procs:
        p.start()
    urls = [queue.get(timeout=30) for _ in procs]
    try:
        with tempfile.TemporaryDirectory() as cache_dir:
            cfg = MetadataConfig(
                depsdev_url=urls[0],
                ecosystems_url=urls[1],
                osv_url=urls[2],
                scorecard_url=urls[3],
                cache_dir=Path(cache_dir),
                concurrency=args.concurrency,
                quiet=True,
            )
            now = datetime(2026, 11, 1, tzinfo=UTC)
            started, cpu = time.perf_counter(), time.process_time()
            cold = collect(comps, cfg, now=now)
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
            served = cold.stats.requests
            ideal = served * args.latency / args.concurrency
            unknown = sum(1 for f in cold.facts.values() if not f.ok("deps.dev"))
            print(
                f"components:        {args.components} (latency {args.latency * 1000:.0f} ms, "
                f"concurrency {args.concurrency})"
            )
            print(f"cold run requests: {cold.stats.requests}")
            print(f"cold run bytes:    {cold.stats.bytes} received")
            print(
                f"cold run time:     {wall:.2f} s; ideal {ideal:.2f} s; "
                f"ratio {wall / ideal:.2f} (target <= 1.5)"
            )
            print(
                f"cold run CPU:      {cpu:.2f} s in this process "
                f"({cpu / max(1, cold.stats.requests) * 1000:.2f} ms per request); "
                f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
            )
            print(
                f"cold run failures: {cold.stats.failures}; components without deps.dev "
                f"facts: {unknown}"
            )
            started = time.perf_counter()
            warm = collect(comps, cfg, now=now)
            wall2 = time.perf_counter() - started
            print(
                f"warm run requests: {warm.stats.requests}; "
                f"cache hits {warm.stats.cache_hits}; time {wall2:.3f} s (target < 1 s)"
            )
            same = {k: v for k, v in warm.facts.items()} == {k: v for k, v in cold.facts.items()}
            print(f"warm facts identical to cold facts: {same}")
            ok = wall / ideal <= 1.5 and warm.stats.requests == 0 and wall2 < 1.0 and same
    finally:
        stop.set()
        for p in procs:
            p.join(timeout=10)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
