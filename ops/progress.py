"""A one-line progress bar for interactive `collect` runs; silent when stderr is not a terminal."""

from __future__ import annotations

import sys
import threading
from typing import TextIO

_WIDTH = 24


class Progress:
    """Sources done / total, errors so far and the source being read, redrawn in place."""

    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool | None = None):
        self.total = total
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.done = 0
        self.errors = 0
        self.current = ""
        self._lock = threading.Lock()

    def started(self, source_id: str) -> None:
        with self._lock:
            self.current = source_id
            self._draw()

    def finished(self, source_id: str, failed: bool) -> None:
        with self._lock:
            self.done += 1
            self.errors += int(failed)
            self.current = source_id
            self._draw()

    def close(self) -> None:
        if self.enabled:
            with self._lock:
                self.stream.write("\n")
                self.stream.flush()

    def line(self) -> str:
        filled = _WIDTH * self.done // self.total if self.total else _WIDTH
        bar = "#" * filled + "." * (_WIDTH - filled)
        return f"[{bar}] {self.done}/{self.total} sources  errors: {self.errors}  {self.current}"

    def _draw(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[2K" + self.line())
            self.stream.flush()
