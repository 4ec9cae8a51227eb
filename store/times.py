"""The text forms of time: the one in the database, and the one people read."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import lru_cache

_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@lru_cache(maxsize=4096)  # an ingest writes the same "now" and publish times several times each
def to_db(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_FORMAT)


def from_db(text: str) -> datetime:
    return datetime.fromisoformat(text)  # reads the trailing Z as UTC; 10x faster than strptime


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def shown_time(moment: datetime, tz: tzinfo) -> str:
    """A time as pages and commands show it to people: in the service's zone, minutes, and the
    UTC offset, so it is never taken for UTC or for the reader's own zone."""
    local = moment.astimezone(tz)
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"
