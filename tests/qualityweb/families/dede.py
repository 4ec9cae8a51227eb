"""DedeCMS: GBK, `/a/2023/0927/12.html`, the page's `<h1>` is the site name and the article
title is in `<h2>` (and in `<title>` as `标题_站名`); neither list nor page states a date — it
is only in the URL; long articles continue at `12_2.html` (dede_pages)."""

from __future__ import annotations

from datetime import datetime
from html import escape

from .base import Entry, Page, chunks, footer, halves, html_page, paragraphs_html, tools

NAME, KIND, HELD_OUT, DATE_ONLY, ENCODING = "dede", "html", False, True, "gbk"
SOURCE_PATH = "/a/news/list_1_1.html"


def article_path(number: int, when: datetime) -> str:
    return f"/a/{when:%Y/%m%d}/{number}.html"


def _header(site_name: str) -> str:
    return (f'<div class="header"><h1><a href="/">{escape(site_name)}</a></h1><div class="nav"><a href="/">首页</a>'
            '<a href="/a/news/">新闻中心</a><a href="/a/zwgk/">政务公开</a></div></div>')


def render(site_name: str, entries: list[Entry], base: str) -> dict[str, Page]:
    pages: dict[str, Page] = {}
    lists = chunks(entries, 6)
    for i, items in enumerate(lists):
        rows = "".join(f'<li><a href="{escape(e.href)}" class="title">{escape(e.title)}</a></li>' for e in items)
        pager = f'<li><a href="list_1_{i + 2}.html">下一页</a></li>' if i + 1 < len(lists) else ""
        pages[f"/a/news/list_1_{i + 1}.html"] = html_page(
            f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"><title>新闻中心_'
            f"{escape(site_name)}</title></head><body>{_header(site_name)}<div class=\"listbox\"><ul class=\"e2\">"
            f'{rows}</ul></div><div class="dede_pages"><ul class="pagelist">{pager}</ul></div>'
            f"{footer(site_name)}</body></html>", ENCODING)
    for e in entries:
        parts = halves(e) if e.number % 3 == 0 and len(e.paragraphs) >= 3 else (e.paragraphs,)
        for n, paragraphs in enumerate(parts):
            path = e.path if n == 0 else e.path[:-5] + "_2.html"
            nxt = e.path.rsplit("/", 1)[1][:-5] + "_2.html"
            pager = (f'<div class="dede_pages"><ul class="pagelist"><li><a href="#">1</a></li><li><a href="{nxt}">2'
                     f'</a></li><li><a href="{nxt}">下一页</a></li></ul></div>' if len(parts) > 1 and n == 0 else "")
            credit = f"来源：{escape(e.credit)} " if e.credit else ""
            pages[path] = html_page(
                f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">'
                f"<title>{escape(e.title)}_{escape(site_name)}</title></head><body>{_header(site_name)}"
                f'<div class="viewbox"><div class="title"><h2>{escape(e.title)}</h2></div><div class="info">'
                f'<small>{credit}作者：admin 点击：<script src="/plus/count.php?aid={e.number}"></script>次</small>'
                f'</div><div class="content">{paragraphs_html(paragraphs)}</div>{pager}</div>{tools()}'
                f"{footer(site_name)}</body></html>", ENCODING)
    return pages
