"""Where a publish date comes from when a page hides it: the URL, a script, a list date
without a year, and the order in which the evidence is trusted (text/dates.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from text.dates import find_date, labelled_date, resolve_published, script_date, url_date, with_clock

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize("url,expected", [
    ("http://x.cn/a/2023/0927/123.html", date(2023, 9, 27)),  # DedeCMS
    ("http://x.cn/a/2023/0927/123_2.html", date(2023, 9, 27)),
    ("http://x.cn/2023/09/27/zone-news/", date(2023, 9, 27)),  # WordPress permalink
    ("http://x.cn/xwdt/202308/t20230828_123.html", date(2023, 8, 28)),  # TRS
    ("http://x.cn/art/2023/9/27/art_1234_56.html", date(2023, 9, 27)),  # Hanweb
    ("http://x.cn/news/20230927/56.html", date(2023, 9, 27)),
    ("http://x.cn/news/202309/27/56.html", date(2023, 9, 27)),
    ("http://x.cn/news/2023-09-27/56.html", date(2023, 9, 27)),
    ("http://x.cn/a/2023/1345/123.html", None),  # month 13: an id, not a date
    ("http://x.cn/show.php?id=20230927", None),  # numbers in a query are ids
    ("http://x.cn/news/12345678.html", None),  # an 8-digit id is not a date
    ("http://x.cn/a/1023/0927/1.html", None),  # year 1023: not news
    ("http://x.cn/a/news/list_1_2.html", None),
    ("http://x.cn/news/2023/9/1.html", None),  # article 1 in a year/month folder
    (None, None),
    ("http://[x", None),
])
def test_url_date(url, expected):
    assert url_date(url) == expected


@pytest.mark.parametrize("code,expected", [
    ('var ct = "1695794400";var nickname = "x";', "2023-09-27T06:00:00+00:00"),
    ("var ct=1695794400000;", "2023-09-27T06:00:00+00:00"),  # milliseconds
    ('var publish_time = "2023-09-27 10:30" || "";', "2023-09-27 10:30"),
    ('{"datePublished": "2023-09-27T10:30:00+08:00"}', "2023-09-27T10:30:00+08:00"),
    ('var act = "1695794400"; var ctx = 5;', None),  # other names that end or start in ct
    ('var ct = "42";', None),
    ('var ct = "0000000001";', None),  # 1970: not a publish time
    ("var publish_time = '';", None),
    ('var ct = "1695794400"; var create_time = "1695794400";', "2023-09-27T06:00:00+00:00"),  # one time, twice
    ('[{"pubDate": "2023-09-01"}, {"pubDate": "2023-08-30"}]', None),  # a related-news list: no single date
])
def test_script_date(code, expected):
    assert script_date(code) == expected


def test_evidence_order_first_stated_date_wins_over_the_url():
    assert resolve_published(("2023-09-28 09:15", "2023-09-27"), "http://x.cn/a/2023/0927/1.html",
                             SHANGHAI, NOW) == local("2023-09-28T09:15:00+08:00")
    # unreadable first evidence: the next one
    assert resolve_published(("浏览次数：968", "2023-09-27"), None, SHANGHAI, NOW) == local("2023-09-27T00:00+08:00")


def test_url_date_fixes_the_day_and_takes_a_stated_clock():
    url = "http://x.cn/a/2023/0927/1.html"
    assert resolve_published((None,), url, SHANGHAI, NOW) == local("2023-09-27T00:00:00+08:00")
    assert resolve_published(("10:30",), url, SHANGHAI, NOW) == local("2023-09-27T10:30:00+08:00")
    assert resolve_published((None, None), "http://x.cn/about.html", SHANGHAI, NOW) is None  # a guess is due


def test_month_day_without_year_takes_the_urls_year():
    url = "http://x.cn/xwdt/202309/t20230927_5.html"
    assert resolve_published(("[09-27] 14:05",), url, SHANGHAI, NOW) == local("2023-09-27T14:05:00+08:00")
    # December list date, January URL: the nearest year, not the URL's calendar year
    assert resolve_published(("12-31",), "http://x.cn/a/2024/0101/1.html", SHANGHAI, NOW) == \
        local("2023-12-31T00:00:00+08:00")


def test_month_day_far_from_the_urls_day_is_not_the_date():
    # "7月12日" read from somewhere on a page whose URL says 27 Sep: the URL's day wins
    assert resolve_published(("7月12日",), "http://x.cn/a/2023/0927/1.html", SHANGHAI, NOW) == \
        local("2023-09-27T00:00:00+08:00")


def test_month_day_alone_is_never_in_the_future():
    found = resolve_published(("12月25日",), None, SHANGHAI, NOW)
    assert found == local("2025-12-25T00:00:00+08:00") and found <= NOW


def test_stated_date_in_the_future_is_passed_over():
    url = "http://x.cn/a/2023/0927/1.html"
    assert resolve_published(("2033-09-27",), url, SHANGHAI, NOW) == local("2023-09-27T00:00:00+08:00")
    assert resolve_published(("2033-09-27",), None, SHANGHAI, NOW) is None


def test_epoch_from_a_script_is_an_absolute_time():
    assert resolve_published((script_date('var ct = "1695794400";'),), None, SHANGHAI, NOW) == \
        local("2023-09-27T14:00:00+08:00")


@pytest.mark.parametrize("text,year_required,expected", [
    ("[2023-09-27]", False, "2023-09-27"),
    ("发布时间：2023年9月27日 10:30 浏览：5", False, "2023年9月27日 10:30"),
    ("（09-27）", False, "09-27"),
    ("3小时前", False, "3小时前"),
    ("（09-27）", True, None),
    ("第3期", False, None),
])
def test_find_date(text, year_required, expected):
    assert find_date(text, year_required) == expected


@pytest.mark.parametrize("stated,other,expected", [
    ("2023-09-27", "2023-09-27T06:00:00+00:00", "2023-09-27T06:00:00+00:00"),  # same day in Shanghai
    ("2023-09-27", "2023-09-26T17:00:00+00:00", "2023-09-26T17:00:00+00:00"),  # 01:00 on the 27th there
    ("2023-09-27", "2023-09-26T15:00:00+00:00", "2023-09-27"),  # 23:00 on the 26th: another day
    ("2023-09-27 10:30", "2023-09-27 14:00", "2023-09-27 10:30"),  # the better evidence has a time
    ("2023年9月27日", "[09-27] 14:00", "2023年9月27日 14:00:00"),
    ("2023-09-27", "2023-09-28", "2023-09-27"),
    (None, "2023-09-28", "2023-09-28"),
    ("2023-09-27", None, "2023-09-27"),
])
def test_a_day_takes_the_time_of_weaker_evidence_for_the_same_day(stated, other, expected):
    assert with_clock(stated, other, SHANGHAI) == expected


@pytest.mark.parametrize("text,expected", [
    ("来源：某某开发区管理委员会办公室 发布时间：2023-09-25 浏览：12", "2023-09-25"),
    ("日期: 2023年9月25日 10:05", "2023年9月25日 10:05"),
    ("[发布日期：09-25]", "09-25"),
    ("活动时间：7月12日，地点：园区会议中心", None),  # an event's time in an excerpt is content
    ("7月12日，园区召开会议", None),
])
def test_labelled_date(text, expected):
    assert labelled_date(text) == expected
