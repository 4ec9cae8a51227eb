"""Article facts a government page states outright: <meta> tags and the "info line"
(发布时间：… 来源：… 作者：…) under the title. Dates stay raw text; text/dates.py parses them."""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html

from sources.html.dom import element_text, short_text
from text import labels
from text.cleaning import squash
from text.credit import clean_name, credit_in
from text.dates import CLOCK, DATE_LABEL, YEAR_MONTH_DAY, find_date
from text.infoline import is_info_line

_META_KEYS = {
    "articletitle": "title", "pubdate": "date", "publishdate": "date", "firstpublishedtime": "date",
    "article:published_time": "date", "datepublished": "date", "dc.date.issued": "date",
    "contentsource": "source", "source": "source", "author": "author", "keywords": "keywords",
}
_COLON = r"\s*[:：]\s*"
# A labelled value is a date, or only a clock ("发布时间：10:30", combined with the URL's day).
_INFO_DATE = re.compile(DATE_LABEL + _COLON
                        + f"({YEAR_MONTH_DAY}|{CLOCK})")
_LABELS = labels.one_of(labels.ALL)
_INFO_AUTHOR = re.compile(r"(?<!责任)(?:作者|文)" + _COLON + r"([^\s|｜【\[]+?)(?=\s|$|[|｜【\[]|" + _LABELS + ")")
_ANY_LABEL = re.compile(r"(?:发布时间|发布日期|信息来源|文章来源|来源)" + _COLON)
_LINE_TAGS = ("p", "div", "span", "td", "li", "ul", "h3", "h4", "h5", "h6", "em", "font", "small")
INFO_LINE_CHARS = 200
_LABEL_PREFIX = re.compile(r"^\s*(?:信息来源|文章来源|来源|作者)\s*[:：]\s*")


@dataclass(frozen=True)
class PageFacts:
    title: str | None = None
    date: str | None = None
    source: str | None = None
    author: str | None = None
    keywords: str | None = None


def meta_facts(tree: lxml.html.HtmlElement) -> PageFacts:
    """`<meta name="ArticleTitle|PubDate|ContentSource|Author|Keywords">` (also `property=` as in
    `article:published_time`, and `itemprop=`), names case-insensitive."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        name = meta.get("name") or meta.get("property") or meta.get("itemprop") or ""
        key = _META_KEYS.get(name.strip().lower())
        value = squash(meta.get("content"))
        if key in ("source", "author"):
            value = _clean_value(value) or ""
        if key and value and key not in found:
            found[key] = value
    return PageFacts(**found)


def page_info_facts(body: lxml.html.HtmlElement) -> PageFacts:
    """Facts from the page's info line: the first short block holding a label such as 来源： or
    发布时间：, or that text/infoline.py takes for an info line ("2023-09-07 12:30 | 发布者: admin |
    来自: …"), whose unlabelled date counts too. Labelled facts anywhere in the page text fill
    what that block lacks."""
    line = PageFacts()
    for element in body.iter(*_LINE_TAGS):
        text = short_text(element, INFO_LINE_CHARS)
        if text and (_ANY_LABEL.search(text) or is_info_line(text)):
            facts = info_line_facts(text)
            line = PageFacts(date=facts.date or first_date(text), source=facts.source, author=facts.author)
            break
    page = info_line_facts(element_text(body))
    return PageFacts(date=line.date or page.date, source=line.source or page.source,
                     author=line.author or page.author)


def info_line_facts(text: str) -> PageFacts:
    """Facts from the first info line in `text` (the page text, spaces already squashed)."""
    date = _INFO_DATE.search(text)
    author = _INFO_AUTHOR.search(text)
    return PageFacts(
        date=squash(date.group(1)) if date else None,
        source=credit_in(text),
        author=_clean_value(author.group(1)) if author else None,
    )


def first_date(text: str) -> str | None:
    found = find_date(text, year_required=True)
    return squash(found) if found else None


def _clean_value(value: str) -> str | None:
    """A publisher or author name as a meta tag or selector gives it: no label, no date."""
    return clean_name(_LABEL_PREFIX.sub("", value))
