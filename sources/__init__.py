"""Sources room: fetch, decode and parse what sites publish into RawItems."""

from sources.errors import FetchError
from sources.fetch import Fetcher
from sources.read import read_source
from sources.types import FetchResult, RawItem, SourceRead

__all__ = ["FetchError", "FetchResult", "Fetcher", "RawItem", "SourceRead", "read_source"]
