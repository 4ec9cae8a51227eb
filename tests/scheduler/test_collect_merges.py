"""A collect whose item merges two stories (one story fewer afterwards) succeeds and says so."""

from __future__ import annotations

from html import escape

import service
from tests.items.dedupe_cases import STORIES
from tests.support import query


def _feed(guid: str, link: str, story: str) -> str:
    _, title, _, paragraphs = STORIES[story]
    body = escape("".join(f"<p>{p}</p>" for p in paragraphs))
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
            f"<link>/</link><description>d</description><item><title>{title}</title><link>{link}</link>"
            f'<guid isPermaLink="false">{guid}</guid><pubDate>Tue, 05 Sep 2023 01:00:00 GMT</pubDate>'
            f"<description>{body}</description></item></channel></rss>")


def test_an_item_bridging_two_stories_is_collected_without_error(web, write_config, storage_url, capsys):
    shared_url = web.url("/a/1.html")
    feeds = {"a": _feed("g1", shared_url, "wz-park"), "b": _feed("b1", web.url("/b/1.html"), "lj-forum"),
             "c": _feed("c1", shared_url, "lj-forum")}  # a's URL, b's text
    config = write_config("".join(
        f'[[sources]]\nid = "{s}"\nkind = "feed"\nurl = "{web.add(f"/{s}.xml", body, "application/rss+xml")}"\n'
        for s, body in feeds.items()))

    assert service.main(["--config", str(config), "collect", "--source", "a", "--source", "b"]) == 0
    assert query(storage_url, "SELECT COUNT(*) FROM stories") == [(2,)]
    capsys.readouterr()

    assert service.main(["--config", str(config), "collect", "--source", "c"]) == 0

    assert "c: ok, 1 new" in capsys.readouterr().out
    assert query(storage_url, "SELECT COUNT(*) FROM stories") == [(1,)]
