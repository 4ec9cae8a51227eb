"""An item that is a file (PDF, Word, a ZIP served as a page) becomes a short entry that links
it: its list title, one line naming the file's kind and size, and an enclosure in the feeds.
Its bytes are never content: decoded as text they are garbage a reader cannot use."""

from __future__ import annotations

import html

_KINDS = {
    "application/pdf": "PDF", "application/msword": "Word", "application/rtf": "RTF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.ms-excel": "Excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.ms-powerpoint": "PowerPoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
    "application/vnd.ms-works": "WPS", "application/ofd": "OFD", "application/zip": "ZIP",
    "application/vnd.rar": "RAR", "application/x-7z-compressed": "7z",
}


def attachment_html(title: str, url: str, mime_type: str, length: int | None) -> str:
    """`<p>附件：<a href=…>标题</a>（PDF，1.2 MB）</p>`: what a reader sees instead of the bytes."""
    kind = _KINDS.get(mime_type) or mime_type.split("/")[0].replace("application", "文件")
    about = f"{kind}，{file_size(length)}" if length else kind
    return (f'<p>附件：<a href="{html.escape(url)}">{html.escape(title)}</a>'
            f"（{html.escape(about)}）</p>")


def file_size(length: int) -> str:
    if length >= 1_000_000:
        return f"{length / 1_000_000:.1f} MB"
    if length >= 1_000:
        return f"{length / 1_000:.0f} KB"
    return f"{length} B"
