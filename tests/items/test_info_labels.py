"""One list of info-line labels (text/labels.py): a label one reader knew now serves them all.

Each case below failed before the list was shared: the 来源 parser did not stop at 审校 and cut
`重庆发布` at 发布, dates did not know 发表时间, the comparison text kept 转自 and 访问量 lines,
and the HTML reader ran an author into 通讯员 and missed a 记者/摄影 line as metadata.
"""

from __future__ import annotations

from items.matchtext import article_text
from sources.html.metadata import info_line_facts
from text.credit import credit_in
from text.dates import labelled_date
from text.infoline import is_info_line


def test_a_credit_ends_at_any_label_and_only_at_a_label():
    assert credit_in("来源：万州经开区审校：李四") == "万州经开区"
    assert credit_in("来源：重庆发布") == "重庆发布"  # a publisher's name, not a 发布时间 label


def test_every_date_label_labels_a_date():
    assert labelled_date("发表时间：2023-09-27 10:30") == "2023-09-27 10:30"


def test_every_label_opens_a_furniture_line():
    body = "<p>正文一。</p><p>转自：某某网</p><p>访问量：12</p><p>正文二。</p>"
    assert article_text(body) == "正文一。\n正文二。"


def test_an_author_ends_at_any_label_and_people_lines_are_metadata():
    assert info_line_facts("作者：张三通讯员：李四").author == "张三"
    assert is_info_line("记者：张三 摄影：李四")
