"""One way to pause the cyclic garbage collector around a stage that builds acyclic data.

Reading, the pipeline, the metadata stage and the CycloneDX writer each allocate hundreds of
thousands of small acyclic objects; the collector's full passes over them cost about as much
as the work (benchmarks/bench_audit.py, bench_metadata.py, bench_report.py). Reference
counting still frees everything that is not in a cycle.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused(*, promote: bool = False) -> Iterator[None]:
    """Pause the cyclic collector, then restore it as it was (nesting is safe).

    ``promote`` moves what survived to the oldest generation as it is (``freeze`` then
    ``unfreeze``: two list splices), so the first collection afterwards does not walk all
    of it at once; it is skipped when someone else holds frozen objects.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if promote and gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()
