"""Steady state at national size: `service.py run` against a loopback web of N news sites.

For each source count (500, 2,000 and 5,000 by default) one run:
  1. starts the web (bench/steady_web.py: every site on its own 127.0.0.1 port; 35 % RSS with
     full text, 10 % summary-only RSS, 20 % Atom, 35 % HTML list pages with article pages;
     50-200 ms answers, 1 % slow (2-4 s; full-text RSS, so the warm-up is not held
     by a slow host's 8 spaced article reads), 1 % failing (500); a front-page request brings a new
     item with probability 2 %);
  2. writes a config.toml with one [[sources]] per site, an `all` feed and one feed per
     province, into a fresh SQLite file or a fresh PostgreSQL database (`CREATE DATABASE`);
  3. warms the store up with a cold `service.py collect`, then runs a second `collect` (every
     site polled once, mostly 304s): the baseline cost of a poll without scheduler or server;
  4. spreads the stored next polls evenly over one interval (the state of a service that has
     run for a while; a cold start polls everything within 10 s), starts `service.py run`
     (1 or 2 nodes) and, for --minutes, polls the feeds with conditional GETs from a client
     process (If-None-Match and If-Modified-Since, a new connection per request) while sampling
     CPU and RSS of the service's process tree (the run, its HTTP front, parse workers) from /proc;
  5. prints CPU share of 2 cores, peak RSS, polls/s, the client's feed-poll latency, render
     time per cycle (zonefeed_render_seconds from /metrics), database growth, and poll
     lateness: the gaps between a site's polls as the site saw them (the service schedules the
     next poll `interval` after a poll starts, plus up to 10 % jitter, so a gap above 1.1 x
     interval is lateness), and the most sources overdue at once in the store.

Time is compressed: every source is polled every `interval` (default: --minutes / 3, so each
source is polled about 3 times in the window). A 30-minute interval at 5,000 sources is
5000 / 1800 = 2.8 polls/s; 120 s is 15 x that rate. The bench prints the factor, the measured
CPU share at the compressed rate (an upper bound for the real one) and the CPU seconds per poll
scaled to the real rate. `--interval 1800` runs at the real rate.

Reusing the fill: `--fills DIR` puts site k on port 20000 + k (`--base-port`) and the run in
$TMPDIR/zf-steady-<key>, so source URLs and the data dir are the same from run to run; after the
cold collect the store (SQLite: the file after a WAL checkpoint; PostgreSQL: a database
zf_fill_<key> made with CREATE DATABASE ... TEMPLATE) and the data dir are kept under DIR, keyed
by backend, sources, items, seed, base port and a hash of store/schema.py. A later run with the
same key restores them instead of the cold collect (printing how long that took; the cold collect
figures are then not printed) and its first poll sees the same sites and items, so the baseline
collect is the same mostly-304 poll. Runs with --fills cannot run side by side (fixed ports and
work dir). Drop a fill: rm -r DIR/<key> (and DROP DATABASE zf_fill_<key>).

Run: .venv/bin/python bench/steady.py [--sources 500 2000 5000] [--minutes 6] [--nodes 1]
     [--url sqlite | postgresql://127.0.0.1:5432/test] [--fills DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import json
import multiprocessing
import os
import random
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
REAL_INTERVAL = 1800  # the deployment the targets speak of: every source every 30 minutes
PROVINCES = ("重庆市", "四川省", "江苏省", "浙江省", "广东省", "山东省", "河南省", "湖北省", "湖南省", "安徽省")
CORES = os.cpu_count() or 2
TICKS = os.sysconf("SC_CLK_TCK")


# the loopback web and the store -----------------------------------------------------------------
@contextlib.contextmanager
def web(sites: int, items: int, new_share: float, seed: int,
        base_port: int = 0) -> Iterator[tuple[subprocess.Popen, dict]]:
    proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "steady_web.py"), str(sites), str(items),
                             str(new_share), str(seed), str(base_port)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        yield proc, json.loads(proc.stdout.readline())
    finally:
        proc.stdin.close()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()  # connections the service left open keep its loop busy closing them
            proc.wait()


@contextlib.contextmanager
def storage(url: str, workdir: Path, template: str | None = None) -> Iterator[str]:
    """A fresh SQLite path or PostgreSQL database; `template`: a saved fill's database to copy."""
    if url == "sqlite":
        yield f"sqlite:///{workdir / 'zonefeed.db'}"
        return
    import psycopg

    name = f"zf_steady_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    parts = urlsplit(url)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


def db_bytes(storage_url: str) -> int:
    """The database's size with no service running; SQLite's WAL is checkpointed first (it
    holds up to ~40 MB of pages that belong in the file, so growth read with it is noise)."""
    if storage_url.startswith("sqlite"):
        path = Path(storage_url.removeprefix("sqlite:///"))
        with contextlib.closing(sqlite3.connect(path, timeout=30)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return path.stat().st_size
    import psycopg

    with psycopg.connect(storage_url) as conn:
        return int(conn.execute("SELECT pg_database_size(current_database())").fetchone()[0])


def _db_query(storage_url: str, sql: str, params: tuple = ()) -> list[tuple]:
    if storage_url.startswith("sqlite"):
        path = storage_url.removeprefix("sqlite:///")
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)) as conn:
            return conn.execute(sql, params).fetchall()
    import psycopg

    with psycopg.connect(storage_url) as conn:
        return conn.execute(sql.replace("?", "%s"), params).fetchall()


def spread_schedule(storage_url: str, interval: int) -> None:
    """Next polls evenly over the coming interval, as after a service has run for a while."""
    now = datetime.now(UTC)
    ids = [row[0] for row in _db_query(storage_url, "SELECT id FROM sources ORDER BY id")]
    random.Random(1).shuffle(ids)
    rows = [((now + timedelta(seconds=5 + interval * n / len(ids))).strftime("%Y-%m-%dT%H:%M:%SZ"), sid)
            for n, sid in enumerate(ids)]
    sql = "UPDATE sources SET next_poll_at = ? WHERE id = ?"
    if storage_url.startswith("sqlite"):
        with contextlib.closing(sqlite3.connect(storage_url.removeprefix("sqlite:///"), timeout=30)) as conn:
            conn.executemany(sql, rows)
            conn.commit()
        return
    import psycopg

    with psycopg.connect(storage_url) as conn, conn.cursor() as cur:
        cur.executemany(sql.replace("?", "%s"), rows)


def overdue(storage_url: str, interval: int) -> int:
    """Sources that should have been polled over 20 % of an interval ago (10 % jitter + 10 %
    lateness) and are not being polled: the scheduler's backlog, as the store sees it."""
    now = datetime.now(UTC)
    limit = (now - timedelta(seconds=0.2 * interval)).strftime("%Y-%m-%dT%H:%M:%SZ")
    rows = _db_query(storage_url, "SELECT count(*) FROM sources WHERE next_poll_at < ? "
                     "AND consecutive_failures = 0 AND (lease_until IS NULL OR lease_until < ?)",
                     (limit, now.strftime("%Y-%m-%dT%H:%M:%SZ")))
    return int(rows[0][0])


def write_config(workdir: Path, storage_url: str, sites: list[dict], interval: int) -> Path:
    body = [f'[service]\ndata_dir = "{workdir / "data"}"\nlog_level = "INFO"\n',
            "[server]\nport = 0\n",
            f'[storage]\nurl = "{storage_url}"\n',
            "[fetch]\ntimeout = 10\n",
            f'[defaults]\ninterval = "{interval}s"\n',
            '[[feeds]]\nid = "all"\ntitle = "全部"\n']
    body += [f'[[feeds]]\nid = "p{n}"\ntitle = "{name}"\nregions = ["{name}"]\n' for n, name in enumerate(PROVINCES)]
    body += [f'[[sources]]\nid = "{s["id"]}"\nname = "园区{s["id"][4:]}"\nkind = "{s["kind"]}"\n'
             f'url = "{s["url"]}"\nregion = ["{s["region"]}"]\n' for s in sites]
    (workdir / "data").mkdir(parents=True, exist_ok=True)
    path = workdir / "config.toml"
    path.write_text("\n".join(body), encoding="utf-8")
    return path


# saved fills (--fills) ---------------------------------------------------------------------------
def fill_key(args: argparse.Namespace, count: int) -> str:
    """What a filled store depends on: backend, sites (their URLs: the base port), items, seed and
    the store's schema (a hash of store/schema.py, whose migrations it has run)."""
    schema = hashlib.sha256((ROOT / "store" / "schema.py").read_bytes()).hexdigest()[:10]
    backend = "sqlite" if args.url == "sqlite" else "pg"
    return f"{backend}_{count}s_{args.items}i_seed{args.seed}_port{args.base_port}_schema{schema}"


def _pg_admin(url: str):  # noqa: ANN202 (psycopg is imported only for PostgreSQL runs)
    import psycopg

    return psycopg.connect(url, autocommit=True)


def fill_saved(url: str, fills: Path, key: str) -> bool:
    if not (fills / key / "data").is_dir():
        return False
    if url == "sqlite":
        return (fills / key / "zonefeed.db").is_file()
    with _pg_admin(url) as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (f"zf_fill_{key}",)).fetchone() is not None


def save_fill(url: str, storage_url: str, workdir: Path, fills: Path, key: str) -> float:
    """Keep the store and the data dir as the cold collect left them (the service has exited)."""
    import psycopg

    started = time.perf_counter()
    target, partial = fills / key, fills / f"{key}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    if url == "sqlite":
        db = Path(storage_url.removeprefix("sqlite:///"))
        with contextlib.closing(sqlite3.connect(db, timeout=30)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        shutil.copyfile(db, partial / "zonefeed.db")
    else:
        name = f"zf_fill_{key}"
        with _pg_admin(url) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name}")
            for attempt in range(10):  # a session of the exited service may take a moment to end
                try:
                    admin.execute(f"CREATE DATABASE {name} TEMPLATE {urlsplit(storage_url).path.lstrip('/')}")
                    break
                except psycopg.errors.ObjectInUse:
                    if attempt == 9:
                        raise
                    time.sleep(1)
    shutil.copytree(workdir / "data", partial / "data", symlinks=True)
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    return time.perf_counter() - started


def restore_fill(url: str, storage_url: str, workdir: Path, fills: Path, key: str) -> None:
    """The saved store (SQLite; PostgreSQL's was the run database's template) and data dir."""
    if url == "sqlite":
        shutil.copyfile(fills / key / "zonefeed.db", storage_url.removeprefix("sqlite:///"))
    shutil.rmtree(workdir / "data", ignore_errors=True)
    shutil.copytree(fills / key / "data", workdir / "data", symlinks=True)


# measuring ----------------------------------------------------------------------------------------
def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def service_command(config: Path, command: str, log: Path, extra: list[str] | None = None) -> tuple[float, float]:
    """Run a one-shot command; wall and CPU seconds (its waited-for children included)."""
    cpu, started = children_cpu(), time.perf_counter()
    with log.open("a") as err:
        subprocess.run([sys.executable, str(ROOT / "service.py"), "--config", str(config), command, *(extra or [])],
                       cwd=ROOT, stdout=err, stderr=err, check=False)
    return time.perf_counter() - started, children_cpu() - cpu


class TreeSampler:
    """CPU seconds, RSS and PSS (shared pages split among sharers) of process trees (the nodes and everything they started), from /proc.

    A process that ends keeps the CPU it was last seen with (the front restarted, a parse
    worker replaced), so the total never goes backwards."""

    def __init__(self, roots: list[int]):
        self.roots = roots
        self.seen: dict[int, float] = {}

    def sample(self) -> tuple[float, float]:
        stats: dict[int, list[str]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                with contextlib.suppress(OSError):
                    stats[int(entry)] = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        tree, frontier = set(), set(self.roots)
        while frontier:
            tree |= frontier
            frontier = {pid for pid, fields in stats.items() if int(fields[1]) in frontier} - tree
        rss = pss = 0.0
        for pid in tree & stats.keys():
            fields = stats[pid]
            self.seen[pid] = (int(fields[11]) + int(fields[12])) / TICKS
            rss += int(fields[21]) * os.sysconf("SC_PAGE_SIZE") / 2**20
            with contextlib.suppress(OSError, StopIteration):
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
                pss += int(next(x.split()[1] for x in rollup if x.startswith("Pss:"))) / 1024
        return sum(self.seen.values()), rss, pss


def scrape(base: str) -> dict[str, float]:
    """The counters this bench reads from /metrics, summed over label sets (empty when the
    service could not answer three times: the run's other figures still print)."""
    for attempt in range(3):
        try:
            text = urllib.request.urlopen(f"{base}/metrics", timeout=60).read().decode()
            break
        except OSError as exc:
            print(f"  /metrics failed ({exc}); see the service log", flush=True)
            time.sleep(2 * attempt + 1)
    else:
        return {}
    wanted: dict[str, float] = {}
    for line in text.splitlines():
        match = re.match(r"(zonefeed_(?:fetches_total|render_seconds_(?:sum|count|bucket)|stories))"
                         r"(\{[^}]*\})? ([0-9.e+-]+|\+Inf)$", line)
        if not match:
            continue
        name, labels, value = match.groups()
        if name == "zonefeed_render_seconds_bucket":
            name += re.search(r'le="([^"]+)"', labels).group(1)
        elif name == "zonefeed_fetches_total":
            name += ":" + re.search(r'outcome="([^"]+)"', labels).group(1)
        wanted[name] = wanted.get(name, 0.0) + float(value)
    return wanted


def client(bases: list[str], paths: list[str], rate: float, seconds: float, out: multiprocessing.Queue) -> None:
    """Feed readers: `rate` conditional GETs per second over 4 threads, a connection each."""
    results: list[tuple[float, float, int, bool]] = []
    lock = threading.Lock()
    started = time.monotonic()

    def reader(n: int) -> None:
        validators: dict[tuple[str, str], dict[str, str]] = {}
        pick = random.Random(n)
        step, due = 4 / rate, started + n / rate
        while due < started + seconds:
            time.sleep(max(0.0, due - time.monotonic()))
            base, path = pick.choice(bases), pick.choice(paths)
            host, port = urlsplit(base).hostname, urlsplit(base).port
            begin = time.monotonic()
            try:
                conn = http.client.HTTPConnection(host, port, timeout=30)
                conn.request("GET", path, headers={"Accept-Encoding": "gzip", **validators.get((base, path), {})})
                response = conn.getresponse()
                response.read()
                status = response.status
                if status == 200:
                    validators[(base, path)] = {k: v for k, v in (
                        ("If-None-Match", response.getheader("ETag")),
                        ("If-Modified-Since", response.getheader("Last-Modified"))) if v}
                conn.close()
            except OSError:
                status = 0
            with lock:
                results.append((begin - started, time.monotonic() - begin, status, "?" in path))
            due += step

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put(results)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def lateness(polls: dict, run_started: float, interval: int) -> dict[str, float]:
    """Gaps between consecutive polls of each healthy site, both inside the run, in intervals;
    plus sites whose last poll is already older than 1.2 intervals at the end."""
    gaps, stuck = [], 0
    for site in polls["sites"]:
        if site["failing"]:
            continue
        times = [t for t in site["polls"] if t >= run_started]
        gaps += [(b - a) / interval for a, b in zip(times, times[1:], strict=False)]
        if times and polls["now"] - times[-1] > 1.2 * interval:
            stuck += 1
    late = [g for g in gaps if g > 1.2]
    return {"gaps": len(gaps), "p50": percentile(gaps, 0.5), "p99": percentile(gaps, 0.99),
            "max": max(gaps, default=float("nan")), "late": len(late), "stuck": stuck}


def _get(url: str) -> object:
    return json.loads(urllib.request.urlopen(url, timeout=60).read())


def story_cost(config: Path, site_web: dict, log: Path) -> tuple[float, float]:
    """CPU seconds of `collect --source` of one feed site with one new item, and with nothing
    new: the difference is what one new story costs (fetch, ingest, render), measured in CPU
    time, so the machine's load and the collect's nice level do not inflate it."""
    index, site = next((n, s) for n, s in enumerate(site_web["sites"])
                       if s["kind"] == "feed" and not s["slow"] and not s["failing"])
    source = ["--source", site["id"]]
    _get(f"{site_web['control']}/news/{index}")
    with_story = service_command(config, "collect", log, source)[1]
    without = service_command(config, "collect", log, source)[1]
    return with_story, without


def one_size(count: int, args: argparse.Namespace, workdir: Path) -> dict:
    interval = args.interval or max(10, round(args.minutes * 60 / 3))
    key = fill_key(args, count) if args.fills else ""
    restore = bool(args.fills) and fill_saved(args.url, args.fills, key)
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "service.log"
    with web(count, args.items, args.new_share, args.seed, args.base_port if args.fills else 0) as (web_proc, site_web), \
            contextlib.ExitStack() as stack:
        started = time.perf_counter()
        storage_url = stack.enter_context(
            storage(args.url, workdir, f"zf_fill_{key}" if restore and args.url != "sqlite" else None))
        config = write_config(workdir, storage_url, site_web["sites"], interval)
        if restore:
            restore_fill(args.url, storage_url, workdir, args.fills, key)
            print(f"  restored the fill {args.fills / key} instead of a cold collect: "
                  f"{time.perf_counter() - started:.1f} s (database and data dir)", flush=True)
            warm = None
        else:
            warm = service_command(config, "collect", log)
            print(f"  cold collect (warm-up): {warm[0]:.0f} s wall, {warm[1]:.0f} s CPU", flush=True)
            if args.fills:
                took = save_fill(args.url, storage_url, workdir, args.fills, key)
                print(f"  fill saved as {args.fills / key} in {took:.1f} s", flush=True)
        base_line = service_command(config, "collect", log)
        print(f"  second collect (baseline, {count} polls): {base_line[0]:.1f} s wall, {base_line[1]:.1f} s CPU"
              f" = {base_line[1] / count * 1000:.1f} ms CPU per poll", flush=True)
        spread_schedule(storage_url, interval)
        size_before = db_bytes(storage_url)
        nodes = [subprocess.Popen([sys.executable, str(ROOT / "service.py"), "--config", str(config), "run"],
                                  cwd=ROOT, stdout=subprocess.PIPE, stderr=log.open("a"), text=True)
                 for _ in range(args.nodes)]
        try:
            bases = []
            for node in nodes:
                line = node.stdout.readline()
                match = re.search(r"serving (http://\S+?)/ ", line)
                if not match:
                    raise SystemExit(f"a node failed to start: {line!r}; see {log}")
                bases.append(match.group(1))
            web_control = site_web["control"]
            _get(f"{web_control}/mark")
            run_started = _get(f"{web_control}/polls")["now"]
            before = [scrape(b) for b in bases]
            sampler = TreeSampler([n.pid for n in nodes])
            cpu0, _, _ = sampler.sample()
            seconds = args.minutes * 60
            feeds = ["all"] + [f"p{n}" for n in range(len(PROVINCES))]
            paths = [f"/feeds/{f}.{ext}" for f in feeds for ext in ("atom", "rss", "json")]
            paths += ["/feeds/all.atom?limit=20", "/feeds/p0.rss?q=%E9%A1%B9%E7%9B%AE"]  # ?q=项目
            results: multiprocessing.Queue = multiprocessing.Queue()
            reader = multiprocessing.Process(target=client, args=(bases, paths, args.client_rate, seconds, results))
            wall0 = time.monotonic()
            reader.start()
            peak_rss, peak_pss, backlog, windows, last = 0.0, 0.0, 0, [], (wall0, cpu0)
            while time.monotonic() < wall0 + seconds:
                time.sleep(5)
                cpu, rss, pss = sampler.sample()
                peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
                now = time.monotonic()
                if now - last[0] >= 30:
                    windows.append((cpu - last[1]) / (now - last[0]) / CORES)
                    last = (now, cpu)
                with contextlib.suppress(Exception):
                    backlog = max(backlog, overdue(storage_url, interval))
            cpu, rss, pss = sampler.sample()
            wall = time.monotonic() - wall0
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            client_results = results.get(timeout=120)
            reader.join()
            after = [scrape(b) for b in bases]
            polls = _get(f"{web_control}/polls")
            web_stats = _get(f"{web_control}/stats")
        finally:
            for node in nodes:
                node.send_signal(signal.SIGINT)
            for node in nodes:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    node.wait(60)
        size_after = db_bytes(storage_url)
        one_story = story_cost(config, site_web, log)
        kept = Path(tempfile.gettempdir()) / f"zf-steady-{args.url.split(':')[0]}-{args.nodes}n-{count}.log"
        kept.write_bytes(log.read_bytes())
        print(f"  service log kept in {kept}", flush=True)

    def delta(key: str) -> float:
        return sum(a.get(key, 0.0) - b.get(key, 0.0) for a, b in zip(after, before, strict=True))

    fetches = sum(delta(k) for k in after[0] if k.startswith("zonefeed_fetches_total")) or float(
        web_stats.get("front_200", 0) + web_stats.get("front_304", 0) + web_stats.get("failed", 0))
    renders = delta("zonefeed_render_seconds_count")
    buckets = sorted((float(k.removeprefix("zonefeed_render_seconds_bucket")), delta(k))
                     for k in after[0] if k.startswith("zonefeed_render_seconds_bucket"))
    render_p99 = next((le for le, n in buckets if n >= 0.99 * renders), float("nan")) if renders else 0.0
    latencies = [r[1] for r in client_results]
    plain = [r[1] for r in client_results if not r[3]]
    views = [r[1] for r in client_results if r[3]]
    per_window: dict[int, list[float]] = {}
    for at, took, _, _ in client_results:  # "throughout": every request, views included
        per_window.setdefault(int(at // 30), []).append(took)
    statuses: dict[int, int] = {}
    for _, _, status, _ in client_results:
        statuses[status] = statuses.get(status, 0) + 1
    log_text = log.read_text(errors="replace")
    return {
        "sources": count, "interval": interval, "wall": wall, "cpu": cpu - cpu0,
        "cpu_share": (cpu - cpu0) / wall / CORES, "cpu_share_peak30": max(windows, default=float("nan")),
        "rss": peak_rss, "pss": peak_pss, "polls": fetches, "polls_s": fetches / wall,
        "web_front": web_stats.get("front_200", 0) + web_stats.get("front_304", 0),
        "new_items": web_stats.get("new_items", 0), "new_share": args.new_share,
        "renders": renders, "render_mean": delta("zonefeed_render_seconds_sum") / renders if renders else 0.0,
        "render_p99": render_p99, "render_sum": delta("zonefeed_render_seconds_sum"),
        "renders_quick": delta("zonefeed_render_seconds_bucket0.05"),
        "stories": (before[0].get("zonefeed_stories", 0), after[0].get("zonefeed_stories", 0)),
        "db": (size_before, size_after),
        "client": len(latencies), "statuses": statuses, "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99), "p99_plain": percentile(plain, 0.99),
        "p50_view": percentile(views, 0.5), "p99_view": percentile(views, 0.99),
        "p99_worst30": max((percentile(v, 0.99) for v in per_window.values()), default=float("nan")),
        "late": lateness(polls, run_started, interval), "backlog": backlog,
        "baseline_ms": base_line[1] / count * 1000, "warm": warm,
        "errors": log_text.count("level=ERROR"), "one_story": one_story,
    }


def report(r: dict) -> None:
    k = REAL_INTERVAL / r["interval"]
    real_rate = r["sources"] / REAL_INTERVAL
    per_poll = r["cpu"] / max(1, r["polls"])
    late = r["late"]
    (s0, s1), (b0, b1) = r["stories"], r["db"]
    print(f"  interval {r['interval']} s = {k:.0f}x the rate of a 30-min interval "
          f"({r['sources'] / r['interval']:.1f} polls/s wanted vs {real_rate:.1f} at 30 min)")
    print(f"  CPU: {r['cpu']:.0f} s over {r['wall']:.0f} s = {r['cpu_share'] * 100:.1f} % of {CORES} cores "
          f"(worst 30 s: {r['cpu_share_peak30'] * 100:.1f} %); {per_poll * 1000:.1f} ms per poll "
          f"(baseline: one-shot collect {r['baseline_ms']:.1f} ms per poll)")
    # At the real rate a new story comes every 1 / (2 % x polls/s) seconds, longer than the 2 s
    # render debounce, so each gets a render of its own; compressed runs batch several per render.
    slow = r["renders"] - r["renders_quick"]
    per_render = r["render_sum"] / slow if slow else 0.0  # wall, an upper bound of its CPU
    polling = max(0.0, r["cpu"] - r["render_sum"]) / max(1, r["polls"])
    real_share = (polling * real_rate + per_render * real_rate * r["new_share"]) / CORES
    print(f"  at the 30-min rate: {per_poll * real_rate / CORES * 100:.1f} % of {CORES} cores by CPU per poll; "
          f"{real_share * 100:.1f} % counting one render per new story ({slow:.0f} renders over 50 ms, "
          f"<= {per_render * 1000:.0f} ms each, x {real_rate * r['new_share']:.3f} new stories/s)")
    print(f"  peak memory of the tree: RSS {r['rss']:.0f} MB summed, PSS {r['pss']:.0f} MB; polls {r['polls']:.0f} = {r['polls_s']:.1f}/s "
          f"(web saw {r['web_front']} front requests, {r['new_items']} new items)")
    print(f"  renders {r['renders']:.0f}, mean {r['render_mean'] * 1000:.0f} ms, p99 <= {r['render_p99']} s")
    print(f"  one new story alone (collect --source, CPU): {r['one_story'][0]:.2f} s vs {r['one_story'][1]:.2f} s "
          f"with nothing new: {r['one_story'][0] - r['one_story'][1]:.2f} s for ingest + render")
    print(f"  stories {s0:.0f} -> {s1:.0f}; database {b0 / 2**20:.1f} -> {b1 / 2**20:.1f} MB "
          f"(+{(b1 - b0) / 2**20:.1f} MB)")
    print(f"  feed polls {r['client']} {r['statuses']}: p50 {r['p50'] * 1000:.1f} ms, p99 {r['p99'] * 1000:.1f} ms, "
          f"worst 30 s p99 {r['p99_worst30'] * 1000:.1f} ms; plain feed URLs p99 {r['p99_plain'] * 1000:.1f} ms, "
          f"?limit/?q views (the front, from its store connection) p50 {r['p50_view'] * 1000:.1f} ms, "
          f"p99 {r['p99_view'] * 1000:.1f} ms")
    print(f"  poll gaps / interval ({late['gaps']} gaps): p50 {late['p50']:.3f}, p99 {late['p99']:.3f}, "
          f"max {late['max']:.3f}; late > 10 % (gap > 1.2) {late['late']}, overdue at end {late['stuck']}, "
          f"most overdue at once in the store {r['backlog']}; service log ERROR lines {r['errors']}", flush=True)


def _per_new(r: dict) -> float:
    """Render seconds per new story the web handed out."""
    return r["render_sum"] / r["new_items"] if r["new_items"] else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, nargs="+", default=[500, 2000, 5000])
    parser.add_argument("--minutes", type=float, default=6.0, help="measured window of each run")
    parser.add_argument("--interval", type=int, default=0, help="poll interval, s (default: minutes*60/3)")
    parser.add_argument("--url", default="sqlite", help="sqlite, or a PostgreSQL URL to CREATE DATABASE in")
    parser.add_argument("--nodes", type=int, default=1, help="`run` processes sharing the store")
    parser.add_argument("--items", type=int, default=8, help="items per site's front page")
    parser.add_argument("--new-share", type=float, default=0.02, help="share of polls bringing a new item")
    parser.add_argument("--client-rate", type=float, default=20.0, help="feed polls per second")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fills", type=Path, help="keep the filled store here after the cold collect; "
                        "restore it instead of the cold collect when one with the same key is kept")
    parser.add_argument("--base-port", type=int, default=20000, help="with --fills: site k on this port + k")
    args = parser.parse_args()
    if args.nodes > 1 and args.url == "sqlite":
        parser.error("several nodes need --url postgresql://…")
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average {os.getloadavg()[0]:.2f}; backend "
          f"{args.url.split(':')[0]}, {args.nodes} node(s); {args.minutes:g} min per run; client "
          f"{args.client_rate:g} feed polls/s", flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for count in args.sources:
            print(f"{count} sources:", flush=True)
            # with --fills, one path from run to run: data_dir is in the config the render state is stamped with
            workdir = Path(tempfile.gettempdir()) / f"zf-steady-{fill_key(args, count)}" if args.fills else Path(tmp) / str(count)
            shutil.rmtree(workdir, ignore_errors=True)
            try:
                rows.append(one_size(count, args, workdir))
            finally:
                if args.fills:
                    shutil.rmtree(workdir, ignore_errors=True)
            report(rows[-1])
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    # render_ms: mean per render; a render's work follows the stories it publishes, and the
    # debounce gives every size about as many renders, so the total per new story is the
    # figure that says whether rendering keeps up with the change
    print("sources  cpu%  ms/poll  rssMB  pssMB  polls/s  p50ms  p99ms  render_ms  render_s  ms/new  +dbMB  late  backlog")
    for r in rows:
        print(f"{r['sources']:7d} {r['cpu_share'] * 100:5.1f} {r['cpu'] / max(1, r['polls']) * 1000:8.2f} "
              f"{r['rss']:6.0f} {r['pss']:6.0f} {r['polls_s']:8.1f} {r['p50'] * 1000:6.1f} {r['p99'] * 1000:6.1f} "
              f"{r['render_mean'] * 1000:10.0f} {r['render_sum']:9.1f} {_per_new(r) * 1000:7.0f} "
              f"{(r['db'][1] - r['db'][0]) / 2**20:6.1f} {r['late']['late']:5d} {r['backlog']:8d}")
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        scale = last["sources"] / first["sources"]
        print(f"cost {first['sources']} -> {last['sources']} sources (x{scale:g}; linear = x{scale:g}): "
              f"CPU x{last['cpu'] / first['cpu']:.2f}, CPU per poll x"
              f"{(last['cpu'] / last['polls']) / (first['cpu'] / first['polls']):.2f}, RSS x{last['rss'] / first['rss']:.2f}, "
              f"render mean x{last['render_mean'] / first['render_mean'] if first['render_mean'] else float('nan'):.2f}, "
              f"render total x{last['render_sum'] / first['render_sum'] if first['render_sum'] else float('nan'):.2f} "
              f"(new stories x{last['new_items'] / max(1, first['new_items']):.2f}; per new story "
              f"x{_per_new(last) / _per_new(first) if _per_new(first) else float('nan'):.2f}), "
              f"db growth x{(last['db'][1] - last['db'][0]) / max(1, first['db'][1] - first['db'][0]):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
