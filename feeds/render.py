"""Stories to RSS 2.0 and Atom 1.0 bytes with feedgen, avoiding its known traps.

Same stories in, same bytes out: channel dates come from the newest entry, never the clock.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from feedgen.feed import FeedGenerator

from items.model import StoryEntry

EMPTY_FEED_UPDATED = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class FeedMeta:
    id: str
    title: str
    description: str
    base_url: str
    tz: tzinfo = UTC

    def url(self, extension: str) -> str:
        return f"{self.base_url.rstrip('/')}/feeds/{self.id}.{extension}"


def render_rss(meta: FeedMeta, entries: list[StoryEntry]) -> bytes:
    return _generator(meta, entries, "rss").rss_str(pretty=True)


def render_atom(meta: FeedMeta, entries: list[StoryEntry]) -> bytes:
    return _generator(meta, entries, "atom").atom_str(pretty=True)


def _generator(meta: FeedMeta, entries: list[StoryEntry], kind: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)  # RSS <author> needs an e-mail; dc:creator does not
    fg.id(meta.url("atom"))
    fg.title(meta.title)
    fg.subtitle(meta.description or meta.title)
    fg.language("zh-CN")
    fg.generator("zonefeed", uri="https://github.com/zonefeed")
    # feedgen: RSS <link> is the LAST link call, so self first and the alternate last.
    fg.link(href=meta.url(kind), rel="self",
            type="application/rss+xml" if kind == "rss" else "application/atom+xml")
    fg.link(href=meta.base_url.rstrip("/") + "/", rel="alternate", type="text/html")
    newest = max((e.updated_at for e in entries), default=EMPTY_FEED_UPDATED)
    fg.updated(newest.astimezone(meta.tz))
    fg.lastBuildDate(newest.astimezone(meta.tz))
    for entry in entries:
        _add_entry(fg, entry, meta.tz)
    return fg


def _add_entry(fg: FeedGenerator, entry: StoryEntry, tz: tzinfo) -> None:
    fe = fg.add_entry(order="append")
    fe.id(entry.guid)
    fe.guid(entry.guid, permalink=False)
    fe.title(entry.title)
    fe.link(href=entry.url, rel="alternate")
    fe.published(entry.published_at.astimezone(tz))
    fe.updated(entry.updated_at.astimezone(tz))
    credit = entry.publisher or entry.source_name
    fe.author(name=credit)
    fe.dc.dc_creator(credit)
    for category in entry.categories:
        fe.category(term=category)
    if entry.summary:
        fe.summary(entry.summary)
    fe.content(_content_with_also_at(entry), type="html")


def _content_with_also_at(entry: StoryEntry) -> str:
    body = entry.content_html or f"<p>{html.escape(entry.summary)}</p>"
    if not entry.also_at:
        return body
    links = "".join(
        f'<li><a href="{html.escape(a.url)}">{html.escape(a.source_name)}</a></li>'
        for a in entry.also_at
    )
    return f"{body}<hr/><p>也见于 / Also at:</p><ul>{links}</ul>"
