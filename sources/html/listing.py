"""List-page entries: one link, its title and the raw date text per repeated element."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html

from settings.selectors import parse_selector
from sources.html.dom import element_text, own_text, squash

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
    """The elements a config selector finds (its ::attr()/::text suffix, if any, aside)."""
    return parse_selector(selector).match(root)


def select_value(root: lxml.html.HtmlElement, selector: str,
                 default: Callable[[lxml.html.HtmlElement], str | None]) -> str | None:
    """The first non-empty value a config selector reads: its ::attr(name), its ::text, or
    `default` of the element when it has neither suffix."""
    parsed = parse_selector(selector)
    for element in parsed.match(root):
        if parsed.attribute is not None:
            value = squash(element.get(parsed.attribute))
        elif parsed.own_text:
            value = own_text(element)
        else:
            value = default(element)
        if value:
            return value
    return None


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
    anchor, href = _link(element, link)
    if anchor is None or not href:
        return None
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


def _link(element: lxml.html.HtmlElement, link: str | None) -> tuple[lxml.html.HtmlElement | None, str]:
    """The item's link element and its URL: href, or what `link`'s ::attr()/::text reads."""
    if link and parse_selector(link).reads_value:
        found = select(element, link)
        return (found[0] if found else None), select_value(element, link, lambda _: None) or ""
    anchor = _anchor(element, link)
    return anchor, (anchor.get("href") or "").strip() if anchor is not None else ""


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
        found = select_value(element, title, lambda node: squash(node.get("title")) or element_text(node))
        if found:
            return found
    text = element_text(anchor)
    attribute = squash(anchor.get("title"))
    if attribute and (not text or text.endswith(_TRUNCATED) or len(attribute) > len(text)):
        return attribute
    return text


def _date(element: lxml.html.HtmlElement, anchor: lxml.html.HtmlElement, date: str | None) -> str | None:
    if date:
        return select_value(element, date, element_text)
    around = element_text(element) if element is not anchor else ""
    around = around.replace(element_text(anchor), " ", 1) if around else squash(anchor.tail)
    match = DATE_TEXT.search(around)
    return match.group(0).strip() if match else None
