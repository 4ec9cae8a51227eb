"""HTML sources end to end: fixture CMS sites on 127.0.0.1 -> collect -> the store."""

from __future__ import annotations

from scheduler.collect import collect_source
from settings import load_config
from sources import Fetcher
from tests import html_sites
from tests.support import open_test_store


def _setup(write_config, tmp_path, sources: str, fetch: str = ""):
    config = load_config(write_config(sources))
    if fetch:
        config = load_config(write_config(sources).parent / "config.toml")
    store = open_test_store(config.storage.url)
    with store.transaction() as tx:
        tx.sync_sources(config.sources)
    return config, store


def _html_source(source_id: str, url: str, extra: str = "") -> str:
    return f"""
        [[sources]]
        id = "{source_id}"
        name = "{source_id}"
        kind = "html"
        url = "{url}"
        {extra}
        """


def _rows(store, source_id: str) -> dict[str, tuple]:
    with store.transaction() as tx:
        rows = tx.connection.execute(
            "SELECT url, title, published_at, date_is_guess, publisher, content_html FROM appearances "
            f"WHERE source_id = '{source_id}'").fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}


def test_trs_gb2312_site_relative_links_paging_and_article_facts(web, write_config, tmp_path):
    url = html_sites.serve_trs(web)
    config, store = _setup(write_config, tmp_path, _html_source("trs", url, "pages = 1\nbackfill_pages = 2"))
    outcome = collect_source(config, config.sources[0], Fetcher(config.fetch), store)
    assert outcome.error is None and outcome.new == 5  # first poll backfills both list pages

    rows = _rows(store, "trs")
    first = rows[web.url("/trs/202308/t20230828_101.html")]
    assert first[0] == "朱镕基考察云阳工业园区新材料项目"  # GBK-only 镕 decoded
    assert first[1] == "2023-08-28T02:30:00Z"  # article info line, Shanghai time
    assert first[2] == 0 and first[3] == "云阳县融媒体中心"
    body = first[4]
    assert html_sites.PARAGRAPHS[0] in body and html_sites.PARAGRAPHS[3] in body
    for leak in ("与我们联系", "Copyright", "上一条", "下一条", "打印本页", "相关新闻", "分享到",
                 "当前位置", "浏览次数", "发布时间"):
        assert leak not in body, leak
    assert web.url("/trs/202308/t20230819_105.html") in rows  # page 2 via createPageHTML


def test_second_poll_of_unchanged_site_is_one_304_per_list_page_and_no_article(web, write_config, tmp_path):
    url = html_sites.serve_trs(web)
    config, store = _setup(write_config, tmp_path, _html_source("trs", url, "pages = 2"))
    fetcher = Fetcher(config.fetch)
    assert collect_source(config, config.sources[0], fetcher, store).new == 5
    before = len(web.statuses())

    second = collect_source(config, config.sources[0], Fetcher(config.fetch), store)

    requests = web.statuses()[before:]
    assert second.not_modified and second.error is None
    assert sorted(requests) == [("/trs/index.html", "304"), ("/trs/index_1.html", "304")]


def test_new_item_on_a_later_poll_fetches_only_that_article(web, write_config, tmp_path):
    url = html_sites.serve_trs(web)
    config, store = _setup(write_config, tmp_path, _html_source("trs", url))
    collect_source(config, config.sources[0], Fetcher(config.fetch), store)
    fresh = ("./202308/t20230829_106.html", "云阳县举行新一批重大项目开工仪式", "2023-08-29", "云阳日报")
    web.add("/trs/index.html", html_sites.trs_list([fresh, *html_sites.TRS_ITEMS], 0, 2).encode("gb18030"),
            "text/html")
    web.add("/trs/202308/t20230829_106.html",
            html_sites.article_page(fresh[1], "2023-08-29 08:00", fresh[3]).encode("gb18030"), "text/html")
    before = len(web.statuses())

    outcome = collect_source(config, config.sources[0], Fetcher(config.fetch), store)

    paths = [p for p, _ in web.statuses()[before:]]
    assert outcome.new == 1
    assert paths == ["/trs/index.html", "/trs/202308/t20230829_106.html"]


def test_hanweb_datastore_list(web, write_config, tmp_path):
    url = html_sites.serve_hanweb(web)
    config, store = _setup(write_config, tmp_path, _html_source("hanweb", url))
    assert collect_source(config, config.sources[0], Fetcher(config.fetch), store).new == 3
    rows = _rows(store, "hanweb")
    title, published, guess, publisher, _ = rows[web.url("/art/2023/8/28/art_1234_501.html")]
    assert title == "高新区管委会召开2023年第三季度经济运行分析会"
    assert (published, guess, publisher) == ("2023-08-27T16:00:00Z", 0, "高新区管委会")


def test_phpcms_query_string_site_with_next_link_paging(web, write_config, tmp_path):
    url = html_sites.serve_phpcms(web)
    config, store = _setup(write_config, tmp_path, _html_source("php", url))
    assert collect_source(config, config.sources[0], Fetcher(config.fetch), store).new == 4
    rows = _rows(store, "php")
    key = web.url("/index.php?m=content&c=index&a=show&catid=10&id=12")
    assert rows[key][0] == "经开区与三家企业签订投资协议"
    assert rows[key][1] == "2023-08-28T01:12:00Z"
    assert web.url("/index.php?m=content&c=index&a=show&catid=10&id=9") in rows


def test_list_dates_without_year_and_in_chinese_and_charsetless_pages(web, write_config, tmp_path):
    short_url, long_url = html_sites.serve_dated_lists(web)
    config, store = _setup(write_config, tmp_path,
                           _html_source("short", short_url) + _html_source("long", long_url))
    for source in config.sources:
        assert collect_source(config, source, Fetcher(config.fetch), store).new == 3
    short = _rows(store, "short")[web.url("/sd/28.html")]
    long_ = _rows(store, "long")[web.url("/cn/27.html")]
    assert short[0] == "云阳县通知公告第28号文件发布"  # bare text/html GBK, no mojibake
    assert short[1].endswith("-08-27T16:00:00Z") and short[2] == 0  # [08-28]: year inferred
    assert long_[0] == "云阳县政策解读第27期文章"  # header said utf-8, bytes are GBK
    assert long_[1] == "2023-08-26T16:00:00Z" and long_[2] == 0


def test_list_that_stops_yielding_items_is_a_layout_error(web, write_config, tmp_path):
    url = html_sites.serve_trs(web)
    config, store = _setup(write_config, tmp_path, _html_source("trs", url))
    assert collect_source(config, config.sources[0], Fetcher(config.fetch), store).new == 5
    web.add("/trs/index.html", "<html><body><p>网站改版中</p></body></html>", "text/html")

    outcome = collect_source(config, config.sources[0], Fetcher(config.fetch), store)

    assert outcome.error_kind == "layout" and "layout changed?" in outcome.error


def test_robots_disallowed_articles_are_never_requested(web, write_config, tmp_path):
    url = html_sites.serve_trs(web)
    web.add("/robots.txt", "User-agent: *\nDisallow: /trs/202308/t20230827_102.html\n", "text/plain")
    path = write_config(_html_source("trs", url)).read_text(encoding="utf-8")
    (tmp_path / "config.toml").write_text(path.replace("respect_robots = false", "respect_robots = true"),
                                          encoding="utf-8")
    config = load_config(tmp_path / "config.toml")
    store = open_test_store(config.storage.url)

    outcome = collect_source(config, config.sources[0], Fetcher(config.fetch), store)

    assert outcome.error is None and outcome.new == 5  # 102 is listed from the list page alone
    assert web.count("/trs/202308/t20230827_102.html") == 0
    assert web.count("/trs/202308/t20230828_101.html") == 1
    assert web.count("/robots.txt") == 1  # cached per host


def test_article_redirect_stub_and_iframe_are_followed_once(web, write_config, tmp_path):
    html_sites.serve_trs(web)
    web.add("/trs/202308/t20230828_101.html",
            "<html><head><script>window.location.href='./real_101.html';</script></head><body></body></html>",
            "text/html")
    web.add("/trs/202308/real_101.html",
            html_sites.article_page("朱镕基考察云阳工业园区新材料项目", "2023-08-28", "云阳日报").encode("gb18030"),
            "text/html")
    web.add("/trs/202308/t20230827_102.html",
            '<html><body><iframe src="/frames/102.html"></iframe></body></html>', "text/html")
    web.add("/frames/102.html",
            html_sites.article_page("张喆出席云阳经开区重点项目集中签约仪式", "2023-08-27", "云阳县经济信息委"
                                    ).encode("gb18030"), "text/html")
    config, store = _setup(write_config, tmp_path, _html_source("trs", web.url("/trs/index.html")))

    collect_source(config, config.sources[0], Fetcher(config.fetch), store)

    rows = _rows(store, "trs")
    assert rows[web.url("/trs/202308/t20230828_101.html")][3] == "云阳日报"
    framed = rows[web.url("/trs/202308/t20230827_102.html")]
    assert framed[3] == "云阳县经济信息委" and html_sites.PARAGRAPHS[1] in framed[4]
    assert web.count("/trs/202308/real_101.html") == 1 and web.count("/frames/102.html") == 1


def test_configured_selectors_win(web, write_config, tmp_path):
    url = html_sites.serve_trs(web)
    extra = """
        [sources.list]
        item = "ul.list > li"
        title = "a"
        date = "span"
        [sources.article]
        title = "h1.title"
        source = "div.info"
        body = "div.TRS_Editor"
        """
    config, store = _setup(write_config, tmp_path, _html_source("trs", url, extra))
    assert collect_source(config, config.sources[0], Fetcher(config.fetch), store).new == 5
    row = _rows(store, "trs")[web.url("/trs/202308/t20230826_103.html")]
    assert row[0] == "云阳工业园区上半年规上工业产值同比增长" and row[3] == "云阳县统计局"
    assert "近年来" in row[4] and "打印" not in row[4]


def test_attachments_and_non_html_links_are_listed_without_parsing(web, write_config, tmp_path):
    """A file link costs one request, read no further than its first chunk (type and size)."""
    page = ('<html><body><ul class="gg">'
            + "".join(f'<li><a href="/files/{i}.pdf">关于第{i}批园区企业名单的公示</a>2023-08-2{i}</li>' for i in range(3))
            + '<li><a href="/data/3.json">园区企业数据开放清单</a>2023-08-24</li></ul></body></html>')
    url = web.add("/gg/index.html", page, "text/html; charset=utf-8")
    web.add("/data/3.json", "{}", "application/json")
    config, store = _setup(write_config, tmp_path, _html_source("gg", url))

    assert collect_source(config, config.sources[0], Fetcher(config.fetch), store).new == 4

    assert web.count("/files/0.pdf") == 1 and web.count("/data/3.json") == 1
    rows = _rows(store, "gg")
    assert rows[web.url("/files/1.pdf")][:3] == ("关于第1批园区企业名单的公示", "2023-08-20T16:00:00Z", 0)
    assert rows[web.url("/data/3.json")][0] == "园区企业数据开放清单"


def test_anti_bot_challenge_on_an_article_leaves_the_rest_for_the_next_poll(web, write_config, tmp_path):
    url = html_sites.serve_trs(web)
    blocked = "/trs/202308/t20230827_102.html"
    original = web.routes[blocked]
    web.add(blocked, "<script>document.cookie='__jsl_clearance=1'</script>", "text/html", status=521)
    config, store = _setup(write_config, tmp_path, _html_source("trs", url, "backfill_pages = 1"))

    first = collect_source(config, config.sources[0], Fetcher(config.fetch), store)

    assert first.error is None and first.new == 1  # the article before the challenge
    assert web.count(blocked) == 1  # not retried in a loop
    web.routes[blocked] = original
    second = collect_source(config, config.sources[0], Fetcher(config.fetch), store)
    assert second.new == 2  # no 304: the list's validators were not saved while items were pending
    assert web.count("/trs/202308/t20230828_101.html") == 1
