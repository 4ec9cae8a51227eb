"""What a CMS family module gets (the entries a site shows in a round) and gives back (pages)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from html import escape


@dataclass(frozen=True)
class Entry:
    """One item as a site shows it in one round: a story's original, a re-post, or an attachment."""

    key: str  # story id, or "attachment:<path>"
    number: int  # the site's own article number (stable across rounds)
    title: str  # as shown by this site (prefixed for re-posts)
    published: datetime  # as shown by this site, +08:00
    paragraphs: tuple[str, ...]  # body paragraphs, with a re-post's extra sentence and 来源 line
    credit: str  # publisher named in the info line ("" when the site names none)
    path: str  # where the article lives on its own site
    href: str  # the link the list/feed gives (moved port, tracking parameters) — absolute or path
    attachment: bytes | None = None


@dataclass
class Page:
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


def html_page(text: str, encoding: str = "utf-8", declared: str | None = None) -> Page:
    charset = declared if declared is not None else encoding
    content_type = "text/html" + (f"; charset={charset}" if charset else "")
    return Page(text.encode("gb18030" if encoding.lower() in ("gbk", "gb2312", "gb18030") else encoding),
                content_type)


def paragraphs_html(paragraphs: tuple[str, ...] | list[str], indent: bool = True) -> str:
    pad = "\u3000\u3000" if indent else ""
    return "".join(f"<p>{pad}{escape(p)}</p>" for p in paragraphs)


def halves(entry: Entry) -> tuple[tuple[str, ...], tuple[str, ...]]:
    middle = (len(entry.paragraphs) + 1) // 2
    return entry.paragraphs[:middle], entry.paragraphs[middle:]


def chunks(entries: list[Entry], size: int) -> list[list[Entry]]:
    """List pages, newest first, `size` per page (at least one page, maybe empty)."""
    ordered = sorted(entries, key=lambda e: (e.published, e.number), reverse=True)
    return [ordered[i:i + size] for i in range(0, len(ordered), size)] or [[]]


def nav(site_name: str) -> str:
    return ('<div class="header"><div class="logo">' + escape(site_name) + '</div><ul class="nav">'
            '<li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/tzgg/">通知公告</a></li>'
            '<li><a href="/tzcj/">投资促进</a></li><li><a href="/bsfw/">办事服务</a></li></ul></div>')


def footer(site_name: str) -> str:
    return ('<div class="footer"><p><a href="/lxwm.html">联系我们</a> | <a href="/map.html">网站地图</a> | '
            f'<a href="/sm.html">网站声明</a></p><p>主办单位：{escape(site_name)} 版权所有 '
            '渝ICP备05003300号-1 渝公网安备50023502000123号</p></div>')


def tools() -> str:
    return ('<div class="tools">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">'
            '关闭窗口</a>】</div><div class="xgxw"><h3>相关新闻</h3><ul><li><a href="/zwgk/1.html">'
            '市政府召开常务会议研究部署近期工作</a></li><li><a href="/zwgk/2.html">全市项目建设现场推进会召开</a></li></ul></div>')
