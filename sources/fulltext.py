"""Summary-only feeds: an item that carries only a summary gets its article page's body.

The page is read exactly as an html source reads its articles (the same guarded fetcher, so
the same robots, politeness and caps; the same extraction), once per item: an item already
stored with its page's text is left out of the poll unless the feed shows it changed (a
correction: read the page once more). A page that cannot be read leaves the summary in place
and is tried again on later polls, at most MAX_TEXT_FAILURES times in a row.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Protocol

from model.raw import RawItem, StoredReading
from settings.model import SourceConfig
from sources.errors import BlockedError, FetchError, RateLimitedError
from sources.fetch import SourceFetcher
from sources.html.poll import fetch_article
from sources.reading import MAX_TEXT_FAILURES, failure_weight, listed_key
from text.cleaning import squash

log = logging.getLogger("zonefeed.fulltext")

FULL_TEXT_CHARS = 200  # less text than this in a feed item is a summary (a news article is longer)
_TAG = re.compile(r"<[^>]+>")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+);", re.I)
# What feeds put where they cut the text: an ellipsis, or a "read more" link text.
_CUT_MARK = re.compile(r"(?:…|\.\.\.|。。。|\[…\]|\[\.\.\.\]|阅读全文|查看全文|查看详情|详细内容|更多)\s*"
                       r"[>》»\]】)）]*\s*$")


class ReadingLookup(Protocol):
    """What the store says of how the items at these URLs were read (absent: never stored)."""

    def readings(self, source_id: str, urls: list[str]) -> dict[str, StoredReading]: ...


def is_summary(item: RawItem) -> bool:
    """Whether a feed item's text is a summary rather than the article: it ends where the feed
    cut it (…, ..., 阅读全文), or it is short (a description with no full content)."""
    text = _text(item.content_html or item.summary or "")
    return not text or bool(_CUT_MARK.search(text)) or len(text) < FULL_TEXT_CHARS


def _own_origin(item: RawItem) -> str:
    """What the item's own text is when its page adds nothing: a summary, or (fulltext =
    "always") the feed's full text."""
    return "summary" if is_summary(item) else "feed"


def _text(markup: str) -> str:
    return squash(_ENTITY.sub(" ", _TAG.sub(" ", markup)))


def wants_page(item: RawItem, mode: str) -> bool:
    """Whether the item's article page should be read, under the source's `fulltext` mode."""
    if mode == "never" or not item.url.lower().startswith(("http://", "https://")):
        return False
    return mode == "always" or is_summary(item)


def complete_texts(source: SourceConfig, fetch: SourceFetcher, known: ReadingLookup,
                   items: list[RawItem], refused: list[str]) -> tuple[list[RawItem], bool]:
    """The feed's items with page text where they need it, and whether every wanted
    page was read (when not, the caller keeps no validators, so the next poll tries again).
    Pages the source's trust refuses (a redirect into a private network) are noted in `refused`."""
    wants = [wants_page(item, source.fulltext) for item in items]
    wanted = [item.url for item, want in zip(items, wants, strict=True) if want]
    stored = known.readings(source.id, wanted) if wanted else {}
    out: list[RawItem] = []
    complete, stopped = True, False
    for item, want in zip(items, wants, strict=True):
        key = listed_key(item.title, item.summary, item.content_html, item.updated)
        if not want:
            out.append(replace(item, listed_key=key, text_origin="feed"))
            continue
        state = stored.get(item.url)
        if state is not None and state.listed_key == key and (
                state.text_origin in ("page", "feed") or state.text_failures >= MAX_TEXT_FAILURES):
            continue  # stored as it stands: nothing to fetch, nothing to change
        if stopped:  # the host asked us to wait: stored items keep what they have, new ones wait
            complete = False
            continue
        try:
            article = fetch_article(source, fetch, item.url, refused)
        except (RateLimitedError, BlockedError) as exc:
            log.warning("event=fulltext_deferred source=%s url=%s reason=%r", source.id, item.url, str(exc))
            stopped, complete = True, False
            continue
        except FetchError as exc:
            log.info("event=fulltext_failed source=%s url=%s reason=%r", source.id, item.url, str(exc))
            weight = failure_weight(exc)
            complete = complete and weight >= MAX_TEXT_FAILURES  # worth a retry: read the feed again
            if weight < MAX_TEXT_FAILURES and state is not None and state.text_origin == "page":
                continue  # a correction whose page is down for now: keep the stored text
            out.append(replace(item, listed_key=key, text_origin=_own_origin(item), article_failures=weight))
            continue
        if article is None or len(_text(article.body_html)) <= len(_text(item.content_html or item.summary or "")):
            # the extraction found no more than the feed gave (a script-built page, a menu): keep it
            out.append(replace(item, listed_key=key, text_origin=_own_origin(item),
                               article_failures=MAX_TEXT_FAILURES))
            continue
        out.append(replace(
            item, content_html=article.body_html, listed_key=key, text_origin="page",
            listed_title=item.title, page_title=article.title,
            published=item.published or article.published,
            publisher=item.publisher or article.publisher,
        ))
    return out, complete
