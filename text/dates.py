"""Publish-time parsing for Chinese sites and feeds.

Our own parser, because feedparser and htmldate misread `2023年08月28日` and treat naive
times as UTC and `CST` as US Central. A time without a zone is in the source's timezone.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_tz

_CHINA = timezone(timedelta(hours=8))
_FULLWIDTH = str.maketrans("０１２３４５６７８９：－／．", "0123456789:-/.")
_TIME = r"(?:[T\s]*(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2}))?(?:\.\d+)?秒?)?"
_ZONE = r"\s*(Z|[+-]\d{2}:?\d{2}|CST|UTC|GMT|北京时间)?"
_YMD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?" + _TIME + _ZONE, re.I)
_MD = re.compile(r"(?<!\d)(\d{1,2})\s*[-/月]\s*(\d{1,2})\s*日?(?!\d)" + _TIME)
_AGO = re.compile(r"(\d+)\s*(秒|分钟|小时|天|周)前")
_AGO_UNITS = {"秒": "seconds", "分钟": "minutes", "小时": "hours", "天": "days", "周": "weeks"}
_RFC822_NAMED_ZONE = re.compile(r"\s(CST|BJT|北京时间)\s*$", re.I)


def parse_date(text: str | None, tz: tzinfo = _CHINA, now: datetime | None = None) -> datetime | None:
    """Return an aware UTC datetime for `text`, or None when it holds no date.

    `now` anchors relative dates ("3小时前", "昨天") and year inference for "08-28"; a date
    without a year is put in the latest year that does not place it in the future.
    """
    if not text:
        return None
    text = text.translate(_FULLWIDTH).replace("\u3000", " ").replace("\xa0", " ").strip()
    now = (now or datetime.now(UTC)).astimezone(tz)
    try:
        found = (
            _rfc822(text)
            or _year_month_day(text, tz)
            or _relative(text, now)
            or _month_day(text, tz, now)
        )
        return found.astimezone(UTC) if found else None
    except (OverflowError, ValueError):  # "99999999天前", year 9999 at -12:00: no usable date
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


def _month_day(text: str, tz: tzinfo, now: datetime) -> datetime | None:
    match = _MD.search(text)
    if not match:
        return None
    month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    for year in (now.year, now.year - 1):
        try:
            moment = datetime(year, month, day, hour, minute, second, tzinfo=tz)
        except ValueError:
            continue
        if moment <= now:
            return moment
    return None
