"""Retention, so a store that follows thousands of sources for years does not grow without bound.

With `[storage] keep_content` set, stories published longer ago than that lose the full text
of their appearances (the bulk of a row), and keep everything else: title, link, summary,
dates, publisher, membership and GUID, so archive pages and ids stay valid and merely show
the summary. The near-duplicate keys of publish periods before the dedupe window go too: a
lookup for a story published now never reads them. Text younger than the dedupe window plus
one period is always kept, because the dedupe still compares it. Whatever the setting, the
render change log keeps only its newest CHANGES_KEPT rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from items.dedupe import PERIOD_DAYS, period_of
from items.similarity import WINDOW
from store.base import Store

BATCH = 1000  # stories per transaction: ingests wait at most one short batch


CHANGES_KEPT = 200_000  # story changes logged for renders (weeks of collects); older renders start afresh


@dataclass(frozen=True)
class RetentionReport:
    stories_trimmed: int
    band_rows_dropped: int
    changes_dropped: int = 0


def apply_retention(store: Store, keep_content: int | None, now: datetime) -> RetentionReport:
    """Drop what `keep_content` (seconds; None keeps all text and keys) says is too old to
    keep, and the oldest story changes beyond CHANGES_KEPT."""
    with store.transaction() as tx:
        tx.lock_dedupe()
        changes = tx.truncate_story_changes(CHANGES_KEPT)
    if keep_content is None:
        return RetentionReport(0, 0, changes)
    cutoff = now - max(timedelta(seconds=keep_content), WINDOW + timedelta(days=PERIOD_DAYS))
    trimmed, after = 0, 0
    while True:
        with store.transaction() as tx:
            tx.lock_dedupe()  # the change log stays in commit order with ingests
            story_ids = tx.stories_with_content_before(cutoff, after, BATCH)
            tx.drop_content(story_ids)
            tx.log_story_changes(story_ids)  # their pages now show the summary only
        if not story_ids:
            break
        trimmed, after = trimmed + len(story_ids), story_ids[-1]
    with store.transaction() as tx:
        dropped = tx.prune_bands_before(period_of(now - WINDOW))
    return RetentionReport(trimmed, dropped, changes)
