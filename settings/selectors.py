"""Selector strings of config.toml, in the Scrapy/parsel convention users already know.

`span.date` picks elements; a value key may end in `::attr(name)` (that attribute) or `::text`
(the element's own text, without its children's). This module is the one parser of that
suffix and compiles the CSS part once, so `check-config` refuses exactly what a poll could not
run, and the poll never meets a selector it cannot compile.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from cssselect import SelectorError
from lxml import etree
from lxml.cssselect import CSSSelector

_SUFFIX = re.compile(r"::(?:attr\(\s*([A-Za-z_:][-\w:.]*)\s*\)|(text))\s*$")
_AT_ATTRIBUTE = re.compile(r"@([A-Za-z_:][-\w:.]*)\s*$")


@dataclass(frozen=True)
class Selector:
    """A compiled selector and what to read from the elements it finds."""

    text: str                     # as written in the config
    match: CSSSelector            # call it on an element: the matching descendants, in order
    attribute: str | None = None  # ::attr(name)
    own_text: bool = False        # ::text

    @property
    def reads_value(self) -> bool:
        return self.attribute is not None or self.own_text


@functools.lru_cache(maxsize=1024)
def parse_selector(text: str) -> Selector:
    """Compile `text`; raise ValueError saying what is wrong and how to write it instead."""
    suffix = _SUFFIX.search(text)
    css = text[: suffix.start()] if suffix else text
    if "::" in css:
        raise ValueError(f"bad selector {text!r}: it may end in one ::attr(name) or ::text, nothing else after ::")
    at = _AT_ATTRIBUTE.search(css)
    if at:
        raise ValueError(f"bad selector {text!r}: to read an attribute write "
                         f"{css[: at.start()].strip()}::attr({at.group(1)})")
    if not css.strip():
        raise ValueError(f"bad selector {text!r}: no CSS before the ::")
    try:
        compiled = CSSSelector(css, translator="html")
    except (SelectorError, SyntaxError, etree.XPathError) as exc:
        raise ValueError(f"bad CSS selector {text!r}: {exc}") from None
    if not suffix:
        return Selector(text, compiled)
    return Selector(text, compiled, attribute=suffix.group(1), own_text=bool(suffix.group(2)))


def check_element_selector(text: str) -> Selector:
    """For keys that pick elements (list item, article body, remove): no ::attr/::text."""
    selector = parse_selector(text)
    if selector.reads_value:
        raise ValueError(f"bad selector {text!r}: this key picks elements; "
                         "::attr() and ::text only apply to link, title, date and source")
    return selector
