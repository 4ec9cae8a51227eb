"""The one text form of time in the database."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@lru_cache(maxsize=4096)  # an ingest writes the same "now" and publish times several times each
def to_db(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_FORMAT)


def from_db(text: str) -> datetime:
    return datetime.fromisoformat(text)  # reads the trailing Z as UTC; 10x faster than strptime


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
