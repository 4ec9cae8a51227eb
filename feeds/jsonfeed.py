"""Stories to JSON Feed 1.1 (https://jsonfeed.org/version/1.1), deterministic like the XML feeds."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from feeds.render import FeedMeta, content_with_also_at, entry_credit, newest_update, publishable
from model.stories import StoryEntry

VERSION = "https://jsonfeed.org/version/1.1"


def render_json(meta: FeedMeta, entries: list[StoryEntry]) -> bytes:
    entries = publishable(entries)
    feed: dict[str, Any] = {
        "version": VERSION,
        "title": meta.title,
        "home_page_url": meta.base_url.rstrip("/") + "/",
        "feed_url": meta.self_url("json"),
        "description": meta.description or meta.title,
        "language": "zh-CN",
        "authors": [{"name": meta.author}],
    }
    newest = newest_update(entries)
    if newest is not None:  # not a JSON Feed field: the newest entry's time, to show freshness
        feed["_zonefeed"] = {"updated": _time(newest, meta)}
    if meta.hub:
        feed["hubs"] = [{"type": "WebSub", "url": meta.hub}]
    feed["items"] = [_item(entry, meta) for entry in entries]
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _item(entry: StoryEntry, meta: FeedMeta) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": entry.guid,
        "url": entry.url,
        "title": entry.title,
        "content_html": content_with_also_at(entry),
    }
    if entry.summary:
        item["summary"] = entry.summary
    item["date_published"] = _time(entry.published_at, meta)
    item["date_modified"] = _time(entry.updated_at, meta)
    item["authors"] = [{"name": entry_credit(entry)}]
    if entry.categories:
        item["tags"] = list(entry.categories)
    if entry.enclosure_url:
        attachment: dict[str, Any] = {"url": entry.enclosure_url,
                                      "mime_type": entry.enclosure_type or "application/octet-stream"}
        if entry.enclosure_length:
            attachment["size_in_bytes"] = entry.enclosure_length
        item["attachments"] = [attachment]
    extension: dict[str, Any] = {}
    if entry.also_at:
        extension["also_at"] = [{"source": a.source_name, "url": a.url} for a in entry.also_at]
    if entry.places:
        extension["regions"] = [{"adcode": p.adcode, "name": p.name, "province": p.province, "city": p.city,
                                 "county": p.county, "zone": p.zone, "primary": p.primary}
                                for p in entry.places]
    if entry.topics:
        extension["topics"] = list(entry.topics)
    if entry.amounts:
        extension["investment"] = {
            "amount_cny": max(a.cny for a in entry.amounts),
            "amounts": [{"text": a.text, "value": a.value, "currency": a.currency} for a in entry.amounts]}
    if extension:
        item["_zonefeed"] = extension
    return item


def _time(moment: datetime, meta: FeedMeta) -> str:
    return moment.astimezone(meta.tz).isoformat()
