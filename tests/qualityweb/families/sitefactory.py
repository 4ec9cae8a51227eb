"""SiteFactory/动易 (held out): `/Item/12.aspx`, lists `/Category_12/Index.aspx` and
`Index_2.aspx`; the title is only in `<title>` (`标题-站名`), no heading repeats it."""

from __future__ import annotations

from datetime import datetime
from html import escape

from .base import Entry, Page, chunks, footer, html_page, nav, paragraphs_html, tools

NAME, KIND, HELD_OUT, DATE_ONLY, ENCODING = "sitefactory", "html", True, False, "utf-8"
SOURCE_PATH = "/Category_12/Index.aspx"


def article_path(number: int, when: datetime) -> str:
    return f"/Item/{number}.aspx"


def render(site_name: str, entries: list[Entry], base: str) -> dict[str, Page]:
    pages: dict[str, Page] = {}
    lists = chunks(entries, 7)
    for i, items in enumerate(lists):
        rows = "".join(f'<li><span class="date">{e.published:%Y-%m-%d}</span><a href="{escape(e.href)}" '
                       f'title="{escape(e.title)}">{escape(e.title)}</a></li>' for e in items)
        pager = (f'<div class="pager"><a href="/Category_12/Index_{i + 2}.aspx">下一页</a></div>'
                 if i + 1 < len(lists) else "")
        pages[SOURCE_PATH if i == 0 else f"/Category_12/Index_{i + 1}.aspx"] = html_page(
            f'<html><head><meta charset="utf-8"><title>园区新闻-{escape(site_name)}</title></head><body>'
            f'{nav(site_name)}<div class="column_list"><ul>{rows}</ul>{pager}</div>{footer(site_name)}</body></html>')
    for e in entries:
        credit = f"来源：{escape(e.credit)}\u3000" if e.credit else ""
        pages[e.path] = html_page(
            f'<html><head><meta charset="utf-8"><title>{escape(e.title)}-{escape(site_name)}</title></head><body>'
            f'{nav(site_name)}<div class="article_info">{credit}作者：佚名\u3000发布时间：'
            f"{e.published.year}/{e.published.month}/{e.published.day} {e.published:%H:%M:%S}\u3000点击数：35</div>"
            f'<div id="fontzoom">{paragraphs_html(e.paragraphs)}</div>{tools()}{footer(site_name)}</body></html>')
    return pages
