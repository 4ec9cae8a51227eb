"""Queries about what stories are about: each appearance's places, topics and investment
figures (the places migration), read back with feed entries, counted for the /regions/ page, and the
slices of older appearances still waiting to be tagged."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from model.stories import Amount, Appearance, PlaceTag
from store.times import from_db

PLACE_COLUMNS = ("province", "city", "county", "zone")


class PlaceQueries:
    """Mixed into the store's transaction (store.tx.Tx), which provides `_q`."""

    _placeholder: str

    def _q(self, sql: str, params: Sequence[Any] = ()) -> Any:  # pragma: no cover - provided by Tx
        raise NotImplementedError

    def save_tags(self, appearance_id: int, app: Appearance, fresh: bool = False) -> None:
        """Replace an appearance's places, topics and amounts with `app`'s (`fresh`: a new
        appearance, which has none yet; an untagged one then costs no query)."""
        if fresh and not (app.places or app.topics or app.amounts):
            return
        if not fresh:
            self._q("DELETE FROM appearance_places WHERE appearance_id = ?", (appearance_id,))
        for position, tag in enumerate(app.places):
            self._q("INSERT INTO appearance_places (appearance_id, position, adcode, name, province, city, "
                    "county, zone, is_primary, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (appearance_id, position, tag.adcode, tag.name, tag.province, tag.city, tag.county,
                     tag.zone, int(tag.primary), tag.evidence))
        self._q("UPDATE appearances SET topics = ?, amounts = ?, investment_cny = ? WHERE id = ?",
                ("\n".join(app.topics), _amounts_json(app.amounts), _largest_cny(app.amounts),
                 appearance_id))

    def places_of(self, appearance_ids: Iterable[int]) -> dict[int, tuple[PlaceTag, ...]]:
        ids = sorted(set(appearance_ids))
        found: dict[int, list[PlaceTag]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows = self._q(
                "SELECT appearance_id, adcode, name, province, city, county, zone, is_primary, evidence "
                f"FROM appearance_places WHERE appearance_id IN ({', '.join('?' for _ in chunk)}) "
                "ORDER BY appearance_id, position", chunk).fetchall()
            for r in rows:
                found.setdefault(int(r[0]), []).append(
                    PlaceTag(adcode=r[1], name=r[2], province=r[3], city=r[4], county=r[5], zone=r[6],
                             primary=bool(r[7]), evidence=r[8]))
        return {k: tuple(v) for k, v in found.items()}

    def untagged_appearances(self, limit: int) -> list[tuple[int, Appearance]]:
        """Up to `limit` appearances stored before tagging existed (newest first); each call
        moves the mark past them, so the caller must tag and save them in this transaction."""
        row = self._q("SELECT until_id FROM tagging_backfill").fetchone()
        if row is None or int(row[0]) <= 0:
            return []
        rows = self._q("SELECT id, source_id, item_key, url, title, published_at, summary, publisher, "
                       "regions FROM appearances WHERE id <= ? ORDER BY id DESC LIMIT ?",
                       (int(row[0]), limit)).fetchall()
        last = min((int(r[0]) for r in rows), default=1) - 1
        self._q("UPDATE tagging_backfill SET until_id = ?", (last,))
        return [(int(r[0]), Appearance(source_id=r[1], item_key=r[2], url=r[3], title=r[4],
                                       published_at=from_db(r[5]), date_is_guess=False, summary=r[6],
                                       publisher=r[7], regions=tuple(x for x in r[8].split("\n") if x)))
                for r in rows]

    def region_counts(self) -> dict[tuple[str, str], int]:
        """(column, code) -> stories tagged there, for every province, city, county and zone."""
        counts: dict[tuple[str, str], int] = {}
        for column in PLACE_COLUMNS:
            rows = self._q(f"SELECT p.{column}, COUNT(DISTINCT a.story_id) FROM appearance_places p "
                           f"JOIN appearances a ON a.id = p.appearance_id WHERE p.{column} IS NOT NULL "
                           f"GROUP BY p.{column}").fetchall()
            counts.update({(column, r[0]): int(r[1]) for r in rows})
        return counts


def decode_amounts(text: str) -> tuple[Amount, ...]:
    return tuple(Amount(a["text"], float(a["value"]), a["currency"]) for a in json.loads(text)) if text else ()


def _amounts_json(amounts: tuple[Amount, ...]) -> str:
    if not amounts:
        return ""
    return json.dumps([{"text": a.text, "value": a.value, "currency": a.currency} for a in amounts],
                      ensure_ascii=False)


def _largest_cny(amounts: tuple[Amount, ...]) -> float | None:
    return max((a.cny for a in amounts), default=None)
