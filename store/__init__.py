"""Storage: one narrow interface (a transaction of intent-named queries), one class per backend."""

from __future__ import annotations

from store.base import Store
from store.sqlite import SQLiteStore
from store.tx import FeedQuery, SourceState, Tx

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def open_store(url: str) -> Store:
    """Open (and migrate) the store named by a storage URL."""
    if url.startswith("sqlite:///"):
        store: Store = SQLiteStore(url[len("sqlite:///") :])
    elif url.startswith(POSTGRES_SCHEMES):
        from store.postgres import PostgresStore  # psycopg only loads when asked for

        store = PostgresStore(url)
    else:
        raise ValueError(f"unsupported storage URL {url!r}")
    store.migrate()
    return store


__all__ = ["FeedQuery", "SQLiteStore", "SourceState", "Store", "Tx", "open_store"]
