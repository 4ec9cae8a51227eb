"""Render every configured feed from committed state into the static export."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from feeds.index import FeedListing, render_index
from feeds.publish import publish
from feeds.render import FeedMeta, render_atom, render_rss
from feeds.select import feed_query
from items.store.sqlite import SQLiteStore
from settings.model import Config

log = logging.getLogger("zonefeed.feeds")


def build_feeds(config: Config, store: SQLiteStore) -> list[str]:
    """Write all feed files and the index; return the relative paths whose bytes changed."""
    public = config.service.data_dir / "public"
    tz = ZoneInfo(config.service.timezone)
    changed, listings = [], []
    with store.transaction() as tx:
        selections = [(feed, tx.stories_for_feed(feed_query(feed, config.sources)))
                      for feed in config.feeds]
    for feed, entries in selections:
        meta = FeedMeta(feed.id, feed.title, feed.description, config.service.base_url, tz)
        for extension, render in (("rss", render_rss), ("atom", render_atom)):
            relative = f"feeds/{feed.id}.{extension}"
            if publish(public, relative, render(meta, entries)):
                changed.append(relative)
        newest = max((e.updated_at for e in entries), default=None)
        listings.append(FeedListing(feed.id, feed.title, feed.description, len(entries),
                                    newest.astimezone(tz).strftime("%Y-%m-%d %H:%M") if newest else "—"))
    if publish(public, "index.html", render_index(config.service.title, listings)):
        changed.append("index.html")
    if changed:
        log.info("event=render changed=%s", ",".join(changed))
    return changed
