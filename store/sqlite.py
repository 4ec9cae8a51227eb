"""Embedded default backend: one SQLite file in WAL mode, one writer connection and a few readers.

Writes take turns on a lock of this process and one connection, so threads queue at once
instead of polling SQLite's busy handler (which backs off in sleeps of up to 100 ms and gives
up after its timeout), and that connection's page cache stays warm for ingest. The busy
timeout is then only what other processes on the same file make us wait. Reads run in
deferred transactions on a small pool (WAL readers never wait for the writer); a fixed number
of connections keeps memory flat however many workers poll (a connection per thread cost a
page cache each: 470 MB with 64 workers).
"""

from __future__ import annotations

import fcntl
import queue
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from store.base import StorageError, StoreCheck
from store.schema import MIGRATIONS, apply_migrations
from store.search_text import QUEUE, SQL_FUNCTION, spaced_characters, write_queued_texts
from store.tx import Tx

BUSY_TIMEOUT = 120.0  # seconds another process's write may hold us up before "database is locked"
READERS = 4
WRITER_CACHE_KB = 65536  # index inserts into a large file stay in memory
READER_CACHE_KB = 8192
CHECK_PROBLEMS = 3  # quick_check lines kept in a report
DAMAGE_ERRORS = frozenset({"SQLITE_CORRUPT", "SQLITE_NOTADB"})


class SQLiteStore:
    dialect = "sqlite"

    def __init__(self, path: str | Path, readers: int = READERS, reader_cache_kb: int = READER_CACHE_KB):
        self.path = Path(path)
        self._reader_cache_kb = reader_cache_kb
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._all: list[sqlite3.Connection] = []
        self._writer = threading.Lock()
        self._write_connection: sqlite3.Connection | None = None
        self._reader_count = readers
        self._readers = _idle_readers(readers)
        self._search_queue = False  # the schema queues text for the search index (migration 16)

    def _open(self, cache_kb: int) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None,
                                     check_same_thread=False)
        _enable_wal(connection)
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute(f"PRAGMA cache_size=-{cache_kb}")
        # checkpoint every ~40 MB of WAL, not every 4 MB: a collect's scattered index
        # inserts dirty hundreds of pages, so the default checkpointed (and fsynced) often
        connection.execute("PRAGMA wal_autocheckpoint=10000")
        # what the search index holds for a text (migration 16 and each commit)
        connection.create_function(SQL_FUNCTION, 1, spaced_characters, deterministic=True)
        with self._lock:
            self._all.append(connection)
        return connection

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """One write transaction; BEGIN IMMEDIATE so concurrent writers queue instead of deadlock."""
        with self._writer, _damage_named(self.path):
            if self._write_connection is None:
                self._write_connection = self._open(WRITER_CACHE_KB)
            with _begun(self._write_connection, "BEGIN IMMEDIATE") as tx:
                yield tx
                if self._search_queue:
                    write_queued_texts(tx.connection)

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """One read-only transaction: a consistent snapshot that takes no write lock."""
        connection = self._readers.get()
        try:
            with _damage_named(self.path):
                if connection is None:
                    connection = self._open(self._reader_cache_kb)
                with _begun(connection, "BEGIN") as tx:
                    yield tx
        finally:
            self._readers.put(connection)

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        """Hold `name` against other threads and processes on this machine (flock on a file
        beside the database: the only way several processes can share one SQLite file)."""
        with open(self.path.with_name(f"{self.path.name}.{name}.lock"), "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def reset_identity(self, table: str, column: str) -> None:
        """Nothing to do: an INTEGER PRIMARY KEY always continues above the largest id."""

    def migrate(self) -> int:
        """Apply pending migrations; return the schema version now in force."""
        with self.transaction() as tx:
            version = apply_migrations(tx.connection, MIGRATIONS, self.dialect, "?")
            self._search_queue = tx.connection.execute(
                "SELECT 1 FROM sqlite_master WHERE name = ?", (QUEUE,)).fetchone() is not None
            return version

    def check(self, seconds: float) -> StoreCheck:
        """PRAGMA quick_check (page and b-tree structure, no index-to-table comparison), cut
        off after `seconds` so a large file never holds up a start for long."""
        connection = sqlite3.connect(self.path, timeout=seconds, isolation_level=None)
        deadline = time.monotonic() + seconds
        connection.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        try:
            problems = [row[0] for row in connection.execute(f"PRAGMA quick_check({CHECK_PROBLEMS})")]
        except sqlite3.OperationalError as exc:  # interrupted at the deadline, or locked
            return StoreCheck(None, f"{self.path}: quick_check not finished within {seconds:g}s ({exc})")
        except sqlite3.DatabaseError as exc:
            return StoreCheck(True, f"{self.path}: damaged: {exc}")
        finally:
            connection.close()
        if problems == ["ok"]:
            return StoreCheck(False, f"{self.path}: quick_check ok")
        lines = [line.strip() for problem in problems for line in problem.splitlines()]
        found = [line for line in lines if line and not line.startswith("***")][:CHECK_PROBLEMS]
        return StoreCheck(True, f"{self.path}: damaged: " + "; ".join(found))

    def close(self) -> None:
        with self._lock:
            for connection in self._all:
                connection.close()
            self._all.clear()
        self._write_connection = None
        self._readers = _idle_readers(self._reader_count)


@contextmanager
def _damage_named(path: Path) -> Iterator[None]:
    """A damaged or foreign file surfaces wherever it is first read; name the file, once."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorname", "") not in DAMAGE_ERRORS:
            raise
        raise StorageError(f"{path}: {exc} (damaged or not a zonefeed SQLite database; "
                           "see README, \"A damaged database\")") from exc


def _idle_readers(count: int) -> queue.LifoQueue[sqlite3.Connection | None]:
    idle: queue.LifoQueue[sqlite3.Connection | None] = queue.LifoQueue()
    for _ in range(count):
        idle.put(None)  # opened when first needed
    return idle


@contextmanager
def _begun(connection: sqlite3.Connection, begin: str) -> Iterator[Tx]:
    connection.execute(begin)
    try:
        yield Tx(connection, "?")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _enable_wal(connection: sqlite3.Connection, attempts: int = 100) -> None:
    """Switch to WAL, retrying: when several processes open a new file at once, SQLite answers
    "database is locked" at once here instead of waiting on its busy timeout."""
    for attempt in range(attempts):
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.05)
