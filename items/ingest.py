"""Appearances into stories: exact dedupe, near-duplicate dedupe and the canonical appearance.

One call handles one collect's batch inside the caller's transaction with a handful of bulk
queries. Stories are the connected groups of "same story" verdicts, so the grouping does not
depend on the order in which sources are collected: when a new appearance matches two
stories, they merge into the older one (its GUID stays, the newer GUID ends).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum

from items.canonical import choose as canonical_of
from items.dedupe import NearDuplicates, Sketch, band_rows, match_doc, sketch_of, sketches_of
from items.matchtext import article_lines
from items.minhash import LSH
from items.similarity import MatchDoc
from items.urls import other_spellings, same_path
from model.stories import GUID_PREFIX, Appearance
from store.match_tx import Decision, StoredAppearance, StoredText, UrlHit
from store.tx import Tx

BACKFILL_PER_INGEST = 500  # appearances without keys of the current band scheme, keyed a slice at a time
MOVED_MIN_CHARS = 60  # a moved page is recognized by its text alone only when it has this much


@dataclass
class IngestReport:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    stories_created: int = 0
    stories_ended: int = 0  # merged into an older story
    ended_stories: set[int] = field(default_factory=set)

    @property
    def story_delta(self) -> int:
        """How many more stories there are after this ingest (what a COUNT(*) would say)."""
        return self.stories_created - self.stories_ended


def story_guid(app: Appearance) -> str:
    """Stable public id, derived from the appearance that created the story."""
    digest = hashlib.sha256(f"{app.source_id}\x1f{app.item_key}".encode()).hexdigest()[:24]
    return GUID_PREFIX + digest


ItemKey = tuple[str, str]  # (source id, item key): one appearance, whatever URL it is at now


def item_key_of(app: Appearance) -> ItemKey:
    return app.source_id, app.item_key


class Rule(Enum):
    """Why a new appearance joined a story that already existed (stored as dedupe_decisions.rule)."""

    SAME_URL = "same canonical URL"
    NEAR_DUPLICATE = "near-duplicate"


@dataclass(frozen=True)
class Joined:
    """The decision that put a new appearance into an existing story: the rule, the appearance
    it matched (None when a URL was shared) and the evidence (the URL, or the verdict)."""

    rule: Rule
    matched_id: int | None
    detail: str

    def record(self, appearance_id: int) -> Decision:
        return Decision(appearance_id, self.rule.value, self.matched_id, self.detail)


def ingest(tx: Tx, appearances: list[Appearance], now: datetime) -> IngestReport:
    """Store each appearance once; re-ingesting the same input changes nothing."""
    return Ingest(tx, now).run(appearances)


class Ingest:
    """One batch into stories, in the steps README.md's "Deduplication" section tells:

    1. `_recognize` the items already stored: under their own key, under another key at the
       same URL or its other spelling (`_join_same_page`), or at a moved URL (`_moved_pages`);
    2. `_add` each new item to the story `_place` finds (a shared URL, then near-duplicate
       text; an item bridging two stories merges them) or to a story of its own;
    3. `_update` a stored item a reader would now see differently (its band keys follow its
       text); a stored item that did not change is only noted as read again;
    4. `_finish`: band keys, decisions and readings in bulk, then each touched story's canonical.
    """

    def __init__(self, tx: Tx, now: datetime):
        self.tx, self.now = tx, now
        self.report = IngestReport()
        self.stored: dict[ItemKey, StoredAppearance] = {}
        self.sketches: dict[ItemKey, Sketch] = {}  # of the items not stored yet
        self.url_story: dict[str, int] = {}  # URL -> a story already holding it
        self.near: NearDuplicates  # made by _recognize, from the new items' sketches
        self.previous: dict[int, Sketch] = {}  # a changed appearance's id -> its sketch as stored
        self.changed_at: dict[int, datetime] = {}  # story -> its new `updated` time
        self.indexed: list[tuple[Sketch, int]] = []  # (sketch, appearance id) whose band rows to store
        self.alone: dict[int, tuple[int, datetime]] = {}  # story inserted here -> its only appearance so far
        self.created_before = set(tx.created_stories)  # by an earlier ingest in this transaction
        self.decisions: list[Decision] = []
        self.readings: list[tuple[int, Appearance]] = []  # stored appearances read again: how, this time

    def run(self, appearances: list[Appearance]) -> IngestReport:
        self.tx.lock_dedupe()
        _index_older(self.tx)
        batch = self._recognize(list({item_key_of(a): a for a in appearances}.values()))
        self._sketch_changed(batch)
        for app in batch:
            old = self.stored.get(item_key_of(app))
            if old is None:
                self._add(app)
            elif old.fingerprint != app.fingerprint:
                self._update(app, old)
            else:
                self.report.unchanged += 1
                self.readings.append((old.id, app))
        self._finish()
        return self.report

    def _recognize(self, batch: list[Appearance]) -> list[Appearance]:
        """Fill `stored` (what each item already is in the store) and sketch the new items;
        return the batch without items whose page another item of it already is."""
        tx = self.tx
        stored = self.stored = tx.find_appearances(item_key_of(a) for a in batch)
        missing = [a for a in batch if item_key_of(a) not in stored]
        at_url = tx.appearances_at_urls(u for a in missing for u in (a.url, *other_spellings(a.url)))
        twice = _join_same_page(missing, stored, at_url)
        fresh = [a for a in batch if item_key_of(a) not in stored and item_key_of(a) not in twice]
        self.url_story = {url: hits[0].story_id for url, hits in at_url.items()}
        self.sketches = dict(zip(map(item_key_of, fresh), sketches_of(fresh), strict=True))
        self.near = NearDuplicates(tx, list(self.sketches.values()))
        twice |= _moved_pages(tx, fresh, self.sketches, self.near, stored)
        if twice:  # one page listed twice in one poll (both spellings): it is stored once
            self.report.unchanged += len(twice)
            batch = [a for a in batch if item_key_of(a) not in twice]
        return batch

    def _sketch_changed(self, batch: list[Appearance]) -> None:
        """Sketch the stored text of each item that changed: its old band keys are dropped."""
        changed = {old.id for a in batch if (old := self.stored.get(item_key_of(a)))
                   and old.fingerprint != a.fingerprint}
        olds = self.tx.stored_texts(changed) if changed else []
        self.previous = {t.id: sketch for t, sketch in zip(olds, sketches_of(olds), strict=True)}

    def _add(self, app: Appearance) -> None:
        tx, now = self.tx, self.now
        sketch = self.sketches[item_key_of(app)]
        story_id, joined = _place(tx, app, sketch, self.near, self.url_story, now, self.report)
        appearance_id = tx.insert_appearance(app, story_id, now)
        if appearance_id is None:  # stored by another node first (lock_dedupe makes it rare)
            self.report.unchanged += 1
            return
        self.url_story.setdefault(app.url, story_id)
        self.indexed.append((self.near.add(sketch, appearance_id, story_id), appearance_id))
        if joined is None and story_id in tx.created_stories and story_id not in self.created_before:
            self.alone[story_id] = (appearance_id, app.published_at)
        else:
            self.alone.pop(story_id, None)
        if joined is not None:
            self.decisions.append(joined.record(appearance_id))
        # a new story is as recent as its item; a grown one changed now
        grown = joined is not None or story_id in self.changed_at
        self._touched(story_id, now if grown else max(app.published_at, app.updated_at or app.published_at))
        self.report.new += 1

    def _update(self, app: Appearance, old: StoredAppearance) -> None:
        self.tx.update_appearance(old.id, app)
        before = self.previous[old.id]
        self.tx.drop_bands(band_rows([(before, old.id)]))
        kept_date = app.date_is_guess  # a guessed date never replaces the stored one
        self.indexed.append((sketch_of(replace(app, published_at=before.doc.published_at) if kept_date else app),
                             old.id))
        self.report.updated += 1
        self.readings.append((old.id, app))
        self._touched(self.near.story(old.story_id), self.now)

    def _touched(self, story_id: int, moment: datetime) -> None:
        self.changed_at[story_id] = max(moment, self.changed_at.get(story_id, moment))

    def _finish(self) -> None:
        tx = self.tx
        tx.record_readings(self.readings)
        tx.add_bands(band_rows(self.indexed))
        tx.record_decisions(self.decisions)
        live = {self.near.story(s) for s in self.changed_at}
        _choose_canonicals(tx, live, {s: t for s, t in self.changed_at.items() if s in live}, self.alone)
        tx.log_story_changes(live | self.report.ended_stories)  # what the next render must show again


def _join_same_page(missing: list[Appearance], stored: dict[ItemKey, StoredAppearance],
                    at_url: dict[str, list[UrlHit]]) -> set[ItemKey]:
    """Map items that are a stored appearance of their own source under another key onto it;
    return those whose stored appearance another item of the batch already is.

    A new GUID for a URL the source already gave us is the same appearance, and so is the same
    URL spelled with the other scheme or with/without `www.` (a site moved to https)."""
    taken = {old.id for old in stored.values()}
    twice = set()
    for app in missing:
        hit = next((h for h in at_url.get(app.url, ()) if h.source_id == app.source_id), None)
        if hit is None:
            hit = next((h for url in other_spellings(app.url) for h in at_url.get(url, ())
                        if h.source_id == app.source_id), None)
            if hit is not None and hit.id in taken:
                twice.add(item_key_of(app))
                continue
        if hit is not None:
            stored[item_key_of(app)] = StoredAppearance(hit.id, hit.story_id, hit.fingerprint)
            taken.add(hit.id)
    return twice


def _moved_pages(tx: Tx, fresh: list[Appearance], sketches: dict[ItemKey, Sketch], near: NearDuplicates,
                 stored: dict[ItemKey, StoredAppearance]) -> set[ItemKey]:
    """New items that are a stored page of their own source at a moved URL (a new port or
    host, a new path): the same title and the same real publish time, and the same text (or,
    for a text too short to tell two notices apart, the same path and query too). An item with
    no date of its own (its time is the fetch time) moves only to the same path and query.

    Two different articles of one site with one title on one day differ in their text, so they
    stay apart. Candidates come from the band lookup the batch already made. Moves are added to
    `stored`; returned are items whose page another item of the batch already is."""
    twins = {item_key_of(a): near.same_page_candidates(sketches[item_key_of(a)], a.title, any_time=a.date_is_guess)
             for a in fresh}
    wanted = {i for ids in twins.values() for i in ids}
    if not wanted:
        return set()
    texts = {t.id: t for t in tx.stored_texts(wanted)}
    taken = {old.id for old in stored.values()}
    twice = set()
    for app in fresh:
        for candidate in twins.get(item_key_of(app), ()):
            text = texts.get(candidate)
            if text is None or not _is_moved_page(text, app, sketches[item_key_of(app)].doc):
                continue
            if candidate in taken:
                twice.add(item_key_of(app))
            else:
                stored[item_key_of(app)] = StoredAppearance(candidate, text.story_id, "")
                taken.add(candidate)
            break
    return twice


def _is_moved_page(stored: StoredText, app: Appearance, doc: MatchDoc) -> bool:
    """Whether `app` (a new item of the stored one's source, with the same publish time or
    none of its own) is the `stored` page at a moved URL.

    The same title and text: yes, at the same path and query; at a new path only with a real
    date and a text of MOVED_MIN_CHARS or more (a short `详见附件` is many notices). The same
    text under another title is the page with its title corrected while the site moved (`126亿`
    to `12.6亿` as it came back on another host): only at the very same path and query, with a
    real date and a text long enough to tell pages apart."""
    stored_doc = match_doc(stored)
    if stored.title == app.title and stored_doc.text == doc.text:
        return same_path(stored.url, app.url) or not (app.date_is_guess or len(doc.body) < MOVED_MIN_CHARS)
    return (same_path(stored.url, app.url) and not app.date_is_guess and len(doc.body) >= MOVED_MIN_CHARS
            and stored_doc.body == doc.body)


def _index_older(tx: Tx) -> None:
    """Give appearances without band keys of the current scheme theirs, a slice per call:
    those stored before the dedupe index, and all of them when the keys stored are another
    scheme's (which never match ours: they are dropped first)."""
    if tx.band_scheme() != LSH.name:
        tx.restart_band_index(LSH.name)
    texts = tx.unindexed_texts(BACKFILL_PER_INGEST)
    tx.add_bands(band_rows(zip(sketches_of(texts), (t.id for t in texts), strict=True)))


def _place(tx: Tx, app: Appearance, sketch: Sketch, near: NearDuplicates, url_story: dict[str, int],
           now: datetime, report: IngestReport) -> tuple[int, Joined | None]:
    """The story a new appearance joins (merging stories it bridges) and why (None: a new story)."""
    matches = near.matches(sketch)
    stories = {m.story_id for m in matches}
    decision = None
    if app.url in url_story:
        stories.add(near.story(url_story[app.url]))
        decision = Joined(Rule.SAME_URL, None, app.url)
    elif matches:
        best = matches[0]
        decision = Joined(Rule.NEAR_DUPLICATE, best.appearance_id, best.verdict.describe())
    if not stories:
        report.stories_created += 1
        return tx.create_story(story_guid(app), app.published_at, now, app.url), None
    survivor, *others = sorted(stories)
    for other in others:
        tx.merge_stories(survivor, other)
        report.stories_ended += 1
        report.ended_stories.add(other)
        near.merged(other, survivor)
    return survivor, decision


def _choose_canonicals(tx: Tx, story_ids: set[int], changed_at: dict[int, datetime],
                       alone: dict[int, tuple[int, datetime]]) -> None:
    """Re-pick each touched story's canonical (items/canonical.py); `changed_at` becomes the
    story's `updated` time.

    A story this ingest created that has one appearance is its own canonical: most stories of
    a collect are new, and they need no query."""
    candidates = tx.canonical_candidates_of(story_ids - alone.keys())
    rows = []
    for story_id in sorted(story_ids):
        if story_id in alone:
            rows.append((story_id, *alone[story_id], changed_at.get(story_id)))
            continue
        members = candidates.get(story_id)
        if not members:
            continue
        canonical, _ = canonical_of(members, lambda ids: _body_lines(tx, ids))
        rows.append((story_id, canonical.id, canonical.published_at, changed_at.get(story_id)))
    tx.set_canonicals(rows)


def _body_lines(tx: Tx, appearance_ids: Sequence[int]) -> dict[int, list[str]]:
    """Stored appearances' body lines, by id (what the canonical rule reads in a rare tie)."""
    return {t.id: article_lines(t.content_html or t.summary) for t in tx.stored_texts(appearance_ids)}
