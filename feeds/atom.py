"""Stories to Atom 1.0 bytes, written directly as text.

feedgen cannot express what zonefeed's Atom carries (entry links lose `rel`, no Atom
`<source>`, no hub or RFC 5005 archive links, no stylesheet), so its output used to be parsed
again with lxml and decorated: two trees and two serializations per document, 10 ms of the
~20 ms a 100-entry archive page cost in a 1,000-page rebuild (bench/README.md,
bench/render_change.py). Writing the text directly costs ~1.5 ms a page. The layout is the
one lxml's pretty printer gave (two-space indent, `<x/>` for an empty element, the same
escapes), so pages rendered before and after the change are byte-identical and an upgrade
rewrites nothing; tests parse and validate the output (jing, the feed validator, newsboat).
RSS, which needs no additions to its items, stays with feedgen (feeds/render.py).

Same stories in, same bytes out: the feed's `updated` is the newest entry's; only an empty
feed, which has none, is dated when it was rendered (RFC 4287 requires the element).
"""

from __future__ import annotations

from functools import lru_cache

from feeds.decorate import ATOM_NS
from feeds.render import (
    GENERATOR_URI,
    REGION_SCHEME,
    TOPIC_SCHEME,
    FeedMeta,
    content_with_also_at,
    entry_credit,
    newest_update,
    publishable,
)
from items.urls import is_web_url
from model.stories import StoryEntry
from store.times import utc_now
from text.cleaning import xml_safe

HISTORY_NS = "http://purl.org/syndication/history/1.0"


def render_atom(meta: FeedMeta, entries: list[StoryEntry]) -> bytes:
    """The Atom document of `entries`, in the order given (those with web links only)."""
    entries = publishable(entries)
    updated = (newest_update(entries) or utc_now()).astimezone(meta.tz).isoformat()
    out = [
        "<?xml version='1.0' encoding='UTF-8'?>\n",
        f'<?xml-stylesheet type="text/xsl" href="{meta.stylesheet}"?>\n',
        f'<feed xmlns="{ATOM_NS}" xml:lang="zh-CN">\n',
        _element(1, "id", meta.atom_id or meta.url("atom")),
        _element(1, "title", meta.title),
        _element(1, "updated", updated),
        _link(1, ("href", meta.self_url("atom")), ("rel", "self"), ("type", "application/atom+xml")),
        _link(1, ("href", meta.base_url.rstrip("/") + "/"), ("rel", "alternate"), ("type", "text/html")),
        _element(1, "generator", "zonefeed", ("uri", GENERATOR_URI)),
        _element(1, "subtitle", meta.description or meta.title),
        f"  <author>\n{_element(2, 'name', meta.author)}  </author>\n",
        *(_link(1, ("rel", rel), ("href", href)) for rel, href in feed_links(meta)),
        f'  <fh:archive xmlns:fh="{HISTORY_NS}"/>\n' if meta.archive and meta.archive.is_archive else "",
    ]
    for entry in entries:
        _entry(out, entry, meta)
    out.append("</feed>\n")
    return "".join(out).encode("utf-8")


def feed_links(meta: FeedMeta) -> list[tuple[str, str]]:
    """Feed-level links feedgen does not know: the WebSub hub and RFC 5005 navigation."""
    links = [("hub", meta.hub)] if meta.hub else []
    if meta.archive:
        links += [(rel, href) for rel, href in (("current", meta.archive.current),
                                                 ("prev-archive", meta.archive.prev_archive),
                                                 ("next-archive", meta.archive.next_archive)) if href]
    return links


def _entry(out: list[str], entry: StoryEntry, meta: FeedMeta) -> None:
    # Every string passes xml_safe (in _text, _attr): one control character in any field would
    # make the document unreadable, whatever path the text came by.
    out += ["  <entry>\n", _element(2, "id", entry.guid), _element(2, "title", entry.title),
            _element(2, "updated", entry.updated_at.astimezone(meta.tz).isoformat())]
    credit = xml_safe(entry_credit(entry))
    if credit:
        out.append(f"    <author>\n{_element(3, 'name', credit)}    </author>\n")
    out += [_element(2, "content", content_with_also_at(entry), ("type", "html")),
            _link(2, ("href", entry.url), ("rel", "alternate"), ("type", "text/html"))]
    if entry.summary:
        out.append(_element(2, "summary", entry.summary))
    out += [_link(2, ("term", category), tag="category") for category in filter(None, map(xml_safe, entry.categories))]
    # what the story is about: term = zone id or adcode, label = name
    out += [_category(place.zone or place.adcode, REGION_SCHEME, place.name) for place in entry.places]
    out += [_category(topic, TOPIC_SCHEME, topic) for topic in entry.topics]
    out.append(_element(2, "published", entry.published_at.astimezone(meta.tz).isoformat()))
    out += [_link(2, ("rel", "related"), ("href", also.url), ("title", also.source_name), ("type", "text/html"))
            for also in entry.also_at]
    if entry.enclosure_url and is_web_url(entry.enclosure_url):
        size = (("length", str(entry.enclosure_length)),) if entry.enclosure_length else ()
        out.append(_link(2, ("rel", "enclosure"), ("href", entry.enclosure_url),
                         ("type", entry.enclosure_type or "application/octet-stream"), *size))
    if entry.source_id in meta.sources and _is_web_source(meta.sources[entry.source_id][1]):
        name, url, kind = meta.sources[entry.source_id]
        # RFC 4287 4.2.11 asks a source to carry its feed's `updated` (the W3C validator warns
        # without it). We do not keep each site's own feed date per story; the time this story
        # last changed there is the newest change of that source this entry knows of, and keeps
        # the rendering a function of the stories.
        # A feed source's URL is that feed (self); an HTML source's is the page we read.
        out += ["    <source>\n", _element(3, "id", url), _element(3, "title", name),
                _element(3, "updated", entry.updated_at.astimezone(meta.tz).isoformat()),
                _link(3, ("rel", "self" if kind == "feed" else "alternate"), ("href", url)),
                "    </source>\n"]
    out.append("  </entry>\n")


@lru_cache(maxsize=8192)
def _is_web_source(url: str) -> bool:
    """is_web_url for configured source URLs: a few thousand, asked once per entry (a third of
    a page's render time when parsed every time)."""
    return is_web_url(url)


def _text(value: str) -> str:
    """Character data escaped as libxml2 writes it (a raw CR would be read back as a newline).
    Chained replace: str.translate is several times slower on CJK text."""
    return xml_safe(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _attr(value: str) -> str:
    return (_text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;"))


def _element(depth: int, tag: str, text: str, *attributes: tuple[str, str]) -> str:
    """One element with text on its own line; `<tag/>` when the text is empty."""
    attrs = "".join(f' {name}="{_attr(value)}"' for name, value in attributes)
    text = _text(text)
    return f"{'  ' * depth}<{tag}{attrs}>{text}</{tag}>\n" if text else f"{'  ' * depth}<{tag}{attrs}/>\n"


def _link(depth: int, *attributes: tuple[str, str], tag: str = "link") -> str:
    """An empty element (a link unless told), attributes in the order given."""
    return "  " * depth + f"<{tag}" + "".join(f' {name}="{_attr(value)}"' for name, value in attributes) + "/>\n"


def _category(term: str, scheme: str, label: str) -> str:
    """A category in a scheme; the label only when there is one (a term may be empty)."""
    label = xml_safe(label)
    return _link(2, ("term", term), ("scheme", scheme), *((("label", label),) if label else ()), tag="category")
