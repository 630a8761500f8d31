"""Reports for the portfolio tests: real `osaudit audit` output, then dated variants of it.

The base reports are generated here from SBOMs in the repository and the shared
corpus (``--offline`` and a fixed ``--now``); variants change only what a later
run of the same application would change (date, name, components' levels, exceptions).
"""

from __future__ import annotations

import copy
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from osaudit.cli import main

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
NOW = "2026-12-01T00:00:00Z"

#: SBOMs with a report generated per test session: (name, path, extra audit options)
SBOMS = {
    "citizen-portal": (ROOT / "examples" / "citizen-portal.cdx.json", ()),
    "citizen-portal-policy": (
        ROOT / "examples" / "citizen-portal.cdx.json",
        ("--policy", str(ROOT / "examples" / "osaudit.toml")),
    ),
    "signals": (CORPUS / "generated" / "Amsterdam_signals.environment.cyclonedx-py.cdx.json", ()),
    "dropwizard": (
        CORPUS / "cyclonedx" / "json" / "CycloneDX_bom-examples__SBOM_dropwizard-1.3.15_bom.json",
        (),
    ),
    "photon": (CORPUS / "spdx" / "json" / "interlynk-io_sbomqs__samples_photon.spdx.json", ()),
}


@cache
def _generated(name: str, out_dir: str) -> bytes:
    sbom, extra = SBOMS[name]
    out = Path(out_dir) / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    # An empty metadata cache: the reports do not depend on this machine's cache.
    old = os.environ.get("OSAUDIT_CACHE_DIR")
    os.environ["OSAUDIT_CACHE_DIR"] = str(Path(out_dir) / "empty-cache")
    try:
        rc = main(
            ["audit", str(sbom), "--offline", "--now", NOW, "--format", "json", "-o", str(out),
             "--quiet", *extra]
        )
    finally:
        if old is None:
            del os.environ["OSAUDIT_CACHE_DIR"]
        else:
            os.environ["OSAUDIT_CACHE_DIR"] = old
    assert rc in (0, 1), (name, rc)
    return out.read_bytes()


def generated(name: str, out_dir: Path) -> dict[str, Any]:
    """The report `osaudit audit --offline --now NOW` writes for SBOMS[name] (cached)."""
    return json.loads(_generated(name, str(out_dir)))


def variant(
    report: dict[str, Any],
    *,
    name: str | None = None,
    when: str | None = None,
    drop_families: tuple[str, ...] = (),
    lockin: dict[str, str] | None = None,
    maintenance: dict[str, str] | None = None,
    exceptions: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A copy of ``report`` as a later run would look.

    ``name``: subject name; ``when``: generated_at; ``drop_families``: remove every
    component of these vendor products; ``lockin``: family id -> level for its
    components; ``maintenance``: component name -> maintenance level;
    ``exceptions``: the verdict's exceptions (``components`` are purls).
    """
    rep = copy.deepcopy(report)
    if name is not None:
        rep["sbom"]["subject"] = {"name": name, "version": None, "purl": None}
    if when is not None:
        rep["generated_at"] = when
    comps = []
    for c in rep["components"]:
        fam = (c["lockin"].get("family") or {}).get("id")
        if fam in drop_families:
            continue
        if lockin and fam in lockin:
            c["lockin"]["level"] = lockin[fam]
        if maintenance and c["name"] in maintenance:
            c["maintenance"]["level"] = maintenance[c["name"]]
            c["maintenance"]["score"] = {"high": 60, "critical": 90}.get(maintenance[c["name"]], 10)
        comps.append(c)
    rep["components"] = comps
    rep["summary"]["components"] = len(comps)
    if exceptions is not None:
        rep["verdict"]["exceptions"] = exceptions
    return rep


def write(path: Path, report: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return path


def families(report: dict[str, Any]) -> set[str]:
    return {
        c["lockin"]["family"]["id"] for c in report["components"] if c["lockin"].get("family")
    }
