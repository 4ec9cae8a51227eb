"""What the rest of the service may rely on from a store, whatever the backend."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from store.tx import Tx


class StorageError(Exception):
    """The database itself cannot be used (a damaged or foreign file); the message names it."""


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
