"""Adding a source kind is one registration: config accepts it, collect reads it with the
kind's reader through the source's own guarded fetcher, and its stories are published."""

from __future__ import annotations

import csv
import io

import pytest

from feeds.build import build_feeds
from model.raw import RawItem, SourceRead
from scheduler.collect import collect_many
from scheduler.leases import make_node_id
from settings import ConfigError, load_config
from settings.kinds import SOURCE_KINDS
from sources import Fetcher, kinds
from tests.support import open_test_store


def read_csv(source, fetcher, known) -> SourceRead:
    """A toy kind: a CSV of url,title,published rows."""
    with fetcher.for_source(source.url) as fetch:
        result = fetch.get_unless_unchanged(source.url, known.validators_for(source.url))
    rows = csv.reader(io.StringIO(result.body.decode("utf-8")))
    items = tuple(RawItem(source_id=source.id, url=url, title=title, published=published)
                  for url, title, published in rows)
    return SourceRead(source.id, items)


@pytest.fixture
def csv_kind():
    kinds.register("csv", read_csv)
    yield
    del kinds.READERS["csv"]
    SOURCE_KINDS.discard("csv")


def test_a_registered_kind_is_configured_collected_and_published(csv_kind, web, write_config):
    url = web.add("/news.csv", "http://127.0.0.1/a/1.html,园区新签约项目十二个,2026-11-28 09:00\n"
                               "http://127.0.0.1/a/2.html,经开区举办招聘会,2026-11-29 10:30\n", "text/csv")
    config = load_config(write_config(f"""
        [[sources]]
        id = "table"
        kind = "csv"
        url = "{url}"
        [[feeds]]
        id = "all"
        """))
    store = open_test_store(config.storage.url)
    with store.transaction() as tx:
        tx.sync_sources(config.sources)
    outcomes = collect_many(config, list(config.sources), Fetcher(config.fetch), store, make_node_id())
    assert [o.error for o in outcomes] == [None]
    build_feeds(config, store)
    atom = (config.service.data_dir / "public" / "feeds" / "all.atom").read_text(encoding="utf-8")
    assert "园区新签约项目十二个" in atom and "经开区举办招聘会" in atom


def test_an_unregistered_kind_names_the_key(write_config):
    with pytest.raises(ConfigError) as error:
        load_config(write_config('[[sources]]\nid = "x"\nkind = "csv"\nurl = "http://127.0.0.1/x.csv"\n'))
    assert any(p.startswith("sources[0].kind: must be one of 'feed', 'html', got 'csv'") for p in error.value.problems)
