"""A mirror of a WeChat official account: `rich_media_title`, `#js_content`, the account in
`#js_name`, and the publish time only as `var ct = "1695794400"` in a script."""

from __future__ import annotations

import hashlib
from datetime import datetime
from html import escape

from .base import Entry, Page, footer, html_page, nav, paragraphs_html

NAME, KIND, HELD_OUT, DATE_ONLY, ENCODING = "wechat", "html", False, False, "utf-8"
SOURCE_PATH = "/wx/index.html"


def article_path(number: int, when: datetime) -> str:
    return f"/wx/s/{hashlib.sha1(str(number).encode()).hexdigest()[:22]}.html"


def render(site_name: str, entries: list[Entry], base: str) -> dict[str, Page]:
    ordered = sorted(entries, key=lambda e: (e.published, e.number), reverse=True)
    rows = "".join(f'<li class="wx-item"><a href="{escape(e.href)}"><h4>{escape(e.title)}</h4></a>'
                   f"<em>{e.published:%Y-%m-%d}</em></li>" for e in ordered)
    pages = {SOURCE_PATH: html_page(f'<html><head><meta charset="utf-8"><title>{escape(site_name)}公众号文章</title>'
                                    f'</head><body>{nav(site_name)}<ul class="wx-list">{rows}</ul>'
                                    f"{footer(site_name)}</body></html>")}
    for e in entries:
        credit = f"<p>来源：{escape(e.credit)}</p>" if e.credit and e.credit != site_name else ""
        pages[e.path] = html_page(
            f'<html><head><meta charset="utf-8"><meta property="og:title" content="{escape(e.title)}">'
            f'<title>{escape(e.title)}</title></head><body><div id="js_article" class="rich_media">'
            f'<h1 class="rich_media_title" id="activity-name">{escape(e.title)}</h1><div id="meta_content" '
            f'class="rich_media_meta_list"><span class="rich_media_meta_nickname"><a id="js_name">{escape(site_name)}'
            '</a></span><em id="publish_time" class="rich_media_meta_text"></em></div>'
            f'<div class="rich_media_content" id="js_content">{paragraphs_html(e.paragraphs, indent=False)}'
            f'{credit}<p>点击“阅读原文”了解更多</p></div></div><script>var ct = "{int(e.published.timestamp())}";'
            'var nickname = "' + escape(site_name) + '";</script></body></html>')
    return pages
