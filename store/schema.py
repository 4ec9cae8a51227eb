"""Schema migrations shared by every backend: portable SQL, one dialect word substituted.

Times are ISO-8601 UTC text ("2023-08-28T02:30:00Z"): portable, sortable, readable in a shell.
Append new migrations; never edit one that has shipped.
"""

from __future__ import annotations

MIGRATIONS: tuple[str | dict[str, tuple[str, ...]], ...] = (
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
    # Search over the whole archive, kept by the database in the writing transaction: SQLite
    # an FTS5 trigram index of each appearance's title and the opening of its lead (its own
    # copy of that short text, so a scan for a two-character word stays small), PostgreSQL a
    # pg_trgm GIN index over the same expression. Indexing cost grows with the text: whole
    # bodies made ingest several times slower, whole leads a third slower (bench/search.py).
    # Trigger bodies hold semicolons, so this migration is given per dialect as statements.
    {
        "sqlite": (
            "CREATE VIRTUAL TABLE appearance_text USING fts5(title, lead, tokenize='trigram')",
            "CREATE TRIGGER appearance_text_insert AFTER INSERT ON appearances BEGIN "
            "INSERT INTO appearance_text (rowid, title, lead) VALUES (new.id, new.title, substr(new.summary, 1, 60)); END",
            "CREATE TRIGGER appearance_text_delete AFTER DELETE ON appearances BEGIN "
            "DELETE FROM appearance_text WHERE rowid = old.id; END",
            "CREATE TRIGGER appearance_text_update AFTER UPDATE OF title, summary ON appearances BEGIN "
            "UPDATE appearance_text SET title = new.title, lead = substr(new.summary, 1, 60) WHERE rowid = new.id; END",
            "INSERT INTO appearance_text (rowid, title, lead) SELECT id, title, substr(summary, 1, 60) FROM appearances",
        ),
        "postgresql": (
            "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public",
            # The operator class is named in the extension's own schema, wherever that is.
            "DO $$ BEGIN EXECUTE format('CREATE INDEX appearances_text ON appearances USING gin "
            "((title || '' '' || left(summary, 60)) %I.gin_trgm_ops)', (SELECT n.nspname FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm')); END $$",
        ),
    },
    # What each appearance is about (issue 18): its places (the division at each level, so a
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
)

IDENTITY = {
    "sqlite": "INTEGER PRIMARY KEY",
    "postgresql": "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
}
# PostgreSQL tables are heaps whatever the key; its primary-key index serves index-only scans.
WITHOUT_ROWID = {"sqlite": "WITHOUT ROWID", "postgresql": ""}


def statements(migration: str | dict[str, tuple[str, ...]], dialect: str) -> list[str]:
    if isinstance(migration, dict):
        return list(migration[dialect])
    sql = migration.replace("{identity}", IDENTITY[dialect]).replace("{without_rowid}", WITHOUT_ROWID[dialect])
    return [s.strip() for s in sql.split(";") if s.strip()]
