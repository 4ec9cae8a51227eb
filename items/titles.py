"""Title cleanup: what a reader sees stays human; comparisons use a normalized key."""

from __future__ import annotations

import html
import re
import unicodedata

from items.cleaning import squash_spaces

_SITE_SUFFIX = re.compile(r"\s*(?:[_|｜]|\s[-—–]\s)\s*[^_|｜\-—–]{2,40}$")
_LABEL_PREFIX = re.compile(r"^\s*【[^】]{1,12}】\s*(?=\S)")
_CUT_MARKS = ("……", "…", "...", "。。。")
MIN_PREFIX_CHARS = 6  # a list title cut short still agrees with the page title it begins


def clean_title(raw: str, strip_site_suffix: bool = False) -> str:
    """Collapse spacing and entities; optionally cut `_站点名` / ` - 站点名` from <title> text."""
    title = squash_spaces(html.unescape(raw or ""))
    if strip_site_suffix:
        while True:
            shorter = _SITE_SUFFIX.sub("", title)
            if shorter == title or len(shorter) < 4:
                break
            title = shorter
    stripped = _LABEL_PREFIX.sub("", title)
    return stripped if len(stripped) >= 4 else title


def strip_own_name(title: str, names: tuple[str, ...]) -> str:
    """Cut a `_站点名` / ` - 站点名` tail that names the site itself (feeds carry <title> text too)."""
    match = _SITE_SUFFIX.search(title)
    if not match or len(title) - len(match.group(0)) < 4:
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
