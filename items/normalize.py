"""RawItem to Appearance: the one place where what a page said becomes what we believe."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from items.matchtext import publisher_from_text
from items.sanitize import html_to_text, sanitize_html
from items.tagging import Tagger, tagger
from items.titles import clean_title, strip_own_name
from items.urls import canonical_url
from model.raw import RawItem
from model.stories import Appearance
from settings.model import SourceConfig
from text.cleaning import squash_spaces, xml_safe
from text.dates import parse_date

SUMMARY_CHARS = 280


def normalize(raw: RawItem, source: SourceConfig, default_tz: str,
              first_seen: datetime | None = None, tags: Tagger | None = None) -> Appearance:
    """Normalize one raw item; `first_seen` is used (and flagged) when the item has no date.
    `tags` decides places and topics (default: the shipped gazetteer and default topics)."""
    tz = ZoneInfo(source.timezone or default_tz)
    now = first_seen or datetime.now(UTC)
    # Control characters (NUL above all: PostgreSQL refuses it in TEXT) never reach the store.
    url = xml_safe(canonical_url(raw.url, source.url))
    guid = xml_safe(raw.guid or "").strip()
    published = parse_date(raw.published, tz, now) or parse_date(raw.updated, tz, now)
    updated = parse_date(raw.updated, tz, now)
    content = sanitize_html(raw.content_html or raw.summary or "", url)
    summary_text = html_to_text(sanitize_html(raw.summary, url) if raw.summary else content)
    return (tags or tagger()).tagged(Appearance(
        source_id=source.id,
        item_key=guid or url,
        url=url,
        title=strip_own_name(clean_title(raw.title, strip_site_suffix=raw.title_from_page_title),
                             (source.name,)) or summary_text[:60] or url,
        published_at=published or now,
        date_is_guess=published is None,
        updated_at=updated,
        content_html=content,
        summary=_shorten(summary_text),
        author=squash_spaces(raw.author) if raw.author else None,
        publisher=_publisher(raw, content),
        regions=source.region,
        tags=tuple(dict.fromkeys(source.tags + tuple(filter(None, map(squash_spaces, raw.categories))))),
    ))


def _publisher(raw: RawItem, content: str) -> str | None:
    """ContentSource/来源/author as the source gave it, else the `来源：XX` line of the body."""
    if raw.publisher and raw.publisher.strip():
        return squash_spaces(raw.publisher)
    return publisher_from_text(content)


def _shorten(text: str) -> str:
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"
