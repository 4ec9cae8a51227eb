"""The live pages people read: `/` (latest stories, paged), `/stories/<id>`, `/search` and its
subscribable forms `/search.atom|.rss|.json`. They read the store per request (search goes
through the databases' text indexes) and answer with the same validators as the files, so a
browser or reader that asks again gets a 304.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlencode
from zoneinfo import ZoneInfo

from feeds.formats import FORMATS, feed_formats
from feeds.http_request import ClientError
from feeds.pages import FeedLink, Site, render_home, render_search_page, render_story_page
from feeds.paths import guid_of_story_path
from feeds.regions import RegionPages, view_meta
from feeds.render import FeedMeta, newest_update
from feeds.select import feed_query, place_filter
from feeds.server import Representation
from items.explain import explain
from items.places.gazetteer import gazetteer
from settings.model import Config
from store.base import Store
from store.reading_tx import MAX_SEARCH_WORDS, MAX_WORD_CHARS, SearchQuery
from store.times import utc_now

PAGE_SIZE = 30
MAX_PAGE = 1000
SEARCH_FEED_ITEMS = 50
MAX_QUERY_CHARS = 200
_HTML = "text/html; charset=utf-8"
_SEARCH_FEEDS = {f"/search.{f.extension}": f.extension for f in feed_formats()}


@dataclass(frozen=True)
class SearchForm:
    """A search as typed: the form's fields, and the store query they mean."""

    fields: dict[str, str]
    query: SearchQuery
    page: int

    @classmethod
    def parse(cls, query_string: str, config: Config) -> SearchForm:
        params = {k: v[0].strip() for k, v in parse_qs(query_string).items() if v}
        q = params.get("q", "")
        if len(q) > MAX_QUERY_CHARS:
            raise ClientError(f"q is longer than {MAX_QUERY_CHARS} characters")
        words = tuple(dict.fromkeys(q.split()))
        if len(words) > MAX_SEARCH_WORDS or any(len(w) > MAX_WORD_CHARS for w in words):
            raise ClientError(f"q takes at most {MAX_SEARCH_WORDS} words of {MAX_WORD_CHARS} characters")
        tz = ZoneInfo(config.service.timezone)
        since, until = _day(params, "since", tz), _day(params, "until", tz)
        fields = {name: params.get(name, "") for name in ("q", "since", "until", "source", "region", "topic")}
        region = params.get("region") or None
        place = gazetteer().lookup(region) if region else None
        search = SearchQuery(words=words, since=since, until=until + timedelta(days=1) if until else None,
                             source_id=params.get("source") or None, region=None if place else region,
                             place=place_filter(place) if place else None, topic=params.get("topic") or None)
        return cls(fields, search, _page(params))

    @property
    def asked(self) -> bool:
        return self.query != SearchQuery()

    def query_string(self, page: int | None = None) -> str:
        pairs = [(k, v) for k, v in self.fields.items() if v]
        return urlencode(pairs + ([("page", page)] if page and page > 1 else []))


class ReaderPages:
    """A Site (see feeds.server) for the live pages; None for every other path."""

    def __init__(self, current_config: Callable[[], Config], store: Store):
        self._current_config = current_config  # read per request: a reload shows at once
        self._store = store
        self._regions = RegionPages(current_config, store)

    def lookup(self, url_path: str, query: str = "") -> Representation | None:
        if url_path.startswith("/regions/"):
            return self._regions.lookup(url_path)
        config = self._current_config()
        if url_path == "/":
            return self._home(config, _page(_params(query)))
        if url_path.startswith("/stories/"):
            guid = guid_of_story_path(url_path)
            return self._story(config, guid) if guid else None
        if url_path == "/search":
            return self._search_page(config, SearchForm.parse(query, config))
        if url_path in _SEARCH_FEEDS:
            return self._search_feed(config, _SEARCH_FEEDS[url_path], SearchForm.parse(query, config))
        return None

    def _home(self, config: Config, page: int) -> Representation:
        site = _site(config)
        with self._store.read() as tx:
            stories = tx.latest_stories((page - 1) * PAGE_SIZE, PAGE_SIZE + 1)
            feeds = [FeedLink(f.id, f.title, f.description, tx.feed_story_count(feed_query(f, config.sources)))
                     for f in config.feeds]
            configured = {s.id: s.name for s in config.sources}
            failing = [configured[s.id] for s in tx.source_states()
                       if s.id in configured and s.consecutive_failures > 0]
        shown = stories[:PAGE_SIZE]
        body = render_home(site, shown, feeds, failing, bool(configured) and len(failing) == len(configured),
                           _page_link(site, "/", "", page - 1), _page_link(site, "/", "", page + 1)
                           if len(stories) > PAGE_SIZE else None)
        return _page_representation(body, shown)

    def _story(self, config: Config, guid: str) -> Representation | None:
        with self._store.read() as tx:
            story_id = tx.story_id_by_guid(guid)
            entry = tx.story_entry(story_id) if story_id is not None else None
            if entry is None or story_id is None:
                return None
            appearances = tx.story_appearances(story_id)
            explanation = explain(tx, entry.url, ZoneInfo(config.service.timezone))
        body = render_story_page(_site(config), entry, appearances, explanation)
        return _page_representation(body, [entry])

    def _search_page(self, config: Config, form: SearchForm) -> Representation:
        site = _site(config)
        stories = None
        if form.asked:
            with self._store.read() as tx:
                stories = tx.search_stories(form.query, (form.page - 1) * PAGE_SIZE, PAGE_SIZE + 1)
        following = (_page_link(site, "/search", form.query_string(), form.page + 1)
                     if stories and len(stories) > PAGE_SIZE else None)
        shown = stories[:PAGE_SIZE] if stories is not None else None
        body = render_search_page(
            site, form.fields, shown, _search_feed_links(site, form),
            [{"id": s.id, "name": s.name} for s in config.sources],
            list(dict.fromkeys(r for s in config.sources for r in s.region)),
            _page_link(site, "/search", form.query_string(), form.page - 1), following)
        return _page_representation(body, shown or [])

    def _search_feed(self, config: Config, extension: str, form: SearchForm) -> Representation:
        if not form.asked:
            raise ClientError("a search feed needs at least one of q, since, until, source, region, topic")
        with self._store.read() as tx:
            entries = tx.search_stories(form.query, 0, SEARCH_FEED_ITEMS)
        meta = _search_meta(config, form)
        output = FORMATS[extension]
        return Representation.of(output.render(meta, entries), output.content_type,
                                  _last_modified(entries))


def _search_meta(config: Config, form: SearchForm) -> FeedMeta:
    """A search is a feed of its own; its page is /search itself."""
    label = " · ".join(v for v in form.fields.values() if v)
    return view_meta(config, "search", f"{config.service.title} 搜索：{label}", f"zonefeed 搜索结果：{label}",
                     "search", "?" + form.query_string(), page="search")


def _search_feed_links(site: Site, form: SearchForm) -> dict[str, str]:
    return {ext: f"{site.root}/search.{ext}?{form.query_string()}" for ext in ("atom", "rss", "json")}


def _site(config: Config) -> Site:
    return Site(config.service.title, config.service.base_url, ZoneInfo(config.service.timezone),
                config.service.timezone)


def _page_link(site: Site, path: str, query: str, page: int) -> str | None:
    if page < 1:
        return None
    pairs = "&".join(p for p in (query, f"page={page}" if page > 1 else "") if p)
    return f"{site.root}{path}" + (f"?{pairs}" if pairs else "")


def _page_representation(body: bytes, stories: list) -> Representation:
    return Representation.of(body, _HTML, _last_modified(stories))


def _last_modified(stories: list) -> float:
    """The newest story's update; an empty page was last modified now."""
    return (newest_update(stories) or utc_now()).timestamp()


def _params(query: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(query).items() if v}


def _page(params: dict[str, str]) -> int:
    raw = params.get("page", "1")
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise ClientError(f"page must be a whole number from 1 to {MAX_PAGE}")
    return int(raw)


def _day(params: dict[str, str], name: str, tz: ZoneInfo) -> datetime | None:
    raw = params.get(name)
    if not raw:
        return None
    try:
        return datetime.strptime(raw, "%Y-%m-%d").replace(tzinfo=tz)
    except ValueError:
        raise ClientError(f"{name} must be a date like 2026-11-30") from None
