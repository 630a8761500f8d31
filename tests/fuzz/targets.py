"""Fuzz targets and their contract, shared by the atheris runner and the regression replay.

Contract (issue 16): every input ends in an ``Sbom`` or an ``OsauditError`` — never
another exception — within 5 s and 2 GiB (the runner passes ``-timeout=5`` and
``-rss_limit_mb=2048`` to libFuzzer). One target per reader (the input is skipped
when its content sniffs as another format, so each target's coverage stays in its
reader) and ``cli``: the whole ``osaudit audit --offline`` path with every report
format written, where an exit code other than 0, 1 or 2 breaks the contract.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from osaudit.errors import OsauditError
from osaudit.model import Sbom

READERS = ("cyclonedx-json", "cyclonedx-xml", "spdx2-json", "spdx2-tv", "spdx3")
TARGETS = (*READERS, "cli")
REPORT_FORMATS = ("json", "sarif", "markdown", "html", "csv", "cyclonedx")


class ContractBroken(AssertionError):
    """An input made osaudit do something other than read it or refuse it clearly."""


def read_as(kind: str, data: bytes) -> Sbom | None:
    """Read ``data`` when it sniffs as ``kind``; None when it is another format."""
    from osaudit.sbom.load import _read
    from osaudit.sbom.sniff import decode, sniff

    path = f"fuzz-input.{kind}"
    try:
        decoded, _ = decode(path, data)
        found = sniff(path, decoded)
    except OsauditError:
        return None
    if found.kind != kind:
        return None
    try:
        sbom = _read(path, data)
    except OsauditError:
        return None
    if not isinstance(sbom, Sbom):
        raise ContractBroken(f"{kind} reader returned {type(sbom).__name__}")
    for c in sbom.components:  # what the renderers will have to encode
        c.name.encode("utf-8")
    return sbom


_WORK: dict[str, Path] = {}


def _workdir() -> Path:
    if "dir" not in _WORK:
        _WORK["dir"] = Path(tempfile.mkdtemp(prefix="osaudit-fuzz-"))
        os.environ["OSAUDIT_CACHE_DIR"] = str(_WORK["dir"] / "cache")
    return _WORK["dir"]


def run_cli(data: bytes) -> int:
    """``osaudit audit --offline`` on ``data`` writing every format; the exit code."""
    from osaudit.cli import main

    work = _workdir()
    sbom = work / "input"
    sbom.write_bytes(data)
    outs = [f"--output={fmt}={work / ('report.' + fmt)}" for fmt in REPORT_FORMATS]
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        rc = main(["audit", str(sbom), "--offline", "--quiet", "--now", "2026-11-23T00:00:00Z",
                   "--repo-root", str(work), *outs])  # fmt: skip
    if rc not in (0, 1, 2):
        raise ContractBroken(f"exit code {rc}: {err.getvalue().strip()[-500:]}")
    if rc == 2 and len(err.getvalue().strip().splitlines()) != 1:
        raise ContractBroken(f"exit 2 without exactly one line: {err.getvalue()[-500:]!r}")
    return rc


def target(name: str) -> Callable[[bytes], object]:
    """The one-input function of target ``name``."""
    if name == "cli":
        return run_cli
    if name not in READERS:
        raise ValueError(f"unknown fuzz target {name!r} (known: {', '.join(TARGETS)})")
    return lambda data: read_as(name, data)
