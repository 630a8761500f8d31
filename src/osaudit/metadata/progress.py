"""Progress of the metadata stage on stderr.

On a terminal, a rich bar shows the package look-ups done and due, the requests sent
and which services are still working. Elsewhere (CI logs), a heartbeat line at most
every ``interval`` seconds, and only while the stage runs longer than that:
``osaudit: metadata: 2,400/6,184 look-ups, 37 requests, 2 services working (deps.dev, osv)``.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any, TextIO, TypeVar

T = TypeVar("T")


class Progress:
    """Counts look-ups and requests; draws a bar or writes heartbeat lines."""

    def __init__(
        self,
        *,
        bar: bool,
        lines: bool,
        interval: float = 10.0,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = 0
        self.done = 0
        self.requests = 0
        self.working: list[str] = []
        self.interval = interval
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        self.lines = lines and not bar
        self._last = clock()
        self._bar: Any = None
        self._task: Any = None
        if bar:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[extra]}"),
                console=Console(file=self.stream),
                transient=True,
            )
            self._task = self._bar.add_task("metadata", total=None, extra="")
            self._bar.start()

    # ------------------------------------------------------------------ counting
    def add(self, n: int) -> None:
        """``n`` more look-ups are due."""
        self.total += n
        self._redraw()

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._redraw()

    def request(self, _host: str) -> None:
        self.requests += 1
        self._redraw()

    async def track(self, service: str, work: Awaitable[T]) -> T:
        """Await ``work`` with ``service`` listed as working meanwhile."""
        self.working.append(service)
        self._redraw()
        try:
            return await work
        finally:
            self.working.remove(service)
            self._redraw()

    # ------------------------------------------------------------------ output
    def line(self) -> str:
        n = len(self.working)
        services = f"{n} service{'' if n == 1 else 's'} working ({', '.join(self.working)})"
        return (
            f"osaudit: metadata: {self.done:,}/{self.total:,} look-ups, "
            f"{self.requests:,} request{'' if self.requests == 1 else 's'}, "
            f"{services if n else 'finishing'}"
        )

    def _redraw(self) -> None:
        if self._bar is not None:
            self._bar.update(
                self._task,
                total=self.total or None,
                completed=self.done,
                description=f"metadata: {', '.join(self.working) or 'finishing'}",
                extra=f"{self.requests:,} requests",
            )

    def tick(self) -> None:
        """Write a heartbeat line when ``interval`` seconds passed since the last one."""
        now = self.clock()
        if self.lines and now - self._last >= self.interval:
            self._last = now
            print(self.line(), file=self.stream, flush=True)

    async def heartbeat(self) -> None:
        """Tick until cancelled (a long batch request still shows the run is alive)."""
        while True:
            await asyncio.sleep(min(1.0, self.interval))
            self.tick()

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
