"""Property tests for the date parser: every format round-trips, years never land in the future."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import example, given
from hypothesis import strategies as st

from text.dates import parse_date

SHANGHAI = ZoneInfo("Asia/Shanghai")
FORMATS = [
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y.%m.%d %H:%M",
    "{y}年{m}月{d}日 %H:%M", "{y}年{m}月{d}日%H:%M", "%Y-%m-%dT%H:%M:%S",
]
local_moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2035, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0))
nows = st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2035, 12, 31),
                    timezones=st.just(UTC))


def _render(moment: datetime, pattern: str) -> str:
    return moment.strftime(pattern.format(y=moment.year, m=moment.month, d=moment.day))


@given(local_moments, st.sampled_from(FORMATS), st.sampled_from(["Asia/Shanghai", "Asia/Tokyo", "UTC"]))
def test_every_full_format_round_trips_in_the_source_timezone(moment, pattern, zone):
    tz = ZoneInfo(zone)
    parsed = parse_date(_render(moment, pattern), tz)
    assert parsed == moment.replace(tzinfo=tz)
    assert parsed.tzinfo == UTC


@given(local_moments)
def test_an_explicit_zone_beats_the_source_timezone(moment):
    text = moment.strftime("%Y-%m-%dT%H:%M:%S+09:00")
    assert parse_date(text, ZoneInfo("America/New_York")) == moment.replace(
        tzinfo=ZoneInfo("Asia/Tokyo"))


@given(local_moments)
def test_cst_is_china_standard_time_never_us_central(moment):
    text = moment.strftime("%a, %d %b %Y %H:%M:%S CST")
    assert parse_date(text, ZoneInfo("America/Chicago")) == moment.replace(tzinfo=SHANGHAI)


@given(nows, st.integers(1, 12), st.integers(1, 31))
@example(datetime(2001, 3, 1, tzinfo=UTC), 2, 29)  # found by hypothesis: 29 Feb of the leap year before
def test_month_day_takes_the_latest_year_not_in_the_future(now, month, day):
    parsed = parse_date(f"{month:02d}-{day:02d}", SHANGHAI, now)
    if parsed is None:  # no such day in this or last year (02-30, or 02-29 twice)
        return
    local = parsed.astimezone(SHANGHAI)
    assert (local.month, local.day) == (month, day)
    assert parsed <= now
    # last year at the latest: "02-29" read on 2 March of a common year is 29 Feb of the
    # year before, 367 days and some hours back
    assert now - parsed < timedelta(days=368)


def test_year_boundary_both_ways():
    just_after_new_year = datetime(2024, 1, 1, 0, 30, tzinfo=SHANGHAI)
    assert parse_date("[12-31]", SHANGHAI, just_after_new_year) == datetime(2023, 12, 31, tzinfo=SHANGHAI)
    assert parse_date("[01-01]", SHANGHAI, just_after_new_year) == datetime(2024, 1, 1, tzinfo=SHANGHAI)
    # 23:30 UTC on Dec 31 is already New Year in Shanghai: "01-01" is today there, not last year
    utc_evening = datetime(2023, 12, 31, 23, 30, tzinfo=UTC)
    assert parse_date("01-01", SHANGHAI, utc_evening) == datetime(2024, 1, 1, tzinfo=SHANGHAI)


@given(nows, st.integers(0, 100_000), st.sampled_from([("分钟前", "minutes"), ("小时前", "hours"),
                                                       ("天前", "days")]))
def test_relative_dates_count_back_from_now(now, amount, unit):
    word, field = unit
    assert parse_date(f"{amount}{word}", SHANGHAI, now) == now - timedelta(**{field: amount})


@given(nows)
def test_yesterday_is_the_previous_local_day(now):
    parsed = parse_date("昨天", SHANGHAI, now).astimezone(SHANGHAI)
    assert parsed.date() == (now.astimezone(SHANGHAI) - timedelta(days=1)).date()
    assert parse_date("刚刚", SHANGHAI, now) == now


@given(st.text(alphabet="浏览次数：阅读量编号第期", max_size=30) | st.from_regex(r"\A浏览次数：\d{1,6}\Z"))
def test_counters_and_labels_are_not_dates(text):
    assert parse_date(text, SHANGHAI) is None


@given(st.text(max_size=60) | st.from_regex(r"\A\d{1,25}(天|小时|分钟)前\Z")
       | st.from_regex(r"\A\d{4}-\d{2}-\d{2} \d{2}:\d{2} [+-]\d{2}:\d{2}\Z"))
def test_any_text_gives_an_aware_utc_date_or_none_never_an_exception(text):
    parsed = parse_date(text, SHANGHAI, datetime(2024, 1, 2, tzinfo=UTC))
    assert parsed is None or parsed.tzinfo == UTC
