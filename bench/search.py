"""Archive search at size (prints figures; not a test).

Fills each backend with N stories through the real ingest path twice, once with the text
index (migration 8: SQLite FTS5 trigram, PostgreSQL pg_trgm GIN) and once with it dropped
before the fill (the baseline of the same run), then times 200 typical queries — two- to
four-character place and zone names, topic words, two-word searches, some with a region or
date filter — through the store's `search_stories` (what /search runs), first page of 30.

Targets: p95 <= 50 ms on SQLite; index ingest slowdown <= 15 %.

Run: .venv/bin/python bench/search.py [--stories 100000] [--backends sqlite postgresql]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dedupe import story_text, vocabulary  # noqa: E402
from bench.filling import ingest_in_batches  # noqa: E402
from model.stories import Appearance  # noqa: E402
from store import open_store  # noqa: E402
from store.reading_tx import SearchQuery  # noqa: E402

PG = "postgresql://127.0.0.1:5432/test"
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


def fill(url: str, stories: int, indexed: bool) -> float:
    store = open_store(url)
    if not indexed:
        with store.transaction() as tx:
            for sql in _drop_index(url):
                tx.connection.execute(sql)
    started = time.perf_counter()
    ingest_in_batches(store, appearances(stories), NOW)
    store.close()
    return time.perf_counter() - started


def _drop_index(url: str) -> list[str]:
    if url.startswith("sqlite"):
        return [f"DROP TRIGGER appearance_text_{op}" for op in ("insert", "delete", "update")] + \
               ["DROP TABLE appearance_text"]
    return ["DROP INDEX appearances_text"]


def time_queries(url: str) -> list[float]:
    store = open_store(url)
    took = []
    try:
        for query in queries():
            started = time.perf_counter()
            with store.read() as tx:
                tx.search_stories(query, 0, 30)
            took.append((time.perf_counter() - started) * 1000)
    finally:
        store.close()
    return took


def sizes(url: str, path: Path | None) -> tuple[float, float]:
    """(index MB, database MB)."""
    store = open_store(url)
    try:
        with store.read() as tx:
            if path is not None:
                return 0.0, path.stat().st_size / 1e6
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


def run_backend(backend: str, stories: int, workdir: Path) -> None:
    results = {}
    for indexed in (False, True):
        if backend == "sqlite":
            path = workdir / f"search-{int(indexed)}.db"
            url = f"sqlite:///{path}"
        else:
            path = None
            schema = f"zf_bench_{uuid.uuid4().hex[:8]}"
            import psycopg
            with psycopg.connect(PG, autocommit=True) as admin:
                admin.execute(f"CREATE SCHEMA {schema}")
            url = f"{PG}?options=-csearch_path%3D{schema}"
        seconds = fill(url, stories, indexed)
        index_mb, db_mb = sizes(url, path)
        took = time_queries(url) if indexed else []
        results[indexed] = (seconds, index_mb, db_mb, took)
        if path is None:
            with psycopg.connect(PG, autocommit=True) as admin:
                admin.execute(f"DROP SCHEMA {schema} CASCADE")
    base, full = results[False], results[True]
    took = sorted(full[3])
    p95 = took[int(len(took) * 0.95) - 1]
    index_mb = full[1] if backend != "sqlite" else full[2] - base[2]
    slowdown = (full[0] / base[0] - 1) * 100
    print(f"{backend:10} {stories:>7} stories | ingest {base[0]:6.1f} s without index, {full[0]:6.1f} s with "
          f"({slowdown:+.0f} %) | database {full[2]:7.1f} MB, index {index_mb:6.1f} MB "
          f"({index_mb / full[2] * 100:.0f} %) | 200 queries: median {statistics.median(took):6.1f} ms, "
          f"p95 {p95:6.1f} ms, max {took[-1]:6.1f} ms", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        for backend in args.backends:
            run_backend(backend, args.stories, Path(workdir))


if __name__ == "__main__":
    main()
