"""Publish-time parsing for Chinese sites and feeds, and the one copy of every date pattern.

Our own parser, because feedparser and htmldate misread `2023年08月28日` and treat naive
times as UTC and `CST` as US Central. A time without a zone is in the source's timezone.
The patterns below are also what list and article reading use to *find* dates (listing.py,
metadata.py): one definition of what a date looks like, here.

Where a page hides its date elsewhere, two finders help: `url_date` (DedeCMS `/2023/0927/`,
TRS `t20230828_`, Hanweb `/art/2023/9/27/`) and `script_date` (the WeChat mirror's
`var ct = "1695794400"`). `resolve_published` puts the evidence together (README, "Publish dates").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from email.utils import parsedate_tz
from urllib.parse import urlsplit

from text import labels

_CHINA = timezone(timedelta(hours=8))
_FULLWIDTH = str.maketrans("０１２３４５６７８９：－／．", "0123456789:-/.")
# Pattern texts (groups numbered, so they can be embedded in a labelled pattern elsewhere).
CLOCK = r"(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2}))?(?:\.\d+)?秒?"
_TIME = r"(?:[T\s]*" + CLOCK + ")?"
YEAR_MONTH_DAY = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?" + _TIME
MONTH_DAY = r"(?<![\d.])\[?(\d{1,2})\s*[-/月]\s*(\d{1,2})\s*日?\]?(?![\d.])" + _TIME
DATE_LABEL = labels.one_of(labels.DATES)  # "发布时间：2023-09-27"
_ZONE = r"\s*(Z|[+-]\d{2}:?\d{2}|CST|UTC|GMT|北京时间)?"
_AGO_TEXT = r"(\d+)\s*(秒|分钟|小时|天|周)前"
_YMD = DATE_WITH_YEAR = re.compile(YEAR_MONTH_DAY + _ZONE, re.I)
_MD = re.compile(MONTH_DAY)
_AGO = re.compile(_AGO_TEXT)
_CLOCK_ONLY = re.compile(r"(?<![\d:：])" + CLOCK + r"(?![\d:：])")
_ANY_DATE = re.compile(f"{YEAR_MONTH_DAY}|{MONTH_DAY}|{_AGO_TEXT}|刚刚|前天|昨天|今天")
_LABELLED = re.compile(r"(?<![\u4e00-\u9fff])" + DATE_LABEL + r"\s*[:：]\s*(" + YEAR_MONTH_DAY + "|" + MONTH_DAY + ")")
_AGO_UNITS = {"秒": "seconds", "分钟": "minutes", "小时": "hours", "天": "days", "周": "weeks"}
_RFC822_NAMED_ZONE = re.compile(r"\s(CST|BJT|北京时间)\s*$", re.I)
# Dates a URL path carries: DedeCMS /2023/0927/, WordPress /2023/09/27/, Hanweb /art/2023/9/27/,
# /20230927/ and /202309/27/ folders, TRS t20230828_123.html.
_URL_DATES = (
    re.compile(r"/(\d{4})/(\d{2})(\d{2})/"),
    re.compile(r"/(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?=[/_]|$)"),  # not /2023/9/1.html: an id
    re.compile(r"/(\d{4})(\d{2})/(\d{2})/"),
    re.compile(r"/(\d{4})(\d{2})(\d{2})(?=/)"),
    re.compile(r"/t(\d{4})(\d{2})(\d{2})_\d+"),
)
# Publish times that pages keep only in a script: WeChat's `var ct = "1695794400"` (epoch
# seconds), `publish_time = "2023-09-27 10:30"`, `"pubDate": "…"` in inline JSON.
_SCRIPT_DATE = re.compile(
    r"""(?<![\w.$])["']?(ct|create_time|createTime|publish_time|publishTime|pubtime|pub_time|pubDate"""
    r"""|publishDate|datePublished)["']?\s*[=:]\s*["']?([0-9][0-9\-/.:年月日T +]*[0-9日])["']?""")
FIRST_YEAR = 1995  # nothing older is news on a site; an id read as a date is usually older
MONTH_DAY_SLACK = timedelta(days=3)  # how far a list's "09-27" may sit from the URL's day
FUTURE_SLACK = timedelta(days=1)  # clock skew and time zones; beyond it a stated date is a typo


def parse_date(text: str | None, tz: tzinfo = _CHINA, now: datetime | None = None,
               near: datetime | None = None) -> datetime | None:
    """Return an aware UTC datetime for `text`, or None when it holds no date.

    `now` anchors relative dates ("3小时前", "昨天") and year inference for "08-28"; a date
    without a year is put in the year that places it nearest `near` when given (a date
    the URL states), else in the latest year that does not place it in the future.
    """
    if not text:
        return None
    text = _plain(text)
    now = (now or datetime.now(UTC)).astimezone(tz)
    try:
        found = (
            _rfc822(text)
            or _year_month_day(text, tz)
            or _relative(text, now)
            or _month_day(text, tz, now, near)
        )
        return found.astimezone(UTC) if found else None
    except (OverflowError, ValueError):  # "99999999天前", year 9999 at -12:00: no usable date
        return None


def find_date(text: str | None, year_required: bool = False) -> str | None:
    """The first text in `text` that looks like a date (with a year, if `year_required`)."""
    if not text:
        return None
    match = (_YMD if year_required else _ANY_DATE).search(text.translate(_FULLWIDTH))
    return match.group(0).strip() if match else None


def labelled_date(text: str | None) -> str | None:
    """The date right after a date label ("发布时间：2023-9-27 10:05"), which is never content;
    a label inside a word ("活动时间：7月12日") is content."""
    match = _LABELLED.search((text or "").translate(_FULLWIDTH))
    return match.group(1).strip(" []") if match else None


def url_date(url: str | None) -> date | None:
    """The day a URL's path states (`/2023/0927/`, `t20230828_`), or None."""
    if not url:
        return None
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    for pattern in _URL_DATES:
        match = pattern.search(path)
        if match:
            day = _valid_day(*(int(g) for g in match.groups()))
            if day:
                return day
    return None


def script_date(code: str) -> str | None:
    """A publish time a page keeps only in a script, as text `parse_date` reads (epochs as ISO).
    Several different ones (a related-news list in JSON) name no single date: None."""
    found = set()
    for match in _SCRIPT_DATE.finditer(code):
        value = match.group(2).strip()
        if value.isdigit() and len(value) in (10, 13):
            moment = datetime.fromtimestamp(int(value) // (1000 if len(value) == 13 else 1), UTC)
            if moment.year >= FIRST_YEAR:
                found.add(moment.isoformat())
        elif _YMD.search(value):
            found.add(value)
    return found.pop() if len(found) == 1 else None


def with_clock(stated: str | None, other: str | None, tz: tzinfo = _CHINA) -> str | None:
    """`stated`, or `other` when `stated` gives a day without a time of day and `other` gives
    the same day with one (an info line's `2023-09-27` and the script's `var ct`)."""
    if not stated or not other:
        return stated or other
    clock = _clock(other)
    if _clock(stated) or not clock:
        return stated
    day = parse_date(stated, tz)
    timed = parse_date(other, tz, near=day)
    if not (day and timed and day.astimezone(tz).date() == timed.astimezone(tz).date()):
        return stated
    return other if _has_year(other) else f"{stated} {clock:%H:%M:%S}"  # "[09-27] 14:00" lacks the year


def is_day_only(moment: datetime, tz: tzinfo = _CHINA) -> bool:
    """Whether a publish time stands for a whole day rather than a moment: 00:00:00 in the
    source's zone is what a date without a time of day resolves to, and what CMSs write when
    they know only the day. Such a date is less precise than a timed one, not earlier."""
    return moment.astimezone(tz).time() == time(0)


def resolve_published(stated: Sequence[str | None], url: str | None, tz: tzinfo = _CHINA,
                      now: datetime | None = None) -> datetime | None:
    """The publish time from the evidence, best first: each `stated` text in order (the
    caller's order of trust: page metas, info line, script, list entry; or a feed's
    published, updated), then the day in the URL. None means: no evidence, a guess is due.

    A date without a year takes the URL's year and must agree with the URL's day (within
    MONTH_DAY_SLACK); a URL date fixes only the day, its time comes from a stated clock
    ("10:30") when there is one, else midnight. A stated date more than FUTURE_SLACK after
    `now` is a typo and is passed over.
    """
    now = now or datetime.now(UTC)
    day = url_date(url)
    near = datetime.combine(day, time(12), tz) if day else None
    clock: time | None = None
    for text in stated:
        if not text:
            continue
        found = parse_date(text, tz, now, near)
        if found and found <= now + FUTURE_SLACK and (
                near is None or _has_year(text) or abs(found - near) <= MONTH_DAY_SLACK):
            return found
        clock = clock or _clock(text)
    if day:
        return datetime.combine(day, clock or time(0), tz).astimezone(UTC)
    return None


def _plain(text: str) -> str:
    return text.translate(_FULLWIDTH).replace("\u3000", " ").replace("\xa0", " ").strip()


def _has_year(text: str) -> bool:
    text = _plain(text)
    return bool(_YMD.search(text) or _rfc822(text))


def _clock(text: str) -> time | None:
    match = _CLOCK_ONLY.search(_plain(text))
    if not match:
        return None
    hour, minute, second = (int(g) if g else 0 for g in match.groups())
    return time(hour, minute, second) if hour < 24 and minute < 60 and second < 60 else None


def _valid_day(year: int, month: int, day: int) -> date | None:
    if not FIRST_YEAR <= year <= datetime.now(UTC).year + 1:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _rfc822(text: str) -> datetime | None:
    if not re.match(r"^\s*(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}", text):
        return None
    text = _RFC822_NAMED_ZONE.sub(" +0800", text)
    parts = parsedate_tz(text)
    if not parts:
        return None
    offset = parts[9] if parts[9] is not None else 8 * 3600
    try:
        naive = datetime(*parts[:6])
    except ValueError:
        return None
    return naive.replace(tzinfo=timezone(timedelta(seconds=offset)))


def _year_month_day(text: str, tz: tzinfo) -> datetime | None:
    match = _YMD.search(text)
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                          int(second or 0))
    except ValueError:
        return None
    return moment.replace(tzinfo=_zone(zone, tz))


def _zone(label: str | None, default: tzinfo) -> tzinfo:
    if not label or label.upper() in ("CST", "北京时间"):
        return default if not label else _CHINA
    if label.upper() in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if label[0] == "-" else 1
    digits = label[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _relative(text: str, now: datetime) -> datetime | None:
    if "刚刚" in text:
        return now
    match = _AGO.search(text)
    if match:  # an elapsed time: subtract in UTC, so a DST change in the zone's history cannot shift it
        return now.astimezone(UTC) - timedelta(**{_AGO_UNITS[match.group(2)]: int(match.group(1))})
    for word, days in (("前天", 2), ("昨天", 1), ("今天", 0)):
        if word in text:
            day = now - timedelta(days=days)
            clock = re.search(r"(\d{1,2}):(\d{2})", text)
            hour, minute = (int(clock.group(1)), int(clock.group(2))) if clock else (0, 0)
            if hour > 23 or minute > 59:
                return None
            return day.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return None


def _month_day(text: str, tz: tzinfo, now: datetime, near: datetime | None) -> datetime | None:
    match = _MD.search(text)
    if not match:
        return None
    month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    candidates = []
    for year in ((near.year + 1, near.year, near.year - 1) if near else (now.year, now.year - 1)):
        try:
            candidates.append(datetime(year, month, day, hour, minute, second, tzinfo=tz))
        except ValueError:
            continue
    if near:
        return min(candidates, key=lambda moment: abs(moment - near), default=None)
    return next((moment for moment in candidates if moment <= now), None)
