"""Benchmark: `osaudit portfolio ingest` and `report` on a synthetic portfolio.

Targets (2-core machine): 1,000 applications, 12 monthly runs, ingest <= 60 s in
all, report <= 10 s, peak memory <= 2 GiB; printed for 100, 300 and 1,000
applications so the growth shows.

    python benchmarks/bench_portfolio.py [--apps 100,300,1000] [--months 12]
        [--universe 1500] [--per-app 50:250]

Real report shapes: the component entries are taken unchanged from reports that
`osaudit audit --offline` writes for the example SBOM and the corpus's
generated SBOMs (citizen-portal, Signalen, Docs, Trackdéchets), so every
catalogue match carries its real family, vendor and exits. ``--universe``
distinct components (all catalogue matches among them) make the portfolio; each
application uses ``--per-app`` of them (uniform range), and each month a few of
its components are swapped, upgraded or change maintenance level, as monthly
audits would show. Maintenance levels are assigned (1 % critical, 3 % high),
since offline reports know none.

Each month's reports are written to a folder and ingested with one
`osaudit portfolio ingest` (as a monthly CI job would), then the folder is
removed; ingest time is the sum of the 12 ingests. Each command runs in its
own process; peak memory is the largest max-RSS of those processes.
"""

from __future__ import annotations

import argparse
import copy
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "generated"
SOURCES = [ROOT / "examples" / "citizen-portal.cdx.json", *sorted(CORPUS.glob("*.cdx.json"))]
OSAUDIT = [sys.executable, "-c", "import sys; from osaudit.cli import main; sys.exit(main(sys.argv[1:]))"]
NOW = "2027-01-01T00:00:00Z"


CPU: list[float] = [0.0]  # CPU seconds (user + system) of the last _run


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and max RSS (bytes) of one osaudit process (its CPU seconds in CPU[0])."""
    start = time.perf_counter()
    proc = subprocess.Popen([*OSAUDIT, *argv], env=env, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    CPU[0] = usage.ru_utime + usage.ru_stime
    if proc.returncode not in (0, 1):
        raise SystemExit(f"osaudit {' '.join(argv[:2])} failed with {proc.returncode}")
    return elapsed, usage.ru_maxrss * 1024


def real_reports(tmp: Path, env: dict[str, str]) -> list[dict]:
    out = []
    for sbom in SOURCES:
        target = tmp / f"{sbom.name}.report.json"
        _run(["audit", str(sbom), "--offline", "--quiet", "--now", "2026-12-01T00:00:00Z",
              "--format", "json", "-o", str(target)], env)
        out.append(orjson.loads(target.read_bytes()))
    return out


def universe(reports: list[dict], size: int, rng: random.Random) -> tuple[list[dict], list[dict]]:
    """(catalogue-matched, other) component entries, distinct by purl, ``size`` in all."""
    seen: set[str] = set()
    matched, other = [], []
    for rep in reports:
        for c in rep["components"]:
            key = c.get("purl") or c["ref"]
            if key in seen:
                continue
            seen.add(key)
            (matched if c["lockin"].get("family") else other).append(c)
    rng.shuffle(other)
    other = other[: max(size - len(matched), 0)]
    for c in other:
        roll = rng.random()
        c["maintenance"]["level"] = (
            "critical" if roll < 0.01 else "high" if roll < 0.04 else rng.choice(["none", "low", "medium"])
        )
    return matched, other


def build_apps(n: int, matched: list[dict], other: list[dict], per_app: tuple[int, int],
               rng: random.Random) -> list[list[dict]]:
    apps = []
    for _ in range(n):
        size = rng.randint(*per_app)
        k = min(len(matched), rng.randint(0, 12))
        apps.append(rng.sample(matched, k) + rng.sample(other, max(size - k, 0)))
    return apps


def month_report(template: dict, name: str, when: str, comps: list[dict]) -> bytes:
    rep = dict(template)
    rep["generated_at"] = when
    rep["sbom"] = {**template["sbom"], "subject": {"name": name, "version": when[:7], "purl": None},
                   "name": name}
    rep["components"] = comps
    rep["summary"] = {**template["summary"], "components": len(comps)}
    return orjson.dumps(rep, option=orjson.OPT_INDENT_2)


def evolve(comps: list[dict], matched: list[dict], other: list[dict], rng: random.Random) -> list[dict]:
    """Next month's components: a few swapped, one upgraded, a vendor product maybe added/dropped."""
    comps = list(comps)
    for _ in range(rng.randint(0, 3)):
        comps[rng.randrange(len(comps))] = rng.choice(other)
    if rng.random() < 0.1:
        comps.append(rng.choice(matched))
    if rng.random() < 0.1:
        fams = [i for i, c in enumerate(comps) if c["lockin"].get("family")]
        if fams:
            comps.pop(rng.choice(fams))
    i = rng.randrange(len(comps))
    bumped = copy.deepcopy(comps[i])
    bumped["version"] = (bumped.get("version") or "0") + ".1"
    bumped["ref"] = bumped["ref"] + ".1"
    comps[i] = bumped
    return comps


def bench(n_apps: int, months: int, matched, other, template, per_app, env, work: Path) -> dict:
    rng = random.Random(n_apps)
    apps = build_apps(n_apps, matched, other, per_app, rng)
    db = work / f"portfolio-{n_apps}.duckdb"
    ingest_s, ingest_cpu, peak, rows, size = 0.0, 0.0, 0, 0, 0
    for m in range(months):
        when = f"2026-{m + 1:02d}-15T06:00:00Z"
        folder = work / f"run-{n_apps}-{m:02d}"
        folder.mkdir()
        for a, comps in enumerate(apps):
            blob = month_report(template, f"app-{a:04d}", when, comps)
            (folder / f"app-{a:04d}.json").write_bytes(blob)
            size += len(blob)
            rows += len(comps)
        seconds, rss = _run(["portfolio", "ingest", "-q", "--db", str(db), str(folder)], env)
        ingest_s += seconds
        ingest_cpu += CPU[0]
        peak = max(peak, rss)
        shutil.rmtree(folder)
        apps = [evolve(c, matched, other, rng) for c in apps]
    report_s, html_rss = _run(["portfolio", "report", "--db", str(db), "--now", NOW,
                               "--format", "html", "-o", str(work / "p.html")], env)
    report_cpu = CPU[0]
    json_s, json_rss = _run(["portfolio", "report", "--db", str(db), "--now", NOW,
                             "--format", "json", "-o", str(work / "p.json")], env)
    parquet_s, pq_rss = _run(["portfolio", "export", "--db", str(db),
                              str(work / f"parquet-{n_apps}")], env)
    return {
        "apps": n_apps,
        "runs": n_apps * months,
        "component_rows": rows,
        "json_gib": size / 2**30,
        "ingest_s": ingest_s,
        "ingest_cpu": ingest_cpu,
        "report_html_s": report_s,
        "report_cpu": report_cpu,
        "report_json_s": json_s,
        "parquet_s": parquet_s,
        "ingest_gib": peak / 2**30,
        "report_gib": max(html_rss, json_rss) / 2**30,
        "export_gib": pq_rss / 2**30,
        "db_mib": db.stat().st_size / 2**20,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--apps", default="100,300,1000")
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--universe", type=int, default=1500)
    ap.add_argument("--per-app", default="50:250")
    args = ap.parse_args()
    lo, hi = (int(x) for x in args.per_app.split(":"))
    with tempfile.TemporaryDirectory(prefix="bench-portfolio-") as tmp:
        work = Path(tmp)
        env = dict(os.environ, OSAUDIT_CACHE_DIR=str(work / "cache"))
        reports = real_reports(work, env)
        rng = random.Random(15)
        matched, other = universe(reports, args.universe, rng)
        template = {k: v for k, v in reports[0].items() if k != "components"}
        print(f"universe: {len(matched) + len(other)} distinct components "
              f"({len(matched)} catalogue matches) from {len(reports)} real reports; "
              f"{lo}-{hi} per application; {args.months} monthly runs")
        head = (f"{'apps':>5} {'runs':>6} {'comp rows':>10} {'JSON GiB':>8} "
                f"{'ingest s (cpu)':>15} {'report s (cpu)':>15} {'json s':>7} {'export s':>8} "
                f"{'peak GiB ingest/report/export':>30} {'db MiB':>7}")
        print(head)
        for n in (int(x) for x in args.apps.split(",")):
            r = bench(n, args.months, matched, other, template, (lo, hi), env, work)
            peaks = f"{r['ingest_gib']:.2f}/{r['report_gib']:.2f}/{r['export_gib']:.2f}"
            print(f"{r['apps']:>5} {r['runs']:>6} {r['component_rows']:>10} {r['json_gib']:>8.2f} "
                  f"{r['ingest_s']:>7.1f} ({r['ingest_cpu']:>5.1f}) "
                  f"{r['report_html_s']:>7.2f} ({r['report_cpu']:>5.2f}) {r['report_json_s']:>7.2f} "
                  f"{r['parquet_s']:>8.2f} {peaks:>30} {r['db_mib']:>7.0f}", flush=True)
        print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
              "(wall times grow with other load; CPU seconds much less)")
        print("targets at 1,000 applications: ingest <= 60 s, report <= 10 s, peak <= 2 GiB")


if __name__ == "__main__":
    main()
