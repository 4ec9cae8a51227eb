"""The embedded feed server against nginx and the field's Python servers, and under a collect.

    .venv/bin/python bench/serve.py [--seconds 3] [--rounds 3] [--connections 32] [--stories 150]
                                    [--field-python /tmp/cmpvenv/bin/python] [--collect-sites 200]

1. Speed: every server answers the same feed file (RSS, ~150 entries) from the same static
   export: a plain 200 with gzip and a conditional request that gets 304 (req/s, and the
   304s' p99 latency from wrk --latency). nginx is started here on a free port with README's
   config block; with --field-python (a throwaway venv with aiohttp, uvicorn, httptools,
   uvloop and granian installed, never the project's), aiohttp's server, uvicorn+httptools and
   granian serve the same answers through bench/field_servers.py. Rounds alternate servers.
2. Robustness: the attacks of issue 13 against each server: 300 half-sent request heads (how
   fast a fresh poll is answered meanwhile, how many are still open 12 s later),
   `Content-Length: ²`, a NUL in the path, a raw UTF-8 query, and pipelining order with HEAD.
3. Under a collect: `service.py run` (server and scheduler in one process, as deployed)
   polls a loopback web of --collect-sites sites (bench/loopback_web.py) while wrk sends it
   conditional polls of a feed the collect does not change. Target: >= 20,000 304/s with
   p99 <= 20 ms on 2 cores.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.nginx import free_port, start_nginx  # noqa: E402
from feeds.build import build_feeds  # noqa: E402
from feeds.server import StaticSite, make_server  # noqa: E402
from items.ingest import ingest  # noqa: E402
from model.stories import Appearance  # noqa: E402
from settings import load_config  # noqa: E402
from store import open_store  # noqa: E402

FEED_PATH = "/feeds/all.rss"
QUIET_FEED = "/feeds/kfq.rss"  # the prefilled source's own feed: a collect of others leaves it as is
HALF_SENT = 300
FIELD = ("aiohttp", "uvicorn", "granian")


def main() -> int:
    args = _arguments()
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            print(f"{tool} not found (apt-get install {tool})", file=sys.stderr)
            return 2
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="zonefeed-bench-") as temp:
        temp_dir = Path(temp)
        config_path = _export(temp_dir, args.stories)
        public = temp_dir / "data" / "public"
        size = (public / FEED_PATH.lstrip("/")).stat().st_size
        print(f"feed {FEED_PATH}: {size / 1024:.0f} KB, wrk {args.connections} connections, "
              f"{args.seconds} s per run")
        if not args.only_collect:
            ports, stop = _start_servers(temp_dir, public, args.field_python)
            try:
                speed = _speed(ports, args)
                robustness = _robustness(ports)
            finally:
                stop()
            _print_speed(speed, args.rounds)
            _print_robustness(robustness)
        if args.collect_sites:
            _under_collect(config_path, temp_dir, args)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--stories", type=int, default=150)
    parser.add_argument("--field-python", help="a Python with aiohttp, uvicorn, httptools, uvloop, granian")
    parser.add_argument("--collect-sites", type=int, default=200, help="0: skip the under-collect run")
    parser.add_argument("--only-collect", action="store_true", help="skip the comparison, run only 3.")
    return parser.parse_args()


def _start_servers(temp_dir: Path, public: Path, field_python: str | None):
    """{name: port} of every server answering `public`, and a function that stops them all."""
    server = make_server("127.0.0.1", 0, StaticSite(public))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ports = {"embedded": server.server_address[1]}
    processes = []
    for name, workers in (("nginx", "auto"), ("nginx-1w", "1")):
        ports[name] = free_port()
        processes.append(start_nginx(temp_dir / name, public, ports[name], workers=workers))
    if field_python:
        environment = {**os.environ, "PUBLIC": str(public), "PYTHONPATH": str(ROOT)}
        for name in FIELD:
            ports[name] = free_port()
            if name == "granian":
                command = [str(Path(field_python).parent / "granian"), "--interface", "asgi", "--host",
                           "127.0.0.1", "--port", str(ports[name]), "--workers", "1", "--log-level",
                           "warning", "--no-access-log", "bench.field_servers:asgi_app"]
            else:
                command = [field_python, str(ROOT / "bench" / "field_servers.py"), name, str(public),
                           str(ports[name])]
            processes.append(subprocess.Popen(command, cwd=ROOT, env=environment,
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    for name, port in ports.items():
        _wait_for(port, name)

    def stop() -> None:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
        server.shutdown()
        server.server_close()

    return ports, stop


def _wait_for(port: int, name: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            _etag(port, FEED_PATH)
            return
        except (OSError, RuntimeError, http.client.HTTPException):
            time.sleep(0.2)
    raise RuntimeError(f"{name} did not start on port {port}")


def _export(temp_dir: Path, stories: int) -> Path:
    """A realistic static export (stories with Chinese text rendered by the real build); the config path."""
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
        enabled = false
        [[feeds]]
        id = "all"
        title = "全部"
        [[feeds]]
        id = "kfq"
        title = "万州经开区"
        sources = ["kfq"]
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
    return config_path


def _speed(ports: dict[str, int], args: argparse.Namespace) -> dict[str, list[tuple[float, float, float]]]:
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in ports}
    # Alternate the servers round by round, so load from elsewhere hits all alike.
    for _ in range(args.rounds):
        for name, port in ports.items():
            url = f"http://127.0.0.1:{port}{FEED_PATH}"
            etag = _etag(port, FEED_PATH)
            ok, _ = _wrk(url, args.connections, args.seconds, ["-H", "Accept-Encoding: gzip"])
            not_modified, p99 = _wrk(url, args.connections, args.seconds,
                                     ["-H", "Accept-Encoding: gzip", "-H", f"If-None-Match: {etag}"])
            runs[name].append((ok, not_modified, p99))
    return runs


def _print_speed(runs: dict[str, list[tuple[float, float, float]]], rounds: int) -> None:
    print(f"\nspeed, median of {rounds} alternating rounds")
    print(f"{'server':<10} {'200 gzip req/s':>15} {'304 req/s':>12} {'304 p99 ms':>11}")
    medians = {name: [statistics.median(r[i] for r in measured) for i in range(3)]
               for name, measured in runs.items()}
    for name, (ok, not_modified, p99) in medians.items():
        print(f"{name:<10} {ok:>15,.0f} {not_modified:>12,.0f} {p99:>11.2f}")
    for name in [n for n in medians if n != "embedded"]:
        print(f"embedded/{name}: 200 {medians['embedded'][0] / medians[name][0]:.0%}, "
              f"304 {medians['embedded'][1] / medians[name][1]:.0%}")


def _etag(port: int, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    if response.status != 200 or not response.getheader("ETag"):
        raise RuntimeError(f"bad response {response.status} from port {port}")
    return response.getheader("ETag")


def _wrk(url: str, connections: int, seconds: int, headers: list[str]) -> tuple[float, float]:
    """Requests/s and p99 latency in ms."""
    result = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", *headers, url],
                            capture_output=True, text=True, check=True)
    if "Non-2xx or 3xx responses" in result.stdout:
        raise RuntimeError(f"errors under load:\n{result.stdout}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", result.stdout).groups()
    return rate, float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _robustness(ports: dict[str, int]) -> dict[str, dict[str, str]]:
    """Each attack against each server; the half-sent floods run side by side to share the wait."""
    floods = {name: [_half_sent(port) for _ in range(HALF_SENT)] for name, port in ports.items()}
    results: dict[str, dict[str, str]] = {name: {} for name in ports}
    for name, port in ports.items():
        started = time.monotonic()
        status = _statuses(port, f"GET {FEED_PATH} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        results[name]["poll during flood"] = f"{status} in {(time.monotonic() - started) * 1000:.0f} ms"
    time.sleep(12)
    for name, socks in floods.items():
        results[name]["half-sent open after 12 s"] = f"{sum(_still_open(s) for s in socks)}/{len(socks)}"
        for sock in socks:
            sock.close()
    for name, port in ports.items():
        results[name]["Content-Length: ²"] = _statuses(
            port, "POST /feeds/all.rss HTTP/1.1\r\nHost: x\r\nContent-Length: ²\r\n\r\nab".encode())
        results[name]["NUL in path"] = _statuses(port, b"GET /feeds/a\x00b.rss HTTP/1.1\r\nHost: x\r\n\r\n")
        results[name]["raw UTF-8 query"] = _statuses(
            port, f"GET {FEED_PATH}?region=重庆市 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        etag = _etag(port, FEED_PATH)
        pipelined = (f"GET {FEED_PATH} HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nIf-None-Match: {etag}\r\n\r\n"
                     f"HEAD {FEED_PATH} HTTP/1.1\r\nHost: x\r\n\r\n"
                     f"GET /feeds/nope.rss HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").encode()
        results[name]["pipelined 304,HEAD,404"] = _statuses(port, pipelined)
    return results


def _half_sent(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(b"G")
    return sock


def _still_open(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        while data := sock.recv(65536):
            del data  # an answer (408) then the close is what we wait for
        return False
    except BlockingIOError:
        return True
    except OSError:
        return False


def _statuses(port: int, request: bytes) -> str:
    """The status codes answered, in order, or how the connection ended."""
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except TimeoutError:
            pass  # kept open: what came so far
        except ConnectionResetError:
            received += b" reset"
    codes = re.findall(rb"HTTP/1\.[01] (\d{3})", received)
    return ",".join(code.decode() for code in codes) or ("reset" if received.endswith(b"reset") else "closed, no answer")


def _print_robustness(results: dict[str, dict[str, str]]) -> None:
    checks = list(next(iter(results.values())))
    print(f"\nrobustness ({HALF_SENT} half-sent heads per server, then one request per check)")
    print(f"{'check':<26}" + "".join(f"{name:>16}" for name in results))
    for check in checks:
        print(f"{check:<26}" + "".join(f"{results[name][check]:>16}" for name in results))


def _under_collect(config_path: Path, temp_dir: Path, args: argparse.Namespace) -> None:
    """Conditional polls of `service.py run` with nothing to collect (the baseline), then of
    `service.py run` collecting from a loopback web, rounds alternating."""
    web = subprocess.Popen([sys.executable, str(ROOT / "bench" / "loopback_web.py"), str(args.collect_sites),
                            "0.25", "0.05"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
    seconds = max(args.seconds, 5)
    results: dict[str, list[tuple[float, float]]] = {"run, idle": [], "run, collecting": []}
    during = []
    try:
        layout = json.loads(web.stdout.readline())
        sources = "".join(f'\n[[sources]]\nid = "{s["id"]}"\nkind = "{s["kind"]}"\nurl = "{s["url"]}"\n'
                          for s in layout["sites"])
        idle = config_path.read_text(encoding="utf-8").replace("[[sources]]", "[server]\nport = 0\n[[sources]]", 1)
        config_path.write_text(idle, encoding="utf-8")
        collecting = config_path.with_name("collecting.toml")
        collecting.write_text(idle + sources, encoding="utf-8")
        database = temp_dir / "data" / "zonefeed.db"
        pristine = shutil.copy(database, temp_dir / "pristine.db")
        for _ in range(args.rounds):
            with _service(config_path) as base:
                results["run, idle"].append(_poll_quiet_feed(base, args.connections, seconds))
            _restore(database, pristine)  # every round a cold collect, into the prefilled store
            with _service(collecting) as base:
                started = _web_requests(layout["control"])
                while _web_requests(layout["control"]) < started + 50:  # the collect is under way
                    time.sleep(0.2)
                before = _web_requests(layout["control"])
                results["run, collecting"].append(_poll_quiet_feed(base, args.connections, seconds))
                during.append(_web_requests(layout["control"]) - before)
    finally:
        web.stdin.close()
        web.wait(timeout=30)
    print(f"\nunder a collect: {args.collect_sites} loopback sites (50 ms per answer), conditional polls of "
          f"{QUIET_FEED} for {seconds} s, median of {args.rounds} alternating rounds; the collect made "
          f"{statistics.median(during):.0f} requests during each wrk run")
    print(f"{'process':<20} {'304 req/s':>12} {'p99 ms':>8}")
    for name, measured in results.items():
        print(f"{name:<20} {statistics.median(r[0] for r in measured):>12,.0f} "
              f"{statistics.median(r[1] for r in measured):>8.2f}")
    rate = statistics.median(r[0] for r in results["run, collecting"])
    p99 = statistics.median(r[1] for r in results["run, collecting"])
    print(f"target >= 20,000 req/s and p99 <= 20 ms while collecting: "
          f"{'met' if rate >= 20_000 and p99 <= 20 else 'NOT met'}")


def _restore(database: Path, pristine: Path) -> None:
    for leftover in (database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copy(pristine, database)


@contextlib.contextmanager
def _service(config_path: Path) -> Iterator[str]:
    """`service.py run` on the config; its base URL until the block ends."""
    process = subprocess.Popen([sys.executable, str(ROOT / "service.py"), "--config", str(config_path),
                                "--log-level", "ERROR", "run"], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    try:
        yield re.search(r"serving (http://\S+?)/ ", process.stdout.readline()).group(1)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _poll_quiet_feed(base: str, connections: int, seconds: int) -> tuple[float, float]:
    etag = _etag(int(base.rsplit(":", 1)[1]), QUIET_FEED)
    return _wrk(f"{base}{QUIET_FEED}", connections, seconds,
                ["-H", "Accept-Encoding: gzip", "-H", f"If-None-Match: {etag}"])


def _web_requests(control: str) -> int:
    with urllib.request.urlopen(control + "/stats", timeout=10) as response:
        return sum(json.loads(response.read())["requests"].values())


if __name__ == "__main__":
    sys.exit(main())
