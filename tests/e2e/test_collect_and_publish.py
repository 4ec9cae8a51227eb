"""The vertical slice: fixture sites on 127.0.0.1 -> collect -> SQLite -> RSS/Atom files."""

from __future__ import annotations

from datetime import datetime

import feedparser
from lxml import etree

import service
from tests.fixtures import GBK_ONLY_TITLES, gb2312_feed, utf8_atom
from tests.support import open_test_store, query

ATOM = "{http://www.w3.org/2005/Atom}"


def _config(web, write_config, extra: str = ""):
    return write_config(
        f"""
        [[sources]]
        id = "yunyang"
        name = "云阳网"
        kind = "feed"
        url = "{web.url('/yunyang/rss.xml')}"
        region = ["重庆市", "云阳县"]

        [[sources]]
        id = "kfq"
        name = "经开区"
        kind = "feed"
        url = "{web.url('/kfq/atom.xml')}"
        region = ["重庆市", "万州区"]
        {extra}
        """
    )


def _serve_fixtures(web):
    web.add("/yunyang/rss.xml", gb2312_feed(), "text/xml")
    web.add("/kfq/atom.xml", utf8_atom([("k1", "经开区新签约项目", "2023-08-28T09:00:00+08:00"),
                                        ("k2", "经开区用工对接会", "2023-08-27T16:00:00+08:00")]))


def _stories(storage_url):
    return query(storage_url, "SELECT COUNT(*) FROM stories")[0][0]


def test_collect_stores_items_and_renders_both_formats(web, write_config, tmp_path, storage_url):
    _serve_fixtures(web)
    config = _config(web, write_config)
    assert service.main(["--config", str(config), "collect"]) == 0

    rows = dict(query(storage_url, "SELECT item_key, title FROM appearances"))
    assert rows["gb-0"] == GBK_ONLY_TITLES[0]
    assert len(rows) == 5

    atom_path = tmp_path / "data" / "public" / "feeds" / "all.atom"
    atom = etree.parse(str(atom_path))
    titles = [e.findtext(f"{ATOM}title") for e in atom.iter(f"{ATOM}entry")]
    assert sorted(titles) == sorted(GBK_ONLY_TITLES + ["经开区新签约项目", "经开区用工对接会"])
    published = {e.findtext(f"{ATOM}title"): e.findtext(f"{ATOM}published") for e in atom.iter(f"{ATOM}entry")}
    # The GB2312 feed has naive dates: they are Shanghai time, rendered with +08:00.
    assert published[GBK_ONLY_TITLES[1]] == "2023-08-21T10:30:00+08:00"
    assert published["经开区新签约项目"] == "2023-08-28T09:00:00+08:00"
    assert titles[0] == "经开区新签约项目"  # newest first

    rss = feedparser.parse((tmp_path / "data" / "public" / "feeds" / "all.rss").read_bytes())
    assert not rss.bozo
    assert {e.title for e in rss.entries} == set(titles)
    entry = next(e for e in rss.entries if e.title == GBK_ONLY_TITLES[2])
    assert entry.published == "Tue, 22 Aug 2023 10:30:00 +0800"
    assert entry.link == web.url("/news/2.html")


def test_collecting_twice_keeps_the_same_stories(web, write_config, tmp_path, storage_url):
    _serve_fixtures(web)
    config = _config(web, write_config)
    service.main(["--config", str(config), "collect"])
    first = (tmp_path / "data" / "public" / "feeds" / "all.atom").read_bytes()
    service.main(["--config", str(config), "collect"])
    assert _stories(storage_url) == 5
    assert (tmp_path / "data" / "public" / "feeds" / "all.atom").read_bytes() == first


def test_second_poll_uses_conditional_get(web, write_config):
    _serve_fixtures(web)
    config = _config(web, write_config)
    service.main(["--config", str(config), "collect"])
    service.main(["--config", str(config), "collect"])
    assert [s for p, s in web.statuses() if p == "/kfq/atom.xml"] == ["200", "304"]


def test_broken_source_does_not_stop_the_others(web, write_config, tmp_path, capsys, storage_url):
    _serve_fixtures(web)
    web.add("/broken.xml", b"<html>this is not a feed", "text/html")
    config = _config(web, write_config, f"""
        [[sources]]
        id = "broken"
        kind = "feed"
        url = "{web.url('/broken.xml')}"

        [[sources]]
        id = "missing"
        kind = "feed"
        url = "{web.url('/gone.xml')}"
        """)
    assert service.main(["--config", str(config), "collect"]) == 1
    assert _stories(storage_url) == 5
    capsys.readouterr()
    service.main(["--config", str(config), "status"])
    table = capsys.readouterr().out
    assert "HTTP 404" in next(line for line in table.splitlines() if line.startswith("missing"))
    assert "not a readable RSS/Atom feed" in next(line for line in table.splitlines() if line.startswith("broken"))
    # columns: source, state, items 24 h, items 7 d, items total
    assert next(line for line in table.splitlines() if line.startswith("yunyang")).split()[1:5] == \
        ["ok", "3", "3", "3"]
    assert next(line for line in table.splitlines() if line.startswith("missing")).split()[1] == "failing"


def test_corrected_title_updates_the_story_in_place(web, write_config, tmp_path):
    web.add("/kfq/atom.xml", utf8_atom([("k1", "经开区新签约项目", "2023-08-28T09:00:00+08:00")]))
    web.add("/yunyang/rss.xml", gb2312_feed([]), "text/xml")
    config = _config(web, write_config)
    service.main(["--config", str(config), "collect"])
    atom_path = tmp_path / "data" / "public" / "feeds" / "all.atom"
    before = etree.parse(str(atom_path)).find(f"{ATOM}entry")
    web.add("/kfq/atom.xml", utf8_atom([("k1", "经开区新签约项目12个", "2023-08-28T09:00:00+08:00")]))
    service.main(["--config", str(config), "collect"])
    after = etree.parse(str(atom_path)).findall(f"{ATOM}entry")
    assert len(after) == 1
    assert after[0].findtext(f"{ATOM}title") == "经开区新签约项目12个"
    assert after[0].findtext(f"{ATOM}id") == before.findtext(f"{ATOM}id")
    assert datetime.fromisoformat(after[0].findtext(f"{ATOM}updated")) > \
        datetime.fromisoformat(before.findtext(f"{ATOM}updated"))


def test_region_feed_only_carries_its_region(web, write_config, tmp_path):
    _serve_fixtures(web)
    config = _config(web, write_config, """
        [[feeds]]
        id = "yunyang"
        title = "云阳县"
        regions = ["云阳县"]
        """)
    service.main(["--config", str(config), "collect"])
    region = etree.parse(str(tmp_path / "data" / "public" / "feeds" / "yunyang.atom"))
    titles = [e.findtext(f"{ATOM}title") for e in region.iter(f"{ATOM}entry")]
    assert sorted(titles) == sorted(GBK_ONLY_TITLES)


def _refuse_appearances_of(storage_url: str, source_id: str) -> None:
    """Make the database itself reject one source's writes (a trigger), as a full disk or a
    constraint a bad item breaks would."""
    store = open_test_store(storage_url)
    with store.transaction() as tx:
        if storage_url.startswith("sqlite"):
            tx.connection.execute(
                f"CREATE TRIGGER refuse BEFORE INSERT ON appearances WHEN NEW.source_id = '{source_id}' "
                "BEGIN SELECT RAISE(ABORT, 'refused by test'); END")
        else:
            tx.connection.execute("CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
                                  "RAISE EXCEPTION 'refused by test'; END $$ LANGUAGE plpgsql")
            tx.connection.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON appearances FOR EACH ROW "
                f"WHEN (NEW.source_id = '{source_id}') EXECUTE FUNCTION refuse()")


def test_a_write_the_store_refuses_fails_only_that_source(web, write_config, storage_url, capsys):
    _serve_fixtures(web)
    config = _config(web, write_config)
    _refuse_appearances_of(storage_url, "kfq")
    assert service.main(["--config", str(config), "collect"]) == 1
    out = capsys.readouterr().out
    assert "kfq: FAILED (store) store error" in out and "refused by test" in out
    assert "yunyang: ok, 3 new" in out
    assert query(storage_url, "SELECT COUNT(*) FROM appearances") == [(3,)]
    assert query(storage_url, "SELECT error_kind FROM sources WHERE id = 'kfq'") == [("store",)]
