"""One text on many pages: a site's template body, and a story re-posted by very many sites.

Run on both backends: the guards read what the band lookup returns, whichever store it is.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from items.dedupe import KEY_CAP, TEMPLATE_TITLES
from items.explain import explain
from items.ingest import ingest
from model.stories import Appearance
from settings.model import SourceConfig
from tests.items.dedupe_cases import STORIES

START = datetime(2026, 3, 2, 1, tzinfo=UTC)
# What a failed article extraction leaves on every page of a government CMS site.
FOOTER = ("<p>主办单位：某某经济技术开发区管理委员会 承办：开发区党政办公室 地址：某某市某某区某某大道88号 "
          "邮编：404500 联系电话：023-12345678 网站标识码5001230001 渝ICP备12345678号 "
          "技术支持：某某网络科技有限公司 建议使用1024×768分辨率浏览本站 版权所有 未经许可不得转载 "
          "本网站所刊登的各种新闻、信息和各种专题专栏资料均为本站版权所有</p>")


def _sources(store, count: int) -> list[str]:
    ids = [f"site{i}" for i in range(count)]
    with store.transaction() as tx:
        tx.sync_sources(SourceConfig(id=i, name=i, kind="feed", url=f"http://{i}.test/", interval=60)
                        for i in ids)
    return ids


def _titles(count: int, seed: int) -> list[str]:
    """Distinct headlines sharing no words (random characters)."""
    rng = random.Random(seed)
    chars = [chr(0x4E00 + i) for i in range(3000)]
    return ["".join(rng.choice(chars) for _ in range(14)) for _ in range(count)]


def _page(source: str, serial: int, title: str, body: str, minutes: int) -> Appearance:
    return Appearance(source_id=source, item_key=f"{source}-{serial}", url=f"http://{source}.test/{serial}.html",
                      title=title, published_at=START + timedelta(minutes=minutes), date_is_guess=False,
                      content_html=body)


def _ingest(store, batch: list[Appearance]) -> None:
    with store.transaction() as tx:
        ingest(tx, batch, batch[-1].published_at)


def _one(store, sql: str):
    with store.transaction() as tx:
        return tx.connection.execute(sql).fetchone()


def test_a_template_body_on_hundreds_of_pages_of_one_site_keeps_band_keys_capped(store):
    """Same-site pages never merge; what matters is that the shared keys stop gathering rows
    (each lookup would otherwise return every earlier page: quadratic ingest)."""
    (site,) = _sources(store, 1)
    titles = _titles(300, seed=1)
    for start in range(0, 300, 50):
        _ingest(store, [_page(site, i, titles[i], FOOTER, i) for i in range(start, start + 50)])
    assert _one(store, "SELECT COUNT(*) FROM stories") == (300,)
    widest = _one(store, "SELECT COUNT(*) FROM dedupe_bands GROUP BY band_key ORDER BY 1 DESC LIMIT 1")[0]
    assert widest == KEY_CAP


def test_template_bodies_on_several_sites_do_not_merge_unrelated_pages(store):
    """Five sites whose pages all carry the same footer as their body, each with its own
    headlines: once a site shows the footer under TEMPLATE_TITLES titles, it is a template and
    proposes no merges, so 25 pages stay 25 stories. (Sites are collected one after another,
    so each shows its template before the next site's pages arrive: two sites' first pages,
    met before either repeats, would still look like a re-post.)"""
    sites = _sources(store, 5)
    titles = iter(_titles(25, seed=2))
    for number, site in enumerate(sites):
        _ingest(store, [_page(site, i, next(titles), FOOTER, 10 * number + i) for i in range(5)])
    assert _one(store, "SELECT COUNT(*) FROM stories") == (25,)
    assert _one(store, "SELECT COUNT(*) FROM dedupe_decisions") == (0,)
    with store.transaction() as tx:
        lines = explain(tx, "http://site4.test/4.html", UTC)
    assert any(line.startswith(f"bands ignored as a site's template (one site, {TEMPLATE_TITLES}+ titles)")
               and line.endswith("the text is a template and matches nothing") for line in lines), lines
    other_sites = [line for line in lines if line.startswith("  #") and " site4 " not in line]
    assert other_sites and all("-> SEPARATE: the text is a site's template" in line for line in other_sites)


def test_a_story_reposted_by_more_sites_than_the_key_cap_stays_one_story(store):
    """Every key of a story re-posted by 2 x KEY_CAP sites is capped, and each later re-post is
    still found through the appearances the keys do hold."""
    label = "lj-forum"
    origin, title, _, paragraphs = STORIES[label]
    sites = _sources(store, 2 * KEY_CAP)
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    reposts = [_page(site, 0, f"【转载】{title}", f"<p>来源：{origin}</p>{body}", minutes=3 * n)
               for n, site in enumerate(sites)]
    for start in range(0, len(reposts), 20):
        _ingest(store, reposts[start:start + 20])
    assert _one(store, "SELECT COUNT(*), COUNT(DISTINCT story_id) FROM appearances") == (2 * KEY_CAP, 1)
    assert _one(store, "SELECT COUNT(*) FROM stories") == (1,)
    widest = _one(store, "SELECT COUNT(*) FROM dedupe_bands GROUP BY band_key ORDER BY 1 DESC LIMIT 1")[0]
    assert widest == KEY_CAP
