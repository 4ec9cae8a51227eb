"""Benchmark: ingest N synthetic appearances (about a third of them cross-posts) into a real
SQLite file, one transaction per collect-sized batch, and print items/s, peak memory and how
time grows from 10k to 100k.

    .venv/bin/python bench/dedupe.py            # 10k and 100k, each in a fresh process
    .venv/bin/python bench/dedupe.py --one 5000 # one size, prints a JSON line
    .venv/bin/python bench/dedupe.py --template --sizes 2000 8000
                                                # one site whose every page has the same body

Targets (issue 4): >= 5,000 items/s, <= 300 MB peak RSS, time(100k)/time(10k) <= 12.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import items.dedupe  # noqa: E402
from items.ingest import ingest, story_guid  # noqa: E402
from items.minhash import LSH  # noqa: E402
from model.stories import Appearance  # noqa: E402
from settings.model import SourceConfig  # noqa: E402
from store.match_tx import MatchQueries  # noqa: E402
from store.sqlite import SQLiteStore  # noqa: E402

BATCH = 200  # a busy collect
SOURCES = 60
CROSS_POST_SHARE = 0.35
START = datetime(2022, 1, 1, tzinfo=UTC)


def vocabulary(rng: random.Random) -> list[str]:
    chars = [chr(0x4E00 + i) for i in range(2500)]
    words = ["".join(rng.choice(chars) for _ in range(rng.randint(2, 4))) for _ in range(6000)]
    # domain words every story uses, so unrelated stories share some shingles as real news does
    return words + ["开发区", "管委会", "高质量发展", "招商引资", "项目建设", "产业园区"] * 300


def story_text(rng: random.Random, words: list[str], serial: int) -> tuple[str, list[str]]:
    title = "".join(rng.choice(words) for _ in range(5)) + str(serial % 97)
    paragraphs = ["，".join("".join(rng.choice(words) for _ in range(rng.randint(4, 8)))
                           for _ in range(rng.randint(4, 6))) + "。"
                  for _ in range(rng.randint(4, 6))]
    return title, paragraphs


def appearances(count: int, seed: int = 7, template: bool = False) -> Iterator[tuple[int, Appearance]]:
    """(story label, appearance) in publish order; cross-posts follow their origin within days.

    `template`: every page is one site's, with its own title and the same body (what a failed
    article extraction leaves), a page a minute: the case that once made ingest quadratic."""
    rng = random.Random(seed)
    words = vocabulary(rng)
    if template:
        _, footer = story_text(rng, words, 0)
        for serial in range(count):
            title, _ = story_text(rng, words, serial)
            yield serial, Appearance(
                source_id="source0", item_key=f"t-{serial}", url=f"http://source0.test/t/{serial}.html",
                title=title, published_at=START + timedelta(minutes=serial), date_is_guess=False,
                content_html="".join(f"<p>{p}</p>" for p in footer))
        return
    recent: list[tuple[int, str, list[str], datetime, int]] = []
    moment = START
    for serial in range(count):
        moment += timedelta(seconds=rng.randint(60, 900))
        if recent and rng.random() < CROSS_POST_SHARE:
            label, title, paragraphs, published, origin = rng.choice(recent)
            source = (origin + rng.randint(1, SOURCES - 1)) % SOURCES
            paragraphs = [f"来源：source{origin}", *paragraphs]
            if len(paragraphs) > 3 and rng.random() < 0.3:
                paragraphs.pop(rng.randint(1, len(paragraphs) - 1))  # dropped paragraph
            if rng.random() < 0.5:
                title = "【动态】" + title
            when = max(moment, published + timedelta(hours=rng.randint(1, 72)))
        else:
            label, source, when = serial, rng.randrange(SOURCES), moment
            title, paragraphs = story_text(rng, words, serial)
            recent.append((label, title, paragraphs, when, source))
            recent = recent[-400:]
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        yield label, Appearance(
            source_id=f"source{source}", item_key=f"s{source}-{serial}",
            url=f"http://source{source}.test/a/{serial}.html", title=title, published_at=when,
            date_is_guess=False, content_html=body, summary=paragraphs[-1][:120],
        )


def run_one(count: int, baseline: bool = False, template: bool = False) -> dict:
    """Ingest `count` items; `baseline` stores them with no dedupe at all (one story each)."""
    step = _store_only if baseline else _ingest
    counts = _count_candidates()
    with tempfile.TemporaryDirectory() as folder:
        store = SQLiteStore(Path(folder) / "bench.db")
        store.migrate()
        with store.transaction() as tx:
            tx.sync_sources(SourceConfig(id=f"source{i}", name=f"source{i}", kind="feed",
                                         url=f"http://source{i}.test/", interval=60)
                            for i in range(SOURCES))
        labels: dict[str, int] = {}
        batch: list[Appearance] = []
        elapsed = cpu = 0.0
        for label, app in itertools.chain(appearances(count, template=template), [(None, None)]):  # None: flush
            if app is not None:
                labels[app.url] = label
                batch.append(app)
            if len(batch) == BATCH or (batch and label is None):
                wall, used = step(store, batch)
                elapsed, cpu = elapsed + wall, cpu + used
                batch = []
        with store.transaction() as tx:
            rows = tx.connection.execute("SELECT url, story_id FROM appearances").fetchall()
        store.close()
        size = (Path(folder) / "bench.db").stat().st_size
    return dict(count=count, seconds=elapsed, cpu_seconds=cpu, items_per_s=count / elapsed,
                items_per_cpu_s=count / cpu,
                peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                db_mb=size / 2**20, **counts, **_accuracy(labels, rows))


def _count_candidates() -> dict[str, int]:
    """Counters filled as the run goes: band rows the lookups returned, and candidate pairs
    the rule compared (what the band scheme costs; the scheme's recall is tests/items')."""
    counts = {"band_hits": 0, "compared": 0}
    band_hits, compare = MatchQueries.band_hits, items.dedupe.compare

    def counted_hits(self, *args, **kwargs):
        hits = band_hits(self, *args, **kwargs)
        counts["band_hits"] += len(hits.pairs)
        return hits

    def counted_compare(a, b):
        counts["compared"] += 1
        return compare(a, b)

    MatchQueries.band_hits = counted_hits
    items.dedupe.compare = counted_compare
    return counts


def _ingest(store: SQLiteStore, batch: list[Appearance]) -> tuple[float, float]:
    """(wall, cpu) seconds of one collect-sized ingest."""
    started, cpu = time.perf_counter(), time.process_time()
    with store.transaction() as tx:
        ingest(tx, batch, batch[-1].published_at)
    return time.perf_counter() - started, time.process_time() - cpu


def _store_only(store: SQLiteStore, batch: list[Appearance]) -> tuple[float, float]:
    """The floor on this machine: the same rows written with no lookups and no matching."""
    started, cpu = time.perf_counter(), time.process_time()
    now = batch[-1].published_at
    with store.transaction() as tx:
        rows = []
        for app in batch:
            story_id = tx.create_story(story_guid(app), app.published_at, now)
            rows.append((story_id, tx.insert_appearance(app, story_id, now), app.published_at, None))
        tx.set_canonicals(rows)
    return time.perf_counter() - started, time.process_time() - cpu


def _accuracy(labels: dict[str, int], rows: list[tuple[str, int]]) -> dict:
    """Cluster purity against the generator's labels (a sanity check, not the fixture test)."""
    story_labels: dict[int, set[int]] = {}
    label_stories: dict[int, set[int]] = {}
    for url, story in rows:
        story_labels.setdefault(story, set()).add(labels[url])
        label_stories.setdefault(labels[url], set()).add(story)
    return dict(stories=len(story_labels), expected_stories=len(label_stories),
                impure_stories=sum(len(v) > 1 for v in story_labels.values()),
                split_labels=sum(len(v) > 1 for v in label_stories.values()))


def _child(size: int, *flags: str) -> dict:
    """One size in a fresh process, so each peak RSS is its own."""
    out = subprocess.run([sys.executable, __file__, "--one", str(size), *flags], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", type=int, help="run one size in this process, print JSON")
    parser.add_argument("--baseline", action="store_true", help="with --one: store only, no dedupe")
    parser.add_argument("--template", action="store_true", help="every page one site's, with one body")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.baseline, args.template)))
        return 0
    results = []
    flags = ["--template"] if args.template else []
    print(f"band scheme {LSH.name}: a pair at Jaccard {LSH.min_jaccard} shares a band with p = "
          f"{LSH.candidate_probability(LSH.min_jaccard):.3f}", flush=True)
    for size in args.sizes:
        result, floor = _child(size, *flags), _child(size, "--baseline", *flags)
        results.append(result)
        print(f"{result['count']:>7} appearances: {result['seconds']:.1f} s, "
              f"{result['items_per_s']:,.0f} items/s (cpu {result['cpu_seconds']:.1f} s: "
              f"{result['items_per_cpu_s']:,.0f} items per cpu-second), "
              f"peak RSS {result['peak_rss_mb']:.0f} MB, db {result['db_mb']:.0f} MB; "
              f"stories {result['stories']} (expected {result['expected_stories']}), "
              f"impure {result['impure_stories']}, split {result['split_labels']}; "
              f"band rows read {result['band_hits']:,}, pairs compared {result['compared']:,}", flush=True)
        print(f"{'':>7} baseline (store only, no dedupe): {floor['seconds']:.1f} s, "
              f"{floor['items_per_s']:,.0f} items/s, cpu {floor['cpu_seconds']:.1f} s; dedupe costs "
              f"{result['seconds'] / floor['seconds']:.1f}x the baseline in wall time, "
              f"{result['cpu_seconds'] / floor['cpu_seconds']:.1f}x in cpu time", flush=True)
    if len(results) >= 2:
        first, last = results[0], results[-1]
        print(f"time({last['count']})/time({first['count']}) = {last['seconds'] / first['seconds']:.1f} wall, "
              f"{last['cpu_seconds'] / first['cpu_seconds']:.1f} cpu "
              f"(linear would be {last['count'] / first['count']:.0f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
