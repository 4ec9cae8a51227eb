"""Appearances into stories: exact dedupe, story creation and the canonical appearance."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from items.model import Appearance
from items.store.tx import CanonicalCandidate, Tx
from items.titles import title_key

GUID_PREFIX = "tag:zonefeed,2026:story/"


@dataclass
class IngestReport:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    touched_stories: set[int] = field(default_factory=set)

    @property
    def changed(self) -> bool:
        return bool(self.new or self.updated)


def story_guid(app: Appearance) -> str:
    """Stable public id, derived from the appearance that created the story."""
    digest = hashlib.sha256(f"{app.source_id}\x1f{app.item_key}".encode()).hexdigest()[:24]
    return GUID_PREFIX + digest


def ingest(tx: Tx, appearances: list[Appearance], now: datetime) -> IngestReport:
    """Store each appearance once; re-ingesting the same input changes nothing."""
    report = IngestReport()
    tx.lock_stories()
    for app in appearances:
        stored = tx.find_appearance(app.source_id, app.item_key)
        if stored is None:
            story_id = tx.story_with_url(app.url)
            changed_at = now
            if story_id is None:
                story_id = tx.create_story(story_guid(app), app.published_at, now, app.url)
                changed_at = max(app.published_at, app.updated_at or app.published_at)
            if tx.insert_appearance(app, story_id, now) is None:  # another node was first
                report.unchanged += 1
                continue
            report.new += 1
        elif stored.fingerprint != app.fingerprint:
            story_id, changed_at = stored.story_id, now
            tx.update_appearance(stored.id, app)
            report.updated += 1
        else:
            report.unchanged += 1
            continue
        _choose_canonical(tx, story_id, changed_at)
        report.touched_stories.add(story_id)
    return report


def _choose_canonical(tx: Tx, story_id: int, changed_at: datetime) -> None:
    """Re-pick the canonical appearance; `changed_at` becomes the story's `updated` time."""
    candidates = tx.canonical_candidates(story_id)
    canonical = original_publisher(candidates) or candidates[0]
    tx.set_canonical(story_id, canonical.id, canonical.published_at, changed_at)


def original_publisher(candidates: list[CanonicalCandidate]) -> CanonicalCandidate | None:
    """The appearance on the site that the others credit as their 来源, if we have it."""
    credited = {title_key(c.publisher) for c in candidates if c.publisher}
    for candidate in candidates:
        if title_key(candidate.source_name) in credited:
            return candidate
    return None
