"""Benchmark: ``osaudit audit --offline`` vs ``osaudit inspect`` on a synthetic SBOM.

Target: audit within 3x the time of inspect on 100k components (the audit reads
the same SBOM, then resolves once per distinct purl, scores licences once per
distinct licence set and writes the report), on both graph shapes of
``synth.py``: ``tree`` (each component depended on by one earlier one) and
``random`` (a merged monorepo: the root depends on its workspace projects, every
component on up to 3 others anywhere, so cycles and many paths per component).
``--memory N`` also audits an N-component tree SBOM and prints the audit
process's peak RSS (target: 1M components within 4 GB).

``--corpus DIR --baseline SRC`` audits every SBOM under DIR (``invalid/``
excepted) with this checkout and with the osaudit package under SRC (e.g. a
``git archive`` of main's ``src``), one process per version and pass, passes
alternating; it prints each pass's CPU time, the ratios and whether every
report is byte-identical between the two (target: no slowdown on the corpus).

    python benchmarks/bench_audit.py [--size 100000] [--repeat 1] [--graph tree|random|both]
                                     [--memory 1000000] [--corpus DIR --baseline SRC]

Each command runs in a fresh subprocess; ``OSAUDIT_CACHE_DIR`` is a temp dir
whose parsed catalogue is warmed by one tiny audit first (as on any machine
after the first run) while its metadata cache stays empty (``--offline`` never
writes metadata); the best wall time of ``--repeat`` runs is reported.
``--breakdown`` also times each pipeline stage in-process. The SBOM comes from ``benchmarks/synth.py`` (``write_synthetic``)
when it exists, else from the small generator below (a mix of catalogue hits,
misses and repeated purls with a two-level dependency graph).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OSAUDIT = [
    sys.executable,
    "-c",
    "import sys; from osaudit.cli import main; sys.exit(main(sys.argv[1:]))",
]

HITS = [
    ("pypi", "", "boto3", "1.35.36", "Apache-2.0"),
    ("pypi", "", "botocore", "1.35.36", "Apache-2.0"),
    ("pypi", "", "stripe", "11.1.0", "MIT"),
    ("pypi", "", "sentry-sdk", "2.17.0", "MIT"),
    ("pypi", "", "twilio", "9.3.3", "MIT"),
    ("pypi", "", "openai", "1.51.2", "Apache-2.0"),
    ("npm", "%40sentry", "browser", "8.35.0", "MIT"),
    ("npm", "", "mapbox-gl", "3.7.0", "SEE LICENSE IN LICENSE.txt"),
    ("maven", "com.amazonaws", "aws-java-sdk-s3", "1.12.770", "Apache-2.0"),
]
LICENCES = [
    "MIT",
    "Apache-2.0",
    "BSD-3-Clause",
    "ISC",
    "GPL-2.0-only",
    "LGPL-2.1-or-later",
    "MPL-2.0",
    "Apache-2.0 OR MIT",
]


def generate(path: Path, n: int) -> None:
    """A CycloneDX 1.6 JSON SBOM with ``n`` components (about 1% catalogue hits)."""
    comps = []
    for i in range(n):
        if i % 100 == 0:
            eco, ns, name, ver, lic = HITS[(i // 100) % len(HITS)]
            ver = f"{ver}.{i}" if eco != "maven" else ver
        else:
            eco, ns, name, ver, lic = (
                "npm",
                "",
                f"pkg-{i % 5000}",
                f"1.{i // 5000}.0",
                LICENCES[i % len(LICENCES)],
            )
        purl = f"pkg:{eco}/{ns + '/' if ns else ''}{name}@{ver}"
        ref = f"{purl}#{i}"
        key = "expression" if " " in lic else ("id" if "LICENSE" not in lic else "name")
        entry = {"expression": lic} if key == "expression" else {"license": {key: lic}}
        comps.append(
            {
                "type": "library",
                "bom-ref": ref,
                "name": name,
                "version": ver,
                "purl": purl,
                "licenses": [entry],
            }
        )
    direct = [c["bom-ref"] for c in comps[: max(1, n // 50)]]
    deps = [{"ref": "root", "dependsOn": direct}]
    for j, c in enumerate(comps[: max(1, n // 50)]):
        deps.append(
            {
                "ref": c["bom-ref"],
                "dependsOn": [
                    x["bom-ref"] for x in comps[n // 50 + j * 49 : n // 50 + (j + 1) * 49]
                ],
            }
        )
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "serialNumber": "urn:uuid:00000000-0000-4000-8000-000000000001",
        "metadata": {"component": {"type": "application", "bom-ref": "root", "name": "synthetic"}},
        "components": comps,
        "dependencies": deps,
    }
    path.write_text(json.dumps(bom), encoding="utf-8")


def make_sbom(path: Path, n: int, graph: str = "tree") -> str:
    """Write the SBOM with synth.py when available; return which generator was used."""
    sys.path.insert(0, str(HERE))
    try:
        from synth import write_synthetic  # type: ignore[import-not-found]
    except ImportError:
        if graph != "tree":
            sys.exit("the random graph shape needs benchmarks/synth.py")
        generate(path, n)
        return "bench_audit.generate"
    write_synthetic(path, n, "cyclonedx-json", graph)
    return f"synth.write_synthetic, graph {graph}"


def timed(args: list[str], env: dict[str, str], repeat: int) -> float:
    return measured(args, env, repeat)[0]


def measured(args: list[str], env: dict[str, str], repeat: int) -> tuple[float, float, int]:
    """Best wall time, best CPU time (user + system) and largest peak RSS (bytes)."""
    best = best_cpu = float("inf")
    peak = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        with tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(
                [*OSAUDIT, *args], env=env, stdout=subprocess.DEVNULL, stderr=err
            )
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            elapsed = time.perf_counter() - t0
            if proc.returncode not in (0, 1):
                err.seek(0)
                sys.exit(
                    f"{' '.join(args[:2])} failed ({proc.returncode}): "
                    f"{err.read().decode(errors='replace')[-500:]}"
                )
        best = min(best, elapsed)
        best_cpu = min(best_cpu, usage.ru_utime + usage.ru_stime)
        peak = max(peak, usage.ru_maxrss * 1024)  # Linux reports KiB
    return best, best_cpu, peak


def warm_up(tmp: str, env: dict[str, str]) -> None:
    """One tiny offline audit so the parsed catalogue is cached, as after any first run.

    ``--offline`` never writes metadata, so the metadata cache stays empty.
    """
    tiny = Path(tmp) / "tiny.cdx.json"
    generate(tiny, 10)
    timed(["audit", str(tiny), "--offline", "--quiet", "-o", str(Path(tmp) / "tiny.json")], env, 1)


def breakdown(sbom: Path) -> None:
    """Time the pipeline stages of one in-process audit (empty metadata cache)."""
    from datetime import UTC, datetime

    from osaudit.catalog import load_catalog
    from osaudit.pipeline import AuditOptions, build
    from osaudit.pipeline import components as stage
    from osaudit.sbom import read_sbom

    now = datetime(2026, 11, 23, tzinfo=UTC)
    opts = AuditOptions(offline=True, now=now)
    t0 = time.perf_counter()
    marks: list[tuple[str, float]] = []

    def lap(name: str) -> None:
        marks.append((name, time.perf_counter()))

    sb = read_sbom(str(sbom))
    lap("read_sbom")
    catalog = load_catalog(())
    lap("load_catalog")
    catalog.resolve_all(sb.components)
    lap("resolve_all")
    graph = stage.depth(sb)
    lap("graph (direct, introduced_by)")
    collected = stage.collect_metadata(sb.components, None, offline=True, now=now)
    lap("metadata collect (offline)")
    maint = stage.maintenance_scorer(collected, now)
    for c in sb.components:
        maint(c)
    lap("score_maintenance")
    lic = stage.licence_scorer(None)
    for c in sb.components:
        lic(c, None)
    lap("licence scoring (cached)")
    stage.score_components(sb, catalog, graph, lic, maint)
    lap("score_components (rows)")
    result = build(str(sbom), opts)
    lap("whole build() again")
    result.report.to_json()
    lap("render json")
    prev = t0
    print("stage breakdown (in-process):")
    for name, t in marks:
        print(f"  {name:32s} {t - prev:7.2f} s")
        prev = t


def compare(tmp: str, env: dict[str, str], size: int, graph: str, repeat: int, brk: bool) -> None:
    """inspect vs audit --offline on one graph shape; prints times and the ratio."""
    sbom = Path(tmp) / f"synthetic-{graph}.cdx.json"
    how = make_sbom(sbom, size, graph)
    print(f"SBOM: {size} components, {sbom.stat().st_size / 1e6:.1f} MB ({how})")
    wall_i, cpu_i, _ = measured(["inspect", str(sbom), "--format", "json"], env, repeat)
    out = str(Path(tmp) / "report.json")
    audit = ["audit", str(sbom), "--offline", "--quiet", "--now", "2026-11-23T00:00:00Z", "-o", out]
    wall_a, cpu_a, peak = measured(audit, env, repeat)
    print(f"  osaudit inspect:         {wall_i:7.2f} s wall {cpu_i:7.2f} s CPU")
    print(f"  osaudit audit --offline: {wall_a:7.2f} s wall {cpu_a:7.2f} s CPU, "
          f"peak RSS {peak / 2**20:.0f} MiB, report {Path(out).stat().st_size / 1e6:.1f} MB")  # fmt: skip
    if brk:
        breakdown(sbom)
    ratio = wall_a / wall_i
    print(
        f"  ratio audit/inspect [{graph}]: {ratio:5.2f}x wall, {cpu_a / cpu_i:5.2f}x CPU "
        f"(target <= 3x: {'met' if ratio <= 3 else 'NOT met'})"
    )
    sbom.unlink()


def memory(tmp: str, env: dict[str, str], size: int) -> None:
    """Peak RSS of one audit of a ``size``-component tree SBOM."""
    sbom = Path(tmp) / "synthetic-memory.cdx.json"
    how = make_sbom(sbom, size, "tree")
    out = str(Path(tmp) / "report-memory.json")
    audit = ["audit", str(sbom), "--offline", "--quiet", "--now", "2026-11-23T00:00:00Z", "-o", out]
    wall, cpu, peak = measured(audit, env, 1)
    print(f"SBOM: {size} components, {sbom.stat().st_size / 1e6:.1f} MB ({how})")
    print(f"  audit --offline: {wall:.1f} s wall {cpu:.1f} s CPU, peak RSS {peak / 2**30:.2f} GiB "
          f"(target <= 4 GiB: {'met' if peak <= 4 * 2**30 else 'NOT met'})")  # fmt: skip


#: run by each version: audit every file through the command line, in one process
_CORPUS_DRIVER = """
import os, sys, time
from osaudit.cli import main
files, out = sys.argv[1:-1], sys.argv[-1]
t0 = time.process_time()
for i, f in enumerate(files):
    main(["audit", f, "--offline", "--quiet", "--now", "2026-11-23T00:00:00Z",
          "-o", os.path.join(out, f"{i}.json")])
print(time.process_time() - t0)
"""


def _bytes_or_none(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def corpus(tmp: str, env: dict[str, str], root: Path, baseline: Path, repeat: int) -> None:
    """This checkout vs ``baseline`` on every SBOM under ``root``: CPU per pass, same bytes."""
    files = sorted(
        str(p) for p in root.rglob("*")
        if p.is_file() and "invalid" not in p.relative_to(root).parts
        and p.suffix in (".json", ".xml", ".spdx", ".tv")
    )  # fmt: skip
    versions = {"this checkout": env, "baseline": {**env, "PYTHONPATH": str(baseline)}}
    times: dict[str, list[float]] = {name: [] for name in versions}
    outs = {name: Path(tmp) / name.replace(" ", "-") for name in versions}
    for _ in range(repeat):
        for name, venv in versions.items():
            outs[name].mkdir(exist_ok=True)
            proc = subprocess.run(
                [sys.executable, "-c", _CORPUS_DRIVER, *files, str(outs[name])],
                env=venv, capture_output=True, text=True, check=True,
            )  # fmt: skip
            times[name].append(float(proc.stdout.split()[-1]))
    written = [[_bytes_or_none(d / f"{i}.json") for d in outs.values()] for i in range(len(files))]
    same = all(a == b for a, b in written)
    unread = sum(a is None for a, _ in written)
    print(f"corpus: {len(files)} files under {root} ({unread} not SBOMs osaudit reads), "
          "audit --offline, CPU per pass")  # fmt: skip
    for name, ts in times.items():
        print(f"  {name:14s} " + " ".join(f"{t:6.2f}" for t in ts) + " s")
    ratios = [a / b for a, b in zip(times["this checkout"], times["baseline"], strict=True)]
    print("  ratio this/baseline per pass: " + " ".join(f"{r:.3f}" for r in ratios)
          + f"; reports byte-identical: {same}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--graph", choices=("tree", "random", "both"), default="both")
    ap.add_argument("--memory", type=int, default=0, metavar="N",
                    help="also measure the peak RSS of auditing N components (tree)")  # fmt: skip
    ap.add_argument(
        "--breakdown", action="store_true", help="also time each pipeline stage in-process"
    )
    ap.add_argument("--corpus", type=Path, metavar="DIR", help="real SBOMs to audit")
    ap.add_argument("--baseline", type=Path, metavar="SRC",
                    help="with --corpus: the src directory of the version to compare with")  # fmt: skip
    args = ap.parse_args()
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    with tempfile.TemporaryDirectory() as tmp:
        env["OSAUDIT_CACHE_DIR"] = os.environ["OSAUDIT_CACHE_DIR"] = str(Path(tmp) / "cache")
        warm_up(tmp, env)
        if args.corpus:
            if not args.baseline:
                sys.exit("--corpus needs --baseline SRC")
            corpus(tmp, env, args.corpus, args.baseline.resolve(), max(args.repeat, 1))
            return
        shapes = ("tree", "random") if args.graph == "both" else (args.graph,)
        for graph in shapes:
            compare(tmp, env, args.size, graph, args.repeat, args.breakdown)
        if args.memory:
            memory(tmp, env, args.memory)


if __name__ == "__main__":
    main()
