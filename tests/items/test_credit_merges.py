"""Short re-posts that credit their original merge; short look-alikes stay apart.

The labelled set of tests/items/credit_cases.py, normalized and ingested on both storage
backends, one collect per source, in two source orders; plus the credit rule's verdicts."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

import service
from items.dedupe import match_doc
from items.ingest import ingest
from items.normalize import normalize
from items.similarity import compare
from sampleweb.server import LocalWeb
from tests.items.credit_cases import APART, MERGE, all_cases, source_configs
from tests.support import ROOT, exported_items, open_test_store

NOW = datetime(2026, 12, 1, tzinfo=UTC)
CONFIGS = {c.id: c for c in source_configs()}


def labelled():
    return [(case.label, normalize(case.raw(i), CONFIGS[case.source_id], "Asia/Shanghai", NOW))
            for i, case in enumerate(all_cases())]


def test_the_set_holds_ten_credited_pairs_and_short_lookalikes():
    merge_pairs = sum(1 for a, b in itertools.combinations(MERGE, 2) if a.label == b.label)
    assert merge_pairs >= 10
    assert len(APART) >= 10 and len({c.label for c in APART}) == len(APART)


@pytest.mark.parametrize("reverse", [False, True])
def test_credited_short_reposts_merge_and_lookalikes_do_not(storage_url, reverse):
    store = open_test_store(storage_url)
    with store.transaction() as tx:
        tx.sync_sources(CONFIGS.values())
    cases = labelled()
    for source_id in sorted(CONFIGS, reverse=reverse):
        with store.transaction() as tx:
            ingest(tx, [app for _, app in cases if app.source_id == source_id], NOW)
    with store.transaction() as tx:
        story_of = dict(tx.connection.execute("SELECT url, story_id FROM appearances").fetchall())
    right = wrong = missed = 0
    for (la, a), (lb, b) in itertools.combinations(cases, 2):
        same = story_of[a.url] == story_of[b.url]
        if la == lb:
            right += same
            missed += not same
        else:
            wrong += same
    print(f"\ncredit set: merged right {right}, wrong {wrong}, missed {missed}")
    assert wrong == 0 and missed == 0


def test_the_verdict_names_the_credit():
    (_, original), (_, repost) = labelled()[:2]
    verdict = compare(match_doc(repost, 2), match_doc(original, 1))
    assert verdict.same and "credits 万州经开区管委会" in verdict.rule


def test_the_original_is_canonical_when_a_repost_credits_it(storage_url):
    store = open_test_store(storage_url)
    with store.transaction() as tx:
        tx.sync_sources(CONFIGS.values())
        ingest(tx, [app for label, app in labelled() if label == "m-job-fair"], NOW)
        rows = tx.connection.execute(
            "SELECT c.source_id FROM stories s JOIN appearances c ON c.id = s.canonical_id").fetchall()
    assert rows == [("wzkfq",)]


def test_the_demo_pair_is_one_story_credited_to_the_zone(write_config, tmp_path):
    """The sample web's own re-post (重庆投资促进网 re-posting 万州经开区's job fair with a longer
    title and a short summary ending 来源：万州经开区管委会), collected over HTTP."""
    with LocalWeb() as web:
        web.add_directory(ROOT / "sampleweb" / "site")
        config = write_config(f"""
            [[sources]]
            id = "wanzhou-kfq"
            name = "万州经开区管委会"
            kind = "feed"
            url = "{web.url('/kfq/atom.xml')}"

            [[sources]]
            id = "cq-invest"
            name = "重庆投资促进网"
            kind = "feed"
            url = "{web.url('/invest/rss.xml')}"
            """)
        assert service.main(["--config", str(config), "collect"]) == 0
    items = exported_items(tmp_path / "data")
    fairs = [i for i in items if "用工对接会" in i["title"]]
    assert len(fairs) == 1
    assert fairs[0]["title"] == "经开区举办2026年企业用工对接会"  # the zone's own appearance is canonical
    assert fairs[0]["authors"] == [{"name": "万州经开区管委会"}]
