"""What the rest of the service may rely on from a store, whatever the backend."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

import psycopg

from store.tx import Tx


class StorageError(Exception):
    """The database itself cannot be used (a damaged or foreign file); the message names it."""


# What counts as "the database refused": driver errors of either backend and our own refusals.
# Anything else raised under a transaction is a bug in the caller, not a store failure.
DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, psycopg.Error, StorageError)


@dataclass(frozen=True)
class StoreCheck:
    """What a bounded integrity check found: `damaged` is None when it could not tell."""

    damaged: bool | None
    detail: str  # one line for an operator


class Store(Protocol):
    dialect: str

    def transaction(self) -> AbstractContextManager[Tx]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        ...

    def read(self) -> AbstractContextManager[Tx]:
        """One read-only transaction; never waits for writers (use it for every lookup)."""
        ...

    def exclusive(self, name: str) -> AbstractContextManager[None]:
        """Hold `name` against every other process using this database (e.g. "render")."""
        ...

    def migrate(self) -> int:
        ...

    def check(self, seconds: float) -> StoreCheck:
        """Look for damage for at most `seconds` (SQLite's quick_check; a server checks itself)."""
        ...

    def reset_identity(self, table: str, column: str) -> None:
        """After an import with explicit ids, make new ids continue above them."""
        ...

    def close(self) -> None:
        ...
