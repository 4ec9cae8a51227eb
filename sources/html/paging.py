"""The next list page: an explicit "下一页" link, the TRS pager script, or the URL pattern."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html

from sources.html.dom import element_text
from sources.html.listing import usable_href

_NEXT_TEXT = {"下一页", "下页", "后页", "下一页>", "下一页>>", "next", "next>", ">", "›", "»", ">>"}
# TRS WCM writes its pager from a script: createPageHTML(pages, current, "index", "html").
_TRS_CALL = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']")
_TRS_INDEX = re.compile(r"^(?P<stem>.*/(?P<name>index|default))(?:_(?P<n>\d+))?\.(?P<ext>s?html?)$")
_DEDE_LIST = re.compile(r"^(?P<stem>.*/list_\d+_)(?P<n>\d+)\.(?P<ext>html?)$")
_PAGE_PARAMS = ("page", "pageno", "pagenum", "p", "pn", "curpage")


def next_page_url(page_url: str, tree: lxml.html.HtmlElement | None) -> str | None:
    """URL of the page after `page_url`.

    A downloaded page (`tree`) must show its pager; a page answered 304 (`tree` None) is
    followed by the URL pattern its CMS uses (index_1.html, page=N+1, list_X_N+1.html).
    """
    if tree is not None:
        return _explicit_next(page_url, tree) or _trs_script(page_url, tree)
    return _from_url_pattern(page_url)


def _explicit_next(page_url: str, tree: lxml.html.HtmlElement) -> str | None:
    for anchor in tree.iter("a"):
        label = element_text(anchor).replace(" ", "").lower()
        if label in _NEXT_TEXT and usable_href(anchor.get("href")):
            url = urljoin(page_url, anchor.get("href").strip())
            if url.split("#")[0] != page_url:
                return url
    return None


def _trs_script(page_url: str, tree: lxml.html.HtmlElement) -> str | None:
    for script in tree.iter("script"):
        code = script.text or ""
        call = _TRS_CALL.search(code)
        if call:
            pages, current, prefix, ext = int(call[1]), int(call[2]), call[3], call[4]
            return urljoin(page_url, f"{prefix}_{current + 1}.{ext}") if current + 1 < pages else None
        count = re.search(r"countPage\s*=\s*(\d+)", code)
        current = re.search(r"currentPage\s*=\s*(\d+)", code)
        if count and current and "index" in code:
            following = int(current[1]) + 1
            return urljoin(page_url, f"index_{following}.html") if following < int(count[1]) else None
    return None


def _from_url_pattern(page_url: str) -> str | None:
    parts = urlsplit(page_url)
    path = parts.path if not parts.path.endswith("/") else parts.path + "index.html"
    query = parse_qsl(parts.query, keep_blank_values=True)
    for index, (name, value) in enumerate(query):
        if name.lower() in _PAGE_PARAMS and value.isdigit():
            query[index] = (name, str(int(value) + 1))
            return urlunsplit(parts._replace(query=urlencode(query)))
    if parts.query:
        return None
    trs = _TRS_INDEX.match(path)
    if trs:
        following = int(trs["n"]) + 1 if trs["n"] else 1
        return urlunsplit(parts._replace(path=f"{trs['stem']}_{following}.{trs['ext']}"))
    dede = _DEDE_LIST.match(path)
    if dede:
        return urlunsplit(parts._replace(path=f"{dede['stem']}{int(dede['n']) + 1}.{dede['ext']}"))
    return None
