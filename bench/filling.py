"""Filling a benchmark's store through the real ingest path, a transaction per batch."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

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
