"""`service.py probe URL`: how a user adds a site. Fetch one list page, show what detection
finds, and print a [[sources]] block to paste into config.toml."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sources.decode import decode_document
from sources.fetch import Fetcher
from sources.html.detect import Detection, detect_list
from sources.html.dom import element_text, expand_datastores, parse_html
from sources.html.lists import prepare_list_tree
from sources.html.paging import next_page_url

SHOWN_ITEMS = 15


@dataclass(frozen=True)
class ProbeReport:
    url: str
    final_url: str
    encoding: str
    page_title: str
    datastore_records: int
    next_page: str | None
    detection: Detection | None

    def render(self) -> str:
        lines = [f"page      {self.final_url}", f"encoding  {self.encoding}", f"title     {self.page_title or '-'}"]
        if self.datastore_records:
            lines.append(f"preset    Hanweb/JCMS datastore ({self.datastore_records} records in <script type=text/xml>)")
        lines.append(f"next page {self.next_page or '-'}")
        if not self.detection:
            lines += ["", "no news list detected: set [sources.list] item/link/title/date selectors by hand"]
            return "\n".join(lines)
        found = self.detection
        lines += ["", f"list      {found.selector}",
                  f"items     {len(found.entries)} ({found.dated} with a date)", ""]
        for entry in found.entries[:SHOWN_ITEMS]:
            lines.append(f"  {entry.date_text or '-':<18} {entry.title}")
            lines.append(f"  {'':<18} {entry.url}")
        if len(found.entries) > SHOWN_ITEMS:
            lines.append(f"  … {len(found.entries) - SHOWN_ITEMS} more")
        lines += ["", "# paste into config.toml:", self.snippet()]
        return "\n".join(lines)

    def snippet(self) -> str:
        host = urlsplit(self.final_url).hostname or "site"
        source_id = re.sub(r"[^A-Za-z0-9_.-]+", "-", host.removeprefix("www.")).strip("-") or "site"
        name = re.split(r"\s*[_|｜\-—–]\s*", self.page_title)[-1] if self.page_title else source_id
        lines = [
            "[[sources]]",
            f"id = {_toml(source_id)}",
            f"name = {_toml(name or source_id)}",
            'kind = "html"',
            f"url = {_toml(self.final_url)}",
            "pages = 1",
            "region = []",
        ]
        if self.detection:
            lines += ["", "[sources.list]", f"item = {_toml(self.detection.selector)}"]
        return "\n".join(lines)


def probe_page(url: str, fetcher: Fetcher, encoding: str | None = None) -> ProbeReport:
    """Raise FetchError when the page cannot be fetched."""
    result = fetcher.get(url, truncate=True)
    text, used = decode_document(result.body, result.content_type, encoding)
    tree = parse_html(text)
    title = tree.find(".//title")
    following = next_page_url(result.url, tree)
    records = expand_datastores(tree)
    prepare_list_tree(tree)
    return ProbeReport(
        url=url,
        final_url=result.url,
        encoding=used,
        page_title=element_text(title) if title is not None else "",
        datastore_records=records,
        next_page=following,
        detection=detect_list(tree, result.url),
    )


def _toml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
