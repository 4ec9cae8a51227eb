"""Our own publish-time parser: formats, timezones, year inference, relative dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from text.dates import parse_date

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2024, 1, 2, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai


@pytest.mark.parametrize(
    "text,expected_local",
    [
        ("2023-08-28", "2023-08-28T00:00:00+08:00"),
        ("2023-08-28 10:30", "2023-08-28T10:30:00+08:00"),
        ("2023-08-28 10:30:15", "2023-08-28T10:30:15+08:00"),
        ("2023/08/28", "2023-08-28T00:00:00+08:00"),
        ("2023.08.28", "2023-08-28T00:00:00+08:00"),
        ("2023年8月28日", "2023-08-28T00:00:00+08:00"),
        ("2023年08月28日 10:30", "2023-08-28T10:30:00+08:00"),
        ("发布时间：2023-08-28\u300010:30 来源：云阳网", "2023-08-28T10:30:00+08:00"),
        ("Mon, 28 Aug 2023 10:30:00 CST", "2023-08-28T10:30:00+08:00"),
        ("Mon, 28 Aug 2023 10:30:00 +0000", "2023-08-28T18:30:00+08:00"),
        ("2023-08-28T10:30:00Z", "2023-08-28T18:30:00+08:00"),
        ("2023-08-28T10:30:00.5+09:00", "2023-08-28T09:30:00+08:00"),
        ("[08-28]", "2023-08-28T00:00:00+08:00"),
        ("01-02", "2024-01-02T00:00:00+08:00"),
        ("12-31", "2023-12-31T00:00:00+08:00"),
    ],
)
def test_formats(text, expected_local):
    parsed = parse_date(text, SHANGHAI, NOW)
    assert parsed.tzinfo is not None
    assert parsed == datetime.fromisoformat(expected_local)


def test_naive_time_is_in_the_source_timezone():
    tokyo = parse_date("2023-08-28 10:30", ZoneInfo("Asia/Tokyo"), NOW)
    assert tokyo == datetime(2023, 8, 28, 1, 30, tzinfo=UTC)


def test_month_day_never_lands_in_the_future_across_new_year():
    parsed = parse_date("01-03", SHANGHAI, NOW)
    assert parsed.year == 2023


@pytest.mark.parametrize(
    "text,delta",
    [("刚刚", timedelta(0)), ("5分钟前", timedelta(minutes=5)), ("3小时前", timedelta(hours=3)),
     ("2天前", timedelta(days=2))],
)
def test_relative(text, delta):
    assert parse_date(text, SHANGHAI, NOW) == NOW - delta


def test_yesterday_with_clock():
    assert parse_date("昨天 10:20", SHANGHAI, NOW) == datetime(2024, 1, 1, 10, 20, tzinfo=SHANGHAI)


@pytest.mark.parametrize("text", [None, "", "浏览次数：968", "2023-13-45", "no date here"])
def test_no_date(text):
    assert parse_date(text, SHANGHAI, NOW) is None


def test_result_is_utc():
    assert parse_date("2023-08-28 10:30", SHANGHAI, NOW).utcoffset() == UTC.utcoffset(None)
