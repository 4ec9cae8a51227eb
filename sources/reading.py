"""How an item was read, kept beside it: what the list or feed showed (a digest: a change is a
correction worth one re-read), and how much a failed article fetch counts."""

from __future__ import annotations

import hashlib

from sources.errors import (
    FetchError,
    HTTPStatusError,
    ParseError,
    RefusedURLError,
    RobotsDisallowedError,
    TooLargeError,
)
from text.cleaning import squash

MAX_TEXT_FAILURES = 3  # polls in a row that may retry an article page that could not be read


def failure_weight(exc: FetchError) -> int:
    """How much an article fetch failure counts toward giving up: a page that is gone, refused,
    not HTML or too big will not get better (give up now); anything else may (one of a few)."""
    gone = isinstance(exc, HTTPStatusError) and 400 <= exc.status < 500
    if gone or isinstance(exc, (RobotsDisallowedError, RefusedURLError, ParseError, TooLargeError)):
        return MAX_TEXT_FAILURES
    return 1


def listed_key(*shown: str | None) -> str:
    """Digest of what a list entry or feed item showed; blank-space differences do not count."""
    text = "\x1f".join(squash(part) for part in shown)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]
