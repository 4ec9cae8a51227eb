"""Sources room: fetch, decode and parse what sites publish into RawItems."""

from model.raw import FetchResult, RawItem, SourceRead
from sources import read  # noqa: F401  (registers the built-in kinds, feed and html)
from sources.errors import FetchError
from sources.fetch import Fetcher
from sources.kinds import read_source

__all__ = ["FetchError", "FetchResult", "Fetcher", "RawItem", "SourceRead", "read_source"]
