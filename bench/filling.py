"""Filling a benchmark's store through the real ingest path, a transaction per batch, and a
PostgreSQL schema of its own to fill."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

import psycopg

from items.ingest import ingest
from model.stories import Appearance
from store.base import Store

BATCH = 2000


def ingest_in_batches(store: Store, appearances: Iterable[Appearance], now: datetime) -> None:
    """Commit every BATCH appearances, as a collect of many sources would."""
    batch: list[Appearance] = []
    for app in appearances:
        batch.append(app)
        if len(batch) == BATCH:
            with store.transaction() as tx:
                ingest(tx, batch, now)
            batch = []
    if batch:
        with store.transaction() as tx:
            ingest(tx, batch, now)


@contextmanager
def pg_schema(url: str) -> Iterator[str]:
    """A fresh schema in the database at `url` (other sessions' tests and benches use it too),
    dropped afterwards; yields the URL that puts it first on the search path."""
    schema = f"zf_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{url}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")
