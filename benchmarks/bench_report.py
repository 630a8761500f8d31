"""Time every report format on synthetic reports of growing size.

Usage: python benchmarks/bench_report.py [N ...]   (default: 1000 5000)

Builds an N-component report from tests/fixtures/sample-report.json (components
copied with unique refs and purls) plus a matching model.Sbom with a chain-shaped
dependency graph, then renders each format once and prints seconds and output size.
The point to check: time grows about linearly with N for every format (CycloneDX
builds its dependency list in one pass instead of cyclonedx-python-lib's per-component
registration, which is quadratic).
"""

from __future__ import annotations

import copy
import json
import sys
import time
from pathlib import Path

from osaudit import model
from osaudit.report import FORMATS, RenderContext, render

ROOT = Path(__file__).resolve().parents[1]


def synthetic(n: int) -> tuple[dict, model.Sbom]:
    report = json.loads((ROOT / "tests/fixtures/sample-report.json").read_text("utf-8"))
    base = report["components"]
    comps, models = [], []
    for i in range(n):
        c = copy.deepcopy(base[i % len(base)])
        c["ref"] = f"ref-{i:06d}"
        c["name"] = f"{c['name']}-{i:06d}"
        c["purl"] = f"pkg:pypi/{c['name'].lower().replace(' ', '-')}@1.0.{i}"
        comps.append(c)
        models.append(model.Component(ref=c["ref"], name=c["name"], version=c["version"],
                                      purl=c["purl"], ecosystem="pypi"))
    report["components"] = comps
    deps = {f"ref-{i:06d}": (f"ref-{i + 1:06d}",) for i in range(n - 1)}
    doc = model.Document(format="cyclonedx", spec_version="1.6", encoding="json")
    return report, model.Sbom(path="synthetic.json", document=doc, components=tuple(models),
                              dependencies=deps)


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or [1000, 5000]
    print(f"{'components':>10} {'format':>10} {'seconds':>8} {'bytes':>10}")
    for n in sizes:
        report, sbom = synthetic(n)
        ctx = RenderContext(sbom=sbom, sbom_path="synthetic.json")
        for fmt in sorted(FORMATS):
            start = time.perf_counter()
            data = render(fmt, report, ctx)
            print(f"{n:>10} {fmt:>10} {time.perf_counter() - start:>8.2f} {len(data):>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
