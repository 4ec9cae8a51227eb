"""Failure backoff: grows x2 per failure, jittered downwards only, capped, Retry-After honoured."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from scheduler.backoff import backoff_seconds, next_poll_after_failure, next_poll_after_success

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_waits_strictly_grow_until_the_cap_then_stay_under_it():
    rng = random.Random(7)
    for _ in range(200):
        waits = [backoff_seconds(60, n, cap=3600, rng=rng) for n in range(1, 12)]
        growing = [w for w in waits if w < 0.75 * 3600]
        assert growing == sorted(growing) and len(set(growing)) == len(growing)
        assert all(60 <= w <= 3600 for w in waits)
        assert waits[-1] >= 0.75 * 3600


def test_first_failure_waits_one_interval_and_jitter_spreads_later_ones():
    assert backoff_seconds(300, 1, cap=86400) == 300
    spread = {round(backoff_seconds(300, 4, cap=86400)) for _ in range(50)}
    assert len(spread) > 5 and min(spread) >= 0.75 * 2400 and max(spread) <= 2400


def test_huge_failure_counts_stay_at_the_default_cap_of_a_day():
    assert backoff_seconds(1800, 10_000, cap=86400) <= 86400


def test_retry_after_wins_when_longer_but_never_beyond_a_day():
    assert next_poll_after_failure(NOW, 60, 1, 3600, retry_after=900) == NOW + timedelta(seconds=900)
    assert next_poll_after_failure(NOW, 60, 1, 3600, retry_after=10) == NOW + timedelta(seconds=60)
    assert next_poll_after_failure(NOW, 60, 1, 3600, retry_after=10**9) == NOW + timedelta(days=1)


def test_success_polls_again_after_the_interval():
    assert next_poll_after_success(NOW, 1800) == NOW + timedelta(minutes=30)
