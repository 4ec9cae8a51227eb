"""Queries that let a render redo only what changed, and that keep the store's size bounded.

Mixed into Tx. The change log is appended in the same transaction as the change, under the
dedupe row lock every ingest holds, so its ids grow in commit order and "everything after
mark m" is exactly what a render that saw m has not shown yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from store.times import to_db

CHUNK = 500  # below every backend's bound-parameter limit
TRUNCATED = 0  # story id (never a real one) of the change that marks where the log was cut


class RenderQueries:
    """Needs `_q(sql, params)` and `_many(sql, rows)` from the Tx it is mixed into."""

    def _q(self, sql: str, params: Sequence[Any] = ()) -> Any:  # pragma: no cover - provided by Tx
        raise NotImplementedError

    def _many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:  # pragma: no cover
        raise NotImplementedError

    # the change log ------------------------------------------------------------------------
    def log_story_changes(self, story_ids: Iterable[int]) -> None:
        """Record that these stories changed or ended (merged into another)."""
        self._many("INSERT INTO story_changes (story_id) VALUES (?)", ((s,) for s in sorted(set(story_ids))))

    def story_change_mark(self) -> int:
        """The newest change logged so far (0 for none): a render remembers the mark it showed."""
        return int(self._q("SELECT COALESCE(MAX(id), 0) FROM story_changes").fetchone()[0])

    def stories_changed_between(self, after_mark: int, through_mark: int) -> set[int]:
        rows = self._q("SELECT DISTINCT story_id FROM story_changes WHERE id > ? AND id <= ?",
                       (after_mark, through_mark)).fetchall()
        return {int(r[0]) for r in rows}

    def truncate_story_changes(self, keep: int) -> int:
        """Keep the newest `keep` changes; return rows dropped. The oldest kept row becomes the
        mark TRUNCATED, so an export that saw less than it renders everything instead."""
        floor = self.story_change_mark() - keep
        dropped = int(self._q("DELETE FROM story_changes WHERE id < ?", (floor,)).rowcount) if floor > 0 else 0
        if dropped:
            self._q("UPDATE story_changes SET story_id = ? WHERE id = (SELECT MIN(id) FROM story_changes)",
                    (TRUNCATED,))
        return dropped

    # archive page boundaries -----------------------------------------------------------------
    def archive_bounds(self, feed_key: str) -> list[int]:
        """Last story id of each full archive page of a feed, page 1 first."""
        rows = self._q("SELECT last_story_id FROM archive_pages WHERE feed_key = ? ORDER BY page",
                       (feed_key,)).fetchall()
        return [int(r[0]) for r in rows]

    def add_archive_bounds(self, feed_key: str, first_page: int, last_ids: Sequence[int]) -> None:
        """Freeze new full pages (numbered from `first_page`); a page, once cut, never moves."""
        self._many("INSERT INTO archive_pages (feed_key, page, last_story_id) VALUES (?, ?, ?) "
                   "ON CONFLICT (feed_key, page) DO NOTHING",
                   ((feed_key, first_page + n, last) for n, last in enumerate(last_ids)))

    # retention ------------------------------------------------------------------------------
    def stories_with_content_before(self, moment: datetime, after_story: int, limit: int) -> list[int]:
        """Up to `limit` stories (ids above `after_story`) published before `moment` that still
        keep some full text."""
        rows = self._q(
            "SELECT DISTINCT a.story_id FROM appearances a JOIN stories s ON s.id = a.story_id "
            "WHERE s.published_at < ? AND a.story_id > ? AND a.content_html <> '' "
            "ORDER BY a.story_id LIMIT ?",
            (to_db(moment), after_story, limit)).fetchall()
        return [int(r[0]) for r in rows]

    def drop_content(self, story_ids: Sequence[int]) -> None:
        """Forget the full text of every appearance of these stories (the rest stays)."""
        for start in range(0, len(story_ids), CHUNK):
            chunk = story_ids[start:start + CHUNK]
            self._q(f"UPDATE appearances SET content_html = '' WHERE content_html <> '' "
                    f"AND story_id IN ({', '.join('?' for _ in chunk)})", chunk)

    def prune_bands_before(self, period: int) -> int:
        """Drop the near-duplicate keys of publish periods before `period`; return rows dropped."""
        return int(self._q("DELETE FROM dedupe_bands WHERE published_period < ?", (period,)).rowcount)
