"""Config feed filters to a store query."""

from __future__ import annotations

from items.store.tx import FeedQuery
from settings.model import FeedConfig, SourceConfig


def feed_query(feed: FeedConfig, sources: tuple[SourceConfig, ...]) -> FeedQuery:
    """Regions/sources/tags narrow the set of sources; keywords narrow the stories."""
    source_ids = None
    if feed.sources or feed.regions or feed.tags:
        source_ids = frozenset(
            s.id
            for s in sources
            if (not feed.sources or s.id in feed.sources)
            and (not feed.regions or set(feed.regions) & set(s.region))
            and (not feed.tags or set(feed.tags) & set(s.tags))
        )
    return FeedQuery(source_ids=source_ids, include=feed.include, exclude=feed.exclude,
                     limit=feed.max_items)
