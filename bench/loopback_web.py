"""A loopback web of many small news sites, for bench/collect.py (run as its own process).

Each site listens on its own 127.0.0.1 port (a distinct host for per-host politeness) and is
either an RSS feed or an HTML list page; both link 20 article pages. Every response waits
`latency` seconds first, like a distant server. ETag/If-None-Match give 304s. Counts of
requests and body bytes per kind are served at <control>/stats and cleared by <control>/reset.

Article texts are drawn per article (two stories, every 10th item, are reposted by every site,
so the dedupe has real merges to make); `same-text` gives every article one and the same text
instead, which makes each of the 4,000 items a near-duplicate candidate of every other (the
dedupe's worst case, the corpus of the first recorded runs).

Run: python bench/loopback_web.py SITES HTML_SHARE LATENCY [same-text]   (prints one JSON line,
then serves until its standard input closes).
"""

from __future__ import annotations

import hashlib
import json
import random
import socket
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ITEMS = 20
SHARED_EVERY = 10  # every 10th item of every site is one of two stories all sites repost
_PARAGRAPH = "开发区管委会召开专题会议，研究部署重点项目建设、招商引资和营商环境优化工作，要求各部门压实责任、加快进度。"
_COMMON = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产"
           "种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本"
           "去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或"
           "但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品"
           "式活设及管特件长求老头基资边流路级少图山统接知较将组见计别手角期根论运农指几九区强放决西被干做必战先回"
           "则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己"
           "美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空"
           "元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周"
           "委素技备半办青省列习响约支般史感劳便团往历市克何除消构府称太准精值号率族维划选标写存候亲快效院查江型眼")
_WORDS = [(lambda r: "".join(r.choice(_COMMON) for _ in range(r.choice((2, 2, 3)))))(random.Random(n))
          for n in range(4000)]
_PHRASES = ("高质量发展", "营商环境", "招商引资", "重点项目", "安全生产", "产业链", "科技创新", "开发区",
            "管委会", "年度目标", "民生实事", "绿色低碳")


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


def _shared(site: int, item: int, same_text: bool) -> int | None:
    """Which shared story this item reposts (None: the site's own story)."""
    return None if same_text or item % SHARED_EVERY else item // SHARED_EVERY


def title(site: int, item: int, same_text: bool = False) -> str:
    shared = _shared(site, item, same_text)
    if shared is not None:
        return f"全省开发区高质量发展推进会召开 部署第{shared + 1}阶段重点工作"
    if same_text:
        return f"第{site}号园区新闻：重点项目签约仪式第{item}场顺利举行"
    pick = random.Random(site * 1000 + item)
    return f"园区{site}{''.join(pick.choices(_WORDS, k=4))}{pick.choice(_PHRASES)}（第{item}期）"


def paragraphs(site: int, item: int, same_text: bool, count: int) -> list[str]:
    """The article's own text: words drawn per article, so two stories share no more than
    common phrases, as real news does; the shared stories carry one text on every site;
    `same_text` gives every article one text (the first corpus: every article a near-duplicate
    candidate of every other)."""
    if same_text:
        return [_PARAGRAPH] * count
    shared = _shared(site, item, same_text)
    pick = random.Random(-1 - shared if shared is not None else site * 1000 + item)
    return ["".join(pick.choices(_WORDS, k=9)) + f"，{pick.choice(_PHRASES)}"
            + "".join(pick.choices(_WORDS, k=8)) + f"{pick.randint(2, 98)}项。"
            for _ in range(count)]


def date(item: int) -> str:
    return f"2024-05-{item % 28 + 1:02d} {8 + item % 10:02d}:30"


def feed(site: int, same_text: bool) -> bytes:
    items = "".join(
        f"<item><title>{title(site, n, same_text)}</title><link>/art/{n}.html</link>"
        f"<guid isPermaLink=\"false\">site{site}-{n}</guid><pubDate>{date(n)}:00</pubDate>"
        f"<description>&lt;p&gt;{''.join(paragraphs(site, n, same_text, 3))}&lt;/p&gt;</description></item>"
        for n in range(ITEMS)
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>园区{site}</title><link>/</link><description>d</description>{items}</channel></rss>"
            ).encode()


def list_page(site: int, same_text: bool) -> bytes:
    rows = "".join(
        f'<li><a href="/art/{n}.html" target="_blank">{title(site, n, same_text)}</a>'
        f'<span>{date(n)[:10]}</span></li>'
        for n in range(ITEMS)
    )
    nav = "".join(f'<a href="/col/{n}/">栏目{n}</a>' for n in range(12))
    return (f'<html><head><meta charset="utf-8"><title>园区{site} 新闻动态</title></head><body>'
            f'<div class="nav">{nav}</div><div class="main"><h2>新闻动态</h2>'
            f'<ul class="news-list">{rows}</ul></div><div class="footer">版权所有 园区{site}</div>'
            f"</body></html>").encode()


def article(site: int, item: int, same_text: bool) -> bytes:
    body = "".join(f"<p>{text}（{k}）</p>" for k, text in enumerate(paragraphs(site, item, same_text, 8)))
    headline = title(site, item, same_text)
    return (f'<html><head><meta charset="utf-8"><title>{headline}_园区{site}</title>'
            f'<meta name="ArticleTitle" content="{headline}">'
            f'<meta name="PubDate" content="{date(item)}"><meta name="ContentSource" content="园区{site}">'
            f'</head><body><div class="nav"><a href="/">首页</a><a href="/news/">新闻</a></div>'
            f'<div class="article"><h1>{headline}</h1>'
            f'<div class="info">来源：园区{site} 发布时间：{date(item)}</div>'
            f'<div class="content">{body}</div></div><div class="footer">版权所有</div>'
            f"</body></html>").encode()


def site_handler(site: int, kind: str, latency: float, stats: Stats,
                 same_text: bool) -> type[BaseHTTPRequestHandler]:
    front = feed(site, same_text) if kind == "feed" else list_page(site, same_text)
    pages = {"/feed.xml" if kind == "feed" else "/list.html": front}
    pages.update({f"/art/{n}.html": article(site, n, same_text) for n in range(ITEMS)})
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


def serve(sites: int, html_share: float, latency: float, same_text: bool) -> None:
    stats = Stats()
    html_sites = round(sites * html_share)
    listing = []
    for site in range(sites):
        kind = "html" if site < html_sites else "feed"
        server = ThreadingHTTPServer(("127.0.0.1", 0), site_handler(site, kind, latency, stats, same_text))
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
    serve(int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4:] == ["same-text"])
