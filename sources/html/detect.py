"""Find the news list on a page without selectors: the best group of repeated siblings that
each hold one title-like link (and usually a date), away from navigation, footers and
"相关新闻" boxes. The winner is also described as a CSS selector, for `probe` to suggest."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import lxml.html
from cssselect import SelectorError
from lxml import etree

from sources.html.dom import css, element_text
from sources.html.listing import ListEntry, entry_from_element, unique_entries, usable_href

MIN_ITEMS = 3
MIN_TITLE_CHARS = 5
_CHROME = re.compile(r"nav|menu|footer|foot|header|banner|breadcrumb|crumb|copyright|sidebar|toolbar"
                     r"|friend|links?$|share|topbar|dh$|daohang", re.I)
_ASIDE_HEADING = re.compile(r"相关|热点|热门|推荐|排行|猜你|友情链接|图片新闻|专题")
_TITLE_HEADER = re.compile(r"名称|标题|题目")
_DATE_HEADER = re.compile(r"日期|时间")
_BY_TAG = {"li", "tr", "dd", "dt", "p", "a", "article", "section"}
_CSS_IDENT = re.compile(r"^-?[A-Za-z_][\w-]*$")


@dataclass(frozen=True)
class Detection:
    selector: str
    entries: tuple[ListEntry, ...]
    dated: int
    score: float


def detect_list(tree: lxml.html.HtmlElement, page_url: str) -> Detection | None:
    """Best-scoring list on the page, or None when nothing looks like a news list."""
    table = _disclosure_table(tree, page_url)
    if table:
        return table
    best: tuple[float, lxml.html.HtmlElement, list, tuple[ListEntry, ...]] | None = None
    body = tree.find("body") if tree.find("body") is not None else tree
    for parent in body.iter():
        if not isinstance(parent.tag, str):
            continue
        for members in _sibling_groups(parent):
            scored = _score(parent, members, page_url)
            if scored and (best is None or scored[0] > best[0]):
                best = (scored[0], parent, members, scored[1])
    if best is None:
        return None
    score, parent, members, entries = best
    dated = sum(1 for e in entries if e.date_text)
    return Detection(_selector(parent, members, tree), entries, dated, score)


def _disclosure_table(tree: lxml.html.HtmlElement, page_url: str) -> Detection | None:
    """Preset: 信息公开 tables whose header names a title and a date column ("名称 … 发布日期").

    They are trusted even with one or two rows, which the generic detector would not be.
    """
    for header in tree.iter("th"):
        row = header.getparent()
        labels = [element_text(cell) for cell in row if isinstance(cell.tag, str)]
        if not (any(_TITLE_HEADER.search(x) for x in labels) and any(_DATE_HEADER.search(x) for x in labels)):
            continue
        rows = [r for r in row.itersiblings("tr")]
        entries = unique_entries([e for e in (entry_from_element(r, page_url) for r in rows) if e])
        if entries:
            dated = sum(1 for e in entries if e.date_text)
            return Detection(_selector(row.getparent(), rows, tree), tuple(entries), dated, float("inf"))
    return None


def _sibling_groups(parent: lxml.html.HtmlElement) -> list[list[lxml.html.HtmlElement]]:
    groups: dict[str, list[lxml.html.HtmlElement]] = defaultdict(list)
    for child in parent:
        if isinstance(child.tag, str):
            groups[_signature(child)].append(child)
    return [members for members in groups.values() if len(members) >= MIN_ITEMS]


def _signature(element: lxml.html.HtmlElement) -> str:
    if element.tag in _BY_TAG:
        return element.tag
    return element.tag + "." + ".".join(sorted((element.get("class") or "").split()))


def _score(parent, members, page_url: str) -> tuple[float, tuple[ListEntry, ...]] | None:
    entries = [entry_from_element(m, page_url) for m in members]
    good = [e for e in entries if e and len(e.title) >= MIN_TITLE_CHARS]
    if len(good) < MIN_ITEMS or len(good) < 0.6 * len(members):
        return None
    unique = unique_entries(good)
    if len(unique) < MIN_ITEMS:
        return None
    dated = sum(1 for e in unique if e.date_text)
    average_title = sum(min(len(e.title), 40) for e in unique) / len(unique)
    links_per_item = sum(_distinct_links(m) for m in members) / len(members)
    score = len(unique) * average_title * (1 + 2 * dated / len(unique))
    if links_per_item > 3:
        score *= 0.3  # grids of many links per cell are menus, not news items
    if _in_chrome(parent):
        score *= 0.1
    if _aside_heading(parent):
        score *= 0.1
    return score, tuple(unique)


def _distinct_links(member: lxml.html.HtmlElement) -> int:
    anchors = [member] if member.tag == "a" else member.iter("a")
    return len({a.get("href") for a in anchors if usable_href(a.get("href"))})


def _in_chrome(element: lxml.html.HtmlElement) -> bool:
    node = element
    while node is not None and node.tag not in ("body", "html"):
        if node.tag in ("nav", "footer", "header"):
            return True
        marks = f"{node.get('id') or ''} {node.get('class') or ''}".split()
        if any(_CHROME.search(mark) for mark in marks):
            return True
        node = node.getparent()
    return False


def _aside_heading(parent: lxml.html.HtmlElement) -> bool:
    """A list right under a '相关新闻' / '热点推荐' heading is a side box."""
    node = parent
    for _ in range(3):
        previous = node.getprevious()
        while previous is not None and not isinstance(previous.tag, str):
            previous = previous.getprevious()
        if previous is not None:
            text = element_text(previous)
            return bool(text) and len(text) <= 20 and bool(_ASIDE_HEADING.search(text))
        node = node.getparent()
        if node is None:
            return False
    return False


def _selector(parent, members, tree) -> str:
    """A short CSS selector for `members`: the first parent path (upwards, up to an id) that
    selects exactly them, else the shortest one selecting what the full path selects."""
    child = _child_selector(members[0])
    wanted = set(map(_path, members))
    steps: list[str] = []
    node = parent
    while node is not None and isinstance(node.tag, str):
        step, anchored = _step(node)
        steps.insert(0, step)
        matched = _matches(" > ".join(steps + [child]), tree)
        if wanted <= matched and (len(matched) == len(wanted) or anchored):
            break
        node = node.getparent()
    return _shortest(steps, child, tree)


def _shortest(steps: list[str], child: str, tree) -> str:
    """`#id a > b > c > li` -> `#id c > li` (or `c > li`) when that selects the same elements."""
    full = " > ".join(steps + [child])
    target = _matches(full, tree)
    for keep in range(1, len(steps)):
        tail = " > ".join(steps[-keep:] + [child])
        for candidate in (tail, f"{steps[0]} {tail}" if steps[0].startswith("#") else None):
            if candidate and _matches(candidate, tree) == target:
                return candidate
    return full


def _matches(selector: str, tree) -> set[str]:
    try:
        return set(map(_path, css(selector)(tree)))
    except (SelectorError, etree.XPathError):  # an odd class name; another path may still work
        return set()


def _path(element: lxml.html.HtmlElement) -> str:
    """A stable identity for an element (id() of lxml proxies is not: they are recreated)."""
    return element.getroottree().getpath(element)


def _step(node: lxml.html.HtmlElement) -> tuple[str, bool]:
    node_id = node.get("id") or ""
    if _CSS_IDENT.match(node_id):
        return f"#{node_id}", True
    classes = [c for c in (node.get("class") or "").split() if _CSS_IDENT.match(c)]
    return node.tag + "".join(f".{c}" for c in classes), False


def _child_selector(member: lxml.html.HtmlElement) -> str:
    if member.tag in _BY_TAG:
        return member.tag
    classes = [c for c in (member.get("class") or "").split() if _CSS_IDENT.match(c)]
    return member.tag + "".join(f".{c}" for c in classes)
