"""What the multi-node claim and the status page cost, next to what they sit beside.

Prints: per-poll bookkeeping with and without the claim (SQLite file, one transaction each),
and /status.json for 200 sources over 100,000 stored items with and without its index.
Run: .venv/bin/python bench/bench_scheduler_overhead.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ops.status import source_statuses, status_json  # noqa: E402
from settings.model import (  # noqa: E402
    Config,
    FetchSettings,
    ServerSettings,
    ServiceSettings,
    SourceConfig,
    StorageSettings,
)
from store import open_store  # noqa: E402
from store.times import to_db  # noqa: E402

POLLS = 2000
SOURCES = 200
ITEMS = 100_000


def _timed(action, repeat: int) -> float:
    started = time.perf_counter()
    for index in range(repeat):
        action(index)
    return (time.perf_counter() - started) / repeat


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        store = open_store(f"sqlite:///{directory}/bench.db")
        sources = [SourceConfig(id=f"s{i}", name=f"S{i}", kind="feed", url=f"http://x/{i}", interval=60)
                   for i in range(SOURCES)]
        with store.transaction() as tx:
            tx.sync_sources(sources)
        now = datetime(2026, 1, 1, tzinfo=UTC)

        def record_only(i: int) -> None:
            with store.transaction() as tx:
                tx.record_success(f"s{i % SOURCES}", now, False, now + timedelta(seconds=60))

        def claim_and_record(i: int) -> None:
            with store.transaction() as tx:
                assert tx.claim_source(f"s{i % SOURCES}", "node", now + timedelta(seconds=120), 600, True)
            with store.transaction() as tx:
                tx.record_success(f"s{i % SOURCES}", now, False, now + timedelta(seconds=60))

        baseline = _timed(record_only, POLLS)
        claimed = _timed(claim_and_record, POLLS)
        print(f"per-poll bookkeeping: record only {baseline * 1e3:.3f} ms, claim + record "
              f"{claimed * 1e3:.3f} ms (x{claimed / baseline:.2f}); a feed fetch is ~10-1000 ms")

        with store.transaction() as tx:
            tx.connection.execute("INSERT INTO stories (id, guid, published_at, updated_at, created_at) "
                                  "VALUES (1, 'g', ?, ?, ?)", (to_db(now),) * 3)
            tx.connection.executemany(
                "INSERT INTO appearances (story_id, source_id, item_key, url, title, published_at, "
                "date_is_guess, first_seen_at, content_html, summary, regions, tags, fingerprint) "
                "VALUES (1, ?, ?, 'u', 't', ?, 0, ?, '', '', '', '', 'f')",
                [(f"s{i % SOURCES}", str(i), to_db(now), to_db(now - timedelta(hours=i % 500)))
                 for i in range(ITEMS)])
        config = Config(path=Path("bench.toml"), service=ServiceSettings(Path(directory), "http://x"),
                        server=ServerSettings(), storage=StorageSettings(), fetch=FetchSettings(),
                        default_interval=60, sources=tuple(sources))

        def status(_: int) -> None:
            status_json(source_statuses(config, store, now), now)

        indexed = _timed(status, 10)
        with store.transaction() as tx:
            tx.connection.execute("DROP INDEX appearances_source_seen")
        unindexed = _timed(status, 3)
        print(f"/status.json, {SOURCES} sources, {ITEMS} items: {indexed * 1e3:.1f} ms with the "
              f"(source_id, first_seen_at) index, {unindexed * 1e3:.1f} ms without (x{unindexed / indexed:.1f})")
        store.close()


if __name__ == "__main__":
    main()
