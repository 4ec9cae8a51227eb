"""Allowlist HTML sanitizing (nh3) with absolute links, so content is safe in any reader."""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin

import nh3

from text.cleaning import nesting_depth, squash, xml_safe

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt",
    "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li",
    "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
_TAG_RE = re.compile(r"<[^>]+>")
MAX_DEPTH = 500


def sanitize_html(fragment: str, base_url: str) -> str:
    """Keep structure and media; drop scripts, styles, frames, forms, handlers and unsafe URLs."""
    if not fragment:
        return ""
    if nesting_depth(fragment, MAX_DEPTH) > MAX_DEPTH:
        # nh3 is quadratic in depth; no real article nests this deep, so keep its text only.
        return f"<p>{html.escape(html_to_text(xml_safe(fragment)))}</p>"

    def absolute(element: str, attribute: str, value: str) -> str | None:
        if attribute in ("href", "src"):
            resolved = urljoin(base_url, value.strip())
            return resolved if resolved.startswith(("http://", "https://")) else None
        return value

    cleaned = nh3.clean(
        xml_safe(fragment),
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer",
        attribute_filter=absolute,
        strip_comments=True,
    )
    return cleaned.strip()


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, for summaries, matching and search."""
    text = _TAG_RE.sub(" ", fragment or "")
    return squash(html.unescape(text))
