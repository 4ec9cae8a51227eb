"""Queries behind the pages people read: paged latest stories, one story with all its
appearances, and search over the whole archive through each database's own text index.

SQLite keeps an FTS5 index of every appearance's title and the first 60 characters of its lead,
a token per character (migration 16), so any Chinese substring is a phrase lookup; PostgreSQL
keeps a pg_trgm GIN index over the same text. Both are maintained by the database in the writing
transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from model.stories import StoryAppearance, StoryEntry
from store.places_tx import PLACE_COLUMNS
from store.search_text import spaced_characters
from store.times import from_db, to_db

MAX_SEARCH_WORDS = 5
MAX_WORD_CHARS = 100
NEWEST = "s.published_at DESC, s.id DESC"
# PostgreSQL walks this many newest stories for a page before it collects every match instead:
# ~5 µs a story when the words have no index entry, so at most ~25 ms lost (bench/search.py)
WALKED_STORIES = 5000


@dataclass(frozen=True)
class SearchQuery:
    """What a reader asked the archive for; every field narrows, None means "any"."""

    words: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    source_id: str | None = None
    region: str | None = None  # a name the gazetteer does not know: the sources' configured region
    place: tuple[str, str] | None = None  # (province|city|county|zone, code): stories about it
    topic: str | None = None


class ReadingQueries:
    """Mixed into the store's transaction (store.tx.Tx), which provides `_q` and `_entries_where`."""

    _placeholder: str

    def _q(self, sql: str, params: Sequence[Any] = ()) -> Any:  # pragma: no cover - provided by Tx
        raise NotImplementedError

    def _entries_where(self, where: str, params: Sequence[Any], order: str, limit: int,
                       offset: int) -> list[StoryEntry]:  # pragma: no cover - provided by Tx
        raise NotImplementedError

    def latest_stories(self, offset: int, limit: int) -> list[StoryEntry]:
        """Every story, newest first: the front page, one page at a time."""
        return self._entries_where("s.canonical_id IS NOT NULL", [], "s.published_at DESC, s.id DESC",
                                   limit, offset)

    def search_stories(self, search: SearchQuery, offset: int, limit: int) -> list[StoryEntry]:
        """Stories any of whose appearances has every word in its title or the opening of its
        lead (60 characters, as migrations 8 and 16 index it), newest first."""
        where, params = ["s.canonical_id IS NOT NULL"], []
        words = tuple(w[:MAX_WORD_CHARS] for w in search.words[:MAX_SEARCH_WORDS])
        if words and self._placeholder == "?":
            match = self._stories_with_words(words)
            where.append(f"s.id IN ({match[0]})")
            params.extend(match[1])
        if search.since:
            where.append("s.published_at >= ?")
            params.append(to_db(search.since))
        if search.until:
            where.append("s.published_at < ?")
            params.append(to_db(search.until))
        if search.source_id:
            where.append("s.id IN (SELECT x.story_id FROM appearances x WHERE x.source_id = ?)")
            params.append(search.source_id)
        if search.place and search.place[0] in PLACE_COLUMNS:
            where.append("s.id IN (SELECT a2.story_id FROM appearance_places p JOIN appearances a2 "
                         f"ON a2.id = p.appearance_id WHERE p.{search.place[0]} = ?)")
            params.append(search.place[1])
        if self._placeholder == "?" and not (search.topic or search.region):
            # SQLite, and only the stories table decides: choose the page there, then read the
            # canonical appearances of that page only, not of every match (12,500 matches of a
            # common word: 15 instead of 22 ms, bench/search.py).
            page = f"SELECT s.id FROM stories s WHERE {' AND '.join(where)} ORDER BY {NEWEST} LIMIT ? OFFSET ?"
            return self._entries_where(f"s.id IN ({page})", [*params, limit, offset], NEWEST, limit)
        if search.topic:  # a topic the rules gave, or a source's / the feed's own tag
            where.append("(" + " OR ".join(_line_match(column) for column in ("topics", "tags")) + ")")
            params.extend(_line_params(search.topic) * 2)
        if search.region:  # newline-separated lists: match a whole line
            where.append(_line_match("regions"))
            params.extend(_line_params(search.region))
        if words and self._placeholder != "?":
            page_ids = self._postgresql_page(words, " AND ".join(where), params, offset, limit)
            return self._entries_where("s.id = ANY(?)", [page_ids], NEWEST, limit, 0) if page_ids else []
        return self._entries_where(" AND ".join(where), params, NEWEST, limit, offset)

    def _postgresql_page(self, words: tuple[str, ...], where: str, params: list[Any], offset: int,
                         limit: int) -> list[int]:
        """The ids of one page of stories with the words, newest first, on PostgreSQL.

        Left to itself the planner walks the newest stories and tests each for the words: a few
        ms when matches are common, but a word it cannot look up (two characters have no
        trigram) that is rare, or that a filter rules out, made it test every story (0.6-1 s at
        100,000 stories, bench/search.py). So it walks only the newest WALKED_STORIES; when
        they hold no full page, the matching stories are collected first (the text index, or
        one scan of the appearances) and only those are filtered and sorted. Any story outside
        the walked window is older than all in it, so a full page from the window is the page."""
        # psycopg prepares a statement run five times, and PostgreSQL may then keep one generic
        # plan, blind to the cutoff and the words: it walked every story again (0.5 s)
        self._q("SET LOCAL plan_cache_mode = force_custom_plan")
        match, match_params = self._stories_with_words(words)
        joined = f"FROM stories s JOIN appearances c ON c.id = s.canonical_id WHERE {where}"
        page = f" ORDER BY {NEWEST} LIMIT ? OFFSET ?"
        cutoff = self._q("SELECT published_at FROM stories WHERE canonical_id IS NOT NULL "
                         "ORDER BY published_at DESC OFFSET ? LIMIT 1", (WALKED_STORIES,)).fetchone()
        if cutoff is not None:
            rows = self._q(f"SELECT s.id {joined} AND s.published_at >= ? AND s.id IN ({match})" + page,
                           [*params, cutoff[0], *match_params, limit, offset]).fetchall()
            if len(rows) == limit:
                return [int(r[0]) for r in rows]
        rows = self._q(f"WITH m AS MATERIALIZED ({match}) SELECT s.id {joined} AND s.id IN (SELECT story_id FROM m)"
                       + page, [*match_params, *params, limit, offset]).fetchall()
        return [int(r[0]) for r in rows]

    def story_id_by_guid(self, guid: str) -> int | None:
        row = self._q("SELECT id FROM stories WHERE guid = ? AND canonical_id IS NOT NULL",
                      (guid,)).fetchone()
        return int(row[0]) if row else None

    def story_entry(self, story_id: int) -> StoryEntry | None:
        found = self._entries_where("s.id = ? AND s.canonical_id IS NOT NULL", [story_id], "s.id", 1, 0)
        return found[0] if found else None

    def story_appearances(self, story_id: int) -> list[StoryAppearance]:
        """Where the story ran, oldest first, with the stored reason each one joined."""
        rows = self._q(
            "SELECT a.source_id, COALESCE(src.name, a.source_id), a.url, a.title, a.published_at, "
            "a.first_seen_at, a.updated_at, a.publisher, d.rule "
            "FROM appearances a LEFT JOIN sources src ON src.id = a.source_id "
            "LEFT JOIN dedupe_decisions d ON d.appearance_id = a.id "
            "WHERE a.story_id = ? ORDER BY a.published_at, a.id", (story_id,)).fetchall()
        return [StoryAppearance(source_id=r[0], source_name=r[1], url=r[2], title=r[3],
                                published_at=from_db(r[4]), first_seen_at=from_db(r[5]),
                                updated_at=from_db(r[6]) if r[6] else None, publisher=r[7], rule=r[8])
                for r in rows]

    def _stories_with_words(self, words: tuple[str, ...]) -> tuple[str, list[str]]:
        """A subquery of the ids of stories one of whose appearances holds every word in its
        title or lead, from the text index."""
        if self._placeholder != "?":  # PostgreSQL: pg_trgm GIN index over this very expression
            # LIKE where case cannot matter (Chinese): the index serves both, and without it
            # (two characters) LIKE scans the text in half the time of ILIKE, which lowercases it
            text = "(a2.title || ' ' || left(a2.summary, 60))"
            return ("SELECT a2.story_id FROM appearances a2 WHERE "
                    + " AND ".join(f"{text} {'LIKE' if _caseless(w) else 'ILIKE'} ?" for w in words),
                    ["%" + _escape_like(w) + "%" for w in words])
        # SQLite: each word is the phrase of its characters (store/search_text.py); the story
        # of each matched appearance comes from the (id, story_id) index, not the wide row
        return ("SELECT a2.story_id FROM appearances a2 INDEXED BY appearances_id_story WHERE a2.id IN "
                "(SELECT rowid FROM appearance_chars WHERE appearance_chars MATCH ?)",
                [" AND ".join(_phrase(spaced_characters(w)) for w in words)])


def _caseless(word: str) -> bool:
    """No character of the word has an upper or lower case form, so LIKE finds what ILIKE does."""
    return word.lower() == word == word.upper()


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _line_match(column: str) -> str:
    """A newline-separated list column of the canonical appearance holds `?` as a whole line."""
    return (f"(c.{column} = ? OR c.{column} LIKE ? ESCAPE '\\' OR c.{column} LIKE ? ESCAPE '\\' "
            f"OR c.{column} LIKE ? ESCAPE '\\')")


def _line_params(value: str) -> list[str]:
    line = _escape_like(value)
    return [value, line + "\n%", "%\n" + line, "%\n" + line + "\n%"]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
