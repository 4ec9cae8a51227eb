"""Polls per second with 1, 2 and 3 `service.py run` nodes sharing one database.

Fixture sites on 127.0.0.1 answer after an artificial latency, and there are more sources per
interval than one node's workers can poll, so throughput is bounded by the nodes, not demand.
Each node count gets a fresh PostgreSQL schema (or SQLite file); polls are counted at the
fixture server over the same window after a warm-up. Prints figures and ratios vs 1 node.

    .venv/bin/python bench/scale.py [--url postgresql://127.0.0.1:5432/test] [--nodes 1 2 3]
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.filling import pg_schema  # noqa: E402
from sampleweb.server import LocalWeb  # noqa: E402


def feed(source: int) -> str:
    entries = "".join(
        f"<entry><id>s{source}-{n}</id><title>开发区新闻 {source}-{n}</title>"
        f'<link href="/news/{source}/{n}.html"/><updated>2026-11-2{n}T09:00:00+08:00</updated>'
        f'<content type="html">&lt;p&gt;园区 {source} 第 {n} 条&lt;/p&gt;</content></entry>'
        for n in range(1, 4)
    )
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>园区 {source}</title><id>urn:s{source}</id>"
            f"<updated>2026-11-23T09:00:00Z</updated>{entries}</feed>")


@contextlib.contextmanager
def fresh_storage(url: str, workdir: Path) -> Iterator[str]:
    if url.startswith("sqlite"):
        yield f"sqlite:///{workdir / f'{uuid.uuid4().hex}.db'}"
        return
    with pg_schema(url) as scoped:
        yield scoped


def write_config(workdir: Path, storage_url: str, web: LocalWeb, sources: int, interval: int) -> Path:
    body = [
        f'[service]\ndata_dir = "{workdir / "data"}"\nlog_level = "WARNING"\n',
        "[server]\nport = 0\n",
        f'[storage]\nurl = "{storage_url}"\n',
        "[fetch]\nmin_delay = 0\ntimeout = 10\nrespect_robots = false\nper_host_concurrency = 64\n",
    ]
    body += [f'[[sources]]\nid = "s{i}"\nkind = "feed"\ninterval = "{interval}s"\n'
             f'url = "{web.url(f"/s{i}/atom.xml")}"\n' for i in range(sources)]
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "config.toml"
    path.write_text("\n".join(body), encoding="utf-8")
    return path


def polls_per_second(nodes: int, args: argparse.Namespace, workdir: Path) -> float:
    with LocalWeb() as web, fresh_storage(args.url, workdir) as storage_url:
        for i in range(args.sources):
            web.add(f"/s{i}/atom.xml", feed(i), delay=args.latency)
        config = write_config(workdir, storage_url, web, args.sources, args.interval)
        procs = [subprocess.Popen([sys.executable, str(ROOT / "service.py"), "--config", str(config), "run"],
                                  cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
                 for _ in range(nodes)]
        try:
            for proc in procs:
                if "zonefeed serving" not in proc.stdout.readline():
                    raise SystemExit("a node failed to start")
            time.sleep(args.warmup)
            before = len(web.requests)
            time.sleep(args.seconds)
            return (len(web.requests) - before) / args.seconds
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGINT)
            for proc in procs:
                proc.wait(60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgresql://127.0.0.1:5432/test")
    parser.add_argument("--nodes", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--sources", type=int, default=240)
    parser.add_argument("--interval", type=int, default=3, help="poll interval of every source, s")
    parser.add_argument("--latency", type=float, default=0.5, help="fixture response delay, s")
    parser.add_argument("--warmup", type=float, default=12.0)
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    print(f"{args.sources} sources every {args.interval}s (demand {args.sources / args.interval:.1f} "
          f"polls/s), {args.latency * 1000:.0f} ms latency, backend {args.url.split(':')[0]}")
    rates: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for count in args.nodes:
            rates[count] = polls_per_second(count, args, Path(tmp) / f"n{count}")
            print(f"{count} node(s): {rates[count]:6.1f} polls/s", flush=True)
    base = rates[args.nodes[0]]
    print("ratios vs " + f"{args.nodes[0]} node: " +
          ", ".join(f"{n} nodes {rate / base:.2f}x" for n, rate in rates.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
