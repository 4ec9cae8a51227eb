"""Title cleanup: what a reader sees stays human; comparisons use a normalized key."""

from __future__ import annotations

import html
import re
import unicodedata

from text.cleaning import squash_spaces, without_unknown_entities

# "标题_站名", "标题 - 站名", "标题--站名", "标题|站名", "标题·站名"; a dash between digits is
# part of the title ("2023-2025年", "1-8月").
_SITE_SUFFIX = re.compile(r"\s*(?:[_|｜·]|\s[-—–]{1,2}\s|(?<![\d\s])[-—–]{1,2}(?![\d\s]))\s*"
                          r"([^_|｜·\-—–]{2,40})$")
MIN_TITLE_CHARS = 4
_LABEL_PREFIX = re.compile(r"^\s*【[^】]{1,12}】\s*(?=\S)")
_CUT_MARKS = ("……", "…", "...", "。。。")
MIN_PREFIX_CHARS = 6  # a list title cut short still agrees with the page title it begins


_CLEAN_PASSES = 5


def clean_title(raw: str) -> str:
    """Collapse spacing and entities; cut a 【栏目】 label. Cleaning until nothing changes keeps
    it idempotent: dropping a control character or an unknown reference can reveal another
    reference ("&\x08x;", "&a&x;mp;")."""
    title = raw or ""
    for _ in range(_CLEAN_PASSES):
        cleaned = squash_spaces(without_unknown_entities(squash_spaces(html.unescape(title))))
        if cleaned == title:
            break
        title = cleaned
    stripped = _LABEL_PREFIX.sub("", title)
    return stripped if len(stripped) >= 4 else title


def site_suffix_forms(page_title: str) -> tuple[list[str], list[str]]:
    """`<title>` text with each site suffix cut in turn ("标题_栏目_站名" gives "标题_栏目" and
    "标题"; the text itself when it has none), and the suffixes cut (site and column names)."""
    forms, names = [], []
    current = page_title
    while (match := _SITE_SUFFIX.search(current)) and len(current[: match.start()].strip()) >= MIN_TITLE_CHARS:
        names.append(match.group(1).strip())
        current = current[: match.start()]
        forms.append(current)
    return forms or [page_title], names


def strip_own_name(title: str, names: tuple[str, ...]) -> str:
    """Cut a `_站点名` / ` - 站点名` tail that names the site itself (feeds carry <title> text too)."""
    match = _SITE_SUFFIX.search(title)
    if not match or len(title) - len(match.group(0)) < MIN_TITLE_CHARS:
        return title
    tail = title_key(match.group(0))
    for name in filter(None, map(title_key, names)):
        if tail and (tail == name or (len(min(tail, name, key=len)) >= 4 and (tail in name or name in tail))):
            return title[: match.start()]
    return title


def titles_agree(listed: str | None, page: str | None) -> bool | None:
    """Whether a list (or feed) title and the article page's own title name the same thing;
    None when either is missing. A list title cut with "…" agrees with the title it begins, and
    so does a page `<title>` that adds the site's name."""
    cut = (listed or "").strip()
    for mark in _CUT_MARKS:
        cut = cut.removesuffix(mark)
    first, second = title_key(cut), title_key(page or "")
    if not first or not second:
        return None
    return first == second or (len(first) >= MIN_PREFIX_CHARS and second.startswith(first))


def title_key(title: str) -> str:
    """Width-, case- and punctuation-insensitive form used to compare titles."""
    # Dropping punctuation first leaves NFKC little to do (CJK text is mostly punctuation-
    # dependent); a second filter catches what normalization turns into punctuation.
    kept = "".join(filter(str.isalnum, title))
    if not unicodedata.is_normalized("NFKC", kept):
        kept = "".join(filter(str.isalnum, unicodedata.normalize("NFKC", kept)))
    return kept.lower()


# What a re-post adds to the original's title: a label (【转载】, [转], （转）), a "转：" prefix.
_REPOST_MARKS = re.compile(
    r"^\s*(?:[【\[（(][^】\]）)]{1,12}[】\]）)]\s*|(?:转载|转发|转)\s*[:：]\s*)+"
    r"|\s*[【\[（(](?:转载|转|转发|来源[^】\]）)]{0,20})[】\]）)]\s*$"
)
MIN_EXTRA_CHARS = 2


def repost_title_key(title: str) -> str:
    """`title_key` of a title without the marks a re-post adds (labels, 转/转载 prefixes)."""
    return title_key(_REPOST_MARKS.sub("", title))


def repost_titles_agree(a: str, b: str, names: tuple[str, ...]) -> bool:
    """Whether two titles are one story's once re-post marks are cut: equal, or one is the
    other plus a site's name before or after it ("万州经开区：经开区举办…" and "经开区举办…")."""
    ka, kb = repost_title_key(a), repost_title_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    shorter, longer = sorted((ka, kb), key=len)
    if longer.startswith(shorter):
        extra = longer[len(shorter):]
    elif longer.endswith(shorter):
        extra = longer[: len(longer) - len(shorter)]
    else:
        return False
    return len(extra) >= MIN_EXTRA_CHARS and any(extra in key for key in map(title_key, names) if key)
