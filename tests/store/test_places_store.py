"""Places, topics and amounts stored per appearance on both backends: feed filters by the
region hierarchy, topics and investment size; the migration's re-tagging of older stories;
what `explain` says about places."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from feeds.select import feed_query, narrow
from items.explain import explain
from items.ingest import ingest
from items.tagging import retag_older, tagger
from model.stories import Appearance
from settings.model import FeedConfig, SourceConfig
from store.schema import MIGRATIONS
from tests.support import open_test_store

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)
SOURCES = (SourceConfig(id="portal", name="中国开发区网", kind="feed", url="http://portal/", interval=60,
                        region=("全国",)),
           SourceConfig(id="yunyang", name="云阳网", kind="feed", url="http://yunyang/", interval=60,
                        region=("重庆市", "云阳县")))
TITLES = {
    1: ("portal", "万州经开区签约5个项目 总投资51亿元"),
    2: ("portal", "两江新区智能网联汽车项目投产"),
    3: ("portal", "苏州工业园区出台优化营商环境措施"),
    4: ("portal", "昆山开发区新增外资项目 合同外资5000万美元"),
    5: ("yunyang", "我县召开项目调度会"),
    6: ("portal", "商务部：前10月全国开发区实际使用外资增长"),
}


def _app(n: int, tagged: bool = True) -> Appearance:
    source_id, title = TITLES[n]
    app = Appearance(source_id=source_id, item_key=f"k{n}", url=f"http://{source_id}/{n}.html", title=title,
                     published_at=NOW - timedelta(hours=n), date_is_guess=False,
                     content_html=f"<p>{title}。正文第{n}条，各不相同的内容。</p>", summary=f"{title}。",
                     regions=next(s.region for s in SOURCES if s.id == source_id))
    return tagger().tagged(app) if tagged else app


def _titles(store, feed: FeedConfig, **reader) -> set[str]:
    query = feed_query(feed, SOURCES)
    if reader:
        query = narrow(query, SOURCES, **reader)
    with store.read() as tx:
        return {e.title for e in tx.stories_for_feed(query)}


def test_feeds_select_by_region_hierarchy_topic_and_investment(storage_url):
    store = open_test_store(storage_url)
    with store.transaction() as tx:
        tx.sync_sources(SOURCES)
        ingest(tx, [_app(n) for n in TITLES], NOW)
    chongqing = {TITLES[n][1] for n in (1, 2, 5)}
    assert _titles(store, FeedConfig("cq", "重庆", regions=("重庆市",))) == chongqing
    assert _titles(store, FeedConfig("cq", "重庆", regions=("500000",))) == chongqing  # by adcode
    assert _titles(store, FeedConfig("wz", "万州", regions=("万州区",))) == {TITLES[1][1]}
    assert _titles(store, FeedConfig("zone", "万州经开区", regions=("万州经开区",))) == {TITLES[1][1]}
    assert _titles(store, FeedConfig("yy", "云阳", regions=("云阳县",))) == {TITLES[5][1]}  # source region
    assert _titles(store, FeedConfig("js", "江苏", regions=("江苏省",))) == {TITLES[3][1], TITLES[4][1]}
    assert _titles(store, FeedConfig("sz", "苏州", regions=("苏州市",))) == {TITLES[3][1], TITLES[4][1]}
    assert _titles(store, FeedConfig("big", "大项目", min_investment=3e8)) == {TITLES[1][1], TITLES[4][1]}
    assert _titles(store, FeedConfig("big", "大项目", min_investment=4e9)) == {TITLES[1][1]}
    assert _titles(store, FeedConfig("t", "政策", topics=("营商环境/政策",))) == {TITLES[3][1]}
    # a name the gazetteer does not know selects the sources configured with it (none here)
    assert _titles(store, FeedConfig("x", "渝东北", regions=("渝东北",))) == set()
    assert _titles(store, FeedConfig("x", "江苏+", regions=("江苏省", "渝东北"))) == {TITLES[3][1], TITLES[4][1]}
    legacy = (SOURCES[0], SourceConfig(id="yunyang", name="云阳网", kind="feed", url="http://yunyang/", interval=60,
                                       region=("渝东北",)))
    with store.read() as tx:
        assert {e.title for e in tx.stories_for_feed(feed_query(FeedConfig("x", "渝东北", regions=("渝东北",)),
                                                                 legacy))} == {TITLES[5][1]}
    everything = FeedConfig("all", "全部")
    assert _titles(store, everything, region="江苏省", topic="招商签约") == {TITLES[4][1]}
    assert len(_titles(store, everything)) == len(TITLES)
    with store.read() as tx:
        entry = next(e for e in tx.stories_for_feed(feed_query(everything, SOURCES)) if e.title == TITLES[4][1])
    assert [(a.value, a.currency) for a in entry.amounts] == [(5e7, "USD")]
    assert [(p.adcode, p.zone, p.primary) for p in entry.places] == [("320583", "320583-kfq", True)]
    assert entry.topics[0] == "招商签约"


def test_stories_stored_before_the_migration_are_retagged_a_slice_at_a_time(storage_url):
    """Appearances written before tagging existed get places, topics and amounts afterwards."""
    store = open_test_store(storage_url)
    with store.transaction() as tx:
        tx.sync_sources(SOURCES)
        ingest(tx, [_app(n, tagged=False) for n in TITLES], NOW)
        tx.connection.cursor().execute(  # as the migration leaves a database that had them
            "UPDATE tagging_backfill SET until_id = (SELECT MAX(id) FROM appearances)")
    assert _titles(store, FeedConfig("cq", "重庆", regions=("重庆市",))) == set()
    with store.transaction() as tx:
        assert retag_older(tx, tagger(), limit=4) == 4
    with store.transaction() as tx:
        assert retag_older(tx, tagger(), limit=4) == 2
        assert retag_older(tx, tagger(), limit=4) == 0
    assert _titles(store, FeedConfig("cq", "重庆", regions=("重庆市",))) == {TITLES[n][1] for n in (1, 2, 5)}
    assert _titles(store, FeedConfig("big", "大项目", min_investment=4e9)) == {TITLES[1][1]}
    assert any(isinstance(m, str) and "tagging_backfill" in m for m in MIGRATIONS)  # a migration makes it


def test_explain_shows_the_places_and_their_evidence(storage_url):
    store = open_test_store(storage_url)
    with store.transaction() as tx:
        tx.sync_sources(SOURCES)
        ingest(tx, [_app(1), _app(6)], NOW)
    with store.read() as tx:
        lines = explain(tx, "http://portal/1.html", UTC)
        national = explain(tx, "http://portal/6.html", UTC)
    assert "  primary 万州经开区 adcode 500101 zone 500101-jkq (title: 万州经开区)" in lines
    assert national[-1].startswith("places: none")


def test_migrate_command_tags_every_older_story(write_config, storage_url, capsys):
    import service

    config = write_config('[[sources]]\nid = "portal"\nkind = "feed"\nurl = "http://portal/"\nregion = ["全国"]\n')
    store = open_test_store(storage_url)
    with store.transaction() as tx:
        tx.sync_sources(SOURCES)
        ingest(tx, [_app(n, tagged=False) for n in TITLES], NOW)
        tx.connection.cursor().execute("UPDATE tagging_backfill SET until_id = (SELECT MAX(id) FROM appearances)")
    assert service.main(["--config", str(config), "migrate"]) == 0
    assert f"tagged {len(TITLES)} stored appearances" in capsys.readouterr().out
    assert _titles(store, FeedConfig("cq", "重庆", regions=("重庆市",))) == {TITLES[n][1] for n in (1, 2, 5)}
