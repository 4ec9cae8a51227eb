"""PostgreSQL backend for several nodes sharing one database: a connection pool, advisory locks.

Locks are keyed by schema as well as name, so installations (or test runs) in different
schemas of one database never wait for each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolTimeout

from store.base import StoreCheck
from store.schema import MIGRATIONS, apply_migrations
from store.tx import Tx

_LOCK = "SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':' || %s))"


class PostgresStore:
    dialect = "postgresql"

    def __init__(self, url: str, max_connections: int = 12, connect_timeout: float = 10.0):
        # check: a connection broken by a server restart is replaced before use, not after a
        # failed poll that would leave its lease to expire
        self._pool = ConnectionPool(url, min_size=1, max_size=max_connections, open=False,
                                    name="zonefeed", check=ConnectionPool.check_connection)
        try:
            self._pool.open(wait=True, timeout=connect_timeout)
        except PoolTimeout:
            self._pool.close()
            where = conninfo_to_dict(url)
            raise ConnectionError(f"PostgreSQL at {where.get('host', 'localhost')}:{where.get('port', 5432)}"
                                  f"/{where.get('dbname', '')} not reachable within {connect_timeout:g} s") from None

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """The pool commits when the block ends and rolls back if it raises."""
        with self._pool.connection() as connection:
            yield Tx(connection, "%s")

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A transaction for lookups: MVCC readers never wait for writers, so it is a plain one."""
        with self._pool.connection() as connection:
            yield Tx(connection, "%s")

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        """Block until no other node holds `name`; released when the holding transaction ends."""
        with self._pool.connection() as connection:
            connection.execute(_LOCK, (name,))
            yield

    def migrate(self) -> int:
        """Apply pending migrations in one transaction; nodes starting together take turns."""
        with self._pool.connection() as connection:
            connection.execute(_LOCK, ("migrate",))
            return apply_migrations(connection, MIGRATIONS, self.dialect, "%s")

    def check(self, seconds: float) -> StoreCheck:
        """PostgreSQL verifies its own pages (checksums, WAL replay); nothing to scan from here."""
        return StoreCheck(None, "PostgreSQL checks its own pages; see its server log")

    def reset_identity(self, table: str, column: str) -> None:
        """After rows came in with explicit ids, make new ids start above them."""
        with self._pool.connection() as connection:
            connection.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), "
                f"COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)",
                (table, column),
            )

    def close(self) -> None:
        self._pool.close()
