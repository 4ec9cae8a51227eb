"""Property tests for the items room: dates, titles, URLs, sanitizing.

Example counts come from the hypothesis profile (tests/conftest.py): `ci` by default,
`HYPOTHESIS_PROFILE=long` for a deeper local run.
"""

from __future__ import annotations

import html as html_lib
import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime

from hypothesis import assume, given
from hypothesis import strategies as st
from lxml import html

from items.sanitize import sanitize_html
from items.urls import canonical_url
from text.cleaning import xml_safe
from text.dates import parse_date
from text.titles import clean_title

CHINA = timezone(timedelta(hours=8))
_FORBIDDEN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

moments = st.datetimes(min_value=datetime(1995, 1, 1), max_value=datetime(2060, 12, 31),
                       timezones=st.just(CHINA)).map(lambda d: d.replace(microsecond=0))


# dates ---------------------------------------------------------------------------------------
@given(moments)
def test_chinese_written_date_round_trips(moment):
    text = f"{moment.year}年{moment.month}月{moment.day}日 {moment.hour:02d}:{moment.minute:02d}"
    assert parse_date(text, CHINA) == moment.replace(second=0).astimezone(UTC)


@given(moments, st.sampled_from(["%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S+08:00"]))
def test_numeric_date_round_trips(moment, pattern):
    assert parse_date(moment.strftime(pattern), CHINA) == moment.astimezone(UTC)


@given(moments, st.integers(min_value=-12, max_value=14))
def test_rfc822_date_with_any_offset_round_trips(moment, hours):
    shifted = moment.astimezone(timezone(timedelta(hours=hours)))
    assert parse_date(format_datetime(shifted), CHINA) == moment.astimezone(UTC)


@given(st.text(max_size=80), moments)
def test_any_text_gives_an_aware_utc_time_or_none(text, now):
    found = parse_date(text, CHINA, now)
    assert found is None or found.tzinfo == UTC


# titles --------------------------------------------------------------------------------------
@given(st.text(max_size=120))
def test_clean_title_is_xml_safe_and_tidy(raw):
    title = clean_title(raw)
    assert not _FORBIDDEN_XML.search(title)
    assert title == title.strip()
    assert "  " not in title and "\n" not in title


@given(st.text(alphabet=st.characters(blacklist_characters="&"), max_size=120))
def test_clean_title_is_idempotent(raw):
    once = clean_title(raw)
    assert clean_title(once) == once


# URLs ----------------------------------------------------------------------------------------
_label = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
_segment = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/?#"),
                   max_size=10)
_param = st.tuples(st.sampled_from(["id", "p", "utm_source", "from", "spm", "a b", "中文", ""]),
                   st.text(max_size=8))


@st.composite
def urls(draw) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP"]))
    host = ".".join(draw(st.lists(_label, min_size=1, max_size=3)))
    port = draw(st.sampled_from(["", ":80", ":443", ":8080"]))
    path = "/".join(draw(st.lists(_segment, max_size=4)))
    query = "&".join(f"{k}={v}" for k, v in draw(st.lists(_param, max_size=4)))
    fragment = draw(st.sampled_from(["", "#top", "#中"]))
    return f"{scheme}://{host}{port}/{path}" + (f"?{query}" if query else "") + fragment


@given(urls())
def test_canonical_url_is_idempotent(url):
    once = canonical_url(url)
    assert canonical_url(once) == once


@given(urls(), st.text(max_size=30))
def test_canonical_url_of_relative_links_is_idempotent(base, link):
    once = canonical_url(link, base)
    assume(once.startswith(("http://", "https://")))  # other schemes never become entry links
    assert canonical_url(once) == once


@given(st.one_of(st.text(max_size=60),
                st.sampled_from(["http://[", "http://[x/a", "//[::1", "http://h:99999/", "http://h:-1/",
                                 "http://h:port/"]).map(lambda u: u + "?a=1")))
def test_canonical_url_never_raises(text):
    canonical_url(text, "http://www.example.gov.cn/news/")


# sanitizer -----------------------------------------------------------------------------------
_DANGEROUS_TAGS = ["script", "iframe", "object", "embed", "svg", "math", "style", "form", "input",
                   "button", "base", "meta", "link", "frame", "frameset", "template", "noscript"]
_ATTRIBUTES = ["onclick", "onerror", "onload", "ONMOUSEOVER", "href", "src", "style", "srcdoc",
               "formaction", "xlink:href", "class", "title", "data"]
_VALUES = ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "java&#x09;script:alert(1)",
           "&#106;avascript:alert(1)", "data:text/html,<script>alert(1)</script>",
           "vbscript:msgbox(1)", "http://ok.example/x", "/relative", "alert(1)",
           "expression(alert(1))", "\" onerror=\"alert(1)"]


@st.composite
def hostile_html(draw, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["text", "element", "comment", "raw"]))
        if kind == "text":
            parts.append(html_lib.escape(draw(st.text(max_size=10))))
        elif kind == "comment":
            parts.append("<!--" + draw(st.sampled_from(["<script>x</script>", "[if IE]>x<![endif]", ""])) + "-->")
        elif kind == "raw":
            parts.append(draw(st.sampled_from(["<", ">", "</", "<scr<script>ipt>", "<img/src=x/onerror=alert(1)>",
                                               "<a href='javascript:x'>", "\x00", "<svg><script>x</script>"])))
        else:
            tag = draw(st.sampled_from(_DANGEROUS_TAGS + ["a", "img", "div", "p", "span", "table", "td"]))
            attrs = "".join(
                f' {name}="{value}"' for name, value in draw(st.lists(
                    st.tuples(st.sampled_from(_ATTRIBUTES), st.sampled_from(_VALUES)), max_size=3)))
            inner = draw(hostile_html(depth + 1)) if depth < 3 else ""
            parts.append(f"<{tag}{attrs}>{inner}</{tag}>")
    return "".join(parts)


_EXECUTABLE_TAGS = set(_DANGEROUS_TAGS)
_SAFE_SCHEMES = ("http://", "https://")


@given(hostile_html())
def test_sanitizer_output_never_contains_an_executable_construct(fragment):
    cleaned = sanitize_html(fragment, "http://www.example.gov.cn/a/1.html")
    assume(cleaned.strip())
    for element in html.fragments_fromstring(f"<div>{cleaned}</div>")[0].iter():
        if not isinstance(element.tag, str):
            continue  # comments would show up here; none should survive, checked below
        assert element.tag.lower() not in _EXECUTABLE_TAGS, cleaned
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), cleaned
            assert name.lower() not in ("style", "srcdoc", "formaction"), cleaned
            if name.lower() in ("href", "src"):
                assert value.strip().lower().startswith(_SAFE_SCHEMES), cleaned
    assert "<!--" not in cleaned
    assert xml_safe(cleaned) == cleaned
