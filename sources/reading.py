"""How an item was read, kept beside it: what the list or feed showed (a digest: a change is a
correction worth one re-read) and whether the list and page titles agree (extraction health)."""

from __future__ import annotations

import hashlib

from items.titles import title_key
from sources.errors import (
    FetchError,
    HTTPStatusError,
    ParseError,
    RefusedURLError,
    RobotsDisallowedError,
    TooLargeError,
)

_CUT = ("……", "…", "...", "。。。")
MAX_TEXT_FAILURES = 3  # polls in a row that may retry an article page that could not be read
MIN_PREFIX_CHARS = 6  # a list title cut short still agrees with the page title it begins


def failure_weight(exc: FetchError) -> int:
    """How much an article fetch failure counts toward giving up: a page that is gone, refused,
    not HTML or too big will not get better (give up now); anything else may (one of a few)."""
    gone = isinstance(exc, HTTPStatusError) and 400 <= exc.status < 500
    if gone or isinstance(exc, (RobotsDisallowedError, RefusedURLError, ParseError, TooLargeError)):
        return MAX_TEXT_FAILURES
    return 1


def listed_key(*shown: str | None) -> str:
    """Digest of what a list entry or feed item showed; blank-space differences do not count."""
    text = "\x1f".join(" ".join((part or "").split()) for part in shown)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def titles_agree(listed: str | None, page: str | None) -> bool | None:
    """Whether a list (or feed) title and the article page's own title name the same thing;
    None when either is missing. A list title cut with "…" agrees with the title it begins, and
    so does a page `<title>` that adds the site's name."""
    cut = (listed or "").strip()
    for mark in _CUT:
        cut = cut.removesuffix(mark)
    first, second = title_key(cut), title_key(page or "")
    if not first or not second:
        return None
    return first == second or (len(first) >= MIN_PREFIX_CHARS and second.startswith(first))
