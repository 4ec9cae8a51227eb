"""WordPress: `/2023/09/27/post-12/` pages with og: metas, an RSS feed with full
`content:encoded` and `?p=N` GUIDs (a move of the site changes link and GUID)."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from html import escape

from .base import Entry, Page, footer, html_page, paragraphs_html

NAME, KIND, HELD_OUT, DATE_ONLY, ENCODING = "wordpress", "feed", False, False, "utf-8"
SOURCE_PATH = "/feed/"


def article_path(number: int, when: datetime) -> str:
    return f"/{when:%Y/%m/%d}/post-{number}/"


def render(site_name: str, entries: list[Entry], base: str) -> dict[str, Page]:
    ordered = sorted(entries, key=lambda e: (e.published, e.number), reverse=True)
    items = []
    for e in ordered[:20]:
        link = e.href if "://" in e.href else base + e.href
        origin = link[:link.index("/", 8)]
        body = paragraphs_html(e.paragraphs, indent=False)
        items.append(f"<item><title>{escape(e.title)}</title><link>{escape(link)}</link>"
                     f'<guid isPermaLink="false">{origin}/?p={e.number}</guid>'
                     f"<pubDate>{format_datetime(e.published)}</pubDate><dc:creator>admin</dc:creator>"
                     f"<description>{escape(e.paragraphs[0][:60])} [&#8230;]</description>"
                     f"<content:encoded><![CDATA[{body}]]></content:encoded></item>")
    feed = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:content='
            '"http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
            f"<title>{escape(site_name)}</title><link>{base}/</link><description>又一个WordPress站点</description>"
            f'<language>zh-CN</language>{"".join(items)}</channel></rss>')
    pages = {SOURCE_PATH: Page(feed.encode("utf-8"), "application/rss+xml; charset=UTF-8")}
    for e in entries:
        pages[e.path] = html_page(
            f'<html lang="zh-CN"><head><meta charset="UTF-8"><title>{escape(e.title)} &#8211; {escape(site_name)}'
            f'</title><meta property="og:title" content="{escape(e.title)}"><meta property="og:site_name" '
            f'content="{escape(site_name)}"><meta property="article:published_time" '
            f'content="{e.published.isoformat()}"></head><body><header><p class="site-title">{escape(site_name)}'
            f'</p></header><article><h1 class="entry-title">{escape(e.title)}</h1><div class="entry-meta">'
            f'<time datetime="{e.published.isoformat()}">{e.published:%Y年%m月%d日}</time></div>'
            f'<div class="entry-content">{paragraphs_html(e.paragraphs, indent=False)}</div></article>'
            f"{footer(site_name)}</body></html>")
    return pages
