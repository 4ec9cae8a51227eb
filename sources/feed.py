"""RSS/Atom bytes to RawItems. feedparser only ever sees safe, UTF-8 bytes from memory."""

from __future__ import annotations

import io
import re

import feedparser

from model.raw import RawItem
from sources.decode import decode_document
from sources.errors import ParseError
from text.cleaning import nesting_depth, xml_named_refs

_INTERNAL_SUBSET = re.compile(r"<!DOCTYPE[^\[>]*\[.*?\]\s*>", re.I | re.S)
_ENTITY_DECLARATION = re.compile(r"<!ENTITY[^>]*>", re.I)
_ROOT_START = re.compile(r"<[A-Za-z_]")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_CHAR_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")
_CDATA = re.compile(r"<!\[CDATA\[.*?\]\]>", re.S)
MAX_DEPTH = 1000


def defuse(text: str) -> str:
    """Drop DOCTYPE internal subsets and every entity declaration before the root element.

    Entity bombs and XXE live there and real feeds never need them. feedparser's loose
    parser re-reads stray `<!ENTITY` lines of the prolog, so a subset cut short by a `]>`
    inside an entity value must not leave declarations behind.
    """
    text = _INTERNAL_SUBSET.sub("", text, count=1)
    root = _ROOT_START.search(text)
    split = root.start() if root else len(text)
    return _ENTITY_DECLARATION.sub("", text[:split]) + text[split:]


def parse_feed(source_id: str, body: bytes, content_type: str, url: str,
               encoding: str | None = None) -> list[RawItem]:
    """Parse a fetched feed; raise ParseError when nothing feed-like is in it."""
    text, _ = decode_document(body, content_type, encoding)
    if nesting_depth(_CDATA.sub("", text), MAX_DEPTH) > MAX_DEPTH:
        # feedparser slows down quadratically with depth; no real feed nests like this.
        raise ParseError(f"elements nested deeper than {MAX_DEPTH}: refused")
    text = _XML_DECL.sub('<?xml version="1.0" encoding="utf-8"?>', defuse(text), count=1)
    # Named references the stripped DOCTYPE declared (`&xxe;`) go; HTML ones become numeric.
    text = xml_named_refs(_CHAR_REF.sub(_xml_char_ref, text))
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


def _xml_char_ref(match: re.Match[str]) -> str:
    """Drop references to characters XML forbids: feedparser's loose parser crashes on
    `&#xD800;` and on code points past U+10FFFF."""
    code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
    allowed = code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD \
        or 0x10000 <= code <= 0x10FFFF
    return match.group(0) if allowed else ""


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
