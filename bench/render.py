"""Rendering cost at size: 1,000 sources and 100,000 stories in SQLite (prints figures; not a test).

Fills a fresh database through the real ingest path (normalized Appearances -> ingest), then,
in a separate process that plays the running service, times selecting and rendering one feed
of 100 entries (RSS + Atom) for feeds of several shapes, and reports that process's peak RSS.
Targets: <= 100 ms per feed of 100 entries; RSS <= 300 MB.

Run: .venv/bin/python bench/render.py [--sources 1000] [--stories 100000] [--db PATH to reuse]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dedupe import story_text, vocabulary  # noqa: E402
from bench.filling import ingest_in_batches  # noqa: E402
from model.stories import Appearance  # noqa: E402
from settings.model import SourceConfig  # noqa: E402
from store import open_store  # noqa: E402
from store.tx import FeedQuery  # noqa: E402

FEEDS = {  # name -> query, each asking for 100 entries
    "all stories": FeedQuery(limit=100),
    "10 sources": FeedQuery(source_ids=frozenset(f"src{n:04d}" for n in range(0, 1000, 100)), limit=100),
    "one source": FeedQuery(source_ids=frozenset({"src0007"}), limit=100),
    "keyword 签约": FeedQuery(include=("签约",), limit=100),
}


def fill(storage_url: str, sources: int, stories: int) -> float:
    """Ingest `stories` appearances spread over `sources`; return seconds taken."""
    store = open_store(storage_url)
    configs = [SourceConfig(id=f"src{n:04d}", name=f"园区{n}", kind="feed",
                            url=f"http://site{n}.example.gov.cn/rss.xml", interval=1800)
               for n in range(sources)]
    with store.transaction() as tx:
        tx.sync_sources(configs)
    started, now = time.perf_counter(), datetime(2026, 11, 1, tzinfo=UTC)
    ingest_in_batches(store, _appearances(sources, stories, now), now)
    store.close()
    return time.perf_counter() - started


def _appearances(sources: int, stories: int, now: datetime) -> Iterator[Appearance]:
    rng = random.Random(5)
    words = vocabulary(rng)
    for n in range(stories):
        # Each story its own text, as in a real archive: 100,000 copies of one body would
        # measure the near-duplicate search over identical texts, not the feeds.
        body = "".join(f"<p>{p}</p>" for p in story_text(rng, words, n)[1])
        source = n % sources
        topic = "签约" if n % 7 == 0 else "调研"
        yield Appearance(
            source_id=f"src{source:04d}", item_key=f"item-{n}",
            url=f"http://site{source}.example.gov.cn/art/{n}.html",
            title=f"第{n}号新闻：园区重点项目{topic}活动举行", published_at=now - timedelta(minutes=n),
            date_is_guess=False, content_html=body, summary=body[3:120], publisher=f"园区{source}",
            regions=("重庆市",), tags=("园区",))


def serve_side(db: str, rounds: int) -> None:
    """Child: the service's side. Print per-feed median ms and peak RSS as JSON."""
    from feeds.atom import render_atom
    from feeds.render import FeedMeta, render_rss

    store = open_store(f"sqlite:///{db}")
    meta = FeedMeta("bench", "全部", "d", "http://127.0.0.1:8080")
    figures = {}
    for name, query in FEEDS.items():
        times, selects, count = [], [], 0
        for _ in range(rounds):
            started = time.perf_counter()
            with store.transaction() as tx:
                entries = tx.stories_for_feed(query)
            selected = time.perf_counter()
            render_rss(meta, entries)
            render_atom(meta, entries)
            times.append((time.perf_counter() - started) * 1000)
            selects.append((selected - started) * 1000)
            count = len(entries)
        figures[name] = {"median_ms": statistics.median(times), "max_ms": max(times), "entries": count,
                         "select_ms": statistics.median(selects)}
    print(json.dumps({"feeds": figures, "rss_mb": _peak_rss_mb()}))


def _peak_rss_mb() -> float:
    """This process's own peak: ru_maxrss survives exec, so a child started by the parent that
    just filled the database would report the parent's peak (seen: 243 MB against 71 MB)."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--db", help="reuse (or create) this database file")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_side(args.serve, args.rounds)
        return
    with tempfile.TemporaryDirectory() as temp:
        db = Path(args.db) if args.db else Path(temp) / "bench.db"
        if not db.exists():
            seconds = fill(f"sqlite:///{db}", args.sources, args.stories)
            print(f"filled {args.stories} stories from {args.sources} sources through ingest in {seconds:.1f} s")
        child = subprocess.run([sys.executable, __file__, "--serve", str(db), "--rounds", str(args.rounds)],
                               capture_output=True, text=True, check=True)
        result = json.loads(child.stdout.strip().splitlines()[-1])
        print(f"database: {db.stat().st_size / 1e6:.0f} MB; each figure: select + RSS + Atom, "
              f"median of {args.rounds}")
        print(f"{'feed':<16} {'entries':>7} {'median ms':>10} {'of it select':>13} {'max ms':>8}")
        for name, f in result["feeds"].items():
            print(f"{name:<16} {f['entries']:>7} {f['median_ms']:>10.1f} {f['select_ms']:>13.1f} "
                  f"{f['max_ms']:>8.1f}")
        worst = max(f["median_ms"] for f in result["feeds"].values())
        print(f"worst median {worst:.1f} ms (target <= 100 ms); serving process peak RSS "
              f"{result['rss_mb']:.0f} MB (target <= 300 MB)")


if __name__ == "__main__":
    main()
