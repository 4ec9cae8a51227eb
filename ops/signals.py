"""Signals handed to the main thread without locks: the handler only queues and writes a byte.

A handler that calls threading.Event.set() can deadlock the process: Python runs handlers on
the main thread between bytecodes, possibly while that thread holds the same Event's lock
inside wait(), and the handler then blocks on it forever (seen as a service that ignores
SIGTERM). A deque append and a write to a non-blocking pipe take no Python lock.
"""

from __future__ import annotations

import collections
import contextlib
import os
import select
import signal
from collections.abc import Iterable


class SignalInbox:
    """Receives `signums` from installation on; next() hands them out in arrival order."""

    def __init__(self, signums: Iterable[int]):
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)
        self._pending: collections.deque[int] = collections.deque()
        for signum in signums:
            signal.signal(signum, self._note)

    def _note(self, signum: int, _frame: object) -> None:
        self._pending.append(signum)
        with contextlib.suppress(BlockingIOError):  # a full pipe already holds a wake-up
            os.write(self._write, b"\0")

    def next(self, timeout: float | None = None) -> int | None:
        """The next signal received, waiting up to `timeout` seconds (None: for ever)."""
        while not self._pending:
            ready, _, _ = select.select([self._read], [], [], timeout)
            with contextlib.suppress(BlockingIOError):
                os.read(self._read, 4096)
            if not ready and timeout is not None:
                return None
        return self._pending.popleft()
