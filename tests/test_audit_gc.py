"""The audit command freezes what it built for rendering, and gives it back when it ends.

A process that runs ``osaudit.cli.main(["audit", ...])`` many times (a portfolio script, a test
runner) must not keep every report it ever built out of the cyclic collector's reach.
"""

from __future__ import annotations

import gc
from pathlib import Path

from osaudit.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "citizen-portal.cdx.json"


def test_audit_unfreezes_the_collector_when_it_ends(tmp_path: Path) -> None:
    gc.unfreeze()
    out = tmp_path / "report.json"
    for _ in range(2):
        rc = main(["audit", str(EXAMPLE), "--offline", "--quiet",
                   "--now", "2026-12-01T00:00:00Z", "-o", str(out)])  # fmt: skip
        assert rc in (0, 1)
        assert gc.get_freeze_count() == 0
    assert out.stat().st_size > 0
