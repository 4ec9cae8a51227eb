"""One poll of one source: the only entry point the scheduler needs from this room."""

from __future__ import annotations

from model.raw import SourceRead, Validators
from settings.model import SourceConfig
from sources import offload
from sources.errors import FetchError
from sources.feed import parse_feed
from sources.fetch import Fetcher
from sources.fulltext import complete_texts
from sources.html.poll import HtmlLookup, read_html


def read_source(source: SourceConfig, fetcher: Fetcher, known: HtmlLookup) -> SourceRead:
    """Fetch and parse `source`; raise FetchError (or a subclass) when it cannot be read."""
    if source.kind == "feed":
        return _read_feed(source, fetcher, known)
    if source.kind == "html":
        return read_html(source, fetcher, known)
    raise FetchError(f"source kind {source.kind!r} is not supported by this build")


def _read_feed(source: SourceConfig, fetcher: Fetcher, known: HtmlLookup) -> SourceRead:
    previous = known.validators_for(source.url)
    with fetcher.for_source(source.url) as fetch:
        result = fetch.get(
            source.url,
            etag=previous.etag if previous else None,
            last_modified=previous.last_modified if previous else None,
        )
        moved_to = result.url if result.permanent_redirect and result.url != source.url else None
        if result.not_modified:
            return SourceRead(source.id, (), not_modified=True, moved_to=moved_to)
        items = offload.run(parse_feed, source.id, result.body, result.content_type, result.url, source.encoding)
        refused: list[str] = []
        items, requests, complete = complete_texts(source, fetch, known, items, refused)
    # Validators only once every wanted article page was read: a 304 would hide the rest.
    validators = (Validators(source.url, result.etag, result.last_modified),) if complete else ()
    return SourceRead(source.id, tuple(items), validators=validators, requests=1 + requests,
                      moved_to=moved_to, refused=tuple(refused))
