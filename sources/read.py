"""The built-in source kinds: RSS/Atom feeds (with full text for summary-only items) and HTML
list pages; each registers its reader in sources/kinds.py like any other kind."""

from __future__ import annotations

from model.raw import SourceRead, Validators
from settings.model import SourceConfig
from sources import offload
from sources.feed import parse_feed
from sources.fetch import Fetcher
from sources.fulltext import complete_texts
from sources.html.poll import HtmlLookup, read_html
from sources.kinds import register


def read_feed(source: SourceConfig, fetcher: Fetcher, known: HtmlLookup) -> SourceRead:
    with fetcher.for_source(source.url) as fetch:
        result = fetch.get_unless_unchanged(source.url, known.validators_for(source.url))
        moved_to = result.url if result.permanent_redirect and result.url != source.url else None
        if result.not_modified:
            return SourceRead(source.id, (), not_modified=True, moved_to=moved_to)
        items = offload.run(parse_feed, source.id, result.body, result.content_type, result.url, source.encoding)
        refused: list[str] = []
        items, complete = complete_texts(source, fetch, known, items, refused)
    # Validators only once every wanted article page was read: a 304 would hide the rest.
    validators = (Validators(source.url, result.etag, result.last_modified),) if complete else ()
    return SourceRead(source.id, tuple(items), validators=validators, moved_to=moved_to,
                      refused=tuple(refused))


register("feed", read_feed)
register("html", read_html)
