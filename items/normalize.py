"""RawItem to Appearance: the one place where what a page said becomes what we believe."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from items.attachments import attachment_html
from items.matchtext import article_lines
from items.sanitize import html_to_text, sanitize_html
from items.tagging import Tagger, tagger
from items.urls import canonical_url, is_web_url
from model.raw import RawItem
from model.stories import Appearance
from settings.model import SourceConfig
from text.cleaning import squash_spaces, without_unknown_entities, xml_safe
from text.credit import MIN_NAME_CHARS, credit_in_lines, same_publisher
from text.dates import is_day_only, parse_date, resolve_published
from text.titles import clean_title, strip_own_name, titles_agree

SUMMARY_CHARS = 280


class RejectedItem(ValueError):
    """An item that must not be published at all; the message says why (one line)."""

    kind = "unsafe_link"


def normalize(raw: RawItem, source: SourceConfig, default_tz: str,
              first_seen: datetime | None = None, tags: Tagger | None = None) -> Appearance:
    """Normalize one raw item; `first_seen` is used (and flagged) when the item has no date.
    `tags` decides places and topics (default: the shipped gazetteer and default topics).

    Raise RejectedItem when its link, resolved against the source URL, is not http(s): the
    link is the item's identity and what readers click, so such an item is left out whole.
    """
    tz = ZoneInfo(source.timezone or default_tz)
    now = first_seen or datetime.now(UTC)
    # Control characters (NUL above all: PostgreSQL refuses it in TEXT) never reach the store.
    url = xml_safe(canonical_url(raw.url, source.url))
    if not is_web_url(url):
        raise RejectedItem(f"item link is not an http(s) URL: {url[:200]!r}")
    guid = xml_safe(raw.guid or "").strip()
    # Stated dates first (page or list; a feed's published, then updated), then the URL's day.
    published = resolve_published((raw.published, raw.updated), raw.url, tz, now)
    updated = parse_date(raw.updated, tz, now)
    file = raw.attachment
    # No `&xxe;` left by a hostile document reaches a reader, whatever path it came by.
    content = sanitize_html(without_unknown_entities(raw.content_html or raw.summary or ""), url)
    summary = without_unknown_entities(raw.summary or "")
    summary_text = html_to_text(sanitize_html(summary, url) if summary else content)
    title = strip_own_name(clean_title(raw.title), (source.name,)) or summary_text[:60] or url
    file_url = xml_safe(canonical_url(file.url, source.url)) if file else None
    if file and file_url:  # a file's bytes are never content: its entry links it
        content = sanitize_html(attachment_html(title, file_url, file.mime_type, file.length), url)
        summary_text = html_to_text(content)
    return (tags or tagger()).tagged(Appearance(
        source_id=source.id,
        item_key=guid or url,
        url=url,
        title=title,
        published_at=published or now,
        date_is_guess=published is None,
        date_is_day=published is not None and is_day_only(published, tz),
        updated_at=updated,
        content_html=content,
        summary=_shorten(summary_text),
        author=squash_spaces(raw.author) if raw.author else None,
        publisher=_publisher(raw, content, source.name),
        regions=source.region,
        source_name=source.name,
        enclosure_url=file_url,
        enclosure_type=file.mime_type if file else None,
        enclosure_length=file.length if file else None,
        title_note=raw.title_note,
        tags=tuple(dict.fromkeys(source.tags + tuple(filter(None, map(squash_spaces, raw.categories))))),
        listed_key=raw.listed_key,
        text_origin=raw.text_origin,
        titles_agree=titles_agree(raw.listed_title, raw.page_title),
        article_failures=raw.article_failures,
    ))


def _publisher(raw: RawItem, content: str, site: str) -> str | None:
    """Who first published it: ContentSource/info line/feed <source> as the source gave it,
    else the credit in the first or last lines of the body (`来源：XX`, `转自XX`), else a feed
    author that names an organization (a person's name is two or three characters).

    A stated publisher that is the site itself (`来源：本站名` in a template's info line) says
    nothing about the original: a body line crediting another publisher wins over it."""
    stated = squash_spaces(raw.publisher) if raw.publisher and raw.publisher.strip() else None
    if stated and not same_publisher(stated, site):
        return stated
    credited = credit_in_lines(article_lines(content))
    if credited and not same_publisher(credited, site):
        return credited
    if stated or credited:
        return stated or credited
    author = squash_spaces(raw.author or "")
    return author if len(author) > MIN_NAME_CHARS else None


def _shorten(text: str) -> str:
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"
