"""Requests/s of the embedded feed server vs nginx serving the same static export, same run.

    .venv/bin/python bench/serve.py [--seconds 3] [--rounds 3] [--connections 32] [--stories 150]

Both servers answer the same feed file (RSS, ~100 entries): a plain 200 with gzip and a
conditional request that gets 304. nginx is started here on a free port with README's config
block (foreground, gzip_static, stopped at the end); load comes from wrk. Target: the
embedded server's 304s reach at least 50% of nginx's.
"""

from __future__ import annotations

import argparse
import http.client
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.nginx import free_port, start_nginx  # noqa: E402
from feeds.build import build_feeds  # noqa: E402
from feeds.server import StaticSite, make_server  # noqa: E402
from items.ingest import ingest  # noqa: E402
from model.stories import Appearance  # noqa: E402
from settings import load_config  # noqa: E402
from store import open_store  # noqa: E402

FEED_PATH = "/feeds/all.rss"


def main() -> int:
    args = _arguments()
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            print(f"{tool} not found (apt-get install {tool})", file=sys.stderr)
            return 2
    with tempfile.TemporaryDirectory(prefix="zonefeed-bench-") as temp:
        temp_dir = Path(temp)
        public = _export(temp_dir, args.stories)
        size = (public / FEED_PATH.lstrip("/")).stat().st_size
        print(f"feed {FEED_PATH}: {size / 1024:.0f} KB, wrk {args.connections} connections, "
              f"{args.seconds} s per run")
        server = make_server("127.0.0.1", 0, StaticSite(public))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        # nginx as deployed (one worker per core) and with one worker, like our one process.
        nginx_ports = {"nginx": free_port(), "nginx-1w": free_port()}
        nginxes = [start_nginx(temp_dir / name, public, port, workers="auto" if name == "nginx" else "1")
                   for name, port in nginx_ports.items()]
        ports = {"embedded": server.server_address[1], **nginx_ports}
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in ports}
        try:
            # Alternate the servers round by round, so load from elsewhere hits both alike.
            for _ in range(args.rounds):
                for name, port in ports.items():
                    runs[name].append(_measure(port, args))
        finally:
            for nginx in nginxes:
                nginx.terminate()
                nginx.wait(timeout=10)
            server.shutdown()
            server.server_close()
    results = {name: (statistics.median(r[0] for r in measured), statistics.median(r[1] for r in measured))
               for name, measured in runs.items()}
    print(f"median of {args.rounds} alternating rounds")
    print(f"{'server':<10} {'200 gzip req/s':>15} {'304 req/s':>12}")
    for name, (ok, not_modified) in results.items():
        print(f"{name:<10} {ok:>15,.0f} {not_modified:>12,.0f}")
    for name in nginx_ports:
        ratio_200 = results["embedded"][0] / results[name][0]
        ratio_304 = results["embedded"][1] / results[name][1]
        print(f"embedded/{name}: 200 {ratio_200:.0%}, 304 {ratio_304:.0%} (target for 304: >= 50%)")
    return 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--stories", type=int, default=150)
    return parser.parse_args()


def _export(temp_dir: Path, stories: int) -> Path:
    """A realistic static export: stories with Chinese text rendered by the real build."""
    config_path = temp_dir / "config.toml"
    config_path.write_text(textwrap.dedent(f"""
        [service]
        data_dir = "{temp_dir / 'data'}"
        [storage]
        url = "sqlite:///{temp_dir / 'data' / 'zonefeed.db'}"
        [[sources]]
        id = "kfq"
        name = "万州经开区"
        kind = "feed"
        url = "http://kfq.example/rss.xml"
        region = ["重庆市", "万州区"]
        """), encoding="utf-8")
    config = load_config(config_path)
    now = datetime(2026, 11, 20, tzinfo=UTC)
    paragraph = "经开区新引进项目12个，协议引资53亿元，涵盖装备制造、电子信息、新材料等领域。"
    appearances = [
        Appearance(source_id="kfq", item_key=str(n), url=f"http://kfq.example/news/{n}.html",
                   title=f"经开区第{n}批重点项目集中签约", published_at=now - timedelta(hours=n),
                   date_is_guess=False, content_html="<p>" + paragraph * 3 + "</p>",
                   summary=paragraph, regions=("重庆市",), tags=("开发区",))
        for n in range(stories)
    ]
    store = open_store(config.storage.url)
    try:
        with store.transaction() as tx:
            tx.sync_sources(config.sources)
            ingest(tx, appearances, now)
        build_feeds(config, store)
    finally:
        store.close()
    return config.service.data_dir / "public"


def _measure(port: int, args: argparse.Namespace) -> tuple[float, float]:
    url = f"http://127.0.0.1:{port}{FEED_PATH}"
    etag = _etag(port)
    ok = _wrk(url, args, ["-H", "Accept-Encoding: gzip"])
    not_modified = _wrk(url, args, ["-H", "Accept-Encoding: gzip", "-H", f"If-None-Match: {etag}"])
    return ok, not_modified


def _etag(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", FEED_PATH, headers={"Accept-Encoding": "gzip"})
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 200 or not response.getheader("ETag"):
        raise RuntimeError(f"bad response {response.status} from port {port}")
    return response.getheader("ETag")


def _wrk(url: str, args: argparse.Namespace, headers: list[str]) -> float:
    result = subprocess.run(["wrk", "-t1", f"-c{args.connections}", f"-d{args.seconds}s", *headers, url],
                            capture_output=True, text=True, check=True)
    if "Non-2xx or 3xx responses" in result.stdout:
        raise RuntimeError(f"errors under load:\n{result.stdout}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))


if __name__ == "__main__":
    sys.exit(main())
