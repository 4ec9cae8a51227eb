"""A loopback web of many news sites whose news keeps coming, for bench/steady.py (own process).

Each site listens on its own 127.0.0.1 port (its own host for per-host politeness), all on one
asyncio loop, so 5,000 sites cost one thread. The mix is what a national source list looks
like: RSS feeds (some summary-only, so the service reads the article page), Atom feeds and HTML
list pages whose articles are pages of their own. Every answer waits the site's latency
(50-200 ms, drawn per request around a per-site mean); 1 % of sites are slow (2-4 s; RSS with full text, so a
cold collect is not held by one slow host's spaced article reads) and 1 %
answer 500 on every request (the service backs those off).

News: each request for a site's front page (feed or list) first adds a new item with
probability `new_share`, so that share of polls brings a new story; one new story in twenty
reposts another site's recent one (a cross-post the dedupe must merge). Front pages carry an
ETag and Last-Modified and answer `304` to a matching If-None-Match (or, without one, an
If-Modified-Since not older than the last change).

The arrival time of every front-page request is kept per site: the gaps between them are the
service's real poll intervals (bench/steady.py reads them at <control>/polls). <control>/stats
has request counts, <control>/mark starts a new measuring window, <control>/news/N adds an item to site N now.

Run: python bench/steady_web.py SITES ITEMS NEW_SHARE SEED [BASE_PORT]   (prints one JSON line
listing the sites, then serves until its standard input closes). With BASE_PORT, site k listens on
BASE_PORT + k, so the site URLs are the same from run to run (bench/steady.py --fills); 0 (the
default) takes free ports. The sites, their kinds, latencies, initial items and ETags depend on
SEED alone; Last-Modified and the items' dates follow the clock at start.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from zoneinfo import ZoneInfo

from loopback_web import _PHRASES, _WORDS  # the same vocabulary as bench/collect.py's web

SHANGHAI = ZoneInfo("Asia/Shanghai")
KINDS = (("rss", 0.35), ("rss-summary", 0.10), ("atom", 0.20), ("html", 0.35))
PROVINCES = ("重庆市", "四川省", "江苏省", "浙江省", "广东省", "山东省", "河南省", "湖北省", "湖南省", "安徽省")


@dataclass
class Item:
    number: int
    title: str
    text: list[str]
    published: datetime


@dataclass
class Site:
    index: int
    kind: str
    latency: float  # mean seconds per answer
    failing: bool
    items: list[Item] = field(default_factory=list)
    changed: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    generation: int = 0
    polls: list[float] = field(default_factory=list)  # monotonic arrival time of each front request

    @property
    def front(self) -> str:
        return "/list.html" if self.kind == "html" else "/atom.xml" if self.kind == "atom" else "/feed.xml"

    @property
    def etag(self) -> str:
        return f'"s{self.index}-g{self.generation}"'


def _words(pick: random.Random, count: int) -> str:
    return "".join(pick.choices(_WORDS, k=count))


def new_item(site: int, number: int, published: datetime) -> Item:
    pick = random.Random(site * 100_003 + number)
    title = f"{PROVINCES[site % len(PROVINCES)][:2]}园区{site}{_words(pick, 4)}{pick.choice(_PHRASES)}"
    text = [f"{_words(pick, 9)}，{pick.choice(_PHRASES)}{_words(pick, 8)}{pick.randint(2, 98)}项。"
            for _ in range(6)]
    return Item(number, title, text, published)


class Web:
    def __init__(self, sites: int, items: int, new_share: float, seed: int):
        self.pick = random.Random(seed)
        self.items_per_site = items
        self.new_share = new_share
        self.stats: Counter[str] = Counter()
        self.recent: list[Item] = []  # new stories other sites may repost
        now = datetime.now(UTC).replace(microsecond=0)
        kinds = [kind for kind, share in KINDS for _ in range(round(share * 100))]
        self.sites = []
        for index in range(sites):
            slow, failing = index % 100 == 37, index % 100 == 71
            latency = self.pick.uniform(2.0, 4.0) if slow else self.pick.uniform(0.05, 0.2)
            kind = "rss" if slow else kinds[index * 37 % len(kinds)]  # slow html would hold the warm-up
            site = Site(index, kind, latency, failing)
            site.items = [new_item(index, n, now - timedelta(hours=3 * (items - n))) for n in range(items)]
            self.sites.append(site)

    # content -------------------------------------------------------------------------------
    def maybe_news(self, site: Site) -> None:
        if self.pick.random() >= self.new_share:
            return
        now = datetime.now(UTC).replace(microsecond=0)
        number = site.items[-1].number + 1
        if self.recent and self.pick.random() < 0.05:
            shared = self.pick.choice(self.recent)
            item = Item(number, shared.title, shared.text, now)
            self.stats["reposts"] += 1
        else:
            item = new_item(site.index, number, now)
            self.recent = (self.recent + [item])[-50:]
        site.items = (site.items + [item])[-self.items_per_site:]
        site.changed, site.generation = now, site.generation + 1
        self.stats["new_items"] += 1

    def front(self, site: Site) -> tuple[bytes, str]:
        if site.kind == "html":
            rows = "".join(f'<li><a href="/art/{i.number}.html">{i.title}</a>'
                           f"<span>{_local(i.published):%Y-%m-%d}</span></li>" for i in reversed(site.items))
            nav = "".join(f'<a href="/col/{n}/">栏目{n}</a>' for n in range(10))
            return (f'<html><head><meta charset="utf-8"><title>园区{site.index} 新闻动态</title></head><body>'
                    f'<div class="nav">{nav}</div><div class="main"><h2>新闻动态</h2>'
                    f'<ul class="news-list">{rows}</ul></div><div class="footer">版权所有 园区{site.index}</div>'
                    "</body></html>").encode(), "text/html; charset=utf-8"
        if site.kind == "atom":
            entries = "".join(
                f"<entry><id>urn:site{site.index}:{i.number}</id><title>{i.title}</title>"
                f'<link href="/art/{i.number}.html"/><updated>{i.published.isoformat()}</updated>'
                f'<content type="html">{"".join(f"&lt;p&gt;{p}&lt;/p&gt;" for p in i.text)}</content></entry>'
                for i in reversed(site.items))
            return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
                    f"<title>园区{site.index}</title><id>urn:site{site.index}</id>"
                    f"<updated>{site.changed.isoformat()}</updated>{entries}</feed>").encode(), \
                "application/atom+xml"
        summary = site.kind == "rss-summary"
        items = "".join(
            f"<item><title>{i.title}</title><link>/art/{i.number}.html</link>"
            f'<guid isPermaLink="false">site{site.index}-{i.number}</guid>'
            f"<pubDate>{format_datetime(i.published, usegmt=True)}</pubDate><description>"
            + (f"{i.text[0][:40]}……" if summary else "".join(f"&lt;p&gt;{p}&lt;/p&gt;" for p in i.text))
            + "</description></item>" for i in reversed(site.items))
        return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>园区{site.index}</title><link>/</link><description>d</description>{items}"
                "</channel></rss>").encode(), "application/rss+xml"

    def article(self, site: Site, number: int) -> bytes | None:
        item = next((i for i in site.items if i.number == number), None)
        if item is None:
            return None
        when = f"{_local(item.published):%Y-%m-%d %H:%M}"
        body = "".join(f"<p>{p}</p>" for p in item.text)
        return (f'<html><head><meta charset="utf-8"><title>{item.title}_园区{site.index}</title>'
                f'<meta name="ArticleTitle" content="{item.title}"><meta name="PubDate" content="{when}">'
                f'</head><body><div class="nav"><a href="/">首页</a></div><div class="article">'
                f'<h1>{item.title}</h1><div class="info">来源：园区{site.index} 发布时间：{when}</div>'
                f'<div class="content">{body}</div></div><div class="footer">版权所有</div></body></html>'
                ).encode()

    # HTTP ------------------------------------------------------------------------------------
    async def answer(self, site: Site, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1].split("?")[0]
                headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:] if x)}
                status, body, content_type, validators = await self._respond(site, path, headers)
                extra = "".join(f"{k}: {v}\r\n" for k, v in validators.items())
                writer.write((f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n{extra}"
                              f"Content-Length: {len(body)}\r\n\r\n").encode() + body)
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    break
        except (asyncio.IncompleteReadError, ConnectionError, IndexError):
            pass
        finally:
            writer.close()

    async def _respond(self, site: Site, path: str, headers: dict[str, str]) -> tuple[str, bytes, str, dict]:
        front = path == site.front
        if front:
            site.polls.append(time.monotonic())
        await asyncio.sleep(site.latency * self.pick.uniform(0.7, 1.3))
        if site.failing:
            self.stats["failed"] += 1
            return "500 Internal Server Error", b"busy", "text/plain", {}
        if path == "/robots.txt":
            self.stats["robots"] += 1
            return "404 Not Found", b"", "text/plain", {}
        if front:
            self.maybe_news(site)
            validators = {"ETag": site.etag, "Last-Modified": format_datetime(site.changed, usegmt=True)}
            if _fresh(headers, site):
                self.stats["front_304"] += 1
                return "304 Not Modified", b"", "text/plain", validators
            self.stats["front_200"] += 1
            body, content_type = self.front(site)
            return "200 OK", body, content_type, validators
        if path.startswith("/art/") and path.endswith(".html"):
            page = self.article(site, int(path[5:-5])) if path[5:-5].isdigit() else None
            if page is not None:
                self.stats["article"] += 1
                return "200 OK", page, "text/html; charset=utf-8", {}
        self.stats["other"] += 1
        return "404 Not Found", b"not found", "text/plain", {}

    async def control(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            path = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split(" ")[1]
            if path == "/mark":
                self.stats.clear()
            if path.startswith("/news/"):  # a new item on one site now
                share, self.new_share = self.new_share, 1.0
                self.maybe_news(self.sites[int(path[6:])])
                self.new_share = share
            payload: object = dict(self.stats)
            if path == "/polls":
                payload = {"now": time.monotonic(),
                           "sites": [{"kind": s.kind, "failing": s.failing, "slow": s.latency > 1,
                                      "polls": s.polls} for s in self.sites]}
            body = json.dumps(payload).encode()
            writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\n"
                         + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            await writer.drain()
        finally:
            writer.close()


def _fresh(headers: dict[str, str], site: Site) -> bool:
    """RFC 9110: If-None-Match decides when present; else If-Modified-Since."""
    if "if-none-match" in headers:
        return site.etag in headers["if-none-match"]
    since = headers.get("if-modified-since")
    if since:
        try:
            return parsedate_to_datetime(since) >= site.changed
        except (TypeError, ValueError):
            return False
    return False


def _local(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI)


async def main(sites: int, items: int, new_share: float, seed: int, base_port: int = 0) -> None:
    web = Web(sites, items, new_share, seed)
    listing = []
    for site in web.sites:
        server = await asyncio.start_server(lambda r, w, s=site: web.answer(s, r, w), "127.0.0.1",
                                            base_port + site.index if base_port else 0, backlog=64)
        port = server.sockets[0].getsockname()[1]
        listing.append({"id": f"site{site.index:05d}", "kind": "html" if site.kind == "html" else "feed",
                        "url": f"http://127.0.0.1:{port}{site.front}",
                        "region": PROVINCES[site.index % len(PROVINCES)],
                        "slow": site.latency > 1, "failing": site.failing})
    control = await asyncio.start_server(web.control, "127.0.0.1", 0)
    print(json.dumps({"sites": listing, "control": f"http://127.0.0.1:{control.sockets[0].getsockname()[1]}"}),
          flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until the bench closes it


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]),
                     int(sys.argv[5]) if len(sys.argv) > 5 else 0))
