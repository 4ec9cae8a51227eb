"""Feeds narrowed by a reader's query string (?limit= ?q= ?region= ?topic=), rendered on demand.

RSSHub-style URLs must stay cheap to poll: a view is rendered once per (normalized query,
data version) and then answered from memory with the same strong ETag, so conditional
requests still get 304. Unknown parameters are ignored, so cache-busting junk shares a view.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlencode

from feeds.build import FEED_FORMATS, feed_meta
from feeds.reading import ReaderPages
from feeds.render import newest_update
from feeds.select import feed_query, narrow
from feeds.server import CONTENT_TYPES, Representation, Site, StaticSite
from settings.model import Config, FeedConfig
from store.base import Store

_FEED_PATH = re.compile(r"/feeds/([^/]+)\.(" + "|".join(ext for ext, _ in FEED_FORMATS) + ")")
MAX_WORDS = 5


@dataclass(frozen=True)
class ViewFilters:
    """A query string reduced to what changes the output, in one canonical order."""

    limit: int | None = None
    words: tuple[str, ...] = ()
    region: str | None = None
    topic: str | None = None

    @classmethod
    def parse(cls, query: str) -> ViewFilters | None:
        params = parse_qs(query, keep_blank_values=False)
        limit = None
        if "limit" in params:
            try:
                limit = max(1, int(params["limit"][0]))
            except ValueError:
                limit = None
        words = tuple(sorted({w for value in params.get("q", []) for w in value.split()}))[:MAX_WORDS]
        region = (params.get("region") or [None])[0]
        topic = (params.get("topic") or [None])[0]
        filters = cls(limit, words, region, topic)
        return filters if filters != cls() else None

    def label(self) -> str:
        limit = [f"≤{self.limit}"] if self.limit else []
        return " · ".join([*([self.region] if self.region else []), *([self.topic] if self.topic else []),
                           *self.words, *limit])

    def query_string(self) -> str:
        pairs = [("limit", self.limit)] if self.limit else []
        pairs += [("q", " ".join(self.words))] if self.words else []
        pairs += [("region", self.region)] if self.region else []
        pairs += [("topic", self.topic)] if self.topic else []
        return urlencode(pairs)


class FilteredViews:
    """Render-on-demand with an LRU cache; the data version is checked at most once a second."""

    def __init__(self, current_config: Callable[[], Config], store: Store, capacity: int = 256,
                 version_ttl: float = 1.0):
        self._current_config = current_config  # read per request: a reload shows at once
        self._store = store
        self._renders = {ext: render for ext, render in FEED_FORMATS}
        self._cache: OrderedDict[tuple[str, str, ViewFilters], tuple[tuple[str, int], Representation]] = OrderedDict()
        self._capacity = capacity
        self._version_ttl = version_ttl
        self._version: tuple[float, str] = (0.0, "")
        # One worker thread: one store connection, and a burst of misses renders each view once.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="feed-view")
        self._lock = threading.Lock()

    def lookup(self, url_path: str, query: str) -> Representation | None:
        match = _FEED_PATH.fullmatch(url_path)
        filters = ViewFilters.parse(query) if match else None
        config = self._current_config()
        feed = next((f for f in config.feeds if match and f.id == match.group(1)), None)
        if filters is None or feed is None:
            return None
        return self._worker.submit(self._view, config, feed, match.group(2), filters).result()

    def close(self) -> None:
        self._worker.shutdown(wait=True)

    def _view(self, config: Config, feed: FeedConfig, extension: str, filters: ViewFilters) -> Representation:
        version = (self._data_version(), id(config))
        key = (feed.id, extension, filters)
        with self._lock:
            cached = self._cache.get(key)
            if cached and cached[0] == version:
                self._cache.move_to_end(key)
                return cached[1]
        representation = self._render(config, feed, extension, filters)
        with self._lock:
            self._cache[key] = (version, representation)
            while len(self._cache) > self._capacity:
                self._cache.popitem(last=False)
        return representation

    def _data_version(self) -> str:
        checked_at, version = self._version
        if time.monotonic() - checked_at > self._version_ttl:
            with self._store.read() as tx:
                version = tx.feed_data_version()
            self._version = (time.monotonic(), version)
        return version

    def _render(self, config: Config, feed: FeedConfig, extension: str,
                filters: ViewFilters) -> Representation:
        query = narrow(feed_query(feed, config.sources), config.sources,
                       limit=filters.limit, words=filters.words, region=filters.region, topic=filters.topic)
        with self._store.read() as tx:
            entries = tx.stories_for_feed(query)
        meta = feed_meta(config, feed)
        suffix = "?" + filters.query_string()
        meta = replace(meta, title=f"{meta.title} ({filters.label()})",
                       self_urls={ext: meta.url(ext) + suffix for ext in self._renders},
                       atom_id=meta.url("atom") + suffix)
        body = self._renders[extension](meta, entries)
        return Representation.of(body, CONTENT_TYPES["." + extension],
                                  newest_update(entries).timestamp())


class FeedSite:
    """The static export, the live reading pages, and filtered views when a feed URL carries
    a query string."""

    def __init__(self, static: Site, views: FilteredViews, pages: Site | None = None):
        self._static = static
        self._views = views
        self._pages = pages

    def lookup(self, url_path: str, query: str = "") -> Representation | None:
        if self._pages is not None and not url_path.startswith("/feeds/"):
            page = self._pages.lookup(url_path, query)
            if page is not None:
                return page
        if query:
            found = self._views.lookup(url_path, query)
            if found is not None:
                return found
        return self._static.lookup(url_path)


def feed_site(current_config: Callable[[], Config], store: Store) -> FeedSite:
    """What the HTTP server answers from: the static export plus filtered views."""
    config = current_config()
    return FeedSite(StaticSite(config.service.data_dir / "public"), FilteredViews(current_config, store),
                    ReaderPages(current_config, store))
