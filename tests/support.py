"""Paths and small helpers shared by tests."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import psycopg

from store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent
# Real-world pages, feeds and the Atom schema, copied with their sources and licences (README there).
DATA = ROOT / "tests" / "data"
PG_BASE_URL = os.environ.get("ZONEFEED_TEST_PG", "postgresql://127.0.0.1:5432/test")


_OPENED: list[Store] = []


def open_test_store(storage_url: str) -> Store:
    """A store that tests' helpers need not close: conftest closes it when the test ends, so
    PostgreSQL pools (threads, connections) never outlive their test."""
    store = open_store(storage_url)
    _OPENED.append(store)
    return store


def close_test_stores() -> None:
    while _OPENED:
        _OPENED.pop().close()


def pg_admin() -> psycopg.Connection:
    """A plain autocommit connection for creating and dropping per-test schemas."""
    return psycopg.connect(PG_BASE_URL, autocommit=True, connect_timeout=10)


def query(storage_url: str, sql: str) -> list[tuple[Any, ...]]:
    """Rows of one literal SQL query against either backend (tests only: no parameters)."""
    store = open_store(storage_url)
    try:
        with store.transaction() as tx:
            return [tuple(row) for row in tx.connection.execute(sql).fetchall()]
    finally:
        store.close()


class EmptyStore:
    """What a source's first poll finds in the store (sources.html.poll.HtmlLookup): no
    validators, no items; for reading a source without a database."""

    def validators_for(self, url: str) -> None:
        return None

    def readings(self, source_id: str, urls: list[str]) -> dict:
        return {}

    def has_items(self, source_id: str) -> bool:
        return False
