"""PHPCMS: every page is `index.php?m=content&c=index&a=show&catid=1&id=N`; its RSS feed gives
only a cut summary (`……`) and declares DOCTYPE entities, one of which a title references."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from html import escape

from .base import Entry, Page, footer, html_page, nav, paragraphs_html, tools

NAME, KIND, HELD_OUT, DATE_ONLY, ENCODING = "phpcms", "feed", False, False, "utf-8"
SOURCE_PATH = "/index.php?m=content&c=rss&rssid=1"
DOCTYPE = ('<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM "file:///etc/hostname">\n<!ENTITY probe "&xxe;&xxe;">\n]>\n')


def article_path(number: int, when: datetime) -> str:
    return f"/index.php?m=content&c=index&a=show&catid=1&id={number}"


def summary(entry: Entry) -> str:
    return entry.paragraphs[0][:40] + "……"


def render(site_name: str, entries: list[Entry], base: str) -> dict[str, Page]:
    ordered = sorted(entries, key=lambda e: (e.published, e.number), reverse=True)
    items = []
    for i, e in enumerate(ordered[:20]):
        link = e.href if "://" in e.href else base + e.href
        title = escape(e.title) + ("&probe;" if i == 0 else "")
        items.append(f"<item><title>{title}</title><link>{escape(link)}</link><guid>{escape(link)}</guid>"
                     f"<description>{escape(summary(e))}</description>"
                     f"<pubDate>{format_datetime(e.published)}</pubDate></item>")
    feed = (f'<?xml version="1.0" encoding="utf-8"?>\n{DOCTYPE}<rss version="2.0"><channel><title>'
            f"{escape(site_name)}</title><link>{base}/</link><description>{escape(site_name)}</description>"
            f'{"".join(items)}</channel></rss>')
    pages = {SOURCE_PATH: Page(feed.encode("utf-8"), "application/xml")}
    for e in entries:
        credit = f"来源：{escape(e.credit)}" if e.credit else ""
        pages[e.path] = html_page(
            f'<html><head><meta charset="utf-8"><title>{escape(e.title)} - {escape(site_name)}</title></head><body>'
            f'{nav(site_name)}<div id="Article"><h1>{escape(e.title)}<br/><span>{e.published:%Y-%m-%d %H:%M:%S} '
            f'{credit} 评论：<a href="#comment_iframe" id="comment">0</a></span></h1><div class="content">'
            f"{paragraphs_html(e.paragraphs)}</div></div>{tools()}{footer(site_name)}</body></html>")
    return pages
