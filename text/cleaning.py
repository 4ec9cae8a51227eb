"""Text hygiene shared by every field that reaches a feed: no control characters, tidy spaces."""

from __future__ import annotations

import re
from html.entities import html5

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """Remove characters XML 1.0 forbids (and lone surrogates): one bad item must not break a feed."""
    return _XML_INVALID.sub("", text)


def squash(text: str | None) -> str:
    """One space for any run of white space, none at the ends: the one rule for "blank-space
    differences do not count". str.split() takes every Unicode space, the ideographic \u3000
    and the no-break \xa0 of Chinese pages included."""
    return " ".join((text or "").split())


def squash_spaces(text: str) -> str:
    return squash(xml_safe(text))


_NAMED_REF = re.compile(r"&([A-Za-z][A-Za-z0-9._:-]{0,63});")
_NAMED_REF_OR_ESCAPED = re.compile(r"&(?:amp;)?([A-Za-z][A-Za-z0-9._:-]{0,63});")
_XML_PREDEFINED = frozenset({"amp", "lt", "gt", "quot", "apos"})


def without_unknown_entities(text: str) -> str:
    """Drop `&name;` references that no HTML or XML standard defines (`&xxe;`, `&probe;`).

    A hostile feed declares them in a DOCTYPE we strip (nothing is ever expanded), and
    parsers then keep the bare reference as text; no reader should see it. Known
    references (`&amp;`, `&nbsp;`, `&copy;`) are left for the HTML/XML layer to resolve. In
    HTML an escaped `&amp;xxe;` shows a reader `&xxe;`, so it goes too.
    """
    if "&" not in text:
        return text
    return _NAMED_REF_OR_ESCAPED.sub(lambda m: m.group(0) if _known(m.group(1)) else "", text)


def xml_named_refs(text: str) -> str:
    """An XML document's named references made safe for any XML parser: HTML names become
    numeric references (`&nbsp;` -> `&#160;`), undefined names are dropped."""
    if "&" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _XML_PREDEFINED:
            return match.group(0)
        expansion = html5.get(name + ";")
        return "".join(f"&#{ord(c)};" for c in expansion) if expansion else ""
    return _NAMED_REF.sub(replace, text)


def _known(name: str) -> bool:
    return name in _XML_PREDEFINED or name + ";" in html5


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
