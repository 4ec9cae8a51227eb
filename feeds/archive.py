"""RFC 5005 paged feeds: the current document plus stable, complete archive pages.

Archive pages cut a feed's stories in story-id order (ids only grow), `page_size` per page,
oldest page first; only full pages are published, so a page's members never change. The
current document holds the newest stories by date plus any not yet on a full page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from feeds.render import ArchiveLinks, FeedMeta
from model.stories import StoryEntry
from store.tx import FeedQuery, Tx


@dataclass(frozen=True)
class FeedDocument:
    """One Atom document of a feed: where it goes, how it describes itself, what it holds."""

    relative: str
    meta: FeedMeta
    entries: list[StoryEntry]


def archive_relative(feed_id: str, page: int) -> str:
    return f"feeds/archive/{feed_id}/{page}.atom"


def feed_documents(tx: Tx, meta: FeedMeta, query: FeedQuery) -> tuple[list[StoryEntry], list[FeedDocument]]:
    """The current entries (for every format) and the archive pages (Atom) of one feed."""
    page_size = query.limit
    full_pages = tx.feed_story_count(query) // page_size
    base = meta.base_url.rstrip("/")
    current = tx.stories_for_feed(query)
    shown = {e.guid for e in current}
    unarchived = [e for e in tx.stories_for_archive(query, full_pages * page_size, page_size)
                  if e.guid not in shown]
    if unarchived:  # stories with old dates that arrived late: keep them reachable
        current = sorted(current + unarchived, key=lambda e: e.published_at, reverse=True)
    pages = []
    for page in range(1, full_pages + 1):
        entries = tx.stories_for_archive(query, (page - 1) * page_size, page_size)
        links = ArchiveLinks(
            current=meta.url("atom"),
            prev_archive=f"{base}/{archive_relative(meta.id, page - 1)}" if page > 1 else None,
            next_archive=f"{base}/{archive_relative(meta.id, page + 1)}" if page < full_pages else None,
            is_archive=True,
        )
        page_meta = replace(meta, archive=links,
                            self_urls={"atom": f"{base}/{archive_relative(meta.id, page)}"})
        newest_first = sorted(entries, key=lambda e: e.published_at, reverse=True)
        pages.append(FeedDocument(archive_relative(meta.id, page), page_meta, newest_first))
    return current, pages


def current_links(meta: FeedMeta, archive_pages: list[FeedDocument]) -> ArchiveLinks:
    newest = archive_pages[-1].meta.self_url("atom") if archive_pages else None
    return ArchiveLinks(current=meta.url("atom"), prev_archive=newest)
