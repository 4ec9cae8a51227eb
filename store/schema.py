"""Schema migrations shared by every backend: portable SQL, one dialect word substituted.

Times are ISO-8601 UTC text ("2023-08-28T02:30:00Z"): portable, sortable, readable in a shell.
Append new migrations; never edit one that has shipped.
"""

from __future__ import annotations

from typing import Any

Migration = str | dict[str, tuple[str, ...]]  # portable SQL, or whole statements per dialect
MIGRATIONS: tuple[Migration, ...] = (
    """
    CREATE TABLE sources (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        url TEXT NOT NULL,
        last_attempt_at TEXT,
        last_success_at TEXT,
        last_error TEXT,
        error_kind TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        next_poll_at TEXT,
        polls INTEGER NOT NULL DEFAULT 0,
        not_modified_polls INTEGER NOT NULL DEFAULT 0,
        leased_by TEXT,
        lease_until TEXT
    );
    CREATE TABLE http_validators (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT
    );
    CREATE TABLE stories (
        id {identity},
        guid TEXT NOT NULL UNIQUE,
        canonical_id BIGINT,
        published_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX stories_published ON stories (published_at);
    CREATE TABLE appearances (
        id {identity},
        story_id BIGINT NOT NULL REFERENCES stories (id),
        source_id TEXT NOT NULL,
        item_key TEXT NOT NULL,
        url TEXT NOT NULL,
        title TEXT NOT NULL,
        published_at TEXT NOT NULL,
        date_is_guess INTEGER NOT NULL,
        updated_at TEXT,
        first_seen_at TEXT NOT NULL,
        content_html TEXT NOT NULL,
        summary TEXT NOT NULL,
        author TEXT,
        publisher TEXT,
        regions TEXT NOT NULL,
        tags TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        UNIQUE (source_id, item_key)
    );
    CREATE INDEX appearances_story ON appearances (story_id);
    CREATE INDEX appearances_url ON appearances (url);
    """,
    # status pages count items first seen in the last day/week per source: a covering index scan
    """
    CREATE INDEX appearances_source_seen ON appearances (source_id, first_seen_at);
    """,
    # Concurrent nodes that meet the same URL first must end with one story: the database,
    # not timing, decides (a NULL key, as on older stories, never conflicts).
    """
    ALTER TABLE stories ADD COLUMN url_key TEXT;
    CREATE UNIQUE INDEX stories_url_key ON stories (url_key);
    """,
    # Near-duplicate index: LSH band keys of each appearance's MinHash signature, so candidates
    # are found by an indexed lookup that survives restarts and is not bounded by memory.
    # The index leads with an 8-day publish period: a lookup reads only the periods of the
    # publish-time window and inserts land in the newest part of the index, so neither slows
    # as history grows. No second index or foreign key: they cost more at insert than the rare
    # update saves. Plus the reason each appearance joined its story, for `service.py explain`,
    # and how far appearances stored before this migration have been indexed (a few per ingest).
    """
    CREATE TABLE dedupe_bands (
        band_key BIGINT NOT NULL,
        published_period BIGINT NOT NULL,
        appearance_id BIGINT NOT NULL
    );
    CREATE INDEX dedupe_bands_lookup ON dedupe_bands (published_period, band_key);
    CREATE TABLE dedupe_decisions (
        appearance_id BIGINT PRIMARY KEY REFERENCES appearances (id),
        rule TEXT NOT NULL,
        matched_id BIGINT,
        detail TEXT NOT NULL
    );
    CREATE TABLE dedupe_backfill (
        done_through BIGINT NOT NULL,
        until_id BIGINT NOT NULL
    );
    INSERT INTO dedupe_backfill (done_through, until_id) SELECT 0, COALESCE(MAX(id), 0) FROM appearances;
    """,
    # 5: a no-op. It was held for a migration that landed as 7; a database may already
    # record version 5 as applied, so the slot stays empty rather than taking new SQL.
    "",
    # Band rows keyed by (period, key, appearance) and, on SQLite, stored in that key's own
    # b-tree (WITHOUT ROWID): one tree to write instead of a table plus an index, lookups read
    # only the index, and dropping an updated appearance's rows is a key lookup, not a scan.
    """
    ALTER TABLE dedupe_bands RENAME TO dedupe_bands_unkeyed;
    CREATE TABLE dedupe_bands (
        published_period BIGINT NOT NULL,
        band_key BIGINT NOT NULL,
        appearance_id BIGINT NOT NULL,
        PRIMARY KEY (published_period, band_key, appearance_id)
    ) {without_rowid};
    INSERT INTO dedupe_bands (published_period, band_key, appearance_id)
        SELECT DISTINCT published_period, band_key, appearance_id FROM dedupe_bands_unkeyed;
    DROP TABLE dedupe_bands_unkeyed;
    """,
    # robots.txt per origin (scheme://host:port), so a new process (a one-shot `collect`, a
    # restart) reuses it for the day RFC 9309 allows instead of asking every host again.
    """
    CREATE TABLE robots_txt (
        origin TEXT PRIMARY KEY,
        fetched_at TEXT NOT NULL,
        status INTEGER NOT NULL,
        body TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT
    );
    """,
    # 8: search over the whole archive, kept by the database in the writing transaction: SQLite
    # an FTS5 trigram index of each appearance's title and the opening of its lead, with the
    # story it belongs to (so a search reads no appearance rows), and a vocabulary table for
    # two-character words; PostgreSQL a pg_trgm GIN index over the same expression. Each text
    # ends in "。" so its last two characters still open a trigram. Indexing cost grows with the
    # text: whole bodies made ingest several times slower, whole leads a third slower
    # (bench/search.py). Trigger bodies hold semicolons: statements are given per dialect.
    {
        "sqlite": (
            "CREATE VIRTUAL TABLE appearance_text USING fts5(title, lead, story_id UNINDEXED, "
            "tokenize='trigram')",
            "CREATE VIRTUAL TABLE appearance_text_terms USING fts5vocab(appearance_text, 'row')",
            "CREATE TRIGGER appearance_text_insert AFTER INSERT ON appearances BEGIN "
            "INSERT INTO appearance_text (rowid, title, lead, story_id) VALUES (new.id, new.title || '。', "
            "substr(new.summary, 1, 60) || '。', new.story_id); END",
            "CREATE TRIGGER appearance_text_delete AFTER DELETE ON appearances BEGIN "
            "DELETE FROM appearance_text WHERE rowid = old.id; END",
            "CREATE TRIGGER appearance_text_update AFTER UPDATE OF title, summary, story_id ON appearances BEGIN "
            "UPDATE appearance_text SET title = new.title || '。', lead = substr(new.summary, 1, 60) || '。', "
            "story_id = new.story_id WHERE rowid = new.id; END",
            "INSERT INTO appearance_text (rowid, title, lead, story_id) "
            "SELECT id, title || '。', substr(summary, 1, 60) || '。', story_id FROM appearances",
        ),
        "postgresql": (
            "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public",
            # The operator class is named in the extension's own schema, wherever that is.
            "DO $$ BEGIN EXECUTE format('CREATE INDEX appearances_text ON appearances USING gin "
            "((title || '' '' || left(summary, 60)) %I.gin_trgm_ops)', (SELECT n.nspname FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm')); END $$",
        ),
    },
    # 9: when the current lease was taken, so `status` can say who polls a source since when.
    """
    ALTER TABLE sources ADD COLUMN leased_at TEXT;
    """,
    # 10: an item that is a file is linked as an enclosure (its bytes are never content), and an
    # HTML title's choice among its candidates is kept for `explain`.
    """
    ALTER TABLE appearances ADD COLUMN enclosure_url TEXT;
    ALTER TABLE appearances ADD COLUMN enclosure_type TEXT;
    ALTER TABLE appearances ADD COLUMN enclosure_length BIGINT;
    ALTER TABLE appearances ADD COLUMN title_note TEXT;
    """,
    # 11: how each appearance was read, for corrections, summary-only feeds and extraction health:
    # a digest of what the list page or feed showed (a change is a correction: re-read once),
    # where its text came from ('feed' | 'page' | 'summary' | 'list'; '' = before this),
    # whether the list and page titles agreed (NULL: nothing to compare), and how many article
    # fetches failed in a row (retries of a summary-only item stop at a bound).
    """
    ALTER TABLE appearances ADD COLUMN listed_key TEXT NOT NULL DEFAULT '';
    ALTER TABLE appearances ADD COLUMN text_origin TEXT NOT NULL DEFAULT '';
    ALTER TABLE appearances ADD COLUMN titles_agree INTEGER;
    ALTER TABLE appearances ADD COLUMN text_failures INTEGER NOT NULL DEFAULT 0;
    """,
    # 12: incremental rendering. story_changes logs every story an ingest (or retention)
    # touched or ended, in commit order (writers hold the dedupe row), so a render re-reads only
    # stories logged after the mark it last rendered. archive_pages freezes where each RFC 5005
    # archive page of a feed ends (the id of its last story), so a page keeps its members when
    # stories merge away or join later, and a changed story's page is found without counting.
    # appearances (source_id, story_id) lets a per-source feed walk its stories by id.
    """
    CREATE TABLE story_changes (
        id {identity},
        story_id BIGINT NOT NULL
    );
    CREATE TABLE archive_pages (
        feed_key TEXT NOT NULL,
        page INTEGER NOT NULL,
        last_story_id BIGINT NOT NULL,
        PRIMARY KEY (feed_key, page)
    );
    CREATE INDEX appearances_source_story ON appearances (source_id, story_id);
    """,
    # 13: what each appearance is about (issue 18): its places (the division at each level, so a
    # province, prefecture, county or zone feed is one indexed equality), its topics and the
    # investment figures it reports. Appearances stored before this migration are re-tagged a
    # slice per collect, newest first, down from `until_id` (items/tagging.py).
    """
    CREATE TABLE appearance_places (
        appearance_id BIGINT NOT NULL,
        position INTEGER NOT NULL,
        adcode TEXT NOT NULL,
        name TEXT NOT NULL,
        province TEXT NOT NULL,
        city TEXT,
        county TEXT,
        zone TEXT,
        is_primary INTEGER NOT NULL,
        evidence TEXT NOT NULL,
        PRIMARY KEY (appearance_id, position)
    );
    CREATE INDEX appearance_places_province ON appearance_places (province, appearance_id);
    CREATE INDEX appearance_places_city ON appearance_places (city, appearance_id);
    CREATE INDEX appearance_places_county ON appearance_places (county, appearance_id);
    CREATE INDEX appearance_places_zone ON appearance_places (zone, appearance_id);
    ALTER TABLE appearances ADD COLUMN topics TEXT NOT NULL DEFAULT '';
    ALTER TABLE appearances ADD COLUMN amounts TEXT NOT NULL DEFAULT '';
    ALTER TABLE appearances ADD COLUMN investment_cny DOUBLE PRECISION;
    CREATE TABLE tagging_backfill (until_id BIGINT NOT NULL);
    INSERT INTO tagging_backfill (until_id) SELECT COALESCE(MAX(id), 0) FROM appearances;
    """,
    # 14: whether an appearance's publish time is only a day (00:00 in its source's zone), so
    # choosing a story's canonical appearance does not take it for earlier than a timed one of
    # that day (items/canonical.py). Stored rows are marked by Asia/Shanghai, the zone of every
    # shipped source (its midnight is 16:00 UTC); a row of a source in another zone is marked
    # when it next changes.
    """
    ALTER TABLE appearances ADD COLUMN date_is_day INTEGER NOT NULL DEFAULT 0;
    UPDATE appearances SET date_is_day = 1 WHERE date_is_guess = 0 AND substr(published_at, 12, 8) = '16:00:00';
    """,
    # 15: the name of the LSH band scheme the stored band keys were made with (items/minhash.py
    # LSH.name). Keys of another scheme never match: the first ingest that finds a name other
    # than its own drops them and re-keys every appearance, newest first, a slice per ingest.
    # '' is the 21x3 scheme of every database before this migration.
    """
    ALTER TABLE dedupe_backfill ADD COLUMN scheme TEXT NOT NULL DEFAULT '';
    """,
    # 16: SQLite's search index holds one token per character instead of trigrams
    # (store/search_text.py says why), is contentless (the text is in appearances already)
    # and keeps no column sizes (results are ordered by date, never ranked); the story of a
    # matched appearance is read from a small (id, story_id) index instead of FTS5's content
    # table (12,500 matches: 5 ms, not 44 ms).
    # Triggers no longer write the index row by row: FTS5 flushes its pending terms at every
    # statement savepoint, so an index row written inside each appearance INSERT became a
    # segment of its own, merged again and again (64 instead of 20 us per row). They queue
    # what changed, and the store writes the queue to the index in one statement before each
    # commit (store/search_text.py), so the index is still current in every transaction.
    {
        "sqlite": (
            "DROP TRIGGER appearance_text_insert",
            "DROP TRIGGER appearance_text_delete",
            "DROP TRIGGER appearance_text_update",
            "DROP TABLE appearance_text_terms",
            "DROP TABLE appearance_text",
            "CREATE VIRTUAL TABLE appearance_chars USING fts5(title, lead, content='', columnsize=0, "
            "tokenize=\"unicode61 remove_diacritics 0 categories 'L* N* M* P* S* Co Cn'\")",
            "CREATE INDEX appearances_id_story ON appearances (id, story_id)",
            # op NULL: index the text; 'delete': remove the text indexed before (FTS5's command)
            "CREATE TABLE appearance_chars_queue (seq INTEGER PRIMARY KEY, op TEXT, "
            "appearance_id INTEGER NOT NULL, title TEXT NOT NULL, lead TEXT NOT NULL)",
            "CREATE TRIGGER appearance_chars_insert AFTER INSERT ON appearances BEGIN "
            "INSERT INTO appearance_chars_queue (op, appearance_id, title, lead) "
            "VALUES (NULL, new.id, new.title, substr(new.summary, 1, 60)); END",
            "CREATE TRIGGER appearance_chars_delete AFTER DELETE ON appearances BEGIN "
            "INSERT INTO appearance_chars_queue (op, appearance_id, title, lead) "
            "VALUES ('delete', old.id, old.title, substr(old.summary, 1, 60)); END",
            "CREATE TRIGGER appearance_chars_update AFTER UPDATE OF title, summary ON appearances "
            "WHEN old.title IS NOT new.title OR substr(old.summary, 1, 60) IS NOT substr(new.summary, 1, 60) "
            "BEGIN INSERT INTO appearance_chars_queue (op, appearance_id, title, lead) "
            "VALUES ('delete', old.id, old.title, substr(old.summary, 1, 60)), "
            "(NULL, new.id, new.title, substr(new.summary, 1, 60)); END",
            "INSERT INTO appearance_chars (rowid, title, lead) SELECT id, search_characters(title), "
            "search_characters(substr(summary, 1, 60)) FROM appearances",
        ),
        "postgresql": (),
    },
)

IDENTITY = {
    "sqlite": "INTEGER PRIMARY KEY",
    "postgresql": "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
}
# PostgreSQL tables are heaps whatever the key; its primary-key index serves index-only scans.
WITHOUT_ROWID = {"sqlite": "WITHOUT ROWID", "postgresql": ""}


def apply_migrations(connection: Any, migrations: tuple[Migration, ...], dialect: str,
                     placeholder: str) -> int:
    """Run the migrations `connection` has not seen, inside the caller's transaction; return
    the schema version now in force. Both backends' connections answer execute/fetchone."""
    connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    current = connection.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0
    for version, migration in enumerate(migrations, start=1):
        if version > current:
            for statement in statements(migration, dialect):
                connection.execute(statement)
            connection.execute(f"INSERT INTO schema_version (version) VALUES ({placeholder})", (version,))
    return len(migrations)


def statements(migration: Migration, dialect: str) -> list[str]:
    if isinstance(migration, dict):
        return list(migration[dialect])
    sql = migration.replace("{identity}", IDENTITY[dialect]).replace("{without_rowid}", WITHOUT_ROWID[dialect])
    return [s.strip() for s in sql.split(";") if s.strip()]
