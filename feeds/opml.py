"""OPML 2.0 list of every feed, for one-click import into a reader."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree


@dataclass(frozen=True)
class OpmlFeed:
    title: str
    description: str
    xml_url: str
    html_url: str


def render_opml(title: str, feeds: list[OpmlFeed]) -> bytes:
    opml = etree.Element("opml", version="2.0")
    head = etree.SubElement(opml, "head")
    etree.SubElement(head, "title").text = title
    body = etree.SubElement(opml, "body")
    for feed in feeds:
        etree.SubElement(body, "outline", type="rss", text=feed.title, title=feed.title,
                         description=feed.description, xmlUrl=feed.xml_url, htmlUrl=feed.html_url)
    return etree.tostring(opml, xml_declaration=True, encoding="UTF-8", pretty_print=True)
