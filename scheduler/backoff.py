"""When to poll a source again: its interval after a success, a growing, capped wait after failures.

A failing site is polled less and less often (x2 per failure, up to `cap`), never never: the
next success resets everything. Jitter keeps many sources that failed together (a network
outage) from coming back in one burst.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

MAX_RETRY_AFTER = 86400  # a server asking for more than a day is not taken literally


def next_poll_after_success(now: datetime, interval: int) -> datetime:
    return _nearest_second(now + timedelta(seconds=interval))


def backoff_seconds(interval: int, failures: int, cap: int, rng: random.Random | None = None) -> float:
    """Wait after `failures` failed polls in a row: interval x 2^(failures-1), jittered, capped.

    Jitter takes 0-25 % off, so consecutive waits still strictly grow until the cap.
    """
    rng = rng or random
    base = min(float(cap), interval * 2.0 ** min(max(failures - 1, 0), 40))
    return max(min(float(interval), float(cap)), base * rng.uniform(0.75, 1.0))


def next_poll_after_failure(now: datetime, interval: int, failures: int, cap: int,
                            retry_after: float | None = None) -> datetime:
    """Backoff, or later if the server said when to come back (Retry-After)."""
    wait = backoff_seconds(interval, failures, cap)
    if retry_after is not None:
        wait = max(wait, min(retry_after, MAX_RETRY_AFTER))
    return _nearest_second(now + timedelta(seconds=wait))


def _nearest_second(moment: datetime) -> datetime:
    """The store keeps whole seconds; rounding (not truncating) keeps the average interval exact,
    and a job that fires on a whole second keeps firing on whole seconds."""
    whole = moment.replace(microsecond=0)
    return whole + timedelta(seconds=1) if moment.microsecond >= 500_000 else whole
