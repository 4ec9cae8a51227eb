"""What feedgen cannot write, added to its output with lxml.

- Atom entry links lose `rel` in feedgen (issue #135): "also at" links are added here as
  `link rel="related"`, a file an entry links as `link rel="enclosure"`, with Atom `<source>`
  naming the feed an entry was read from.
- Feed-level `rel="hub"` (WebSub) and RFC 5005 archive links, which feedgen does not know.
- The `xml-stylesheet` processing instruction that makes a browser show a readable page;
  feed readers ignore it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from items.urls import is_web_url

if TYPE_CHECKING:
    from feeds.render import FeedMeta
    from model.stories import StoryEntry

ATOM_NS = "http://www.w3.org/2005/Atom"
HISTORY_NS = "http://purl.org/syndication/history/1.0"
_A = f"{{{ATOM_NS}}}"
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)


def decorate_atom(xml: bytes, meta: FeedMeta, entries: list[StoryEntry]) -> bytes:
    root = etree.fromstring(xml, _PARSER)
    first_entry = root.find(f"{_A}entry")
    author = etree.Element(f"{_A}author")
    etree.SubElement(author, f"{_A}name").text = meta.author
    head = [author, *(_atom_link(rel, href) for rel, href in _feed_links(meta))]
    if meta.archive and meta.archive.is_archive:
        head.append(etree.Element(f"{{{HISTORY_NS}}}archive", nsmap={"fh": HISTORY_NS}))
    for element in head:
        if first_entry is not None:
            first_entry.addprevious(element)
        else:
            root.append(element)
    for element, entry in zip(root.iterfind(f"{_A}entry"), entries, strict=True):
        _decorate_atom_entry(element, entry, meta)
    return _serialize(root, meta)


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


def _feed_links(meta: FeedMeta) -> list[tuple[str, str]]:
    links = [("hub", meta.hub)] if meta.hub else []
    if meta.archive:
        links += [(rel, href) for rel, href in (("current", meta.archive.current),
                                                 ("prev-archive", meta.archive.prev_archive),
                                                 ("next-archive", meta.archive.next_archive)) if href]
    return links


def _decorate_atom_entry(element: etree._Element, entry: StoryEntry, meta: FeedMeta) -> None:
    alternate = element.find(f"{_A}link")
    if alternate is not None:
        alternate.set("rel", "alternate")
        alternate.set("type", "text/html")
    for also in entry.also_at:
        element.append(_atom_link("related", also.url, title=also.source_name, type="text/html"))
    if entry.enclosure_url and is_web_url(entry.enclosure_url):
        size = {"length": str(entry.enclosure_length)} if entry.enclosure_length else {}
        element.append(_atom_link("enclosure", entry.enclosure_url,
                                  type=entry.enclosure_type or "application/octet-stream", **size))
    if entry.source_id in meta.sources and is_web_url(meta.sources[entry.source_id][1]):
        name, url, kind = meta.sources[entry.source_id]
        source = etree.SubElement(element, f"{_A}source")
        etree.SubElement(source, f"{_A}id").text = url
        etree.SubElement(source, f"{_A}title").text = name
        # RFC 4287 4.2.11 asks a source to carry its feed's `updated` (the W3C validator warns
        # without it). We do not keep each site's own feed date per story; the time this story
        # last changed there is the newest change of that source this entry knows of, and keeps
        # the rendering a function of the stories.
        etree.SubElement(source, f"{_A}updated").text = entry.updated_at.astimezone(meta.tz).isoformat()
        # A feed source's URL is that feed (self); an HTML source's is the page we read.
        source.append(_atom_link("self" if kind == "feed" else "alternate", url))


def _atom_link(rel: str, href: str, **attributes: str) -> etree._Element:
    return etree.Element(f"{_A}link", rel=rel, href=href, **attributes)


def _serialize(root: etree._Element, meta: FeedMeta) -> bytes:
    root.addprevious(etree.ProcessingInstruction(
        "xml-stylesheet", f'type="text/xsl" href="{meta.stylesheet}"'))
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8",
                          pretty_print=True)
