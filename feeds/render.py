"""Stories to RSS 2.0 bytes with feedgen, avoiding its known traps; what every format shares
(the document's description, which entries go out, an entry's credit and body).

Same stories in, same bytes out: channel dates come from the newest entry, never the clock.
An empty feed has no such date: its Atom `updated` (which RFC 4287 requires) is the time it was
rendered, and RSS and JSON Feed carry no feed date at all.
What feedgen cannot express in RSS (the hub link, the browser stylesheet) is added afterwards by
feeds/decorate.py; Atom is written directly by feeds/atom.py.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator

from feeds.decorate import decorate_rss
from feeds.paths import feed_path
from items.urls import is_web_url
from model.stories import StoryEntry
from store.times import utc_now
from text.cleaning import xml_safe

GENERATOR_URI = "https://github.com/zonefeed"


@dataclass(frozen=True)
class ArchiveLinks:
    """RFC 5005 navigation for one document of a paged feed."""

    current: str | None = None
    prev_archive: str | None = None
    next_archive: str | None = None
    is_archive: bool = False


@dataclass(frozen=True)
class FeedMeta:
    id: str
    title: str
    description: str
    base_url: str
    tz: tzinfo = UTC
    hub: str | None = None
    # source id -> (name, URL, kind): where an entry was read, for Atom/RSS <source>.
    sources: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    # A document other than the feed itself (archive page, filtered view) has its own self URL.
    self_urls: dict[str, str] = field(default_factory=dict)
    archive: ArchiveLinks | None = None
    atom_id: str | None = None  # a filtered view is a different feed, so it gets its own id
    author: str = "zonefeed"

    def url(self, extension: str) -> str:
        return f"{self.base_url.rstrip('/')}/{feed_path(self.id, extension)}"

    def self_url(self, extension: str) -> str:
        return self.self_urls.get(extension) or self.url(extension)

    @property
    def stylesheet(self) -> str:
        """Root-relative: browsers only apply same-origin XSLT, whatever host served the feed."""
        return urlsplit(self.base_url).path.rstrip("/") + "/feed.xsl"


def render_rss(meta: FeedMeta, entries: list[StoryEntry]) -> bytes:
    return decorate_rss(_generator(meta, publishable(entries)).rss_str(pretty=False), meta)


def publishable(entries: list[StoryEntry]) -> list[StoryEntry]:
    """Only http(s) links go out, whatever the store holds (defence in depth: normalization
    already refuses other items, but a store written before that rule may hold them).
    An entry whose own link is not http(s) is left out; such "also at" links are dropped."""
    kept = []
    for entry in entries:
        if not is_web_url(entry.url):
            continue
        if not all(is_web_url(a.url) for a in entry.also_at):
            entry = replace(entry, also_at=tuple(a for a in entry.also_at if is_web_url(a.url)))
        kept.append(entry)
    return kept


def newest_update(entries: list[StoryEntry]) -> datetime | None:
    """The newest entry's update time; None for an empty feed."""
    return max((e.updated_at for e in entries), default=None)


def _generator(meta: FeedMeta, entries: list[StoryEntry]) -> FeedGenerator:
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)  # RSS <author> needs an e-mail; dc:creator does not
    fg.title(meta.title)
    fg.subtitle(meta.description or meta.title)
    fg.language("zh-CN")
    fg.generator("zonefeed", uri=GENERATOR_URI)
    # feedgen: RSS <link> is the LAST link call, so self first and the alternate last.
    fg.link(href=meta.self_url("rss"), rel="self", type="application/rss+xml")
    fg.link(href=meta.base_url.rstrip("/") + "/", rel="alternate", type="text/html")
    # `lastBuildDate` (decorate_rss drops it from an empty channel).
    fg.updated((newest_update(entries) or utc_now()).astimezone(meta.tz))
    for entry in entries:
        _add_entry(fg, entry, meta)
    return fg


REGION_SCHEME = "tag:zonefeed,2026:region"
TOPIC_SCHEME = "tag:zonefeed,2026:topic"


def _add_entry(fg: FeedGenerator, entry: StoryEntry, meta: FeedMeta) -> None:
    # Every string passes xml_safe here too: one control character in any field (a guid, a
    # category) makes lxml refuse the whole feed, whatever path the text came by.
    fe = fg.add_entry(order="append")
    fe.id(xml_safe(entry.guid))
    fe.guid(xml_safe(entry.guid), permalink=False)
    fe.title(xml_safe(entry.title))
    fe.link(href=xml_safe(entry.url), rel="alternate")
    fe.published(entry.published_at.astimezone(meta.tz))
    fe.updated(entry.updated_at.astimezone(meta.tz))
    credit = xml_safe(entry_credit(entry))
    fe.author(name=credit)
    fe.dc.dc_creator(credit)
    for category in filter(None, map(xml_safe, entry.categories)):
        fe.category(term=category)
    for place in entry.places:  # what the story is about: term = zone id or adcode, label = name
        fe.category(term=xml_safe(place.zone or place.adcode), scheme=REGION_SCHEME, label=xml_safe(place.name))
    for topic in entry.topics:
        fe.category(term=xml_safe(topic), scheme=TOPIC_SCHEME, label=xml_safe(topic))
    if entry.summary:
        fe.summary(xml_safe(entry.summary))
    fe.content(xml_safe(content_with_also_at(entry)), type="html")
    if entry.enclosure_url:
        fe.enclosure(xml_safe(entry.enclosure_url), str(entry.enclosure_length or 0),
                     entry.enclosure_type or "application/octet-stream")
    if entry.source_id in meta.sources:
        name, url, _kind = meta.sources[entry.source_id]
        if is_web_url(url):
            fe.source(url=url, title=name)


def entry_credit(entry: StoryEntry) -> str:
    """The original publisher when the page names one, else the site we read it on."""
    return entry.publisher or entry.source_name


def content_with_also_at(entry: StoryEntry) -> str:
    body = entry.content_html or f"<p>{html.escape(entry.summary)}</p>"
    if not entry.also_at:
        return body
    links = "".join(
        f'<li><a href="{html.escape(a.url)}">{html.escape(a.source_name)}</a></li>'
        for a in entry.also_at
    )
    return f"{body}<hr/><p>也见于 / Also at:</p><ul>{links}</ul>"
