"""Human intervals ("30m", "1h30m", "90s", "1d") to seconds."""

from __future__ import annotations

import re

_PART = re.compile(r"(\d+)\s*([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> int:
    """Return the interval in seconds; raise ValueError for anything that is not d/h/m/s parts."""
    compact = text.strip().lower()
    if not compact or _PART.sub("", compact).strip():
        raise ValueError(f"bad interval {text!r}: use e.g. \"90s\", \"30m\", \"1h30m\", \"1d\"")
    seconds = sum(int(n) * _UNIT_SECONDS[unit] for n, unit in _PART.findall(compact))
    if seconds <= 0:
        raise ValueError(f"bad interval {text!r}: must be longer than 0s")
    return seconds


def format_interval(seconds: int) -> str:
    """Seconds back to the largest exact unit ("30d", "90s"), for messages naming a range."""
    for unit in ("d", "h", "m"):
        if seconds % _UNIT_SECONDS[unit] == 0:
            return f"{seconds // _UNIT_SECONDS[unit]}{unit}"
    return f"{seconds}s"
