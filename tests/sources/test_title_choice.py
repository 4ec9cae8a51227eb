"""The title is the candidate the list entry and the page agree on, never the site's name.

End to end against fixture sites of four CMS families (tests/title_sites.py; two of them held
out of the rule's tuning), plus the rule's edge cases on candidate lists."""

from __future__ import annotations

import pytest

import service
from scheduler.collect import collect_source
from settings import load_config
from sources import Fetcher
from sources.html.title_choice import Candidate, choose_title, page_title_forms
from tests import title_sites
from tests.support import open_test_store


@pytest.mark.parametrize("family", sorted(title_sites.FAMILIES))
def test_every_published_title_is_the_articles_own(family, web, write_config):
    url, truth = title_sites.serve_family(web, family)
    config = load_config(write_config(f"""
        [[sources]]
        id = "{family}"
        name = "{family}"
        kind = "html"
        url = "{url}"
        """))
    store = open_test_store(config.storage.url)
    with store.transaction() as tx:
        tx.sync_sources(config.sources)
    outcome = collect_source(config, config.sources[0], Fetcher(config.fetch), store)
    assert outcome.error is None and outcome.new == len(truth)
    with store.transaction() as tx:
        titles = dict(tx.connection.execute(
            f"SELECT url, title FROM appearances WHERE source_id = '{family}'").fetchall())
    assert titles == truth


def choose(*pairs: tuple[str, str], names=(), templates=()):
    return choose_title([Candidate(o, t) for o, t in pairs], names, templates)


def test_site_name_in_h1_loses_to_the_heading_that_agrees_with_the_list():
    chosen = choose(("list", "园区召开安全生产会议"), ("h1 heading", "某某经济技术开发区"),
                    ("h2 heading", "园区召开安全生产会议"), ("<title>", "园区召开安全生产会议"),
                    names=("某某经开区",))
    assert chosen.title == "园区召开安全生产会议" and chosen.origin == "h2 heading"
    assert "agrees with the list entry" in chosen.reason and "<title>" in chosen.reason


def test_a_string_shown_for_several_urls_is_never_the_title():
    chosen = choose(("list", "园区召开…"), ("h1 heading", "新闻中心栏目页"), ("<title>", "园区召开安全生产会议"),
                    templates=("新闻中心栏目页",))
    assert chosen.title == "园区召开安全生产会议"
    assert "shown for several URLs" in chosen.reason


def test_truncated_list_entry_is_completed_by_the_page_title_starting_with_it():
    chosen = choose(("list", "关于开展2023年度高新技术..."), ("h1 heading", "政策文件"),
                    ("<title>", "关于开展2023年度高新技术企业认定申报工作的通知"))
    assert chosen.title == "关于开展2023年度高新技术企业认定申报工作的通知"


def test_the_list_title_wins_when_no_page_candidate_agrees_with_it():
    chosen = choose(("list", "经开区举办数字经济产业对接会"), ("h1 heading", "工作动态"),
                    ("<title>", "首页"))
    assert chosen.title == "经开区举办数字经济产业对接会" and chosen.origin == "list"


def test_page_titles_lose_their_site_suffix_under_any_separator():
    for raw in ("标题文字一则_万州经开区", "标题文字一则 - 万州经开区", "标题文字一则|万州经开区",
                "标题文字一则·万州经开区", "标题文字一则 — 万州经开区", "标题文字一则_园区动态_万州经开区",
                "标题文字一则-万州经开区", "标题文字一则--万州经开区"):
        forms, names = page_title_forms(raw)
        assert forms[-1] == "标题文字一则", raw
        assert names[0] in ("万州经开区",), raw


def test_a_title_with_a_suffix_no_rule_cuts_does_not_beat_the_list_by_length():
    chosen = choose(("list", "园区召开2023年安全生产工作会议"), ("<title>", "园区召开2023年安全生产工作会议 :: 万州经开区"),
                    ("h1 heading", "万州经开区"))
    assert chosen.title == "园区召开2023年安全生产工作会议"
    silently_cut = choose(("list", "园区召开2023年安全生产"), ("<title>", "园区召开2023年安全生产工作会议"))
    assert silently_cut.title == "园区召开2023年安全生产工作会议"  # a list cut without "…" is completed


def test_a_dash_between_digits_is_part_of_the_title():
    forms, names = page_title_forms("1-8月全市开发区规上工业增加值增长8.2%-万州经开区")
    assert forms[-1] == "1-8月全市开发区规上工业增加值增长8.2%" and names == ["万州经开区"]
    assert page_title_forms("2023-2025年产业发展规划") == (["2023-2025年产业发展规划"], [])


def test_a_configured_selector_always_wins():
    chosen = choose(("list", "列表标题一则"), ("configured selector", "配置选择器的标题"))
    assert chosen.title == "配置选择器的标题"


def test_explain_says_which_candidate_won_and_why(web, write_config, capsys):
    url, truth = title_sites.serve_family(web, "dedecms")
    config = write_config(f"""
        [[sources]]
        id = "dede"
        name = "万州经开区"
        kind = "html"
        url = "{url}"
        """)
    assert service.main(["--config", str(config), "collect"]) == 0
    article = next(iter(truth))
    capsys.readouterr()
    assert service.main(["--config", str(config), "explain", article]) == 0
    out = capsys.readouterr().out
    assert f"title {truth[article]!r}" in out
    assert "title from h2 heading: agrees with the list entry" in out
    assert "重庆万州经济技术开发区管委会" in out and "set aside" in out  # the <h1> and why it lost


def test_one_new_article_per_poll_still_gets_its_own_title(web, write_config):
    """A later poll with one new article has no second page to show that the <h1> is the
    site's name: agreement alone must decide."""
    url, truth = title_sites.serve_family(web, "dedecms")
    full = title_sites.dedecms_list("/dedecms/")
    last = full.rindex("<li>")
    web.add("/dedecms/index.html", full[:last] + full[full.index("</li>", last) + 5:], "text/html; charset=utf-8")
    config = load_config(write_config(f"""
        [[sources]]
        id = "one"
        name = "one"
        kind = "html"
        url = "{url}"
        """))
    store = open_test_store(config.storage.url)
    with store.transaction() as tx:
        tx.sync_sources(config.sources)
    assert collect_source(config, config.sources[0], Fetcher(config.fetch), store).new == len(truth) - 1
    web.add("/dedecms/index.html", full, "text/html; charset=utf-8")
    assert collect_source(config, config.sources[0], Fetcher(config.fetch), store).new == 1
    with store.transaction() as tx:
        titles = dict(tx.connection.execute("SELECT url, title FROM appearances").fetchall())
    assert titles == truth


def test_a_list_of_identical_link_texts_is_no_title(web, write_config):
    """"查看详情" under every entry: the pages' own titles win."""
    rows = "".join(f"<li><a href='/more/{n}.html'>查看详情</a><span>2023-08-2{n}</span></li>" for n in range(3))
    url = web.add("/more/index.html", f"<html><head><meta charset='utf-8'></head><body><ul>{rows}</ul></body></html>",
                  "text/html; charset=utf-8")
    for n in range(3):
        web.add(f"/more/{n}.html", title_sites.jiyue_article(title_sites.TITLES[n], n), "text/html; charset=utf-8")
    config = load_config(write_config(f"""
        [[sources]]
        id = "more"
        name = "more"
        kind = "html"
        url = "{url}"
        [sources.list]
        item = "ul > li"
        """))
    store = open_test_store(config.storage.url)
    with store.transaction() as tx:
        tx.sync_sources(config.sources)
    collect_source(config, config.sources[0], Fetcher(config.fetch), store)
    with store.transaction() as tx:
        titles = sorted(r[0] for r in tx.connection.execute("SELECT title FROM appearances").fetchall())
    assert titles == sorted(title_sites.TITLES[:3])
