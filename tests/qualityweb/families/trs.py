"""TRS WCM: GB2312, `./202309/t20230927_12.html` links, createPageHTML list and article paging
(`t…_12_1.html` holds the second half), ArticleTitle/PubDate/ContentSource metas."""

from __future__ import annotations

from datetime import datetime
from html import escape

from .base import Entry, Page, chunks, footer, halves, html_page, nav, paragraphs_html, tools

NAME, KIND, HELD_OUT, DATE_ONLY, ENCODING = "trs", "html", False, False, "gb2312"
SOURCE_PATH = "/xwdt/index.html"


def article_path(number: int, when: datetime) -> str:
    return f"/xwdt/{when:%Y%m}/t{when:%Y%m%d}_{number}.html"


def split(entry: Entry) -> bool:
    return entry.number % 4 == 0 and len(entry.paragraphs) >= 3


def _list(site_name: str, items: list[Entry], page: int, pages: int) -> str:
    rows = "".join(f'<li><a href="{escape(_href(e))}" target="_blank" title="{escape(e.title)}">{escape(e.title)}</a>'
                   f"<span>{e.published:%Y-%m-%d}</span></li>" for e in items)
    return ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            f"<title>工作动态_{escape(site_name)}</title></head><body>{nav(site_name)}"
            '<div class="position">当前位置：<a href="/">首页</a> &gt; 工作动态</div>'
            f'<div class="list_main"><ul class="list">{rows}</ul><div class="page"><script type="text/javascript">'
            f'createPageHTML({pages}, {page}, "index", "html");</script></div></div>{footer(site_name)}</body></html>')


def _href(entry: Entry) -> str:
    return "." + entry.href[len("/xwdt"):] if entry.href.startswith("/xwdt/") else entry.href


def _article(site_name: str, e: Entry, paragraphs: tuple[str, ...], pager: str) -> str:
    stamp = f"{e.published:%Y-%m-%d %H:%M}"
    metas = (f'<meta name="ArticleTitle" content="{escape(e.title)}"><meta name="PubDate" content="{stamp}">'
             f'<meta name="ContentSource" content="{escape(e.credit)}">')
    return (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">{metas}'
            f"<title>{escape(e.title)}_{escape(site_name)}</title></head><body>{nav(site_name)}"
            f'<div class="main"><h1 class="title">{escape(e.title)}</h1><div class="info">发布时间：{stamp}'
            f"\u3000\u3000来源：{escape(e.credit)}&nbsp;&nbsp;浏览次数：968</div>"
            f'<div class="TRS_Editor">{paragraphs_html(paragraphs)}</div>{pager}{tools()}</div>'
            f"{footer(site_name)}</body></html>")


def render(site_name: str, entries: list[Entry], base: str) -> dict[str, Page]:
    pages: dict[str, Page] = {}
    lists = chunks(entries, 6)
    for i, items in enumerate(lists):
        pages[SOURCE_PATH if i == 0 else f"/xwdt/index_{i}.html"] = html_page(
            _list(site_name, items, i, len(lists)), ENCODING)
    for e in entries:
        stem = e.path.rsplit("/", 1)[1][:-5]
        if split(e):
            first, second = halves(e)
            pager = f'<div class="page"><script>createPageHTML(2, 0, "{stem}", "html");</script></div>'
            pages[e.path] = html_page(_article(site_name, e, first, pager), ENCODING)
            pager2 = f'<div class="page"><script>createPageHTML(2, 1, "{stem}", "html");</script></div>'
            pages[e.path[:-5] + "_1.html"] = html_page(_article(site_name, e, second, pager2), ENCODING)
        else:
            pages[e.path] = html_page(_article(site_name, e, e.paragraphs, ""), ENCODING)
    return pages
