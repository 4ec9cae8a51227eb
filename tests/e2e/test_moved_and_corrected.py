"""A site that moves (here: comes back on another port) and corrects a title in the same poll
still has each article once: the page at the same path, with the same publish time and text,
is the stored one, and its entry takes the corrected title (same id). Two different articles
at one path on two hosts of a source, and a look-alike of the moved article, stay apart.
Fixture sites on 127.0.0.1, both storage backends."""

from __future__ import annotations

import service
from sampleweb.server import LocalWeb
from tests.html_sites import article_page, trs_list
from tests.support import exported_items, query

WRONG, RIGHT = "云阳工业园区与武陵康养签约食品加工项目 总投资126亿元", "云阳工业园区与武陵康养签约食品加工项目 总投资12.6亿元"
ARTICLES = [  # (path, title in the first round, date, paragraphs)
    ("/a/2023/0905/105.html", WRONG, "2023-09-05", [
        "9月4日，云阳工业园区与武陵康养举行项目签约仪式，总投资12.6亿元的食品加工项目正式落户。",
        "该项目主要建设年产20万吨食品加工生产线及配套研发中心，达产后预计年产值可达45亿元。",
        "项目建成后将新增就业岗位800余个，带动上下游配套企业12家集聚发展。"]),
    ("/a/2023/0903/104.html", "云阳工业园区召开食品加工产业链招商推介会", "2023-09-03", [
        "9月3日，云阳工业园区召开食品加工产业链招商推介会，30余家企业参会。",
        "会上，园区介绍了食品加工产业基础、配套政策和重点招商项目。",
        "下一步，园区将围绕食品加工产业链补链强链，力争年底前再引进5个亿元以上项目。"]),
    ("/a/2023/0901/103.html", "云阳工业园区开展安全生产大检查 排查隐患120处", "2023-09-01", [
        "检查组深入园区12家企业生产一线，查看消防设施、危化品管理和应急预案落实情况。",
        "会议强调，园区要牢固树立安全发展理念，压实企业主体责任，坚决防范重特大事故。",
        "截至8月底，园区规上工业企业达到86家，实现产值160亿元，同比增长12%。"]),
]


def _serve_html(web: LocalWeb, titles: dict[str, str], links: dict[str, str] | None = None) -> str:
    """A county site: its list (links as given, else on this host) and its articles."""
    links = links or {}
    rows = [(links.get(path, "." + path), titles.get(path, title), date, "") for path, title, date, _ in ARTICLES]
    web.add("/list.html", trs_list(rows, 0, 1).encode("gb18030"), "text/html")
    for path, title, date, paragraphs in ARTICLES:
        web.add(path, article_page(titles.get(path, title), date, "云阳工业园区", paragraphs).encode("gb18030"),
                "text/html")
    return web.url("/list.html")


def _collect(write_config, url: str, kind: str = "html") -> None:
    fulltext = 'fulltext = "never"' if kind == "feed" else ""
    config = write_config(f"""
        [[sources]]
        id = "yunyang"
        name = "云阳工业园区"
        kind = "{kind}"
        url = "{url}"
        {fulltext}
        """)
    assert service.main(["--config", str(config), "collect"]) == 0


def _entries(tmp_path) -> dict[str, tuple[str, str]]:
    """Entry id -> (title, url) of the published JSON Feed."""
    return {i["id"]: (i["title"], i["url"]) for i in exported_items(tmp_path / "data")}


def test_a_site_that_moves_and_corrects_a_title_at_once_keeps_each_article_once(
        write_config, storage_url, tmp_path):
    """The bench's case: the old articles come back at another port, one with its title fixed."""
    with LocalWeb() as first:
        _collect(write_config, _serve_html(first, {}))
        before = _entries(tmp_path)
    with LocalWeb() as second:
        _collect(write_config, _serve_html(second, {ARTICLES[0][0]: RIGHT}))
        after = _entries(tmp_path)
        assert after.keys() == before.keys()  # no new entry, the same ids
        assert sorted(title for title, _ in after.values()) == sorted([RIGHT, *(a[1] for a in ARTICLES[1:])])
        assert all(url.startswith(second.base_url) for _, url in after.values())  # the links follow the site
    assert query(storage_url, "SELECT COUNT(*) FROM appearances") == [(len(ARTICLES),)]


def _rss(web: LocalWeb, title: str) -> str:
    """A feed whose GUID is the link (so a move changes it), with the full text."""
    items = []
    for n, (path, first_title, _, paragraphs) in enumerate(ARTICLES):
        link = web.url(path)
        body = "".join(f"<p>{p}</p>" for p in paragraphs * 2)
        items.append(f"<item><title>{title if n == 0 else first_title}</title><link>{link}</link><guid>{link}</guid>"
                     f"<pubDate>Tue, 0{5 - 2 * n} Sep 2023 10:3{n}:00 +0800</pubDate>"
                     f"<description><![CDATA[{body}]]></description></item>")
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>云阳工业园区</title>'
            f"<link>{web.url('/')}</link><description>d</description>{''.join(items)}</channel></rss>")


def test_held_out_a_feed_whose_links_move_while_a_title_is_corrected(write_config, storage_url, tmp_path):
    """Not in the bench's web: a feed (GUID = link, timed dates) rather than an html list."""
    with LocalWeb() as first:
        first.add("/rss.xml", _rss(first, WRONG), "application/rss+xml")
        _collect(write_config, first.url("/rss.xml"), "feed")
        before = _entries(tmp_path)
    with LocalWeb() as second:
        second.add("/rss.xml", _rss(second, RIGHT), "application/rss+xml")
        _collect(write_config, second.url("/rss.xml"), "feed")
        after = _entries(tmp_path)
    assert after.keys() == before.keys()
    assert RIGHT in {title for title, _ in after.values()} and WRONG not in {title for title, _ in after.values()}
    assert query(storage_url, "SELECT COUNT(*) FROM appearances") == [(len(ARTICLES),)]


def test_held_out_two_articles_at_one_path_on_two_hosts_and_a_look_alike_stay_apart(
        write_config, storage_url, tmp_path):
    """A source whose list links an article of another host at the same path, the same day,
    another title and text (a portal's county pages); and a look-alike of the moved article
    (same template title, another figure and text, the same day) on the new host."""
    look_alike = ("/a/2023/0905/106.html", "云阳工业园区与三峡食品签约食品加工项目 总投资8亿元", "2023-09-05", [
        "9月4日，云阳工业园区与三峡食品举行项目签约仪式，总投资8亿元的食品加工项目正式落户。",
        "该项目主要建设年产6万吨休闲食品生产线，达产后预计年产值可达15亿元。",
        "项目建成后将新增就业岗位300余个，带动本地农产品就地转化。"])
    with LocalWeb() as first, LocalWeb() as other:
        _collect(write_config, _serve_html(first, {}))
        # the other host: at the first article's path, another article of that day
        path, _, date, _ = ARTICLES[0]
        other.add(path, article_page("云阳县召开食品加工企业座谈会", date, "云阳工业园区", look_alike[3][::-1])
                  .encode("gb18030"), "text/html")
        first.add(look_alike[0], article_page(*look_alike[1:3], "云阳工业园区", look_alike[3]).encode("gb18030"),
                  "text/html")
        rows = [(other.url(path), "云阳县召开食品加工企业座谈会", date, ""), ("." + look_alike[0], *look_alike[1:3], ""),
                *(("." + p, t, d, "") for p, t, d, _ in ARTICLES)]
        first.add("/list.html", trs_list(rows, 0, 1).encode("gb18030"), "text/html")
        _collect(write_config, first.url("/list.html"))
        titles = sorted(title for title, _ in _entries(tmp_path).values())
    assert titles == sorted(["云阳县召开食品加工企业座谈会", look_alike[1], *(a[1] for a in ARTICLES)])
