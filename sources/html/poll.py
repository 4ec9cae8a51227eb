"""One poll of an html source: list pages (conditional GET, paging, first-poll backfill),
then each NEW item's article page, fetched once (again only when its list title changes: a
correction), with its later pages when the article is split over pages."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Protocol

from model.raw import Attachment, FetchResult, RawItem, SourceRead, StoredReading, Validators
from settings.model import ListSelectors, SourceConfig
from sources import offload
from sources.decode import decode_document
from sources.errors import (
    BlockedError,
    FetchError,
    LayoutChangedError,
    ParseError,
    RateLimitedError,
    RefusedURLError,
    RobotsDisallowedError,
)
from sources.fetch import Fetcher, SourceFetcher
from sources.html.article import Article, extract_article, extract_continuation, stub_target
from sources.html.dom import parse_html
from sources.html.listing import ListEntry, unique_entries
from sources.html.lists import list_entries, prepare_list_tree
from sources.html.paging import ARTICLE_PAGE_LIMIT, next_page_url
from sources.html.title_choice import Candidate, choose_title
from sources.reading import MAX_TEXT_FAILURES, failure_weight, listed_key
from sources.sniff import SNIFF_BYTES, attachment_type, binary_type, mostly_not_text, type_for
from text.dates import find_date, with_clock
from text.titles import title_key

log = logging.getLogger("zonefeed.html")


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
    modified: bool
    moved_to: str | None
    refused: list[str]


def read_html(source: SourceConfig, fetcher: Fetcher, known: HtmlLookup) -> SourceRead:
    """Raise FetchError when the first list page cannot be read or holds no list any more.

    Every request goes through one SourceFetcher bound to this source's trust; a link it
    refuses (a private address on a public site) is left out and reported in `refused`.
    """
    with fetcher.for_source(source.url) as fetch:
        return _read(source, fetch, known)


def _read(source: SourceConfig, fetch: SourceFetcher, known: HtmlLookup) -> SourceRead:
    had_items = known.has_items(source.id)
    listed = _read_list_pages(source, fetch, known, source.pages if had_items else source.backfill_pages,
                              had_items)
    if not listed.modified:
        return SourceRead(source.id, (), not_modified=True, moved_to=listed.moved_to,
                          refused=tuple(listed.refused))
    reachable = _reachable(source, fetch, listed)
    stored = known.readings(source.id, [e.url for e in reachable])
    wanted = [e for e in reachable if _worth_reading(e, stored.get(e.url))]
    items, complete = _read_articles(source, fetch, wanted, stored, listed.refused)
    # Validators are saved only when every new item was read; otherwise a 304 would hide the rest.
    validators = tuple(listed.validators) if complete else ()
    return SourceRead(source.id, tuple(items), validators=validators, moved_to=listed.moved_to,
                      refused=tuple(listed.refused))


def _reachable(source: SourceConfig, fetch: SourceFetcher, listed: _ListPass) -> list[ListEntry]:
    """List entries this source may link to; the others are never fetched nor published."""
    kept = []
    for entry in listed.entries:
        try:
            fetch.guard.check(entry.url)
        except RefusedURLError as exc:
            _refused(source, entry.url, exc, listed.refused)
            continue
        except FetchError:
            pass  # a name that does not resolve now: the article fetch reports it
        kept.append(entry)
    return kept


def _refused(source: SourceConfig, url: str, exc: FetchError, refused: list[str]) -> None:
    log.warning("event=link_refused source=%s kind=%s url=%s reason=%r", source.id, exc.kind, url, str(exc))
    refused.append(f"{url}: {exc}")


def _read_list_pages(source: SourceConfig, fetch: SourceFetcher, known: HtmlLookup, page_limit: int,
                     had_items: bool) -> _ListPass:
    listed = _ListPass([], [], False, None, [])
    url: str | None = source.url
    visited: set[str] = set()
    selectors = source.list
    for index in range(page_limit):
        if url is None or url in visited:
            break
        visited.add(url)
        requested = url
        try:
            result = fetch.get_unless_unchanged(url, known.validators_for(url), truncate=True)
        except FetchError as exc:
            if index == 0:
                raise
            if isinstance(exc, RefusedURLError):
                _refused(source, url, exc, listed.refused)
            log.info("event=paging_stopped source=%s url=%s reason=%r", source.id, url, str(exc))
            break
        if result.truncated:
            log.warning("event=page_truncated source=%s url=%s max_bytes=%d", source.id, url,
                        fetch.settings.max_bytes)
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
                      "try `zonefeed probe URL` and set [sources.list] selectors")


def _worth_reading(entry: ListEntry, stored: StoredReading | None) -> bool:
    """A new entry; a stored one whose list title changed (a correction: re-read it once); a
    stored one whose article could not be read, a few times more."""
    if stored is None:
        return True
    if stored.listed_key and stored.listed_key != listed_key(entry.title):
        return True
    return stored.text_origin == "list" and 0 < stored.text_failures < MAX_TEXT_FAILURES


def _read_articles(source: SourceConfig, fetch: SourceFetcher, entries: list[ListEntry],
                   stored: dict[str, StoredReading], refused: list[str]) -> tuple[list[RawItem], bool]:
    """RawItems for the entries worth reading; stop (incomplete) when the host asks us to wait
    or blocks us. A stored item whose page cannot be read again keeps what it has; an article
    whose redirect, stub target or iframe is refused keeps what the list shows."""
    read: list[tuple[ListEntry, Article | Attachment | None, int]] = []
    complete = True
    for entry in entries:
        failures = 0
        try:
            if attachment_type(entry.url):
                article = _fetch_attachment(fetch, entry.url)
            else:
                article = fetch_article(source, fetch, entry.url, refused)
        except (RateLimitedError, BlockedError) as exc:
            log.warning("event=articles_deferred source=%s remaining=%d reason=%r",
                        source.id, len(entries) - len(read), str(exc))
            complete = False
            break
        except RobotsDisallowedError:
            article = _unread_attachment(entry.url)
        except RefusedURLError as exc:  # a redirect into space this source may not reach
            _refused(source, entry.url, exc, refused)
            article = None
        except FetchError as exc:
            log.info("event=article_unreadable source=%s url=%s reason=%r", source.id, entry.url, str(exc))
            article, failures = _unread_attachment(entry.url), failure_weight(exc)
        if article is None and entry.url in stored and stored[entry.url].text_origin == "page":
            continue  # a correction whose page is down: keep the stored text until a later poll
        if isinstance(article, Attachment):
            log.info("event=non_text_item source=%s url=%s type=%s length=%s", source.id, entry.url,
                     article.mime_type, article.length)
        read.append((entry, article, failures))
    templates = template_titles([(entry, article) for entry, article, _ in read])
    return [replace(_raw_item(source, entry, article, templates), article_failures=failures)
            for entry, article, failures in read], complete


def template_titles(read: list[tuple[ListEntry, Article | Attachment | None]]) -> set[str]:
    """Title keys this poll's list entries or pages offer for two or more different URLs: a
    site name, a column name, a template heading, a "查看详情" link, never one article's title."""
    urls_of: dict[str, set[str]] = {}
    for entry, article in read:
        urls_of.setdefault(title_key(entry.title), set()).add(entry.url)
        for candidate in article.title_candidates if isinstance(article, Article) else ():
            urls_of.setdefault(title_key(candidate.text), set()).add(entry.url)
    return {key for key, urls in urls_of.items() if key and len(urls) >= 2}


def fetch_article(source: SourceConfig, fetch: SourceFetcher, url: str,
                   refused: list[str]) -> Article | Attachment | None:
    """The article at `url` (with its later pages when it is split over pages), or the file it
    turned out to be (read no further than its start)."""
    result = fetch.get(url, truncate=True, stop_when=_file_start)
    page = _page_text(source, result)
    if isinstance(page, Attachment):
        return page
    target = stub_target(page, result.url)
    if target and target != result.url:
        try:  # once: a stub pointing at another stub is not chased
            result = fetch.get(target, truncate=True, stop_when=_file_start)
        except RefusedURLError as exc:
            _refused(source, target, exc, refused)
            return None
        page = _page_text(source, result)
        if isinstance(page, Attachment):
            return page
    article = offload.run(extract_article, page, result.url, source.article)
    if article.next_page is None:
        return article
    return _with_later_pages(source, fetch, article, result.url, page)


def _file_start(head: bytes) -> bool:
    return binary_type(head[:SNIFF_BYTES], "") is not None


def _page_text(source: SourceConfig, result: FetchResult) -> str | Attachment:
    """The decoded page, or an Attachment when the bytes or the decoded text are not text."""
    kind = binary_type(result.body[:SNIFF_BYTES], result.url, result.content_type)
    text = "" if kind else decode_document(result.body, result.content_type, source.encoding)[0]
    if kind or mostly_not_text(text):
        length = result.content_length or (None if result.truncated else len(result.body))
        return Attachment(result.url, kind or attachment_type(result.url) or "application/octet-stream", length)
    return text


def _fetch_attachment(fetch: SourceFetcher, url: str) -> Attachment:
    """A linked file's type and size from its first bytes and headers; the rest is not read."""
    result = fetch.get(url, truncate=True, stop_when=lambda head: True)
    kind = binary_type(result.body[:SNIFF_BYTES], result.url, result.content_type) or type_for(url)
    return Attachment(result.url, kind, result.content_length)


def _unread_attachment(url: str) -> Attachment | None:
    """A link to a file we could not fetch is still a file (its type from the extension)."""
    return Attachment(url, type_for(url)) if attachment_type(url) else None


def _require_html(content_type: str, url: str) -> None:
    kind = content_type.split(";")[0].strip().lower()
    if kind and "html" not in kind and not kind.startswith("text/"):
        raise ParseError(f"not an HTML page ({kind}): {url}")


def _with_later_pages(source: SourceConfig, fetch: SourceFetcher, first: Article, first_url: str,
                      first_text: str) -> Article:
    """An article split over pages: its body is the bodies of its pages in order, at most
    ARTICLE_PAGE_LIMIT pages, each fetched like any page (politeness, robots.txt, size cap).
    A later page that cannot be read ends the article there; a host asking us to wait defers
    the whole article to the next poll (so it is never stored cut short for good)."""
    html, texts = [first.body_html], [first.body_text]
    seen, url = {first_url}, first.next_page
    while url and url not in seen and len(seen) < ARTICLE_PAGE_LIMIT:
        seen.add(url)
        try:
            result = fetch.get(url, truncate=True)
            _require_html(result.content_type, url)
        except (RateLimitedError, BlockedError):
            raise
        except FetchError as exc:
            log.info("event=article_page_unreadable url=%s reason=%r", url, str(exc))
            break
        text, _ = decode_document(result.body, result.content_type, source.encoding)
        page = offload.run(extract_continuation, text, result.url, source.article, first_url, first_text)
        if page.body_text and page.body_text not in texts:  # a "page 2" that is page 1 again adds nothing
            html.append(page.body_html)
            texts.append(page.body_text)
        url = page.next_page
    if url and len(seen) >= ARTICLE_PAGE_LIMIT:
        log.info("event=article_pages_capped url=%s pages=%d", first_url, ARTICLE_PAGE_LIMIT)
    return replace(first, body_html="".join(html), body_text="\n".join(texts), next_page=None)


def _raw_item(source: SourceConfig, entry: ListEntry, article: Article | Attachment | None,
              templates: set[str]) -> RawItem:
    if not isinstance(article, Article):
        note = "the list entry (the link is a file)" if article else "the list entry (the page was not read)"
        return RawItem(source_id=source.id, url=entry.url, title=entry.title, published=entry.date_text,
                       title_note=note, attachment=article, listed_key=listed_key(entry.title),
                       text_origin="attachment" if article else "list")
    chosen = choose_title([Candidate("list", entry.title), *article.title_candidates],
                          (source.name, *article.site_names), templates)
    return RawItem(
        source_id=source.id,
        url=entry.url,
        title=chosen.title if chosen else entry.title,
        published=_stated_date(article.published, entry.date_text),
        content_html=article.body_html or None,
        author=article.author,
        publisher=article.publisher,
        categories=article.keywords,
        title_note=chosen.reason if chosen else "the list entry (the page offers no title)",
        listed_key=listed_key(entry.title),
        text_origin="page" if article.body_html else "list",
        listed_title=entry.title,
        page_title=article.title,
    )


def _stated_date(page: str | None, listed: str | None) -> str | None:
    """The page's date, else the list's; a page that states only a clock ("发布时间：14:20")
    lends it to the list's day, a list entry's time completes the page's day. (The URL's day
    comes after both, in items/normalize.py.)"""
    if page and listed and find_date(page) is None:
        return f"{listed} {page}"
    return with_clock(page, listed)
