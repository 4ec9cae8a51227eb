"""Article info lines (text/infoline.py): read for their facts, kept out of the compared and the
published text; real first paragraphs that mention a date or a 来源 stay. And a re-post whose
info line credits its own site is credited to the publisher its first or last body line names."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from items.matchtext import article_text
from items.normalize import normalize
from model.raw import RawItem
from settings.model import SourceConfig
from sources.html.article import extract_article
from text.infoline import is_info_line

INFO_LINES = [
    "2023-09-07 12:30 | 发布者: admin | 查看: 52 | 来自: 荣昌高新区",
    "发布时间：2023-08-28 10:30\u3000\u3000来源：云阳县人民政府 浏览次数：968",
    "发布日期：2023-09-08 作者：张三 阅读：1024次 【字号 大 中 小】【打印】【关闭】",
    "时间：2023年09月08日 10:05 稿源：西部开发区在线 编辑：李四 点击：321",
    "2023年9月8日 阅读 2,341 次",
    "责任编辑：王五 【打印本页】【关闭窗口】",
]
PROSE = [
    "2023年9月7日，荣昌高新区与重庆某智能装备有限公司举行项目签约仪式，总投资12亿元。",
    "项目资金来源：企业自筹与银行贷款，达产后预计年产值可达20亿元。",
    "9月7日上午，记者从园区管委会获悉，时间：三年，来源：本地企业",
    "时间：2023年9月8日上午 地点：园区会议室",  # a notice's own fields: one label, kept
    "来源：万州经开区管委会",  # a credit line alone is not an info line (the credit rule reads it)
    "大中小企业融资对接会在园区举行",
    "2023年9月7日",  # a notice's signature date, under the issuer's name
]


@pytest.mark.parametrize("line", INFO_LINES)
def test_info_lines_of_several_wordings_are_recognized(line):
    assert is_info_line(line)


@pytest.mark.parametrize("line", PROSE)
def test_prose_with_a_date_or_a_label_is_not_an_info_line(line):
    assert not is_info_line(line)


def test_info_lines_are_not_compared_but_the_first_paragraph_is():
    body = (f"<p>{INFO_LINES[0]}</p><p>{PROSE[0]}</p><p>{PROSE[1]}</p>"
            f"<p>{INFO_LINES[2]}</p>")
    assert article_text(body) == f"{PROSE[0]}\n{PROSE[1]}"


PARAGRAPHS = [PROSE[0], PROSE[1], "荣昌高新区相关负责人表示，将全力做好要素保障和跟踪服务，推动项目早开工、早投产、早见效。"]


def _page(info: str, where: str) -> str:
    """An article whose info line sits inside the body container, at its top or its bottom."""
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    body = f"<p class='info'>{info}</p>{paragraphs}" if where == "top" else f"{paragraphs}<p>{info}</p>"
    return (f"<html><head><title>荣昌高新区智能装备产业园项目签约_园区网</title></head><body>"
            f"<h1>荣昌高新区智能装备产业园项目签约</h1><div class='TRS_Editor'>{body}</div></body></html>")


@pytest.mark.parametrize(("info", "where", "date"), [
    ("2023-09-07 12:30<span>|</span> 发布者: admin<span>|</span> 查看: 52<span>|</span>来自: 荣昌高新区", "top",
     "2023-09-07 12:30"),
    ("发布日期：2023-09-08\u3000作者：张三\u3000阅读：1024次\u3000【字号 大 中 小】【打印】【关闭】", "bottom",
     "2023-09-08"),
    ("时间：2023年09月08日 10:05\u3000稿源：西部开发区在线\u3000编辑：李四\u3000点击：321", "top",
     "2023年09月08日 10:05"),
    # held out: written with the tests, never used to tune the rule
    ("【发布单位：渝西经济观察】【发表时间：2023/09/08 16:20】【浏览次数：2,341次】【责任编辑：王五】", "bottom",
     "2023/09/08 16:20"),
])
def test_the_reader_takes_the_date_from_the_info_line_and_drops_the_line(info, where, date):
    article = extract_article(_page(info, where), "http://127.0.0.1/a/1.html")
    assert article.published is not None and article.published.replace(" ", "") == date.replace(" ", "")
    assert article.body_text.split("\n") == PARAGRAPHS  # the first paragraph, date and 来源 inside, kept


def test_a_portal_info_line_credits_its_source():
    article = extract_article(_page("2023-09-07 12:30 | 发布者: admin | 查看: 52 | 来自: 荣昌高新区", "top"),
                              "http://127.0.0.1/a/1.html")
    assert article.publisher == "荣昌高新区"


NOW = datetime(2026, 12, 1, tzinfo=UTC)
SITE = SourceConfig(id="cy", name="川渝合作网", kind="html", url="http://127.0.0.1/cy/", interval=600)


def _publisher(stated: str | None, body: str) -> str | None:
    raw = RawItem(source_id="cy", url="http://127.0.0.1/cy/1.html", title="荣昌高新区智能装备产业园项目签约",
                  published="2023-09-07 09:00", content_html=body, publisher=stated)
    return normalize(raw, SITE, "Asia/Shanghai", NOW).publisher


BODY = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)


@pytest.mark.parametrize(("stated", "body", "expected"), [
    ("川渝合作网", BODY + "<p>来源：荣昌高新区管委会</p>", "荣昌高新区管委会"),  # self-credit, last line names another
    ("川渝合作网", "<p>转自荣昌高新区管委会</p>" + BODY, "荣昌高新区管委会"),  # ... or the first line does
    ("川渝合作网", BODY, "川渝合作网"),  # nothing else said: the stated one stays
    ("重庆日报", BODY + "<p>来源：荣昌高新区管委会</p>", "重庆日报"),  # a stated other publisher wins
    (None, BODY + "<p>来源：荣昌高新区管委会</p>", "荣昌高新区管委会"),
])
def test_a_self_credit_gives_way_to_a_body_credit(stated, body, expected):
    assert _publisher(stated, body) == expected


def _read(page: str) -> str | None:
    """The publisher normalization gives the page read by the HTML reader, on the site 川渝合作网."""
    article = extract_article(page, "http://127.0.0.1/cy/1.html")
    raw = RawItem(source_id="cy", url="http://127.0.0.1/cy/1.html", title=article.title or "",
                  published=article.published, content_html=article.body_html, publisher=article.publisher)
    return normalize(raw, SITE, "Asia/Shanghai", NOW).publisher


def test_a_bottom_info_line_keeps_its_credit_when_the_top_one_credits_the_site_itself():
    body = ("<p>2023-09-07 09:00\u3000来源：川渝合作网</p>" + BODY
            + "<p>责任编辑：王五\u3000来源：荣昌高新区管委会\u3000浏览次数：87</p>")
    page = f"<html><head><title>T_川渝合作网</title></head><body><div class='TRS_Editor'>{body}</div></body></html>"
    assert _read(page) == "荣昌高新区管委会"
    article = extract_article(page, "http://127.0.0.1/cy/1.html")
    assert article.body_text.split("\n") == [*PARAGRAPHS, "来源：荣昌高新区管委会"]  # no counter, no editor


def test_a_short_article_is_not_taken_for_its_info_line():
    body = "<p>2023-09-07 09:00\u3000来源：川渝合作网</p><p>园区召开安全生产会议。</p><p>责任编辑：王五\u3000浏览次数：87</p>"
    page = f"<html><head><title>T_川渝合作网</title></head><body><div class='TRS_Editor'>{body}</div></body></html>"
    assert extract_article(page, "http://127.0.0.1/cy/1.html").body_text == "园区召开安全生产会议。"
