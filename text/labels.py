"""The labels of a Chinese article's info line (发布时间：… 来源：… 作者：… 浏览：…), once.

The HTML reader finds the info line by them and ends an author's name at the next one, the
来源 parser ends a credit's name at the next one, and the comparison text leaves out the
lines they open (a re-post differs from its original in exactly those lines). One list, so a
label learnt for one of them serves all.
"""

from __future__ import annotations

DATES = ("发布时间", "发布日期", "发文日期", "发表时间", "更新时间", "时间", "日期")
# 来自 is a portal's 来源 (`来自: …`); text/credit.py asks a colon of it.
CREDITS = ("文章来源", "信息来源", "稿件来源", "新闻来源", "内容来源", "来源", "来自", "稿源", "转载自", "转载于", "转自")
PEOPLE = ("责任编辑", "编辑", "作者", "记者", "通讯员", "审核", "审校", "校对", "摄影", "发布者", "发布人",
          "发布单位", "发布机构")
COUNTERS = ("浏览次数", "浏览量", "浏览", "查看次数", "查看", "阅读次数", "阅读量", "阅读", "点击数", "点击量", "点击",
            "访问次数", "访问量", "字号", "分享到")
ALL = DATES + CREDITS + PEOPLE + COUNTERS


def one_of(labels: tuple[str, ...]) -> str:
    """A regex group matching any of `labels`, longer ones first (浏览次数 before 浏览)."""
    return "(?:" + "|".join(sorted(labels, key=len, reverse=True)) + ")"
