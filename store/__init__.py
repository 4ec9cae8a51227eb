"""Storage: one narrow interface (a transaction of intent-named queries), one class per backend."""

from __future__ import annotations

from store.base import Store
from store.sqlite import READER_CACHE_KB, READERS, SQLiteStore
from store.tx import FeedQuery, SourceState, Tx

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def open_store(url: str) -> Store:
    """Open (and migrate) the store named by a storage URL."""
    store = connect_store(url)
    store.migrate()
    return store


def connect_store(url: str, readers: int | None = None, reader_cache_kb: int | None = None) -> Store:
    """Open the store named by a storage URL as it is: for a second process of a service that
    has migrated it already. `readers`: connections at most (None: the default);
    `reader_cache_kb`: each SQLite reader's page cache (None: the default)."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        return SQLiteStore(path, readers or READERS, reader_cache_kb or READER_CACHE_KB)
    if url.startswith(POSTGRES_SCHEMES):
        from store.postgres import PostgresStore  # psycopg only loads when asked for

        return PostgresStore(url) if readers is None else PostgresStore(url, max_connections=readers)
    raise ValueError(f"unsupported storage URL {url!r}")


__all__ = ["FeedQuery", "SQLiteStore", "SourceState", "Store", "Tx", "connect_store", "open_store"]
