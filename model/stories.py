"""What the items room hands on: normalized appearances and the stories feeds are made of."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

GUID_PREFIX = "tag:zonefeed,2026:story/"  # a story's public id: this and a digest (items.ingest)


@dataclass(frozen=True)
class PlaceTag:
    """A place a story is about: the division (adcode at each level) and zone, and why."""

    adcode: str                # the most specific division: county, else prefecture, else province
    name: str                  # as people say it (a zone's name for a zone)
    province: str
    city: str | None = None
    county: str | None = None
    zone: str | None = None    # zone id (a statistical code, or "<adcode>-<kind>")
    primary: bool = False
    evidence: str = ""         # "title: 万州经开区", "source region: 云阳县", ...


# Fixed reference rates to yuan: enough to tell a large project from a small one, not accounting.
CNY_RATES = {"CNY": 1.0, "USD": 7.1, "EUR": 7.7, "HKD": 0.91, "JPY": 0.047, "GBP": 9.0}


@dataclass(frozen=True)
class Amount:
    """An investment figure as written and as a number in its currency's units."""

    text: str
    value: float
    currency: str = "CNY"

    @property
    def cny(self) -> float:
        return self.value * CNY_RATES.get(self.currency, 0.0)


@dataclass(frozen=True)
class Appearance:
    """One story as seen at one URL on one source, normalized (dates aware UTC, HTML sanitized)."""

    source_id: str
    item_key: str
    url: str
    title: str
    published_at: datetime
    date_is_guess: bool
    date_is_day: bool = False  # published_at is a day (its midnight), not a moment of it
    content_html: str = ""
    summary: str = ""
    author: str | None = None
    publisher: str | None = None
    updated_at: datetime | None = None
    regions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    source_name: str = ""  # the source's configured name, for the credit rule (not stored here)
    enclosure_url: str | None = None  # set when the item is a file: linked, never read as text
    enclosure_type: str | None = None
    enclosure_length: int | None = None
    title_note: str | None = None  # why this title (HTML pages), for `explain`
    # how it was read (model.raw.RawItem): stored for corrections and extraction health,
    # not part of the fingerprint (a reader sees none of it)
    listed_key: str = ""
    text_origin: str = ""
    titles_agree: bool | None = None
    article_failures: int = 0
    places: tuple[PlaceTag, ...] = ()   # what the story is about (regions: where it was found)
    topics: tuple[str, ...] = ()
    amounts: tuple[Amount, ...] = ()

    @property
    def fingerprint(self) -> str:
        """Changes exactly when something a reader sees changes."""
        seen = "\x1f".join((self.url, self.title, self.content_html, self.summary,
                            self.author or "", self.publisher or ""))
        return hashlib.sha256(seen.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass(frozen=True)
class AlsoAt:
    source_id: str
    source_name: str
    url: str


@dataclass(frozen=True)
class StoryEntry:
    """A story ready for a feed: its canonical appearance plus where else it ran."""

    guid: str
    url: str
    title: str
    published_at: datetime
    updated_at: datetime
    source_id: str
    source_name: str
    content_html: str
    summary: str
    author: str | None = None
    publisher: str | None = None
    categories: tuple[str, ...] = ()
    also_at: tuple[AlsoAt, ...] = field(default_factory=tuple)
    enclosure_url: str | None = None
    enclosure_type: str | None = None
    enclosure_length: int | None = None
    regions: tuple[str, ...] = ()  # the places among `categories`
    places: tuple[PlaceTag, ...] = ()
    topics: tuple[str, ...] = ()
    amounts: tuple[Amount, ...] = ()


@dataclass(frozen=True)
class StoryAppearance:
    """One place a story ran, as its story page lists it (with why it joined, when known)."""

    source_id: str
    source_name: str
    url: str
    title: str
    published_at: datetime
    first_seen_at: datetime
    updated_at: datetime | None = None
    publisher: str | None = None
    rule: str | None = None
