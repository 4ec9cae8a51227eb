"""Moving an installation: SQLite export -> import into a fresh store of either backend."""

from __future__ import annotations

import service
from tests.fixtures import gb2312_feed, utf8_atom
from tests.support import query

ENTRIES = [("k1", "经开区新签约项目", "2023-08-28T09:00:00+08:00"),
           ("k2", "经开区用工对接会", "2023-08-27T16:00:00+08:00")]


def _configs(web, write_config, tmp_path):
    """Same sources twice: the old SQLite installation and the new store under test."""
    new = write_config(
        f"""
        [[sources]]
        id = "yunyang"
        name = "云阳网"
        kind = "feed"
        url = "{web.url('/yunyang/rss.xml')}"

        [[sources]]
        id = "kfq"
        name = "经开区"
        kind = "feed"
        url = "{web.url('/kfq/atom.xml')}"
        """
    )
    old_url = f"sqlite:///{tmp_path / 'old' / 'zonefeed.db'}"
    text = new.read_text(encoding="utf-8")
    start = text.index('url = "', text.index("[storage]"))
    end = text.index("\n", start)
    old = tmp_path / "old.toml"
    old.write_text(text[:start] + f'url = "{old_url}"' + text[end:], encoding="utf-8")
    return old, old_url, new


def test_export_then_import_keeps_ids_guids_and_feeds(web, write_config, tmp_path, storage_url, capsys):
    web.add("/yunyang/rss.xml", gb2312_feed(), "text/xml")
    web.add("/kfq/atom.xml", utf8_atom(ENTRIES))
    old, old_url, new = _configs(web, write_config, tmp_path)
    assert service.main(["--config", str(old), "collect"]) == 0
    atom = tmp_path / "data" / "public" / "feeds" / "all.atom"
    before = atom.read_bytes()
    dump = tmp_path / "dump.jsonl"
    assert service.main(["--config", str(old), "export-db", str(dump)]) == 0

    assert service.main(["--config", str(new), "import-db", str(dump)]) == 0
    assert "imported 2 sources, 2 http_validators, 5 stories, 5 appearances" in capsys.readouterr().out
    for sql in ("SELECT id, guid, canonical_id, published_at, updated_at FROM stories ORDER BY id",
                "SELECT id, story_id, source_id, item_key, url, title, fingerprint FROM appearances ORDER BY id",
                "SELECT id, polls, last_success_at, next_poll_at FROM sources ORDER BY id"):
        assert query(storage_url, sql) == query(old_url, sql)
    assert service.main(["--config", str(new), "build"]) == 0
    assert atom.read_bytes() == before

    # the moved store keeps working: conditional GETs use the moved validators, new ids follow on
    web.add("/kfq/atom.xml", utf8_atom([*ENTRIES, ("k3", "经开区新闻发布会", "2023-08-29T09:00:00+08:00")]))
    assert service.main(["--config", str(new), "collect"]) == 0
    assert [s for p, s in web.statuses() if p == "/yunyang/rss.xml"] == ["200", "304"]
    max_old = query(old_url, "SELECT MAX(id) FROM stories")[0][0]
    newest = query(storage_url, "SELECT s.id FROM stories s JOIN appearances a ON a.id = s.canonical_id "
                                "WHERE a.title = '经开区新闻发布会'")
    assert newest == [(max_old + 1,)]


def test_import_refuses_a_store_that_already_has_data(web, write_config, tmp_path, storage_url, capsys):
    web.add("/yunyang/rss.xml", gb2312_feed(), "text/xml")
    web.add("/kfq/atom.xml", utf8_atom(ENTRIES))
    old, _, new = _configs(web, write_config, tmp_path)
    service.main(["--config", str(old), "collect"])
    service.main(["--config", str(old), "export-db", str(tmp_path / "dump.jsonl")])
    service.main(["--config", str(new), "collect"])
    capsys.readouterr()
    assert service.main(["--config", str(new), "import-db", str(tmp_path / "dump.jsonl")]) == 1
    assert "import only into an empty store" in capsys.readouterr().err
    assert query(storage_url, "SELECT COUNT(*) FROM stories") == [(5,)]


def test_migrate_reports_the_schema_version(write_config, storage_url, capsys):
    config = write_config("")
    assert service.main(["--config", str(config), "migrate"]) == 0
    versions = query(storage_url, "SELECT MAX(version) FROM schema_version")[0][0]
    assert capsys.readouterr().out.startswith(f"schema version {versions} ")


def test_import_names_the_line_of_a_broken_file(write_config, tmp_path, storage_url, capsys):
    config = write_config("")
    dump = tmp_path / "dump.jsonl"
    dump.write_text("this is not an export\n", encoding="utf-8")
    assert service.main(["--config", str(config), "import-db", str(dump)]) == 1
    assert "line 1: not a zonefeed export record" in capsys.readouterr().err
    service.main(["--config", str(config), "export-db", str(dump)])
    with dump.open("a", encoding="utf-8") as out:
        out.write('{"table": "stories", "row": {"id": 1}}\n{"table": "nope", "row": {}}\n')
    assert service.main(["--config", str(config), "import-db", str(dump)]) == 1
    assert "unknown table 'nope'" in capsys.readouterr().err
    assert query(storage_url, "SELECT COUNT(*) FROM stories") == [(0,)]
