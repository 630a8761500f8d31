"""On-disk response cache: one sqlite3 file in WAL mode, safe for several processes.

Entries are keyed by ``(kind, key)`` and store the HTTP status, the response
body and the retrieval time. A kind decides the time to live (``TTL``). The
file lives in ``$OSAUDIT_CACHE_DIR`` or platformdirs' ``user_cache_dir("osaudit")``.
A corrupted file, or one whose ``entries`` table has another shape (another tool's, or
a future osaudit's), is moved aside and rebuilt; a bad row is dropped. A file this user
cannot write (a shared, read-only cache) is still read, and nothing is stored.
Buffered entries are written by one background thread (sqlite works without the GIL),
so the disk writes overlap the network waits; entries handed to it are read back from
memory until it has committed them, and ``close`` waits for it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from platformdirs import user_cache_dir

DAY = 86400.0
# Time to live per kind of fact, in seconds (documented in docs/scoring-maintenance.md).
TTL: dict[str, float] = {
    "depsdev-version": 30 * DAY,  # a published version's metadata rarely changes
    "depsdev-package": 1 * DAY,  # new releases appear at any time
    "depsdev-project": 7 * DAY,  # Scorecard runs weekly
    "ecosystems": 1 * DAY,
    "osv": 1 * DAY,  # new advisories appear daily
    "osv-vuln": 1 * DAY,
    "scorecard": 7 * DAY,
}
NEGATIVE_TTL = 1 * DAY  # 404 answers are kept at most this long
FILE_NAME = "metadata.sqlite3"
_COLUMNS = ("kind", "key", "status", "body", "fetched")
_SELECT_MANY = "SELECT key, status, body, fetched FROM entries WHERE kind=? AND key IN ("
BATCH = 200  # entries buffered before one write transaction
_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    status INTEGER NOT NULL,
    body BLOB,
    fetched REAL NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID
"""


def default_cache_dir() -> Path:
    """``$OSAUDIT_CACHE_DIR`` or the platform's user cache directory."""
    env = os.environ.get("OSAUDIT_CACHE_DIR")
    return Path(env) if env else Path(user_cache_dir("osaudit"))


def iso(ts: float) -> str:
    """A POSIX timestamp as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC)."""
    return _iso_second(int(ts // 1))


@lru_cache(maxsize=4096)  # the entries of one batch share their second
def _iso_second(second: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second))


@dataclass(frozen=True, slots=True)
class Entry:
    """A cached response."""

    status: int
    body: bytes
    fetched: float

    @property
    def date(self) -> str:
        return iso(self.fetched)


@dataclass(frozen=True, slots=True)
class KindInfo:
    kind: str
    entries: int
    oldest: str | None
    newest: str | None


_Row = tuple[int, bytes, float]  # status, body, retrieval time


class _ForeignSchema(Exception):
    """The file is a database, but not one of ours: rebuild it."""


class Cache:
    """The response cache. ``get`` never raises; ``put`` ignores write failures."""

    def __init__(self, directory: Path | None = None, *, clock: object = time.time) -> None:
        self.directory = directory if directory is not None else default_cache_dir()
        self.path = self.directory / FILE_NAME
        self._clock = clock
        self._db: sqlite3.Connection | None = None
        self._pending: dict[tuple[str, str], tuple[int, bytes, float]] = {}
        # handed to the writer thread, not yet known to be committed (kept until it is idle)
        self._writing: dict[tuple[str, str], _Row] = {}
        self._jobs: list[Future[sqlite3.Error | None]] = []
        self._writer: ThreadPoolExecutor | None = None
        self.rebuilt = False  # True when a corrupted file was replaced during this run
        self.disabled = ""  # why the cache cannot be used at all, when it cannot
        self.read_only = ""  # why answers are read but not stored, when they are not

    # ------------------------------------------------------------------ connection
    def _connect(self) -> sqlite3.Connection | None:
        """The connection, or None when the cache cannot be used (then runs go on without)."""
        if self._db is not None or self.disabled:
            return self._db
        try:
            if self._unwritable():
                self._db = self._open_read_only()
                return self._db
            self.directory.mkdir(parents=True, exist_ok=True)
            try:
                self._db = self._open()
            except _ForeignSchema:
                self._rebuild()
                self._db = self._open()
            except sqlite3.OperationalError:
                raise  # locked, no permission: not corruption
            except sqlite3.DatabaseError:
                self._rebuild()
                self._db = self._open()
        except (OSError, sqlite3.Error) as exc:
            self.disabled = f"{self.path}: {exc}"
            return None
        return self._db

    def _unwritable(self) -> bool:
        """True when the file exists but this process may not write it or its directory."""
        if not self.path.is_file():
            return False
        return not (os.access(self.path, os.W_OK) and os.access(self.directory, os.W_OK))

    def _open_read_only(self) -> sqlite3.Connection:
        """Read a cache this user cannot write (``immutable``: no WAL/shm files needed)."""
        self.read_only = f"{self.path} is not writable: answers are read but not stored"
        uri = self.path.resolve().as_uri()
        last: sqlite3.Error | None = None
        for mode in ("mode=ro", "immutable=1"):
            db = sqlite3.connect(f"{uri}?{mode}", uri=True, timeout=10.0, isolation_level=None)
            try:
                self._check_columns(db)
                db.execute("SELECT kind, key, status, body, fetched FROM entries LIMIT 1")
            except (sqlite3.Error, _ForeignSchema) as exc:
                db.close()
                last = exc if isinstance(exc, sqlite3.Error) else sqlite3.DatabaseError(str(exc))
                continue
            return db
        assert last is not None
        raise last

    @staticmethod
    def _check_columns(db: sqlite3.Connection) -> None:
        cols = tuple(row[1] for row in db.execute("PRAGMA table_info(entries)"))
        if cols and cols != _COLUMNS:
            raise _ForeignSchema(f"entries table has columns {', '.join(cols)}")

    def _failed(self, exc: sqlite3.Error) -> None:
        """Rebuild on corruption; a lock or I/O problem only skips this operation."""
        if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
            self._rebuild()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        try:
            db.execute("PRAGMA busy_timeout=10000")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._check_columns(db)
            db.execute(_SCHEMA)
            db.execute("SELECT kind, key, status, body, fetched FROM entries LIMIT 1").fetchall()
        except (sqlite3.DatabaseError, _ForeignSchema):
            db.close()
            raise
        return db

    def _rebuild(self) -> None:
        """Move a corrupted or foreign database aside (kept as ``.corrupt``), start empty."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(str(self.path) + suffix).unlink()
        with contextlib.suppress(OSError):
            os.replace(self.path, str(self.path) + ".corrupt")
        self.rebuilt = True

    def now(self) -> float:
        """The cache's clock (retrieval times and ages are measured with it)."""
        return self._now()

    def _now(self) -> float:
        clock = self._clock
        return float(clock()) if callable(clock) else time.time()

    # ------------------------------------------------------------------ access
    def get(self, kind: str, key: str, *, fresh_only: bool = True) -> Entry | None:
        """The entry, or None when absent, expired (if ``fresh_only``) or unreadable."""
        return self.get_many(kind, [key], fresh_only=fresh_only).get(key)

    def get_many(self, kind: str, keys: list[str], *, fresh_only: bool = True) -> dict[str, Entry]:
        """The usable entries among ``keys`` (one query per 500 keys)."""
        found: dict[str, Entry] = {}
        ask: list[str] = []
        self._reap(wait=False)
        for key in keys:
            pending = self._pending.get((kind, key)) or self._writing.get((kind, key))
            if pending is not None:
                found[key] = Entry(*pending)
            else:
                ask.append(key)
        if not ask:
            return found
        db = self._connect()
        if db is None:
            return found
        rows: list[tuple[object, ...]] = []
        try:
            for i in range(0, len(ask), 500):
                part = ask[i : i + 500]
                sql = _SELECT_MANY + ",".join("?" * len(part)) + ")"  # placeholders only
                rows += db.execute(sql, (kind, *part)).fetchall()
        except sqlite3.Error as exc:
            self._failed(exc)
            return found
        now = self._now()
        ttl_kind = TTL.get(kind, DAY)
        for row_key, status, body, fetched in rows:
            key = str(row_key)
            if not isinstance(status, int) or not isinstance(fetched, int | float):
                self.delete(kind, key)
                continue
            if not isinstance(body, bytes):
                body = body.encode() if isinstance(body, str) else b""
            if fresh_only:
                ttl = min(NEGATIVE_TTL, ttl_kind) if status == 404 else ttl_kind
                if now - float(fetched) > ttl:
                    continue
            found[key] = Entry(status, body, float(fetched))
        return found

    def put(
        self, kind: str, key: str, status: int, body: bytes, fetched: float | None = None
    ) -> float:
        """Store a response; returns its retrieval time."""
        ts = self._now() if fetched is None else fetched
        self._pending[(kind, key)] = (status, body, ts)
        if len(self._pending) >= BATCH:
            self._submit()
        return ts

    def flush(self) -> None:
        """Write every entry put so far (returns when it is committed, or has failed)."""
        self._submit()
        self._reap(wait=True)

    def _submit(self) -> None:
        """Hand buffered entries to the writer thread: one short transaction each batch."""
        if not self._pending:
            return
        batch, self._pending = self._pending, {}
        db = self._connect()
        if db is None or self.read_only:
            return
        self._writing.update(batch)
        rows = [(k, key, st, body, ts) for (k, key), (st, body, ts) in batch.items()]
        if self._writer is None:
            self._writer = ThreadPoolExecutor(1, thread_name_prefix="osaudit-cache")
        self._jobs.append(self._writer.submit(self._write, rows))
        self._reap(wait=False)

    def _write(self, rows: list[tuple[str, str, int, bytes, float]]) -> sqlite3.Error | None:
        """In the writer thread, on its own connection: the rows in one transaction."""
        try:
            db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        except sqlite3.Error as exc:
            return exc
        try:
            db.execute("PRAGMA busy_timeout=10000")
            db.execute("PRAGMA synchronous=NORMAL")
            with db:
                db.execute("BEGIN IMMEDIATE")
                db.executemany(
                    "INSERT OR REPLACE INTO entries (kind, key, status, body, fetched) "
                    "VALUES (?, ?, ?, ?, ?)",
                    rows,
                )
        except sqlite3.Error as exc:  # locked for too long or read-only: run without caching
            return exc
        finally:
            db.close()
        return None

    def _reap(self, *, wait: bool) -> None:
        """Forget the entries of finished writes; a failed write is handled as a failed access."""
        errors: list[sqlite3.Error] = []
        running = []
        for job in self._jobs:
            if not (wait or job.done()):
                running.append(job)
                continue
            exc = job.result()
            if exc is not None:
                errors.append(exc)
        self._jobs = running
        if not running:
            self._writing.clear()  # all committed (or failed: then not cached, as before)
        if errors:
            self._reap(wait=True)  # nothing may still write when the file is rebuilt
            self._failed(errors[0])

    def delete(self, kind: str, key: str) -> None:
        self._pending.pop((kind, key), None)
        if (kind, key) in self._writing:
            self.flush()  # the delete must come after the write
        db = self._connect()
        if db is not None and not self.read_only:
            with contextlib.suppress(sqlite3.Error):
                db.execute("DELETE FROM entries WHERE kind=? AND key=?", (kind, key))

    def is_empty(self) -> bool:
        """True when nothing is cached (no database file, or no entry in it)."""
        if self._pending or self._writing:
            return False
        if not self.path.exists():
            return True
        db = self._connect()
        if db is None:
            return True
        try:
            return db.execute("SELECT 1 FROM entries LIMIT 1").fetchone() is None
        except sqlite3.Error as exc:
            self._failed(exc)
            return True

    # ------------------------------------------------------------------ admin
    def info(self) -> list[KindInfo]:
        """Entries per kind with the oldest and newest retrieval time."""
        self.flush()
        if self.directory.exists() and not self.directory.is_dir():
            self.disabled = f"{self.directory}: not a directory"
        if not self.path.exists():
            return []
        db = self._connect()
        if db is None:
            return []
        try:
            rows = db.execute(
                "SELECT kind, COUNT(*), MIN(fetched), MAX(fetched) FROM entries "
                "GROUP BY kind ORDER BY kind"
            ).fetchall()
        except sqlite3.Error as exc:
            self._failed(exc)
            return []
        return [
            KindInfo(
                kind, n, iso(lo) if lo is not None else None, iso(hi) if hi is not None else None
            )
            for kind, n, lo, hi in rows
        ]

    def size(self) -> int:
        """Bytes on disk (database, WAL and shared-memory files)."""
        total = 0
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                total += Path(str(self.path) + suffix).stat().st_size
        return total

    def clear(self) -> int:
        """Delete every entry; returns how many were removed."""
        self._pending.clear()
        self._reap(wait=True)
        if not self.path.exists():
            return 0
        db = self._connect()
        if db is None:
            return 0
        try:
            n = int(db.execute("SELECT COUNT(*) FROM entries").fetchone()[0])
            db.execute("DELETE FROM entries")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.execute("VACUUM")
        except sqlite3.Error as exc:
            self._failed(exc)
            return 0
        return n

    def close(self) -> None:
        self.flush()
        if self._writer is not None:
            self._writer.shutdown()
            self._writer = None
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
