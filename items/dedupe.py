"""Near-duplicate candidates from the stored LSH bands, confirmed by the rule in similarity.py.

A `NearDuplicates` serves one ingest batch: it looks up every band key of the batch in one
query, loads the few candidate texts in another, and remembers the batch's own appearances so
items of one collect also meet each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from items.matchtext import comparison_text
from items.minhash import band_keys_many, shingle_hashes_many, signatures, title_band_key
from items.model import Appearance
from items.similarity import WINDOW, MatchDoc, Verdict, compare
from items.store.match_tx import MatchQueries, StoredText

PERIOD_DAYS = 8  # a lookup reads ~3 periods for the 10-day window


@dataclass
class Sketch:
    """An appearance reduced to what matching needs: its text form and its band keys."""

    doc: MatchDoc
    keys: list[int]

    def band_rows(self, appearance_id: int) -> list[tuple[int, int, int]]:
        """(published_period, band_key, appearance_id): the index's own order, so a plain sort
        puts a batch's rows in index order."""
        period = period_of(self.doc.published_at)
        return [(period, key, appearance_id) for key in self.keys]


def period_of(moment: datetime) -> int:
    """The PERIOD_DAYS-day period (counted from 1970-01-01 UTC) stored beside each band key."""
    return int(moment.timestamp() // 86400) // PERIOD_DAYS


def periods_around(moments: Iterable[datetime]) -> set[int]:
    """Every period a match of any of these publish times may have been published in."""
    periods: set[int] = set()
    for moment in moments:
        periods.update(range(period_of(moment - WINDOW), period_of(moment + WINDOW) + 1))
    return periods


@dataclass(frozen=True)
class Match:
    appearance_id: int
    story_id: int
    verdict: Verdict


def match_doc(app: Appearance | StoredText, appearance_id: int = 0) -> MatchDoc:
    text = comparison_text(app.title, app.content_html or app.summary)
    return MatchDoc(appearance_id, app.source_id, text.partition("\n")[0], text, app.published_at)


def sketch_of(app: Appearance | StoredText, appearance_id: int = 0) -> Sketch:
    return sketches_of([app], [appearance_id])[0]


def sketches_of(apps: Sequence[Appearance | StoredText], ids: Sequence[int] | None = None) -> list[Sketch]:
    """Sketches of a whole batch: the signatures are computed together (much cheaper)."""
    docs = with_hashes([match_doc(app, i) for app, i in zip(apps, ids or [0] * len(apps), strict=True)])
    sketches = []
    for doc, keys in zip(docs, band_keys_many(signatures([d.hashes for d in docs])), strict=True):
        if doc.title_key:
            keys.append(title_band_key(doc.title_key))
        sketches.append(Sketch(doc, keys))
    return sketches


def with_hashes(docs: list[MatchDoc]) -> list[MatchDoc]:
    """Fill in the shingle hashes of a batch of documents at once (numpy per batch, not per doc)."""
    for doc, hashes in zip(docs, shingle_hashes_many([d.text for d in docs]), strict=True):
        doc.hashes = hashes
    return docs


class NearDuplicates:
    def __init__(self, tx: MatchQueries, sketches: list[Sketch]):
        self._tx = tx
        self._hits: dict[int, list[tuple[int, int]]] = {}  # band key -> [(appearance, story)]
        self._docs: dict[int, MatchDoc] = {}
        self._redirect: dict[int, int] = {}  # merged story -> surviving story
        wanted = {key for s in sketches for key in s.keys}
        hits = []
        if wanted:
            hits = tx.band_hits(wanted, periods_around(s.doc.published_at for s in sketches))
        for hit in hits:
            self._hits.setdefault(hit.band_key, []).append((hit.appearance_id, hit.story_id))
        near = self._plausible(sketches, {h.appearance_id: h for h in hits})
        for doc in with_hashes([match_doc(text, text.id) for text in tx.stored_texts(near)]):
            self._docs[doc.appearance_id] = doc

    def _plausible(self, sketches: list[Sketch], hits: dict) -> set[int]:
        """Stored candidates worth loading: another source, published within the window."""
        wanted = set()
        for sketch in sketches:
            for key in sketch.keys:
                for appearance_id, _ in self._hits.get(key, ()):
                    hit = hits[appearance_id]
                    if (hit.source_id != sketch.doc.source_id
                            and abs(hit.published_at - sketch.doc.published_at) <= WINDOW):
                        wanted.add(appearance_id)
        return wanted

    def story(self, story_id: int) -> int:
        while story_id in self._redirect:
            story_id = self._redirect[story_id]
        return story_id

    def merged(self, merged: int, into: int) -> None:
        self._redirect[merged] = into

    def matches(self, sketch: Sketch) -> list[Match]:
        """One confirmed match per story among the candidates sharing a band, best first.

        Candidates sharing more bands are tried first; once a story is confirmed its other
        members need no comparison (the set of matched stories is what decides).
        """
        shared: dict[int, int] = {}
        story_of: dict[int, int] = {}
        for key in sketch.keys:
            for appearance_id, story_id in self._hits.get(key, ()):
                shared[appearance_id] = shared.get(appearance_id, 0) + 1
                story_of[appearance_id] = story_id
        found: dict[int, Match] = {}
        for appearance_id in sorted(shared, key=lambda i: (-shared[i], i)):
            story_id = self.story(story_of[appearance_id])
            other = self._docs.get(appearance_id)
            if story_id in found or other is None:  # None: filtered out before loading
                continue
            verdict = compare(sketch.doc, other)
            if verdict.same:
                found[story_id] = Match(appearance_id, story_id, verdict)
        return sorted(found.values(), key=lambda m: (-m.verdict.jaccard, m.appearance_id))

    def add(self, sketch: Sketch, appearance_id: int, story_id: int) -> None:
        """Make a just-stored appearance a candidate for the rest of the batch."""
        sketch.doc.appearance_id = appearance_id
        self._docs[appearance_id] = sketch.doc
        for key in sketch.keys:
            self._hits.setdefault(key, []).append((appearance_id, story_id))
