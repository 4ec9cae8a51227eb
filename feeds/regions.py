"""/regions/: every province -> prefecture -> county -> zone that has stories, with counts,
and each place as a feed (/regions/<adcode or zone id>.atom|.rss|.json|.html) plus an OPML
of them all. Read live from the store, like the search feeds."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from feeds.build import feed_meta
from feeds.formats import FORMATS
from feeds.opml import OpmlFeed, render_opml
from feeds.pages import Site, render_regions_page
from feeds.render import FeedMeta, newest_update
from feeds.select import place_filter
from feeds.server import Representation, content_type
from items.places.gazetteer import CITY, Gazetteer, Place, gazetteer
from settings.model import Config
from store.base import Store
from store.times import utc_now
from store.tx import FeedQuery

REGION_FEED_ITEMS = 50
_PATH = re.compile(r"/regions/([0-9]{6}(?:-[a-z]{2,3})?)\.([a-z0-9]+)")  # a registered format
_HTML = "text/html; charset=utf-8"


@dataclass
class RegionNode:
    """One place with stories, and the places inside it that have stories."""

    place: Place
    stories: int
    children: list[RegionNode] = field(default_factory=list)


class RegionPages:
    def __init__(self, current_config: Callable[[], Config], store: Store):
        self._current_config = current_config
        self._store = store

    def lookup(self, url_path: str) -> Representation | None:
        config = self._current_config()
        if url_path == "/regions/":
            tree = self._tree()
            site = Site(config.service.title, config.service.base_url, ZoneInfo(config.service.timezone),
                        config.service.timezone)
            body = render_regions_page(site, tree, {"opml": f"{site.root}/regions/opml.xml",
                                                    "prefix": f"{site.root}/regions/"})
            return Representation.of(body, _HTML, utc_now().timestamp())
        if url_path == "/regions/opml.xml":
            return Representation.of(self._opml(config), content_type(".xml"), utc_now().timestamp())
        match = _PATH.fullmatch(url_path)
        if match and match.group(2) not in FORMATS:
            match = None
        place = gazetteer().lookup(match.group(1)) if match else None
        if match is None or place is None:
            return None
        with self._store.read() as tx:
            entries = tx.stories_for_feed(FeedQuery(places=(place_filter(place),), limit=REGION_FEED_ITEMS))
        output = FORMATS[match.group(2)]
        newest = newest_update(entries) or utc_now()
        return Representation.of(output.render(_meta(config, place), entries), output.content_type,
                                 newest.timestamp())

    def _tree(self) -> list[RegionNode]:
        with self._store.read() as tx:
            counts = tx.region_counts()
        return region_tree(gazetteer(), counts)

    def _opml(self, config: Config) -> bytes:
        base = config.service.base_url.rstrip("/")
        feeds = [OpmlFeed(f"{config.service.title} · {node.place.name}", f"{node.stories} 条",
                          f"{base}/regions/{node.place.code}.atom", f"{base}/regions/{node.place.code}.html")
                 for node in _walk(self._tree())]
        return render_opml(f"{config.service.title} 地区订阅", feeds)


def region_tree(gaz: Gazetteer, counts: dict[tuple[str, str], int]) -> list[RegionNode]:
    """Provinces with stories, each with its prefectures, counties and zones, in code order."""
    nodes = {code: RegionNode(place, counts[(column, code)])
             for (column, code) in sorted(counts) if (place := gaz.lookup(code)) is not None
             and not (place.level == CITY and place.name == gaz.places[place.province].name)}  # 重庆市's parts
    roots = []
    for _, node in sorted(nodes.items()):
        parent = gaz.parent(node.place)
        while parent is not None and parent.code not in nodes:
            parent = gaz.parent(parent)
        (nodes[parent.code].children if parent is not None else roots).append(node)
    return roots


def _walk(nodes: list[RegionNode]) -> list[RegionNode]:
    return [n for node in nodes for n in (node, *_walk(node.children))]


def _meta(config: Config, place: Place) -> FeedMeta:
    return view_meta(config, f"region-{place.code}", f"{config.service.title} · {place.name}",
                     f"关于{place.name}的新闻", f"regions/{place.code}")


def view_meta(config: Config, view_id: str, title: str, description: str, path: str,
              query: str = "", page: str | None = None) -> FeedMeta:
    """A view that is a feed of its own (a region, a search): its own title, and self URLs and
    Atom id at `path`.<ext>`query`; the sources, time zone and author every feed of `config`
    has. `page`: the view's HTML page, where it is not at `path`.html."""
    base = config.service.base_url.rstrip("/")
    template = feed_meta(config, config.feeds[0]) if config.feeds else None
    self_urls = {ext: f"{base}/{path}.{ext}{query}" for ext in FORMATS}
    return FeedMeta(
        view_id, title, description, base, ZoneInfo(config.service.timezone),
        sources=template.sources if template else {},
        self_urls=self_urls | ({"html": f"{base}/{page}{query}"} if page else {}),
        atom_id=f"{base}/{path}.atom{query}", author=config.service.title)
