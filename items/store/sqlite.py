"""Embedded default backend: one SQLite file in WAL mode, one connection per thread."""

from __future__ import annotations

import fcntl
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from items.store.schema import MIGRATIONS, statements
from items.store.tx import Tx


class SQLiteStore:
    dialect = "sqlite"

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                                         check_same_thread=False)
            _enable_wal(connection)
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA foreign_keys=ON")
            # 64 MB page cache (default 2 MB): index inserts into a large file stay in memory
            connection.execute("PRAGMA cache_size=-65536")
            # checkpoint every ~40 MB of WAL, not every 4 MB: a collect's scattered index
            # inserts dirty hundreds of pages, so the default checkpointed (and fsynced) often
            connection.execute("PRAGMA wal_autocheckpoint=10000")
            self._local.connection = connection
            with self._lock:
                self._all.append(connection)
        return connection

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """One write transaction; BEGIN IMMEDIATE so concurrent writers queue instead of deadlock."""
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield Tx(connection, "?")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

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
            tx.connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
            )
            row = tx.connection.execute("SELECT MAX(version) FROM schema_version").fetchone()
            current = row[0] or 0
            for version, migration in enumerate(MIGRATIONS, start=1):
                if version <= current:
                    continue
                for statement in statements(migration, self.dialect):
                    tx.connection.execute(statement)
                tx.connection.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
        return len(MIGRATIONS)

    def close(self) -> None:
        with self._lock:
            for connection in self._all:
                connection.close()
            self._all.clear()
        self._local = threading.local()


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
