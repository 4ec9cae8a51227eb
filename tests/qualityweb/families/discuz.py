"""Discuz! portal (held out): GBK, `portal.php?mod=list&catid=1` lists with `page=N`,
articles at `portal.php?mod=view&aid=N`, the time in `p.xg1` beside 发布者/查看/来自."""

from __future__ import annotations

from datetime import datetime
from html import escape

from .base import Entry, Page, chunks, footer, html_page, nav, paragraphs_html

NAME, KIND, HELD_OUT, DATE_ONLY, ENCODING = "discuz", "html", True, False, "gbk"
SOURCE_PATH = "/portal.php?mod=list&catid=1"


def article_path(number: int, when: datetime) -> str:
    return f"/portal.php?mod=view&aid={number}"


def render(site_name: str, entries: list[Entry], base: str) -> dict[str, Page]:
    pages: dict[str, Page] = {}
    lists = chunks(entries, 8)
    for i, items in enumerate(lists):
        rows = "".join(f'<dl class="bbda cl"><dt class="xs2"><a href="{escape(e.href)}" target="_blank" class="xi2">'
                       f'{escape(e.title)}</a></dt><dd class="xs2 cl">{escape(e.paragraphs[0][:30])}…</dd>'
                       f'<dd><span class="xg1">{e.published:%Y-%m-%d %H:%M}</span></dd></dl>' for e in items)
        pager = (f'<div class="pg"><a href="portal.php?mod=list&amp;catid=1&amp;page={i + 2}" class="nxt">下一页</a>'
                 "</div>" if i + 1 < len(lists) else "")
        pages[SOURCE_PATH if i == 0 else f"{SOURCE_PATH}&page={i + 1}"] = html_page(
            f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"><title>园区资讯 - '
            f'{escape(site_name)} - Powered by Discuz!</title></head><body>{nav(site_name)}<div class="bm_c xld">'
            f"{rows}</div>{pager}{footer(site_name)}</body></html>", ENCODING)
    for e in entries:
        credit = f'<span class="pipe">|</span>来自: {escape(e.credit)}' if e.credit else ""
        pages[e.path] = html_page(
            f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"><title>{escape(e.title)}'
            f" - 园区资讯 - {escape(site_name)} - Powered by Discuz!</title></head><body>{nav(site_name)}"
            f'<div class="h hm"><h1 class="ph">{escape(e.title)}</h1><p class="xg1">{e.published:%Y-%m-%d %H:%M}'
            f'<span class="pipe">|</span> 发布者: admin<span class="pipe">|</span> 查看: 52{credit}</p></div>'
            f'<table cellpadding="0" cellspacing="0" class="vwtb"><tr><td id="article_content">'
            f"{paragraphs_html(e.paragraphs)}</td></tr></table>{footer(site_name)}</body></html>", ENCODING)
    return pages
