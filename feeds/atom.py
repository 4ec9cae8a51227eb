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

from collections.abc import Callable
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
from text.cleaning import has_xml_invalid, xml_safe

HISTORY_NS = "http://purl.org/syndication/history/1.0"


def render_atom(meta: FeedMeta, entries: list[StoryEntry]) -> bytes:
    """The Atom document of `entries`, in the order given (those with web links only).

    Characters XML forbids are dropped from every field, but looking for them field by field
    was a fifth of the cost: the document is written as is, searched once, and written again
    field by field only when some field carried one (the same bytes either way)."""
    entries = publishable(entries)
    document = _document(meta, entries, _as_is)
    if has_xml_invalid(document):
        document = _document(meta, entries, xml_safe)
    return document.encode("utf-8")


def feed_links(meta: FeedMeta) -> list[tuple[str, str]]:
    """Feed-level links feedgen does not know: the WebSub hub and RFC 5005 navigation."""
    links = [("hub", meta.hub)] if meta.hub else []
    if meta.archive:
        links += [(rel, href) for rel, href in (("current", meta.archive.current),
                                                 ("prev-archive", meta.archive.prev_archive),
                                                 ("next-archive", meta.archive.next_archive)) if href]
    return links


Clean = Callable[[str], str]


def _as_is(text: str) -> str:
    return text


def _document(meta: FeedMeta, entries: list[StoryEntry], clean: Clean) -> str:
    updated = (newest_update(entries) or utc_now()).astimezone(meta.tz).isoformat()
    out = [
        "<?xml version='1.0' encoding='UTF-8'?>\n",
        f'<?xml-stylesheet type="text/xsl" href="{meta.stylesheet}"?>\n',
        f'<feed xmlns="{ATOM_NS}" xml:lang="zh-CN">\n',
        _element(1, "id", meta.atom_id or meta.url("atom"), clean),
        _element(1, "title", meta.title, clean),
        f"  <updated>{updated}</updated>\n",
        f'  <link href="{_attr(meta.self_url("atom"), clean)}" rel="self" type="application/atom+xml"/>\n',
        f'  <link href="{_attr(meta.base_url.rstrip("/") + "/", clean)}" rel="alternate" type="text/html"/>\n',
        f'  <generator uri="{GENERATOR_URI}">zonefeed</generator>\n',
        _element(1, "subtitle", meta.description or meta.title, clean),
        f"  <author>\n{_element(2, 'name', meta.author, clean)}  </author>\n",
        *(f'  <link rel="{rel}" href="{_attr(href, clean)}"/>\n' for rel, href in feed_links(meta)),
        f'  <fh:archive xmlns:fh="{HISTORY_NS}"/>\n' if meta.archive and meta.archive.is_archive else "",
    ]
    for entry in entries:
        _entry(out, entry, meta, clean)
    out.append("</feed>\n")
    return "".join(out)


def _entry(out: list[str], entry: StoryEntry, meta: FeedMeta, clean: Clean) -> None:
    """One entry, in the order feedgen wrote it plus what it could not write (related and
    enclosure links, the source), each line as lxml's pretty printer laid it out."""
    updated = entry.updated_at.astimezone(meta.tz).isoformat()
    out.append(f"  <entry>\n{_element(2, 'id', entry.guid, clean)}{_element(2, 'title', entry.title, clean)}"
               f"    <updated>{updated}</updated>\n")
    credit = clean(entry_credit(entry))
    if credit:
        out.append(f"    <author>\n      <name>{_escape(credit)}</name>\n    </author>\n")
    out.append(_element(2, "content", content_with_also_at(entry), clean, ' type="html"'))
    out.append(f'    <link href="{_attr(entry.url, clean)}" rel="alternate" type="text/html"/>\n')
    if entry.summary:
        out.append(_element(2, "summary", entry.summary, clean))
    for category in filter(None, map(clean, entry.categories)):
        out.append(f'    <category term="{_escape_attr(category)}"/>\n')
    # what the story is about: term = zone id or adcode, label = name
    out += [_category(place.zone or place.adcode, REGION_SCHEME, place.name, clean) for place in entry.places]
    out += [_category(topic, TOPIC_SCHEME, topic, clean) for topic in entry.topics]
    out.append(f"    <published>{entry.published_at.astimezone(meta.tz).isoformat()}</published>\n")
    out += [f'    <link rel="related" href="{_attr(also.url, clean)}" title="{_attr(also.source_name, clean)}"'
            ' type="text/html"/>\n' for also in entry.also_at]
    if entry.enclosure_url and is_web_url(entry.enclosure_url):
        size = f' length="{entry.enclosure_length}"' if entry.enclosure_length else ""
        kind = _attr(entry.enclosure_type or "application/octet-stream", clean)
        out.append(f'    <link rel="enclosure" href="{_attr(entry.enclosure_url, clean)}" type="{kind}"{size}/>\n')
    if entry.source_id in meta.sources and _is_web_source(meta.sources[entry.source_id][1]):
        name, url, kind = meta.sources[entry.source_id]
        # RFC 4287 4.2.11 asks a source to carry its feed's `updated` (the W3C validator warns
        # without it). We do not keep each site's own feed date per story; the time this story
        # last changed there is the newest change of that source this entry knows of, and keeps
        # the rendering a function of the stories.
        # A feed source's URL is that feed (self); an HTML source's is the page we read.
        out.append(f"    <source>\n{_element(3, 'id', url, clean)}{_element(3, 'title', name, clean)}"
                   f"      <updated>{updated}</updated>\n"
                   f'      <link rel="{"self" if kind == "feed" else "alternate"}" href="{_attr(url, clean)}"/>\n'
                   "    </source>\n")
    out.append("  </entry>\n")


@lru_cache(maxsize=8192)
def _is_web_source(url: str) -> bool:
    """is_web_url for configured source URLs: a few thousand, asked once per entry (a third of
    a page's render time when parsed every time)."""
    return is_web_url(url)


def _escape(text: str) -> str:
    """Character data escaped as libxml2 writes it (a raw CR would be read back as a newline).
    Chained replace: str.translate is several times slower on CJK text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _escape_attr(text: str) -> str:
    return _escape(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def _attr(value: str, clean: Clean) -> str:
    return _escape_attr(clean(value))


def _element(depth: int, tag: str, value: str, clean: Clean, attributes: str = "") -> str:
    """One element with text on its own line; `<tag/>` when the text is empty."""
    text = _escape(clean(value))
    indent = "  " * depth
    return f"{indent}<{tag}{attributes}>{text}</{tag}>\n" if text else f"{indent}<{tag}{attributes}/>\n"


def _category(term: str, scheme: str, label: str, clean: Clean) -> str:
    """A category in a scheme; the label only when there is one (a term may be empty)."""
    label = clean(label)
    labelled = f' label="{_escape_attr(label)}"' if label else ""
    return f'    <category term="{_attr(term, clean)}" scheme="{scheme}"{labelled}/>\n'
