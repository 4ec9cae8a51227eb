"""Why an appearance belongs to its story: the stored decision, and the rule replayed against
every appearance it shares an LSH band with (what `service.py explain URL` prints)."""

from __future__ import annotations

from datetime import tzinfo

from items.canonical import choose as canonical_of
from items.dedupe import (
    TEMPLATE_TITLES,
    NearDuplicates,
    match_doc,
    mostly_template,
    periods_around,
    sketch_of,
)
from items.matchtext import article_lines
from items.similarity import compare
from items.urls import canonical_url
from store.match_tx import MatchQueries, StoredText
from store.times import shown_time
from store.tx import Tx


def explain(tx: Tx, url: str, tz: tzinfo) -> list[str]:
    """Human-readable lines, times in `tz`; none when nothing is stored at `url` (after
    canonicalizing it)."""
    ids = tx.appearance_ids_at(canonical_url(url))
    lines: list[str] = []
    for text in tx.stored_texts(ids):
        lines += _explain_one(tx, text, tz)
    return lines


def _explain_one(tx: MatchQueries, app: StoredText, tz: tzinfo) -> list[str]:
    guid, canonical_id = tx.story_identity(app.story_id) or ("?", None)
    members = tx.canonical_candidates_of([app.story_id]).get(app.story_id, [])
    member_texts = {t.id: t for t in tx.stored_texts(m.id for m in members)}
    lines = [f"appearance #{app.id} {app.url}",
             f"  source {app.source_id}, published {shown_time(app.published_at, tz)}, title {app.title!r}",
             f"  title from {tx.title_note(app.id) or 'the item as the feed gave it'}",
             f"story #{app.story_id} {guid} ({len(members)} appearance(s))"]
    for member in sorted(members, key=lambda m: (m.published_at, m.source_id, m.item_key)):
        mark = "canonical" if member.id == canonical_id else "also at  "
        lines.append(f"  {mark} #{member.id} {member.source_name}: {member_texts[member.id].url}"
                     f" (来源 {member.publisher or '-'})")
    if canonical_id is not None and members:
        chosen, rule = canonical_of(members, lambda ids: {i: article_lines(member_texts[i].content_html) for i in ids})
        lines.append(f"  canonical rule: {rule}" if chosen.id == canonical_id else
                     f"  canonical rule: {rule} picks #{chosen.id} now (the stored one predates a change)")
    decision = tx.decision_for(app.id)
    if decision is None:
        lines.append("joined: started this story (nothing matched when it arrived)")
    else:
        matched = f" #{decision.matched_id}" if decision.matched_id else ""
        lines.append(f"joined: {decision.rule}{matched}: {decision.detail}")
    lines += _candidates(tx, app)
    lines += _places(tx, app.id)
    return lines


def _places(tx: Tx, appearance_id: int) -> list[str]:
    """What the appearance is about, and the evidence for each place."""
    tags = tx.places_of([appearance_id]).get(appearance_id, ())
    if not tags:
        return ["places: none (no place in title, lead, 来源 or the source's region)"]
    return ["places:"] + [f"  {'primary' if t.primary else 'also   '} {t.name} adcode {t.adcode}"
                          + (f" zone {t.zone}" if t.zone else "") + f" ({t.evidence})" for t in tags]


def _candidates(tx: MatchQueries, app: StoredText) -> list[str]:
    """Replay the rule against every appearance sharing a band with this one."""
    sketch = sketch_of(app, app.id)
    shared: dict[int, int] = {}
    for _, appearance_id in tx.band_hits(sketch.keys, periods_around([app.published_at])).pairs:
        if appearance_id != app.id:
            shared[appearance_id] = shared.get(appearance_id, 0) + 1
    templates = NearDuplicates(tx, [sketch]).template_keys(sketch)
    template_text = mostly_template(len(templates), len(sketch.keys))
    lines = [f"bands ignored as a site's template (one site, {TEMPLATE_TITLES}+ titles): "
             f"{len(templates)} of {len(sketch.keys)}"
             + (": the text is a template and matches nothing" if template_text else "")] if templates else []
    if not shared:
        return [*lines, "candidates sharing an LSH band: none"]
    lines.append(f"candidates sharing an LSH band ({len(shared)}):")
    for other in sorted(tx.stored_texts(shared), key=lambda t: t.id):
        verdict = compare(sketch.doc, match_doc(other, other.id))
        relation = "same story" if other.story_id == app.story_id else f"story #{other.story_id}"
        outcome = (f"SEPARATE: the text is a site's template (the pair alone: {verdict.describe()})"
                   if template_text and verdict.same else verdict.describe())
        lines.append(f"  #{other.id} [{relation}] {other.source_id} {other.url} "
                     f"bands={shared[other.id]} -> {outcome}")
    return lines
