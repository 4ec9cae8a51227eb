"""Whether a response is a document a reader can read as text, or a file to link.

Government sites link PDF/Word/Excel/WPS attachments from their news lists and often serve
them as `text/html`; read as a page, such a file becomes an entry of binary garbage. The
signature of the first bytes decides first (servers lie about the type, files do not), then
the declared type, then the link's extension, then the decoded text itself (NUL bytes,
replacement or control characters where text has none).
"""

from __future__ import annotations

import mimetypes
import re
from urllib.parse import urlsplit

SNIFF_BYTES = 8192  # enough for every signature below and for a fair sample of text
# (signature, offset, MIME type); ZIP and OLE containers are told apart by extension below.
_SIGNATURES = (
    (b"%PDF-", 0, "application/pdf"),
    (b"PK\x03\x04", 0, "application/zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "application/x-ole-storage"),
    (b"Rar!\x1a\x07", 0, "application/vnd.rar"),
    (b"7z\xbc\xaf\x27\x1c", 0, "application/x-7z-compressed"),
    (b"\x1f\x8b\x08", 0, "application/gzip"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"ftyp", 4, "video/mp4"),
    (b"{\\rtf", 0, "application/rtf"),
)
# Attachment extensions of Chinese government sites, with the MIME types RSS/Atom readers know.
ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".wps": "application/vnd.ms-works",
    ".et": "application/vnd.ms-excel",
    ".ofd": "application/ofd",
    ".zip": "application/zip",
    ".rar": "application/vnd.rar",
    ".7z": "application/x-7z-compressed",
    ".rtf": "application/rtf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".mp4": "video/mp4",
}
_CONTAINERS = {"application/zip", "application/x-ole-storage", "application/octet-stream"}
_PAGE_TYPES = re.compile(r"^(?:text/|application/(?:xhtml\+)?xml\b)", re.I)  # pages; JSON is a data file
_NOT_TEXT_CHARS = re.compile("[\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MARKUP = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<(?:!doctype|html|\?xml|head|body|rss|feed)", re.I)
NOT_TEXT_SHARE = 0.02  # text pages measured at 0 (bad GBK bytes: a few per thousand)
MIN_SAMPLE_CHARS = 200


def attachment_type(url: str) -> str | None:
    """The MIME type of a link to an attachment, by its path's extension (None: a page)."""
    path = urlsplit(url).path.lower()
    for extension, kind in ATTACHMENT_TYPES.items():
        if path.endswith(extension):
            return kind
    return None


def binary_type(head: bytes, url: str, declared: str = "") -> str | None:
    """The MIME type of a response that is a file, not a page; None when it may be text.

    `head` is the body's first bytes (SNIFF_BYTES are enough), `declared` the Content-Type.
    """
    by_extension = attachment_type(url)
    for signature, offset, kind in _SIGNATURES:
        if head[offset:offset + len(signature)] == signature:
            return by_extension if kind in _CONTAINERS and by_extension else kind
    if b"\x00" in head[:SNIFF_BYTES]:
        return by_extension or "application/octet-stream"
    media = declared.split(";")[0].strip().lower()
    if media and not _PAGE_TYPES.match(media) and not _MARKUP.match(head):
        return media
    return None


def mostly_not_text(text: str) -> bool:
    """True when decoded text holds replacement or control characters no page has."""
    sample = text[:SNIFF_BYTES * 4]
    if len(sample) < MIN_SAMPLE_CHARS:
        return False
    return len(_NOT_TEXT_CHARS.findall(sample)) > NOT_TEXT_SHARE * len(sample)


def type_for(url: str) -> str:
    """Best MIME type for a linked file whose bytes we could not see."""
    return attachment_type(url) or mimetypes.guess_type(urlsplit(url).path)[0] or "application/octet-stream"
