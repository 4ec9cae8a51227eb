"""Render cost after a small change on a large store (issue 19): 100,000 stories, 20 feeds.

Fills a fresh store through the real ingest path (bench/render.py's fill: 1,000 sources),
then times `render_feeds` in a fresh child process per phase (the child's own peak RSS; the
store's connections are opened before the clock starts, as in the running service):

  full      first render of all 20 feeds into an empty export (every archive page, page by page)
  unchanged the same again, nothing changed (the baseline: what every render costs)
  changed   one old story corrected (its title), so its archive pages and feeds re-render
  new       one new story arrives
  one-feed  a full render of the `all` feed alone into an empty export

then the store's size before and after `[storage] keep_content` has trimmed every story
(SQLite: file size after VACUUM; PostgreSQL: tables and indexes after VACUUM FULL).
Targets: changed/new <= 1 s and <= 150 MB peak RSS; one-feed <= 10 s.

Run: .venv/bin/python bench/render_change.py [--stories 100000] [--url postgresql://127.0.0.1:5432/test]
     [--keep DIR] [--skip-size]

--keep DIR fills a SQLite store through ingest once, keeps it in DIR, and starts every later
run from a copy of it (SQLite: the file; PostgreSQL: the rows moved by store.transfer, as
`zonefeed import` would, then ANALYZE): the same rows as a fill through ingest, without its
~70-90 s per 100,000 stories on every run. --skip-size skips the VACUUM and retention part.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.render import _peak_rss_mb, fill  # noqa: E402
from bench.scale import fresh_storage  # noqa: E402
from items.ingest import ingest  # noqa: E402
from items.retention import apply_retention  # noqa: E402
from model.stories import Appearance  # noqa: E402
from store import open_store  # noqa: E402
from store.transfer import export_store, import_store  # noqa: E402

SOURCES = 1000
FILLED_AT = datetime(2026, 11, 1, tzinfo=UTC)  # bench/render.py's fill: story n published n minutes before


def config_text(data_dir: Path, storage_url: str, only_all: bool = False) -> str:
    """1,000 sources in 9 regions; 20 feeds: all, 9 regions, 5 groups of 10 sources, 5 keyword feeds."""
    lines = [f'[service]\ndata_dir = "{data_dir}"\nbase_url = "http://127.0.0.1:8080"\n',
             f'[storage]\nurl = "{storage_url}"\n']
    for n in range(SOURCES):
        lines.append(f'[[sources]]\nid = "src{n:04d}"\nname = "园区{n}"\nkind = "feed"\n'
                     f'url = "http://site{n}.example.gov.cn/rss.xml"\nregion = ["区{n % 9}"]\n')
    lines.append('[[feeds]]\nid = "all"\ntitle = "全部"\n')
    if not only_all:
        lines += [f'[[feeds]]\nid = "r{k}"\ntitle = "区{k}"\nregions = ["区{k}"]\n' for k in range(9)]
        lines += [f'[[feeds]]\nid = "g{k}"\ntitle = "组{k}"\nsources = '
                  + json.dumps([f"src{n:04d}" for n in range(k, SOURCES, 100)]) + "\n" for k in range(5)]
        words = [("签约",), ("第1",), ("第2",), ("第3",), ("活动",)]
        lines += [f'[[feeds]]\nid = "k{k}"\ntitle = "词{k}"\ninclude = {json.dumps(list(w), ensure_ascii=False)}\n'
                  + ('exclude = ["调研"]\n' if k == 4 else "") for k, w in enumerate(words)]
    return "\n".join(lines)


def child(config_path: str) -> None:
    """One render in a fresh process: print seconds, counts and peak RSS as JSON."""
    import sources  # noqa: F401  (its built-in kinds register before the config is loaded)
    from feeds.build import render_feeds
    from settings import load_config

    config = load_config(Path(config_path))
    store = open_store(config.storage.url)
    with store.exclusive("warm-up"), store.read() as tx:  # connections open, as in a running service
        tx.story_change_mark()
    started, cpu = time.perf_counter(), time.process_time()
    report = render_feeds(config, store)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    store.close()
    pages = sum(r.startswith("feeds/archive/") for r in report.rendered)
    print(json.dumps({"seconds": seconds, "cpu": cpu, "rss_mb": _peak_rss_mb(), "rendered": len(report.rendered),
                      "pages": pages, "changed": len(report.changed), "full": report.full}))


def run_child(config_path: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", str(config_path)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def change_one_story(storage_url: str, serial: int, title: str) -> None:
    """Correct the title of story `serial` of the fill (same source, item key and link)."""
    source = serial % SOURCES
    app = Appearance(source_id=f"src{source:04d}", item_key=f"item-{serial}",
                     url=f"http://site{source}.example.gov.cn/art/{serial}.html", title=title,
                     published_at=FILLED_AT - timedelta(minutes=serial), date_is_guess=False,
                     content_html=f"<p>{title}</p>", summary=title, publisher=f"园区{source}",
                     regions=("重庆市",), tags=("园区",))
    store = open_store(storage_url)
    with store.transaction() as tx:
        ingest(tx, [app], FILLED_AT + timedelta(days=1))
    store.close()


def store_size_mb(storage_url: str) -> float:
    """The store's size once freed space is given back (VACUUM), in MB."""
    if storage_url.startswith("sqlite"):
        path = Path(storage_url.removeprefix("sqlite:///"))
        with sqlite3.connect(path) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.execute("VACUUM")
        return path.stat().st_size / 1e6
    schema = conninfo_to_dict(storage_url)["options"].split("=")[-1]
    with psycopg.connect(storage_url, autocommit=True) as connection:
        connection.execute("VACUUM FULL")
        row = connection.execute(
            "SELECT SUM(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'", (schema,)).fetchone()
        return int(row[0]) / 1e6


def kept_store(keep: Path, stories: int) -> tuple[Path, bool]:
    """A SQLite store of `stories` filled through ingest, kept in `keep` (filled on first use);
    True when it was filled now."""
    path = keep / f"render_change-{stories}.db"
    if path.exists():
        return path, False
    keep.mkdir(parents=True, exist_ok=True)
    filling = path.with_name(path.name + ".filling")
    fill(f"sqlite:///{filling}", SOURCES, stories)
    with closing(sqlite3.connect(filling)) as connection:
        connection.execute("PRAGMA journal_mode = DELETE")  # one file, whatever copies it
    filling.rename(path)
    return path, True


def load_kept(kept: Path, storage_url: str, work: Path) -> None:
    """Start `storage_url` from the kept store's rows (ids and all)."""
    if storage_url.startswith("sqlite"):
        shutil.copyfile(kept, storage_url.removeprefix("sqlite:///"))
        return
    dump = work / "kept.jsonl"
    source, target = open_store(f"sqlite:///{kept}"), open_store(storage_url)
    with dump.open("w", encoding="utf-8") as out:
        export_store(source, out)
    with dump.open(encoding="utf-8") as lines:
        import_store(target, lines)
    source.close()
    target.close()
    dump.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--url", default="sqlite", help="sqlite (a temp file) or a postgresql:// URL")
    parser.add_argument("--keep", type=Path, help="start from a copy of a store filled once and kept in this directory")
    parser.add_argument("--skip-size", action="store_true", help="skip the store size before and after retention")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    with tempfile.TemporaryDirectory() as temp, fresh_storage(args.url, Path(temp)) as storage_url:
        work = Path(temp)
        started = time.perf_counter()
        if args.keep:
            kept, filled = kept_store(args.keep, args.stories)
            load_kept(kept, storage_url, work)
            how = (f"filled through ingest (kept in {args.keep}) and copied" if filled
                   else f"copied from a store filled through ingest, kept in {args.keep},")
        else:
            fill(storage_url, SOURCES, args.stories)
            how = "filled through ingest"
        if not storage_url.startswith("sqlite"):  # what autovacuum would have done by now
            with psycopg.connect(storage_url, autocommit=True) as connection:
                connection.execute("ANALYZE")
        print(f"{args.stories} stories from {SOURCES} sources {how} in {time.perf_counter() - started:.0f} s "
              f"({'SQLite' if storage_url.startswith('sqlite') else 'PostgreSQL'})", flush=True)
        main_config = work / "config.toml"
        main_config.write_text(config_text(work / "data", storage_url), encoding="utf-8")
        one_config = work / "one.toml"
        one_config.write_text(config_text(work / "one", storage_url, only_all=True), encoding="utf-8")
        phases = {"full": run_child(main_config), "unchanged": run_child(main_config)}
        change_one_story(storage_url, args.stories // 2, "园区重点项目更正后的标题")
        phases["changed"] = run_child(main_config)
        change_one_story(storage_url, -1, "园区今天新到的一条新闻")
        phases["new"] = run_child(main_config)
        phases["one-feed"] = run_child(one_config)
        print(f"{'phase':<10} {'wall s':>8} {'cpu s':>7} {'rss MB':>7} {'files':>6} {'pages':>6} {'changed':>8}")
        for name, f in phases.items():
            print(f"{name:<10} {f['seconds']:>8.2f} {f['cpu']:>7.2f} {f['rss_mb']:>7.0f} {f['rendered']:>6} "
                  f"{f['pages']:>6} {f['changed']:>8}")
        worst = max(phases["changed"]["seconds"], phases["new"]["seconds"])
        rss = max(phases["changed"]["rss_mb"], phases["new"]["rss_mb"])
        print(f"1-story change: {worst:.2f} s (target <= 1 s; unchanged baseline "
              f"{phases['unchanged']['seconds']:.2f} s), peak RSS {rss:.0f} MB (target <= 150 MB); "
              f"full render of one feed {phases['one-feed']['seconds']:.1f} s (target <= 10 s)")
        if args.skip_size:
            return
        before = store_size_mb(storage_url)
        store = open_store(storage_url)
        trimmed = apply_retention(store, 730 * 86400, FILLED_AT + timedelta(days=800)).stories_trimmed
        store.close()
        after = store_size_mb(storage_url)
        per = 100_000 / args.stories
        print(f"store size per 100k stories: {before * per:.0f} MB with full text, {after * per:.0f} MB after "
              f"keep_content trimmed {trimmed} stories and the old dedupe keys")


if __name__ == "__main__":
    main()
