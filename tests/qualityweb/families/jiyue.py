"""A province's 集约化 platform (Zhejiang/Guangdong style): `/art/2023/9/27/art_1229_12.html`,
a summary-only RSS feed (first paragraph cut with `...`), the page title only in `<title>`
with the platform's suffix and in the ArticleTitle meta."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from html import escape

from .base import Entry, Page, footer, html_page, nav, paragraphs_html, tools

NAME, KIND, HELD_OUT, DATE_ONLY, ENCODING = "jiyue", "feed", False, False, "utf-8"
SOURCE_PATH = "/rss/col1229.xml"


def article_path(number: int, when: datetime) -> str:
    return f"/art/{when.year}/{when.month}/{when.day}/art_1229_{number}.html"


def render(site_name: str, entries: list[Entry], base: str) -> dict[str, Page]:
    ordered = sorted(entries, key=lambda e: (e.published, e.number), reverse=True)
    items = "".join(
        f"<item><title>{escape(e.title)}</title><link>{escape(base + e.href)}</link>"
        f"<description>{escape(e.paragraphs[0][:50])}...</description>"
        f"<pubDate>{format_datetime(e.published)}</pubDate></item>" for e in ordered[:20])
    feed = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>' + escape(site_name)
            + f"</title><link>{base}/col/col1229/index.html</link><description>园区动态</description>{items}"
            "</channel></rss>")
    pages = {SOURCE_PATH: Page(feed.encode("utf-8"), "text/xml; charset=UTF-8")}
    for e in entries:
        credit = f"<span>来源：{escape(e.credit)}</span>" if e.credit else ""
        pages[e.path] = html_page(
            f'<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="{escape(e.title)}">'
            f'<meta name="PubDate" content="{e.published:%Y-%m-%d %H:%M}"><title>{escape(e.title)} - '
            f"{escape(site_name)} - 浙江政务服务网</title></head><body>{nav(site_name)}<div class=\"article\">"
            f'<div class="info"><span>发布日期：{e.published:%Y-%m-%d %H:%M}</span>{credit}</div>'
            f'<div id="zoom">{paragraphs_html(e.paragraphs)}</div></div>{tools()}{footer(site_name)}</body></html>')
    return pages
