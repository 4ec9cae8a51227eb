"""Storage: one narrow interface (a transaction of intent-named queries), one class per backend."""

from __future__ import annotations

from items.store.sqlite import SQLiteStore
from items.store.tx import FeedQuery, SourceState, Tx


def open_store(url: str) -> SQLiteStore:
    """Open (and migrate) the store named by a storage URL."""
    if url.startswith("sqlite:///"):
        store = SQLiteStore(url[len("sqlite:///") :])
    else:
        raise ValueError(f"unsupported storage URL {url!r}")
    store.migrate()
    return store


__all__ = ["FeedQuery", "SQLiteStore", "SourceState", "Tx", "open_store"]
