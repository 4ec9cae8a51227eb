"""Feeds narrowed by a reader's query string (?limit= ?q= ?region= ?topic=), rendered on demand.

RSSHub-style URLs must stay cheap to poll: a view is rendered once per (normalized query,
data version) and then answered from memory with the same strong ETag, so conditional
requests still get 304. Unknown parameters are ignored, so cache-busting junk shares a view.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from feeds.build import feed_meta
from feeds.formats import FORMATS
from feeds.http_request import ClientError, parse_query
from feeds.reading import ReaderPages
from feeds.render import newest_update
from feeds.select import feed_query, narrow
from feeds.server import Representation, Site, StaticSite
from settings.model import Config, FeedConfig
from store import connect_store
from store.base import Store
from store.times import utc_now

log = logging.getLogger("zonefeed.http")
_FEED_PATH = re.compile(r"/feeds/([^/]+)\.([a-z0-9]+)")  # the extension must be a registered format
MAX_WORDS = 5  # ?q= words; all must match
FRONT_CACHE_KB = 2048  # page cache of each of the front's SQLite readers (the service's: 8 MB)
MAX_WORD = 50  # characters of one ?q= word or of ?region=: a pattern, not a document


@dataclass(frozen=True)
class ViewFilters:
    """A query string reduced to what changes the output, in one canonical order."""

    limit: int | None = None
    words: tuple[str, ...] = ()
    region: str | None = None
    topic: str | None = None

    @classmethod
    def parse(cls, query: str) -> ViewFilters | None:
        """The filters a query asks for, or None for none; a ClientError says what is wrong."""
        params = parse_query(query)
        limit = None
        if "limit" in params:
            text = params["limit"][0].strip()
            if not (text.isascii() and text.isdigit()) or int(text) < 1:
                raise ClientError(f"limit must be a whole number of at least 1, got {text[:20]!r}")
            limit = int(text)
        words = tuple(sorted({w for value in params.get("q", []) for w in value.split()}))
        if len(words) > MAX_WORDS:
            raise ClientError(f"at most {MAX_WORDS} words in q")
        region = (params.get("region") or [None])[0]
        topic = (params.get("topic") or [None])[0]
        if any(len(text) > MAX_WORD for text in (*words, region or "")):
            raise ClientError(f"a q word or region may have at most {MAX_WORD} characters")
        if topic is not None and len(topic) > MAX_WORD:
            raise ClientError(f"a topic may have at most {MAX_WORD} characters")
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


@dataclass(frozen=True)
class _Rendered:
    version: tuple[str, int]  # the store's data version and the config it was rendered for
    at: float  # time.monotonic() when it was rendered
    representation: Representation


class FilteredViews:
    """Render-on-demand with an LRU cache; the data version is checked at most once a second.

    Views render on the caller's thread (the server's view lane bounds how many at once); a
    burst of requests for one uncached view renders it once and the others wait for it. A view
    that new data outdated is still answered for up to `stale_for` seconds after it was
    rendered, while one thread renders it again: at national size the data changes every few
    seconds, and a reader polling a view waited for a render nearly every time (p99 95 ms at
    5,000 sources, bench/README.md), for a feed a few seconds older than it could be.
    """

    def __init__(self, current_config: Callable[[], Config], store: Store, capacity: int = 256,
                 version_ttl: float = 1.0, stale_for: float = 30.0):
        self._current_config = current_config  # read per request: a reload shows at once
        self._store = store
        self._cache: OrderedDict[tuple[str, str, ViewFilters], _Rendered] = OrderedDict()
        self._capacity = capacity
        self._version_ttl = version_ttl
        self._stale_for = stale_for
        self._version: tuple[float, str] = (0.0, "")
        self._rendering: dict[tuple, Future[Representation]] = {}
        self._lock = threading.Lock()

    def lookup(self, url_path: str, query: str) -> Representation | None:
        match = _FEED_PATH.fullmatch(url_path)
        if match and match.group(2) not in FORMATS:
            match = None
        filters = ViewFilters.parse(query) if match else None
        config = self._current_config()
        feed = next((f for f in config.feeds if match and f.id == match.group(1)), None)
        if filters is None or feed is None:
            return None
        return self._view(config, feed, match.group(2), filters)

    def _view(self, config: Config, feed: FeedConfig, extension: str, filters: ViewFilters) -> Representation:
        version = (self._data_version(), id(config))
        key = (feed.id, extension, filters)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                if cached.version == version:
                    return cached.representation
                if time.monotonic() - cached.at < self._stale_for:
                    if (key, version) not in self._rendering:
                        threading.Thread(target=self._refresh, args=(config, feed, extension, filters, version),
                                         name="view-refresh", daemon=True).start()
                    return cached.representation
        return self._render_once(config, feed, extension, filters, version)

    def _refresh(self, config: Config, feed: FeedConfig, extension: str, filters: ViewFilters,
                 version: tuple[str, int]) -> None:
        try:
            self._render_once(config, feed, extension, filters, version)
        except Exception as error:  # the stale view stays; the next request tries again
            log.warning("event=view_refresh_failed feed=%s error=%r", feed.id, str(error))

    def _render_once(self, config: Config, feed: FeedConfig, extension: str, filters: ViewFilters,
                     version: tuple[str, int]) -> Representation:
        """Render the view for `version`, or wait for the thread already rendering it."""
        key = (feed.id, extension, filters)
        with self._lock:
            underway = self._rendering.get((key, version))
            if underway is None:
                mine = self._rendering[(key, version)] = Future()
        if underway is not None:
            return underway.result()
        try:
            representation = self._render(config, feed, extension, filters)
        except BaseException as error:
            mine.set_exception(error)
            raise
        finally:
            with self._lock:
                del self._rendering[(key, version)]
        mine.set_result(representation)
        with self._lock:
            self._cache[key] = _Rendered(version, time.monotonic(), representation)
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
                       self_urls={ext: meta.url(ext) + suffix for ext in FORMATS},
                       atom_id=meta.url("atom") + suffix)
        output = FORMATS[extension]
        newest = newest_update(entries) or utc_now()  # an empty view was last modified now
        return Representation.of(output.render(meta, entries), output.content_type, newest.timestamp())


class FeedSite:
    """The static export, the live reading pages, and filtered views when a feed URL carries
    a query string."""

    def __init__(self, static: Site, views: FilteredViews, pages: Site | None = None,
                 front: Callable[[], Site] | None = None):
        self._static = static
        self._views = views
        self._pages = pages
        self._front = front

    def front(self) -> Site:
        return self._front() if self._front else self._static.front()

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
    """What the HTTP server answers from: the static export plus filtered views and reading
    pages; a front process (feeds.front) answers all of it from a store connection of its own."""
    config = current_config()
    return FeedSite(StaticSite(config.service.data_dir / "public"), FilteredViews(current_config, store),
                    ReaderPages(current_config, store), lambda: FrontFeedSite(current_config()))


class FrontFeedSite:
    """FeedSite as a front process builds it: sent there pickled (the config, no connections),
    it opens the store there on first use.

    The service process polls, ingests and renders, and its threads hold the GIL for most of
    that time; views and reading pages answered there waited for it (p99 69-398 ms in
    bench/steady.py runs of 500-5,000 sources, bench/README.md). In the front they wait only for the database.
    After a config reload the service sends a new FrontFeedSite; the store stays open (a
    storage change needs a restart), the views' cache starts afresh.
    """

    _stores: dict[str, Store] = {}  # per process: one connection pool per storage URL
    _stores_lock = threading.Lock()

    def __init__(self, config: Config):
        self._config = config
        self._site: FeedSite | None = None
        self._lock = threading.Lock()

    def __reduce__(self) -> tuple:
        return FrontFeedSite, (self._config,)

    def front(self) -> Site:
        return self

    def lookup(self, url_path: str, query: str = "") -> Representation | None:
        return self._live().lookup(url_path, query)

    def _live(self) -> FeedSite:
        site = self._site  # built once; every poll the front answers comes through here
        if site is None:
            with self._lock:
                if self._site is None:
                    config = self._config
                    store = self._store(config.storage.url, config.server.view_workers + 1)
                    self._site = feed_site(lambda: config, store)
                site = self._site
        return site

    @classmethod
    def _store(cls, url: str, connections: int) -> Store:
        """Connections for the view lane's threads and one refreshing a view, each SQLite
        reader with a small page cache: views read a feed's newest stories and the search
        index, pages the system's file cache holds anyway."""
        with cls._stores_lock:
            if url not in cls._stores:
                cls._stores[url] = connect_store(url, connections, FRONT_CACHE_KB)
            return cls._stores[url]
