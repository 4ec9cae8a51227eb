"""Text hygiene shared by every field that reaches a feed: no control characters, tidy spaces."""

from __future__ import annotations

import re

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_SPACES = re.compile(r"[\s\u3000\xa0]+")


def xml_safe(text: str) -> str:
    """Remove characters XML 1.0 forbids (and lone surrogates): one bad item must not break a feed."""
    return _XML_INVALID.sub("", text)


def squash_spaces(text: str) -> str:
    return _SPACES.sub(" ", xml_safe(text)).strip()
