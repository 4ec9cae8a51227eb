"""Structured logs: one key=value line per event, the source id on every line logged during a poll.

The source id travels in a context variable, so lines logged by libraries (requests, urllib3)
while a source is polled carry it too, without every call site repeating it.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_current_source: ContextVar[str | None] = ContextVar("zonefeed_source", default=None)
_KEY_VALUE = re.compile(r"^[a-z_]+=")


@contextmanager
def source_context(source_id: str) -> Iterator[None]:
    """Every log line emitted inside this block (in this thread) names `source_id`."""
    token = _current_source.set(source_id)
    try:
        yield
    finally:
        _current_source.reset(token)


class KeyValueFormatter(logging.Formatter):
    """`time=… level=… logger=… event=… source=…`; free text and tracebacks become quoted values."""

    converter = time.gmtime

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if not _KEY_VALUE.match(message):
            message = "msg=" + _quote(message)
        parts = [f"time={self.formatTime(record, '%Y-%m-%dT%H:%M:%S')}Z",
                 f"level={record.levelname}", f"logger={record.name}", message]
        source = _current_source.get()
        if source and "source=" not in message:
            parts.append(f"source={source}")
        if record.exc_info:
            parts.append("exc=" + _quote(self.formatException(record.exc_info)))
        return " ".join(parts)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def setup_logging(level: str) -> None:
    """Route every logger to stderr in key=value form at `level` (libraries stay at WARNING)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(KeyValueFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("apscheduler", "urllib3"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
