"""Time every report format on a real pipeline result; CycloneDX against the JSON render.

Usage: python benchmarks/bench_report.py [--size N ...] [--input FORMAT ...]
                                         [--sbom PATH ...] [--repeat R]

For each size (default 10000) and input format (default ``cyclonedx-json``; also
``cyclonedx-xml``, ``spdx2-json``), ``benchmarks/synth.py`` writes an SBOM of N
components, the pipeline audits it once (offline, no metadata) keeping its bytes, and
every format is rendered ``--repeat`` times, interleaved (default 5; best time shown).
``--sbom`` adds real SBOM files (e.g. ../shared/corpus/generated/*.cdx.json).

Target (issue 14): CycloneDX output on 10k components within 2x the JSON render,
both measured in the same run; the ``cyclonedx/json`` line prints the ratio. For a
CycloneDX input the output is that document written back enriched; for SPDX it is the
BOM converted through cyclonedx-python-lib (the path every input took before).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import write_synthetic  # noqa: E402

from osaudit.pipeline import AuditOptions, build  # noqa: E402
from osaudit.report import FORMATS, RenderContext, render  # noqa: E402

TARGET = 2.0


def bench(label: str, path: Path, repeat: int) -> float:
    """Print one table for ``path``; return the cyclonedx/json ratio."""
    options = AuditOptions(offline=True, collect_metadata=False, keep_source=True,
                           now=datetime(2026, 11, 23, tzinfo=UTC))  # fmt: skip
    result = build(str(path), options)
    ctx = RenderContext(sbom=result.sbom, sbom_path=str(path), source=result.source)
    times = {fmt: float("inf") for fmt in sorted(FORMATS)}
    sizes: dict[str, int] = {}
    for _ in range(repeat):  # formats interleaved, so load on the machine hits all alike
        for fmt in times:
            start = time.perf_counter()
            sizes[fmt] = len(render(fmt, result.report, ctx))
            times[fmt] = min(times[fmt], time.perf_counter() - start)
    comps = len(result.report.components)
    for fmt, seconds in times.items():
        print(f"{label:>28} {comps:>10} {fmt:>10} {seconds:>9.4f} {sizes[fmt]:>11}")
    ratio = times["cyclonedx"] / times["json"]
    verdict = "within" if ratio <= TARGET else "NOT within"
    print(f"{label:>28} {comps:>10} {'cdx/json':>10} {ratio:>9.2f}x ({verdict} {TARGET:g}x)")
    return ratio


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, action="append", help="components (10000)")
    parser.add_argument("--input", action="append",
                        choices=("cyclonedx-json", "cyclonedx-xml", "spdx2-json"))
    parser.add_argument("--sbom", action="append", default=[], type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"{'input':>28} {'components':>10} {'format':>10} {'seconds':>9} {'bytes':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.size or [10000]:
            for kind in args.input or ["cyclonedx-json"]:
                suffix = "xml" if kind.endswith("xml") else "json"
                path = write_synthetic(Path(tmp) / f"synth-{n}.{suffix}", n, kind)
                bench(f"synthetic {kind}", path, args.repeat)
    for path in args.sbom:
        bench(path.name[:28], path, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
