"""Hard cases for dates and articles split over pages, end to end: fixture sites on 127.0.0.1
-> collect -> the store (SQLite and PostgreSQL).

Dates: only in the URL (DedeCMS `/a/2023/0927/`), with the clock only in the info line, only in a
script (WeChat mirror `var ct`), a list excerpt that mentions `7月12日` (content, not the date).
Pages: DedeCMS `_2.html`/`_3.html`, TRS `createPageHTML` to `t…_1.html`, `index_2.html`; the list
pager, a "下一篇" link and a sidebar list on the article page are not the article's pages; at
most 10 pages; robots.txt is obeyed for every page.
"""

from __future__ import annotations

from scheduler.collect import collect_source
from settings import load_config
from sources import Fetcher
from tests.support import open_test_store

SITE = "云阳工业园区"
HEAD = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"><title>{title}_' + SITE + "</title>"
SIDEBAR = ('<div class="sidebar"><h3>最新文章</h3><ul><li><a href="/a/2023/0901/90.html">园区召开安全生产工作会议并部署'
           '下一阶段工作</a></li></ul><div class="dede_pages"><a href="/a/news/list_1_2.html">下一页</a></div></div>')


def para(story: str, n: int) -> str:
    return (f"{story}第{n}段：云阳工业园区持续优化营商环境，推动项目早开工、早投产、早见效，今年已签约项目{n * 7}个。"
            "园区聚焦新材料、食品加工、电子信息等主导产业，完善水电气讯等配套设施，建设标准厂房和人才公寓，"
            f"为入驻企业提供全生命周期服务，前三季度规上工业产值同比增长{n + 10}%，新增就业岗位{n * 90}余个。")


def dede_page(title: str, paragraphs: list[str], pager: str = "", info: str = "作者：admin", extra: str = "") -> bytes:
    body = "".join(f"<p>\u3000\u3000{p}</p>" for p in paragraphs)
    return (HEAD.format(title=title) + f'</head><body><div class="header"><h1><a href="/">{SITE}</a></h1></div>'
            f'<div class="viewbox"><div class="title"><h2>{title}</h2></div><div class="info"><small>{info} 点击：'
            f'<script src="/plus/count.php?aid=1"></script>次</small></div><div class="content">{body}</div>{pager}'
            f"{extra}</div>{SIDEBAR}</body></html>").encode("gb18030")


def dede_pager(stem: str, pages: int, current: int) -> str:
    links = "".join(f'<li><a href="{stem if n == 1 else f"{stem}_{n}"}.html">{n}</a></li>' for n in range(1, pages + 1))
    following = f'<li><a href="{stem}_{current + 1}.html">下一页</a></li>' if current < pages else ""
    return f'<div class="dede_pages"><ul class="pagelist">{links}{following}</ul></div>'


def serve_dede(web) -> dict[str, list[str]]:
    """Three articles: 101 over three pages (the last one short), 102 on one page with only a clock in its info line,
    105 over fifteen pages (only ten are read). Dates are only in the URLs."""
    texts = {}
    items = [("/a/2023/0927/101.html", "云阳工业园区新材料产业园一期主体工程完工"),
             ("/a/2023/0925/102.html", "云阳工业园区召开招商引资工作推进会"),
             ("/a/2023/0920/105.html", "云阳工业园区2023年重点项目清单解读")]
    rows = "".join(f'<li><a href="{href}" class="title">{title}</a></li>' for href, title in items)
    web.add("/a/news/list_1_1.html", (HEAD.format(title="新闻中心") + f'</head><body><ul class="e2">{rows}</ul>'
                                      '<div class="dede_pages"><a href="list_1_2.html">下一页</a></div></body></html>'
                                      ).encode("gb18030"), "text/html")
    web.add("/a/news/list_1_2.html", (HEAD.format(title="新闻中心") + '</head><body><ul class="e2"><li><a href='
                                      '"/a/2023/0901/90.html">园区召开安全生产工作会议并部署下一阶段工作</a></li></ul>'
                                      "</body></html>").encode("gb18030"), "text/html")
    web.add("/a/2023/0901/90.html", dede_page("园区召开安全生产工作会议并部署下一阶段工作",
                                              [para("安全", n) for n in range(1, 4)]), "text/html")
    # the last page is short (two lines): too little for generic extraction on its own
    pages = [[para("新材料", n) for n in range(k * 2 + 1, k * 2 + 3)] for k in range(2)]
    pages.append(["编者按：本文有删节，项目最新进展将持续报道。", "来源：云阳县融媒体中心"])
    texts["101"] = [p for page in pages for p in page]
    # the next article is linked as "下一篇" (same folder, a number that could be a page number)
    neighbour = '<div class="pn">下一篇：<a href="/a/2023/0927/102.html">另一条新闻</a></div>'
    for n, paragraphs in enumerate(pages, start=1):
        path = "/a/2023/0927/101.html" if n == 1 else f"/a/2023/0927/101_{n}.html"
        web.add(path, dede_page(items[0][1], paragraphs, dede_pager("101", 3, n), extra=neighbour), "text/html")
    texts["102"] = [para("招商", n) for n in range(1, 4)]
    web.add("/a/2023/0925/102.html", dede_page(items[1][1], texts["102"], info="发布时间：14:20 作者：admin"),
            "text/html")
    texts["105"] = []
    for n in range(1, 16):
        paragraphs = [para(f"清单{n}页", 1)]
        texts["105"] += paragraphs
        path = "/a/2023/0920/105.html" if n == 1 else f"/a/2023/0920/105_{n}.html"
        web.add(path, dede_page(items[2][1], paragraphs, dede_pager("105", 15, n)), "text/html")
    return texts


def trs_article(title: str, stamp: str, paragraphs: list[str], pager: str) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            f'<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{stamp}"><title>{title}</title>'
            f'</head><body><h1>{title}</h1><div class="info">发布时间：{stamp}</div><div class="TRS_Editor">{body}'
            f'</div><div class="page">{pager}</div><div class="pn"><p>下一篇：<a href="./t20230828_202.html">'
            "万州经开区召开新闻发布会</a></p></div></body></html>").encode("gb18030")


def serve_trs(web) -> list[str]:
    """t20230828_201.html continues at _1 and _2 (createPageHTML); its "下一篇" is t20230828_202."""
    rows = ('<li><a href="./202308/t20230828_201.html" title="万州经开区三季度经济运行分析会召开">万州经开区三季度经济运行'
            '分析会召开</a><span>2023-08-28</span></li><li><a href="./202308/t20230828_202.html">万州经开区召开新闻发布会'
            '</a><span>2023-08-28</span></li><li><a href="./202308/t20230827_203.html">万州经开区开展消防安全演练</a>'
            "<span>2023-08-27</span></li>")
    web.add("/xwdt/index.html", ('<html><head><meta charset="gb2312"></head><body><ul class="list">' + rows + "</ul>"
                                 '<div class="page"><script>createPageHTML(1, 0, "index", "html");</script></div>'
                                 "</body></html>").encode("gb18030"), "text/html")
    paragraphs = [para("经济运行", n) for n in range(1, 7)]
    for n in range(3):
        path = "/xwdt/202308/t20230828_201.html" if n == 0 else f"/xwdt/202308/t20230828_201_{n}.html"
        pager = f'<script>createPageHTML(3, {n}, "t20230828_201", "html");</script>'
        web.add(path, trs_article("万州经开区三季度经济运行分析会召开", "2023-08-28 09:30",
                                  paragraphs[n * 2:n * 2 + 2], pager), "text/html")
    web.add("/xwdt/202308/t20230828_202.html", trs_article("万州经开区召开新闻发布会", "2023-08-28 15:00",
                                                           [para("发布会", 1), para("发布会", 2)], ""), "text/html")
    web.add("/xwdt/202308/t20230827_203.html", trs_article("万州经开区开展消防安全演练", "2023-08-27 10:00",
                                                           [para("演练", 1), para("演练", 2)], ""), "text/html")
    return paragraphs


def serve_wechat_and_portal(web) -> None:
    """A WeChat mirror (list date, time only in `var ct`), a portal list whose excerpts mention
    dates, and an article continued at index_2.html."""
    wx = ('<html><head><meta charset="utf-8"></head><body><ul class="wx-list"><li><a href="/wx/s/abc.html"><h4>綦江工业园区'
          "举行重点项目集中签约仪式</h4></a><em>2023-09-27</em></li><li><a href=\"/wx/s/def.html\"><h4>綦江工业园区开展安全"
          "生产大检查活动</h4></a><em>2023-09-26</em></li><li><a href=\"/wx/s/ghi.html\"><h4>綦江工业园区召开企业"
          "用工对接会议</h4></a><em>2023-09-25</em></li></ul></body></html>")
    web.add("/wx/index.html", wx, "text/html")
    for path, title, epoch in (("/wx/s/abc.html", "綦江工业园区举行重点项目集中签约仪式", 1695794400),
                               ("/wx/s/def.html", "綦江工业园区开展安全生产大检查活动", 1695711600),
                               ("/wx/s/ghi.html", "綦江工业园区召开企业用工对接会议", 1695600000)):
        # ghi's page also states its day, without a time: the script's time completes it
        info = '<div class="info">发布时间：2023-09-25</div>' if path.endswith("ghi.html") else ""
        web.add(path, f'<html><head><meta charset="utf-8"><title>{title}</title></head><body><h1 class="rich_media_title">'
                      f'{title}</h1><em id="publish_time"></em>{info}<div id="js_content"><p>{para(title, 1)}</p><p>'
                      f'{para(title, 2)}</p></div><script>var ct = "{epoch}";var nickname = "綦江发布";</script>'
                      "</body></html>", "text/html")
    excerpt = "7月12日，荣昌高新区与三家企业签订投资协议，总投资12亿元，项目将于年内开工建设，带动就业岗位800余个。"
    portal = ('<html><head><meta charset="utf-8"></head><body><div class="bm_c">'
              f'<dl class="bbda"><dt><a href="/article-7-1.html">荣昌高新区签约三个重点项目</a></dt><dd class="xs2">{excerpt}'
              "</dd></dl>"
              f'<dl class="bbda"><dt><a href="/article-8-1.html">荣昌高新区召开项目推进会</a></dt><dd class="xs2">{excerpt}'
              '</dd><dd><span class="xg1">发布时间: 2023-9-27 10:05</span></dd></dl>'
              '<dl class="bbda"><dt><a href="/article-9-1.html">荣昌高新区举办企业用工对接会</a></dt>'
              '<dd><span class="xg1">发布时间: 2023-9-26</span></dd></dl>'
              '<dl class="bbda"><dt><a href="/content/2023/0927/301/index.html">荣昌高新区年度工作报告全文发布</a></dt>'
              f"<dd>{excerpt}</dd></dl></div></body></html>")
    web.add("/portal.html", portal, "text/html")
    for path in ("/article-7-1.html", "/article-8-1.html"):
        web.add(path, f'<html><head><meta charset="utf-8"><title>荣昌高新区</title></head><body><div id="article_content">'
                      f"<p>{excerpt}</p><p>{para('荣昌', 1)}</p></div></body></html>", "text/html")
    web.add("/article-9-1.html", '<html><head><meta charset="utf-8"><title>荣昌高新区</title></head><body>'
                                 f'<div class="info">发布时间：16:45</div><div id="article_content"><p>{para("用工", 1)}'
                                 f"</p><p>{para('用工', 2)}</p></div></body></html>", "text/html")
    for n in (1, 2):
        path = "/content/2023/0927/301/index.html" if n == 1 else "/content/2023/0927/301/index_2.html"
        pager = '<div class="page"><a href="index_2.html">下一页</a></div>' if n == 1 else ""
        web.add(path, f'<html><head><meta charset="utf-8"><title>荣昌高新区年度工作报告全文发布</title></head><body>'
                      f'<div id="zoom"><p>{para("报告", n)}</p><p>{para("报告", n + 10)}</p></div>{pager}</body></html>',
                "text/html")


def _source(source_id: str, url: str) -> str:
    return f'\n[[sources]]\nid = "{source_id}"\nname = "{source_id}"\nkind = "html"\nurl = "{url}"\npages = 1\nbackfill_pages = 1\n'


def _collect(write_config, tmp_path, sources: str, respect_robots: bool = False):
    config = load_config(write_config(sources, respect_robots=respect_robots))
    store = open_test_store(config.storage.url)
    with store.transaction() as tx:
        tx.sync_sources(config.sources)
    outcomes = [collect_source(config, source, Fetcher(config.fetch), store) for source in config.sources]
    assert all(o.error is None for o in outcomes), [o.error for o in outcomes]
    with store.transaction() as tx:
        rows = tx.connection.execute(
            "SELECT url, title, published_at, date_is_guess, content_html FROM appearances").fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}


def _in_order(content: str, paragraphs: list[str]) -> bool:
    positions = [content.find(p) for p in paragraphs]
    return -1 not in positions and positions == sorted(positions)


def test_dedecms_article_over_three_pages_with_its_date_only_in_the_url(web, write_config, tmp_path):
    texts = serve_dede(web)
    rows = _collect(write_config, tmp_path, _source("dede", web.url("/a/news/list_1_1.html")))

    _, published, guess, content = rows[web.url("/a/2023/0927/101.html")]
    assert (published, guess) == ("2023-09-26T16:00:00Z", 0)  # 27 Sep, midnight in Shanghai, from the URL
    assert _in_order(content, texts["101"])
    assert "下一页" not in content and "最新文章" not in content
    for path in ("/a/2023/0927/101.html", "/a/2023/0927/101_2.html", "/a/2023/0927/101_3.html"):
        assert web.count(path) == 1, path
    assert web.count("/a/2023/0927/101_4.html") == 0  # page 3 has no next link: never guessed
    # the list pager of the sidebar is not the article's: its list page is not read by the article
    assert web.count("/a/news/list_1_2.html") == 0  # pages = 1
    assert web.url("/a/2023/0901/90.html") not in rows
    # "下一篇" (102) is an item of its own, not page 2 of 101
    assert texts["102"][0] not in content and web.url("/a/2023/0925/102.html") in rows


def test_url_day_takes_the_clock_of_the_info_line(web, write_config, tmp_path):
    serve_dede(web)
    rows = _collect(write_config, tmp_path, _source("dede", web.url("/a/news/list_1_1.html")))
    _, published, guess, _ = rows[web.url("/a/2023/0925/102.html")]
    assert (published, guess) == ("2023-09-25T06:20:00Z", 0)  # 14:20 in Shanghai


def test_article_pages_are_capped_at_ten(web, write_config, tmp_path):
    texts = serve_dede(web)
    rows = _collect(write_config, tmp_path, _source("dede", web.url("/a/news/list_1_1.html")))
    content = rows[web.url("/a/2023/0920/105.html")][3]
    assert _in_order(content, texts["105"][:10]) and texts["105"][10] not in content
    assert web.count("/a/2023/0920/105_10.html") == 1 and web.count("/a/2023/0920/105_11.html") == 0


def test_robots_txt_is_obeyed_for_every_page_of_an_article(web, write_config, tmp_path):
    texts = serve_dede(web)
    web.add("/robots.txt", "User-agent: *\nDisallow: /a/2023/0927/101_3.html\n", "text/plain")
    rows = _collect(write_config, tmp_path, _source("dede", web.url("/a/news/list_1_1.html")), respect_robots=True)
    content = rows[web.url("/a/2023/0927/101.html")][3]
    assert _in_order(content, texts["101"][:4]) and texts["101"][4] not in content
    assert web.count("/a/2023/0927/101_3.html") == 0


def test_trs_article_continued_by_its_pager_script(web, write_config, tmp_path):
    paragraphs = serve_trs(web)
    rows = _collect(write_config, tmp_path, _source("trs", web.url("/xwdt/index.html")))
    title, published, guess, content = rows[web.url("/xwdt/202308/t20230828_201.html")]
    assert title == "万州经开区三季度经济运行分析会召开"
    assert (published, guess) == ("2023-08-28T01:30:00Z", 0)  # PubDate meta, not the URL's midnight
    assert _in_order(content, paragraphs)
    assert "发布会" not in content  # the "下一篇" t20230828_202 is another article
    assert web.count("/xwdt/202308/t20230828_201_2.html") == 1
    assert web.count("/xwdt/202308/t20230828_201_3.html") == 0
    assert web.count("/xwdt/202308/t20230828_202.html") == 1  # read once, as its own item


def test_wechat_time_from_script_and_portal_excerpt_dates_are_content(web, write_config, tmp_path):
    serve_wechat_and_portal(web)
    rows = _collect(write_config, tmp_path,
                    _source("wx", web.url("/wx/index.html")) + _source("portal", web.url("/portal.html")))
    assert rows[web.url("/wx/s/abc.html")][1:3] == ("2023-09-27T06:00:00Z", 0)  # var ct beats the list's day
    assert rows[web.url("/wx/s/def.html")][1:3] == ("2023-09-26T07:00:00Z", 0)
    assert rows[web.url("/wx/s/ghi.html")][1:3] == ("2023-09-25T00:00:00Z", 0)  # info line's day, var ct's time

    _, published, guess, _ = rows[web.url("/article-7-1.html")]
    assert guess == 1 and not published.startswith("2026-07-12")  # the excerpt's 7月12日 is not a date
    assert rows[web.url("/article-8-1.html")][1:3] == ("2023-09-27T02:05:00Z", 0)  # the labelled date
    assert rows[web.url("/article-9-1.html")][1:3] == ("2023-09-26T08:45:00Z", 0)  # list's day, page's clock

    _, published, guess, content = rows[web.url("/content/2023/0927/301/index.html")]
    assert (published, guess) == ("2023-09-26T16:00:00Z", 0)  # the URL's day, not the excerpt's
    assert _in_order(content, [para("报告", 1), para("报告", 11), para("报告", 2), para("报告", 12)])


def test_a_host_that_asks_us_to_wait_on_page_two_defers_the_whole_article(web, write_config, tmp_path):
    texts = serve_dede(web)
    page2 = "/a/2023/0927/101_2.html"
    original = web.routes[page2]
    web.add(page2, "busy", "text/html", status=429, headers={"Retry-After": "0"})
    config = load_config(write_config(_source("dede", web.url("/a/news/list_1_1.html"))))
    store = open_test_store(config.storage.url)
    with store.transaction() as tx:
        tx.sync_sources(config.sources)

    collect_source(config, config.sources[0], Fetcher(config.fetch), store)
    assert web.url("/a/2023/0927/101.html") not in _stored(store)  # never stored cut short

    web.routes[page2] = original
    collect_source(config, config.sources[0], Fetcher(config.fetch), store)
    assert _in_order(_stored(store)[web.url("/a/2023/0927/101.html")], texts["101"])


def _stored(store) -> dict[str, str]:
    with store.transaction() as tx:
        return dict(tx.connection.execute("SELECT url, content_html FROM appearances").fetchall())
