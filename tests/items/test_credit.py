"""The one 来源 parser: every set form of credit, in info lines and at either end of a body."""

from __future__ import annotations

import pytest

from items.matchtext import article_lines
from sources.html.article import extract_article
from text.credit import credit_in, credit_in_lines, same_publisher

FORMS = [
    ("来源：万州经开区管委会", "万州经开区管委会"),
    ("来源:万州经开区管委会", "万州经开区管委会"),
    ("来源: 万州经开区管委会", "万州经开区管委会"),
    ("（来源：万州经开区管委会）", "万州经开区管委会"),
    ("(来源:万州经开区管委会)", "万州经开区管委会"),
    ("文章来源：万州经开区管委会", "万州经开区管委会"),
    ("信息来源：万州经开区管委会", "万州经开区管委会"),
    ("稿源：万州经开区管委会", "万州经开区管委会"),
    ("转自：万州经开区管委会", "万州经开区管委会"),
    ("转自万州经开区管委会", "万州经开区管委会"),
    ("转载自万州经开区管委会微信公众号", "万州经开区管委会微信公众号"),
    ("发布时间：2023-08-28来源：万州经开区管委会 浏览次数：9", "万州经开区管委会"),
    ("发布日期：2023年08月28日来源：万州经开区管委会作者：张三", "万州经开区管委会"),
    ("【来源：万州经开区管委会】", "万州经开区管委会"),
]


@pytest.mark.parametrize(("line", "expected"), FORMS)
def test_every_credit_form_names_the_publisher(line, expected):
    assert credit_in(line) == expected


@pytest.mark.parametrize("prose", ["项目资金来源：财政拨款", "收入来源:工资", "本文转自何处无从查证？",
                                   "产值增长明显。转自去年以来持续回升", "经济运行,转自二季度起企稳",
                                   "来源", "来源：2023-08-28", "来源：12345"])
def test_prose_and_empty_labels_credit_nobody(prose):
    assert credit_in(prose) is None


def test_the_credit_is_read_from_the_first_or_last_lines_of_a_body():
    middle = "".join(f"<p>第{n}段正文，内容与来源无关。</p>" for n in range(12))
    assert credit_in_lines(article_lines(middle + "<p>来源：万州经开区管委会</p>")) == "万州经开区管委会"
    assert credit_in_lines(article_lines("<p>转自：云阳县融媒体中心</p>" + middle)) == "云阳县融媒体中心"
    buried = "".join(f"<p>第{n}段。</p>" for n in range(5)) + "<p>来源：不算数</p>" + middle
    assert credit_in_lines(article_lines(buried)) is None


def test_an_html_page_credits_its_source_at_the_end_of_the_body():
    body = "".join(f"<p>\u3000\u3000第{n}段：园区召开会议，部署下一阶段重点工作，推动项目建设提速增效。</p>"
                   for n in range(5))
    page = (f"<html><head><title>园区召开会议_某县</title></head><body><h1>园区召开会议</h1>"
            f"<div id='zoom'>{body}<p>来源：万州经开区管委会</p></div></body></html>")
    from items.normalize import normalize
    from model.raw import RawItem
    from settings.model import SourceConfig
    article = extract_article(page, "http://x.gov.cn/a.html")
    raw = RawItem("s", "http://x.gov.cn/a.html", article.title or "", content_html=article.body_html,
                  publisher=article.publisher)
    source = SourceConfig(id="s", name="某县", kind="html", url="http://x.gov.cn/", interval=60)
    assert normalize(raw, source, "Asia/Shanghai").publisher == "万州经开区管委会"


def test_a_credit_names_a_publisher_by_equality_or_containment_of_long_names():
    assert same_publisher("万州经开区", "重庆万州经开区管委会")
    assert same_publisher("万州经开区管委会", "万州经开区管委会")
    assert not same_publisher("开发区", "重庆万州经开区管委会")  # too short to contain
    assert not same_publisher("云阳县人民政府", "万州经开区管委会")
