"""Archive search at size (prints figures; not a test).

Fills SQLite with N stories through the real ingest path twice, once with the text index
(migration 16: FTS5, a token per character, and the (id, story_id) index) and once with both
dropped before the fill (the baseline of the same run), then times 200 typical queries — two-
to six-character place and zone names, topic words, two-word searches, some with a region or
date filter — through the store's `search_stories` (what /search runs), first page of 30,
second of two rounds. PostgreSQL (pg_trgm GIN, migration 8) gets the same rows by COPY from
the SQLite store, then the same queries; `--pg-ingest` fills it through ingest instead, with
and without its index (slow: over 15 minutes at 100,000). Wall and CPU times are printed
(the machine is shared), and the load average; a query's CPU is the PostgreSQL server
process's for PostgreSQL.

Targets: p95 <= 50 ms on SQLite; index ingest slowdown <= 15 %.

Run: .venv/bin/python bench/search.py [--stories 100000] [--backends sqlite postgresql] [--pg-ingest]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dedupe import story_text, vocabulary  # noqa: E402
from bench.filling import ingest_in_batches, pg_schema  # noqa: E402
from model.stories import Appearance  # noqa: E402
from store import open_store  # noqa: E402
from store.reading_tx import SearchQuery  # noqa: E402
from store.schema import MIGRATIONS, statements  # noqa: E402

PG = "postgresql://127.0.0.1:5432/test"
COPIED = ("sources", "stories", "appearances", "appearance_places", "dedupe_decisions")  # what a search reads
PLACES = ["云阳", "万州", "两江新区", "涪陵", "綦江", "苏州工业园区", "昆山", "天府新区", "滨海新区", "奉节",
          "长寿经开区", "璧山高新区", "合川", "永川", "荣昌", "江津", "巫山", "开州", "梁平", "忠县"]
EVENTS = ["招商签约", "项目开工", "投产仪式", "营商环境", "科技创新", "考察调研", "安全生产", "人才招聘"]
REGIONS = ["重庆市", "江苏省", "四川省", "天津市"]
NOW = datetime(2026, 11, 1, tzinfo=UTC)


def appearances(stories: int):
    """Stories with their own text: a place, an event and a generated body each."""
    rng = random.Random(11)
    words = vocabulary(rng)
    for n in range(stories):
        place, event = PLACES[n % len(PLACES)], EVENTS[(n // 3) % len(EVENTS)]
        body = f"<p>{place}{event}。</p>" + "".join(f"<p>{p}</p>" for p in story_text(rng, words, n)[1])
        yield Appearance(
            source_id=f"src{n % 200:03d}", item_key=f"item-{n}", url=f"http://s{n % 200}.example.gov.cn/{n}.html",
            title=f"{place}{event}活动第{n}期", published_at=NOW - timedelta(minutes=7 * n), date_is_guess=False,
            content_html=body, summary=body[:120], regions=(REGIONS[n % len(REGIONS)],), tags=(event,))


def queries() -> list[SearchQuery]:
    rng = random.Random(3)
    found = []
    for n in range(200):
        kind = n % 5
        if kind == 0:
            words = (rng.choice(PLACES)[:2],)  # two characters: below the trigram index
        elif kind == 1:
            words = (rng.choice(PLACES),)
        elif kind == 2:
            words = (rng.choice(EVENTS),)
        elif kind == 3:
            words = (rng.choice(PLACES), rng.choice(EVENTS)[:2])
        else:
            words = (rng.choice(EVENTS),)
        found.append(SearchQuery(
            words=words, region=rng.choice(REGIONS) if n % 4 == 0 else None,
            since=NOW - timedelta(days=rng.randint(10, 400)) if n % 6 == 0 else None))
    return found


def fill(url: str, stories: int, indexed: bool) -> tuple[float, float]:
    """(wall s, CPU s of this process) of filling through ingest; the database's own CPU is
    in it for SQLite, not for PostgreSQL (a server process)."""
    store = open_store(url)
    if not indexed:
        with store.transaction() as tx:
            for sql in _drop_index(url):
                tx.connection.execute(sql)
    started, cpu = time.perf_counter(), time.process_time()
    ingest_in_batches(store, appearances(stories), NOW)
    store.close()
    return time.perf_counter() - started, time.process_time() - cpu


def _drop_index(url: str) -> list[str]:
    if url.startswith("sqlite"):
        # the queue and the empty index stay: the store still empties the queue at each commit
        return [f"DROP TRIGGER appearance_chars_{op}" for op in ("insert", "delete", "update")] + \
               ["DROP INDEX appearances_id_story"]
    return ["DROP INDEX appearances_text"]


def copy_to_postgresql(sqlite_path: Path, url: str) -> tuple[float, float]:
    """Fill a PostgreSQL schema with the rows a search reads, copied (COPY) from a SQLite
    store filled through ingest, then build the text index as migration 8 does; return
    (copy s, index build s). 100,000 stories through ingest take PostgreSQL over 15 minutes."""
    import psycopg

    open_store(url).close()
    source = sqlite3.connect(sqlite_path)
    started = time.perf_counter()
    with psycopg.connect(url) as target:
        target.execute("DROP INDEX appearances_text")
        for table in COPIED:
            target.execute(f"DELETE FROM {table}")
            rows = source.execute(f"SELECT * FROM {table}")
            columns = ", ".join(d[0] for d in rows.description)
            with target.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
    copied = time.perf_counter() - started
    with psycopg.connect(url, autocommit=True) as target:
        started = time.perf_counter()
        for statement in statements(next(m for m in MIGRATIONS if "appearance_text" in str(m)), "postgresql"):
            if "CREATE INDEX" in statement:
                target.execute(statement)
        built = time.perf_counter() - started
        target.execute("ANALYZE")
    source.close()
    return copied, built


def time_queries(url: str) -> list[tuple[float, float]]:
    """(wall ms, CPU ms) of each query, second of two rounds (warm cache). The CPU is this
    process's for SQLite (the database included) and the PostgreSQL server process's that ran
    the query (from /proc: the server is on this machine; 10 ms ticks) for PostgreSQL."""
    store = open_store(url)
    took = []
    try:
        for _ in range(2):
            took = []
            for query in queries():
                with store.read() as tx:
                    clock = _cpu_clock(tx, url)
                    started, cpu = time.perf_counter(), clock()
                    tx.search_stories(query, 0, 30)
                    took.append(((time.perf_counter() - started) * 1000, (clock() - cpu) * 1000))
    finally:
        store.close()
    return took


def _cpu_clock(tx, url: str) -> Callable[[], float]:
    """CPU seconds so far of whichever process runs this transaction's queries."""
    if url.startswith("sqlite"):
        return time.process_time
    stat = Path(f"/proc/{tx.connection.execute('SELECT pg_backend_pid()').fetchone()[0]}/stat")
    tick = os.sysconf("SC_CLK_TCK")

    def server_time() -> float:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick  # utime + stime

    return server_time


def sizes(url: str, path: Path | None) -> tuple[float, float]:
    """(index MB, database MB); SQLite's index size is the difference to the unindexed fill."""
    if path is not None:
        return 0.0, path.stat().st_size / 1e6
    store = open_store(url)
    try:
        with store.read() as tx:
            index = tx.connection.execute(
                "SELECT COALESCE(SUM(pg_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname = 'appearances_text'"
            ).fetchone()[0]
            total = tx.connection.execute(
                "SELECT SUM(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'").fetchone()[0]
            return float(index) / 1e6, float(total) / 1e6
    finally:
        store.close()


def run_sqlite(stories: int, workdir: Path) -> Path:
    """Fill without and with the index, time the queries; return the indexed store's path."""
    results = {}
    for indexed in (False, True):
        path = workdir / f"search-{int(indexed)}.db"
        url = f"sqlite:///{path}"
        wall, cpu = fill(url, stories, indexed)
        results[indexed] = (wall, cpu, sizes(url, path)[1])
    base, full = results[False], results[True]
    index_mb = full[2] - base[2]
    print(f"sqlite     {stories:>7} stories | ingest without index {base[0]:6.1f} s ({base[1]:6.1f} s CPU), "
          f"with {full[0]:6.1f} s ({full[1]:6.1f} s CPU): {_change(full[0], base[0])} wall, "
          f"{_change(full[1], base[1])} CPU | database {full[2]:7.1f} MB, index {index_mb:6.1f} MB "
          f"({index_mb / full[2] * 100:.0f} %)", flush=True)
    _report_queries("sqlite", time_queries(f"sqlite:///{path}"))
    return path


def run_postgresql(stories: int, filled: Path | None) -> None:
    """Through ingest (both fills, as for SQLite) or, given a filled SQLite store, by copy."""
    if filled is None:
        results = {}
        for indexed in (False, True):
            with pg_schema(PG) as url:
                wall, cpu = fill(url, stories, indexed)
                index_mb, db_mb = sizes(url, None)
                results[indexed] = (wall, cpu, index_mb, db_mb, time_queries(url) if indexed else [])
        base, full = results[False], results[True]
        print(f"postgresql {stories:>7} stories | ingest without index {base[0]:6.1f} s, with {full[0]:6.1f} s: "
              f"{_change(full[0], base[0])} | database {full[3]:7.1f} MB, index {full[2]:6.1f} MB "
              f"({full[2] / full[3] * 100:.0f} %)", flush=True)
        _report_queries("postgresql", full[4])
        return
    with pg_schema(PG) as url:
        copied, built = copy_to_postgresql(filled, url)
        index_mb, db_mb = sizes(url, None)
        print(f"postgresql {stories:>7} stories | copied from the SQLite store in {copied:5.1f} s, index built in "
              f"{built:5.1f} s | database {db_mb:7.1f} MB, index {index_mb:6.1f} MB "
              f"({index_mb / db_mb * 100:.0f} %)", flush=True)
        _report_queries("postgresql", time_queries(url))


def _report_queries(backend: str, took: list[tuple[float, float]]) -> None:
    wall = sorted(w for w, _ in took)
    cpu = sorted(c for _, c in took)
    print(f"{backend:10} 200 queries: median {statistics.median(wall):6.1f} ms, p95 {_p95(wall):6.1f} ms, "
          f"max {wall[-1]:6.1f} ms | CPU ({'server' if backend == 'postgresql' else 'this process'}): median {statistics.median(cpu):6.1f} ms, "
          f"p95 {_p95(cpu):6.1f} ms", flush=True)


def _p95(values: list[float]) -> float:
    return values[int(len(values) * 0.95) - 1]


def _change(value: float, base: float) -> str:
    return f"{(value / base - 1) * 100:+.0f} %"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--pg-ingest", action="store_true",
                        help="fill PostgreSQL through ingest (with and without index) instead of copying "
                             "the SQLite store's rows")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}", flush=True)
    with tempfile.TemporaryDirectory() as workdir:
        filled = run_sqlite(args.stories, Path(workdir)) if "sqlite" in args.backends else None
        if "postgresql" in args.backends:
            if filled is None and not args.pg_ingest:
                filled = workdir_fill(args.stories, Path(workdir))
            run_postgresql(args.stories, None if args.pg_ingest else filled)
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}", flush=True)


def workdir_fill(stories: int, workdir: Path) -> Path:
    """A SQLite store filled through ingest, for PostgreSQL to copy."""
    path = workdir / "search-1.db"
    fill(f"sqlite:///{path}", stories, True)
    return path


if __name__ == "__main__":
    main()
