"""A loopback web of many small news sites, for bench/collect.py (run as its own process).

Each site listens on its own 127.0.0.1 port (a distinct host for per-host politeness) and is
either an RSS feed or an HTML list page; both link 20 article pages. Every response waits
`latency` seconds first, like a distant server. ETag/If-None-Match give 304s. Counts of
requests and body bytes per kind are served at <control>/stats and cleared by <control>/reset.

Run: python bench/loopback_web.py SITES HTML_SHARE LATENCY   (prints one JSON line, then serves
until its standard input closes).
"""

from __future__ import annotations

import hashlib
import json
import socket
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ITEMS = 20
_PARAGRAPH = "开发区管委会召开专题会议，研究部署重点项目建设、招商引资和营商环境优化工作，要求各部门压实责任、加快进度。"


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: Counter[str] = Counter()
        self.bytes: Counter[str] = Counter()

    def add(self, kind: str, size: int) -> None:
        with self.lock:
            self.requests[kind] += 1
            self.bytes[kind] += size

    def snapshot(self) -> dict[str, dict[str, int]]:
        with self.lock:
            return {"requests": dict(self.requests), "bytes": dict(self.bytes)}

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.bytes.clear()


def title(site: int, item: int) -> str:
    return f"第{site}号园区新闻：重点项目签约仪式第{item}场顺利举行"


def date(item: int) -> str:
    return f"2024-05-{item % 28 + 1:02d} {8 + item % 10:02d}:30"


def feed(site: int) -> bytes:
    items = "".join(
        f"<item><title>{title(site, n)}</title><link>/art/{n}.html</link>"
        f"<guid isPermaLink=\"false\">site{site}-{n}</guid><pubDate>{date(n)}:00</pubDate>"
        f"<description>&lt;p&gt;{_PARAGRAPH * 3}&lt;/p&gt;</description></item>"
        for n in range(ITEMS)
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>园区{site}</title><link>/</link><description>d</description>{items}</channel></rss>"
            ).encode()


def list_page(site: int) -> bytes:
    rows = "".join(
        f'<li><a href="/art/{n}.html" target="_blank">{title(site, n)}</a><span>{date(n)[:10]}</span></li>'
        for n in range(ITEMS)
    )
    nav = "".join(f'<a href="/col/{n}/">栏目{n}</a>' for n in range(12))
    return (f'<html><head><meta charset="utf-8"><title>园区{site} 新闻动态</title></head><body>'
            f'<div class="nav">{nav}</div><div class="main"><h2>新闻动态</h2>'
            f'<ul class="news-list">{rows}</ul></div><div class="footer">版权所有 园区{site}</div>'
            f"</body></html>").encode()


def article(site: int, item: int) -> bytes:
    body = "".join(f"<p>{_PARAGRAPH}（{k}）</p>" for k in range(8))
    return (f'<html><head><meta charset="utf-8"><title>{title(site, item)}_园区{site}</title>'
            f'<meta name="ArticleTitle" content="{title(site, item)}">'
            f'<meta name="PubDate" content="{date(item)}"><meta name="ContentSource" content="园区{site}">'
            f'</head><body><div class="nav"><a href="/">首页</a><a href="/news/">新闻</a></div>'
            f'<div class="article"><h1>{title(site, item)}</h1>'
            f'<div class="info">来源：园区{site} 发布时间：{date(item)}</div>'
            f'<div class="content">{body}</div></div><div class="footer">版权所有</div>'
            f"</body></html>").encode()


def site_handler(site: int, kind: str, latency: float, stats: Stats) -> type[BaseHTTPRequestHandler]:
    pages = {"/feed.xml" if kind == "feed" else "/list.html": feed(site) if kind == "feed" else list_page(site)}
    pages.update({f"/art/{n}.html": article(site, n) for n in range(ITEMS)})
    etags = {path: '"' + hashlib.sha1(body).hexdigest()[:16] + '"' for path, body in pages.items()}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in two writes: without this, Nagle + delayed ACK add 40 ms.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:
            time.sleep(latency)
            path = self.path.split("?")[0]
            body = pages.get(path)
            what = ("robots" if path == "/robots.txt" else "article" if path.startswith("/art/")
                    else "source" if body is not None else "other")
            if body is None:
                self._send(404, b"not found", "text/plain", what)
            elif self.headers.get("If-None-Match") == etags[path]:
                self._send(304, b"", "", what, etags[path])
            else:
                content_type = "application/rss+xml" if path.endswith(".xml") else "text/html; charset=utf-8"
                self._send(200, body, content_type, what, etags[path])

        def _send(self, status: int, body: bytes, content_type: str, what: str, etag: str = "") -> None:
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            if etag:
                self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            stats.add(what, len(body))

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def control_handler(stats: Stats) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/reset":
                stats.reset()
            body = json.dumps(stats.snapshot()).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def serve(sites: int, html_share: float, latency: float) -> None:
    stats = Stats()
    html_sites = round(sites * html_share)
    listing = []
    for site in range(sites):
        kind = "html" if site < html_sites else "feed"
        server = ThreadingHTTPServer(("127.0.0.1", 0), site_handler(site, kind, latency, stats))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        listing.append({"id": f"site{site:03d}", "kind": kind,
                        "url": base + ("/list.html" if kind == "html" else "/feed.xml")})
    control = ThreadingHTTPServer(("127.0.0.1", 0), control_handler(stats))
    threading.Thread(target=control.serve_forever, daemon=True).start()
    print(json.dumps({"sites": listing, "control": f"http://127.0.0.1:{control.server_address[1]}"}),
          flush=True)
    sys.stdin.read()  # the bench closes our stdin when it is done (or dies)


if __name__ == "__main__":
    serve(int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]))
