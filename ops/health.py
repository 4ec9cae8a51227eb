"""Extraction health of a source: are its latest items still read whole from their pages?

A site's redesign rarely breaks a poll outright; more often the list still parses while the
article text, the date or the title quietly stop being found. The figures are computed over the
latest WINDOW items and compared with the WINDOW before them, so such a fall is flagged
`degraded` with its reason before readers notice.
"""

from __future__ import annotations

from dataclasses import dataclass

from model.raw import FULL_TEXT_ORIGINS
from store.tx import ReadingRow

WINDOW = 20  # latest items measured; the WINDOW before them are the baseline
MIN_ITEMS = 5  # fewer items than this in either window: too few to call a fall
FALL = 0.3  # a share this much lower than the baseline (and under half of it) is a fall
# text_origin of an item whose link is a file: no text is expected of it. Files are counted
# once, by the store (SourceStatus.non_text_items), not again here.
NON_TEXT = "attachment"
MIN_FULL_TEXT = 100  # stored content HTML shorter than this is a scrap (a menu line), not an article


@dataclass(frozen=True)
class ExtractionHealth:
    items: int  # items measured (the latest, at most WINDOW)
    full_text: float | None  # share with the article's text (from the feed or the page)
    date_from_page: float | None  # share whose publish time was read, not the fetch time
    titles_agree: float | None  # share whose list/feed title and page title agree (where both exist)
    template_titles: int  # titles the source gives to several different URLs (a site name, a template)
    degraded: str | None = None  # why the latest items look worse than the ones before


_MEASURES = (("full text", "full_text"), ("dates from the page", "date_from_page"),
             ("list/page titles agreeing", "titles_agree"))


def extraction_health(rows: list[ReadingRow]) -> ExtractionHealth | None:
    """Health over `rows` (newest first, up to 2 x WINDOW); None when the source has no items."""
    if not rows:
        return None
    latest = _measure(rows[:WINDOW])
    earlier = _measure(rows[WINDOW:2 * WINDOW]) if len(rows) >= WINDOW + MIN_ITEMS else None
    reasons = []
    for label, name in _MEASURES if earlier and latest.items >= MIN_ITEMS else ():
        now, before = getattr(latest, name), getattr(earlier, name)
        if now is not None and before is not None and before - now >= FALL and now < before / 2:
            reasons.append(f"{label} {before:.0%} → {now:.0%} over the latest {latest.items} items")
    return ExtractionHealth(latest.items, latest.full_text, latest.date_from_page, latest.titles_agree,
                            latest.template_titles, "; ".join(reasons) or None)


def _measure(rows: list[ReadingRow]) -> ExtractionHealth:
    texts = [r for r in rows if r.text_origin and r.text_origin != NON_TEXT]  # '' = read before this was kept
    compared = [r.titles_agree for r in rows if r.titles_agree is not None]
    urls_of: dict[str, set[str]] = {}
    for row in rows:
        urls_of.setdefault(row.title, set()).add(row.url)
    return ExtractionHealth(
        items=len(rows),
        full_text=_share(sum(r.text_origin in FULL_TEXT_ORIGINS and r.content_chars >= MIN_FULL_TEXT
                             for r in texts), len(texts)),
        date_from_page=_share(sum(not r.date_is_guess for r in rows), len(rows)),
        titles_agree=_share(sum(compared), len(compared)),
        template_titles=sum(len(urls) > 1 for urls in urls_of.values()),
    )


def _share(count: int, total: int) -> float | None:
    return round(count / total, 3) if total else None
