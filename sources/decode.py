"""Bytes to text for Chinese sites: BOM, then HTTP header, then in-document declarations,
then strict tries; GB2312/GBK/cp936 are always decoded as GB18030 (their superset)."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# XML 1.0 Appendix F: without a BOM, the first "<?" tells UTF-16/32, whose ASCII is also valid UTF-8.
_WIDE_XML_STARTS = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)
_SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "x-gbk": "gb18030",
    "gb_2312-80": "gb18030", "euc-cn": "gb18030", "big5": "big5hkscs",
    "iso-8859-1": "windows-1252", "latin-1": "windows-1252", "us-ascii": "utf-8",
    "ascii": "utf-8",
}
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([\w.:-]+)[\"']", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_SCRIPTS = re.compile(rb"<script\b.*?(?:</script\s*>|$)", re.I | re.S)
_HEAD_LIMIT = 64 * 1024


def canonical_encoding(label: str | None) -> str | None:
    """Python codec name for a declared label, widened to its superset; None if unknown."""
    if not label:
        return None
    name = label.strip().lower()
    name = _SUPERSETS.get(name, name)
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return _SUPERSETS.get(codec, codec)


def header_charset(content_type: str) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return canonical_encoding(match.group(1)) if match else None


def declared_charset(body: bytes) -> str | None:
    """Charset from the XML declaration or a <meta> in the head, ignoring <script> blocks."""
    head = body[:_HEAD_LIMIT]
    match = _XML_DECL.match(head)
    if match:
        return canonical_encoding(match.group(1).decode("ascii", "replace"))
    match = _META_CHARSET.search(_SCRIPTS.sub(b"", head))
    if match:
        return canonical_encoding(match.group(1).decode("ascii", "replace"))
    return None


def decode_document(body: bytes, content_type: str = "", override: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used). Never raises: the last resort replaces bad bytes."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, "replace"), encoding
    for start, encoding in _WIDE_XML_STARTS:
        if body.startswith(start):
            return body.decode(encoding, "replace"), encoding
    header = header_charset(content_type)
    if header == "cp1252" and (_decodes(body, "utf-8") or _is_chinese_gb(body)):
        header = None  # servers' default ISO-8859-1 label (e.g. AddDefaultCharset) over real text
    candidates = [canonical_encoding(override), header, declared_charset(body)]
    for encoding in candidates:
        if encoding and _decodes(body, encoding):
            return body.decode(encoding), encoding
    if _decodes(body, "utf-8"):
        return body.decode("utf-8"), "utf-8"
    if _is_chinese_gb(body):
        return body.decode("gb18030"), "gb18030"
    guess = charset_normalizer.from_bytes(body, cp_isolation=["utf_8", "gb18030", "big5"]).best()
    encoding = canonical_encoding(guess.encoding) if guess else None
    first_declared = next((e for e in candidates if e), None)
    encoding = encoding or first_declared or "gb18030"
    return body.decode(encoding, "replace"), encoding


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _is_chinese_gb(body: bytes) -> bool:
    return _decodes(body, "gb18030") and _mostly_cjk(body.decode("gb18030"))


def _mostly_cjk(text: str) -> bool:
    """GB18030 accepts almost any byte string; trust it only when it yields Chinese text."""
    high = [c for c in text if ord(c) > 0x7F]
    if not high:
        return True
    # Chinese prose also leans on “” ‘’ — … (U+2010-U+2027), which GBK encodes as well.
    cjk = sum(1 for c in high if "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"
              or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef"
              or "\u2010" <= c <= "\u2027" or "\U00020000" <= c <= "\U0002ffff")
    return cjk / len(high) > 0.8
