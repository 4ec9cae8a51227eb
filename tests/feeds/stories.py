"""Real stories in a real SQLite file, put there by the real ingest code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from items.ingest import ingest
from items.tagging import tagger
from model.stories import Appearance
from store import open_store

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)

SOURCES_TOML = """
[[sources]]
id = "yunyang"
name = "云阳网"
kind = "feed"
url = "http://yunyang.example/rss.xml"
region = ["重庆市", "云阳县"]
tags = ["开发区"]

[[sources]]
id = "kfq"
name = "万州经开区"
kind = "html"
url = "http://kfq.example/news/"
region = ["重庆市", "万州区"]
tags = ["招商"]
"""


SOURCE_REGIONS = {"yunyang": ("重庆市", "云阳县"), "kfq": ("重庆市", "万州区")}  # as SOURCES_TOML says


def appearance(source_id: str, n: int, title: str, **overrides) -> Appearance:
    fields = dict(
        source_id=source_id, item_key=f"{source_id}-{n}", url=f"http://{source_id}.example/news/{n}.html",
        title=title, published_at=NOW - timedelta(hours=n), date_is_guess=False,
        content_html=f"<p>{title}：正文 & 详情</p>", summary=f"{title}摘要",
        regions=SOURCE_REGIONS.get(source_id, ("重庆市",)), tags=("开发区",),
    )
    fields.update(overrides)
    return tagger().tagged(Appearance(**fields))  # places and topics, as normalization decides them


def default_appearances() -> list[Appearance]:
    """Five stories from two sources; one cross-posted (same URL), one crediting its publisher."""
    return [
        appearance("yunyang", 1, "云阳县工业园区新签约项目8个"),
        appearance("yunyang", 2, "云阳县召开招商引资推进会", publisher="云阳县人民政府"),
        appearance("yunyang", 3, "云阳<特色>产业“园中园”建成投用"),
        appearance("kfq", 4, "经开区一季度招商引资实现开门红"),
        appearance("kfq", 5, "经开区举办企业用工对接会"),
        # The same story on a second site (same URL at first): one story, not two.
        appearance("kfq", 6, "云阳县工业园区新签约项目8个", url="http://yunyang.example/news/1.html",
                   item_key="kfq-copy-1", published_at=NOW - timedelta(minutes=30)),
    ]


def corrected_copy() -> Appearance:
    """The copy's link corrected to its own page: the story is now "also at" the second site."""
    return appearance("kfq", 6, "云阳县工业园区新签约项目8个", url="http://kfq.example/news/copy-1.html",
                      item_key="kfq-copy-1", published_at=NOW - timedelta(minutes=30))


def fill_store(config, appearances: list[Appearance] | None = None, now: datetime = NOW) -> None:
    store = open_store(config.storage.url)
    try:
        with store.transaction() as tx:
            tx.sync_sources(config.sources)
            if appearances is None:
                ingest(tx, default_appearances(), now)
                ingest(tx, [corrected_copy()], now)
            else:
                ingest(tx, appearances, now)
    finally:
        store.close()
