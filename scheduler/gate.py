"""Shutdown without torn writes: stop new database writes, let the ones under way commit."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class ShuttingDown(Exception):
    """Raised instead of starting a write once shutdown began; the next run redoes the poll."""


class WriteGate:
    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._active = 0
        self._closed = False

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._condition:
            if self._closed:
                raise ShuttingDown()
            self._active += 1
        try:
            yield
        finally:
            with self._condition:
                self._active -= 1
                self._condition.notify_all()

    def close(self, timeout: float) -> bool:
        """Refuse new writes; wait up to `timeout` for running ones. True when none is left."""
        with self._condition:
            self._closed = True
            return self._condition.wait_for(lambda: self._active == 0, timeout)
