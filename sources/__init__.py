"""Sources room: fetch, decode and parse what sites publish into RawItems."""

from model.raw import FetchResult, RawItem, SourceRead
from sources.errors import FetchError
from sources.fetch import Fetcher
from sources.read import read_source

__all__ = ["FetchError", "FetchResult", "Fetcher", "RawItem", "SourceRead", "read_source"]
