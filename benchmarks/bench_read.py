"""Benchmark ``read_sbom`` per format and size against a bare ``orjson.loads``.

Each measurement runs in a fresh Python process; peak memory is that process's
``ru_maxrss`` (interpreter and imports included). Times cover the read only.

    python benchmarks/bench_read.py                 # 1k, 10k, 100k in every format
    python benchmarks/bench_read.py --sizes 1000,10000 --formats cyclonedx-json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import FORMATS  # noqa: E402

# Peak RSS: VmHWM of this process (reset by exec, unlike ru_maxrss, which Linux
# carries over from the parent through fork+exec); ru_maxrss where /proc is absent.
_PEAK = """
def peak_kib():
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""
_READ = _PEAK + """
import json, sys, time
from osaudit.sbom import read_sbom
from osaudit.sbom import graph
t = time.perf_counter()
sbom = read_sbom(sys.argv[1])
dt = time.perf_counter() - t
t = time.perf_counter()
graph.introduced_by(sbom, [c.ref for c in sbom.components])
gt = time.perf_counter() - t
print(json.dumps({"seconds": dt, "graph": gt, "components": len(sbom.components),
                  "rss_kib": peak_kib()}))
"""
_ORJSON = _PEAK + """
import json, sys, time
import orjson
t = time.perf_counter()
with open(sys.argv[1], "rb") as fh:
    doc = orjson.loads(fh.read())
dt = time.perf_counter() - t
print(json.dumps({"seconds": dt, "components": None, "rss_kib": peak_kib()}))
"""
_SYNTH = str(Path(__file__).resolve().with_name("synth.py"))


def generate(path: Path, n: int, fmt: str) -> Path:
    """Write the synthetic file in a child process so this one stays small."""
    subprocess.run([sys.executable, _SYNTH, str(path), str(n), fmt], check=True)
    return path


def measure(script: str, path: Path, repeat: int) -> dict[str, float]:
    """Best time and its peak RSS over ``repeat`` fresh processes."""
    best: dict[str, float] | None = None
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", script, str(path)], check=True,
                             capture_output=True, text=True).stdout  # fmt: skip
        got = json.loads(out.strip().splitlines()[-1])
        if best is None or got["seconds"] < best["seconds"]:
            best = got
    assert best is not None
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="comma-separated sizes")
    ap.add_argument("--formats", default=",".join(FORMATS), help="comma-separated formats")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (best kept)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    formats = [f for f in args.formats.split(",") if f]
    header = (f"{'format':<15} {'n':>7} {'MiB':>7} {'read s':>8} {'read RSS':>9} "
              f"{'graph s':>8} {'orjson s':>9} {'orjson RSS':>10} {'ratio':>6}")  # fmt: skip
    print(header)
    print("-" * len(header))
    per_format: dict[str, dict[int, float]] = {}
    bare_times: dict[str, dict[int, float]] = {}
    with tempfile.TemporaryDirectory(prefix="osaudit-bench-") as tmp:
        for fmt in formats:
            for n in sizes:
                path = generate(Path(tmp) / f"{fmt}-{n}", n, fmt)
                read = measure(_READ, path, args.repeat)
                if read["components"] not in (n, n + 1):  # SPDX lists the subject too
                    raise SystemExit(f"{fmt} {n}: read {read['components']} components")
                per_format.setdefault(fmt, {})[n] = read["seconds"]
                mib = path.stat().st_size / 2**20
                line = (f"{fmt:<15} {n:>7} {mib:>7.1f} {read['seconds']:>8.3f} "
                        f"{read['rss_kib'] / 1024:>7.0f}Mi {read['graph']:>8.3f}")  # fmt: skip
                if fmt in ("cyclonedx-json", "spdx2-json", "spdx3"):
                    bare = measure(_ORJSON, path, args.repeat)
                    bare_times.setdefault(fmt, {})[n] = bare["seconds"]
                    line += (f" {bare['seconds']:>9.3f} {bare['rss_kib'] / 1024:>8.0f}Mi "
                             f"{read['seconds'] / bare['seconds']:>5.1f}x")  # fmt: skip
                print(line, flush=True)
                path.unlink()
    print()
    for fmt, times in per_format.items():
        if 10_000 in times and 100_000 in times:
            growth = times[100_000] / times[10_000]
            line = f"{fmt:<15} 10k -> 100k time growth: {growth:.1f}x (linear = 10x)"
            bare = bare_times.get(fmt, {})
            if 10_000 in bare and 100_000 in bare:
                line += f"; bare orjson.loads on the same files: {bare[100_000] / bare[10_000]:.1f}x"
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
