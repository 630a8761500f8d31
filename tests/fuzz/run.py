"""Coverage-guided fuzzing of osaudit's readers and CLI with atheris (libFuzzer).

    python -m tests.fuzz.run TARGET [--seconds 60] [--corpus DIR]   # TARGET: see targets.py
    python -m tests.fuzz.run all --seconds 600                      # every target in turn

Seeds are the files of ``../shared/corpus`` (copied into a scratch corpus, the shared
corpus is never written); the limits are the contract's, 5 s and 2 GiB per input. An
input that breaks the contract is written to ``tests/fuzz/regressions/TARGET/`` —
commit it with the fix: ``tests/test_fuzz_regressions.py`` replays every file there.
Each target runs in its own process; the CPU seconds it used and its result are
printed on the last line (``fuzz TARGET: N s CPU, ok`` or ``..., CRASH``).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
REGRESSIONS = HERE / "regressions"
MAX_LEN = 256 * 1024  # longer inputs add time per run, not new paths
MAX_LEN_CLI = 64 * 1024  # the whole pipeline and six renderers per run: keep inputs small

SNIFF_SEEDS = {  # corpus folder(s) whose files seed each reader's target
    "cyclonedx-json": ("cyclonedx/json", "generated"),
    "cyclonedx-xml": ("cyclonedx/xml",),
    "spdx2-json": ("spdx/json",),
    "spdx2-tv": ("spdx/tv",),
    "spdx3": ("spdx3",),
    "cli": ("cyclonedx/json", "cyclonedx/xml", "spdx/json", "spdx/tv", "spdx3", "invalid"),
}


def _max_len(name: str) -> int:
    return MAX_LEN_CLI if name == "cli" else MAX_LEN


def seed_corpus(name: str, into: Path) -> int:
    """Copy the seeds of ``name`` (small files only) and earlier crashers into ``into``."""
    n = 0
    for folder in SNIFF_SEEDS[name]:
        for p in sorted((CORPUS / folder).rglob("*")) if (CORPUS / folder).is_dir() else []:
            if p.is_file() and p.suffix != ".md" and p.stat().st_size <= _max_len(name):
                shutil.copyfile(p, into / f"seed-{n}")
                n += 1
    for p in sorted((REGRESSIONS / name).glob("*")) if (REGRESSIONS / name).is_dir() else []:
        shutil.copyfile(p, into / f"regression-{p.name}")
        n += 1
    return n


def fuzz_in_this_process(name: str, seconds: int, corpus: Path) -> None:
    import atheris

    with atheris.instrument_imports(include=["osaudit"]):
        import osaudit.cli  # noqa: F401  (instrumented: the whole pipeline)
        from tests.fuzz.targets import target

    one = target(name)
    # One run before the clock starts: imports and the parsed-catalogue cache are built
    # once per process, which can take longer than a unit's 5 s on a loaded runner.
    one((ROOT / "examples" / "citizen-portal.cdx.json").read_bytes())
    (REGRESSIONS / name).mkdir(parents=True, exist_ok=True)
    args = [sys.argv[0], str(corpus), f"-max_total_time={seconds}", "-timeout=5",
            "-rss_limit_mb=2048", f"-max_len={_max_len(name)}", "-print_final_stats=1",
            "-report_slow_units=3600",
            f"-artifact_prefix={REGRESSIONS / name}/"]  # fmt: skip
    atheris.Setup(args, one)
    atheris.Fuzz()


def fuzz(name: str, seconds: int, keep: Path | None) -> tuple[float, bool]:
    """Fuzz ``name`` for ``seconds`` in a child process: (CPU seconds, contract held)."""
    with tempfile.TemporaryDirectory(prefix=f"osaudit-fuzz-{name}-") as tmp:
        corpus = keep or Path(tmp)
        corpus.mkdir(parents=True, exist_ok=True)
        seeds = seed_corpus(name, corpus)
        env = {**os.environ, "OSAUDIT_CACHE_DIR": str(Path(tmp) / "cache"),
               "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")])}  # fmt: skip
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.run(
            [sys.executable, "-m", "tests.fuzz.run", name, "--seconds", str(seconds),
             "--corpus", str(corpus), "--child"],
            env=env, cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    stats = [ln for ln in proc.stderr.splitlines() if ln.startswith(("stat::", "#", "==", "INFO: Seed"))]
    ok = proc.returncode == 0
    execs = next((ln.split()[-1] for ln in stats if ln.startswith("stat::number_of_executed_units")), "?")
    print(f"fuzz {name}: {cpu:.1f} s CPU, {execs} runs from {seeds} seeds, {'ok' if ok else 'CRASH'}")
    if not ok:
        print(proc.stderr[-3000:], file=sys.stderr)
    return cpu, ok


def main() -> int:
    from tests.fuzz.targets import TARGETS

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("target", choices=(*TARGETS, "all"))
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--corpus", type=Path, default=None, help="keep the evolved corpus here")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        fuzz_in_this_process(args.target, args.seconds, args.corpus)
        return 0
    names = TARGETS if args.target == "all" else (args.target,)
    results = [fuzz(n, args.seconds, args.corpus) for n in names]
    return 0 if all(ok for _, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
