"""RSS/Atom bytes to RawItems. feedparser only ever sees safe, UTF-8 bytes from memory."""

from __future__ import annotations

import io
import re

import feedparser

from sources.decode import decode_document
from sources.errors import ParseError
from sources.types import RawItem

_INTERNAL_SUBSET = re.compile(r"<!DOCTYPE[^\[>]*\[.*?\]\s*>", re.I | re.S)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


def defuse(text: str) -> str:
    """Drop DOCTYPE internal subsets: entity bombs and XXE live there, real feeds never need them."""
    head, tail = text[:65536], text[65536:]
    return _INTERNAL_SUBSET.sub("", head, count=1) + tail


def parse_feed(source_id: str, body: bytes, content_type: str, url: str,
               encoding: str | None = None) -> list[RawItem]:
    """Parse a fetched feed; raise ParseError when nothing feed-like is in it."""
    text, _ = decode_document(body, content_type, encoding)
    text = _XML_DECL.sub('<?xml version="1.0" encoding="utf-8"?>', defuse(text), count=1)
    parsed = feedparser.parse(
        io.BytesIO(text.encode("utf-8", "surrogatepass")),
        response_headers={
            "content-type": "application/xml; charset=utf-8",
            "content-location": url,
        },
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    if not parsed.entries and parsed.bozo and not parsed.feed.get("title"):
        reason = parsed.get("bozo_exception") or "not a feed"
        raise ParseError(f"not a readable RSS/Atom feed: {reason}")
    return [_raw_item(source_id, entry) for entry in parsed.entries if _link_or_id(entry)]


def _link_or_id(entry: feedparser.FeedParserDict) -> str:
    link = entry.get("link") or ""
    if not link and entry.get("guidislink", False):
        link = entry.get("id") or ""
    return link or entry.get("id") or ""


def _raw_item(source_id: str, entry: feedparser.FeedParserDict) -> RawItem:
    contents = entry.get("content") or []
    content_html = "".join(c.get("value", "") for c in contents[:1]) or None
    source = entry.get("source") or {}
    return RawItem(
        source_id=source_id,
        url=_link_or_id(entry),
        title=entry.get("title") or "",
        guid=entry.get("id") or None,
        published=entry.get("published") or entry.get("created") or None,
        updated=dict.get(entry, "updated") or None,  # bypass feedparser's updated->published fallback
        summary=entry.get("summary") or None,
        content_html=content_html,
        author=entry.get("author") or None,
        publisher=source.get("title") or None,
        categories=tuple(t.get("term", "") for t in entry.get("tags", []) if t.get("term")),
    )
