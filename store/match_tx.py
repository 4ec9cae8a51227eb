"""Queries of the dedupe step (exact lookups in bulk, LSH bands, decisions), mixed into Tx.

Every lookup takes a whole batch and runs in chunks, so ingesting a collect costs a few
queries rather than a few per item.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from store.times import from_db, to_db

CHUNK = 500  # below every backend's bound-parameter limit


@dataclass(frozen=True)
class StoredAppearance:
    id: int
    story_id: int
    fingerprint: str


@dataclass(frozen=True)
class UrlHit:
    id: int
    story_id: int
    source_id: str
    fingerprint: str


class CanonicalCandidate(NamedTuple):  # every member of every touched story, each ingest
    id: int
    source_id: str
    source_name: str
    publisher: str | None
    published_at: datetime
    item_key: str = ""
    title: str = ""
    date_is_day: bool = False  # published_at is a day (its midnight), not a moment of it


class HitAppearance(NamedTuple):
    story_id: int
    source_id: str
    published_at: datetime
    title: str


@dataclass(frozen=True)
class BandHits:
    """Stored appearances sharing band keys: each (band key, appearance id) pair, and each
    appearance's story, source, date and title once (a re-post shares about half of its keys)."""

    pairs: list[tuple[int, int]]
    appearances: dict[int, HitAppearance]


@dataclass(frozen=True)
class StoredText:
    id: int
    story_id: int
    source_id: str
    url: str
    title: str
    content_html: str
    summary: str
    published_at: datetime
    publisher: str | None = None
    source_name: str = ""


@dataclass(frozen=True)
class Decision:
    appearance_id: int
    rule: str
    matched_id: int | None
    detail: str


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


class MatchQueries:
    """Needs `_q(sql, params)` and `connection` from the Tx it is mixed into."""

    def _q(self, sql: str, params: Sequence[Any] = ()) -> Any:  # pragma: no cover - provided by Tx
        raise NotImplementedError

    def _many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """executemany, taking the rows as they come (no copy of a large batch)."""
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            return
        if getattr(self, "_placeholder", "?") != "?":
            sql = sql.replace("?", self._placeholder)
        self.connection.cursor().executemany(sql, itertools.chain([first], rows))

    def find_appearances(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], StoredAppearance]:
        """Stored appearances for (source_id, item_key) pairs."""
        by_source: dict[str, list[str]] = {}
        for source_id, item_key in keys:
            by_source.setdefault(source_id, []).append(item_key)
        found = {}
        for source_id, item_keys in by_source.items():
            for chunk in _chunks(sorted(set(item_keys))):
                rows = self._q(
                    "SELECT id, story_id, fingerprint, item_key FROM appearances "
                    f"WHERE source_id = ? AND item_key IN ({_marks(chunk)})",
                    (source_id, *chunk),
                ).fetchall()
                for r in rows:
                    found[(source_id, r[3])] = StoredAppearance(int(r[0]), int(r[1]), r[2])
        return found

    def appearances_at_urls(self, urls: Iterable[str]) -> dict[str, list[UrlHit]]:
        """Stored appearances at each URL, oldest first."""
        found: dict[str, list[UrlHit]] = {}
        for chunk in _chunks(sorted(set(urls))):
            rows = self._q(
                "SELECT url, id, story_id, source_id, fingerprint FROM appearances "
                f"WHERE url IN ({_marks(chunk)}) ORDER BY id",
                chunk,
            ).fetchall()
            for r in rows:
                found.setdefault(r[0], []).append(UrlHit(int(r[1]), int(r[2]), r[3], r[4]))
        return found

    def band_hits(self, band_keys: Iterable[int], periods: Iterable[int]) -> BandHits:
        """Stored appearances sharing a band key, published in one of the periods."""
        pairs: list[tuple[int, int]] = []
        wanted = sorted(set(periods))
        for chunk in _chunks(sorted(set(band_keys))):
            pairs += self._q(
                "SELECT band_key, appearance_id FROM dedupe_bands "
                f"WHERE published_period IN ({_marks(wanted)}) AND band_key IN ({_marks(chunk)})",
                (*wanted, *chunk),
            ).fetchall()
        found: dict[int, HitAppearance] = {}
        parsed = functools.lru_cache(maxsize=None)(from_db)  # a batch's candidates share dates
        for chunk in _chunks(sorted({appearance_id for _, appearance_id in pairs})):
            rows = self._q(
                f"SELECT id, story_id, source_id, published_at, title FROM appearances WHERE id IN ({_marks(chunk)})",
                chunk,
            ).fetchall()
            found.update((r[0], HitAppearance(r[1], r[2], parsed(r[3]), r[4])) for r in rows)
        return BandHits([(key, appearance_id) for key, appearance_id in pairs if appearance_id in found], found)

    def add_bands(self, rows: Iterable[Sequence[int]]) -> None:
        """(published_period, band_key, appearance_id) rows, best in key order (`band_rows`
        sorts them: fewer pages touched than in arrival order); a row already there is kept."""
        self._many("INSERT INTO dedupe_bands (published_period, band_key, appearance_id) VALUES (?, ?, ?) "
                   "ON CONFLICT DO NOTHING", rows)

    def drop_bands(self, rows: Iterable[Sequence[int]]) -> None:
        """(published_period, band_key, appearance_id) rows, each found by its key."""
        self._many("DELETE FROM dedupe_bands WHERE published_period = ? AND band_key = ? AND appearance_id = ?",
                   rows)

    def stored_texts(self, appearance_ids: Iterable[int]) -> list[StoredText]:
        texts = []
        for chunk in _chunks(sorted(set(appearance_ids))):
            rows = self._q(
                "SELECT a.id, a.story_id, a.source_id, a.url, a.title, a.content_html, a.summary, "
                "a.published_at, a.publisher, COALESCE(s.name, a.source_id) "
                f"FROM appearances a LEFT JOIN sources s ON s.id = a.source_id WHERE a.id IN ({_marks(chunk)})",
                chunk,
            ).fetchall()
            texts.extend(StoredText(int(r[0]), int(r[1]), r[2], r[3], r[4], r[5], r[6], from_db(r[7]),
                                    r[8], r[9]) for r in rows)
        return texts

    def lock_dedupe(self) -> None:
        """Hold the one dedupe row until commit, so concurrent ingests (PostgreSQL) see each
        other's appearances instead of missing a cross-post committed at the same moment.
        SQLite already serializes writers; there this costs one tiny update."""
        self._q("UPDATE dedupe_backfill SET done_through = done_through")

    def unindexed_texts(self, limit: int) -> list[StoredText]:
        """Up to `limit` appearances without band keys of the current scheme (stored before
        the dedupe index, or under another band scheme), newest first: a match looks back
        only a few days, so the stories that can still be joined get their keys first."""
        row = self._q("SELECT done_through, until_id FROM dedupe_backfill").fetchone()
        if row is None or int(row[0]) >= int(row[1]):
            return []
        ids = [int(r[0]) for r in self._q(
            "SELECT id FROM appearances WHERE id > ? AND id <= ? ORDER BY id DESC LIMIT ?",
            (int(row[0]), int(row[1]), limit)).fetchall()]
        self._q("UPDATE dedupe_backfill SET until_id = ?", (min(ids) - 1 if ids else int(row[0]),))
        return self.stored_texts(ids)

    def band_scheme(self) -> str:
        """The name of the band scheme the stored keys were made with ('' before migration 15)."""
        row = self._q("SELECT scheme FROM dedupe_backfill").fetchone()
        return row[0] if row else ""

    def restart_band_index(self, scheme: str) -> None:
        """Drop every band key and have `unindexed_texts` hand out all appearances again, to be
        keyed under `scheme`: keys of two schemes never match each other."""
        self._q("DELETE FROM dedupe_bands")
        self._q("UPDATE dedupe_backfill SET done_through = 0, until_id = "
                "(SELECT COALESCE(MAX(id), 0) FROM appearances), scheme = ?", (scheme,))

    def title_note(self, appearance_id: int) -> str | None:
        """Why the appearance has its title (HTML pages), as the poll decided it."""
        row = self._q("SELECT title_note FROM appearances WHERE id = ?", (appearance_id,)).fetchone()
        return row[0] if row else None

    def appearance_ids_at(self, url: str) -> list[int]:
        rows = self._q("SELECT id FROM appearances WHERE url = ? ORDER BY id", (url,)).fetchall()
        return [int(r[0]) for r in rows]

    def merge_stories(self, into: int, merged: int) -> None:
        """Move every appearance of `merged` into `into`; `merged` (and its GUID) ends."""
        self._q("UPDATE appearances SET story_id = ? WHERE story_id = ?", (into, merged))
        self._q("DELETE FROM stories WHERE id = ?", (merged,))

    def record_decisions(self, decisions: Iterable[Decision]) -> None:
        self._many(
            "INSERT INTO dedupe_decisions (appearance_id, rule, matched_id, detail) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (appearance_id) DO UPDATE SET rule = excluded.rule, "
            "matched_id = excluded.matched_id, detail = excluded.detail",
            ((d.appearance_id, d.rule, d.matched_id, d.detail) for d in decisions),
        )

    def decision_for(self, appearance_id: int) -> Decision | None:
        row = self._q(
            "SELECT appearance_id, rule, matched_id, detail FROM dedupe_decisions WHERE appearance_id = ?",
            (appearance_id,),
        ).fetchone()
        return Decision(int(row[0]), row[1], int(row[2]) if row[2] is not None else None, row[3]) if row else None

    def story_identity(self, story_id: int) -> tuple[str, int | None] | None:
        """(guid, canonical appearance id) of a story."""
        row = self._q("SELECT guid, canonical_id FROM stories WHERE id = ?", (story_id,)).fetchone()
        return (row[0], int(row[1]) if row[1] is not None else None) if row else None

    def canonical_candidates_of(self, story_ids: Iterable[int]) -> dict[int, list[CanonicalCandidate]]:
        found: dict[int, list[CanonicalCandidate]] = {}
        for chunk in _chunks(sorted(set(story_ids))):
            rows = self._q(
                "SELECT a.story_id, a.id, a.source_id, COALESCE(s.name, a.source_id), a.publisher, "
                "a.published_at, a.item_key, a.title, a.date_is_day FROM appearances a LEFT JOIN sources s ON s.id = a.source_id "
                f"WHERE a.story_id IN ({_marks(chunk)})",
                chunk,
            ).fetchall()
            for r in rows:
                found.setdefault(int(r[0]), []).append(
                    CanonicalCandidate(r[1], r[2], r[3], r[4], from_db(r[5]), r[6], r[7], bool(r[8])))
        return found

    def set_canonicals(self, rows: Iterable[tuple[int, int, datetime, datetime | None]]) -> None:
        """(story_id, canonical appearance id, published_at, updated_at or None to keep)."""
        self._many(
            "UPDATE stories SET canonical_id = ?, published_at = ?, "
            "updated_at = COALESCE(?, updated_at) WHERE id = ?",
            ((a, to_db(p), to_db(u) if u else None, s) for s, a, p, u in rows),
        )
