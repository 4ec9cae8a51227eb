"""Data that leaves the sources room: what a server sent and what a page said."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class FetchResult:
    """One HTTP exchange. `body` is empty when `not_modified`."""

    url: str
    status: int
    body: bytes
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    permanent_redirect: bool = False
    truncated: bool = False  # cut at max_bytes, or where the caller's `stop_when` said so
    content_length: int | None = None  # as the server announced it (the body may be cut)


@dataclass(frozen=True)
class Attachment:
    """A file an item links instead of text (PDF, Word, a ZIP served as a page)."""

    url: str
    mime_type: str
    length: int | None = None  # bytes, when the server said


@dataclass(frozen=True)
class RawItem:
    """One entry as its source published it; nothing decided, nothing cleaned."""

    source_id: str
    url: str
    title: str
    guid: str | None = None
    published: str | None = None
    updated: str | None = None
    summary: str | None = None
    content_html: str | None = None
    author: str | None = None
    publisher: str | None = None
    categories: tuple[str, ...] = field(default_factory=tuple)
    # How it was read (see TEXT_ORIGINS); kept beside the item, never shown to readers.
    listed_key: str = ""          # digest of what the list page or feed showed (corrections)
    text_origin: str = ""         # where content_html came from
    listed_title: str | None = None  # the list entry's or feed item's own title, as shown
    page_title: str | None = None  # the article page's own title, when the page was read
    article_failures: int = 0  # failures to add: 1 (worth a retry) or MAX_TEXT_FAILURES (gone for good)
    # Why this title and not another candidate (HTML pages: sources/html/title_choice.py).
    title_note: str | None = None
    attachment: Attachment | None = None  # set when the item is a file, not an article


# Where an item's text came from: the feed itself, the article page, only the feed's summary
# (a summary-only feed whose page could not be read), nothing but the list entry, or a file.
TEXT_ORIGINS = ("feed", "page", "summary", "list", "attachment")
FULL_TEXT_ORIGINS = frozenset({"feed", "page"})


@dataclass(frozen=True)
class StoredReading:
    """What the store remembers of how an item was read: enough to skip, re-read or retry it."""

    listed_key: str
    text_origin: str
    text_failures: int


@dataclass(frozen=True)
class Validators:
    """Conditional-GET state of one URL; saved only together with the items it led to."""

    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class RobotsRecord:
    """A host's robots.txt as last read: 4xx is kept as "no rules" (empty body), 5xx never."""

    origin: str
    fetched_at: datetime
    status: int
    body: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class SourceRead:
    """What one poll of a source produced."""

    source_id: str
    items: tuple[RawItem, ...]
    validators: tuple[Validators, ...] = ()
    not_modified: bool = False
    moved_to: str | None = None
    # links the source's trust refused (a private address on a public site): "url: reason"
    refused: tuple[str, ...] = ()
