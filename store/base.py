"""What the rest of the service may rely on from a store, whatever the backend."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from store.tx import Tx


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

    def reset_identity(self, table: str, column: str) -> None:
        """After an import with explicit ids, make new ids continue above them."""
        ...

    def close(self) -> None:
        ...
