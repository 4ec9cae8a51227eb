"""Torture corpora through the feed-source path as FETCHED bytes.

Every file of tests/data/feedparser-tests/ and tests/data/feeds/ is served by
LocalWeb (with the `Header:` lines of its comment, as feedparser's own suite serves them),
fetched by Fetcher and parsed by parse_feed. The oracle is feedparser itself on the same
bytes: a document it reads without complaint must give us the same entries.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import feedparser
import pytest

from model.raw import RawItem
from sampleweb.server import LocalWeb
from settings.model import FetchSettings
from sources.errors import FetchError
from sources.feed import parse_feed
from sources.fetch import Fetcher
from tests.support import DATA

FEEDPARSER_TESTS = DATA / "feedparser-tests"
CHINESE_FEEDS = DATA / "feeds"
_HEADER = re.compile(r"^Header:\s+([^:]+):(.*)$", re.M)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_MOJIBAKE = re.compile("[\x80-\xff\ufffd]")  # Latin-1 letters or replacement chars in a CJK title
_CJK = re.compile("[\u4e00-\u9fff]")


def _files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.xml"))


def _comment_text(raw: bytes) -> str:
    """The file's header comment, decoded as feedparser's helpers do (BOM, else UTF-8)."""
    for bom, encoding in ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
                          (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"),
                          (b"\xef\xbb\xbf", "utf-8")):
        if raw.startswith(bom):
            return raw.decode(encoding, "ignore")
    return raw.decode("utf-8", "ignore")


def _response_headers(raw: bytes) -> tuple[str, dict[str, str]]:
    headers = {name.strip().lower(): value.strip() for name, value in _HEADER.findall(_comment_text(raw))}
    return headers.pop("content-type", "application/xml"), headers


@pytest.fixture(scope="module")
def corpus_web():
    with LocalWeb() as web:
        for path in _files(FEEDPARSER_TESTS) + _files(CHINESE_FEEDS):
            raw = path.read_bytes()
            content_type, headers = _response_headers(raw) if FEEDPARSER_TESTS in path.parents \
                else ("application/xml", {})
            web.add("/" + path.relative_to(DATA).as_posix(), raw, content_type,
                    headers=headers, conditional=False)
        for path in _files(CHINESE_FEEDS):  # again, under a wrong charset, as servers often say
            web.add("/mislabelled/" + path.relative_to(DATA).as_posix(), path.read_bytes(),
                    "text/xml; charset=utf-8", conditional=False)
        yield web


@pytest.fixture(scope="module")
def fetcher():
    return Fetcher(FetchSettings(min_delay=0, timeout=5, respect_robots=False))


def _read(web: LocalWeb, fetcher: Fetcher, path: Path, prefix: str = "") -> list[RawItem] | FetchError:
    """Items, or the FetchError (ParseError) a broken document earns; anything else escapes."""
    try:
        result = fetcher.get(web.url(prefix + "/" + path.relative_to(DATA).as_posix()))
        return parse_feed("corpus", result.body, result.content_type, result.url)
    except FetchError as error:
        return error


def _entries_with_link_or_id(parsed: feedparser.FeedParserDict) -> list[feedparser.FeedParserDict]:
    return [e for e in parsed.entries if e.get("link") or e.get("id")]


@pytest.mark.parametrize("path", _files(FEEDPARSER_TESTS),
                         ids=lambda p: p.relative_to(FEEDPARSER_TESTS).as_posix())
def test_feedparser_case_fetched_and_parsed(corpus_web, fetcher, path):
    raw = path.read_bytes()
    content_type, headers = _response_headers(raw)
    outcome = _read(corpus_web, fetcher, path)
    oracle = feedparser.parse(io.BytesIO(raw), response_headers={"content-type": content_type, **headers})
    if oracle.bozo:
        return  # ill-formed: reaching here without an unexpected exception is the promise
    assert not isinstance(outcome, FetchError), outcome
    expected = _entries_with_link_or_id(oracle)
    assert [i.title for i in outcome] == [e.get("title", "") for e in expected]


@pytest.mark.parametrize("prefix", ["", "/mislabelled"])
@pytest.mark.parametrize("path", _files(CHINESE_FEEDS), ids=lambda p: p.relative_to(CHINESE_FEEDS).as_posix())
def test_chinese_feed_titles_decode_without_mojibake(corpus_web, fetcher, path, prefix):
    raw = path.read_bytes()
    items = _read(corpus_web, fetcher, path, prefix)
    assert not isinstance(items, FetchError), items
    declared = "gb18030" if "gb2312" in path.parent.name else "big5hkscs"
    truth = _XML_DECL.sub('<?xml version="1.0" encoding="utf-8"?>', raw.decode(declared), count=1)
    oracle = feedparser.parse(io.BytesIO(truth.encode("utf-8")),
                              response_headers={"content-type": "application/xml; charset=utf-8"})
    titles = [i.title for i in items]
    assert titles == [e.get("title", "") for e in _entries_with_link_or_id(oracle)]
    assert not [t for t in titles if _MOJIBAKE.search(t)]


def test_chinese_corpus_is_mostly_chinese_titles(corpus_web, fetcher):
    """Guards the mojibake test above: it would pass vacuously on ASCII-only titles."""
    titles = [item.title for path in _files(CHINESE_FEEDS)
              for item in _read(corpus_web, fetcher, path)]
    assert len(titles) > 500
    assert sum(bool(_CJK.search(t)) for t in titles) > 0.6 * len(titles)
