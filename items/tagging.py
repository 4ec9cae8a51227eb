"""What a story is about: places, topics and investment figures, decided once per appearance
(at normalization, and again for stored appearances after the tagging migration)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache

from items.amounts import amounts_in
from items.places.gazetteer import Gazetteer, gazetteer
from items.regions import LEAD_CHARS, infer_places
from items.topics import topic_rules, topics_of
from model.stories import Appearance
from store.tx import Tx


class Tagger:
    def __init__(self, gaz: Gazetteer, rules: Mapping[str, tuple[str, ...]]):
        self.gazetteer = gaz
        self.rules = rules

    def tagged(self, app: Appearance) -> Appearance:
        """The appearance with its places, topics and amounts (from title and lead only)."""
        return replace(
            app,
            places=infer_places(self.gazetteer, app.title, app.summary, app.publisher, app.regions),
            topics=topics_of(app.title, app.summary, self.rules),
            amounts=amounts_in(app.title, app.summary[:LEAD_CHARS]),
        )


@lru_cache(maxsize=8)
def tagger(extra_topics: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> Tagger:
    """The shipped gazetteer with the default topics plus a config's `[topics]`."""
    return Tagger(gazetteer(), topic_rules(dict(extra_topics)))


RETAG_PER_COLLECT = 500


def retag_older(tx: Tx, tags: Tagger, limit: int = RETAG_PER_COLLECT) -> int:
    """Tag a slice of the appearances stored before tagging existed; how many were tagged."""
    older = tx.untagged_appearances(limit)
    for appearance_id, app in older:
        tx.save_tags(appearance_id, tags.tagged(app))
    return len(older)
