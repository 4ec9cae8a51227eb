"""Titles, URLs, sanitizing and publishers: unit cases from real pages plus properties."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from items.matchtext import article_lines, article_text, comparison_text
from items.normalize import normalize
from items.sanitize import sanitize_html
from items.urls import canonical_url
from model.raw import RawItem
from settings.model import SourceConfig
from text.cleaning import xml_safe
from text.credit import credit_in_lines
from text.titles import clean_title, site_suffix_forms, strip_own_name, title_key

BASE = "http://www.example.gov.cn/news/2023/article.html"
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# titles ------------------------------------------------------------------------------------


def test_site_suffixes_are_cut_from_page_titles():
    def cut(title: str) -> str:
        return site_suffix_forms(title)[0][-1]

    assert cut("云阳县召开招商推进会_云阳工业园区开发区管委会") == "云阳县召开招商推进会"
    assert cut("两江新区发布人才新政 - 投促中国") == "两江新区发布人才新政"
    assert cut("标题内容 | 栏目 | 重庆市人民政府网") == "标题内容"
    assert cut("标题内容·云阳县人民政府") == cut("标题内容 — 云阳县人民政府") == "标题内容"
    # a hyphen inside the title is not a separator
    assert cut("2023-2025年产业规划发布") == "2023-2025年产业规划发布"
    assert site_suffix_forms("2023-2025年产业规划发布")[1] == []


def test_a_feed_title_ending_in_the_sources_own_name_loses_it():
    assert strip_own_name("万州经开区标准厂房竣工_万州经开区管委会", ("万州经开区管委会",)) == "万州经开区标准厂房竣工"
    assert strip_own_name("规划解读 - 投促中国", ("投促中国",)) == "规划解读"
    assert strip_own_name("规划解读 - 人民网", ("投促中国",)) == "规划解读 - 人民网"


def test_column_labels_go_only_when_they_are_labels():
    assert clean_title("【开发区动态】云阳县召开招商推进会") == "云阳县召开招商推进会"
    assert clean_title("【通知】") == "【通知】"  # the whole title, not a label
    assert clean_title("关于【重要】事项的通知") == "关于【重要】事项的通知"  # not a leading label


def test_spacing_is_collapsed_but_widths_are_kept():
    assert clean_title("  云阳县\u3000召开&nbsp;招商\n推进会\r\n ") == "云阳县 召开 招商 推进会"
    assert clean_title("２０２３年ＡＢＣ开发区") == "２０２３年ＡＢＣ开发区"  # readers see what was written


def test_title_key_ignores_width_case_and_punctuation():
    assert title_key("２０２３年，ＡＢＣ开发区！") == title_key("2023年 abc开发区") == "2023年abc开发区"
    assert title_key("“两江新区”发布《人才新政》") == title_key("两江新区发布人才新政")


@given(st.text(max_size=80))
def test_title_cleanup_is_idempotent_and_feed_safe(raw):
    cleaned = clean_title(raw)
    assert clean_title(cleaned) == cleaned
    assert not XML_INVALID.search(cleaned)
    assert "  " not in cleaned and cleaned == cleaned.strip()
    assert title_key(title_key(raw)) == title_key(raw)


# URLs --------------------------------------------------------------------------------------


def test_tracking_parameters_go_and_meaningful_ones_stay():
    url = ("HTTP://Www.Example.GOV.cn:80/a/b.html?id=5&utm_source=wx&spm=1.2&catid=3"
           "&from=timeline&aid=9&jsessionid=XYZ#comments")
    assert canonical_url(url) == "http://www.example.gov.cn/a/b.html?id=5&catid=3&aid=9"


def test_relative_urls_become_absolute():
    assert canonical_url("../x/y.jsp;jsessionid=ABC?id=1", BASE) == "http://www.example.gov.cn/news/x/y.jsp?id=1"
    assert canonical_url("//cdn.example.cn/p", "https://z.cn/") == "https://cdn.example.cn/p"
    assert canonical_url("https://ex.cn:443/") == "https://ex.cn/"
    assert canonical_url("https://ex.cn:8443/") == "https://ex.cn:8443/"


params = st.lists(st.tuples(st.sampled_from(["id", "catid", "aid", "page", "utm_source", "utm_campaign",
                                              "spm", "from", "sid", "JSESSIONID", "fbclid"]),
                            st.from_regex(r"\A[a-z0-9]{0,6}\Z")), max_size=6)


@given(params, st.from_regex(r"\A[a-z]{1,8}\Z"))
def test_canonical_url_is_idempotent_and_keeps_only_meaningful_params(query, path):
    raw = f"http://EX.cn/{path}.html?" + "&".join(f"{k}={v}" for k, v in query) + "#top"
    url = canonical_url(raw)
    assert canonical_url(url) == url
    assert "#" not in url and url.startswith("http://ex.cn/")
    kept = [k for k, _ in query if k in ("id", "catid", "aid", "page")]
    assert [part.split("=")[0] for part in url.partition("?")[2].split("&") if part] == kept


# sanitizer ---------------------------------------------------------------------------------

HOSTILE = (
    '<p onclick="steal()">正文<script>alert(1)</script><style>p{display:none}</style>'
    '<img src="/i.png" onerror="alert(2)"><a href="javascript:alert(3)">j</a>'
    '<a href="rel/p.html" target="_blank">相对链接</a><iframe src="http://evil.example/"></iframe>'
    '<svg onload="alert(4)"><circle/></svg><form action="/x"><input name="q"><button>提交</button></form>'
    '<img src="data:image/png;base64,AAAA"><a href="DaTa:text/html,<script>">d</a>'
    '<object data="x.swf"></object><embed src="x.swf"><meta http-equiv="refresh" content="0;url=http://e/">'
    '<a href=" JaVaScRiPt:alert(5)">k</a>\x00\x07\x0b\ufffe\ud800 尾</p>'
)


def _assert_clean(html: str) -> None:
    """No active markup survives (harmless text such as a stray 'alert(1)' may)."""
    lowered = html.lower()
    for banned in ("<script", "<style", "<iframe", "<svg", "<form", "<input", "<object", "<embed", "<meta",
                   "javascript:", "data:", "onerror", "onload", "onclick", "target="):
        assert banned not in lowered, banned
    assert not XML_INVALID.search(html)
    for url in re.findall(r'(?:href|src)="([^"]*)"', html):
        assert url.startswith(("http://", "https://")), url
    for anchor in re.findall(r"<a\b[^>]*>", html):
        assert 'rel="noopener noreferrer"' in anchor


def test_hostile_snippet_comes_out_clean():
    cleaned = sanitize_html(HOSTILE, BASE)
    _assert_clean(cleaned)
    assert "alert(" not in cleaned and "steal" not in cleaned  # script bodies go, not only tags
    assert "正文" in cleaned and "尾" in cleaned
    assert 'src="http://www.example.gov.cn/i.png"' in cleaned
    assert 'href="http://www.example.gov.cn/news/2023/rel/p.html"' in cleaned


pieces = st.sampled_from([
    "<script>alert(1)</script>", '<img src="x.png" onerror="alert(1)">', '<a href="javascript:alert(1)">a</a>',
    '<iframe src="http://e/"></iframe>', '<svg onload="alert(1)"></svg>', '<a href="/p">p</a>',
    '<form><input></form>', '<img src="data:image/gif;base64,R0">', "<p>段落</p>", "<b>粗</b>", "&nbsp;",
    "<", ">", '"', "<p", "\x00", "\x1f", "\ud800", "\udfff", "\ufffe",
]) | st.text(max_size=8)


@given(st.lists(pieces, max_size=12))
def test_any_mix_of_hostile_pieces_comes_out_clean(parts):
    _assert_clean(sanitize_html("".join(parts), BASE))


@given(st.text(max_size=50))
def test_xml_safe_removes_every_forbidden_character(text):
    assert not XML_INVALID.search(xml_safe(text))
    xml_safe(text).encode("utf-8")  # lone surrogates would raise here


# original publisher ---------------------------------------------------------------------------


def test_publisher_from_the_source_line_of_the_body():
    def publisher_from_text(fragment: str) -> str | None:
        return credit_in_lines(article_lines(fragment))

    assert publisher_from_text("<p>发布时间：2023-08-28 来源：云阳网 浏览次数：12</p><p>正文。</p>") == "云阳网"
    assert publisher_from_text("<p>正文。</p><p>（来源：重庆日报）</p>") == "重庆日报"
    assert publisher_from_text("<div>文章来源：两江新区管委会发布时间：2023-09-05</div>") == "两江新区管委会"
    assert publisher_from_text("<p>项目资金来源：财政拨款。</p>") is None  # a sentence, not a credit


def test_furniture_lines_are_not_article_text():
    html = ("<p>发布时间：2023-08-28 来源：云阳网</p><p>正文一。</p>"
            "<p>正文二。（责任编辑：王五）</p><p>【打印】【关闭】</p><p>编辑：李四</p>")
    assert article_text(html) == "正文一。\n正文二。"



def test_comparison_text_keeps_words_and_line_breaks_only():
    """Underscores go like punctuation (title_key drops both); furniture lines go entirely."""
    fragment = "<p>a_b, C__d！</p><p>（责任编辑：王五）</p><p>Ｅ—f 1_2</p>"
    assert comparison_text("【标题】_x", fragment) == "标题x\nabcd\nef12"

def test_normalize_credits_the_body_source_line_when_the_feed_names_none():
    source = SourceConfig(id="tz", name="投促中国", kind="feed", url="http://tz.test/", interval=60,
                          region=("重庆市",), tags=("投资",))
    raw = RawItem(source_id="tz", url="/a/1.html?utm_source=x", title="【动态】云阳签约项目 - 投促中国",
                  published="2023-08-29 09:00", content_html="<p>来源：云阳县人民政府</p><p>正文。</p>",
                  categories=("签约",))
    app = normalize(raw, source, "Asia/Shanghai", datetime(2024, 1, 1, tzinfo=UTC))
    assert app.publisher == "云阳县人民政府"
    assert app.title == "云阳签约项目"
    assert app.url == "http://tz.test/a/1.html"
    assert app.published_at == datetime(2023, 8, 29, 1, 0, tzinfo=UTC) and not app.date_is_guess
    assert app.regions == ("重庆市",) and app.tags == ("投资", "签约")
    named = normalize(RawItem(source_id="tz", url="/a/2.html", title="t", publisher=" 新华社 ",
                              content_html="<p>来源：云阳县人民政府</p>"), source, "Asia/Shanghai")
    assert named.publisher == "新华社" and named.date_is_guess


def test_normalize_dates_an_undated_item_by_its_url_in_the_sources_timezone():
    seen = datetime(2024, 1, 1, tzinfo=UTC)
    tokyo = SourceConfig(id="jp", name="jp", kind="feed", url="http://jp.test/", interval=60, timezone="Asia/Tokyo")
    app = normalize(RawItem(source_id="jp", url="/a/2023/0927/5.html", title="t"), tokyo, "Asia/Shanghai", seen)
    assert app.published_at == datetime(2023, 9, 26, 15, 0, tzinfo=UTC) and not app.date_is_guess
    # the feed's published wins over the URL; an item with neither is the fetch time, flagged
    china = SourceConfig(id="cn", name="cn", kind="feed", url="http://cn.test/", interval=60)
    stated = normalize(RawItem(source_id="cn", url="/a/2023/0927/5.html", title="t", updated="2023-09-28 08:00"),
                       china, "Asia/Shanghai", seen)
    assert stated.published_at == datetime(2023, 9, 28, 0, 0, tzinfo=UTC)
    guessed = normalize(RawItem(source_id="cn", url="/a/5.html", title="t"), china, "Asia/Shanghai", seen)
    assert guessed.published_at == seen and guessed.date_is_guess
