"""The registry of source kinds: `kind = "..."` in config.toml names a Reader here.

A reader turns one source into a SourceRead through the source's guarded fetcher and what the
store remembers of it. The built-in kinds register themselves below exactly as a new kind
would: adding a kind is one `register` call plus its module.
"""

from __future__ import annotations

from typing import Protocol

from model.raw import SourceRead
from settings.kinds import SOURCE_KINDS
from settings.model import SourceConfig
from sources.errors import FetchError
from sources.fetch import Fetcher
from sources.html.poll import HtmlLookup


class Reader(Protocol):
    def __call__(self, source: SourceConfig, fetcher: Fetcher, known: HtmlLookup) -> SourceRead: ...


READERS: dict[str, Reader] = {}


def register(kind: str, reader: Reader) -> None:
    READERS[kind] = reader
    SOURCE_KINDS.add(kind)


def read_source(source: SourceConfig, fetcher: Fetcher, known: HtmlLookup) -> SourceRead:
    """Fetch and parse `source` with its kind's reader; raise FetchError when it cannot be read."""
    reader = READERS.get(source.kind)
    if reader is None:
        raise FetchError(f"source kind {source.kind!r} is not supported by this build")
    return reader(source, fetcher, known)
