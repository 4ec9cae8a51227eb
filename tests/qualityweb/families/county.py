"""A hand-built county site (held out): GBK sent as bare `text/html`, table layout, ASP
URLs (`list.asp?page=2`, `show.asp?id=12`), `标题--站名` titles, only a date (`2023年9月27日`)."""

from __future__ import annotations

from datetime import datetime
from html import escape

from .base import Entry, Page, chunks, html_page, paragraphs_html

NAME, KIND, HELD_OUT, DATE_ONLY, ENCODING = "county", "html", True, True, "gbk"
SOURCE_PATH = "/news/list.asp?page=1"


def article_path(number: int, when: datetime) -> str:
    return f"/news/show.asp?id={number}"


def _frame(site_name: str, title: str, inner: str) -> str:
    return ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            f'<title>{title}</title></head><body><table width="980" align="center"><tr><td class="banner">'
            f'<img src="/images/banner.jpg" alt="{escape(site_name)}"></td></tr><tr><td class="menu">'
            '<a href="/">网站首页</a> | <a href="/news/list.asp">新闻动态</a> | <a href="/zwgk/">政务公开</a></td></tr>'
            f'<tr><td>{inner}</td></tr><tr><td class="bottom">{escape(site_name)} 版权所有 地址：县府路1号 '
            "电话：023-55123456</td></tr></table></body></html>")


def render(site_name: str, entries: list[Entry], base: str) -> dict[str, Page]:
    pages: dict[str, Page] = {}
    lists = chunks(entries, 8)
    for i, items in enumerate(lists):
        rows = "".join(f'<tr><td width="80%"><img src="/images/dot.gif"> <a href="{escape(e.href)}" target="_blank">'
                       f'{escape(e.title)}</a></td><td width="20%">{e.published.year}-{e.published.month}-'
                       f"{e.published.day}</td></tr>" for e in items)
        pager = f'<a href="list.asp?page={i + 2}">下一页</a>' if i + 1 < len(lists) else ""
        pages[f"/news/list.asp?page={i + 1}"] = html_page(_frame(
            site_name, f"新闻动态--{escape(site_name)}",
            f'<table width="100%" class="newslist">{rows}</table><div align="center">共{len(lists)}页 {pager}</div>'),
            ENCODING, declared="")
    for e in entries:
        credit = f"\u3000来源：{escape(e.credit)}" if e.credit else ""
        pages[e.path] = html_page(_frame(
            site_name, f"{escape(e.title)}--{escape(site_name)}",
            f'<table width="100%"><tr><td class="title" align="center"><b>{escape(e.title)}</b></td></tr>'
            f"<tr><td align=\"center\">发布时间：{e.published.year}年{e.published.month}月{e.published.day}日"
            f'{credit}\u3000点击数：128</td></tr><tr><td class="content">{paragraphs_html(e.paragraphs)}'
            '</td></tr></table>'), ENCODING, declared="")
    return pages
