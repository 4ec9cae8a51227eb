"""What feedgen cannot write into RSS, added to its output with lxml.

- The channel's `atom:link rel="hub"` (WebSub), which feedgen does not know.
- The `xml-stylesheet` processing instruction that makes a browser show a readable page;
  feed readers ignore it.
- No `lastBuildDate` on an empty channel (feedgen would date it "now").

Atom needs more than this (entry links with `rel`, `<source>`, RFC 5005 links), so it is
written directly, not decorated: feeds/atom.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    from feeds.render import FeedMeta

ATOM_NS = "http://www.w3.org/2005/Atom"
_A = f"{{{ATOM_NS}}}"
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)


def decorate_rss(xml: bytes, meta: FeedMeta) -> bytes:
    root = etree.fromstring(xml, _PARSER)
    channel = root.find("channel")
    first_item = channel.find("item")
    if first_item is None:  # feedgen dates a channel "now" when nothing in it has a date
        for element in channel.findall("lastBuildDate"):
            channel.remove(element)
    # Archive paging (RFC 5005) is offered on the Atom feed only; RSS gets the hub link.
    for rel, href in [("hub", meta.hub)] if meta.hub else []:
        link = etree.Element(f"{_A}link", rel=rel, href=href)
        if first_item is not None:
            first_item.addprevious(link)
        else:
            channel.append(link)
    return _serialize(root, meta)


def _serialize(root: etree._Element, meta: FeedMeta) -> bytes:
    root.addprevious(etree.ProcessingInstruction(
        "xml-stylesheet", f'type="text/xsl" href="{meta.stylesheet}"'))
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8",
                          pretty_print=True)
