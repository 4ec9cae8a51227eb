"""Hanweb JCMS: a column page whose list is CDATA records in `<script type="text/xml">`,
articles at `/xxgk/art_1234_56.html` with the title in a table cell and the ArticleTitle meta."""

from __future__ import annotations

from datetime import datetime
from html import escape

from .base import Entry, Page, footer, html_page, nav, paragraphs_html, tools

NAME, KIND, HELD_OUT, DATE_ONLY, ENCODING = "hanweb", "html", False, False, "utf-8"
SOURCE_PATH = "/col/col1234/index.html"


def article_path(number: int, when: datetime) -> str:
    return f"/xxgk/art_1234_{number}.html"


def render(site_name: str, entries: list[Entry], base: str) -> dict[str, Page]:
    ordered = sorted(entries, key=lambda e: (e.published, e.number), reverse=True)
    records = "".join(
        f"<record><![CDATA[\n<li><a href='{escape(e.href)}' title='{escape(e.title)}' target='_blank'>"
        f"{escape(e.title)}</a><span class='bt-data-time'>{e.published:%Y-%m-%d}</span></li>\n]]></record>"
        for e in ordered)
    column = ('<html><head><meta charset="utf-8"><title>园区动态 ' + escape(site_name) + '</title></head><body>'
              f'{nav(site_name)}<div id="1234"><script type="text/xml"><datastore><totalrecord>{len(ordered)}'
              f"</totalrecord><recordset>{records}</recordset></datastore></script></div>{footer(site_name)}"
              "</body></html>")
    pages = {SOURCE_PATH: html_page(column)}
    for e in entries:
        pages[e.path] = html_page(
            f'<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="{escape(e.title)}">'
            f'<title>{escape(site_name)}</title></head><body>{nav(site_name)}<table class="article"><tr>'
            f'<td class="title">{escape(e.title)}</td></tr><tr><td class="info">发布日期：'
            f"{e.published:%Y-%m-%d %H:%M} 信息来源：{escape(e.credit)} 【字体：大 中 小】</td></tr>"
            f'<tr><td id="zoom">{paragraphs_html(e.paragraphs)}</td></tr></table>{tools()}{footer(site_name)}'
            "</body></html>")
    return pages
