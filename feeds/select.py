"""Config feed filters (and a reader's query-string filters) to a store query."""

from __future__ import annotations

from dataclasses import replace

from settings.model import FeedConfig, SourceConfig
from store.tx import FeedQuery


def feed_query(feed: FeedConfig, sources: tuple[SourceConfig, ...]) -> FeedQuery:
    """Regions/sources/tags narrow the set of sources; keywords narrow the stories."""
    source_ids = None
    if feed.sources or feed.regions or feed.tags:
        source_ids = frozenset(s.id for s in sources if feed.takes(s))
    return FeedQuery(source_ids=source_ids, include=feed.include, exclude=feed.exclude,
                     limit=feed.max_items)


def sources_in_region(region: str, sources: tuple[SourceConfig, ...]) -> frozenset[str]:
    return frozenset(s.id for s in sources if region in s.region)


def narrow(query: FeedQuery, sources: tuple[SourceConfig, ...], *, limit: int | None = None,
           words: tuple[str, ...] = (), region: str | None = None) -> FeedQuery:
    """A reader's filters only ever narrow what the feed's config allows."""
    source_ids = query.source_ids
    if region is not None:
        in_region = sources_in_region(region, sources)
        source_ids = in_region if source_ids is None else source_ids & in_region
    return replace(query, source_ids=source_ids, must_match=query.must_match + words,
                   limit=min(limit, query.limit) if limit else query.limit)
