"""Every query the pipeline needs, named by intent, in SQL both backends speak.

A Tx wraps one DB-API connection inside one transaction; backends only differ in how they
open connections and in the placeholder style, which `_q` adapts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from model.raw import RobotsRecord, StoredReading, Validators
from model.stories import AlsoAt, Appearance, StoryEntry
from settings.model import SourceConfig
from store.match_tx import MatchQueries
from store.places_tx import PLACE_COLUMNS, PlaceQueries, decode_amounts
from store.reading_tx import ReadingQueries
from store.render_tx import RenderQueries
from store.times import from_db, to_db


@dataclass(frozen=True)
class SourceState:
    """A source's poll record as stored: what its polls did, when the next one is due, who holds it."""

    id: str
    name: str
    url: str
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    error_kind: str | None
    consecutive_failures: int
    next_poll_at: datetime | None
    polls: int
    not_modified_polls: int
    appearances: int
    leased_by: str | None = None      # the node polling it now (scheduler/leases.py names it)
    leased_at: datetime | None = None  # since when

    @classmethod
    def unpolled(cls, source: SourceConfig) -> SourceState:
        """The record of a source no poll has reached yet (configured since the last sync)."""
        return cls(source.id, source.name, source.url, None, None, None, None, 0, None, 0, 0, 0)

    @property
    def last_poll_failed(self) -> bool:
        return bool(self.polls and self.last_error)


@dataclass(frozen=True)
class ReadingRow:
    """How one stored item was read, for a source's extraction health (newest first)."""

    url: str
    title: str
    text_origin: str
    date_is_guess: bool
    titles_agree: bool | None
    content_chars: int  # length of the stored content HTML


@dataclass(frozen=True)
class FeedQuery:
    """Which stories a feed wants; None means "no filter" for that dimension."""

    source_ids: frozenset[str] | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    limit: int = 100
    must_match: tuple[str, ...] = ()  # every word must appear (a reader's ?q= search)
    places: tuple[tuple[str, str], ...] = ()  # (province|city|county|zone|source, code): any of them
    topics: tuple[str, ...] = ()  # any of them
    min_investment: float | None = None  # yuan
    must_places: tuple[tuple[str, str], ...] = ()  # a reader's ?region=: each must match
    must_topics: tuple[str, ...] = ()  # a reader's ?topic=


_MATCH = "(c.title LIKE ? ESCAPE '\\' OR c.summary LIKE ? ESCAPE '\\')"


class Tx(ReadingQueries, MatchQueries, RenderQueries, PlaceQueries):
    def __init__(self, connection: Any, placeholder: str):
        self.connection = connection
        self._placeholder = placeholder
        self.created_stories: set[int] = set()  # stories this transaction inserted (not found)

    def _q(self, sql: str, params: Sequence[Any] = ()) -> Any:
        if self._placeholder != "?":
            sql = sql.replace("?", self._placeholder)
        cursor = self.connection.cursor()
        cursor.execute(sql, tuple(params))
        return cursor

    # whole-table moves (export/import); table names come from our migrations, never users --
    def dump_table(self, table: str) -> tuple[list[str], Iterable[tuple[Any, ...]]]:
        """Column names and the rows in id order (read lazily where the driver can)."""
        cursor = self._q(f"SELECT * FROM {table} ORDER BY 1")
        return [d[0] for d in cursor.description], cursor

    def table_has_rows(self, table: str) -> bool:
        return self._q(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None

    def clear_table(self, table: str) -> None:
        self._q(f"DELETE FROM {table}")

    def load_rows(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        marks = ", ".join(self._placeholder for _ in columns)
        self.connection.cursor().executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    # sources -----------------------------------------------------------------------------
    def sync_sources(self, sources: Iterable[SourceConfig]) -> None:
        for source in sources:
            self._q(
                "INSERT INTO sources (id, name, url) VALUES (?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET name = excluded.name, url = excluded.url",
                (source.id, source.name, source.url),
            )

    def record_success(self, source_id: str, at: datetime, not_modified: bool,
                       next_poll_at: datetime | None) -> None:
        self._q(
            "UPDATE sources SET last_attempt_at = ?, last_success_at = ?, last_error = NULL, "
            "error_kind = NULL, consecutive_failures = 0, polls = polls + 1, "
            "not_modified_polls = not_modified_polls + ?, next_poll_at = ?, "
            "leased_by = NULL, lease_until = NULL, leased_at = NULL WHERE id = ?",
            (to_db(at), to_db(at), int(not_modified), _opt(next_poll_at), source_id),
        )

    def record_failure(self, source_id: str, at: datetime, error: str, kind: str,
                       next_poll_at: datetime | None) -> int:
        """Store the error; return how many polls in a row have now failed."""
        self._q(
            "UPDATE sources SET last_attempt_at = ?, last_error = ?, error_kind = ?, "
            "consecutive_failures = consecutive_failures + 1, polls = polls + 1, "
            "next_poll_at = ?, leased_by = NULL, lease_until = NULL, leased_at = NULL WHERE id = ?",
            (to_db(at), error, kind, _opt(next_poll_at), source_id),
        )
        row = self._q("SELECT consecutive_failures FROM sources WHERE id = ?", (source_id,)).fetchone()
        return int(row[0]) if row else 0

    def record_source_moved(self, source_id: str, url: str) -> None:
        """A permanent redirect: keep the new URL until config.toml is updated (sync resets it)."""
        self._q("UPDATE sources SET url = ? WHERE id = ?", (url, source_id))
    def claim_source(self, source_id: str, node_id: str, now: datetime, lease_seconds: int,
                     due_only: bool = True) -> bool:
        """Take the poll of `source_id` for `node_id`: True for exactly one of racing nodes.

        One conditional UPDATE, so the database (not any process) decides who polls; a lease
        that outlives a crashed holder expires by itself. `due_only=False` polls early (an
        operator's "collect now") but still never next to a running poll.
        """
        due = "(next_poll_at IS NULL OR next_poll_at <= ?) AND " if due_only else ""
        row = self._q(
            "UPDATE sources SET leased_by = ?, lease_until = ?, leased_at = ? "
            f"WHERE id = ? AND {due}(lease_until IS NULL OR lease_until < ?) RETURNING id",
            (node_id, to_db(now + timedelta(seconds=lease_seconds)), to_db(now), source_id,
             *((to_db(now),) if due_only else ()), to_db(now)),
        ).fetchone()
        return row is not None

    def release_lease(self, source_id: str, node_id: str) -> None:
        """Give back a claim without recording a poll (the poll was abandoned)."""
        self._q("UPDATE sources SET leased_by = NULL, lease_until = NULL, leased_at = NULL "
                "WHERE id = ? AND leased_by = ?", (source_id, node_id))

    def leases(self) -> dict[str, str]:
        """source id -> holder of every lease currently recorded."""
        rows = self._q("SELECT id, leased_by FROM sources WHERE leased_by IS NOT NULL").fetchall()
        return {r[0]: r[1] for r in rows}

    def consecutive_failures(self, source_id: str) -> int:
        row = self._q("SELECT consecutive_failures FROM sources WHERE id = ?", (source_id,)).fetchone()
        return int(row[0]) if row else 0

    def next_poll_at(self, source_id: str) -> datetime | None:
        row = self._q("SELECT next_poll_at FROM sources WHERE id = ?", (source_id,)).fetchone()
        return _dt(row[0]) if row else None

    def items_seen_since(self, *moments: datetime) -> dict[str, tuple[int, ...]]:
        """source id -> appearances first seen at or after each moment (status pages), one scan."""
        counts = ", ".join("SUM(CASE WHEN first_seen_at >= ? THEN 1 ELSE 0 END)" for _ in moments)
        rows = self._q(
            f"SELECT source_id, {counts} FROM appearances WHERE first_seen_at >= ? GROUP BY source_id",
            (*(to_db(m) for m in moments), to_db(min(moments))),
        ).fetchall()
        return {r[0]: tuple(int(n) for n in r[1:]) for r in rows}

    def latest_readings(self, source_id: str, limit: int) -> list[ReadingRow]:
        """The source's `limit` most recently first seen items (index on source, first seen)."""
        rows = self._q(
            "SELECT url, title, text_origin, date_is_guess, titles_agree, LENGTH(content_html) FROM appearances "
            "WHERE source_id = ? ORDER BY first_seen_at DESC, id DESC LIMIT ?", (source_id, limit),
        ).fetchall()
        return [ReadingRow(r[0], r[1], r[2], bool(r[3]), None if r[4] is None else bool(r[4]), int(r[5] or 0))
                for r in rows]

    def non_text_items(self) -> dict[str, tuple[int, str]]:
        """source id -> (items that were files, the newest one's URL), for status pages."""
        rows = self._q(
            "SELECT source_id, COUNT(*), MAX(id) FROM appearances WHERE enclosure_type IS NOT NULL "
            "GROUP BY source_id").fetchall()
        newest = dict(self._q(
            "SELECT id, url FROM appearances WHERE id IN (SELECT MAX(id) FROM appearances "
            "WHERE enclosure_type IS NOT NULL GROUP BY source_id)").fetchall()) if rows else {}
        return {r[0]: (int(r[1]), newest.get(r[2], "")) for r in rows}

    def source_states(self) -> list[SourceState]:
        rows = self._q(
            "SELECT s.id, s.name, s.url, s.last_attempt_at, s.last_success_at, s.last_error, "
            "s.error_kind, s.consecutive_failures, s.next_poll_at, s.polls, s.not_modified_polls, "
            "(SELECT COUNT(*) FROM appearances a WHERE a.source_id = s.id), s.leased_by, s.leased_at "
            "FROM sources s ORDER BY s.id"
        ).fetchall()
        return [
            SourceState(r[0], r[1], r[2], _dt(r[3]), _dt(r[4]), r[5], r[6], int(r[7]), _dt(r[8]),
                        int(r[9]), int(r[10]), int(r[11]), r[12], _dt(r[13]) if r[12] else None)
            for r in rows
        ]

    # conditional GET -----------------------------------------------------------------------
    def validators_for(self, url: str) -> Validators | None:
        row = self._q(
            "SELECT etag, last_modified FROM http_validators WHERE url = ?", (url,)
        ).fetchone()
        return Validators(url, row[0], row[1]) if row else None

    def save_validators(self, validators: Validators) -> None:
        self._q(
            "INSERT INTO http_validators (url, etag, last_modified) VALUES (?, ?, ?) "
            "ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, "
            "last_modified = excluded.last_modified",
            (validators.url, validators.etag, validators.last_modified),
        )

    def robots_txt(self, origin: str) -> RobotsRecord | None:
        row = self._q("SELECT fetched_at, status, body, etag, last_modified FROM robots_txt "
                      "WHERE origin = ?", (origin,)).fetchone()
        return RobotsRecord(origin, from_db(row[0]), int(row[1]), row[2], row[3], row[4]) if row else None

    def save_robots_txt(self, record: RobotsRecord) -> None:
        self._q(
            "INSERT INTO robots_txt (origin, fetched_at, status, body, etag, last_modified) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (origin) DO UPDATE SET "
            "fetched_at = excluded.fetched_at, status = excluded.status, body = excluded.body, "
            "etag = excluded.etag, last_modified = excluded.last_modified",
            (record.origin, to_db(record.fetched_at), record.status, record.body, record.etag,
             record.last_modified),
        )

    def source_has_appearances(self, source_id: str) -> bool:
        row = self._q("SELECT 1 FROM appearances WHERE source_id = ? LIMIT 1", (source_id,)).fetchone()
        return row is not None

    # appearances and stories ------------------------------------------------------------------
    def create_story(self, guid: str, published_at: datetime, now: datetime,
                     url: str | None = None) -> int:
        """Create the story first seen at `url`, or return the one another node just created
        for the same guid or URL (the unique constraints decide, then we read the winner)."""
        row = self._q(
            "INSERT INTO stories (guid, url_key, published_at, updated_at, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
            (guid, url, to_db(published_at), to_db(now), to_db(now)),
        ).fetchone()
        if row is None:
            row = self._q(
                "SELECT id FROM stories WHERE guid = ? OR url_key = ? ORDER BY id LIMIT 1",
                (guid, url),
            ).fetchone()
            return int(row[0])
        self.created_stories.add(int(row[0]))
        return int(row[0])

    def insert_appearance(self, app: Appearance, story_id: int, now: datetime) -> int | None:
        """Store a new appearance; None when another node stored the same one first.

        The columns only some appearances fill (a file's enclosure, an HTML title's note) are
        named only when set."""
        optional = {name: value for name, value in (
            ("enclosure_url", app.enclosure_url), ("enclosure_type", app.enclosure_type),
            ("enclosure_length", app.enclosure_length), ("title_note", app.title_note)) if value is not None}
        columns = "".join(f", {name}" for name in optional)
        row = self._q(
            "INSERT INTO appearances (story_id, source_id, item_key, url, title, published_at, "
            "date_is_guess, date_is_day, updated_at, first_seen_at, content_html, summary, author, publisher, "
            f"regions, tags, fingerprint, listed_key, text_origin, titles_agree, text_failures{columns}) "
            f"VALUES ({', '.join('?' * (21 + len(optional)))}) "
            "ON CONFLICT (source_id, item_key) DO NOTHING RETURNING id",
            (story_id, app.source_id, app.item_key, app.url, app.title, to_db(app.published_at),
             int(app.date_is_guess), int(app.date_is_day), _opt(app.updated_at), to_db(now), app.content_html,
             app.summary, app.author, app.publisher, "\n".join(app.regions),
             "\n".join(app.tags), app.fingerprint, app.listed_key, app.text_origin,
             _opt_bool(app.titles_agree), app.article_failures, *optional.values()),
        ).fetchone()
        if row is None:
            return None
        self.save_tags(int(row[0]), app, fresh=True)
        return int(row[0])

    def update_appearance(self, appearance_id: int, app: Appearance) -> None:
        """A corrected item replaces what we had; a guessed date never overwrites a real one."""
        self._q(
            "UPDATE appearances SET url = ?, title = ?, "
            "published_at = CASE WHEN ? = 1 THEN published_at ELSE ? END, "
            "date_is_guess = CASE WHEN ? = 1 THEN date_is_guess ELSE 0 END, "
            "date_is_day = CASE WHEN ? = 1 THEN date_is_day ELSE ? END, "
            "updated_at = ?, content_html = ?, summary = ?, author = ?, publisher = ?, "
            "regions = ?, tags = ?, fingerprint = ?, enclosure_url = ?, enclosure_type = ?, "
            "enclosure_length = ?, title_note = ? WHERE id = ?",
            (app.url, app.title, int(app.date_is_guess), to_db(app.published_at),
             int(app.date_is_guess), int(app.date_is_guess), int(app.date_is_day), _opt(app.updated_at), app.content_html, app.summary,
             app.author, app.publisher, "\n".join(app.regions), "\n".join(app.tags),
             app.fingerprint, app.enclosure_url, app.enclosure_type, app.enclosure_length,
             app.title_note, appearance_id),
        )
        self.save_tags(appearance_id, app)

    def record_readings(self, rows: Iterable[tuple[int, Appearance]]) -> None:
        """How stored appearances were read this time (a poll that re-read or retried them).

        A failed article fetch adds its weight to the failures in a row; any other reading
        resets them. An item read without a listed key keeps the stored one. A row that would
        not change is not written (on PostgreSQL every UPDATE leaves a dead row version)."""
        self._many(
            "UPDATE appearances SET listed_key = CASE WHEN ? = '' THEN listed_key ELSE ? END, "
            "text_origin = CASE WHEN ? = '' THEN text_origin ELSE ? END, "
            "titles_agree = COALESCE(?, titles_agree), "
            "text_failures = CASE WHEN ? > 0 THEN text_failures + ? ELSE 0 END WHERE id = ? "
            "AND NOT (listed_key = ? AND text_origin = ? AND COALESCE(titles_agree, -1) = ? "
            "AND text_failures = 0 AND ? = 0)",
            ((a.listed_key, a.listed_key, a.text_origin, a.text_origin, _opt_bool(a.titles_agree),
              a.article_failures, a.article_failures, appearance_id, a.listed_key, a.text_origin,
              -1 if a.titles_agree is None else int(a.titles_agree), a.article_failures)
             for appearance_id, a in rows),
        )

    def item_readings(self, source_id: str, urls: Sequence[str]) -> dict[str, StoredReading]:
        """url -> how the source's appearance at that URL was read, for those of `urls` stored."""
        found: dict[str, StoredReading] = {}
        unique = sorted(set(urls))
        for start in range(0, len(unique), 200):
            chunk = unique[start : start + 200]
            marks = ", ".join("?" for _ in chunk)
            rows = self._q(
                "SELECT url, listed_key, text_origin, text_failures FROM appearances "
                f"WHERE source_id = ? AND url IN ({marks}) ORDER BY id DESC",
                (source_id, *chunk),
            ).fetchall()
            found.update((r[0], StoredReading(r[1], r[2], int(r[3]))) for r in rows)
        return found

    def story_count(self) -> int:
        return int(self._q("SELECT COUNT(*) FROM stories").fetchone()[0])

    # feeds ---------------------------------------------------------------------------------
    def stories_for_feed(self, query: FeedQuery) -> list[StoryEntry]:
        """Newest first by publish time: what a feed's current document shows."""
        return self._feed_stories(query, "s.published_at DESC, s.id DESC", query.limit)

    def stories_for_archive(self, query: FeedQuery, after_id: int, through_id: int | None = None,
                            limit: int | None = None) -> list[StoryEntry]:
        """Oldest first by story id, ids in (after_id, through_id]: one archive page, read by
        key (an index seek), so reading page n costs the same as reading page 1."""
        return self._feed_stories(query, "s.id ASC", limit, IdRange(after_id, through_id))

    def archive_cut(self, query: FeedQuery, after_id: int, size: int) -> int | None:
        """Id of the `size`-th story of the feed after `after_id`: where a full page would end."""
        where, params = _feed_filter(query, IdRange(after_id, None))
        if where is None:
            return None
        row = self._q(f"SELECT s.id FROM stories s JOIN appearances c ON c.id = s.canonical_id "
                      f"WHERE {where} ORDER BY s.id LIMIT 1 OFFSET ?", (*params, size - 1)).fetchone()
        return int(row[0]) if row else None

    def feed_members(self, query: FeedQuery, story_ids: Iterable[int]) -> set[int]:
        """Which of `story_ids` the feed holds now."""
        found: set[int] = set()
        unique = sorted(set(story_ids))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            where, params = _feed_filter(query, IdRange(chunk[0] - 1, chunk[-1]))
            if where is None:
                return set()
            rows = self._q(f"SELECT s.id FROM stories s JOIN appearances c ON c.id = s.canonical_id "
                           f"WHERE {where} AND s.id IN ({', '.join('?' for _ in chunk)})",
                           (*params, *chunk)).fetchall()
            found.update(int(r[0]) for r in rows)
        return found

    def feed_story_count(self, query: FeedQuery, ids: IdRange | None = None) -> int:
        """Stories in the feed (with `ids`: only those whose id lies in that range)."""
        where, params = _feed_filter(query, ids)
        if where is None:
            return 0
        return int(self._q(
            "SELECT COUNT(*) FROM stories s JOIN appearances c ON c.id = s.canonical_id "
            f"WHERE {where}", params).fetchone()[0])

    def feed_story_counts_by_block(self, query: FeedQuery, block: int, ids: IdRange) -> dict[int, int]:
        """Stories in the feed per block of `block` story ids (id // block), within `ids`."""
        where, params = _feed_filter(query, ids)
        if where is None:
            return {}
        rows = self._q(
            f"SELECT s.id / {int(block)}, COUNT(*) FROM stories s JOIN appearances c ON c.id = s.canonical_id "
            f"WHERE {where} GROUP BY 1", params).fetchall()
        return {int(r[0]): int(r[1]) for r in rows}

    def newest_story_id(self) -> int:
        return int(self._q("SELECT COALESCE(MAX(id), 0) FROM stories").fetchone()[0])

    def feed_data_version(self) -> str:
        """Changes whenever a story is added, updated or gains an appearance (cache key)."""
        stories = self._q("SELECT COUNT(*), MAX(updated_at), MAX(id) FROM stories").fetchone()
        appearances = self._q("SELECT COUNT(*), MAX(id) FROM appearances").fetchone()
        return "/".join(str(v) for v in (*stories, *appearances))

    def _feed_stories(self, query: FeedQuery, order: str, limit: int | None,
                      ids: IdRange | None = None) -> list[StoryEntry]:
        where, params = _feed_filter(query, ids)
        if where is None:
            return []
        return self._entries_where(where, params, order, limit)

    def _entries_where(self, where: str, params: Sequence[Any], order: str, limit: int | None,
                       offset: int = 0) -> list[StoryEntry]:
        """Stories (over stories s, canonical appearance c) as feed entries, with "also at"."""
        rows = self._q(
            "SELECT s.id, s.guid, c.url, c.title, s.published_at, s.updated_at, c.source_id, "
            "COALESCE(src.name, c.source_id), c.content_html, c.summary, c.author, c.publisher, "
            "c.regions, c.tags, c.enclosure_url, c.enclosure_type, c.enclosure_length, c.id, c.topics, "
            "c.amounts FROM stories s JOIN appearances c ON c.id = s.canonical_id "
            "LEFT JOIN sources src ON src.id = c.source_id "
            f"WHERE {where} ORDER BY {order}" + (" LIMIT ?" if limit is not None else "")
            + (" OFFSET ?" if offset else ""),
            (*params, *([limit] if limit is not None else []), *([offset] if offset else [])),
        ).fetchall()
        others = self._also_at([int(r[0]) for r in rows])
        places = self.places_of(int(r[17]) for r in rows)
        return [
            StoryEntry(
                guid=r[1], url=r[2], title=r[3], published_at=from_db(r[4]),
                updated_at=from_db(r[5]), source_id=r[6], source_name=r[7], content_html=r[8],
                summary=r[9], author=r[10], publisher=r[11],
                categories=tuple(dict.fromkeys(t for t in (r[12] + "\n" + r[13]).split("\n") if t)),
                regions=tuple(t for t in r[12].split("\n") if t),
                also_at=tuple(a for a in others.get(int(r[0]), ()) if a.url != r[2]),
                enclosure_url=r[14], enclosure_type=r[15],
                enclosure_length=int(r[16]) if r[16] is not None else None,
                places=places.get(int(r[17]), ()),
                topics=tuple(t for t in r[18].split("\n") if t),
                amounts=decode_amounts(r[19]),
            )
            for r in rows
        ]

    def _also_at(self, story_ids: list[int]) -> dict[int, list[AlsoAt]]:
        if not story_ids:
            return {}
        marks = ", ".join("?" for _ in story_ids)
        rows = self._q(
            "SELECT a.story_id, a.source_id, COALESCE(s.name, a.source_id), a.url "
            "FROM appearances a LEFT JOIN sources s ON s.id = a.source_id "
            f"WHERE a.story_id IN ({marks}) ORDER BY a.published_at, a.id",
            story_ids,
        ).fetchall()
        found: dict[int, list[AlsoAt]] = {}
        for story_id, source_id, name, url in rows:
            found.setdefault(int(story_id), []).append(AlsoAt(source_id, name, url))
        return found


@dataclass(frozen=True)
class IdRange:
    """Story ids after `after` and up to `through` (None: no upper end)."""

    after: int
    through: int | None = None


def _feed_filter(query: FeedQuery, ids: IdRange | None = None) -> tuple[str | None, list[Any]]:
    """WHERE clause (over stories s, canonical appearance c) for a feed; None when nothing can match."""
    where, params = ["s.canonical_id IS NOT NULL"], []
    bounds, bound_params = "", []
    if ids is not None:
        bounds = " AND {0} > ?" + (" AND {0} <= ?" if ids.through is not None else "")
        bound_params = [ids.after, *([ids.through] if ids.through is not None else [])]
        where.append(bounds.format("s.id")[5:])
        params.extend(bound_params)
    if query.source_ids is not None:
        if not query.source_ids:
            return None, []
        marks = ", ".join("?" for _ in query.source_ids)
        # Driven from those sources' appearances (index on source_id, story_id), not by probing
        # every story newest-first: a one-source feed over 100k stories took 400 ms
        # (bench/render.py); an id range narrows the same index scan to one archive page.
        where.append(f"s.id IN (SELECT x.story_id FROM appearances x WHERE x.source_id IN ({marks})"
                     f"{bounds.format('x.story_id')})")
        params.extend([*sorted(query.source_ids), *bound_params])
    if query.places:
        clause, clause_params = _any_place(query.places)
        where.append(clause)
        params.extend(clause_params)
    for place in query.must_places:
        clause, clause_params = _any_place((place,))
        where.append(clause)
        params.extend(clause_params)
    for topics in ([query.topics] if query.topics else []) + [[t] for t in query.must_topics]:
        where.append("(" + " OR ".join("(c.topics = ? OR c.topics LIKE ? ESCAPE '\\' OR c.topics LIKE ? "
                                       "ESCAPE '\\' OR c.topics LIKE ? ESCAPE '\\')" for _ in topics) + ")")
        for topic in topics:
            line = _like(topic)[1:-1]
            params.extend([topic, line + "\n%", "%\n" + line, "%\n" + line + "\n%"])
    if query.min_investment is not None:
        where.append("s.id IN (SELECT a3.story_id FROM appearances a3 WHERE a3.investment_cny >= ?)")
        params.append(query.min_investment)
    if query.include:
        where.append("(" + " OR ".join(_MATCH for _ in query.include) + ")")
        for word in query.include:
            params.extend([_like(word), _like(word)])
    for word in query.must_match:
        where.append(_MATCH)
        params.extend([_like(word), _like(word)])
    for word in query.exclude:
        where.append(f"NOT {_MATCH}")
        params.extend([_like(word), _like(word)])
    return " AND ".join(where), params


def _any_place(places: tuple[tuple[str, str], ...]) -> tuple[str, list[Any]]:
    """Stories with an appearance tagged inside any of `places` ((column, code) pairs), or
    found on a source named as ("source", id) (a region the gazetteer does not know)."""
    tagged = [(column, code) for column, code in places if column in PLACE_COLUMNS]
    sources = [code for column, code in places if column == "source"]
    parts, params = [], []
    if tagged:
        parts.append("s.id IN (SELECT a2.story_id FROM appearance_places p JOIN appearances a2 ON "
                     "a2.id = p.appearance_id WHERE " + " OR ".join(f"p.{c} = ?" for c, _ in tagged) + ")")
        params.extend(code for _, code in tagged)
    if sources:
        parts.append(f"s.id IN (SELECT a4.story_id FROM appearances a4 WHERE a4.source_id IN "
                     f"({', '.join('?' for _ in sources)}))")
        params.extend(sources)
    return "(" + (" OR ".join(parts) or "1 = 0") + ")", params


def _opt(moment: datetime | None) -> str | None:
    return to_db(moment) if moment else None


def _opt_bool(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _dt(text: str | None) -> datetime | None:
    return from_db(text) if text else None


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
