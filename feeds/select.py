"""Config feed filters (and a reader's query-string filters) to a store query.

A region a feed names (by name or adcode: 重庆市, 500000, 万州经开区) matches every story tagged
with a place inside it, wherever the story was found; a region the gazetteer does not know
(check-config warns) still selects the sources configured with that region, as before.
"""

from __future__ import annotations

from dataclasses import replace

from items.places.gazetteer import CITY, COUNTY, PROVINCE, ZONE, Place, gazetteer
from settings.model import FeedConfig, SourceConfig
from store.tx import FeedQuery

_COLUMN = {PROVINCE: "province", CITY: "city", COUNTY: "county", ZONE: "zone"}


def place_filter(place: Place) -> tuple[str, str]:
    """The stored column and code that say "inside this place"."""
    return _COLUMN[place.level], place.code


def region_places(names: tuple[str, ...]) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """(place filters of the known regions, the names the gazetteer does not know)."""
    gaz = gazetteer()
    known, unknown = [], []
    for name in names:
        place = gaz.lookup(name)
        if place is None:
            unknown.append(name)
        else:
            known.append(place_filter(place))
    return tuple(known), tuple(unknown)


def feed_query(feed: FeedConfig, sources: tuple[SourceConfig, ...]) -> FeedQuery:
    """Sources and tags narrow the set of sources; regions, topics, investment size and
    keywords narrow the stories. A region the gazetteer does not know selects the sources
    configured with it (alone: as a source filter; next to known ones: as one more place)."""
    places, unknown = region_places(feed.regions)
    by_source = bool(unknown) and not places
    source_ids = None
    if feed.sources or feed.tags or by_source:
        source_ids = frozenset(s.id for s in sources if feed.takes(s)
                               and (not by_source or set(unknown) & set(s.region)))
    if unknown and places:
        places += tuple(("source", s) for s in sorted(sources_in_regions(unknown, sources)))
    return FeedQuery(source_ids=source_ids, include=feed.include, exclude=feed.exclude,
                     limit=feed.max_items, places=places, topics=feed.topics,
                     min_investment=feed.min_investment)


def sources_in_regions(regions: tuple[str, ...], sources: tuple[SourceConfig, ...]) -> frozenset[str]:
    return frozenset(s.id for s in sources if set(regions) & set(s.region))


def sources_in_region(region: str, sources: tuple[SourceConfig, ...]) -> frozenset[str]:
    return sources_in_regions((region,), sources)


def narrow(query: FeedQuery, sources: tuple[SourceConfig, ...], *, limit: int | None = None,
           words: tuple[str, ...] = (), region: str | None = None, topic: str | None = None) -> FeedQuery:
    """A reader's filters only ever narrow what the feed's config allows."""
    source_ids = query.source_ids
    must_places = query.must_places
    if region is not None:
        place = gazetteer().lookup(region)
        if place is not None:
            must_places = (*must_places, place_filter(place))
        else:
            in_region = sources_in_region(region, sources)
            source_ids = in_region if source_ids is None else source_ids & in_region
    return replace(query, source_ids=source_ids, must_match=query.must_match + words,
                   must_places=must_places, must_topics=query.must_topics + ((topic,) if topic else ()),
                   limit=min(limit, query.limit) if limit else query.limit)


NATIONAL_REGIONS = frozenset({"全国", "中国"})


def region_warnings(feeds: tuple[FeedConfig, ...], sources: tuple[SourceConfig, ...]) -> list[str]:
    """One line per region name the gazetteer does not know (check-config prints them)."""
    gaz, lines = gazetteer(), []
    for index, feed in enumerate(feeds):
        lines += [f"feeds[{index}].regions: {name!r} is not a place the gazetteer knows; the feed "
                  f"takes the sources configured with that region instead"
                  for name in feed.regions if name not in NATIONAL_REGIONS and gaz.lookup(name) is None]
    for index, source in enumerate(sources):
        lines += [f"sources[{index}].region: {name!r} is not a place the gazetteer knows; its stories "
                  f"get a place only from what they say" for name in source.region
                  if name not in NATIONAL_REGIONS and gaz.lookup(name) is None]
    return lines
