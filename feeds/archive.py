"""RFC 5005 paged feeds: the current document plus stable, complete archive pages.

Archive pages cut a feed's stories in story-id order (ids only grow), oldest page first. A
page is cut once `page_size` stories lie past the previous cut, and the cut (the id of its
last story) is stored: page n is forever the stories with ids between cut n-1 and cut n, so
its members change only when one of its own stories changes (it merges away, or an older
story joins the feed), never because the feed grew. Pages are read by id range (an index
seek), so reading page 900 costs what reading page 1 does. The current document holds the
newest stories by date plus any not yet on a full page.
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, replace

from feeds.paths import archive_path, feed_path
from feeds.render import ArchiveLinks, FeedMeta
from feeds.tally import Tally, block_of, update_tally
from model.stories import StoryEntry
from store.base import Store
from store.tx import FeedQuery, IdRange, Tx


@dataclass(frozen=True)
class FeedDocument:
    """One Atom document of a feed: where it goes, how it describes itself, what it holds."""

    relative: str
    meta: FeedMeta
    entries: list[StoryEntry]


def feed_key(feed_id: str, query: FeedQuery) -> str:
    """Names a feed's page cuts: a feed whose filter or page size changes is paged afresh."""
    shape = repr((sorted(query.source_ids) if query.source_ids is not None else None,
                  query.include, query.exclude, query.must_match, query.limit))
    return f"{feed_id}:{hashlib.sha256(shape.encode()).hexdigest()[:16]}"


def new_cuts(tx: Tx, query: FeedQuery, cuts: list[int]) -> list[int]:
    """Cuts of the pages that have filled up since `cuts` (one short query per page)."""
    found: list[int] = []
    after = cuts[-1] if cuts else 0
    while (cut := tx.archive_cut(query, after, query.limit)) is not None:
        found.append(cut)
        after = cut
    return found


def page_ids(cuts: list[int], page: int) -> IdRange:
    return IdRange(cuts[page - 2] if page > 1 else 0, cuts[page - 1])


def page_of(cuts: list[int], story_id: int) -> int | None:
    """The archive page whose id range holds `story_id` (None: past the last full page)."""
    index = bisect.bisect_left(cuts, story_id)
    return index + 1 if index < len(cuts) else None


@dataclass
class PagePlan:
    """A feed's pages for one render: where they end and which to make again."""

    cuts: list[int]
    redo: list[int]  # pages whose document must be made again, oldest first
    tally: Tally  # how many stories the feed holds
    members: set[int]  # the changed stories the feed holds now
    grew: bool  # a page filled up


def plan_pages(store: Store, key: str, query: FeedQuery, changed: set[int] | None,
               before: Tally | None, newest: int) -> PagePlan:
    """Cut pages that filled up and find the pages a change touched (all of them when
    `changed` or `before` is None: nothing is known about what was shown). `newest`: the
    highest story id when the render began."""
    with store.read() as tx:
        cuts = tx.archive_bounds(key)
        counted = update_tally(tx, query, before, changed, newest, cuts[-1] if cuts else 0, members=True)
        added = new_cuts(tx, query, cuts) if counted.after_cut >= query.limit else []
    tally, moved, members = counted.tally, counted.moved, counted.members
    if added:
        with store.transaction() as tx:
            tx.add_archive_bounds(key, len(cuts) + 1, added)
    filled = len(cuts)
    cuts += added
    if changed is None or before is None:
        return PagePlan(cuts, list(range(1, len(cuts) + 1)), tally, members, bool(added))
    redo = set(range(filled + 1, len(cuts) + 1))
    if added and filled:
        redo.add(filled)  # its "next-archive" link appears
    redo.update(p for s in members if (p := page_of(cuts, s)))
    # a changed story the feed no longer holds left its page if its block's count moved
    redo.update(p for s in changed - members if block_of(s) in moved and (p := page_of(cuts, s)))
    return PagePlan(cuts, sorted(redo), tally, members, bool(added))


def archive_page(tx: Tx, meta: FeedMeta, query: FeedQuery, cuts: list[int], page: int) -> FeedDocument:
    """Archive page `page` (1 = oldest) of a feed whose full pages end at `cuts`."""
    base = meta.base_url.rstrip("/")
    ids = page_ids(cuts, page)
    entries = tx.stories_for_archive(query, ids.after, ids.through)
    links = ArchiveLinks(
        current=meta.url("atom"),
        prev_archive=f"{base}/{archive_path(meta.id, page - 1)}" if page > 1 else None,
        next_archive=f"{base}/{archive_path(meta.id, page + 1)}" if page < len(cuts) else None,
        is_archive=True,
    )
    page_meta = replace(meta, archive=links, self_urls={"atom": f"{base}/{archive_path(meta.id, page)}"})
    newest_first = sorted(entries, key=lambda e: e.published_at, reverse=True)
    return FeedDocument(archive_path(meta.id, page), page_meta, newest_first)


def current_document(tx: Tx, meta: FeedMeta, query: FeedQuery, cuts: list[int]) -> FeedDocument:
    """The feed's current document: newest by date, plus stories on no full page yet (late
    arrivals with old dates stay reachable)."""
    current = tx.stories_for_feed(query)
    shown = {e.guid for e in current}
    unarchived = [e for e in tx.stories_for_archive(query, cuts[-1] if cuts else 0, limit=query.limit)
                  if e.guid not in shown]
    if unarchived:
        current = sorted(current + unarchived, key=lambda e: e.published_at, reverse=True)
    newest = f"{meta.base_url.rstrip('/')}/{archive_path(meta.id, len(cuts))}" if cuts else None
    links = ArchiveLinks(current=meta.url("atom"), prev_archive=newest)
    return FeedDocument(feed_path(meta.id, "atom"), replace(meta, archive=links), current)
