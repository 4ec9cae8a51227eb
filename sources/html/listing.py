"""List-page entries: one link, its title and the raw date text per repeated element."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html

from settings.selectors import parse_selector
from sources.html.dom import element_text, own_text
from text.cleaning import squash
from text.dates import find_date, labelled_date

# Dates are only *found* here; text/dates.py defines and parses them (`[08-28]` without a year too).
# Text beside a list date: a label, brackets, a view count. A date inside longer text is part of
# an excerpt ("7月12日，园区…"): content, not the entry's date, unless a label names it
# ("发布时间：2023-09-27" after a long 来源 line).
LIST_DATE_CONTEXT = 24
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
    if element is anchor:
        return labelled_date(squash(anchor.tail)) or _date_beside(squash(anchor.tail))
    title = element_text(anchor)
    for owner, text in _loose_text(element, anchor):
        labelled = labelled_date(squash(text))
        if labelled:
            return labelled
        found = _date_beside(squash(text))
        if not found:
            continue
        holds_title = any(node is anchor for node in owner.iter())
        owner_text = element_text(owner).replace(title, "", 1) if holds_title else element_text(owner)
        if owner is element or len(owner_text) - len(found) <= LIST_DATE_CONTEXT:
            return found
    return None


def _loose_text(element: lxml.html.HtmlElement,
                anchor: lxml.html.HtmlElement) -> list[tuple[lxml.html.HtmlElement, str]]:
    """(element holding it, text) for each text node of `element` outside the title link."""
    inside = set(anchor.iter())
    pieces = []
    for node in element.iter():
        if node not in inside and isinstance(node.tag, str) and node.text:
            pieces.append((node, node.text))
        tail_outside = node is anchor or node not in inside
        if node is not element and tail_outside and node.tail and node.getparent() is not None:
            pieces.append((node.getparent(), node.tail))
    return pieces


def _date_beside(text: str) -> str | None:
    """The date in a short text node; None when the node is longer text (an excerpt)."""
    found = find_date(text)
    if found and len(text) - len(found) <= LIST_DATE_CONTEXT:
        return found
    return None
