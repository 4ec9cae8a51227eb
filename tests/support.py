"""Paths and small helpers shared by tests."""

from __future__ import annotations

import json
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


def descendants(pid: int) -> dict[int, str]:
    """Processes below `pid` (a pool's forkserver and workers, say), from /proc: pid -> start
    time, so a pid the kernel reuses later is not taken for the same process."""
    parents: dict[int, tuple[int, str]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = (int(fields[1]), fields[19])
    found: dict[int, str] = {}
    frontier = {pid}
    while frontier:
        frontier = {child for child, (parent, _) in parents.items() if parent in frontier} - found.keys()
        found.update({child: parents[child][1] for child in frontier})
    return found


def still_running(processes: dict[int, str]) -> set[int]:
    """Those of `processes` (from descendants) that still run."""
    alive = set()
    for pid, started in processes.items():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[19] == started and fields[0] != "Z":
            alive.add(pid)
    return alive


def exported_items(data_dir: Path, feed_id: str = "all") -> list[dict[str, Any]]:
    """The items of a feed's exported JSON Feed under a service's `data_dir`, as a reader gets them."""
    return json.loads((data_dir / "public" / "feeds" / f"{feed_id}.json").read_text(encoding="utf-8"))["items"]
