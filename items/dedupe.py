"""Near-duplicate candidates from the stored LSH bands, confirmed by the rule in similarity.py.

A `NearDuplicates` serves one ingest batch: it looks up every band key of the batch in one
query, loads the few candidate texts in another, and remembers the batch's own appearances so
items of one collect also meet each other.

Two guards keep one text shared by many pages from making ingest quadratic or merging
unrelated stories. A band key already held by KEY_CAP appearances around a publish time is not
stored again: a story re-posted by hundreds of sites is still found through its first
appearances, and a lookup never returns more than a few hundred rows per key. A key that one
site carries under TEMPLATE_TITLES different titles is that site's template (a footer or an
"article removed" page extracted as the body), so it proposes no candidates.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from operator import attrgetter

import numpy as np

from items.matchtext import comparison_text
from items.minhash import band_keys_many, shingle_hashes_many, signatures, title_band_key
from items.similarity import WINDOW, MatchDoc, Verdict, compare
from model.stories import Appearance
from store.match_tx import HitAppearance, MatchQueries, StoredText
from text.titles import title_key

PERIOD_DAYS = 8  # a lookup reads ~3 periods for the 10-day window
KEY_CAP = 64  # appearances a band key keeps around a publish time; later ones are not stored
TEMPLATE_TITLES = 3  # one site's pages under this many titles sharing a band key: its template


@dataclass
class Sketch:
    """An appearance reduced to what matching needs: its text form and its band keys."""

    doc: MatchDoc
    keys: list[int]


def mostly_template(template_keys: int, keys: int) -> bool:
    """A text with a third or more of its bands some site's template matches nothing: its
    likeness to anything is the template's."""
    return template_keys > 0 and 3 * template_keys >= keys


def band_rows(stored: Iterable[tuple[Sketch, int]]) -> Iterator[tuple[int, int, int]]:
    """(published_period, band_key, appearance_id) rows of (sketch, appearance id) pairs, sorted
    into the index's own order (inserts then walk the index once) by one numpy sort per batch.

    The rows are made one at a time as the insert takes them: thousands of tuples alive at
    once would only feed the garbage collector."""
    periods: list[int] = []
    keys: list[int] = []
    ids: list[int] = []
    for sketch, appearance_id in stored:
        count = len(sketch.keys)
        periods += [period_of(sketch.doc.published_at)] * count
        keys += sketch.keys
        ids += [appearance_id] * count
    if not keys:
        return iter(())
    table = np.array((periods, keys, ids), dtype=np.int64)
    return zip(*table[:, np.lexsort(table[::-1])].tolist(), strict=True)


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
    return MatchDoc(appearance_id, app.source_id, text.partition("\n")[0], text, app.published_at,
                    app.title, app.publisher or "", app.source_name)


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


class RecentDocs:
    """The documents of the last few thousand stored appearances, with whatever the rule has
    already computed on them (hashes, sorted hashes, title tokens).

    A collect's candidates are mostly appearances of the last few collects, so their documents
    are taken from here instead of being rebuilt. They are keyed by their content (every field
    of the document: `doc_content`), so one is reused only while all of it is what the store
    says now, and matching never depends on this cache. Holds between `size` and twice `size`
    documents: trimming is rare, remembering is cheap.
    """

    def __init__(self, size: int):
        self._size = size
        self._docs: dict[tuple[object, ...], MatchDoc] = {}  # by content, oldest first
        self._lock = threading.Lock()

    def docs_of(self, texts: Iterable[StoredText]) -> list[MatchDoc]:
        docs, built = [], []
        for text in texts:
            doc = match_doc(text, text.id)
            known = self._docs.get(doc_content(doc))
            if known is not None:
                doc = known
            else:
                built.append(doc)
            docs.append(doc)
        with_hashes(built)
        self.remember(docs)
        return docs

    def remember(self, docs: Iterable[MatchDoc]) -> None:
        held = self._docs
        for doc in docs:
            content = doc_content(doc)
            held.pop(content, None)  # re-inserted: now the newest
            held[content] = doc
        if len(held) > 2 * self._size:
            with self._lock:  # a document another thread adds meanwhile may be lost: a miss
                self._docs = dict(list(self._docs.items())[-self._size:])


# A document's content: all its fields (what the rule reads), none of what it computed from them.
doc_content = attrgetter(*(f.name for f in fields(MatchDoc)))
RECENT = RecentDocs(1024)


class NearDuplicates:
    """Band keys are held as key -> appearance id, or a list of ids for a shared key (the rare
    case): a list per key would give the garbage collector thousands of objects per batch."""

    def __init__(self, tx: MatchQueries, sketches: list[Sketch]):
        self._tx = tx
        self._hits: dict[int, int | list[int]] = {}  # band key -> appearance id(s)
        self._story_of: dict[int, int] = {}  # appearance id -> its story when met
        self._docs: dict[int, MatchDoc] = {}
        self._redirect: dict[int, int] = {}  # merged story -> surviving story
        self._template: dict[int, bool] = {}  # band key shared by 3+ appearances -> a template?
        self._titles: dict[int, str] = {}  # appearance id -> title key, when a template is suspected
        wanted = {key for s in sketches for key in s.keys}
        hits = tx.band_hits(wanted, periods_around(s.doc.published_at for s in sketches)) if wanted else None
        self._met = met = hits.appearances if hits else {}
        for key, appearance_id in hits.pairs if hits else ():
            self._file(key, appearance_id)
        self._story_of.update((appearance_id, hit.story_id) for appearance_id, hit in met.items())
        near = self._plausible(sketches, met)
        for doc in RECENT.docs_of(tx.stored_texts(near)):
            self._docs[doc.appearance_id] = doc

    def _file(self, key: int, appearance_id: int, cap: int | None = None) -> bool:
        """Record that the appearance holds `key`; False (nothing recorded) when `cap`
        appearances hold it already. A key that gains a holder may have become a template."""
        held = self._hits.get(key)
        if held is None:
            self._hits[key] = appearance_id
        elif isinstance(held, int):
            self._hits[key] = [held, appearance_id]
        elif cap is None or len(held) < cap:
            held.append(appearance_id)
            self._template.pop(key, None)
        else:
            return False
        return True

    def _sharing(self, key: int) -> Sequence[int]:
        held = self._hits.get(key)
        return () if held is None else (held,) if isinstance(held, int) else held

    def _proposing(self, key: int) -> Sequence[int]:
        """The appearances sharing `key`, none when the key is a site's template."""
        held = self._sharing(key)
        if len(held) < TEMPLATE_TITLES:
            return held
        template = self._template.get(key)
        if template is None:
            template = self._template[key] = self._is_template(held)
        return () if template else held

    def _is_template(self, holders: Sequence[int]) -> bool:
        """Whether one site holds the key under TEMPLATE_TITLES titles. Sources are counted
        first: titles (a normalization each) only matter when one site holds the key often."""
        by_source: dict[str, list[int]] = {}
        for appearance_id in holders:
            doc = self._docs.get(appearance_id)
            source_id = doc.source_id if doc else self._met[appearance_id].source_id
            by_source.setdefault(source_id, []).append(appearance_id)
        return any(len(ids) >= TEMPLATE_TITLES and len({self._title(i) for i in ids}) >= TEMPLATE_TITLES
                   for ids in by_source.values())

    def _title(self, appearance_id: int) -> str:
        """Title key of an appearance met in this batch."""
        title = self._titles.get(appearance_id)
        if title is None:
            doc = self._docs.get(appearance_id)
            title = self._titles[appearance_id] = doc.title_key if doc else title_key(self._met[appearance_id].title)
        return title

    def template_keys(self, sketch: Sketch) -> list[int]:
        """The sketch's band keys that are some site's template (what `explain` reports)."""
        return [key for key in sketch.keys if self._sharing(key) and not self._proposing(key)]

    def _plausible(self, sketches: list[Sketch], hits: dict[int, HitAppearance]) -> set[int]:
        """Stored candidates worth loading: another source, published within the window."""
        wanted = set()
        held = self._hits
        for sketch in sketches:
            for key in sketch.keys:
                if key not in held:  # most keys: checked inline, this loop runs per band key
                    continue
                for appearance_id in self._proposing(key):
                    hit = hits[appearance_id]
                    if (hit.source_id != sketch.doc.source_id
                            and abs(hit.published_at - sketch.doc.published_at) <= WINDOW):
                        wanted.add(appearance_id)
        return wanted

    def same_page_candidates(self, sketch: Sketch, title: str, any_time: bool = False) -> list[int]:
        """Stored appearances of the sketch's own source sharing a band with it, with the very
        same publish time (unless `any_time`: the sketch's time is only its fetch time): the
        only ones that can be its page at a moved URL. Those under the very same `title` come
        first; the others can only be that page with its title corrected (the caller decides)."""
        doc, held, met = sketch.doc, self._hits, self._met
        found = []
        for key in sketch.keys:
            for appearance_id in self._sharing(key) if key in held else ():
                hit = met.get(appearance_id)
                if (hit is not None and hit.source_id == doc.source_id
                        and (any_time or hit.published_at == doc.published_at) and appearance_id not in found):
                    found.append(appearance_id)
        return sorted(found, key=lambda i: met[i].title != title)  # stable: band order otherwise

    def story(self, story_id: int) -> int:
        while story_id in self._redirect:
            story_id = self._redirect[story_id]
        return story_id

    def merged(self, merged: int, into: int) -> None:
        self._redirect[merged] = into

    def matches(self, sketch: Sketch) -> list[Match]:
        """One confirmed match per story among the candidates sharing a band, best first.

        Candidates sharing more bands are tried first; once a story is confirmed its other
        members need no comparison (the set of matched stories is what decides). A text that is
        `mostly_template` matches nothing.
        """
        shared: dict[int, int] = {}
        held = self._hits
        templates = 0
        for key in sketch.keys:
            if key not in held:  # most keys: checked inline, this loop runs per band key
                continue
            proposed = self._proposing(key)
            templates += not proposed
            for appearance_id in proposed:
                shared[appearance_id] = shared.get(appearance_id, 0) + 1
        if mostly_template(templates, len(sketch.keys)):
            return []
        found: dict[int, Match] = {}
        for appearance_id in sorted(shared, key=lambda i: (-shared[i], i)):
            story_id = self.story(self._story_of[appearance_id])
            other = self._docs.get(appearance_id)
            if story_id in found or other is None:  # None: filtered out before loading
                continue
            verdict = compare(sketch.doc, other)
            if verdict.same:
                found[story_id] = Match(appearance_id, story_id, verdict)
        return sorted(found.values(), key=lambda m: (-m.verdict.jaccard, m.appearance_id))

    def add(self, sketch: Sketch, appearance_id: int, story_id: int) -> Sketch:
        """Make a just-stored appearance a candidate for the rest of the batch; return its
        sketch with the band keys worth storing (those not yet held by KEY_CAP appearances)."""
        sketch.doc.appearance_id = appearance_id
        self._docs[appearance_id] = sketch.doc
        self._story_of[appearance_id] = story_id
        RECENT.remember([sketch.doc])
        held = self._hits
        capped = []
        for key in sketch.keys:
            if key not in held:  # most keys: set inline, this loop runs per band key
                held[key] = appearance_id
            elif not self._file(key, appearance_id, KEY_CAP):
                capped.append(key)
        return Sketch(sketch.doc, [k for k in sketch.keys if k not in capped]) if capped else sketch
