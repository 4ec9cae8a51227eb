"""One poll of an html source: list pages (conditional GET, paging, first-poll backfill),
then each NEW item's article page, fetched once (again only when its list title changes)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Protocol
from urllib.parse import urlsplit

from settings.model import ListSelectors, SourceConfig
from sources import offload
from sources.decode import decode_document
from sources.errors import (
    BlockedError,
    FetchError,
    LayoutChangedError,
    ParseError,
    RateLimitedError,
    RobotsDisallowedError,
)
from sources.fetch import Fetcher
from sources.html.article import Article, extract_article, stub_target
from sources.html.dom import parse_html
from sources.html.listing import ListEntry, unique_entries
from sources.html.lists import list_entries, prepare_list_tree
from sources.html.paging import next_page_url
from sources.reading import MAX_TEXT_FAILURES, failure_weight, listed_key
from sources.types import RawItem, SourceRead, StoredReading, Validators

log = logging.getLogger("zonefeed.html")
_DOCUMENTS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".rar", ".7z", ".wps",
              ".ofd", ".jpg", ".jpeg", ".png", ".gif", ".mp4")


class HtmlLookup(Protocol):
    """What a poll may ask the store: validators, how the items at these URLs were read (the
    absent ones are new), whether the source has any item."""

    def validators_for(self, url: str) -> Validators | None: ...
    def readings(self, source_id: str, urls: list[str]) -> dict[str, StoredReading]: ...
    def has_items(self, source_id: str) -> bool: ...


@dataclass
class _ListPass:
    entries: list[ListEntry]
    validators: list[Validators]
    requests: int
    modified: bool
    moved_to: str | None


def read_html(source: SourceConfig, fetcher: Fetcher, known: HtmlLookup) -> SourceRead:
    """Raise FetchError when the first list page cannot be read or holds no list any more."""
    had_items = known.has_items(source.id)
    listed = _read_list_pages(source, fetcher, known, source.pages if had_items else source.backfill_pages,
                              had_items)
    if not listed.modified:
        return SourceRead(source.id, (), not_modified=True, requests=listed.requests,
                          moved_to=listed.moved_to)
    stored = known.readings(source.id, [e.url for e in listed.entries])
    wanted = [e for e in listed.entries if _worth_reading(e, stored.get(e.url))]
    items, requests, complete = _read_articles(source, fetcher, wanted, stored)
    # Validators are saved only when every new item was read; otherwise a 304 would hide the rest.
    validators = tuple(listed.validators) if complete else ()
    return SourceRead(source.id, tuple(items), validators=validators,
                      requests=listed.requests + requests, moved_to=listed.moved_to)


def _read_list_pages(source: SourceConfig, fetcher: Fetcher, known: HtmlLookup, page_limit: int,
                     had_items: bool) -> _ListPass:
    listed = _ListPass([], [], 0, False, None)
    url: str | None = source.url
    visited: set[str] = set()
    selectors = source.list
    for index in range(page_limit):
        if url is None or url in visited:
            break
        visited.add(url)
        requested = url
        previous = known.validators_for(url)
        try:
            result = fetcher.get(url, etag=previous.etag if previous else None,
                                 last_modified=previous.last_modified if previous else None, truncate=True)
        except FetchError as exc:
            if index == 0:
                raise
            log.info("event=paging_stopped source=%s url=%s reason=%r", source.id, url, str(exc))
            break
        listed.requests += 1
        if result.truncated:
            log.warning("event=page_truncated source=%s url=%s max_bytes=%d", source.id, url,
                        fetcher.settings.max_bytes)
        if index == 0 and result.permanent_redirect and result.url != source.url:
            listed.moved_to = result.url
        if result.not_modified:
            url = next_page_url(url, None)
        else:
            listed.modified = True
            tree = parse_html(decode_document(result.body, result.content_type, source.encoding)[0])
            url = next_page_url(result.url, tree)  # before scripts go: TRS pagers are scripts
            prepare_list_tree(tree)
            entries, detection = list_entries(tree, result.url, selectors)
            if detection and index == 0:
                # Later pages may hold only a few items: read them the way page 1 was read.
                selectors = ListSelectors(detection.selector, *(
                    (source.list.link, source.list.title, source.list.date) if source.list else ()))
            if index == 0 and not entries:
                raise _empty_list_error(source, had_items)
            listed.entries.extend(entries)
            listed.validators.append(Validators(requested, result.etag, result.last_modified))
    listed.entries = unique_entries(listed.entries)
    return listed


def _empty_list_error(source: SourceConfig, had_items: bool) -> FetchError:
    how = "the configured [sources.list] selectors" if source.list and source.list.item else "list detection"
    if had_items:
        return LayoutChangedError(f"layout changed? {how} found 0 items on {source.url}, "
                                  "where earlier polls found items")
    return ParseError(f"no news list found on {source.url} by {how}; "
                      "try `python service.py probe URL` and set [sources.list] selectors")


def _worth_reading(entry: ListEntry, stored: StoredReading | None) -> bool:
    """A new entry; a stored one whose list title changed (a correction: re-read it once); a
    stored one whose article could not be read, a few times more."""
    if stored is None:
        return True
    if stored.listed_key and stored.listed_key != listed_key(entry.title):
        return True
    return stored.text_origin == "list" and 0 < stored.text_failures < MAX_TEXT_FAILURES


def _read_articles(source: SourceConfig, fetcher: Fetcher, entries: list[ListEntry],
                   stored: dict[str, StoredReading]) -> tuple[list[RawItem], int, bool]:
    """RawItems for the entries worth reading; stop (incomplete) when the host asks us to wait
    or blocks us. A stored item whose page cannot be read again keeps what it has."""
    items, requests, done = [], 0, 0
    for entry in entries:
        done += 1
        if urlsplit(entry.url).path.lower().endswith(_DOCUMENTS):
            items.append(_raw_item(source.id, entry, None, "attachment"))  # the list says it all
            continue
        failures = 0
        try:
            article, used = fetch_article(source, fetcher, entry.url)
        except (RateLimitedError, BlockedError) as exc:
            log.warning("event=articles_deferred source=%s remaining=%d reason=%r",
                        source.id, len(entries) - done + 1, str(exc))
            return items, requests, False
        except RobotsDisallowedError:
            article, used = None, 0
        except FetchError as exc:
            log.info("event=article_unreadable source=%s url=%s reason=%r", source.id, entry.url, str(exc))
            article, used, failures = None, 1, failure_weight(exc)
        requests += used
        if article is None and entry.url in stored and stored[entry.url].text_origin == "page":
            continue  # a correction whose page is down: keep the stored text until a later poll
        items.append(replace(_raw_item(source.id, entry, article), article_failures=failures))
    return items, requests, True


def fetch_article(source: SourceConfig, fetcher: Fetcher, url: str) -> tuple[Article, int]:
    result = fetcher.get(url, truncate=True)
    kind = result.content_type.split(";")[0].strip().lower()
    if kind and "html" not in kind and not kind.startswith("text/"):
        raise ParseError(f"not an HTML page ({kind}): {url}")
    text, _ = decode_document(result.body, result.content_type, source.encoding)
    target = stub_target(text, result.url)
    if target and target != result.url:
        followed = fetcher.get(target, truncate=True)  # once: a stub pointing at another stub is not chased
        text, _ = decode_document(followed.body, followed.content_type, source.encoding)
        return offload.run(extract_article, text, followed.url, source.article), 2
    return offload.run(extract_article, text, result.url, source.article), 1


def _raw_item(source_id: str, entry: ListEntry, article: Article | None, origin: str = "list") -> RawItem:
    if article is None:
        return RawItem(source_id=source_id, url=entry.url, title=entry.title, published=entry.date_text,
                       listed_key=listed_key(entry.title), text_origin=origin)
    title, from_page_title = _best_title(entry, article)
    return RawItem(
        source_id=source_id,
        url=entry.url,
        title=title,
        published=article.published or entry.date_text,
        content_html=article.body_html or None,
        author=article.author,
        publisher=article.publisher,
        categories=article.keywords,
        title_from_page_title=from_page_title,
        listed_key=listed_key(entry.title),
        text_origin="page" if article.body_html else "list",
        listed_title=entry.title,
        page_title=article.title,
    )


def _best_title(entry: ListEntry, article: Article) -> tuple[str, bool]:
    """The article's own title, else the list title unless cut short, else the page <title>."""
    if article.title and not article.title_is_page_title:
        return article.title, False
    if entry.title and not entry.title.endswith(("...", "…")):
        return entry.title, False
    if article.title:
        return article.title, True
    return entry.title, False
