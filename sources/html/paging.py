"""The next page of a list (an explicit "下一页" link, the TRS pager script, or the URL pattern)
and the next page of an article split over pages.

The two are kept apart by the URL: an article's continuation extends the article's own URL
(`123.html` -> `123_2.html` DedeCMS, `t20230828_123.html` -> `t20230828_123_1.html` TRS,
`index.html` -> `index_2.html`, `c.html` -> `c.html?page=2`, `?id=5` -> `?id=5&page=2`, `/slug/` -> `/slug/2/`) and must be
linked from the page; a list pager, a "下一篇" link or a sidebar's paging never matches that.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html

from sources.html.dom import element_text
from sources.html.listing import usable_href

_NEXT_TEXT = {"下一页", "下页", "后页", "下一页>", "下一页>>", "next", "next>", ">", "›", "»", ">>"}
# TRS WCM writes its pager from a script: createPageHTML(pages, current, "index", "html").
_TRS_CALL = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']")
_TRS_INDEX = re.compile(r"^(?P<stem>.*/(?P<name>index|default))(?:_(?P<n>\d+))?\.(?P<ext>s?html?)$")
_DEDE_LIST = re.compile(r"^(?P<stem>.*/list_\d+_)(?P<n>\d+)\.(?P<ext>html?)$")
_PAGE_PARAMS = ("page", "pageno", "pagenum", "p", "pn", "curpage")
_NUMBERED = re.compile(r"^(?P<stem>.+)_(?P<n>\d{1,2})$")
_SLUG_PAGE = re.compile(r"^(?P<stem>.*/)(?P<n>\d{1,2})/$")
ARTICLE_PAGE_LIMIT = 10  # pages of one article read at most (the first included)


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


def article_next_page(first_url: str, page_url: str, tree: lxml.html.HtmlElement) -> str | None:
    """URL of the article page after `page_url` (the article began at `first_url`), when the
    page links it; None for the last (or only) page. Read `tree` before its scripts are dropped."""
    expected = _continuations(first_url, page_url)
    if not expected:
        return None
    linked = {urljoin(page_url, a.get("href").strip()).split("#")[0]
              for a in tree.iter("a", "link") if usable_href(a.get("href"))}
    scripted = _trs_script(page_url, tree)
    if scripted:
        linked.add(scripted)
    return next((url for url in expected if url in linked), None)


def _continuations(first_url: str, page_url: str) -> list[str]:
    """The URLs that may follow `page_url` in an article that began at `first_url`, likeliest first."""
    first, page = urlsplit(first_url), urlsplit(page_url)
    if (first.scheme, first.netloc) != (page.scheme, page.netloc):
        return []
    query = parse_qsl(page.query, keep_blank_values=True)
    numbered = [(i, v) for i, (k, v) in enumerate(query) if k.lower() in _PAGE_PARAMS and v.isdigit()]
    if page.path == first.path and page.query != first.query and numbered:  # ?id=5&page=2
        index, value = numbered[0]
        query[index] = (query[index][0], str(int(value) + 1))
        return [urlunsplit(page._replace(query=urlencode(query), fragment=""))]
    if page_url.split("#")[0] == first_url.split("#")[0]:
        return _first_continuations(first)
    return _later_continuation(first, page)


def _first_continuations(first: SplitResult) -> list[str]:
    path, paths = first.path, []
    if path.endswith("/"):
        paths = [path + "2/"]
    else:
        folder, _, name = path.rpartition("/")
        stem, dot, ext = name.rpartition(".")
        if dot and stem:
            paths = [f"{folder}/{stem}_{n}.{ext}" for n in (1, 2)]
    urls = [urlunsplit(first._replace(path=p, fragment="")) for p in paths]
    return [*urls, urlunsplit(first._replace(query=_with_page(first.query, 2), fragment=""))]  # c.html?page=2


def _later_continuation(first: SplitResult, page: SplitResult) -> list[str]:
    if page.query != first.query:
        return []
    if first.path.endswith("/"):
        slug = _SLUG_PAGE.match(page.path)
        if slug and slug["stem"] == first.path:
            return [urlunsplit(page._replace(path=f"{first.path}{int(slug['n']) + 1}/", fragment=""))]
        return []
    folder, _, name = first.path.rpartition("/")
    stem, _, ext = name.rpartition(".")
    page_folder, _, page_name = page.path.rpartition("/")
    page_stem, _, page_ext = page_name.rpartition(".")
    numbered = _NUMBERED.match(page_stem)
    if page_folder != folder or page_ext != ext or not numbered or numbered["stem"] != stem:
        return []
    return [urlunsplit(page._replace(path=f"{folder}/{stem}_{int(numbered['n']) + 1}.{ext}", fragment=""))]


def _with_page(query: str, number: int) -> str:
    return urlencode([*parse_qsl(query, keep_blank_values=True), ("page", str(number))])
