"""Decoded HTML text to an lxml tree, plus the small text helpers every HTML module needs."""

from __future__ import annotations

import functools
import re

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector

from text.cleaning import squash, xml_safe

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_RECORD = re.compile(r"<record[^>]*>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Parse a whole page; an empty or unparsable page becomes an empty document, never an error."""
    text = _XML_DECL.sub("", text, count=1)  # lxml refuses str input that declares an encoding
    try:
        tree = lxml.html.document_fromstring(text or "<html></html>")
    except (etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html></html>")
    _drop_control_characters(tree)
    return tree


def _drop_control_characters(tree: lxml.html.HtmlElement) -> None:
    """lxml parses control characters (raw, or from `&#8`) but refuses any text holding them
    that is set later, as drop_tree does for comments (found by fuzzing): clean them once here."""
    for node in tree.iter():
        if node.text and xml_safe(node.text) != node.text:
            node.text = xml_safe(node.text)
        if node.tail and xml_safe(node.tail) != node.tail:
            node.tail = xml_safe(node.tail)


@functools.lru_cache(maxsize=1024)
def css(selector: str) -> CSSSelector:
    """`selector` compiled once: element.cssselect() translates it to XPath on every call, which
    was a tenth of a cold collect's CPU. (A compiled selector is safe to share: lxml serializes
    calls of one XPath object.) Raises cssselect's SelectorError or lxml's XPathError."""
    return CSSSelector(selector, translator="html")


def element_text(element: lxml.html.HtmlElement) -> str:
    return squash(element.text_content())


def own_text(element: lxml.html.HtmlElement) -> str:
    """The element's own text nodes, not its children's (parsel's `::text`)."""
    return squash(" ".join(element.xpath("text()")))


def short_text(element: lxml.html.HtmlElement, limit: int) -> str | None:
    """The element's text if shorter than `limit` characters, else None (without reading it all:
    asking every element of a big page for its whole text is quadratic)."""
    pieces, size = [], 0
    for piece in element.itertext():
        size += len(piece.strip())
        if size >= limit:
            return None
        pieces.append(piece)
    return squash("".join(pieces))


def expand_datastores(tree: lxml.html.HtmlElement) -> int:
    """Hanweb/JCMS lists live in `<script type="text/xml"><datastore>…<record><![CDATA[<li>…]]>`.

    Each such script is replaced by a `<ul class="zf-datastore">` holding the parsed records, so
    selectors and automatic detection see an ordinary list. Returns how many records were found.
    """
    found = 0
    for script in tree.xpath('//script[contains(translate(@type, "XML", "xml"), "xml")]'):
        records = _RECORD.findall(script.text or "")
        if "<datastore" not in (script.text or "") or not records:
            continue
        holder = lxml.html.fromstring('<ul class="zf-datastore"></ul>')
        for record in records:
            for node in lxml.html.fragments_fromstring(record.strip() or "<li></li>"):
                if isinstance(node, str):
                    continue
                holder.append(node if node.tag == "li" else _wrap_li(node))
                found += 1
        script.getparent().replace(script, holder)
    return found


def _wrap_li(node: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    item = lxml.html.fromstring("<li></li>")
    item.append(node)
    return item


def drop_scripts(tree: lxml.html.HtmlElement) -> None:
    """Scripts, styles and comments carry no visible text but can look like content."""
    for element in tree.xpath("//script|//style|//noscript|//template"):
        element.drop_tree()
    for comment in tree.xpath("//comment()"):
        if comment.getparent() is not None:
            comment.drop_tree()  # unlike remove(), keeps the text that follows the comment
