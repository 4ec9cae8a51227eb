"""Every page of tests/data/html/, served without a charset (the common case for the
sites we read), fetched, decoded, then through list detection and article extraction: the text
is what MANIFEST.tsv says the bytes are, and no page raises."""

from __future__ import annotations

import csv

import pytest

from sampleweb.server import LocalWeb
from settings.model import FetchSettings
from sources.decode import decode_document
from sources.fetch import Fetcher
from sources.html.article import extract_article
from sources.html.dom import parse_html
from sources.html.lists import list_entries, prepare_list_tree
from tests.support import DATA

_TRUE_CODEC = {"utf-8": "utf-8", "gb18030/gbk": "gb18030", "gb2312-strict-ok": "gb18030"}


def _pages() -> list[tuple[str, str]]:
    """(corpus path, codec of its real bytes) for every HTML page in the manifest."""
    with (DATA / "MANIFEST.tsv").open(encoding="utf-8") as handle:
        rows = [row for row in csv.reader(handle, delimiter="\t") if row and row[0].startswith("html/")]
    pages = []
    for row in rows:
        real = row[5].split("bytes=", 1)[1]
        pages.append((row[0], _TRUE_CODEC.get(real, "big5hkscs")))
    return pages


PAGES = _pages()


def test_manifest_lists_every_html_page():
    on_disk = {p.relative_to(DATA).as_posix() for p in (DATA / "html").rglob("*.html")}
    assert on_disk and on_disk == {name for name, _ in PAGES}


@pytest.fixture(scope="module")
def fetched():
    with LocalWeb() as web:
        for name, _ in PAGES:
            web.add("/" + name, (DATA / name).read_bytes(), "text/html", conditional=False)
        fetcher = Fetcher(FetchSettings(min_delay=0, timeout=5, respect_robots=False))
        yield {name: fetcher.get(web.url("/" + name)) for name, _ in PAGES}


@pytest.mark.parametrize(("name", "codec"), PAGES, ids=[name for name, _ in PAGES])
def test_page_decodes_and_goes_through_list_detection_and_article_extraction(fetched, name, codec):
    result = fetched[name]
    text, _ = decode_document(result.body, result.content_type)
    assert text == (DATA / name).read_bytes().decode(codec)
    tree = parse_html(text)
    prepare_list_tree(tree)
    entries, _ = list_entries(tree, result.url, None)
    assert all(entry.url.startswith("http") for entry in entries)
    article = extract_article(text, result.url)
    assert article.title is None or isinstance(article.title, str)
