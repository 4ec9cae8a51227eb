"""List-page entries: one link, its title and the raw date text per repeated element."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html
from cssselect import SelectorError

from sources.html.dom import css, element_text, squash

# Dates are only *found* here; text/dates.py parses them (including `[08-28]` without a year).
DATE_TEXT = re.compile(
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}[:：]\d{2}(?::\d{2})?)?"
    r"|(?<![\d.])\[?\d{1,2}[-/月]\d{1,2}日?\]?(?![\d.])"
    r"|\d+\s*(?:分钟|小时|天)前|昨天|今天"
)
_TRUNCATED = ("...", "…", "..")


@dataclass(frozen=True)
class ListEntry:
    url: str
    title: str
    date_text: str | None = None


def select(root: lxml.html.HtmlElement, selector: str) -> list[lxml.html.HtmlElement]:
    try:
        return css(selector)(root)
    except (SelectorError, SyntaxError) as exc:
        raise ValueError(f"bad CSS selector {selector!r}: {exc}") from None


def entries_by_selectors(tree: lxml.html.HtmlElement, page_url: str, item: str,
                         link: str | None = None, title: str | None = None,
                         date: str | None = None) -> list[ListEntry]:
    entries = []
    for element in select(tree, item):
        entry = entry_from_element(element, page_url, link, title, date)
        if entry:
            entries.append(entry)
    return unique_entries(entries)


def entry_from_element(element: lxml.html.HtmlElement, page_url: str, link: str | None = None,
                       title: str | None = None, date: str | None = None) -> ListEntry | None:
    anchor = _anchor(element, link)
    if anchor is None:
        return None
    href = (anchor.get("href") or "").strip()
    try:
        url = urljoin(page_url, href)
        if urlsplit(url).scheme not in ("http", "https"):
            return None
    except ValueError:  # "http://[x": one broken link must not fail the page (found by fuzzing)
        return None
    text = _title(element, anchor, title)
    if not text:
        return None
    return ListEntry(url=url.split("#")[0], title=text, date_text=_date(element, anchor, date))


def unique_entries(entries: list[ListEntry]) -> list[ListEntry]:
    seen, unique = set(), []
    for entry in entries:
        if entry.url not in seen:
            seen.add(entry.url)
            unique.append(entry)
    return unique


def _anchor(element: lxml.html.HtmlElement, link: str | None) -> lxml.html.HtmlElement | None:
    if link:
        found = select(element, link)
        return found[0] if found else None
    if element.tag == "a" and usable_href(element.get("href")):
        return element
    anchors = [a for a in element.iter("a") if usable_href(a.get("href"))]
    if not anchors:
        return None
    # The title link is the one with the longest text (category tags and "more" links are short).
    return max(anchors, key=lambda a: len(element_text(a) or a.get("title", "")))


def usable_href(href: str | None) -> bool:
    href = (href or "").strip()
    return bool(href) and not href.startswith(("#", "javascript:", "mailto:", "tel:"))


def _title(element: lxml.html.HtmlElement, anchor: lxml.html.HtmlElement, title: str | None) -> str:
    if title:
        found = select(element, title)
        if found:
            node = found[0]
            return squash(node.get("title")) or element_text(node)
    text = element_text(anchor)
    attribute = squash(anchor.get("title"))
    if attribute and (not text or text.endswith(_TRUNCATED) or len(attribute) > len(text)):
        return attribute
    return text


def _date(element: lxml.html.HtmlElement, anchor: lxml.html.HtmlElement, date: str | None) -> str | None:
    if date:
        found = select(element, date)
        return element_text(found[0]) or None if found else None
    around = element_text(element) if element is not anchor else ""
    around = around.replace(element_text(anchor), " ", 1) if around else squash(anchor.tail)
    match = DATE_TEXT.search(around)
    return match.group(0).strip() if match else None
