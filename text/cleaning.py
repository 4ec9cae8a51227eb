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


_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)[^>]*?(/?)>")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
         "source", "track", "wbr"}


def nesting_depth(markup: str, stop_above: int) -> int:
    """How deep the tags of `markup` nest (counting stops once past `stop_above`).

    A linear pre-check: parsers (html5ever in nh3, feedparser) slow down quadratically with
    depth, so a 100,000-level document would stall a poll for minutes.
    """
    depth = deepest = 0
    for match in _TAG.finditer(markup):
        closing, name, self_closing = match.groups()
        if closing:
            depth = max(0, depth - 1)
        elif not self_closing and name.lower() not in _VOID:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop_above:
                    break
    return deepest
