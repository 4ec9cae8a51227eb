"""The small parts of html sources, each on the HTML shapes real CMSs produce."""

from __future__ import annotations

import pytest

from sources.html.article import extract_article, stub_target
from sources.html.dom import parse_html
from sources.html.listing import entries_by_selectors
from sources.html.metadata import info_line_facts, meta_facts
from sources.html.paging import article_next_page, next_page_url


@pytest.mark.parametrize(("url", "following"), [
    ("http://x.gov.cn/xwdt/index.html", "http://x.gov.cn/xwdt/index_1.html"),
    ("http://x.gov.cn/xwdt/", "http://x.gov.cn/xwdt/index_1.html"),
    ("http://x.gov.cn/xwdt/index_4.shtml", "http://x.gov.cn/xwdt/index_5.shtml"),
    ("http://x.cn/index.php?m=content&c=index&a=lists&catid=10&page=2",
     "http://x.cn/index.php?m=content&c=index&a=lists&catid=10&page=3"),
    ("http://x.cn/a/news/list_5_2.html", "http://x.cn/a/news/list_5_3.html"),
    ("http://x.cn/plus/list.php?tid=5", None),
])
def test_page_after_a_304_follows_the_cms_url_pattern(url, following):
    assert next_page_url(url, None) == following


def test_downloaded_page_must_show_its_pager():
    page = parse_html('<div class="page"><a href="list.php?tid=5&amp;PageNo=2">下一页</a></div>')
    assert next_page_url("http://x.cn/plus/list.php?tid=5", page) == "http://x.cn/plus/list.php?tid=5&PageNo=2"
    last = parse_html("<script>createPageHTML(3, 2, 'index', 'shtml');</script>")
    assert next_page_url("http://x.cn/xw/index_2.shtml", last) is None
    assert next_page_url("http://x.cn/xw/index.html", parse_html("<p>no pager</p>")) is None


def test_gov_meta_names_are_case_insensitive():
    tree = parse_html('<head><meta name="articletitle" content="标题一"><META NAME="PUBDATE" content="2023-08-28 09:00">'
                      '<meta name="contentsource" content="来源：县融媒体中心"><meta name="Keywords" content="招商,园区"></head>')
    facts = meta_facts(tree)
    assert (facts.title, facts.date, facts.source, facts.keywords) == ("标题一", "2023-08-28 09:00", "县融媒体中心", "招商,园区")


@pytest.mark.parametrize(("line", "date", "source", "author"), [
    ("发布时间：2023-08-28 10:30\u3000\u3000来源：云阳县融媒体中心\u3000作者：李堃", "2023-08-28 10:30", "云阳县融媒体中心", "李堃"),
    ("发布日期:2023年08月28日\xa0\xa0信息来源:县发展改革委\xa0\xa0浏览次数：968", "2023年08月28日", "县发展改革委", None),
    ("时间： 2023-08-28  来源： 新华网 【字体：大 中 小】", "2023-08-28", "新华网", None),
])
def test_info_line_variants(line, date, source, author):
    facts = info_line_facts(" ".join(line.replace("\u3000", " ").replace("\xa0", " ").split()))
    assert (facts.date, facts.source, facts.author) == (date, source, author)


def test_redirect_stubs_and_iframes_point_to_the_real_page():
    assert stub_target('<meta http-equiv="refresh" content="0; url=../202308/t1.html">', "http://x.cn/a/b.html") \
        == "http://x.cn/202308/t1.html"
    assert stub_target("<script>location.replace('/real.html')</script>", "http://x.cn/a.html") == "http://x.cn/real.html"
    assert stub_target('<body><iframe src="c.html"></iframe></body>', "http://x.cn/a/b.html") == "http://x.cn/a/c.html"
    article = "<body><p>" + "正文内容很长。" * 60 + "</p><script>window.location='/x.html'</script></body>"
    assert stub_target(article, "http://x.cn/a.html") is None  # a real page that happens to script a redirect


def test_selector_titles_prefer_the_full_title_attribute():
    tree = parse_html('<ul class="l"><li><a href="./202308/t20230828_1.html" title="云阳县召开全县招商引资工作推进大会暨项目签约仪式">'
                      "云阳县召开全县招商引资工作推进...</a><em>[08-28]</em></li></ul>")
    (entry,) = entries_by_selectors(tree, "http://x.gov.cn/xwdt/index.html", "ul.l > li")
    assert entry.url == "http://x.gov.cn/xwdt/202308/t20230828_1.html"
    assert entry.title == "云阳县召开全县招商引资工作推进大会暨项目签约仪式"
    assert entry.date_text == "[08-28]"


def test_page_title_is_flagged_when_it_is_the_only_title():
    article = extract_article("<html><head><title>园区新闻一则_某某县人民政府</title></head><body><p>"
                              + "园区新闻正文。" * 20 + "</p></body></html>", "http://x.cn/a.html")
    assert article.title == "园区新闻一则" and article.title_is_page_title  # the site suffix cut


def test_generic_extraction_drops_related_lists_and_footer_without_css_hints():
    paragraphs = "".join(f"<p>第{i}段：园区今年新落地项目{i}个，总投资{i * 3}亿元，带动就业{i * 100}人，产业链条进一步延伸。</p>"
                         for i in range(1, 7))
    page = ("<html><head><title>园区项目建设提速_某县</title></head><body><div><a href='/'>首页</a> &gt; 新闻</div>"
            f"<div><h2>园区项目建设提速</h2><div>{paragraphs}</div>"
            "<div><h4>相关阅读</h4><ul><li><a href='/1.html'>不该出现的旧闻标题一则</a></li></ul></div></div>"
            "<div><p>上一篇：<a href='/0.html'>旧闻</a></p><p>与我们联系 | 网站地图</p>"
            "<p>Copyright © 2023 某县人民政府 版权所有</p></div></body></html>")
    article = extract_article(page, "http://x.cn/a.html")
    assert "第1段" in article.body_text and "第6段" in article.body_text
    for leak in ("不该出现", "上一篇", "与我们联系", "Copyright", "首页"):
        assert leak not in article.body_text, leak
    assert article.title == "园区项目建设提速" and not article.title_is_page_title


ARTICLE_PAGER_CASES = [
    # (first page, this page, links on this page, expected next page)
    ("http://x.cn/a/2023/0927/12.html", None, ['12_2.html', "/a/news/list_1_2.html", "13.html"],
     "http://x.cn/a/2023/0927/12_2.html"),
    ("http://x.cn/a/2023/0927/12.html", "http://x.cn/a/2023/0927/12_2.html", ["12.html", "12_3.html"],
     "http://x.cn/a/2023/0927/12_3.html"),
    ("http://x.cn/a/2023/0927/12.html", "http://x.cn/a/2023/0927/12_3.html", ["12.html", "12_2.html"], None),
    # TRS: the article number ends in _12 too; only the article's own continuation counts
    ("http://x.cn/xwdt/202308/t20230828_12.html", "http://x.cn/xwdt/202308/t20230828_12_1.html",
     ["t20230828_13.html", "t20230828_12_2.html"], "http://x.cn/xwdt/202308/t20230828_12_2.html"),
    ("http://x.cn/xwdt/202308/t20230828_12.html", None, ["t20230828_13.html", "../index_1.html"], None),
    ("http://x.cn/content/301/index.html", None, ["index_2.html", "/list/index_2.html"],
     "http://x.cn/content/301/index_2.html"),
    ("http://x.cn/20240515/abc/c.html", None, ["c.html?page=2", "c.html?page=3"], "http://x.cn/20240515/abc/c.html?page=2"),
    ("http://x.cn/20240515/abc/c.html", "http://x.cn/20240515/abc/c.html?page=2", ["c.html?page=3"],
     "http://x.cn/20240515/abc/c.html?page=3"),
    ("http://x.cn/show.php?id=5", None, ["show.php?id=6", "show.php?id=5&page=2"], "http://x.cn/show.php?id=5&page=2"),
    ("http://x.cn/2023/09/27/zone-news/", None, ["/2023/09/27/zone-news/2/", "/page/2/"],
     "http://x.cn/2023/09/27/zone-news/2/"),
    ("http://x.cn/a/12.html", None, ["http://other.cn/a/12_2.html"], None),  # another host
]


@pytest.mark.parametrize("first,page,links,expected", ARTICLE_PAGER_CASES)
def test_article_next_page_continues_the_articles_own_url(first, page, links, expected):
    anchors = "".join(f'<a href="{href}">下一页</a>' for href in links)
    tree = parse_html(f"<html><body><div class='content'><p>正文</p></div><div class='page'>{anchors}</div></body></html>")
    assert article_next_page(first, page or first, tree) == expected


def test_article_next_page_from_the_trs_pager_script():
    tree = parse_html('<html><body><script>createPageHTML(3, 1, "t20230828_12", "html");</script></body></html>')
    first = "http://x.cn/xwdt/202308/t20230828_12.html"
    assert article_next_page(first, "http://x.cn/xwdt/202308/t20230828_12_1.html", tree) == \
        "http://x.cn/xwdt/202308/t20230828_12_2.html"
    last = parse_html('<html><body><script>createPageHTML(3, 2, "t20230828_12", "html");</script></body></html>')
    assert article_next_page(first, "http://x.cn/xwdt/202308/t20230828_12_2.html", last) is None


LIST_WITH_EXCERPTS = """<html><body><div class="list">
<dl><dt><a href="/a/1.html">园区签约三个重点项目</a></dt><dd>7月12日，园区与三家企业签订投资协议，总投资12亿元，项目将于年内开工建设，带动就业。</dd></dl>
<dl><dt><a href="/a/2.html">园区召开项目推进会议</a></dt><dd>2023年7月12日，园区召开项目推进会，研究部署下半年重点工作，要求各部门强化要素保障。</dd>
<dd><span>发布时间: 2023-9-27 10:05</span></dd></dl>
<dl><dt><a href="/a/3.html">园区举办企业用工对接会</a> <em>[09-26]</em></dt><dd>园区举办用工对接会。</dd></dl>
<dl><dt><a href="/a/4.html">园区召开新闻发布会</a></dt><dd>来源：重庆市万州区经济技术开发区管理委员会办公室 发布时间：2023-09-25 浏览：12</dd></dl>
</div></body></html>"""


def test_list_dates_inside_excerpts_are_content_not_the_entry_date():
    tree = parse_html(LIST_WITH_EXCERPTS)
    entries = {e.url: e.date_text for e in entries_by_selectors(tree, "http://x.cn/", "div.list dl")}
    assert entries == {"http://x.cn/a/1.html": None, "http://x.cn/a/2.html": "2023-9-27 10:05",
                       "http://x.cn/a/3.html": "[09-26]", "http://x.cn/a/4.html": "2023-09-25"}
