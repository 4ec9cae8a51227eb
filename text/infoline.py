"""Article info lines: the meta line a CMS prints above or below the body, the one rule.

`2023-09-07 12:30 | 发布者: admin | 查看: 52 | 来自: 荣昌高新区`, `发布时间：2023-08-28 来源：… 浏览次数：968`,
`作者：张三 责任编辑：李四 【字号 大 中 小】【打印】【关闭】`. Its date and credit are facts about the
article (read by sources/html/metadata.py), but its counters, user names, clock and the site's
own name are not article text: left in the body they count as conflicting places and numbers
when a re-post is compared with its original, and readers see them as a first paragraph.

A line is an info line when it is short, opens with a field, holds no sentence end (。！？),
and has two labelled fields (来源：, 发布者:, 浏览次数：…) or, with no comma leading into prose,
two fields of any kind: a labelled one, a date opening the line, a counter (`阅读 52 次`),
a font-size switch (`字号 大 中 小`) or a print/close link. A first paragraph that mentions a
date or a 来源 inside a sentence opens with prose and has punctuation, so it stays; so does a
line that is only a date (a notice's signature date is part of the notice).
"""

from __future__ import annotations

import re

from text import labels
from text.dates import YEAR_MONTH_DAY

_LABELS = labels.one_of(labels.ALL)
# A label opens a field where no Chinese character runs into it (`资金来源：` is prose), except
# a date's 日 (`2023年08月28日来源：`).
_FIELD = re.compile(rf"(?:(?<![\u4e00-\u9fff])|(?<=日)){_LABELS}\s*[:：]")
_LEADING_DATE = re.compile(rf"^\s*[(（\[【]?\s*{YEAR_MONTH_DAY}")
_COUNTER = re.compile(r"(?<![\u4e00-\u9fff])(?:浏览|阅读|点击|查看|访问)\s*\d[\d,]*\s*次|\d+\s*次(?:浏览|阅读|点击)")
_FONT_SIZE = re.compile(r"大\s*[|｜/]?\s*中\s*[|｜/]?\s*小")
_ACTION = re.compile(r"(?:^|(?<=[\s【\[|｜丨]))(?:打印本页|打印|关闭窗口|关闭|收藏本页|收藏)(?=$|[\s】\]|｜丨])")
# An info line opens with a field (prose that mentions one opens with prose).
_OPENS_WITH_FIELD = re.compile(rf"^[\s(（\[【|｜丨]*(?:{_LABELS}|\d{{4}}\s*[-/.年]|字号|打印|关闭|收藏)")
_SENTENCE_END = re.compile(r"[。！？!?]")
# A comma that leads into prose, not into the next field (nor a thousands separator: 2,341).
_PROSE_COMMA = re.compile(rf"(?:[，；;]|(?<!\d),|,(?!\d{{3}}))(?!\s*{_LABELS}\s*[:：])")
MAX_CHARS = 160


def is_info_line(line: str) -> bool:
    """Whether one text line (a block's text, spaces squashed) is an article info line."""
    if not line or len(line) > MAX_CHARS:
        return False
    if not _OPENS_WITH_FIELD.match(line) or _SENTENCE_END.search(line):
        return False  # (a sentence end also tells a short article's whole body from its info line)
    labelled = len(_FIELD.findall(line))
    if labelled >= 2:
        return True  # two labelled fields make a line metadata whatever separates them
    if _PROSE_COMMA.search(line):
        return False
    fields = (labelled + bool(_LEADING_DATE.match(line)) + len(_COUNTER.findall(line))
              + bool(_FONT_SIZE.search(line)) + len(_ACTION.findall(line)))
    return fields >= 2
